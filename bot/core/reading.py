"""Which part of a chat message asks: clauses that ask are the question, the rest is chat.

People in a server write around their question: a greeting, a story, an aside, a reply to
someone else, "loved chapter 4 btw". A clause asks when it ends with "?", opens like a
question ("is", "who", "how"...) or makes a request ("tell me", "need the name of"). Those
clauses are the question; the other clauses are context, which neither sinks the answer nor
drags another entry in. A yes-or-no question's other choice ("is she back as the director or
did they recast") is context too: what answers the first choice answers the question. A
message in which no clause asks is read whole, as a search ("ballerina release date"), and
`asks` says so (an auto-answer in a busy channel needs a message that asks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.lexicon import strip_filler

# Clause ends: sentence punctuation (not ':', which titles use: "John Wick: Chapter 4"), new
# lines, emoji and other symbols, ",," and dashes, and a comma or conjunction that opens a new
# question ("filming wrapped in 2023 but what city").
_CLAUSE_END = re.compile(
    r"(?:[.!?;…]+|\s[-–—]+\s|,{2,}|\n|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]+"
    r"|(?:,|,?\s+(?:but|and|so))\s+(?=(?:what|who|where|when|why|how|which)\b)"
    # ...or a yes-or-no question about the asker or the film: "i havent seen them, will i be lost"
    r"|(?:,|,?\s+(?:but|and|so))\s+(?=(?:will|can|could|should|would|do|does|did|is|are|am)"
    r" (?:i|it|he|she|they|we|you|u|there)\b)"
    # ...or that reports what someone said: "who else is in the cast, someone said ..."
    r"|(?:,|,?\s+(?:but|and|so))\s+(?=(?:someone|somebody|people|ppl|everyone|my \w+|a friend"
    r"|i|they|he|she)\s+(?:\w+\s+)?(?:said|says|told|tells|heard|swears|swore|thinks|claims"
    r"|claimed|mentioned|posted)\b))",
    re.IGNORECASE,
)
# Addressed to someone else before the question: "@kai no", "replying to @dex -", "@dex:",
# and without the @ when a colon or dash ends the name: "replying to jules:".
_ADDRESSEE = re.compile(
    r"^\s*(?:(?:(?:replying|reply|responding) to\s+)?@[\w.]+"
    r"|(?:replying|reply|responding) to\s+[\w.]+\s*(?=[:-]))[\s,:-]*",
    re.IGNORECASE,
)
# Words that open a clause without being part of it: "ok so wait, is it ...".
_OPENERS = frozenset(
    "ok okay so wait but and also like yo hey lol lmao btw well um uh hmm nah yeah yes anyway "
    "anyways ngl tbh honestly seriously srsly guys ppl pls plz please oh ah alright right then "
    "bruh bro dude hi hello hiya sup real talk quick question all everyone folks yall".split()
)
_QUESTION_OPENERS = frozenset(
    "what whats what's wat wut who whos who's whom whose where wheres where's when whens when's "
    "why whys why's how hows how's which is isnt isn't are arent aren't was wasnt wasn't were "
    "do does doesnt doesn't did didnt didn't can cant can't could will wont won't would should "
    "has have had am any anyone anybody".split()
)
# A yes-or-no question offers its other choice as a clause of its own: "... or did they".
_POLAR_OPENERS = frozenset(
    "is isnt isn't are arent aren't was wasnt wasn't were do does doesnt doesn't did didnt "
    "didn't can cant can't could will wont won't would should has have had am".split()
)
_OTHER_CHOICE = re.compile(
    r"[\s,]+or\s+(?=(?:is|isnt|are|was|were|do|does|did|can|could|will|would|should|has|have"
    r"|had|am|i|im|i'm|you|u|he|she|it|its|it's|they|we|that|this|there|just)\b)",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"^(?:(?:can|could|would) (?:you|u|someone|somebody|anyone) )?(?:pls |please |plz )?"
    r"(?:tell|give|gimme|show|remind|explain|describe|list|name|recommend|summari[sz]e"
    r"|lmk|let me know)\b"
    r"|^(?:i )?(?:need|want|wanna|would like|d like|looking for|searching for)"
    r" (?:the|a|an|to know|to find|info|information|details|help|some|any|someone)\b"
    r"|^(?:i'?m |im )?(?:curious|wondering)\b"
    r"|^(?:any|some) (?:info|idea|details|news|word)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_LEADING_OPENERS = re.compile(
    r"^(?:[\s,]*\b(?:"
    + "|".join(sorted(map(re.escape, _OPENERS), key=len, reverse=True))
    + r")\b)+[\s,]*",
    re.IGNORECASE,
)
# A tag that turns a statement into a question: "she has a link to wick right?".
TAG_WINDOW = 24
_TRAILING_TAG = re.compile(
    r"[\s,]+(?:right|correct|yeah|yes|no|or nah|or not|or what|tho|though|lol|lmao|rn)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of a message, and whether it asks."""

    text: str
    asks: bool


@dataclass(frozen=True, slots=True)
class Reading:
    """A message read as clauses: which ask (the question) and which are chat."""

    clauses: tuple[Clause, ...]

    @property
    def asks(self) -> bool:
        """Whether any clause asks something."""
        return any(clause.asks for clause in self.clauses)

    @property
    def question(self) -> str:
        """The clauses that ask, or the whole message when none does."""
        asking = [c.text for c in self.clauses if c.asks] if self.asks else None
        return " . ".join(asking if asking is not None else [c.text for c in self.clauses])

    @property
    def chat(self) -> str:
        """The clauses taken for chat around the question."""
        return " . ".join(c.text for c in self.clauses if not c.asks) if self.asks else ""


# Right after a question that asks who, what, when..., a guess at its answer: "who directed it?
# was it stahelski again", "what did the review rate it? 3 stars? 4?". What answers the
# question tells whether the guess was right. A guess is a few words asked only by their "?",
# or, after "who", "was it ...": after "when" or "what" that shape is often a question of its
# own ("when is it out? is it on netflix").
_GUESS = re.compile(r"^(?:was|is|wasnt|wasn't|isnt|isn't) (?:it|that|this|he|she|they)\b", re.I)
_WHO_QUESTION = re.compile(r"^(?:who|whos|who's|whose)\b", re.I)
_OPEN_QUESTION = re.compile(
    r"^(?:who|whos|who's|whose|what|whats|what's|wat|when|whens|when's|where|wheres|where's"
    r"|which|how|hows|how's)\b",
    re.I,
)
GUESS_WORDS = 3  # at most this many words, asked only by a "?", guess at the answer


def read_message(cleaned: str) -> Reading:
    """Split a cleaned message into clauses and mark the ones that ask."""
    clauses: list[Clause] = []
    start = 0
    for end in _CLAUSE_END.finditer(cleaned):
        _add(clauses, cleaned[start : end.start()], "?" in end.group())
        start = end.end()
    _add(clauses, cleaned[start:], False)
    return Reading(tuple(_without_guesses(clauses)))


def _without_guesses(clauses: list[Clause]) -> list[Clause]:
    """Mark as chat the clauses that guess at the answer of the open question before them."""
    question = ""  # the open question the clauses since it guess at, if any
    for number, clause in enumerate(clauses):
        if not clause.asks:
            question = ""
        elif _OPEN_QUESTION.match(clause.text):
            question = clause.text
        elif question and (
            _is_fragment(clause.text)
            or (_GUESS.match(clause.text) and _WHO_QUESTION.match(question))
        ):
            clauses[number] = Clause(clause.text, False)
        else:
            question = ""
    return clauses


def _is_fragment(text: str) -> bool:
    """A few words that are no question of their own: "3 stars", "len wiseman"."""
    found = _WORD.findall(text.casefold())
    return (
        0 < len(found) <= GUESS_WORDS
        and found[0].partition("'")[0] not in _QUESTION_OPENERS
        and not _REQUEST.match(" ".join(found))
    )


def _add(clauses: list[Clause], raw: str, questioned: bool) -> None:
    text = _ADDRESSEE.sub("", raw)
    text = _LEADING_OPENERS.sub("", text)
    # The tag is at the end: looking only there keeps a run of ", , ," linear.
    tag = _TRAILING_TAG.search(text[-TAG_WINDOW:])
    if tag is not None:
        text = (
            text[: len(text) - TAG_WINDOW + tag.start()]
            if len(text) > TAG_WINDOW
            else text[: tag.start()]
        )
    text = text.strip(" ,")
    words = _WORD.findall(strip_filler(text))
    while words and words[0] in _OPENERS:
        words.pop(0)
    if not words:
        return  # only chat: "lol", "hey guys", "thanks in advance"
    opened = " ".join(words)
    # A question word contracted opens a question too: "where'd", "who'll", "how're".
    openers = (words[0], words[0].partition("'")[0])
    asks = questioned or not _QUESTION_OPENERS.isdisjoint(openers) or bool(_REQUEST.match(opened))
    if asks and words[0] in _POLAR_OPENERS:
        # "is she back as the director or did they recast": what answers the first choice
        # answers the question; the other choice's words are not what it must be about.
        choice = _OTHER_CHOICE.search(text)
        if choice is not None and choice.start() > 0:
            clauses.append(Clause(text[: choice.start()].strip(" ,"), True))
            clauses.append(Clause(text[choice.start() :].strip(" ,"), False))
            return
    clauses.append(Clause(text, asks))


# What a "what" or "which" question asks for: "what kind of settings", "which chapter"; and
# what "how do I get" one asks for: "how do i get a refund".
_ASKED_FOR = re.compile(
    r"\b(?:what|which|whats|what's)\s+(?:(?:kind|sort|type)s?\s+of\s+)?(?:the\s+)?([^\W\d_]+)"
    r"|\bhow (?:do|can|could|should|would|to) (?:i |we |you |u )?(?:get|find|make|use|buy|earn)"
    r" (?:a |an |the |my |some |more )?([^\W\d_]+)"
)


def asked_for(question: str) -> frozenset[str]:
    """The words a question asks for, folded ("what settings", "how do i get a refund")."""
    return frozenset(w for found in _ASKED_FOR.findall(question.casefold()) for w in found if w)


def asks_open_question(reading: Reading) -> bool:
    """Whether a clause that asks opens with who, what, when, where, which or how."""
    return any(c.asks and _OPEN_QUESTION.match(c.text) is not None for c in reading.clauses)


def asks_something(text: str) -> bool:
    """Whether a raw message asks anything at all: cheap enough for every message of a channel."""
    if "?" not in text and not _MAYBE_ASKS.search(text[:2000].casefold()):
        return False  # most chat: no question mark, no question word, no request
    return read_message(text).asks


_MAYBE_ASKS = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, _QUESTION_OPENERS), key=len, reverse=True)) + r")\b"
    r"|\b(?:tell|give|gimme|show|remind|explain|describe|recommend|need|want|wanna|looking for"
    r"|curious|wondering|lmk|let me know)\b"
)

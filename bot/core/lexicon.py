"""Language and domain knowledge the engine reads questions with; the method itself has none.

Two kinds of knowledge live here, apart from the matching code:

- English, the same for every community (like spaCy's `lang/en`): STOPWORDS, the chat words
  people type around a question (greetings, hedges, slang), request frames, question words.
- Domains, as data: `bot/core/domains/<name>.yaml` says what a community's words mean (what
  "how long" or "who plays" asks in a film, which facts fans ask about that a knowledge base
  may lack). A knowledge base names its domains (`domains: [film]` in data/sources.yaml);
  `general.yaml` is always part of it. `Lexicon` is those files merged, compiled once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.core.model import GlossaryTerm

DOMAINS_DIR = Path(__file__).with_name("domains")
BASE_DOMAIN = "general"

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any anyone anybody anything are aren't as
    at be because been before being below between both but by can can't cannot could couldn't
    did didn't do does doesn't doing don't down during each either else ever every few for from
    further get gets getting got gonna had hadn't has hasn't have haven't having he he'd he'll he's
    her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't
    it it's its itself just let's like me might more most must mustn't my myself no nor not now of
    off on once only or other ought our ours ourselves out over own please shall shan't she
    she'd she'll she's should shouldn't so some somebody someone something such tell than thank
    thanks that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through thx to too under until up upon very via wanna was
    wasn't we we'd we'll we're we've were weren't what what's whats when when's where where's which
    while who who's whom whose why why's will with won't would wouldn't yes yet you you'd you'll
    you're you've your yours yourself yourselves
    hi hey hello hiya yo sup guys guy folks everyone y'all yall ok okay lol lmao pls plz quick
    question questions know knows knew wondering wonder curious idea ideas actually really
    basically literally honestly seriously maybe perhaps probably kinda sorta thing things stuff
    bot concierge help explain info information details detail exactly
    u ur r im dont doesnt isnt wont cant thats didnt wasnt arent werent shes hes theres whos
    wheres whens hows ive youre theyre one whoever whatever whether wherever whichever
    explore explores exist exists happen happens happened make makes made think
    mean means go goes going gone come comes want wants need needs special
    kind sort type much many lot lots big talk talking say said says way ways
    everything whole part parts main new give gives giving find finds found according besides
    also anyway anyways though although btw tbh imo imho idk nah yeah yep nope ya yah oh ah um uh
    hmm wow omg pretty quite just still even already morning evening afternoon everybody
    confused wondered
    ngl rn fr istg smh lowkey highkey tryna gotta gimme lemme dunno prolly bc cuz cos coz abt
    smth sth rly srsly tho ty tysm np nvm jk af ikr fyi afaik iirc tl dr tldr bruh bro bros dude
    dudes fam lmk pls plss yea ye yup yass welp ugh ooh aww haha hahaha hehe xd fml wtf wth gg
    asap etc em wat wut wot wen some1 sum1 any1 every1 no1 ones youve theyve weve youll theyll teh
    totally completely absolutely definitely extremely truly fully entirely utterly somewhat actual
    """.split()
)
# "what's" is folded to "what" (a possessive 's is dropped), "whats" is typed for it: read
# either as "what is", so that "what's ballerina about" is the alias "What is Ballerina about?".
_IS_AFTER = frozenset("what who where when how why which that there it".split())
_WITH_IS = {"whats": "what", "whos": "who", "wheres": "where", "whens": "when", "hows": "how",
            "thats": "that", "theres": "there"}  # fmt: skip


def heading_words(folded_words: Iterable[str]) -> list[str]:
    """Words as a title or alias is matched word for word: "what is", "whats", "what's" alike."""
    out: list[str] = []
    for word in folded_words:
        if word == "is" and out and out[-1] in _IS_AFTER:
            continue
        out.append(_WITH_IS.get(word, word))
    return out


# A stopword with a contraction on it is one too: "where'd", "who'll", "how're".
_CONTRACTION = re.compile(r"^([^\W\d_]+)'(?:s|d|ll|re|ve|m)$")

# Chat around a question: greetings, politeness, hedging. Removed before a question is read.
# Matched in casefolded text, without IGNORECASE and with a look-behind for the word start:
# then the regex engine skips to the branches' first letters, three to four times faster.
FILLER_PHRASES = re.compile(
    r"(?<!\w)(?:asking for a friend|just curious|just wondering|i was wondering|i'?m wondering"
    r"|hope (?:you'?re|ur|you are|u r|everyone(?:'?s| is)|y'?all are) (?:well|good|doing well|ok)"
    r"|thanks in advance|thank you|real talk"
    r"|(?:quick|dumb|stupid|silly|random|small|noob|newbie)(?: \w+)? q(?:uestion)?s?"
    r"(?= |$|[,.:;!?])"
    r"|good (?:morning|evening|afternoon|night)|happy (?:monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|weekend|holidays)"
    r"|what'?s (?:good|up|poppin)|wh?at'?s good|how (?:are|r) (?:you|u|y'?all|everyone|guys)"
    # ...and the rest of what is asked of whoever reads it, not of the pages: "how old are you"
    r"|(?:how old|how tall|who|what|where) (?:are|r) (?:you|u|ya)(?: from)?(?= |$|[,.:;!?])"
    r"|how'?s it going|does any(?:one|body) know|any(?:one|body) know"
    # An embedded question: "does anyone remember who ...", "i forgot what ...".
    r"|(?:(?:does|do|did|can|could|would) (?:any(?:one|body)|some(?:one|body)|u|you|ya|y'?all"
    r"|ppl|people)(?: here)? (?:know|remember|recall|happen to know)"
    r"|i (?:forgot|forget|can'?t remember|don'?t remember|dont remember|don'?t know|dont know"
    r"|wonder|have no idea)|idk)(?= (?:who|what|when|where|why|how|which|whether)\b)"
    r"|can (?:you|u|someone|somebody|any(?:one|body)) (?:tell|remind) me|i (?:think|guess|heard)"
    r"|or (?:nah|not)|if (?:you|u) know|no spoilers?(?: pls| please| plz)?"
    r"|(?:small |minor )?spoilers (?:are )?(?:fine|ok|okay)|not trying to [^,.;:!?]*"
    r"|can (?:some|any)(?:one|body) confirm|what'?s the deal with|what about"
    r"|(?:or )?(?:is|was) (?:that|it|this) (?:just )?(?:a )?(?:rumou?r|myth|lie|fake|joke|true|real"
    r"|legit|cap)"
    # Who the asker is, said first: "new player here", "newbie here" (not "a new area here").
    r"|(?:^|(?<=[.!?,;:)] ))(?:i'?m |im )?(?:a )?(?:new|newbie|noob|beginner)(?: \w+)? here"
    # "keeps sinking" is sinking, again: how often is not what is asked.
    r"|(?:keeps|kept|keep)(?: on)?(?= \w+ing\b)"
    r"|or (?:are|is) (?:they|he|she|someone|somebody|people|ppl|u|you) (?:just )?(?:trolling"
    r"|joking|kidding|lying|capping|messing with)(?: me| us)?(?: again)?"
    # "Throughout", said at length: "a killing machine start to finish" asks no start or end.
    r"|(?:from )?(?:start to finish|beginning to end|start to end)|the whole time"
    # Where the asker saw it: "that review someone posted earlier", "the pic u sent".
    r"|(?:that |which )?(?:some(?:one|body)|u|you|they|he|she|ppl|people) (?:just )?(?:posted"
    r"|shared|linked|sent|dropped|pinned)(?: (?:it|this|that))?(?: (?:earlier|before|yesterday"
    r"|here|above|in here|last week|the other day))?)\b"
)

# "Who's in the cast besides the lead?": what follows names what the asker does not want, up
# to the end of the clause; matching it would answer with exactly that.
EXCLUDED = re.compile(
    r"(?<!\w)(?:besides|other than|apart from|aside from|except(?: for)?|excluding|not counting)"
    r"\b[^,.;:!?]*?(?=[,.;:!?]|$|\s(?:are|is|was|were|do|does|did|can|could|will|would"
    # ...up to the question it qualifies, however its question word is typed: "whos in it".
    r"|(?:who|what|which|how|where|when|why)(?:'?s|'re|'d)?)\b)"
)

# A question that names where its answer is ("according to the review", "did the reviewer
# think"): the words say which kind of source, not what the question is about.
_SOURCE_WORDS = {
    "review": "review",
    "reviews": "review",
    "reviewer": "review",
    "reviewers": "review",
    "critic": "review",
    "critics": "review",
    "feature": "feature",
    "article": "article",
    "faq": "faq",
    "post": "article",
    "blog": "article",
}
SOURCE_HINT = re.compile(
    r"\b(?:(?:according to|in|from|per|by) (?:the|that|this) (?P<a>"
    + "|".join(_SOURCE_WORDS)
    + r")\b|(?:the|that) (?P<b>reviewers?|critics?)(?:'s|s'|s)? (?:take|think|thinks|thought"
    r"|say|says|said|opinion|view)\b|did (?:the|that) (?P<c>reviewers?|critics?|review) "
    r"(?=think|say|give|like|rate|mention))",
    re.IGNORECASE,
)


def source_hint(text: str) -> tuple[str | None, str]:
    """The kind of source a question names, if any, and the question to match.

    "according to the review" is only where to look, and is taken out; in "did the reviewer
    think" the reviewer's opinion is what is asked, and the words stay.
    """
    found = SOURCE_HINT.search(text)
    if found is None:
        return None, text
    if found["a"] is None:  # "did the reviewer think": an opinion is asked, keep the words
        return _SOURCE_WORDS[(found["b"] or found["c"]).casefold()], text
    return _SOURCE_WORDS[found["a"].casefold()], f"{text[: found.start()]} {text[found.end() :]}"


# Misspelt, these are the short unknown words most questions have ("wher", "wat", "hwo").
QUESTION_WORDS = ("what", "when", "where", "which", "who", "whom", "whose", "why", "how")

# Chat spellings of words that carry meaning; the rest of chat spelling is in STOPWORDS.
SLANG = {"ppl": "people", "pic": "picture", "pics": "pictures", "vid": "video", "vids": "videos"}

# How common a word is in general English (wordfreq's Zipf scale: 7 is "the", 3 is rare).
# A word the knowledge base does not know weighs more the rarer it is: "weekend" (4.9) is
# chat, "inception" (3.7) is a topic the base lacks.
COMMON_ZIPF = 5.5  # this common or more: an unknown word weighs UNKNOWN_FLOOR of the full weight
RARE_ZIPF = 3.5  # this rare or rarer: the full unknown-word weight
UNKNOWN_FLOOR = 0.5
# A word the knowledge base knows but any English uses often ("right", "good", "wait") weighs
# less than its rarity in the base says: from the full weight at KNOWN_FULL_ZIPF down to
# KNOWN_FLOOR of it at KNOWN_COMMON_ZIPF.
KNOWN_FULL_ZIPF = 4.5
KNOWN_COMMON_ZIPF = 6.0
KNOWN_FLOOR = 0.3

_SINGLE_LETTER = re.compile(r"^[^\W\d_]$")


def is_stopword(word: str) -> bool:
    """True for words that say nothing about the topic of a question, in any community."""
    if word in STOPWORDS or _SINGLE_LETTER.match(word):
        return True
    if word.endswith("nt") and f"{word[:-2]}n't" in STOPWORDS:
        return True  # a "n't" typed without its apostrophe: "havent", "shouldnt"
    contracted = _CONTRACTION.match(word) if "'" in word else None
    return contracted is not None and contracted.group(1) in STOPWORDS


def strip_filler(text: str) -> str:
    """Casefold a text and remove chat politeness, hedging, and what it says it does not ask."""
    return EXCLUDED.sub(" ", FILLER_PHRASES.sub(" ", text.casefold()))


@cache
def _english_frequencies() -> Mapping[str, float]:
    import wordfreq  # imported here: it costs a quarter second, and only the engine needs it

    frequencies: Mapping[str, float] = wordfreq.get_frequency_dict("en", wordlist="small")
    return frequencies


def zipf(word: str) -> float:
    """How common a folded word is in general English, 0 (unseen) to about 8 ("the")."""
    frequency = _english_frequencies().get(word, 0.0)
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


def commonness_share(word: str) -> float:
    """The share (UNKNOWN_FLOOR to 1) of the full unknown-word weight a word carries."""
    if any(ch.isdigit() for ch in word):
        return 1.0  # "ballerina 2" asks about another film: a number is rarely chat
    return _share(zipf(word), RARE_ZIPF, COMMON_ZIPF, UNKNOWN_FLOOR)


def known_share(word: str) -> float:
    """The share (KNOWN_FLOOR to 1) of its weight a word the knowledge base knows carries."""
    return _share(zipf(word), KNOWN_FULL_ZIPF, KNOWN_COMMON_ZIPF, KNOWN_FLOOR)


def _share(frequency: float, full: float, common: float, floor: float) -> float:
    """1 at Zipf `full` or rarer, falling in a line to `floor` at Zipf `common` or commoner."""
    return min(1.0, max(floor, (common - frequency) / (common - full)))


@dataclass(frozen=True, slots=True)
class Relation:
    """A question only a text that pairs two things answers ("who plays X": "... as X")."""

    asks: re.Pattern[str]  # has a group named "name"
    answer: str  # a pattern with `{name}` where the asked name goes

    def answer_pattern(self, name: str) -> re.Pattern[str]:
        """What a text that answers the question about `name` must contain."""
        return re.compile(self.answer.replace("{name}", re.escape(name)), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AnswerKind:
    """A kind of answer a question's shape asks for ("when": a time), and what holds one."""

    name: str
    asks: re.Pattern[str]
    holds: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The domains a knowledge base chose, merged: what its community's words mean."""

    domains: tuple[str, ...]
    words: tuple[GlossaryTerm, ...]
    stopwords: frozenset[str]
    facets: frozenset[str]
    facet_patterns: tuple[tuple[re.Pattern[str], str], ...]
    answer_kinds: tuple[AnswerKind, ...]
    relations: tuple[Relation, ...]

    def is_stopword(self, word: str) -> bool:
        """A word that says nothing in a question here: English, or this domain's ("movie")."""
        return is_stopword(word) or word in self.stopwords

    def implied_facets(self, text: str) -> list[str]:
        """Facets a question asks for by its shape ("how long is it" asks for the runtime)."""
        return [facet for pattern, facet in self.facet_patterns if pattern.search(text)]

    def kinds_asked(self, text: str) -> tuple[AnswerKind, ...]:
        """The kinds of answer a question asks for by its shape."""
        return tuple(kind for kind in self.answer_kinds if kind.asks.search(text))

    def relation(self, folded: str) -> tuple[Relation, str] | None:
        """The relation a folded question asks about, with the (last word of the) name asked."""
        for relation in self.relations:
            if found := relation.asks.search(folded):
                name = found["name"].replace("'s", "").split()
                if name:
                    return relation, name[-1]
        return None


class LexiconError(ValueError):
    """A domain file is missing or malformed; the message names the file and the key."""


def known_domains() -> tuple[str, ...]:
    """The domains shipped with Concierge, by name."""
    return tuple(sorted(p.stem for p in DOMAINS_DIR.glob("*.yaml")))


def load_lexicon(domains: Iterable[str] = ()) -> Lexicon:
    """The general lexicon merged with the named domains; raises LexiconError naming the file."""
    names = tuple(dict.fromkeys((BASE_DOMAIN, *domains)))
    return _load(names)


@cache
def _load(names: tuple[str, ...]) -> Lexicon:
    words: list[GlossaryTerm] = []
    stopwords: set[str] = set()
    facets: set[str] = set()
    patterns: list[tuple[re.Pattern[str], str]] = []
    asks: dict[str, str] = {}
    holds: dict[str, list[str]] = {}
    relations: list[Relation] = []
    for name in names:
        data = _read_domain(name)
        file = f"domains/{name}.yaml"
        for position, raw in enumerate(_list(data, "words", file), 1):
            if not isinstance(raw, dict) or not isinstance(raw.get("canonical"), str):
                raise LexiconError(f"{file}: words[{position}] needs a canonical word")
            variants = tuple(str(v) for v in raw.get("variants") or ())
            words.append(GlossaryTerm(raw["canonical"], variants, "word"))
        stopwords.update(str(w) for w in _list(data, "stopwords", file))
        facets.update(str(w) for w in _list(data, "facets", file))
        for raw in _list(data, "facet_patterns", file):
            patterns.append((_compile(raw.get("asks"), file, "facet_patterns"), str(raw["facet"])))
        for kind, spec in (data.get("answer_kinds") or {}).items():
            spec = spec if isinstance(spec, dict) else {"holds": spec}
            if spec.get("asks"):
                asks[kind] = str(spec["asks"])
            if spec.get("holds"):
                holds.setdefault(kind, []).append(str(spec["holds"]))
        for raw in _list(data, "relations", file):
            pattern = _compile(raw.get("asks"), file, "relations")
            if "name" not in pattern.groupindex or "{name}" not in str(raw.get("answer", "")):
                raise LexiconError(f"{file}: relations: asks needs (?P<name>...), answer {{name}}")
            relations.append(Relation(pattern, str(raw["answer"])))
    kinds = tuple(
        AnswerKind(kind, _compile(asks[kind], "domains", kind), _compile("|".join(holds[kind])))
        for kind in asks
        if kind in holds
    )
    return Lexicon(
        domains=names,
        words=tuple(words),
        stopwords=frozenset(stopwords),
        facets=frozenset(facets),
        facet_patterns=tuple(patterns),
        answer_kinds=kinds,
        relations=tuple(relations),
    )


def _read_domain(name: str) -> Mapping[str, Any]:
    path = DOMAINS_DIR / f"{name}.yaml"
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", name) or not path.is_file():
        known = ", ".join(known_domains())
        raise LexiconError(f"domains: unknown domain {name!r}; known: {known}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise LexiconError(f"domains/{name}.yaml: must be a mapping")
    return data


def _list(data: Mapping[str, Any], key: str, file: str) -> Sequence[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise LexiconError(f"{file}: {key} must be a list")
    return value


def _compile(pattern: object, file: str = "domains", key: str = "") -> re.Pattern[str]:
    try:
        return re.compile(str(pattern), re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{file}: {key}: not a valid pattern: {exc}") from None

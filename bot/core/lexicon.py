"""General-English word lists the engine relies on; none of them is about one franchise.

- STOPWORDS: words that say nothing about what a question is about (function words, question
  frames, chat filler). Removed from questions and entries alike.
- FILLER_PHRASES: chat politeness and hedging around a question ("asking for a friend").
- FILM_FACETS: things fans ask about any film. A question that asks about one of these while the
  knowledge base never mentions it is asking for a fact we do not have, so such an unknown
  word weighs as much as the rarest known word instead of as an ordinary unknown word.
"""

from __future__ import annotations

import re

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
    hi hey hello hiya yo sup guys guy folks everyone y'all ok okay lol lmao pls plz quick
    question questions know knows knew wondering wonder curious idea ideas actually really
    basically literally honestly seriously maybe perhaps probably kinda sorta thing things stuff
    bot concierge help explain info information details detail exactly
    u ur r im dont doesnt isnt wont cant thats movie movies film films one
    explore explores exist exists happen happens happened make makes made think
    mean means go goes going gone come comes want wants need needs special
    kind sort type much many lot lots big talk talking say said says way ways
    everything whole part parts main new give gives giving find finds found according besides
    also anyway anyways though although btw tbh imo imho idk nah yeah yep nope ya yah oh ah um uh
    hmm wow omg pretty quite just still even already morning evening afternoon everybody
    confused wondered
    """.split()
)

FILLER_PHRASES = re.compile(
    r"\b(?:asking for a friend|just curious|just wondering|i was wondering|i'?m wondering"
    r"|hope (?:you'?re|ur|you are) (?:well|good|doing well|ok)|thanks in advance|thank you"
    r"|real talk|quick q(?:uestion)?|good (?:morning|evening|afternoon|night)"
    r"|does any(?:one|body) know|can (?:you|u|someone) tell me|i (?:think|guess|heard)"
    r"|or (?:nah|not)|if (?:you|u) know)\b",
    re.IGNORECASE,
)

# "Who's in the cast besides the lead?": what follows names what the asker does not want, up
# to the end of the clause; matching it would answer with exactly that.
EXCLUDED = re.compile(
    r"\b(?:besides|other than|apart from|aside from|except(?: for)?|excluding|not counting)\b"
    r"[^,.;:!?]*",
    re.IGNORECASE,
)

FILM_FACETS = frozenset(
    """
    music soundtrack score composer composed song songs runtime length minutes hours
    budget cost box office gross grossed earnings revenue money trailer trailers teaser poster
    posters streaming stream netflix prime hulu disney max peacock rent dvd blu-ray bluray digital
    rated rating pg pg-13 r-rated age certificate location locations filmed country
    city sequel prequel ending end credits post-credits stinger villain villains cinematographer
    editor editing producer producers produced studio distributor lionsgate imax 3d tickets
    premiere festival award awards oscar oscars nominated nomination rotten tomatoes metacritic
    imdb critics audience-score age height married wife husband born birthday salary
    """.split()
)

# How fans ask for a film facet without naming it: the pattern implies the facet word.
FACET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), facet)
    for pattern, facet in (
        (r"\bwhere\b.*\b(?:film|filmed|filming|shot|shoot|shooting|made)\b", "location"),
        (r"\bhow long\b(?!.*\b(?:ago|since|until|till|wait)\b)", "runtime"),
        (r"\bhow much\b.*\b(?:cost|budget|make|made|earn|earned|gross)", "budget"),
        (r"\bhow old\b", "age"),
        (r"\bhow tall\b", "height"),
        (r"\b(?:composed|scored)\b|\bdid the (?:music|score|soundtrack)\b", "composer"),
        (
            r"\b(?:is|was) (?:it|ballerina) rated\b|\bage rating\b|\bkid[- ]friendly\b",
            "certificate",
        ),
        (
            r"\bwhere (?:can|do|to|should) (?:i|we|you|u) (?:watch|stream|see|rent|buy)\b",
            "streaming",
        ),
    )
)

ASKS_WHEN = re.compile(r"\bwhen\b|\bwhat (?:year|date|month|day)\b|\bhow soon\b", re.IGNORECASE)
TIME_EXPRESSION = re.compile(
    r"\b(?:1[89]\d\d|20\d\d)\b|\b(?:january|february|march|april|june|july|august|september"
    r"|october|november|december|spring|summer|autumn|winter)\b|\bchapter \d+\b"
    r"|\b(?:prequel|sequel|timeline)\b",
    re.IGNORECASE,
)

ASKS_COUNT = re.compile(r"\bhow many\b", re.IGNORECASE)
NUMBER_EXPRESSION = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty"
    r"|fifty|hundred|thousand|million|dozens?|several|a few|a couple)\b",
    re.IGNORECASE,
)
# What the shape of a question says its answer must hold: "when" wants a time, "how many" a
# number. An entry holding none cannot answer it, however many words it shares.
ANSWER_KINDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "time": (ASKS_WHEN, TIME_EXPRESSION),
    "count": (ASKS_COUNT, NUMBER_EXPRESSION),
}

# Misspelt, these are the short unknown words most questions have ("wher", "wat", "hwo").
QUESTION_WORDS = ("what", "when", "where", "which", "who", "whom", "whose", "why", "how")

_SINGLE_LETTER = re.compile(r"^[^\W\d_]$")


def is_stopword(word: str) -> bool:
    """True for words that say nothing about the topic of a question."""
    return word in STOPWORDS or bool(_SINGLE_LETTER.match(word))


def implied_facets(text: str) -> list[str]:
    """Film facets a question asks for by its shape ("how long is it" asks for the runtime)."""
    return [facet for pattern, facet in FACET_PATTERNS if pattern.search(text)]


# "Who plays X?" and "What character does Y play?" are answered only by a text that pairs an
# actor with a role ("Ana de Armas as Rooney", "Rooney (Ana de Armas)", "Y plays ...").
_WHO_PLAYS = re.compile(
    r"\bwho (?:plays|played|portrays|portrayed|is playing|will play|is cast as)\s+"
    r"(?P<role>[\w' -]+?)(?:\s+(?:character|role|part))?(?:\s+(?:in|on)\b.*)?\s*[?!.]*$",
    re.IGNORECASE,
)
_ROLE_OF = re.compile(
    r"\b(?:what|which|who) (?:character|role|part)s? (?:does|did|will|is|was) "
    r"(?P<actor>[\w' -]+?) (?:play|playing|portray|portraying|have)\b",
    re.IGNORECASE,
)


def casting_question(question: str) -> tuple[str, str] | None:
    """For a folded question about who plays whom: ("role" or "actor", the word it names)."""
    if found := _WHO_PLAYS.search(question):
        return "role", _last_word(found["role"])
    if found := _ROLE_OF.search(question):
        return "actor", _last_word(found["actor"])
    return None


def casting_pattern(kind: str, word: str) -> re.Pattern[str]:
    """What a text that answers a who-plays-whom question about `word` (a `kind`) contains."""
    name = re.escape(word)
    if kind == "role":
        pattern = (
            rf"\bas (?:the |a |an )?(?:[\w'’-]+ ){{0,2}}{name}\b|\b{name}(?:['’]s)? \("
            rf"|\bplays (?:the |a |an )?(?:[\w'’-]+ ){{0,2}}{name}\b"
        )
    else:
        pattern = (
            rf"\b{name}\b(?: [\w'’-]+){{0,2}},? (?:as|plays|reprising|returns as)\b"
            rf"|\((?:[\w'’-]+ ){{0,2}}{name}\)"
        )
    return re.compile(pattern, re.IGNORECASE)


def _last_word(phrase: str) -> str:
    words = phrase.replace("'s", "").split()
    return words[-1] if words else ""


def answer_kinds(text: str) -> tuple[str, ...]:
    """The kinds of answer (ANSWER_KINDS) a question asks for by its shape."""
    return tuple(kind for kind, (asks, _) in ANSWER_KINDS.items() if asks.search(text))


def strip_filler(text: str) -> str:
    """Remove chat politeness and hedging, and what the question says it is not asking about."""
    return EXCLUDED.sub(" ", FILLER_PHRASES.sub(" ", text))

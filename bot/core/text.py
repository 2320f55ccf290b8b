"""Text normalisation: Discord markup out, Unicode folded, words stemmed the same on both sides."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Discord markup that carries no words of the question.
_MENTION = re.compile(
    r"<(?:@[!&]?|#)\d+>|<a?:\w{1,64}:\d+>|<t:-?\d+(?::[tTdDfFR])?>|</[\w -]+:\d+>"
)
_EVERYONE = re.compile(r"@(?:everyone|here)\b", re.IGNORECASE)
_MASKED_LINK = re.compile(r"\[([^\]]{0,200})\]\(<?https?://[^)\s]*>?\)")
_URL = re.compile(r"<?(?:https?://|www\.)\S+>?", re.IGNORECASE)
_CODE_FENCE = re.compile(r"```(?:\w+\n)?")
_MARKDOWN = re.compile(r"(\*{1,3}|_{1,3}|~~|\|\||`+)")
_LINE_MARKUP = re.compile(r"(?m)^\s*(?:>{1,3}|#{1,3}|-#)\s+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})

# Words that carry no topic of their own: function words, question words and chat filler.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any anyone anybody anything are aren't as
    at be because been before being below between both but by can can't cannot could couldn't
    did didn't do does doesn't doing don't down during each either else ever every few for from
    further get gets getting got gonna had hadn't has hasn't have haven't having he he'd he'll he's
    her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't
    it it's its itself just let's like me might more most must mustn't my myself no nor not now of
    off on once only or other ought our ours ourselves out over own please same shall shan't she
    she'd she'll she's should shouldn't so some somebody someone something such tell than thank
    thanks that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through thx to too under until up upon very via wanna was
    wasn't we we'd we'll we're we've were weren't what what's whats when when's where where's which
    while who who's whom whose why why's will with won't would wouldn't yes yet you you'd you'll
    you're you've your yours yourself yourselves
    hi hey hello hiya yo sup guys guy folks all everyone y'all ok okay lol lmao pls plz quick
    question questions anyone know knows knew wondering wonder curious idea ideas actually really
    basically literally honestly seriously maybe perhaps probably kinda sorta thing things stuff
    someone somebody bot concierge help explain info information details detail exactly
    i'm u ur r im dont doesnt isnt wont cant whats thats movie movies film films one
    explore explores exist exists happen happens happened make makes made think
    mean means look looks feel feels go goes going gone come comes want wants need needs special
    kind sort type good bad best much many lot lots big talk talking say said says way ways
    anything everything whole part parts main new
    """.split()
)

_COMBINING = re.compile(
    r"[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


def clean_question(raw: str, max_chars: int = 500) -> str:
    """Strip Discord markup, URLs, markdown, control characters and zalgo; cap the length."""
    text = raw[: max_chars * 4]  # bound the work before any regex runs
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    text = _MASKED_LINK.sub(r"\1", text)
    text = _MENTION.sub(" ", text)
    text = _EVERYONE.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _CODE_FENCE.sub(" ", text)
    text = _LINE_MARKUP.sub(" ", text)
    text = _MARKDOWN.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    if len(text) > max_chars:
        cut = text[:max_chars]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return text


def fold(text: str) -> str:
    """Casefold, unify apostrophes and drop accents, for comparing words."""
    if text.isascii():
        return text.replace("`", "'").casefold()
    text = text.translate(_APOSTROPHES).casefold()
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", text)))


def words(text: str) -> list[str]:
    """Split folded text into words; possessive 's is dropped, hyphens split words."""
    return [w[:-2] if w.endswith("'s") else w for w in _WORD.findall(fold(text))]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, deterministic suffix stripper, applied alike to questions and entries."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("'s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 4:
            word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def is_stopword(word: str) -> bool:
    """True for words that say nothing about the topic of a question."""
    return word in STOPWORDS

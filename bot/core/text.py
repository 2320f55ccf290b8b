"""Text normalisation: Discord markup out, Unicode folded, words stemmed the same on both sides."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from bot.core.lexicon import STOPWORDS, is_stopword

__all__ = [
    "STOPWORDS",
    "clean_question",
    "fold",
    "is_stopword",
    "proper_words",
    "stem",
    "unstretch",
    "words",
]

# Discord markup that carries no words of the question.
_MENTION = re.compile(
    r"<(?:@[!&]?|#)\d+>|<a?:\w{1,64}:\d+>|<t:-?\d+(?::[tTdDfFR])?>|</[\w -]+:\d+>"
)
_EVERYONE = re.compile(r"@(?:everyone|here)\b", re.IGNORECASE)
# A channel typed by name ("someone in #general said"): it says where, not what is asked.
_CHANNEL_NAME = re.compile(r"(?<![\w&])#[^\W\d_][\w-]{0,99}")
_MASKED_LINK = re.compile(r"\[([^\]]{0,200})\]\(<?https?://[^)\s]{0,512}>?\)")
_URL = re.compile(r"<?(?:https?://|www\.)\S+>?", re.IGNORECASE)
_CODE_FENCE = re.compile(r"```(?:\w+\n)?")
_MARKDOWN = re.compile(r"(\*{1,3}|_{1,3}|~~|\|\||`+)")
_LINE_MARKUP = re.compile(r"(?m)^[ \t]*(?:>{1,3}|#{1,3}|-#)[ \t]+")
# A word, with an inner apostrophe ("isn't") but without a possessive 's, which findall drops.
_WORD = re.compile(r"([^\W_]+(?:'(?!s\b)[^\W_]+)?)(?:'s\b)?", re.UNICODE)
_ENGLISH = snowballstemmer.stemmer("english")
_PLAIN_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# In folded ASCII text, a word is a run of [a-z0-9], as [^\W_]+ finds it.
_ASCII_NON_WORD = {n: " " for n in range(128) if not chr(n).isalnum()}
_SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)")
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:['’]s)?")
_EDGE_PUNCTUATION = "\"'()[]{},.!?:;*_~"
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")  # three or more of one letter: chat elongation
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})

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
    text = _CHANNEL_NAME.sub(" ", text)
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
    folded = fold(text)
    if folded.isascii() and "'" not in folded:  # most text: no regex needed at all
        return folded.translate(_ASCII_NON_WORD).split()
    # Without an apostrophe the plain pattern is enough, and faster.
    found: list[str] = (_WORD if "'" in folded else _PLAIN_WORD).findall(folded)
    return found


def proper_words(text: str) -> list[str]:
    """Words a question capitalises where a sentence does not start: names ("Underworld").

    Nothing is returned for a question in Title Case or in capitals, where case says nothing.
    """
    found: list[str] = []
    inner = 0
    for sentence in _SENTENCE_END.split(text):
        tokens = sentence.split()[1:]  # a sentence's first word is capitalised anyway
        inner += len(tokens)
        found += [w for t in tokens if _CAPITALISED.fullmatch(w := t.strip(_EDGE_PUNCTUATION))]
    return [] if len(found) * 2 > inner else found


def unstretch(text: str) -> str:
    """Undo chat elongation: three or more of one letter become one ('sooo' -> 'so')."""
    return _LETTER_RUN.sub(r"\1", text)


def _irregular_forms() -> dict[str, str]:
    """Form -> lemma where the stemmer cannot fold them ("told" -> "tell"); see the script."""
    table = Path(__file__).with_name("irregular_forms.tsv").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in table.splitlines() if line and line[0] != "#")
    return {form: lemma for form, lemma in pairs}


_IRREGULAR = _irregular_forms()


@lru_cache(maxsize=131072)
def stem(word: str) -> str:
    """The Snowball (Porter2) English stem of a word, applied alike to questions and entries.

    An irregular form is stemmed as its lemma: "told" as "tell", "fought" as "fight".
    """
    if len(word) <= 2 or not word.isalpha():
        return word
    return str(_ENGLISH.stemWord(_IRREGULAR.get(word, word)))

"""The franchise glossary: recognise names and fan words in token streams, tag them by concept."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from bot.core.model import GlossaryTerm
from bot.core.text import is_stopword, stem, words

CONCEPT_PREFIX = "="  # index terms for concepts cannot collide with words


def phrase_form(word: str) -> str:
    """A word with a plural 's' folded, the only inflection glossary matching ignores."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def inflections(word: str) -> list[str]:
    """Regular -ed and -ing forms of a fan word ("theorize": "theorized", "theorizing").

    Only these: a stemmer would also fold "directly" and "direction" into "direct".
    """
    if len(word) < 4 or not word.isalpha() or word.endswith(("ed", "ing")):
        return []
    if word.endswith("e"):
        return [word + "d", word[:-1] + "ing"]
    return [word + "ed", word + "ing"]


def abbreviations(name: str) -> list[tuple[str, ...]]:
    """How fans shorten a numbered name: "John Wick 4" as "jw4", "Chapter 4" as "ch4", "chap 4".

    The initials of two or more words before the number, or the first two to four letters of
    the word right before it, with the number joined on or apart.
    """
    parts = words(name)
    if len(parts) < 2 or not parts[-1].isdigit() or not all(w.isalpha() for w in parts[:-1]):
        return []
    number, before = parts[-1], parts[:-1]
    heads = [before[-1][:size] for size in (2, 3, 4) if len(before[-1]) >= max(5, size + 2)]
    if len(before) >= 2:
        heads.append("".join(w[0] for w in before))
    return [form for head in heads for form in ((head + number,), (head, number))]


def concept_key(canonical: str) -> str:
    """The index term of a glossary concept."""
    return CONCEPT_PREFIX + "_".join(stem(w) for w in words(canonical))


class Token(NamedTuple):
    """One word of a text: its stem, and the glossary concepts whose phrase covers it.

    Immutable, and a tuple: made for every word of every question, where a frozen
    dataclass's __init__ costs five times as much.
    """

    stem: str
    word: str
    concepts: tuple[str, ...] = ()


class Glossary:
    """Matches glossary phrases (longest first) over words."""

    def __init__(self, terms: Iterable[GlossaryTerm]) -> None:
        """Compile every variant to a sequence of word forms."""
        self.terms = tuple(terms)
        self._phrases: dict[tuple[str, ...], set[str]] = {}
        # (case-sensitive variant, its pattern, canonical)
        self._exact: list[tuple[str, re.Pattern[str], str]] = []
        inflected: list[tuple[tuple[str, ...], str]] = []
        shortened: dict[tuple[str, ...], set[str]] = {}
        for term in self.terms:
            key = concept_key(term.canonical)
            for variant in (term.canonical, *term.variants):
                forms = tuple(phrase_form(w) for w in words(variant))
                if forms:
                    self._phrases.setdefault(forms, set()).add(key)
                if term.kind == "word" and len(forms) == 1:
                    inflected += [((form,), key) for form in inflections(forms[0])]
                if term.kind == "name":
                    for short in abbreviations(variant):
                        shortened.setdefault(short, set()).add(key)
            for variant in term.exact_variants:
                pattern = re.compile(r"(?<!\w)" + re.escape(variant) + r"(?!\w)")
                self._exact.append((variant, pattern, term.canonical))
        for short, keys in shortened.items():  # one that two names share means neither
            if len(keys) == 1:
                self._phrases.setdefault(short, keys)
        for forms, key in inflected:  # a listed variant wins over a guessed inflection
            self._phrases.setdefault(forms, {key})
        self.names = frozenset(concept_key(t.canonical) for t in self.terms if t.kind == "name")
        # A name's case-sensitive variants are often a role ("The Director"): the words of each,
        # stopwords left out, by the name's concept.
        self.roles: dict[str, tuple[str, ...]] = {
            concept_key(t.canonical): roles
            for t in self.terms
            if (roles := tuple(c for v in t.exact_variants if (c := _content(v))))
        }
        self.max_len = max((len(p) for p in self._phrases), default=0)
        self._first_pairs = frozenset(p[:2] for p in self._phrases if len(p) > 1)
        self._pair_starts = frozenset(p[0] for p in self._first_pairs)
        starts_before: dict[str, set[str]] = {}
        for first, second in self._first_pairs:
            starts_before.setdefault(second, set()).add(first)
        self._starts_before = {second: frozenset(f) for second, f in starts_before.items()}
        starts = {p[0] for p in self._phrases}
        self._start_words = frozenset(starts | {form + "s" for form in starts})
        self.vocabulary = frozenset(
            stem(w)
            for term in self.terms
            for v in (term.canonical, *term.variants)
            for w in words(v)
        )
        self.surface_words = frozenset(
            w for term in self.terms for v in (term.canonical, *term.variants) for w in words(v)
        )

    def __len__(self) -> int:
        return len(self.terms)

    def starts_pair(self, word: str) -> bool:
        """Whether a glossary phrase of two or more words starts with this word."""
        return phrase_form(word) in self._pair_starts

    def starts_before(self, second: str) -> frozenset[str]:
        """The first words of the glossary phrases whose second word is this one."""
        return self._starts_before.get(phrase_form(second), frozenset())

    def continues(self, first: str, second: str) -> bool:
        """Whether a glossary phrase starts with these two words ("anjelica", "huston")."""
        return (phrase_form(first), phrase_form(second)) in self._first_pairs

    def rewrite_exact(self, text: str) -> str:
        """Replace case-sensitive variants by their canonical name, before any folding.

        "Anjelica Huston as The Director" then reads as a name, not as the word "director";
        "who is the director" (lower case) still asks about directing.
        """
        for variant, pattern, canonical in self._exact:
            if variant in text:  # a plain search first: most texts name no exact variant
                text = pattern.sub(canonical, text)
        return text

    def spans(self, folded: Sequence[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """(start, length, concepts) of each glossary phrase, longest first, not overlapping.

        Phrases match on words with plurals folded, not on stems: the glossary lists the forms
        it means, and a stemmer would also fold "directly" and "direction" into "direct".
        A one-word phrase that is a stopword is no match: the word says nothing on its own.
        """
        found: list[tuple[int, int, tuple[str, ...]]] = []
        start_words = self._start_words  # most words start no phrase: find the few that do
        if start_words.isdisjoint(folded):
            return found
        taken = 0
        for position in [n for n, w in enumerate(folded) if w in start_words]:
            if position < taken:
                continue  # inside a phrase already found
            forms = [phrase_form(w) for w in folded[position : position + self.max_len]]
            for length in range(len(forms), 0, -1):
                keys = self._phrases.get(tuple(forms[:length]))
                if keys and not (length == 1 and is_stopword(folded[position])):
                    found.append((position, length, tuple(sorted(keys))))
                    taken = position + length
                    break
        return found

    def tag(self, pairs: Sequence[tuple[str, str]]) -> list[Token]:
        """Tag (stem, word) pairs with the concepts of the glossary phrase each belongs to."""
        concepts: list[tuple[str, ...]] = [() for _ in pairs]
        for start, length, keys in self.spans([w for _, w in pairs]):
            for position in range(start, start + length):
                concepts[position] = keys
        return [Token(s, w, c) for (s, w), c in zip(pairs, concepts, strict=True)]


def _content(phrase: str) -> str:
    """A phrase's words without its stopwords, folded: "The Director" is "director"."""
    return " ".join(w for w in words(phrase) if not is_stopword(w))

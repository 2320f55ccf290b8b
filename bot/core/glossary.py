"""The franchise glossary: recognise names and fan words in token streams, tag them by concept."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.model import GlossaryTerm
from bot.core.text import is_stopword, stem, words

CONCEPT_PREFIX = "="  # index terms for concepts cannot collide with words


def concept_key(canonical: str) -> str:
    """The index term of a glossary concept."""
    return CONCEPT_PREFIX + "_".join(stem(w) for w in words(canonical))


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: its stem, and the glossary concepts whose phrase covers it."""

    stem: str
    word: str
    concepts: tuple[str, ...] = ()


class Glossary:
    """Matches glossary phrases (longest first) over stemmed words."""

    def __init__(self, terms: Iterable[GlossaryTerm]) -> None:
        """Compile every variant to a stem sequence."""
        self.terms = tuple(terms)
        self._phrases: dict[tuple[str, ...], set[str]] = {}
        self._exact: list[tuple[re.Pattern[str], str]] = []
        for term in self.terms:
            key = concept_key(term.canonical)
            for variant in (term.canonical, *term.variants):
                stems = tuple(stem(w) for w in words(variant))
                if stems:
                    self._phrases.setdefault(stems, set()).add(key)
            for variant in term.exact_variants:
                pattern = re.compile(r"(?<!\w)" + re.escape(variant) + r"(?!\w)")
                self._exact.append((pattern, key))
        self.max_len = max((len(p) for p in self._phrases), default=0)
        self._starts = frozenset(p[0] for p in self._phrases)
        self.vocabulary = frozenset(s for phrase in self._phrases for s in phrase)
        self.surface_words = frozenset(
            w for term in self.terms for v in (term.canonical, *term.variants) for w in words(v)
        )

    def __len__(self) -> int:
        return len(self.terms)

    def tokens(self, text: str) -> list[Token]:
        """Split text into tokens tagged with the concepts of every glossary phrase they form."""
        return self.tag([(stem(w), w) for w in words(text)])

    def exact_concepts(self, text: str) -> tuple[str, ...]:
        """Concepts named by case-sensitive variants ('the Director')."""
        return tuple(key for pattern, key in self._exact if pattern.search(text))

    def spans(
        self, stems: Sequence[str], folded: Sequence[str]
    ) -> list[tuple[int, int, tuple[str, ...]]]:
        """(start, length, concepts) of each glossary phrase, longest first, not overlapping.

        A one-word phrase that is a stopword ("film" for "filming" once stemmed) is no match:
        the word says nothing on its own.
        """
        found: list[tuple[int, int, tuple[str, ...]]] = []
        starts = self._starts
        position = 0
        while position < len(stems):
            if stems[position] in starts:
                for length in range(min(self.max_len, len(stems) - position), 0, -1):
                    keys = self._phrases.get(tuple(stems[position : position + length]))
                    if keys and not (length == 1 and is_stopword(folded[position])):
                        found.append((position, length, tuple(sorted(keys))))
                        position += length - 1
                        break
            position += 1
        return found

    def concepts_in(self, stems: Sequence[str], folded: Sequence[str]) -> list[str]:
        """Concept keys of every glossary phrase in a stem sequence, one per occurrence."""
        return [key for _, _, keys in self.spans(stems, folded) for key in keys]

    def tag(self, pairs: Sequence[tuple[str, str]]) -> list[Token]:
        """Tag (stem, word) pairs with the concepts of the glossary phrase each belongs to."""
        stems = [s for s, _ in pairs]
        concepts: list[tuple[str, ...]] = [() for _ in pairs]
        for start, length, keys in self.spans(stems, [w for _, w in pairs]):
            for position in range(start, start + length):
                concepts[position] = keys
        return [Token(s, w, c) for (s, w), c in zip(pairs, concepts, strict=True)]

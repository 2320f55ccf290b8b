"""The franchise glossary: recognise names and fan words in token streams, tag them by concept."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.model import GlossaryTerm
from bot.core.text import stem, words

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
        self.vocabulary = frozenset(s for phrase in self._phrases for s in phrase)
        self.surface_words = frozenset(
            w for term in self.terms for v in (term.canonical, *term.variants) for w in words(v)
        )

    def __len__(self) -> int:
        return len(self.terms)

    def tokens(self, text: str) -> list[Token]:
        """Split text into tokens tagged with the concepts of every glossary phrase they form."""
        stems = [(stem(w), w) for w in words(text)]
        return self.tag(stems, self.exact_concepts(text))

    def exact_concepts(self, text: str) -> tuple[str, ...]:
        """Concepts named by case-sensitive variants ('the Director')."""
        return tuple(key for pattern, key in self._exact if pattern.search(text))

    def tag(self, stems: Sequence[tuple[str, str]], extra: Sequence[str] = ()) -> list[Token]:
        """Tag (stem, word) pairs with concepts; `extra` concepts attach to the first token."""
        concepts: list[set[str]] = [set() for _ in stems]
        plain = [s for s, _ in stems]
        for start in range(len(plain)):
            for length in range(min(self.max_len, len(plain) - start), 0, -1):
                keys = self._phrases.get(tuple(plain[start : start + length]))
                if keys:
                    for position in range(start, start + length):
                        concepts[position].update(keys)
                    break
        if extra and concepts:
            concepts[0].update(extra)
        return [Token(s, w, tuple(sorted(c))) for (s, w), c in zip(stems, concepts, strict=True)]

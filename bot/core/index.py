"""An inverted index over entries (BM25F-style field weights) with typo correction of words."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.core.glossary import Glossary, Token
from bot.core.model import Entry, MatchSettings
from bot.core.text import is_stopword

K1 = 1.2  # BM25 term-frequency saturation
B = 0.5  # BM25 length normalisation; entries vary in length, but not wildly

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]


def index_terms(tokens: Sequence[Token]) -> list[str]:
    """Index terms of a token stream: stems of content words plus one per glossary phrase."""
    terms: list[str] = []
    previous: tuple[str, ...] = ()
    for token in tokens:
        if not is_stopword(token.word):
            terms.append(token.stem)
        for concept in token.concepts:
            if concept not in previous:
                terms.append(concept)
        previous = token.concepts
    return terms


@dataclass(frozen=True, slots=True)
class Postings:
    """Entries containing a term, with the term's field-weighted frequency in each."""

    entries: IntArray
    weights: FloatArray


class Index:
    """Term -> postings for all fields and for the 'head' fields (title, aliases, tags)."""

    def __init__(
        self, entries: Sequence[Entry], glossary: Glossary, settings: MatchSettings
    ) -> None:
        """Tokenise every field of every entry once."""
        self.size = len(entries)
        all_terms: dict[str, dict[int, float]] = defaultdict(dict)
        head_terms: dict[str, dict[int, float]] = defaultdict(dict)
        surface: dict[str, int] = defaultdict(int)
        self.head_fields: list[tuple[tuple[str, ...], ...]] = []
        lengths = np.zeros(self.size, dtype=np.float32)
        for number, entry in enumerate(entries):
            head_fields = [(entry.title, settings.title_weight)]
            head_fields += [(alias, settings.alias_weight) for alias in entry.aliases]
            head_fields += [(tag, settings.tag_weight) for tag in entry.tags]
            body_fields = [(entry.text, settings.text_weight)]
            if entry.parent:
                body_fields.append((entry.parent, settings.text_weight))
            length = 0.0
            heads: list[tuple[str, ...]] = []
            for fields, is_head in ((head_fields, True), (body_fields, False)):
                for text, weight in fields:
                    tokens = glossary.tokens(text)
                    for token in tokens:
                        surface[token.word] += 1
                    terms = index_terms(tokens)
                    length += len(terms) * weight
                    if is_head:
                        heads.append(tuple(dict.fromkeys(terms)))
                    for term in terms:
                        bucket = all_terms[term]
                        bucket[number] = bucket.get(number, 0.0) + weight
                        if is_head:
                            head_terms[term][number] = 1.0
            self.head_fields.append(tuple(heads))
            lengths[number] = length
        average = float(lengths.mean()) if self.size else 1.0
        self.length_norm: FloatArray = (K1 * (1 - B + B * lengths / max(average, 1.0))).astype(
            np.float32
        )
        self.postings = {term: _postings(hits) for term, hits in all_terms.items()}
        self.head = {term: _postings(hits) for term, hits in head_terms.items()}
        self.idf = {term: _idf(self.size, len(p.entries)) for term, p in self.postings.items()}
        self.unknown_idf = _idf(self.size, 0)
        self.vocabulary = frozenset(
            {t for t in self.postings if not t.startswith("=")} | glossary.vocabulary
        )
        for word in glossary.surface_words:
            surface[word] += 1
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in sorted(surface, key=lambda w: (-surface[w], w)):
            if word.isalpha() and len(word) > 3 and not is_stopword(word):
                by_length[len(word)].append(word)
        self._by_length = dict(by_length)
        self._max_edits = settings.typo_max_edits

    def correct(self, word: str) -> str | None:
        """The closest word the knowledge base uses, within a few edits, or None.

        Works on surface forms ("directng" -> "directing"), where edit distance means what a
        typist did; short words are not guessed and need the same first letter.
        """
        if not word.isalpha() or len(word) <= 3:
            return None
        edits = min(1 if len(word) <= 8 else 2, self._max_edits)
        if edits == 0:
            return None
        best: tuple[str, int] | None = None
        for length in range(len(word) - edits, len(word) + edits + 1):
            candidates = self._by_length.get(length)
            if not candidates:
                continue
            found = process.extractOne(
                word, candidates, scorer=Levenshtein.distance, score_cutoff=edits
            )
            if found is not None and (best is None or found[1] < best[1]):
                best = (found[0], int(found[1]))
        if best is None or (len(word) <= 5 and best[0][0] != word[0]):
            return None
        return best[0]

    def dense(self, terms: Sequence[str], head: bool = False) -> FloatArray:
        """Per entry, the largest weight of any of `terms` (a unit's alternatives)."""
        table = self.head if head else self.postings
        out = np.zeros(self.size, dtype=np.float32)
        for term in terms:
            postings = table.get(term)
            if postings is not None:
                np.maximum.at(out, postings.entries, postings.weights)
        return out


_EMPTY = Postings(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def _postings(hits: dict[int, float]) -> Postings:
    return Postings(
        np.fromiter(hits.keys(), dtype=np.int32, count=len(hits)),
        np.fromiter(hits.values(), dtype=np.float32, count=len(hits)),
    )


def _idf(total: int, containing: int) -> float:
    return math.log(1 + (total - containing + 0.5) / (containing + 0.5))

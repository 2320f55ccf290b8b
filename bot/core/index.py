"""An inverted index over entries (BM25F-style field weights) with typo correction of words."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.glossary import Glossary
from bot.core.lexicon import TIME_EXPRESSION
from bot.core.model import Entry, MatchSettings
from bot.core.text import STOPWORDS, stem, words

_STEMS: dict[str, str] = {}  # stem() results by word; words are few, lookups are many

K1 = 1.2  # BM25 term-frequency saturation
B = 0.5  # BM25 length normalisation; entries vary in length, but not wildly

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
COMMON_SHARE = 0.1  # a term in more than this share of entries does not pick candidates


@dataclass(frozen=True, slots=True)
class Postings:
    """Entries containing a term, with the term's field-weighted frequency in each."""

    entries: IntArray
    weights: FloatArray


class _PostingsBuilder:
    """Collects (term, entry, weight) triples in flat lists; builds sorted postings once."""

    def __init__(self) -> None:
        self.term_ids: dict[str, int] = {}
        # array, not list: 4 bytes an item instead of ~36 keeps a 100,000-entry build small
        self.terms = array("i")
        self.entries = array("i")
        self.weights = array("f")

    def add(self, entry: int, weighted: dict[str, float]) -> None:
        ids = self.term_ids
        self.terms.extend([ids.setdefault(term, len(ids)) for term in weighted])
        self.entries.extend([entry] * len(weighted))
        self.weights.extend(weighted.values())

    def build(self) -> dict[str, Postings]:
        terms = np.frombuffer(self.terms, dtype=np.int32)
        order = np.argsort(terms, kind="stable")
        entries = np.frombuffer(self.entries, dtype=np.int32)[order]
        weights = np.frombuffer(self.weights, dtype=np.float32)[order]
        bounds = np.searchsorted(terms[order], np.arange(len(self.term_ids) + 1))
        return {
            term: Postings(entries[bounds[i] : bounds[i + 1]], weights[bounds[i] : bounds[i + 1]])
            for term, i in self.term_ids.items()
        }


class Index:
    """Term -> postings for all fields and for the 'head' fields (title and aliases)."""

    def __init__(
        self, entries: Sequence[Entry], glossary: Glossary, settings: MatchSettings
    ) -> None:
        """Tokenise every field of every entry once."""
        self.size = len(entries)
        self.glossary = glossary
        every = _PostingsBuilder()
        heads = _PostingsBuilder()
        surface: set[str] = set(glossary.surface_words)
        # Per entry, per title/alias: its units (a glossary phrase's concepts, or a word's stem).
        self.head_fields: list[tuple[tuple[tuple[str, ...], ...], ...]] = []
        lengths = np.zeros(self.size, dtype=np.float32)
        self.has_time = np.zeros(self.size, dtype=np.bool_)
        for number, entry in enumerate(entries):
            self.has_time[number] = bool(TIME_EXPRESSION.search(entry.text))
            weighted: dict[str, float] = {}
            in_head: dict[str, float] = {}
            head_fields: list[tuple[tuple[str, ...], ...]] = []
            length = 0.0
            for text, weight, is_head in _fields(entry, settings):
                folded = words(text)
                surface.update(folded)
                terms, units = self.terms_of(folded)
                length += len(terms) * weight
                for term in terms:
                    weighted[term] = weighted.get(term, 0.0) + weight
                if is_head:
                    head_fields.append(units)
                    in_head.update(dict.fromkeys(terms, 1.0))
            every.add(number, weighted)
            heads.add(number, in_head)
            self.head_fields.append(tuple(head_fields))
            lengths[number] = length
        average = float(lengths.mean()) if self.size else 1.0
        self.length_norm: FloatArray = (K1 * (1 - B + B * lengths / max(average, 1.0))).astype(
            np.float32
        )
        self.postings = every.build()
        self.head = heads.build()
        self.idf = {term: _idf(self.size, len(p.entries)) for term, p in self.postings.items()}
        self.unknown_idf = _idf(self.size, 0)
        self.vocabulary = frozenset(
            {t for t in self.postings if not t.startswith("=")} | glossary.vocabulary
        )
        surface.update(w for w in STOPWORDS if w.isalpha())  # "wher" is "where", not a topic
        self._by_length = _by_length(w for w in surface if w.isalpha() and len(w) > 3)
        self._max_edits = settings.typo_max_edits
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def terms_of(self, folded: Sequence[str]) -> tuple[list[str], tuple[tuple[str, ...], ...]]:
        """Index terms of words (content stems, one term per glossary phrase) and their units.

        A unit is what a title is made of for fitting: a glossary phrase's concepts, or a
        content word's stem.
        """
        cache = _STEMS
        stems = [cache.get(w) or cache.setdefault(w, stem(w)) for w in folded]
        terms = [s for w, s in zip(folded, stems, strict=True) if w not in STOPWORDS]
        units: list[tuple[str, ...]] = []
        covered: set[int] = set()
        for start, length, keys in self.glossary.spans(folded):
            terms.extend(keys)
            units.append(keys)
            covered.update(range(start, start + length))
        units += [
            (s,)
            for n, (w, s) in enumerate(zip(folded, stems, strict=True))
            if n not in covered and w not in STOPWORDS
        ]
        return terms, tuple(dict.fromkeys(units))

    def _correct(self, word: str) -> str | None:
        """The closest word the knowledge base uses, within a few edits, or None.

        Works on surface forms ("directng" -> "directing"), where edit distance means what a
        typist did; short words are not guessed, and five-letter ones need the same first letter.
        """
        if not word.isalpha() or len(word) <= 4:
            return None  # four letters or fewer: too many real words are one edit apart
        edits = min(1 if len(word) <= 8 else 2, self._max_edits)
        if edits == 0:
            return None
        best: tuple[str, int] | None = None
        # Same length first, so a swap ("moveis") beats a dropped letter ("moves") on a tie.
        lengths = sorted(
            range(len(word) - edits, len(word) + edits + 1), key=lambda n: abs(n - len(word))
        )
        for length in lengths:
            candidates = self._by_length.get(length)
            if not candidates:
                continue
            found = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=edits)
            if found is not None and (best is None or found[1] < best[1]):
                best = (found[0], int(found[1]))
        if best is None or (len(word) <= 5 and best[0][0] != word[0]):
            return None
        return best[0]

    def candidates(self, units: Sequence[Sequence[str]]) -> IntArray | None:
        """Entries holding any distinctive unit, sorted; None means all (every unit is common).

        Skipping common terms here keeps a question about a rare name from touching every
        entry of a large base; entries with only common words could not be confident anyway.
        """
        common = max(int(self.size * COMMON_SHARE), 50)
        lists = []
        for terms in units:
            postings = [self.postings[t].entries for t in terms if t in self.postings]
            if postings and sum(len(p) for p in postings) <= common:
                lists.extend(postings)
        if not lists:
            return None
        return np.unique(np.concatenate(lists))

    def gather(self, terms: Sequence[str], ids: IntArray | None, head: bool = False) -> FloatArray:
        """For each entry in `ids` (None: all), the largest weight of any of `terms`."""
        if ids is None:
            return self.dense(terms, head)
        table = self.head if head else self.postings
        out = np.zeros(len(ids), dtype=np.float32)
        for term in terms:
            postings = table.get(term)
            if postings is None or not len(postings.entries):
                continue
            where = np.searchsorted(postings.entries, ids)
            where[where >= len(postings.entries)] = 0
            found = np.where(postings.entries[where] == ids, postings.weights[where], 0.0)
            np.maximum(out, found, out=out)
        return out

    def dense(self, terms: Sequence[str], head: bool = False) -> FloatArray:
        """Per entry, the largest weight of any of `terms` (a unit's alternatives)."""
        table = self.head if head else self.postings
        out = np.zeros(self.size, dtype=np.float32)
        first = True
        for term in terms:
            postings = table.get(term)
            if postings is None:
                continue
            if first:
                out[postings.entries] = postings.weights
                first = False
            else:
                out[postings.entries] = np.maximum(out[postings.entries], postings.weights)
        return out


def _fields(entry: Entry, settings: MatchSettings) -> list[tuple[str, float, bool]]:
    fields = [(entry.title, settings.title_weight, True)]
    fields += [(alias, settings.alias_weight, True) for alias in entry.aliases]
    # Tags are coarse topics shared by many entries: they help recall, not pinpointing.
    fields += [(tag, settings.tag_weight, False) for tag in entry.tags]
    fields.append((entry.text, settings.text_weight, False))
    if entry.parent:
        fields.append((entry.parent, settings.text_weight, False))
    return fields


def _by_length(surface: Iterable[str]) -> dict[int, list[str]]:
    buckets: dict[int, list[str]] = {}
    for word in sorted(surface):
        buckets.setdefault(len(word), []).append(word)
    return buckets


def _idf(total: int, containing: int) -> float:
    return math.log(1 + (total - containing + 0.5) / (containing + 0.5))

"""Postings lists built in bulk: words become term ids in C-level maps, numpy sums them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.core.glossary import Glossary
from bot.core.text import is_stopword, stem

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]

STOP = -1  # the term id of a stopword: counted in no postings and in no passage length
Span = tuple[int, int, tuple[str, ...]]  # a glossary phrase: start, length, concepts
FLUSH_TOKENS = 1 << 20  # term ids held as Python ints before numpy sums them (~8 MB)


@dataclass(frozen=True, slots=True)
class Postings:
    """Entries containing a term, with the term's field-weighted frequency in each."""

    entries: IntArray
    weights: FloatArray


class TermIds(dict[str, int]):
    """Term -> dense id, handing out the next id on first sight (lookups stay in C)."""

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self)
        return number


class Tokeniser:
    """Folded words -> term ids: content stems, and one term per glossary phrase.

    Each distinct word is stemmed once; after that a text's ids are one `map` over a dict,
    which is what makes indexing 100,000 entries take seconds rather than tens of them.
    """

    def __init__(self, glossary: Glossary, stopwords: frozenset[str] = frozenset()) -> None:
        """Start with no words seen; `stopwords` adds a domain's ("movie") to English ones."""
        self.glossary = glossary
        self._stopwords = stopwords
        self.term_ids = TermIds()
        self.stems: dict[str, str] = {}  # word -> stem, "" for a stopword; our vocabulary
        self._word_ids: dict[str, int] = {}

    def ids(self, folded: Sequence[str]) -> list[int]:
        """Term ids of words in order (STOP for stopwords), then one per glossary phrase."""
        return self._ids(folded, self.glossary.spans(folded))

    def head(self, folded: Sequence[str]) -> tuple[list[int], tuple[tuple[str, ...], ...]]:
        """A title's or alias's term ids (as `ids`), and its units for fitting.

        A unit is a glossary phrase's concepts, or a content word's stem.
        """
        spans = self.glossary.spans(folded)
        ids = self._ids(folded, spans)
        covered = {n for start, length, _ in spans for n in range(start, start + length)}
        units = [keys for _, _, keys in spans]
        units += [(s,) for n, w in enumerate(folded) if (s := self.stems[w]) and n not in covered]
        return ids, tuple(dict.fromkeys(units))

    def _ids(self, folded: Sequence[str], spans: Sequence[Span]) -> list[int]:
        ids: list[int | None] = list(map(self._word_ids.get, folded))
        if None in ids:
            ids = [self._learn(w) if i is None else i for w, i in zip(folded, ids, strict=True)]
        found: list[int] = ids  # type: ignore[assignment]  # every None was just filled
        for _, _, keys in spans:
            found.extend(map(self.term_ids.__getitem__, keys))
        return found

    def _learn(self, word: str) -> int:
        stop = is_stopword(word) or word in self._stopwords
        term = self.stems[word] = "" if stop else stem(word)
        number = self._word_ids[word] = self.term_ids[term] if term else STOP
        return number


class PostingsBuilder:
    """Collects runs of term ids per passage and builds each term's sorted postings once.

    A run is one field of one passage with its weight. Runs are kept as flat Python lists and,
    every FLUSH_TOKENS ids, summed per (term, passage) by numpy: nothing counts term by term
    in Python, and the memory held meanwhile stays small.
    """

    def __init__(self, term_ids: TermIds, flush_every: int = FLUSH_TOKENS) -> None:
        """Share `term_ids` with the tokeniser that produces the ids."""
        self.term_ids = term_ids
        self._flush_every = flush_every
        self._ids: list[int] = []
        self._run_docs: list[int] = []
        self._run_lengths: list[int] = []
        self._run_kinds: list[int] = []
        self._kinds: dict[float, int] = {}  # weight -> its number: runs have a handful
        self._parts: list[tuple[IntArray, IntArray, FloatArray]] = []

    def add(self, doc: int, ids: list[int], weight: float) -> None:
        """Count each id in `ids` (STOP is skipped) with `weight` in passage `doc`.

        Passages come in ascending order; one passage may take several runs.
        """
        pending = max(len(self._ids), len(self._run_docs))
        if pending >= self._flush_every and self._run_docs[-1] != doc:
            self._flush()  # between passages only: a part must hold each passage whole
        self._ids.extend(ids)
        self._run_docs.append(doc)
        self._run_lengths.append(len(ids))
        self._run_kinds.append(self._kinds.setdefault(weight, len(self._kinds)))

    def _flush(self) -> None:
        """Sum the pending runs per (term, passage) into one sorted part."""
        if not self._run_docs:
            return
        first_doc = self._run_docs[0]
        # One int64 key per occurrence, (term, passage, weight kind) from high bits to low:
        # sorting the keys alone (no argsort) groups equal ones, and counts give the sums.
        kind_bits = max(len(self._kinds) - 1, 1).bit_length()
        doc_bits = max(self._run_docs[-1] - first_doc, 1).bit_length()
        shift = doc_bits + kind_bits
        if (len(self.term_ids) << shift).bit_length() > 63:
            raise OverflowError("too many terms to index")
        lengths = np.array(self._run_lengths, dtype=np.int64)
        run_tags = (np.array(self._run_docs, dtype=np.int64) - first_doc) << kind_bits
        run_tags |= np.array(self._run_kinds, dtype=np.int64)
        keys = np.array(self._ids, dtype=np.int64)
        keep = keys != STOP
        keys = (keys[keep] << shift) | np.repeat(run_tags, lengths)[keep]
        keys.sort()
        starts = np.flatnonzero(np.diff(keys, prepend=-1))
        counts = np.diff(starts, append=len(keys))
        keys = keys[starts]
        kind_weights = np.array(list(self._kinds), dtype=np.float64)
        weights = counts * kind_weights[keys & ((1 << kind_bits) - 1)]
        pairs = keys >> kind_bits  # (term, passage), each once per weight kind it has
        starts = np.flatnonzero(np.diff(pairs, prepend=-1))
        pairs = pairs[starts]
        self._parts.append(
            (
                (pairs >> doc_bits).astype(np.int32),
                ((pairs & ((1 << doc_bits) - 1)) + first_doc).astype(np.int32),
                np.add.reduceat(weights, starts).astype(np.float32)
                if len(starts)
                else np.zeros(0, dtype=np.float32),
            )
        )
        self._ids, self._run_docs, self._run_lengths, self._run_kinds = [], [], [], []

    def build(self) -> dict[str, Postings]:
        """Term -> postings (passages ascending), for every term that was added."""
        self._flush()
        # Every part is sorted by (term, passage) and parts come in passage order, so each
        # part's run for a term goes right after the previous parts' runs for it: a scatter
        # puts every item in place, with no sort and no index array the size of the whole.
        terms_count = len(self.term_ids)
        counts = [np.bincount(part[0], minlength=terms_count) for part in self._parts]
        bounds = np.zeros(terms_count + 1, dtype=np.int64)
        if counts:
            np.cumsum(np.sum(counts, axis=0, dtype=np.int64), out=bounds[1:])
        entries = np.empty(int(bounds[-1]), dtype=np.int32)
        weights = np.empty(int(bounds[-1]), dtype=np.float32)
        next_place = bounds[:-1].copy()  # where each term's next item goes
        parts, self._parts = self._parts[::-1], []
        while parts:  # oldest first, each part freed once placed
            terms, docs, sums = parts.pop()
            count = counts.pop(0)
            run_start = np.cumsum(count) - count  # where each term's run starts in the part
            place = (next_place - run_start)[terms] + np.arange(len(terms))
            entries[place] = docs
            weights[place] = sums
            next_place += count
        starts = bounds.tolist()
        return {
            term: Postings(entries[start:end], weights[start:end])
            for term, number in self.term_ids.items()
            if (start := starts[number]) < (end := starts[number + 1])
        }

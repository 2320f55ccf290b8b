"""An inverted index over entries (BM25F-style field weights) with typo correction of words."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.glossary import Glossary
from bot.core.lexicon import QUESTION_WORDS, AnswerKind, zipf
from bot.core.memo import Memo
from bot.core.model import Entry, MatchSettings
from bot.core.postings import STOP, FloatArray, IntArray, Postings, PostingsBuilder, Tokeniser
from bot.core.text import STOPWORDS, words

# Postings tables and field kinds: all fields, titles and aliases, text, words in parentheses.
ALL, HEAD, BODY, ASIDE = "all", "head", "body", "aside"
K1 = 1.2  # BM25 term-frequency saturation
B = 0.5  # BM25 length normalisation; entries vary in length, but not wildly

BoolArray = npt.NDArray[np.bool_]
MIN_RELATED_LENGTH = 7  # shorter unknown words are too often unrelated ("party" is no "part")
MIN_ROOT_LENGTH = 5  # a shared root this long or longer
ANAGRAM_FROM = 5  # longer words than this may be typed with their letters out of order
OWN_WORD_ZIPF = 4.0  # as common in English as this, a word (or a compound's front) is its own
SMALL_BASE = 5000  # up to this many entries, scoring all of them beats selecting some
SENTENCE_MEMO_SIZE = 1024  # entries whose sentences are kept read
DENSE_ROW_BUDGET = 1 << 22  # entry cells (some 25 MB) of units' rows kept ready for reuse


class UnitRows(NamedTuple):
    """One unit of a question over the selected entries."""

    weights: FloatArray  # the largest weight of any of its terms, 0 where none is
    head: BoolArray | None  # where one is in a title or alias; None: in none anywhere
    aside: BoolArray | None  # where one is only in parentheses; None: nowhere


@dataclass(frozen=True, slots=True)
class Selection:
    """Candidate entries: their numbers (sorted), and each entry's place among them or -1."""

    ids: IntArray
    position: IntArray


class Index:
    """Term -> postings for all fields and for the 'head' fields (title and aliases)."""

    def __init__(
        self,
        entries: Sequence[Entry],
        glossary: Glossary,
        settings: MatchSettings,
        stopwords: frozenset[str] = frozenset(),
    ) -> None:
        """Tokenise every field of every entry once.

        The index is over passages: an entry is one passage, except one made of sub-sections
        ("**Heading**" blocks), which is one passage per block, each with the entry's title
        and aliases. A question must then be covered within one sub-section, not by words
        scattered over several.
        """
        self.glossary = glossary
        tokens = Tokeniser(glossary, stopwords)
        every, heads, asides = (PostingsBuilder(tokens.term_ids) for _ in range(3))
        # Per entry, per title/alias: its units (a glossary phrase's concepts, or a word's stem).
        self.head_fields: list[tuple[tuple[tuple[str, ...], ...], ...]] = []
        self._entries = entries
        self._holds: dict[tuple[int, str], bool] = {}  # filled lazily: few questions ask
        doc_entry: list[int] = []
        doc_lengths: list[float] = []
        for number, entry in enumerate(entries):
            shared: list[tuple[list[int], float]] = []  # title, alias, tag and parent runs
            in_head: dict[int, None] = {}
            head_fields: list[tuple[tuple[str, ...], ...]] = []
            shared_length = 0.0
            for text, weight, kind in _fields(entry, settings):
                folded = words(glossary.rewrite_exact(text))
                if kind == HEAD:
                    ids, units = tokens.head(folded)
                    head_fields.append(units)
                    in_head.update(dict.fromkeys(ids))
                else:
                    ids = tokens.ids(folded)
                shared.append((ids, weight))
                shared_length += (len(ids) - ids.count(STOP)) * weight
            in_head.pop(STOP, None)
            in_shared = {i for ids, _ in shared for i in ids}
            self.head_fields.append(tuple(head_fields))
            for passage in _passages(entry.text):
                doc = len(doc_entry)
                length = shared_length
                found: dict[str, list[int]] = {}
                for text, weight, kind in _body(passage, settings):
                    ids = found[kind] = tokens.ids(words(glossary.rewrite_exact(text)))
                    every.add(doc, ids, weight)
                    length += (len(ids) - ids.count(STOP)) * weight
                for ids, weight in shared:
                    every.add(doc, ids, weight)
                heads.add(doc, list(in_head), 1.0)
                if ASIDE in found:  # only then is it worth knowing what is named outside them
                    asides.add(doc, list(set(found[ASIDE]) - in_shared.union(found[BODY])), 1.0)
                doc_entry.append(number)
                doc_lengths.append(length)
        self._stems = tokens.stems  # every word the entries use: what typos are corrected to
        self._tokens = tokens  # entries' sentences are read again, for the few answers from text
        self._settings = settings
        self._sentences: Memo[int, tuple[frozenset[int], tuple[frozenset[int], ...]]] = Memo(
            SENTENCE_MEMO_SIZE
        )
        self.size = len(doc_entry)
        self.doc_entry: IntArray = np.asarray(doc_entry, dtype=np.int32)
        lengths = np.asarray(doc_lengths, dtype=np.float32)
        average = float(lengths.mean()) if self.size else 1.0
        self.length_norm: FloatArray = (K1 * (1 - B + B * lengths / max(average, 1.0))).astype(
            np.float32
        )
        self.postings: dict[str, Postings] = every.build()
        self.head: dict[str, Postings] = heads.build()
        self.aside_only: dict[str, Postings] = asides.build()
        self._tables = {ALL: self.postings, HEAD: self.head, ASIDE: self.aside_only}
        self.idf = {term: _idf(self.size, len(p.entries)) for term, p in self.postings.items()}
        self.unknown_idf = _idf(self.size, 0)
        # A term in a third of the entries (two at least) is what the base is about, not what
        # tells its entries apart: "game" in a game's FAQ, "John Wick" in a franchise's.
        self.everywhere_idf = _idf(self.size, max(2, self.size // 3))
        self.vocabulary = frozenset(
            {t for t in self.postings if not t.startswith("=")} | glossary.vocabulary
        )
        # Typos are corrected towards words of the entries and the glossary, and towards
        # stopwords: "wher" is "where", not a topic.
        surface = set(self._stems) | glossary.surface_words | {w for w in STOPWORDS if w.isalpha()}
        self._by_length = _by_length(w for w in surface if w.isalpha() and len(w) > 3)
        self._anagrams = _anagrams(w for w in surface if w.isalpha() and len(w) > ANAGRAM_FROM)
        self._max_edits = settings.typo_max_edits
        self._corrections: Memo[str, str | None] = Memo(4096)
        self._relatives: Memo[str, str | None] = Memo(4096)
        # A unit's row over all entries, kept for its next question within a memory budget:
        # on a small base numpy's per-call cost, not the entries, is what a row costs.
        self._rows: Memo[tuple[str, ...], UnitRows] = Memo(DENSE_ROW_BUDGET // max(self.size, 1))

    def correct(self, word: str) -> str | None:
        """The closest word the knowledge base uses, within a few edits, or None."""
        return self._corrections.lookup(word, self._correct)

    def _correct(self, word: str) -> str | None:
        """Work out `correct(word)`.

        Works on surface forms ("directng" -> "directing"), where edit distance means what a
        typist did. The first letter must be right, and a word of four letters or fewer is
        only taken for a question word ("wher" -> "where").
        """
        if not word.isalpha() or len(word) < 3:
            return None
        if len(word) <= 4:  # too many real words are one edit apart; but not question words
            found = process.extractOne(word, QUESTION_WORDS, scorer=OSA.distance, score_cutoff=1)
            return found[0] if found is not None else self._swapped(word)
        edits = min(1 if len(word) <= 8 else 2, self._max_edits)
        if edits == 0:
            return None
        best: tuple[str, int] | None = None
        # Same length first, so a swap ("moveis") beats a dropped letter ("moves") on a tie.
        lengths = sorted(
            range(len(word) - edits, len(word) + edits + 1), key=lambda n: abs(n - len(word))
        )
        for length in lengths:
            candidates = self._by_length.get((length, word[0]))
            if not candidates:
                continue
            found = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=edits)
            if found is not None and (best is None or found[1] < best[1]):
                best = (found[0], int(found[1]))
        if best is None:  # its letters in another order: "realese" is "release"
            return self._anagrams.get((word[0], "".join(sorted(word))))
        return best[0]

    def _swapped(self, word: str) -> str | None:
        """The word of the base a short word is with two neighbouring letters swapped.

        A swap ("flim", "mian") is the one slip that still leaves a short word plain to read;
        any edit would make "cast" of "case", "fast" of "last".
        """
        for at in range(1, len(word) - 1):  # the first letter stays
            swapped = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
            if swapped != word and self._is_surface_word(swapped):
                return swapped
        return None

    def _is_surface_word(self, word: str) -> bool:
        """Whether typos may be corrected to this word: the entries', glossary's, stopwords'."""
        return word in self._stems or word in self.glossary.surface_words or word in STOPWORDS

    def relative(self, word: str) -> str | None:
        """The stem of an entry word this unknown word is built on, or None.

        A compound's head ("campfire" is a fire, "subplot" a plot) or the root another form of
        the word shares ("breather" and the entries' "breathing"). Neither stemmer nor typo
        correction relates them, and a question's word is rarely the page's exact form.
        """
        return self._relatives.lookup(word, self._relative)

    def _relative(self, word: str) -> str | None:
        """Work out `relative(word)`."""
        # A common word is a word of its own ("walking" is not a kind of "king").
        if not word.isalpha() or len(word) < MIN_RELATED_LENGTH or zipf(word) >= OWN_WORD_ZIPF:
            return None
        for cut in range(3, len(word) - 3):  # the longest head whose front is a word itself
            head = self._stems.get(word[cut:])
            # ...but not a particle: to "overpower" or "outrun" is no kind of power or run.
            if head and zipf(word[:cut]) >= OWN_WORD_ZIPF and word[:cut] not in STOPWORDS:
                return head
        for cut in range(len(word) - 1, len(word) - 4, -1):  # "breath|er", "breath|ing"
            if cut >= MIN_ROOT_LENGTH and word[:cut] in self.postings:
                return word[:cut]
        return None

    def has(self, terms: Sequence[str], table: str) -> bool:
        """Whether any of `terms` has postings in `table` (ALL, HEAD or ASIDE)."""
        postings_of = self._tables[table]
        return any(term in postings_of for term in terms)

    def knows(self, word: str) -> bool:
        """Whether the entries use this folded word (spelled as the question has it)."""
        return word in self._stems

    def headed_together(self, units: Sequence[Sequence[str]]) -> bool:
        """Whether one passage's title, aliases or tags have a term of every unit."""
        common: set[int] | None = None
        for terms in units:
            found: set[int] = set()
            for term in terms:
                postings = self.head.get(term)
                if postings is not None:
                    found.update(postings.entries.tolist())
            common = found if common is None else common & found
            if not common:
                return False
        return bool(common)

    def entry_has(self, entry: int, terms: Sequence[str]) -> bool:
        """Whether any passage of the entry (by number) has any of `terms`."""
        first, last = np.searchsorted(self.doc_entry, [entry, entry + 1])
        for term in terms:
            postings = self.postings.get(term)
            if postings is not None:
                low, high = np.searchsorted(postings.entries, [first, last])
                if high > low:
                    return True
        return False

    def best_sentence_share(
        self, entry: int, units: Sequence[tuple[Sequence[str], float]]
    ) -> float:
        """The largest share of the units' weight that one sentence of the entry has.

        What the entry's title, aliases, tags and parent heading have counts in every sentence:
        they say what all of its text is about.
        """
        total = sum(weight for _, weight in units)
        if total <= 0:
            return 0.0
        shared, sentences = self._sentences.lookup(entry, self._sentence_terms)
        term_ids = self._tokens.term_ids
        unit_ids = [
            ({term_ids[t] for t in terms if t in term_ids}, weight) for terms, weight in units
        ]
        always = sum(weight for ids, weight in unit_ids if not shared.isdisjoint(ids))
        rest = [(ids, weight) for ids, weight in unit_ids if shared.isdisjoint(ids)]
        best = max(
            (sum(weight for ids, weight in rest if not ids.isdisjoint(s)) for s in sentences),
            default=0.0,
        )
        return (always + best) / total

    def _sentence_terms(self, entry: int) -> tuple[frozenset[int], tuple[frozenset[int], ...]]:
        """Term ids of the fields an entry's passages share, and of each of its sentences."""
        rewrite, ids = self.glossary.rewrite_exact, self._tokens.ids
        shared = {
            i
            for text, _, _ in _fields(self._entries[entry], self._settings)
            for i in ids(words(rewrite(text)))
        }
        # A stopword's id (STOP) is in these sets but in no unit's: it never counts.
        sentences = tuple(
            frozenset(ids(words(rewrite(sentence))))
            for sentence in _SENTENCE_END.split(self._entries[entry].text)
            if sentence.strip()
        )
        return frozenset(shared), sentences

    def holds(self, entry: int, kind: AnswerKind) -> bool:  # by entry number, not passage
        """Whether the entry's text holds an answer of `kind`: a time, a number."""
        known = self._holds.get((entry, kind.name))
        if known is None:
            found = bool(kind.holds.search(self._entries[entry].text))
            known = self._holds[entry, kind.name] = found
        return known

    def candidates(
        self, units: Sequence[tuple[Sequence[str], float]], min_coverage: float
    ) -> Selection | None:
        """Entries that could still reach `min_coverage`; None means score them all.

        Units are taken rarest (heaviest) first until the rest weigh less than `min_coverage`
        of the question: an entry with none of the taken units cannot reach it, so it need
        not be scored (the MaxScore idea). A small base, or a selection of a good part of it,
        is cheaper to score whole.
        """
        if self.size <= SMALL_BASE:
            return None
        total = sum(weight for _, weight in units)
        remaining = total
        mask: BoolArray | None = None
        for terms, weight in sorted(units, key=lambda unit: -unit[1]):
            if remaining < min_coverage * total:
                break
            remaining -= weight
            for term in terms:
                postings = self.postings.get(term)
                if postings is not None:
                    if mask is None:
                        mask = np.zeros(self.size, dtype=np.bool_)
                    mask[postings.entries] = True
        if mask is None:
            return None
        ids = np.flatnonzero(mask).astype(np.int32)
        if len(ids) > self.size // 8:
            return None
        position = np.full(self.size, -1, dtype=np.int32)
        position[ids] = np.arange(len(ids), dtype=np.int32)
        return Selection(ids, position)

    def gather(
        self, terms: Sequence[str], selection: Selection | None, table: str = ALL
    ) -> FloatArray:
        """For each selected entry (None: all), the largest weight of any of `terms`.

        `table`: ALL fields, HEAD (titles and aliases), or ASIDE (terms a passage has only
        inside parentheses).
        """
        if selection is None:
            return self.dense(terms, table)
        postings_of = self._tables[table]
        out = np.zeros(len(selection.ids), dtype=np.float32)
        ids = selection.ids
        for term in terms:
            postings = postings_of.get(term)
            if postings is None or not len(postings.entries):
                continue
            if len(ids) * 16 < len(postings.entries):  # few candidates, long list: bisect
                where = np.searchsorted(postings.entries, ids)
                where[where >= len(postings.entries)] = 0
                found = np.where(postings.entries[where] == ids, postings.weights[where], 0.0)
                np.maximum(out, found, out=out)
            else:  # look each posting's entry up among the candidates
                place = selection.position[postings.entries]
                keep = place >= 0
                place = place[keep]
                out[place] = np.maximum(out[place], postings.weights[keep])
        return out

    def dense(self, terms: Sequence[str], table: str = ALL) -> FloatArray:
        """Per entry, the largest weight of any of `terms` (a unit's alternatives)."""
        postings_of = self._tables[table]
        out = np.zeros(self.size, dtype=np.float32)
        first = True
        for term in terms:
            postings = postings_of.get(term)
            if postings is None:
                continue
            if first:
                out[postings.entries] = postings.weights
                first = False
            else:
                out[postings.entries] = np.maximum(out[postings.entries], postings.weights)
        return out

    def unit_rows(self, terms: Sequence[str], selection: Selection | None) -> UnitRows:
        """A unit's rows over the selected entries (None: all): its weights, head and aside."""
        if selection is None:  # the same for every question: kept ready, read-only
            return self._rows.lookup(tuple(terms), self._all_rows)
        return self._unit_rows(terms, selection)

    def _unit_rows(self, terms: Sequence[str], selection: Selection | None) -> UnitRows:
        """Work out `unit_rows`."""
        head = self.gather(terms, selection, HEAD) > 0 if self.has(terms, HEAD) else None
        aside = self.gather(terms, selection, ASIDE) > 0 if self.has(terms, ASIDE) else None
        return UnitRows(self.gather(terms, selection), head, aside)

    def _all_rows(self, terms: tuple[str, ...]) -> UnitRows:
        """`unit_rows` over all entries, made read-only to be shared."""
        rows = self._unit_rows(terms, None)
        for row in rows:
            if row is not None:
                row.flags.writeable = False
        return rows


def _fields(entry: Entry, settings: MatchSettings) -> list[tuple[str, float, str]]:
    """The fields every passage of an entry shares: title, aliases, tags and parent heading."""
    fields = [(entry.title, settings.title_weight, HEAD)]
    fields += [(alias, settings.alias_weight, HEAD) for alias in entry.aliases]
    # Tags are coarse topics shared by many entries: they help recall, not pinpointing.
    fields += [(tag, settings.tag_weight, BODY) for tag in entry.tags]
    if entry.parent:
        fields.append((entry.parent, settings.text_weight, BODY))
    return fields


def _body(text: str, settings: MatchSettings) -> list[tuple[str, float, str]]:
    """A passage's text, with words in parentheses apart as an aside."""
    if "(" not in text:
        return [(text, settings.text_weight, BODY)]
    # "(Underworld)" after a director's name is a credit, not what the entry is about.
    asides = " ".join(_ASIDE.findall(text))
    return [
        (_ASIDE.sub(" ", text), settings.text_weight, BODY),
        (asides, settings.text_weight * ASIDE_WEIGHT, ASIDE),
    ]


def _passages(text: str) -> list[str]:
    """An entry's sub-sections ("**Heading**" lines start one), or the whole text."""
    if "**" not in text:
        return [text]
    starts = [match.start() for match in _SUBHEADING.finditer(text)]
    if len(starts) < 2:
        return [text]
    bounds = [0, *starts[1:], len(text)]  # anything before the first heading goes with it
    return [text[begin:end] for begin, end in pairwise(bounds)]


ASIDE_WEIGHT = 0.5  # words in parentheses count half in the BM25 strength
# Words in parentheses, unless they spell out the capitals before them: "XEDRA (Xenophysical
# Energy Defense Research Agency)" defines the name, it is no aside.
_ASIDE = re.compile(r"(?<![A-Z]{2} )(?<![A-Z]{2})\(([^()]{1,200})\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_SUBHEADING = re.compile(r"(?m)^\*\*[^*\n]+\*\*[ \t]*$")


def _anagrams(vocabulary: Iterable[str]) -> dict[tuple[str, str], str]:
    """Words by (first letter, all letters sorted), where only one word has them."""
    found: dict[tuple[str, str], str | None] = {}
    for word in vocabulary:
        key = (word[0], "".join(sorted(word)))
        found[key] = word if key not in found else None
    return {key: word for key, word in found.items() if word is not None}


def _by_length(surface: Iterable[str]) -> dict[tuple[int, str], list[str]]:
    """Words by (length, first letter).

    Typists rarely miss the first letter, and a search among words that share it is some
    twenty times smaller.
    """
    buckets: dict[tuple[int, str], list[str]] = {}
    for word in sorted(surface):
        buckets.setdefault((len(word), word[0]), []).append(word)
    return buckets


def _idf(total: int, containing: int) -> float:
    return math.log(1 + (total - containing + 0.5) / (containing + 0.5))

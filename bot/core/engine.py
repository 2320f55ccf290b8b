"""The answer engine: a question in, an Answer or a NoAnswer out. Never raises on any text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process, utils

from bot.core.explain import Explanation, Trace, build_explanation
from bot.core.glossary import Glossary
from bot.core.index import BoolArray, Index
from bot.core.lexicon import (
    Lexicon,
    heading_words,
    load_lexicon,
    source_hint,
    zipf,
)
from bot.core.loader import KnowledgeBase
from bot.core.memo import Memo
from bot.core.model import Answer, MatchSettings, NoAnswer, Result, Suggestion
from bot.core.postings import FloatArray, IntArray
from bot.core.reading import Clause, Reading, asked_for, asks_open_question, read_message
from bot.core.text import (
    clean_question,
    fold,
    proper_words,
    stem,
    words,
)
from bot.core.weighing import Unit, Weigher

# How the final score (0-100) mixes its parts: how much of the question the entry covers,
# how much of it the entry's title or aliases cover, the BM25F strength of the match, and how
# much of the entry's best-fitting title or alias the question covers (FAQ-style fit).
COVERAGE_SHARE = 0.6
HEAD_SHARE = 0.1
STRENGTH_SHARE = 0.1
FIT_SHARE = 0.2
ALIAS_FIT = 0.9  # an alias is a curator's guess at a phrasing; the title is the source's own
ASIDE_COVERAGE = 0.25  # a unit an entry names only in parentheses covers a quarter as much
NEGLIGIBLE_SHARE = 0.02  # a unit weighing less than this share of the question is not scored
PROFILE_MEMO_SIZE = 8192  # entries whose title profiles are kept ready
UNIT_MEMO_SIZE = 64  # recent texts' units: the parts of one message are read more than once
TRUNCATED_PREFIX = 40  # a cut title this long or longer still names its entry
FAQ_HEAD_COVERAGE = 0.3  # of the question's weight, in an FAQ entry's title or aliases
CHAT_ZIPF = 5.0  # a message of only words this common in English, nothing specific, is chat
FITTED_LIMIT = 10  # entries whose title fit is worked out, best base score first
UNTYPED_DISCOUNT = 0.8  # e.g. a "when" question, and an entry that names no time at all
LONG_QUESTION_UNITS = 4  # from this many units a message is long enough to carry chat
CLEAR_PART_SCORE = 85.0  # one question of several is answered alone only this clearly
SPECIFIC_QUALIFIER_ZIPF = 4.0  # a title word rarer than this in English names a kind ("fungal")
TIE_LEAD = 0.5  # entries this close are a choice for the asker ("did you mean"), not an answer


# Per title and alias: unit weights, total, factor; and each term's (field, unit) places.
TitleProfile = tuple[
    tuple[tuple[tuple[float, ...], float, float], ...], dict[str, tuple[tuple[int, int], ...]]
]


@dataclass(frozen=True, slots=True)
class Scored:
    """Score parts for candidate passages; `ids` maps a candidate position to its entry."""

    ids: IntArray
    score: FloatArray
    coverage: FloatArray
    head: FloatArray
    matched: list[BoolArray | None]  # per unit; None: too common to check, taken as matched


class Engine:
    """Matches questions against a knowledge base; build once, ask many times."""

    def __init__(
        self,
        kb: KnowledgeBase,
        settings: MatchSettings | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        """Build the glossary and the index (the only slow step).

        `lexicon` defaults to the domains the knowledge base names (`kb.domains`).
        """
        self.kb = kb
        self.settings = settings or MatchSettings()
        self.lexicon = lexicon or load_lexicon(getattr(kb, "domains", ()))
        self.glossary = Glossary((*kb.glossary, *self.lexicon.words))
        self.index = Index(kb.entries, self.glossary, self.settings, self.lexicon.stopwords)
        self._weigher = Weigher(self.index, self.glossary, self.lexicon, self.settings)
        self._profiles: Memo[int, TitleProfile] = Memo(PROFILE_MEMO_SIZE)
        self._kinds: Memo[int, tuple[tuple[str, str, str], ...]] = Memo(PROFILE_MEMO_SIZE)
        self._answers: Memo[str, Result] = Memo(self.settings.cache_size)
        self._unit_memo: Memo[str, tuple[Unit, ...]] = Memo(UNIT_MEMO_SIZE)
        self._titles = [utils.default_process(e.title) for e in kb.entries]
        self._faq_first = sorted(range(len(kb.entries)), key=lambda i: kb.entries[i].kind != "faq")
        self._exact = _exact_headings(kb)
        self._numbers = {entry.id: number for number, entry in enumerate(kb.entries)}
        zipf("the")  # load the English word frequencies now, not on the first question

    def ask(self, question: str) -> Result:
        """Answer a question, or say why not with up to a few suggestions."""
        cleaned = clean_question(question, self.settings.max_question_chars)
        # Results are immutable and popular questions repeat: answer each cleaned one once.
        return self._answers.lookup(cleaned, self._answer)

    def explain(self, question: str) -> Explanation:
        """How the engine read a question and why it answered or not, for an admin."""
        cleaned = clean_question(question, self.settings.max_question_chars)
        trace = Trace(reading=read_message(cleaned))
        result = self._answer(cleaned, trace)  # reads the trace's reading, not the text again
        return build_explanation(self, question, trace, result)

    def _answer(self, cleaned: str, trace: Trace | None = None) -> Result:
        """Answer a cleaned question; fill `trace` with the workings when one is given."""
        key = " ".join(heading_words(words(cleaned)))
        exact = self._exact.get(key)
        if exact is None and cleaned.endswith(("…", "...")):
            exact = self._title_starting(key)  # a title cut to fit a choice
        if exact is not None:
            # A title or alias asked word for word, as autocomplete offers it, is that entry.
            entry = self.kb.entries[exact]
            return Answer(entry, 100.0, (entry.title,), "title or alias")
        reading = read_message(cleaned) if trace is None else trace.reading
        asked_units = self._units_of(reading.question)
        if reading.chat and (self._says_little(asked_units) or _only_chat(asked_units)):
            # "...keeps sinking when I cross a river, what am I doing wrong": a question of one
            # plain word (or none), or of only words any chat is full of ("does it even try to
            # deal with that"), asks about what the message said around it; read that as the
            # question, and a word any chat is full of ("wrong") as only how it asks.
            how_it_asks = bool(asked_units) and _only_chat(asked_units)
            reading = Reading(
                tuple(Clause(c.text, not (c.asks and how_it_asks)) for c in reading.clauses)
            )
            if trace is not None:
                trace.reading = reading
        everything = self._units_of(reading.question)
        if (
            everything
            and _only_chat(everything)
            and not self._a_title_has(everything)
            and not (len(everything) >= 2 and asks_open_question(reading))
        ):
            # "lol same", "are you real", "ok cool": no word says what the message is about.
            return NoAnswer(reason="asks nothing")
        result = self._judge(reading.question, trace)
        asking = [clause.text for clause in reading.clauses if clause.asks]
        if result.answered or len(asking) < 2:
            return result
        if any(
            u.specific and (u.rarity == 0 or u.label in self.lexicon.facets) for u in everything
        ):
            return result  # it asks for something the base lacks: no part of it is the answer
        # Two questions in one message ("ANA DE ARMAS AS THE LEAD?! why her?"): read apart,
        # one that is answered, with no other answered differently, is the answer.
        # A part that alone says little ("what am i doing wrong") asks about the rest: it is
        # not read apart, or "What's wrong?" would answer a question about sinking in a river.
        answers = {
            r.entry.id: r
            for text in asking
            if not self._says_little(self._units_of(text))
            and isinstance(r := self._judge(text), Answer)
            and r.score >= CLEAR_PART_SCORE
        }
        if len(answers) != 1:
            return result
        answer = next(iter(answers.values()))
        # ...unless another part asks for something specific it lacks ("how much did it make
        # at the box office? did it beat chapter 4"): then the message is not answered. A name
        # a third of the entries have ("the other wick movies") is what the base is about, and
        # the entry may name it only inside a longer name ("John Wick: Chapter 4").
        number = self._numbers[answer.entry.id]
        specific = [u for u in everything if u.specific and not self._everywhere(u)]
        if all(self.index.entry_has(number, u.terms) for u in specific):
            return answer
        return result

    def _everywhere(self, unit: Unit) -> bool:
        """Whether a word the base has is in a third of its entries: what it is all about."""
        return 0 < unit.rarity <= self.index.everywhere_idf

    def _says_little(self, units: tuple[Unit, ...]) -> bool:
        """Whether a part of a message is at most one plain word: it asks about what is around it.

        A word a third of the entries have ("game" in a game's FAQ) does not count: "is my game
        broken" is one plain word, "broken", about what the message says next.
        """
        telling = [u for u in units if u.specific or not self._everywhere(u)]
        return not telling or (len(telling) == 1 and not telling[0].specific)

    def _a_title_has(self, units: tuple[Unit, ...]) -> bool:
        """Whether one entry's title, aliases or tags have two or more of these words together.

        "my house is on fire" is words any chat is full of, but the FAQ "I started a fire and
        now my house is burning down!" has them together: a topic, not chat.
        """
        return len(units) >= 2 and self.index.headed_together([u.terms for u in units])

    def _title_starting(self, prefix: str) -> int | None:
        """The one entry whose title or alias starts with these words, if only one does."""
        if len(prefix) < TRUNCATED_PREFIX:
            return None
        found = {number for key, number in self._exact.items() if key.startswith(prefix)}
        return found.pop() if len(found) == 1 else None

    def _judge(self, asked_text: str, trace: Trace | None = None) -> Result:
        """Answer the part of a message that asks, or say why not."""
        hinted, asked_text = source_hint(asked_text)
        if hinted is not None and not any(s.kind == hinted for s in self.kb.sources):
            hinted = None  # "according to the review" with no review: the words are all we have
        units = list(self._units_of(asked_text))
        if trace is not None:
            trace.units = units
        if not units or not len(self.kb):
            return NoAnswer(reason="empty question" if not units else "empty knowledge base")
        kinds = self.lexicon.kinds_asked(asked_text)
        casting = self._casting(asked_text)
        cannot_answer: set[int] = set()
        scored = self._score(units)
        settings = self.settings
        # Below this, even a perfect title fit leaves a passage unsuggested: not worth ranking.
        floor = settings.suggest_threshold - 100 * FIT_SHARE
        within = np.flatnonzero(scored.score >= floor)
        pool = min(settings.candidate_pool, len(within))
        if pool:
            within = within[np.argpartition(-scored.score[within], pool - 1)[:pool]]
        top = [int(i) for i in within if scored.coverage[i] > 0]
        self._drop_common_uses(proper_words(asked_text), units, scored, top)
        if not top:
            if scored.coverage.any():
                return NoAnswer(reason="not about anything the knowledge base knows")
            return NoAnswer(reason="nothing in the knowledge base matches")
        final: dict[int, float] = {}
        fit: dict[int, float] = {}
        wanted = 1 + settings.max_suggestions
        seen: set[int] = set()
        entries = self.kb.entries
        for i in sorted(top, key=lambda i: -float(scored.score[i])):
            if int(scored.ids[i]) in seen:
                continue  # another passage of this entry scored better
            seen.add(int(scored.ids[i]))
            base = float(scored.score[i])
            if base < floor:
                break  # lowered below the floor by _drop_common_uses, and all after it
            if len(final) >= wanted and base + 100 * FIT_SHARE < sorted(final.values())[-wanted]:
                break  # title fit cannot lift this one, or any after it, into the top few
            if len(final) >= FITTED_LIMIT:
                break  # many near-equal passages ("... the John Wick universe"): enough
            fit[i] = self._fit(units, int(scored.ids[i]))
            final[i] = base + 100 * FIT_SHARE * fit[i]
            if not all(self.index.holds(int(scored.ids[i]), kind) for kind in kinds):
                final[i] *= UNTYPED_DISCOUNT  # it may still be a suggestion, not the answer
            if hinted is not None and entries[scored.ids[i]].source.kind != hinted:
                final[i] *= UNTYPED_DISCOUNT  # the question says which source it means
            if casting is not None and not casting.search(entries[scored.ids[i]].text):
                cannot_answer.add(i)  # pairs no actor with the role: a suggestion at most
                final[i] *= UNTYPED_DISCOUNT
        if not final:
            return NoAnswer(reason="not about anything the knowledge base knows")
        order = sorted(final, key=lambda i: (-final[i], int(scored.ids[i])))
        best = order[0]
        suggestions = tuple(
            Suggestion(entries[scored.ids[i]].id, entries[scored.ids[i]].title, round(final[i], 1))
            for i in order
            if final[i] >= settings.suggest_threshold
        )
        # A question made only of words nearly every entry shares ("ballerina") says too little
        # to pick one entry, unless it is (nearly) the whole title or an alias of one.
        informative = (
            sum(u.rarity or u.weight for u in units) >= settings.min_information
            or fit[best] >= settings.full_fit
        )
        lead = final[best] - (final[order[1]] if len(order) > 1 else 0.0)
        missed = [
            u
            for u, hits in zip(units, scored.matched, strict=True)
            if hits is not None and not hits[best]
        ]
        # Two entries scoring the same would be answered by the order of their ids: offer both,
        # unless the question is (nearly) the whole title of the first.
        tied = lead < TIE_LEAD and fit[best] < settings.full_fit
        # An FAQ answer's words are there to answer its own question: an FAQ entry is the
        # answer only to a question that shares enough of that question (title or alias).
        faq_elsewhere = (
            entries[scored.ids[best]].kind == "faq" and scored.head[best] < FAQ_HEAD_COVERAGE
        )
        focus = asked_for(asked_text)
        confident = (
            best not in cannot_answer
            and not any(u.facet for u in missed)  # asks for a fact it does not give
            and not any(u.specific and u.rarity == 0 for u in missed)
            and not faq_elsewhere
            and not tied
            and (
                (
                    final[best] >= settings.answer_threshold
                    and scored.coverage[best] >= settings.min_coverage
                )
                # Chat around a question leaves words no entry has; in a long message the answer
                # is still clear when most of it is covered, partly by the entry's title or an
                # alias, well ahead of any other entry, and nothing specific asked is missing.
                # In a short question every word counts.
                or (
                    len(units) >= LONG_QUESTION_UNITS
                    and scored.coverage[best] >= settings.partial_coverage
                    and scored.head[best] > 0
                    and lead >= settings.min_lead
                    and final[best] >= settings.suggest_threshold
                    # ...nor what a "what" or "which" asks for: "what kind of settings ...".
                    and not any(u.specific or u.label in focus for u in missed)
                )
            )
        )
        if confident and scored.head[best] <= 0 and not self._said_together(units, scored, best):
            confident = False
            if trace is not None:
                trace.scattered = True
        if confident and scored.head[best] > 0:
            other = self._qualified_otherwise(asked_text, int(scored.ids[best]))
            if other is not None:
                confident = False  # "a zombie bite infection" is no "fungal infection"
                if trace is not None:
                    trace.qualified_otherwise = other
        if trace is not None:
            trace.record(self, units, scored, order, final, fit, cannot_answer)
            trace.lead, trace.informative, trace.tied = lead, informative, tied
            trace.missed = [u.label for u in missed]
            trace.missed_specific = [u.label for u in missed if u.specific or u.label in focus]
        if confident and informative:
            return Answer(
                entry=entries[scored.ids[best]],
                score=round(min(final[best], 100.0), 1),
                matched_terms=tuple(
                    u.label
                    for u, hits in zip(units, scored.matched, strict=True)
                    if hits is None or hits[best]
                ),
                matched_field="title or alias" if scored.head[best] > 0 else "text",
                suggestions=suggestions[1 : 1 + settings.max_suggestions],
            )
        unsure = bool(final[best] >= settings.suggest_threshold and suggestions)
        return NoAnswer(
            suggestions=suggestions[: settings.max_suggestions],
            unsure=unsure,
            reason="not confident" if unsure else "not about anything the knowledge base knows",
        )

    def _qualified_otherwise(self, asked_text: str, entry: int) -> tuple[str, str] | None:
        """A word the question puts where the entry's title has another, if there is one.

        "How can I cure a zombie bite infection?" shares "cure" and "infection" with "How can I
        cure a fungal infection?", but qualifies the infection by a word the entry never uses
        where the title says "fungal": it asks about another kind of the same thing. Returns
        (the question's word, the title's word).
        """
        kinds = self._kinds.lookup(entry, self._title_kinds)
        if not kinds:
            return None  # most titles qualify nothing by an uncommon word
        is_stop = self.lexicon.is_stopword
        asked = words(asked_text)
        asked_stems = {stem(w) for w in asked if not is_stop(w)}
        for qualifier, kind_stem, head_stem in kinds:
            if head_stem not in asked_stems or kind_stem in asked_stems:
                continue
            for own, asked_head in pairwise(asked):
                if (
                    stem(asked_head) == head_stem
                    and not is_stop(own)
                    and zipf(own) > 0  # a typo ("keenu") is no word of its own
                    and not self.index.entry_has(entry, [stem(own)])
                ):
                    return own, qualifier
        return None

    def _title_kinds(self, entry: int) -> tuple[tuple[str, str, str], ...]:
        """Where a title or alias qualifies a word by an uncommon one ("fungal infection").

        As (word, its stem, the next word's stem); a common word ("prevent monsters") names no
        kind.
        """
        is_stop = self.lexicon.is_stopword
        record = self.kb.entries[entry]
        return tuple(
            dict.fromkeys(
                (qualifier, stem(qualifier), stem(head))
                for heading in (record.title, *record.aliases)
                for qualifier, head in pairwise(words(heading))
                if not is_stop(qualifier)
                and not is_stop(head)
                and zipf(qualifier) < SPECIFIC_QUALIFIER_ZIPF
            )
        )

    def _said_together(self, units: list[Unit], scored: Scored, best: int) -> bool:
        """Whether one sentence of a text-only answer says what was asked (min_coverage of it).

        Words of a question scattered over a long text ("how fast do zombies mutate over time"
        in an account of the world's history) are no sign that the text answers it. A word
        nearly every entry has counts as said, as it does in the score.
        """
        total = sum(u.weight for u in units)
        counted = [(u.terms, u.weight) for u in units if u.weight >= NEGLIGIBLE_SHARE * total]
        share = self.index.best_sentence_share(int(scored.ids[best]), counted)
        counted_weight = sum(weight for _, weight in counted)
        said = (total - counted_weight + share * counted_weight) / total
        return said >= self.settings.min_coverage

    def _casting(self, cleaned: str) -> re.Pattern[str] | None:
        """What an answer to a relation question ("who plays X") must contain, if one is asked.

        The name is searched as the question spells it, or as corrected when it is a typo of a
        word the entries use ("roony" is searched as "rooney").
        """
        asked = self.lexicon.relation(fold(cleaned))  # one apostrophe, one case: "rooney's"
        if asked is None:
            return None
        relation, word = asked
        fixed = None if self.index.knows(word) else self.index.correct(word)
        return relation.answer_pattern(fixed or word)

    def _drop_common_uses(
        self, names: list[str], units: list[Unit], scored: Scored, top: list[int]
    ) -> None:
        """Un-match a name the question capitalises where a candidate has it only in lower case.

        "the plot of Underworld" is about a film; "a violent underworld" is not it. Glossary
        words are left alone (the glossary says what they mean), and so is a question whose
        case says nothing (Title Case, capitals). Works on the few top candidates, in place.
        """
        total = sum(u.weight for u in units)
        vocabulary = self.glossary.vocabulary
        for name in names:
            folded = words(name)
            term = stem(folded[0]) if folded else ""
            if not term or term in vocabulary or self.lexicon.is_stopword(folded[0]):
                continue
            number = next((n for n, u in enumerate(units) if u.terms == (term,)), None)
            if number is None:
                continue
            hits = scored.matched[number]
            capitalised = re.compile(r"\b" + re.escape(term.capitalize()))
            lost = units[number].weight / total
            for i in top:
                entry = self.kb.entries[scored.ids[i]]
                if (hits is None or hits[i]) and not any(
                    capitalised.search(text) for text in (entry.title, entry.text, *entry.aliases)
                ):
                    scored.coverage[i] -= lost
                    scored.score[i] -= 100 * COVERAGE_SHARE * lost

    def _units_of(self, text: str) -> tuple[Unit, ...]:
        """`units(text)`, worked out once per text (a message and its parts share them)."""
        return self._unit_memo.lookup(text, lambda t: tuple(self.units(t)))

    def units(self, cleaned: str) -> list[Unit]:
        """Break a cleaned question into weighted units (see `weighing.Weigher`)."""
        return self._weigher.units(cleaned)

    def _score(self, units: list[Unit]) -> Scored:
        """Score the passages that could still be confident (all of them in a small base)."""
        selection = self.index.candidates(
            [(u.terms, u.weight) for u in units], self.settings.min_coverage
        )
        ids = None if selection is None else selection.ids
        norm = self.index.length_norm if ids is None else self.index.length_norm[ids]
        total = sum(u.weight for u in units)
        # One row per unit, worked on together: numpy's cost here is per call more than per
        # entry, and a question has a handful of units.
        counted = [u for u in units if u.weight >= NEGLIGIBLE_SHARE * total]
        # A word nearly every entry has ("ballerina" here) moves no score: count it as matched
        # everywhere instead of touching every entry for it.
        everywhere = sum(u.weight for u in units if u.weight < NEGLIGIBLE_SHARE * total)
        found = np.zeros((len(counted), len(norm)), dtype=np.float32)
        heads = np.zeros((len(counted), len(norm)), dtype=np.float32)  # 1: in a title or alias
        asides = []
        for row, unit in enumerate(counted):
            unit_rows = self.index.unit_rows(unit.terms, selection)
            found[row] = unit_rows.weights
            if unit_rows.head is not None:
                heads[row] = unit_rows.head
            if unit_rows.aside is not None:
                asides.append((row, unit_rows.aside))
        # Each share is a weighted sum over the rows: one vector-matrix product apiece, the
        # fewest passes over a selection that can be the whole of a large base.
        share = np.array([u.weight / total for u in counted], dtype=np.float32)
        hits = found > 0
        coverage = share @ hits.astype(np.float32)
        coverage += everywhere / total
        for row, aside in asides:
            # Named only in parentheses ("Len Wiseman (Underworld)"): a credit, not the topic.
            coverage -= share[row] * (1 - ASIDE_COVERAGE) * (aside & hits[row])
        head = share @ heads
        saturation = found + norm  # BM25's term saturation, found / (found + norm), in place
        np.divide(found, saturation, out=saturation)
        score = (100 * STRENGTH_SHARE * share) @ saturation
        score += 100 * COVERAGE_SHARE * coverage
        score += 100 * HEAD_SHARE * head
        rows = iter(hits)
        matched: list[BoolArray | None] = [
            next(rows) if u.weight >= NEGLIGIBLE_SHARE * total else None for u in units
        ]
        doc_entry = self.index.doc_entry
        return Scored(doc_entry if ids is None else doc_entry[ids], score, coverage, head, matched)

    def _fit(self, units: list[Unit], entry: int) -> float:
        """How well the question and the entry's title (or, a little less, an alias) coincide.

        The harmonic mean of how much of the title the question covers and how much of the
        question the title covers, both weighted by idf: a short generic alias that shares one
        word with a long question fits it poorly.
        """
        asked_weight = sum(u.weight for u in units)
        if asked_weight <= 0:
            return 0.0
        fields, places = self._profiles.lookup(entry, self._profile)
        # Only the few asked terms are looked up: most titles and aliases share none of them.
        title_units: dict[int, set[int]] = {}  # field -> its units the question has
        recall: dict[int, float] = {}  # field -> weight of the question's units it has
        for unit in units:
            touched: set[int] = set()
            for term in unit.terms:
                for field, title_unit in places.get(term, ()):
                    title_units.setdefault(field, set()).add(title_unit)
                    touched.add(field)
            for field in touched:
                recall[field] = recall.get(field, 0.0) + unit.weight
        best = 0.0
        for field, hit_units in title_units.items():
            weights, total, factor = fields[field]
            precision = sum(weights[n] for n in sorted(hit_units)) / total
            share = recall[field] / asked_weight
            if precision + share > 0:
                best = max(best, factor * 2 * precision * share / (precision + share))
        return best

    def _profile(self, entry: int) -> TitleProfile:
        """An entry's titles and aliases, and where each of their terms stands in them.

        Per field (title, then aliases): its unit weights, their total, its factor; per term,
        the (field, unit) places that have it.
        """
        idf = self.index.idf
        fields: list[tuple[tuple[float, ...], float, float]] = []
        places: dict[str, list[tuple[int, int]]] = {}
        for number, field in enumerate(self.index.head_fields[entry]):
            weights = tuple(max(idf.get(t, 0.0) for t in alts) for alts in field)
            total = sum(weights)
            if total <= 0:
                continue
            for unit_number, alts in enumerate(field):
                for term in set(alts):
                    places.setdefault(term, []).append((len(fields), unit_number))
            fields.append((weights, total, 1.0 if number == 0 else ALIAS_FIT))
        return tuple(fields), {term: tuple(at) for term, at in places.items()}

    def complete(self, text: str, limit: int = 25) -> tuple[Suggestion, ...]:
        """Entries whose title fits what the user has typed so far, best first, at most `limit`."""
        entries = self.kb.entries
        query = utils.default_process(clean_question(text, self.settings.max_question_chars))
        if not query:
            picked = self._faq_first[:limit]
            return tuple(Suggestion(entries[i].id, entries[i].title, 0.0) for i in picked)
        found = process.extract(
            query, self._titles, scorer=fuzz.WRatio, processor=None, limit=limit * 2
        )
        ranked = sorted(
            ((score + (15 if query in self._titles[i] else 0), i) for _, score, i in found),
            key=lambda pair: -pair[0],
        )
        return tuple(
            Suggestion(entries[i].id, entries[i].title, round(min(score, 100.0), 1))
            for score, i in ranked[:limit]
            if score >= 50
        )


def _exact_headings(kb: KnowledgeBase) -> dict[str, int]:
    """Each title and alias, as folded words, to its entry; one two entries share is left out."""
    found: dict[str, int] = {}
    shared: set[str] = set()
    for number, entry in enumerate(kb.entries):
        for heading in (entry.title, *entry.aliases):
            key = " ".join(heading_words(words(heading)))
            if key in found and found[key] != number:
                shared.add(key)
            found.setdefault(key, number)
    return {key: number for key, number in found.items() if key and key not in shared}


def _only_chat(units: tuple[Unit, ...]) -> bool:
    """Whether every unit is a word any English chat is full of ("same", "good", "true")."""
    return all(
        not unit.specific and all(zipf(word) >= CHAT_ZIPF for word in unit.label.split())
        for unit in units
    )

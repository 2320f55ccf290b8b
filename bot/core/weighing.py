"""How much each word of a question counts: the question as weighted units.

A unit is a word, or a glossary phrase with its words. Its weight starts from how well it
tells entries apart (idf); a word that is common in any English weighs less, a word the
knowledge base never uses weighs by how rare it is in English (a topic the base lacks, or
chat), a name or a number after a word at least `min_name_weight`, a corrected typo a little
less. `specific` marks what an answer must have: a name, a glossary word, a domain facet, a
number that names something, a rare word.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.core.glossary import Glossary, Token
from bot.core.index import Index
from bot.core.lexicon import (
    RARE_ZIPF,
    SLANG,
    Lexicon,
    commonness_share,
    known_share,
    strip_filler,
    zipf,
)
from bot.core.memo import Memo
from bot.core.model import MatchSettings
from bot.core.text import stem, unstretch, words

TYPO_DISCOUNT = 0.85  # a corrected word counts a little less than one spelled right
LOOSE_NUMBER_SHARE = 0.5  # of its weight, a number that does not follow a word
MODIFIER_SHARE = 0.5  # of its weight, an unknown word qualifying a known one: "the basic plot"
ROLE_SIMILARITY = 85  # rapidfuzz ratio: "directer" is "director", "direction" is not
SPAN_MEMO_SIZE = 16384  # words and phrases whose weight is kept ready


class Unit(NamedTuple):
    """One thing a question asks about: a word, or a glossary phrase with its words.

    Immutable, and a tuple: made for every word of every question, where a frozen
    dataclass's __init__ costs five times as much.
    """

    label: str
    terms: tuple[str, ...]
    weight: float
    rarity: float = 0.0  # its idf in the base: how much it tells entries apart, chat or not
    specific: bool = False  # a name, a concept, a facet, a rare word: an answer must have it
    facet: bool = False  # a fact fans ask of any such work ("runtime"): the answer must give it


class Weigher:
    """Reads a question's words against one knowledge base's index, glossary and lexicon."""

    def __init__(
        self, index: Index, glossary: Glossary, lexicon: Lexicon, settings: MatchSettings
    ) -> None:
        """Keep what weighing needs; nothing is worked out until a question comes."""
        self.index = index
        self.glossary = glossary
        self.lexicon = lexicon
        self.settings = settings
        self._spans: Memo[tuple[tuple[Token, ...], bool, bool], Unit | None] = Memo(SPAN_MEMO_SIZE)

    def units(self, cleaned: str) -> list[Unit]:
        """Break a cleaned question into weighted units, correcting typos against the index."""
        pairs: list[tuple[str, str]] = []
        corrected: set[int] = set()
        lexicon = self.lexicon
        vocabulary = self.index.vocabulary
        folded = words(unstretch(strip_filler(self.glossary.rewrite_exact(cleaned))))
        for position, word in enumerate(folded):
            word = SLANG.get(word, word)
            term = stem(word)
            if (
                not lexicon.is_stopword(word)
                and term not in vocabulary
                and word not in lexicon.facets
            ):
                if word.endswith("s") and stem(word[:-1]) in vocabulary:
                    word = word[:-1]  # a possessive typed without its apostrophe: "roonys"
                    term = stem(word)
                # A real English word is not a typo ("start" is not a misspelt "stars"), unless
                # corrected it goes on a name the word before starts ("anjelika houston"), or
                # starts one the next word goes on ("anna de armas"): the name confirms it.
                before = pairs[-1][1] if pairs else ""
                fixed = None
                if zipf(word) == 0:
                    fixed = self.index.correct(word)
                elif self.glossary.starts_pair(before):  # cheap: most words follow no name
                    guess = self.index.correct(word)
                    if guess is not None and self.glossary.continues(before, guess):
                        fixed = guess
                if fixed is None and position + 1 < len(folded):
                    fixed = _closest(word, self.glossary.starts_before(folded[position + 1]))
                if fixed is None and word.endswith("s") and len(word) > 4:
                    fixed = self.index.correct(word[:-1])  # "roonys": a misspelt possessive
                if fixed is not None:
                    if not lexicon.is_stopword(fixed):
                        corrected.add(len(pairs))
                    word, term = fixed, stem(fixed)
                elif (root := self.index.relative(word)) is not None:
                    corrected.add(len(pairs))  # the label stays as typed; it matches the root
                    term = root
            pairs.append((term, word))
        units = self._without_roles(self._group(self.glossary.tag(pairs), corrected))
        modifiers = _before_known(pairs, vocabulary, lexicon.is_stopword)
        if modifiers:
            units = [
                u._replace(weight=u.weight * MODIFIER_SHARE)
                if u.label in modifiers and u.rarity == 0 and not u.specific
                else u
                for u in units
            ]
        for facet in lexicon.implied_facets(cleaned):
            # Read like the question's own words ("filming" is production): all must be found.
            tagged = self.glossary.tag([(stem(w), w) for w in words(facet)])
            for unit in self._group(tagged, set()):
                asked = [n for n, u in enumerate(units) if set(unit.terms) & set(u.terms)]
                for n in asked:  # "at the end": the question's own word asks for the ending
                    units[n] = units[n]._replace(specific=True, facet=True)
                if not asked:
                    weight = max(self.index.idf.get(t, self.index.unknown_idf) for t in unit.terms)
                    units.append(Unit(unit.label, unit.terms, weight, weight, True, True))
        return units

    def _without_roles(self, units: list[Unit]) -> list[Unit]:
        """Drop a word that names the role of a name the question also asks about.

        "is anjelica huston back as the director": the glossary says The Director is Anjelica
        Huston, so "director" here is her role, not a question about who directed the film.
        Typed loosely too ("the Directer"): a role is matched as a typo would be.
        """
        roles = self.glossary.roles
        asked = [roles[u.terms[0]] for u in units if len(u.terms) == 1 and u.terms[0] in roles]
        if not asked:
            return units
        role_words = [role for found in asked for role in found]
        return [
            u
            for u in units
            if u.terms[0] in roles
            or not any(fuzz.ratio(u.label, role) >= ROLE_SIMILARITY for role in role_words)
        ]

    def _group(self, tokens: list[Token], corrected: set[int]) -> list[Unit]:
        """Group tokens into units: a glossary phrase is one, any other word its own."""
        units: dict[tuple[str, ...], Unit] = {}
        position = 0
        while position < len(tokens):
            token = tokens[position]
            end = position + 1
            if token.concepts:
                while end < len(tokens) and tokens[end].concepts == token.concepts:
                    end += 1
            # A number names something only after a word: "Ballerina 3", not "2 or 3".
            after_word = (
                token.word[:1].isdigit()
                and position > 0
                and not self.lexicon.is_stopword(tokens[position - 1].word)
            )
            typo = any(p in corrected for p in range(position, end))
            # The same words weigh the same in every question: weigh each span once.
            key = (tuple(tokens[position:end]), after_word, typo)
            unit = self._spans.lookup(key, self._weigh_span)
            if unit is not None:
                units.setdefault(unit.terms, unit)
            position = end
        return list(units.values())

    def _weigh_span(self, key: tuple[tuple[Token, ...], bool, bool]) -> Unit | None:
        """The unit of one span of tokens, or None when it is only stopwords."""
        span, after_word, typo = key
        token = span[0]
        # A glossary phrase matches only as a whole: "chapter" alone is not "Chapter 4".
        literal = [t.stem for t in span if not self.lexicon.is_stopword(t.word)]
        terms = token.concepts or tuple(dict.fromkeys(literal))
        if not terms:
            return None
        weight = rarity = max((self.index.idf.get(t, 0.0) for t in terms), default=0.0)
        number = not token.concepts and after_word
        facet = any(t.word in self.lexicon.facets for t in span)
        specific = bool(token.concepts) or number or facet
        if weight == 0.0:
            weight = self._unknown_weight(span)
            # A word rare in English that the base never uses names a topic it lacks.
            specific = specific or (
                weight >= self.settings.unknown_word_weight and not token.word.isdigit()
            )
        elif not token.concepts and not token.word[:1].isdigit():
            # A known word that is common in any English ("right", "wait", "good")
            # says less about the topic than the base's own rarity of it suggests.
            weight *= known_share(token.word)
            # Rare in English and telling entries apart ("ballerina" here does not).
            specific = specific or (zipf(token.word) < RARE_ZIPF and rarity > 1)
        if token.word[:1].isdigit() and not token.concepts and not number:
            weight *= LOOSE_NUMBER_SHARE  # "need like 2 or 3": a count, not a name
        if number or not self.glossary.names.isdisjoint(terms):
            # A name is what the question is about, even one nearly every entry
            # mentions: "who directed John Wick" is not "who directed Ballerina";
            # and "Ballerina 3" is another film than Ballerina.
            weight = max(weight, self.settings.min_name_weight)
        if typo:
            weight *= TYPO_DISCOUNT
        return Unit(" ".join(t.word for t in span), terms, weight, rarity, specific, facet)

    def _unknown_weight(self, span: tuple[Token, ...]) -> float:
        """Weight of words the knowledge base never uses.

        An unknown facet of the domain ("runtime", "soundtrack" for a film) means the question
        asks for a fact we do not have: it weighs as the rarest word would. Any other unknown
        word may be chat or a topic the base lacks: the rarer it is in general English, the
        more it weighs, up to `unknown_word_weight` ("weekend" is chat, "inception" a topic).
        """
        if any(t.word in self.lexicon.facets for t in span):
            return self.index.unknown_idf
        share = max(commonness_share(t.word) for t in span)
        return self.settings.unknown_word_weight * share


def _closest(word: str, candidates: frozenset[str]) -> str | None:
    """The one candidate a typist's single slip away from `word`, first letter kept."""
    close = [
        c for c in candidates if c[:1] == word[:1] and OSA.distance(word, c, score_cutoff=1) <= 1
    ]
    return close[0] if len(close) == 1 else None


def _before_known(
    pairs: list[tuple[str, str]], vocabulary: frozenset[str], is_stopword: Callable[[str], bool]
) -> set[str]:
    """Words the knowledge base lacks that stand right before a word it has ("basic plot")."""
    return {
        word
        for (term, word), (next_term, next_word) in pairwise(pairs)
        if term not in vocabulary
        and not is_stopword(word)
        and next_term in vocabulary
        and not is_stopword(next_word)
    }

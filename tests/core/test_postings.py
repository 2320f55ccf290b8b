"""Bulk postings: the numpy-summed lists say what counting term by term would say."""

from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.glossary import Glossary
from bot.core.model import GlossaryTerm
from bot.core.postings import STOP, PostingsBuilder, TermIds, Tokeniser

TERMS = ["wick", "ballerina", "director", "=keanu_reev", "ruska"]
WEIGHTS = [1.0, 0.5, 3.0, 0.3]

# A passage's runs: (term numbers with STOP among them, weight); passages may be empty.
passages = st.lists(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from([STOP, *range(len(TERMS))]), max_size=12),
            st.sampled_from(WEIGHTS),
        ),
        max_size=4,
    ),
    max_size=30,
)


def term_ids() -> TermIds:
    ids = TermIds()
    for term in TERMS:
        ids[term]  # hands out 0, 1, 2, ... in order
    return ids


@given(passages, st.sampled_from([1, 3, 50, 1 << 20]))
def test_postings_sum_every_weighted_occurrence_per_passage(docs, flush_every):
    builder = PostingsBuilder(term_ids(), flush_every=flush_every)
    expected: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for doc, runs in enumerate(docs):
        for ids, weight in runs:
            builder.add(doc, ids, weight)
            for number in ids:
                if number != STOP:
                    expected[TERMS[number]][doc] += weight
    built = builder.build()
    assert set(built) == set(expected)  # stopwords and unused terms get no postings
    for term, postings in built.items():
        assert postings.entries.tolist() == sorted(expected[term])  # passages ascending
        assert postings.weights.tolist() == pytest.approx(
            [expected[term][doc] for doc in sorted(expected[term])], rel=1e-6
        )


def test_an_empty_builder_has_no_postings():
    assert PostingsBuilder(TermIds()).build() == {}


def test_tokeniser_gives_stopwords_no_term_and_a_glossary_phrase_one_more():
    glossary = Glossary([GlossaryTerm("Keanu Reeves", ("John Wick",), kind="name")])
    tokens = Tokeniser(glossary)
    ids = tokens.ids(["who", "plays", "john", "wick"])
    names = {number: term for term, number in tokens.term_ids.items()}
    assert ids[0] == STOP
    assert [names[i] for i in ids[1:]] == ["play", "john", "wick", "=keanu_reev"]
    assert tokens.ids(["plays"]) == [ids[1]]  # a word seen before is the same term

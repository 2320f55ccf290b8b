"""Proposals from use: gap groups, alias proposals tried against checks, missing entries."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import Engine, KnowledgeBaseError, load_knowledge_base
from bot.core.checks import load_checks, parse_checks
from bot.core.proposals import (
    Asked,
    Check,
    ProposalSettings,
    Resolution,
    as_alias,
    group_gaps,
    proposal_id,
    propose,
    reading_key,
)
from bot.core.yamlfile import parse_yaml

DATA = Path(__file__).resolve().parents[2] / "data"
T0 = datetime(2026, 3, 1, tzinfo=UTC)
DIRECTOR = "wick-ballerina-director-and-writers"
INTRO = "wick-ballerina-introduction"


@pytest.fixture(scope="module")
def shipped() -> Engine:
    return Engine(load_knowledge_base(DATA))


@pytest.fixture(scope="module")
def checks(shipped: Engine) -> tuple[Check, ...]:
    return load_checks(DATA, shipped.kb)


def resolved(question: str, entry_id: str, count: int, day: int = 0) -> Resolution:
    at = T0 + timedelta(days=day)
    return Resolution(question, entry_id, count, at, at)


def gap(question: str, count: int, day: int = 0) -> Asked:
    at = T0 + timedelta(days=day)
    return Asked(question, count, at, at)


def test_the_shipped_checks_all_pass_today(shipped: Engine, checks: tuple[Check, ...]) -> None:
    assert len(checks) >= 20
    wrong = [c.question for c in checks if _answer(shipped, c.question) != c.entry_id]
    assert wrong == []


def _answer(engine: Engine, question: str) -> str | None:
    result = engine.ask(question)
    return result.entry.id if result.answered else None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("release date??", "when does it come out"),  # the engine's own reading: same facet
        ("WHEN DOES IT COME OUT I NEED IT NOW", "when does it come out"),  # chat around it
        ("who direct balerina", "who directs ballerina"),  # typos
        ("ballerina release date", "release date ballerina"),  # word order
        ("when is it out lol", "when is it out"),  # filler
    ],
)
def test_questions_that_mean_the_same_share_a_reading(shipped: Engine, one: str, other: str):
    assert reading_key(shipped, one) == reading_key(shipped, other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("who directs ballerina", "who wrote ballerina"),
        ("how long is ballerina", "how old is ana de armas"),
    ],
)
def test_different_questions_do_not_share_a_reading(shipped: Engine, one: str, other: str):
    assert reading_key(shipped, one) != reading_key(shipped, other)


def test_gap_groups_add_up_their_phrasings_most_asked_group_first(shipped: Engine) -> None:
    groups = group_gaps(
        shipped,
        [
            gap("how long is ballerina", 2),
            gap("ballerina how long", 3, day=2),
            gap("what was the budget", 1),
        ],
    )
    assert [(g.total, [p.text for p in g.phrasings]) for g in groups] == [
        (5, ["ballerina how long", "how long is ballerina"]),
        (1, ["what was the budget"]),
    ]
    assert groups[0].first_seen == T0 and groups[0].last_seen == T0 + timedelta(days=2)


@pytest.mark.parametrize(
    ("records", "settings", "expected"),
    [
        # three presses of "Director and Writers" for a question the bot can't answer
        ([resolved("who made this thing", DIRECTOR, 3)], None, [("Who made this thing?", 1)]),
        # typo'd and reordered phrasings are one group, counted together
        (
            [
                resolved("how long is the movie", INTRO, 2),
                resolved("how long is the movie??", INTRO, 1),
            ],
            None,
            [("How long is the movie?", 2)],
        ),
        # below the threshold: nothing yet
        ([resolved("who made this thing", DIRECTOR, 2)], None, []),
        # the threshold is configurable
        (
            [resolved("who made this thing", DIRECTOR, 2)],
            ProposalSettings(min_occasions=2),
            [("Who made this thing?", 1)],
        ),
        # the engine already answers it with that entry: nothing to add
        ([resolved("who wrote ballerina", DIRECTOR, 9)], None, []),
        # an entry that is gone since is not proposed for
        ([resolved("who made this thing", "no-such-entry", 9)], None, []),
    ],
)
def test_aliases_are_proposed_for_questions_resolved_often_enough(
    shipped: Engine, checks, records, settings, expected
) -> None:
    proposals = propose(shipped, records, [], checks, settings)
    assert [(p.alias, p.fixed) for p in proposals.aliases] == expected
    assert all(p.safe for p in proposals.aliases)


def test_an_alias_proposal_shows_phrasings_counts_and_todays_answer(shipped, checks) -> None:
    records = [
        resolved("who made this thing", DIRECTOR, 2),
        resolved("who made this thing?", DIRECTOR, 1),
    ]
    (proposal,) = propose(shipped, records, [], checks).aliases
    assert proposal.entry_title == "Director and Writers"
    assert proposal.occasions == 3
    assert [(p.text, p.count, p.outcome) for p in proposal.phrasings] == [
        ("who made this thing", 2, "abstained"),
        ("who made this thing?", 1, "abstained"),
    ]


def test_an_alias_that_changes_a_check_is_flagged_not_safe(shipped) -> None:
    # Someone pressed the review's action section for a question a check holds elsewhere.
    checks = (Check("What is the cinematography like?", "wick-ballerina-artistic-direction"),)
    records = [resolved("what is the cinematography like", "review-2024-action-and-aesthetics", 3)]
    (proposal,) = propose(shipped, records, [], checks).aliases
    assert not proposal.safe
    assert [(c.question, c.before, c.after) for c in proposal.changes] == [
        (
            "What is the cinematography like?",
            "wick-ballerina-artistic-direction",
            "review-2024-action-and-aesthetics",
        )
    ]


def test_an_alias_another_entry_has_is_flagged(shipped, checks) -> None:
    records = [resolved("who plays rooney", "wick-ballerina-ana-de-armas-as-the-lead", 4)]
    (proposal,) = propose(shipped, records, [], checks).aliases
    assert not proposal.safe
    assert "wick-ballerina-major-stars-in-the-film" in proposal.problem


def test_a_decided_proposal_is_not_proposed_again(shipped, checks) -> None:
    records = [resolved("who made this thing", DIRECTOR, 3)]
    (proposal,) = propose(shipped, records, [], checks).aliases
    # more phrasings of the same question later keep the same id
    later = [*records, resolved("who made this thing??", DIRECTOR, 2)]
    assert propose(shipped, later, [], checks).aliases[0].id == proposal.id
    assert propose(shipped, later, [], checks, decided={proposal.id}).aliases == ()


@pytest.mark.parametrize(
    ("gaps", "expected_totals"),
    [
        ([gap("how long is ballerina", 3), gap("ballerina how long??", 2)], [5]),
        ([gap("how long is ballerina", 4)], []),  # below the threshold
        ([gap("who directs ballerina", 9)], []),  # answered today: already filled
    ],
)
def test_missing_entries_are_proposed_for_gap_groups_above_the_threshold(
    shipped, checks, gaps, expected_totals
) -> None:
    proposals = propose(shipped, [], gaps, checks)
    assert [p.total for p in proposals.entries] == expected_totals


def test_a_gap_group_someone_resolved_is_an_alias_not_a_missing_entry(shipped, checks) -> None:
    gaps = [gap("who made this thing", 6)]
    records = [resolved("who made this thing", DIRECTOR, 3)]
    proposals = propose(shipped, records, gaps, checks)
    assert (len(proposals.aliases), len(proposals.entries)) == (1, 0)


@pytest.mark.parametrize(
    ("text", "alias"),
    [("who made this thing", "Who made this thing?"), ("is it out yet!", "Is it out yet!")],
)
def test_a_normalised_question_is_written_as_an_alias(text: str, alias: str) -> None:
    assert as_alias(text) == alias


def test_proposal_ids_are_stable_and_say_their_kind() -> None:
    assert proposal_id("alias", "x", "y") == proposal_id("alias", "x", "y")
    assert proposal_id("alias", "x", "y").startswith("a-")
    assert proposal_id("entry", "x").startswith("e-")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("checks: 3", "needs `checks:`, a list of items, not a number"),
        ("checks: [{q: hi, entry: x, why: y}]", "check 1: unknown key 'why'"),
        ("checks: [{entry: x}]", "check 1: `q` must be a question"),
        ("checks: [{q: hi}]", "check 1: `entry` must be an entry id"),
        ("checks: [{q: hi, entry: x, abstain: true}]", "give either `entry` or `abstain: true`"),
        ("checks:\n  - {q: hi, entry: no-such}", "line 2, entry 'no-such', field 'entry'"),
    ],
)
def test_a_mistake_in_checks_names_the_file_and_the_item(shipped, text, message) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        parse_checks(parse_yaml(text), "checks.yaml", shipped.kb)
    assert message in str(caught.value)
    assert "checks.yaml" in str(caught.value)


def test_checks_read_questions_entries_and_abstentions() -> None:
    text = 'checks:\n  - {q: "a?", entry: e1}\n  - {q: "b?", abstain: true}\n'
    assert parse_checks(parse_yaml(text), "f") == (Check("a?", "e1", 2), Check("b?", None, 3))

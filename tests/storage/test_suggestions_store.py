"""Resolutions and proposal decisions in the store, and the proposals made from them.

Every test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import Engine, load_knowledge_base
from bot.core.checks import load_checks
from bot.core.proposals import ProposalSettings
from bot.storage import AskedQuestion, Store
from bot.suggestions import service
from bot.suggestions.store import SuggestionStore

DATA = Path(__file__).resolve().parents[2] / "data"
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
DIRECTOR = "wick-ballerina-director-and-writers"
SERVER_A, SERVER_B = 111, 222


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge_base(DATA))


async def test_resolutions_keep_the_normalised_question_a_count_and_first_and_last_seen(
    store: Store,
) -> None:
    suggestions = SuggestionStore(store)
    assert await suggestions.record_resolution(SERVER_A, "Who MADE this thing??", DIRECTOR, at=T0)
    later = T0 + timedelta(days=3)
    assert await suggestions.record_resolution(SERVER_B, "who made this thing", DIRECTOR, at=later)
    assert await suggestions.record_resolution(
        SERVER_A, "who made this thing", DIRECTOR, source="trial", at=T0 + timedelta(days=1)
    )
    [everywhere] = await suggestions.resolutions()
    assert (everywhere.question, everywhere.entry_id, everywhere.count) == (
        "who made this thing",
        DIRECTOR,
        3,
    )
    assert (everywhere.first_seen, everywhere.last_seen) == (T0, later)
    [in_a] = await suggestions.resolutions(guild_id=SERVER_A)
    assert in_a.count == 2


@pytest.mark.parametrize(
    ("question", "entry_id", "source"),
    [("  ?? ", DIRECTOR, "button"), ("who?", "", "button"), ("who?", DIRECTOR, "bogus")],
)
async def test_a_resolution_with_nothing_to_keep_is_not_recorded(
    store: Store, question: str, entry_id: str, source: str
) -> None:
    suggestions = SuggestionStore(store)
    assert not await suggestions.record_resolution(
        SERVER_A,
        question,
        entry_id,
        source=source,  # type: ignore[arg-type]
    )
    assert await suggestions.resolutions() == []


async def test_resolutions_go_with_the_gaps_retention(store: Store) -> None:
    suggestions = SuggestionStore(store)
    await suggestions.record_resolution(SERVER_A, "old question", DIRECTOR, at=T0)
    await suggestions.record_resolution(SERVER_A, "new question", DIRECTOR, at=T0 + timedelta(9))
    await store.purge(before=T0 + timedelta(days=5))
    assert [r.question for r in await suggestions.resolutions()] == ["new question"]


async def test_a_decision_is_recorded_once_with_who_and_when(store: Store) -> None:
    suggestions = SuggestionStore(store)
    decided = dict(kind="alias", entry_id=DIRECTOR, change='alias "X?" added', at=T0)
    assert await suggestions.decide("a-1", decision="approved", decided_by="Ann", **decided)  # type: ignore[arg-type]
    assert not await suggestions.decide("a-1", decision="rejected", decided_by="Bo", **decided)  # type: ignore[arg-type]
    await suggestions.decide(
        "e-2", kind="entry", decision="rejected", entry_id="", change="c", decided_by="Bo"
    )
    history = await suggestions.decisions()
    assert [(d.proposal_id, d.decision, d.decided_by) for d in history] == [
        ("e-2", "rejected", "Bo"),
        ("a-1", "approved", "Ann"),
    ]
    assert history[1].decided_at == T0
    assert await suggestions.decided() == {"a-1", "e-2"}
    await store.purge(before=datetime.now(UTC) + timedelta(days=1))
    assert await suggestions.decided() == {"a-1", "e-2"}, "decisions outlive the retention"


async def test_proposals_come_from_resolutions_and_gaps_across_servers(
    store: Store, engine: Engine
) -> None:
    suggestions = SuggestionStore(store)
    for guild in (SERVER_A, SERVER_B, SERVER_B):
        await suggestions.record_resolution(guild, "who made this thing?", DIRECTOR)
    for guild, text in [(SERVER_A, "how long is ballerina")] * 3 + [
        (SERVER_B, "ballerina how long??")
    ] * 2:
        await store.record_question(AskedQuestion(guild, "abstained", text))
    checks = load_checks(DATA, engine.kb)

    proposals = await service.current(store, engine, checks)

    [alias] = proposals.aliases
    assert (alias.entry_id, alias.alias, alias.occasions, alias.safe) == (
        DIRECTOR,
        "Who made this thing?",
        3,
        True,
    )
    [missing] = proposals.entries
    assert missing.total == 5
    assert {p.text for p in missing.phrasings} == {"how long is ballerina", "ballerina how long"}

    await service.reject(store, alias, "Ann")
    again = await service.current(store, engine, checks, ProposalSettings(min_occasions=1))
    assert again.aliases == (), "a rejected proposal is not proposed again"
    [record] = await suggestions.decisions()
    assert (record.decision, record.decided_by, record.entry_id) == ("rejected", "Ann", DIRECTOR)

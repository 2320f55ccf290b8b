"""The store on both backends: migrations, gaps, votes, stats, retention, privacy."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot.config import StorageSettings
from bot.storage import (
    AskedQuestion,
    Store,
    StoreError,
    Vote,
    VoteChange,
    normalise_question,
    open_store,
)
from bot.storage.migrations import LATEST

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
GUILD = 111
OTHER_GUILD = 222
ALICE = 987654321012345678
BOB = 876543210987654321
ANSWER = 1_300_000_000_000_000_001


def gap(text: str, guild_id: int = GUILD, at: datetime = T0, outcome: str = "abstained"):
    return AskedQuestion(guild_id=guild_id, outcome=outcome, text=text, at=at)  # type: ignore[arg-type]


def vote(user_id: int, helpful: bool, message_id: int = ANSWER, entry_id: str = "faq-director"):
    return Vote(
        message_id=message_id,
        user_id=user_id,
        guild_id=GUILD,
        entry_id=entry_id,
        helpful=helpful,
        at=T0,
    )


# --- migrations -----------------------------------------------------------------------------


async def test_opening_applies_every_migration(store: Store):
    assert await store.schema_version() == LATEST


async def test_reopening_applies_nothing_twice_and_keeps_the_data(
    storage_settings: StorageSettings,
):
    first = await open_store(storage_settings)
    await first.record_question(gap("what is the runtime?"))
    await first.close()

    again = await open_store(storage_settings)
    try:
        assert await again.schema_version() == LATEST
        assert [g.question for g in await again.gaps(guild_id=GUILD)] == ["what is the runtime"]
    finally:
        await again.close()


async def test_processes_starting_together_migrate_once(storage_settings: StorageSettings):
    stores = await asyncio.gather(*(open_store(storage_settings) for _ in range(3)))
    try:
        for opened in stores:
            assert await opened.schema_version() == LATEST
    finally:
        for opened in stores:
            await opened.close()


async def test_a_schema_newer_than_this_concierge_is_refused(
    storage_settings: StorageSettings, backend: str
):
    first = await open_store(storage_settings)
    await first.close()
    future = LATEST + 1
    if backend == "sqlite":
        with sqlite3.connect(storage_settings.sqlite_path) as db:
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'x', 0)",
                (future,),
            )
    else:
        connection = await asyncpg.connect(storage_settings.database_url)
        await connection.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'x', 0)", future
        )
        await connection.close()

    with pytest.raises(StoreError, match=f"version {future}"):
        await open_store(storage_settings)


# --- gaps -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("What's the RUNTIME?", "what's the runtime"),
        ("  what's   the runtime ?? ", "what's the runtime"),
        ("<@123456789> **what's** the runtime", "what's the runtime"),
        ("runtime? https://example.com/x", "runtime"),
        ("?!", ""),
    ],
)
def test_questions_are_normalised_before_they_are_kept(raw: str, normalised: str):
    assert normalise_question(raw) == normalised


async def test_a_gap_is_counted_once_per_server_however_it_is_written(store: Store):
    await store.record_question(gap("What's the runtime?", at=T0))
    await store.record_question(gap("what's the RUNTIME", at=T0 + timedelta(hours=2)))
    await store.record_question(gap("whats the runtime", guild_id=OTHER_GUILD))

    [runtime] = await store.gaps(guild_id=GUILD)
    assert runtime.question == "what's the runtime"
    assert runtime.asked == 2
    assert runtime.first_seen == T0
    assert runtime.last_seen == T0 + timedelta(hours=2)
    assert runtime.guild_id == GUILD
    assert await store.count_gaps(guild_id=GUILD) == 1
    assert await store.count_gaps() == 2


async def test_unsure_questions_are_gaps_and_answered_ones_are_not(store: Store):
    await store.record_question(gap("keanu or ian?", outcome="suggested"))
    answered = AskedQuestion(GUILD, "answered", text="who directs", entry_id="faq-director")
    await store.record_question(answered)
    await store.record_question(gap("   "))

    assert [g.question for g in await store.gaps(guild_id=GUILD)] == ["keanu or ian"]


async def test_gaps_come_most_asked_first_and_page(store: Store):
    for n in range(1, 8):
        for _ in range(n):
            await store.record_question(gap(f"question number {n}", at=T0))

    first = await store.gaps(guild_id=GUILD, limit=3)
    second = await store.gaps(guild_id=GUILD, limit=3, offset=3)
    last = await store.gaps(guild_id=GUILD, limit=3, offset=6)

    assert [g.asked for g in first] == [7, 6, 5]
    assert [g.asked for g in second] == [4, 3, 2]
    assert [g.question for g in last] == ["question number 1"]
    assert await store.gaps(guild_id=GUILD, limit=3, offset=9) == []


async def test_gaps_keep_no_user_ids_or_message_links(store: Store, storage_settings, backend):
    link = f"https://discord.com/channels/{GUILD}/555/{ANSWER}"
    await store.record_question(gap(f"<@{ALICE}> what about the sequel? {link}"))
    await store.record_vote(vote(ALICE, True))

    dump = await everything_stored(storage_settings, backend)

    assert "what about the sequel" in dump
    assert str(ALICE) not in dump
    assert "discord.com" not in dump


async def everything_stored(settings: StorageSettings, backend: str) -> str:
    """Every value in every table, as one string."""
    tables = ("gaps", "question_counts", "votes")
    if backend == "sqlite":
        with sqlite3.connect(settings.sqlite_path) as db:
            rows = [row for t in tables for row in db.execute(f"SELECT * FROM {t}")]  # noqa: S608
    else:
        connection = await asyncpg.connect(settings.database_url)
        rows = [
            tuple(r)
            for t in tables
            for r in await connection.fetch(f"SELECT * FROM {t}")  # noqa: S608
        ]
        await connection.close()
    return " ".join(str(value) for row in rows for value in row)


# --- votes and stats ------------------------------------------------------------------------


async def test_one_vote_per_person_per_answer_and_it_can_change(store: Store):
    assert await store.record_vote(vote(ALICE, True)) is VoteChange.NEW
    assert await store.record_vote(vote(ALICE, True)) is VoteChange.SAME
    assert await store.record_vote(vote(ALICE, False)) is VoteChange.CHANGED
    assert await store.record_vote(vote(BOB, True)) is VoteChange.NEW
    assert await store.record_vote(vote(ALICE, True, message_id=ANSWER + 1)) is VoteChange.NEW

    [director] = (await store.stats(guild_id=GUILD)).entries
    assert (director.helpful, director.not_helpful) == (2, 1)


async def test_stats_count_outcomes_and_answers_per_entry(store: Store):
    for _ in range(3):
        await store.record_question(AskedQuestion(GUILD, "answered", entry_id="faq-director"))
    await store.record_question(AskedQuestion(GUILD, "answered", entry_id="faq-star"))
    await store.record_question(gap("sequel?", outcome="suggested"))
    await store.record_question(gap("weather?"))
    await store.record_question(AskedQuestion(OTHER_GUILD, "answered", entry_id="faq-star"))
    await store.record_vote(vote(ALICE, False, entry_id="faq-star"))

    stats = await store.stats(guild_id=GUILD)

    assert stats.questions == {"answered": 4, "suggested": 1, "abstained": 1}
    assert stats.answer_rate == pytest.approx(4 / 6)
    by_id = {e.entry_id: e for e in stats.entries}
    assert by_id["faq-director"].answered == 3
    assert (by_id["faq-star"].answered, by_id["faq-star"].not_helpful) == (1, 1)
    assert stats.entries[0].entry_id == "faq-star"  # the least helpful first
    assert (await store.stats()).asked == 7


async def test_a_batch_of_questions_counts_as_each_one_would(store: Store):
    batch = [
        gap("What's the runtime?", at=T0 + timedelta(hours=2)),
        gap("what's the RUNTIME", at=T0),
        gap("whats the runtime", guild_id=OTHER_GUILD),
        gap("   "),
        *[AskedQuestion(GUILD, "answered", entry_id="faq-director") for _ in range(3)],
        gap("sequel?", outcome="suggested"),
    ]
    await store.record_question(gap("what's the runtime", at=T0 + timedelta(hours=1)))

    await store.record_questions(batch)  # type: ignore[attr-defined]

    [runtime, sequel] = await store.gaps(guild_id=GUILD)
    assert (runtime.question, runtime.asked) == ("what's the runtime", 3)
    assert (runtime.first_seen, runtime.last_seen) == (T0, T0 + timedelta(hours=2))
    assert (sequel.question, sequel.asked) == ("sequel", 1)
    stats = await store.stats(guild_id=GUILD)
    assert stats.questions == {"answered": 3, "suggested": 1, "abstained": 4}
    assert {e.entry_id: e.answered for e in stats.entries} == {"faq-director": 3}
    assert await store.count_gaps() == 3


async def test_stats_before_any_question(store: Store):
    stats = await store.stats(guild_id=GUILD)
    assert stats.asked == 0 and stats.answer_rate is None and stats.entries == ()


# --- retention ------------------------------------------------------------------------------


async def test_rows_older_than_retention_are_deleted(store: Store):
    old, recent = T0 - timedelta(days=100), T0 - timedelta(days=2)
    await store.record_question(gap("old question", at=old))
    await store.record_question(gap("recent question", at=recent))
    await store.record_question(AskedQuestion(GUILD, "answered", entry_id="faq-star", at=old))
    await store.record_vote(Vote(ANSWER, ALICE, GUILD, "faq-star", True, at=old))
    await store.record_vote(Vote(ANSWER, BOB, GUILD, "faq-star", True, at=recent))

    removed = await store.purge(before=T0 - timedelta(days=90))

    assert removed == 4  # the old gap, its day's two counts, the old vote
    assert [g.question for g in await store.gaps(guild_id=GUILD)] == ["recent question"]
    stats = await store.stats(guild_id=GUILD)
    assert stats.questions == {"abstained": 1}
    assert [(e.entry_id, e.helpful) for e in stats.entries] == [("faq-star", 1)]


async def test_a_gap_asked_again_is_kept_from_its_last_asking(store: Store):
    await store.record_question(gap("sequel?", at=T0 - timedelta(days=100)))
    await store.record_question(gap("sequel?", at=T0 - timedelta(days=1)))

    await store.purge(before=T0 - timedelta(days=90))

    [kept] = await store.gaps(guild_id=GUILD)
    assert kept.asked == 2 and kept.first_seen == T0 - timedelta(days=100)


# --- both backends, side by side ------------------------------------------------------------


async def scenario(store: Store) -> tuple[object, ...]:
    for day in range(5):
        at = T0 + timedelta(days=day, minutes=day)
        await store.record_question(gap(f"Gap {day % 3}?", at=at))
        await store.record_question(gap("Sequel?", guild_id=OTHER_GUILD, at=at))
        await store.record_question(AskedQuestion(GUILD, "answered", entry_id=f"e{day % 2}", at=at))
        await store.record_vote(vote(ALICE + day, day % 2 == 0, entry_id=f"e{day % 2}"))
    await store.record_vote(vote(ALICE, False, entry_id="e0"))
    removed = await store.purge(before=T0 + timedelta(days=1))
    return (
        removed,
        await store.gaps(limit=50),
        await store.gaps(guild_id=GUILD, limit=2, offset=1),
        await store.count_gaps(),
        await store.stats(),
        await store.stats(guild_id=OTHER_GUILD),
    )


async def test_sqlite_and_postgresql_give_identical_results(settings_for):
    results = []
    for name in ("sqlite", "postgres"):
        opened = await open_store(await settings_for(name))
        try:
            results.append(await scenario(opened))
        finally:
            await opened.close()
    assert results[0] == results[1]

"""Faults under the store: a concurrent writer, a deleted or replaced file, an outage."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.config import StorageSettings
from bot.metrics import Metrics
from bot.recorder import Recorder
from bot.storage import AskedQuestion, Store, StoreUnavailable, Vote, VoteChange, open_store
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SqliteStore

GUILD = 111
ANSWER = 1_300_000_000_000_000_001
HOLD_SECONDS = 1.0


def vote(user_id: int, helpful: bool = True) -> Vote:
    return Vote(ANSWER, user_id, GUILD, "faq-director", helpful)


def gap(text: str) -> AskedQuestion:
    return AskedQuestion(GUILD, "abstained", text=text)


# --- a concurrent writer ----------------------------------------------------------------------


async def hold_write_lock(settings: StorageSettings, backend: str, seconds: float) -> None:
    """Another process's write transaction on the votes, held for `seconds`, then committed."""
    if backend == "sqlite":
        other = sqlite3.connect(settings.sqlite_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE meta SET value = value WHERE key = 'voter_key'")
        await asyncio.sleep(seconds)
        other.execute("COMMIT")
        other.close()
        return
    other = await asyncpg.connect(settings.database_url)
    try:
        async with other.transaction():
            await other.execute("LOCK TABLE votes IN EXCLUSIVE MODE")
            await asyncio.sleep(seconds)
    finally:
        await other.close()


async def test_a_vote_waits_for_a_concurrent_writer_instead_of_failing(
    storage_settings: StorageSettings, backend: str
):
    store = await open_store(storage_settings)
    try:
        await store.record_vote(vote(1))  # the row the vote reads first exists: a changed vote
        holder = asyncio.create_task(hold_write_lock(storage_settings, backend, HOLD_SECONDS))
        await asyncio.sleep(0.1)
        started = time.monotonic()

        change = await store.record_vote(vote(1, helpful=False))

        waited = time.monotonic() - started
        await holder
        assert change is VoteChange.CHANGED
        assert waited >= HOLD_SECONDS - 0.2
        [entry] = (await store.stats(guild_id=GUILD)).entries
        assert (entry.helpful, entry.not_helpful) == (0, 1)
    finally:
        await store.close()


# --- a deleted or replaced SQLite file ---------------------------------------------------------


def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "concierge.sqlite3"


def gaps_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT question FROM gaps ORDER BY question")]


def votes_in(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM votes").fetchone()[0])


def reopened_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "deleted or replaced" in r.getMessage()]


async def test_a_deleted_file_is_noticed_once_and_what_follows_is_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    path = sqlite_path(tmp_path)
    store = await SqliteStore.open(path)
    await store.record_question(gap("before it went"))
    path.unlink()  # what `rm state/concierge.sqlite3` does: the -wal file stays

    with caplog.at_level(logging.INFO):
        assert await store.record_vote(vote(1)) is VoteChange.NEW
        await store.record_question(gap("after it went"))
        await store.record_question(gap("and again"))
    await store.close()

    [line] = reopened_lines(caplog)
    assert str(path) in line
    assert gaps_in(path) == ["after it went", "and again"]
    assert votes_in(path) == 1


async def test_a_replaced_file_is_read_and_written_from_then_on(tmp_path: Path, caplog):
    path = sqlite_path(tmp_path)
    store = await SqliteStore.open(path)
    await store.record_question(gap("in the old file"))
    backup = await SqliteStore.open(tmp_path / "backup.sqlite3")
    await backup.record_question(gap("in the backup"))
    await backup.close()
    os.replace(tmp_path / "backup.sqlite3", path)

    with caplog.at_level(logging.INFO):
        assert [g.question for g in await store.gaps()] == ["in the backup"]
        await store.record_question(gap("after the restore"))
    await store.close()

    assert len(reopened_lines(caplog)) == 1
    assert gaps_in(path) == ["after the restore", "in the backup"]


async def test_a_vote_written_into_a_file_deleted_meanwhile_is_not_reported_kept(tmp_path: Path):
    path = sqlite_path(tmp_path)
    store = await SqliteStore.open(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the vote waits for this writer...
    voting = asyncio.create_task(store.record_vote(vote(1)))
    await asyncio.sleep(0.2)
    path.unlink()  # ...while its file is deleted
    other.execute("COMMIT")
    other.close()

    with pytest.raises(StoreUnavailable, match="deleted or replaced"):
        await voting
    assert await store.record_vote(vote(1)) is VoteChange.NEW  # into the new file, kept
    await store.close()
    assert votes_in(path) == 1


# --- an outage: a few lines, not one a record ----------------------------------------------------


@contextlib.asynccontextmanager
async def locked_out(settings: StorageSettings, backend: str) -> AsyncIterator[None]:
    """Another process holds the write lock until the block ends."""
    if backend == "sqlite":
        other = sqlite3.connect(settings.sqlite_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    other = await asyncpg.connect(settings.database_url)
    try:
        async with other.transaction():
            await other.execute("LOCK TABLE question_counts, gaps, votes IN ACCESS EXCLUSIVE MODE")
            yield
    finally:
        await other.close()


async def open_impatient(settings: StorageSettings, backend: str) -> Store:
    """The store, giving up on a lock at once (SQLite) or after 1 ms (PostgreSQL)."""
    if backend == "sqlite":
        return await SqliteStore.open(settings.sqlite_path, busy_timeout_ms=0)
    # asyncpg passes query parameters it does not know to the server as settings.
    return await PostgresStore.open(f"{settings.database_url}&lock_timeout=1")


async def test_an_outage_of_200_failures_is_three_lines_at_most_with_the_reason(
    storage_settings: StorageSettings, backend: str, caplog: pytest.LogCaptureFixture
):
    store = await open_impatient(storage_settings, backend)
    recorder = Recorder(store, Metrics())
    try:
        with caplog.at_level(logging.INFO):
            async with locked_out(storage_settings, backend):
                for n in range(190):
                    recorder.question(gap(f"question {n}"))
                    await recorder.drain()
                for n in range(10):
                    with pytest.raises(StoreUnavailable):
                        await recorder.vote(vote(n))
            recorder.question(gap("after the outage"))
            await recorder.drain()
        assert [g.question for g in await store.gaps()] == ["after the outage"]
    finally:
        await recorder.close()
        await store.close()

    lines = [r for r in caplog.records if r.name.startswith("bot")]
    assert 2 <= len(lines) <= 3, [r.getMessage() for r in lines]
    assert not any(r.exc_info or r.exc_text for r in lines)
    reason = "database is locked" if backend == "sqlite" else "canceling statement due to lock"
    assert reason in lines[0].getMessage()
    assert "works again" in lines[-1].getMessage()
    assert "190 questions not recorded, 10 votes not saved" in lines[-1].getMessage()


async def test_a_statement_that_times_out_is_logged_with_that_reason(settings_for, caplog):
    settings = await settings_for("postgres")
    store = await PostgresStore.open(settings.database_url, command_timeout=0.5)
    recorder = Recorder(store, Metrics())
    try:
        with caplog.at_level(logging.INFO):
            async with locked_out(settings, "postgres"):
                recorder.question(gap("a question"))
                await recorder.drain()
    finally:
        await recorder.close()
        await store.close()

    [line] = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert "the store is failing: timed out (TimeoutError) (1 question not recorded)" in line

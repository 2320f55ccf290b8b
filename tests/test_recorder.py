"""The recorder: a store that is slow, down or behind never holds up the bot, and costs only the
records it could not take; the storage settings keep their password out of messages."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import pytest

from bot import recorder as recorder_module
from bot.config import ConfigError, StorageSettings, load_settings
from bot.metrics import Metrics
from bot.recorder import Recorder
from bot.storage import AskedQuestion, StoreUnavailable, Vote
from bot.storage.outage import OutageLog, failure_reason
from bot.storage.sqlite import SqliteStore


class StuckStore:
    """A store whose writes hang until `gate` is set: the store falling behind."""

    backend = "stuck"

    def __init__(self, gate: asyncio.Event) -> None:
        self.gate = gate

    async def record_question(self, question: AskedQuestion) -> None:
        await self.gate.wait()


def dropped(metrics: Metrics) -> float:
    return metrics.registry.get_sample_value("concierge_records_dropped_total") or 0.0


async def test_a_store_that_cannot_open_at_start_is_retried_and_then_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(recorder_module, "RETRY_FIRST_SECONDS", 0.01)
    attempts = []

    async def opener() -> SqliteStore:
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise OSError("connection refused")
        return await SqliteStore.open(tmp_path / "c.sqlite3")

    metrics = Metrics()
    recorder = Recorder(None, metrics, opener=opener)
    await recorder.start()
    for _ in range(200):
        if recorder.store is not None:
            break
        await asyncio.sleep(0.01)
    try:
        assert len(attempts) == 3 and recorder.store is not None
        recorder.question(AskedQuestion(1, "abstained", text="sequel?"))
        await recorder.drain()
        assert [g.question for g in await recorder.store.gaps()] == ["sequel"]
        assert metrics.registry.get_sample_value("concierge_errors_total", {"where": "store"}) == 2
    finally:
        await recorder.close()


async def test_start_up_does_not_wait_long_for_a_slow_store(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(recorder_module, "OPEN_WAIT_SECONDS", 0.05)

    async def never() -> SqliteStore:
        await asyncio.sleep(60)
        raise AssertionError("unreachable")

    metrics = Metrics()
    recorder = Recorder(None, metrics, opener=never)
    started = time.monotonic()
    await recorder.start()

    assert time.monotonic() - started < 1
    recorder.question(AskedQuestion(1, "abstained", text="sequel?"))
    assert dropped(metrics) == 1
    with pytest.raises(StoreUnavailable):
        await recorder.vote(Vote(1, 2, 3, "e", True))
    await recorder.close()


async def test_records_still_being_written_are_finished_on_close(tmp_path: Path):
    store = await SqliteStore.open(tmp_path / "c.sqlite3")
    recorder = Recorder(store, Metrics())
    await recorder.start()
    for n in range(20):
        recorder.question(AskedQuestion(1, "abstained", text=f"question {n}"))

    await recorder.close()

    assert await store.count_gaps() == 20  # and the store, being the caller's, is still open
    await store.close()


async def test_a_store_far_behind_drops_records_instead_of_queueing_forever(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(recorder_module, "MAX_PENDING", 3)
    gate = asyncio.Event()
    metrics = Metrics()
    recorder = Recorder(StuckStore(gate), metrics)  # type: ignore[arg-type]
    for n in range(5):
        recorder.question(AskedQuestion(1, "abstained", text=f"q{n}"))

    assert recorder.pending == 3 and dropped(metrics) == 2
    gate.set()
    await recorder.drain()
    assert recorder.pending == 0


async def test_a_store_far_behind_is_reported_once_an_interval_not_once_a_record(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setattr(recorder_module, "MAX_PENDING", 3)
    gate = asyncio.Event()
    metrics = Metrics()
    recorder = Recorder(StuckStore(gate), metrics)  # type: ignore[arg-type]
    with caplog.at_level("WARNING", logger="bot.recorder"):
        for n in range(500):
            recorder.question(AskedQuestion(1, "abstained", text=f"q{n}"))
        assert dropped(metrics) == 497
        warnings = [r.getMessage() for r in caplog.records]
        assert len(warnings) == 1 and "dropped 1 records" in warnings[0]

        gate.set()
        await recorder.drain()  # caught up: the drops since the warning are reported

    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2 and "dropped 496 records" in warnings[1]
    assert recorder.pending == 0


async def test_queued_records_are_written_in_batches_not_a_transaction_each(tmp_path: Path):
    store = await SqliteStore.open(tmp_path / "c.sqlite3")
    batches: list[int] = []
    record_many = store.record_questions

    async def counting(questions):
        batches.append(len(questions))
        await record_many(questions)

    store.record_questions = counting  # type: ignore[method-assign]
    recorder = Recorder(store, Metrics())
    for n in range(300):
        recorder.question(AskedQuestion(1, "abstained", text=f"question {n % 7}"))
    await recorder.drain()

    assert batches == [300]
    assert [g.asked for g in await store.gaps(limit=7)] == [43] * 6 + [42]
    await recorder.close()
    await store.close()


def test_a_bad_database_url_is_refused_without_repeating_it():
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {"CONCIERGE_STORAGE_DATABASE_URL": "mysql://u:hunter2@db/x"})

    message = str(caught.value)
    assert "storage.database_url" in message and "postgresql://" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CONCIERGE_STORAGE_RETENTION_DAYS", "30", StorageSettings(retention_days=30)),
        (
            "CONCIERGE_STORAGE_SQLITE_PATH",
            "/var/lib/c.db",
            StorageSettings(sqlite_path="/var/lib/c.db"),
        ),
        (
            "CONCIERGE_STORAGE_DATABASE_URL",
            "postgres://c:p@db:5432/c",
            StorageSettings(database_url="postgres://c:p@db:5432/c"),
        ),
    ],
)
def test_storage_settings_from_the_environment(variable: str, value: str, expected):
    assert load_settings(None, {variable: value}).storage == expected


@pytest.mark.parametrize("days", ["0", "3651"])
def test_retention_must_be_a_day_to_ten_years(days: str):
    with pytest.raises(ConfigError, match="between 1 and 3650"):
        load_settings(None, {"CONCIERGE_STORAGE_RETENTION_DAYS": days})


# --- what the log says while the store fails ------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (TimeoutError(), "timed out (TimeoutError)"),
        (OSError(28, "No space left on device"), "[Errno 28] No space left on device"),
        (sqlite3.OperationalError("database is locked"), "database is locked"),
        (ConnectionResetError(), "ConnectionResetError"),
        (
            OSError("cannot connect to postgresql://u:p/ss@w?rd@db.example:5432/concierge"),
            "cannot connect to postgresql://[REDACTED]@db.example:5432/concierge",
        ),
    ],
)
def test_a_failure_reason_is_never_empty_and_never_shows_a_url_password(error, reason):
    assert failure_reason(error) == reason


@pytest.mark.parametrize(
    ("error", "traceback"),
    [
        (sqlite3.OperationalError("attempt to write a readonly database"), False),
        (OSError(28, "No space left on device"), False),
        (TimeoutError(), False),
        (ConnectionRefusedError(111, "Connect call failed"), False),
        (TypeError("a bug in Concierge"), True),
    ],
)
def test_only_an_unexpected_failure_is_logged_with_its_traceback(error, traceback, caplog):
    outage = OutageLog(logging.getLogger("bot.recorder"))
    with caplog.at_level(logging.INFO, logger="bot.recorder"):
        outage.failed("question", error)

    [line] = caplog.records
    assert bool(line.exc_info) is traceback


def test_a_long_outage_is_one_line_a_minute_then_one_when_it_is_over(caplog):
    clock = Clock()
    outage = OutageLog(logging.getLogger("bot.recorder"), interval=60, clock=clock)
    with caplog.at_level(logging.INFO, logger="bot.recorder"):
        for n in range(300):  # one failure every half second: two and a half minutes
            clock.now = n * 0.5
            outage.failed("vote" if n % 10 == 0 else "question", OSError("disk full"))
        clock.now = 150
        outage.succeeded()
        outage.succeeded()

    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 4
    assert lines[0].startswith("the store is failing: disk full (1 vote not saved)")
    assert lines[1].startswith("the store is still failing: 108 questions not recorded, 12 votes")
    assert "in the last 60 s (disk full (×120))" in lines[1]
    assert lines[2].startswith("the store is still failing: 108 questions")
    assert lines[3] == (
        "the store works again after 150 s of failures: "
        "270 questions not recorded, 30 votes not saved in all"
    )

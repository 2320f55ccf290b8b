"""`python -m bot gaps`: the unanswered questions as a table or CSV, from the configured store."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage import AskedQuestion
from bot.storage.sqlite import SqliteStore

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "concierge.sqlite3"
    monkeypatch.setenv("CONCIERGE_STORAGE_SQLITE_PATH", str(path))
    monkeypatch.delenv("CONCIERGE_STORAGE_DATABASE_URL", raising=False)
    monkeypatch.delenv("CONCIERGE_CONFIG", raising=False)
    return path


def fill(path: Path) -> None:
    async def record() -> None:
        store = await SqliteStore.open(path)
        for _ in range(3):
            await store.record_question(AskedQuestion(111, "abstained", text="Runtime?", at=T0))
        await store.record_question(AskedQuestion(222, "suggested", text="Sequel, maybe?", at=T0))
        await store.record_question(AskedQuestion(0, "abstained", text='A "quoted", one', at=T0))
        await store.close()

    asyncio.run(record())


def test_the_table_lists_the_most_asked_first(database: Path, capsys):
    fill(database)

    assert main(["gaps"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["asked", "first", "seen", "last", "seen", "server", "question"]
    assert lines[1].split() == ["3", "2025-06-01", "2025-06-01", "111", "runtime"]
    assert any(line.endswith('DM  a "quoted", one') for line in lines[2:])
    assert len(lines) == 4


def test_csv_exports_every_column_for_a_spreadsheet(database: Path, capsys):
    fill(database)

    assert main(["gaps", "--csv", "--limit", "0"]) == 0

    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["question", "asked", "first_seen", "last_seen", "guild_id"]
    assert rows[1] == ["runtime", "3", T0.isoformat(), T0.isoformat(), "111"]
    assert ['a "quoted", one', "1", T0.isoformat(), T0.isoformat(), "0"] in rows
    assert len(rows) == 4


def test_one_server_and_a_limit(database: Path, capsys):
    fill(database)

    assert main(["gaps", "--guild", "222", "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert [row[0] for row in rows[1:]] == ["sequel, maybe"]

    assert main(["gaps", "--limit", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_no_database_yet_is_not_an_error(database: Path, capsys):
    assert main(["gaps"]) == 0

    assert "no knowledge gaps recorded yet" in capsys.readouterr().out
    assert not database.exists()


def test_an_unreachable_database_is_reported(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv(
        "CONCIERGE_STORAGE_DATABASE_URL", "postgresql://concierge:secret@127.0.0.1:9/none"
    )

    assert main(["gaps"]) == 1

    err = capsys.readouterr().err
    assert err.startswith("error: cannot read PostgreSQL 127.0.0.1:9/none")
    assert "secret" not in err

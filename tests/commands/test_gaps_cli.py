"""`python -m bot gaps`: the unanswered questions as a table or CSV, from the configured store."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import CONFIG_ENV
from bot.storage import AskedQuestion
from bot.storage.sqlite import SqliteStore

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "concierge.sqlite3"
    monkeypatch.setenv("CONCIERGE_STORAGE_SQLITE_PATH", str(path))
    monkeypatch.delenv("CONCIERGE_STORAGE_DATABASE_URL", raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    # No knowledge base where the settings point, unless a test gives one with --data.
    monkeypatch.setenv("CONCIERGE_KNOWLEDGE_DATA_DIR", str(tmp_path / "no-data"))
    return path


ROOT = Path(__file__).resolve().parents[2]


def fill(path: Path) -> None:
    async def record() -> None:
        store = await SqliteStore.open(path)
        for _ in range(3):
            await store.record_question(AskedQuestion(111, "abstained", text="Runtime?", at=T0))
        await store.record_question(AskedQuestion(222, "suggested", text="Sequel, maybe?", at=T0))
        await store.record_question(AskedQuestion(0, "abstained", text='A "quoted", one', at=T0))
        await store.record_question(
            AskedQuestion(0, "suggested", text="Who directs Ballerina", at=T0)
        )
        await store.close()

    asyncio.run(record())


def test_the_table_lists_the_most_asked_first(database: Path, capsys):
    fill(database)

    assert main(["gaps"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["asked", "first", "seen", "last", "seen", "server", "question"]
    assert lines[1].split() == ["3", "2025-06-01", "2025-06-01", "111", "runtime"]
    assert any(line.endswith('DM  a "quoted", one') for line in lines[2:])
    assert len(lines) == 5


def test_csv_exports_every_column_for_a_spreadsheet(database: Path, capsys):
    fill(database)

    assert main(["gaps", "--csv", "--limit", "0"]) == 0

    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["question", "asked", "first_seen", "last_seen", "guild_id", "now"]
    assert rows[1] == ["runtime", "3", T0.isoformat(), T0.isoformat(), "111", ""]
    assert ['a "quoted", one', "1", T0.isoformat(), T0.isoformat(), "0", ""] in rows
    assert len(rows) == 5


def test_one_server_and_a_limit(database: Path, capsys):
    fill(database)

    assert main(["gaps", "--guild", "222", "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert [row[0] for row in rows[1:]] == ["sequel, maybe"]

    assert main(["gaps", "--limit", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_each_gap_says_what_the_knowledge_base_makes_of_it_now(database: Path, capsys):
    fill(database)

    assert main(["gaps", "--data", str(ROOT / "data")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "asked",
        "first",
        "seen",
        "last",
        "seen",
        "server",
        "now",
        "question",
    ]
    assert lines[1].split()[-2:] == ["abstained", "runtime"]
    assert lines[-1].split()[-5:] == ["DM", "answered", "who", "directs", "ballerina"]

    assert main(["gaps", "--csv", "--data", str(ROOT / "data")]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert {row[0]: row[5] for row in rows[1:]}["who directs ballerina"] == "answered"


def test_the_configured_knowledge_base_is_used_when_it_is_there(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    fill(database)
    monkeypatch.setenv("CONCIERGE_KNOWLEDGE_DATA_DIR", str(ROOT / "data"))

    assert main(["gaps"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split()[-4] == "answered"


def test_a_data_directory_given_that_is_not_there_is_an_error(database: Path, tmp_path, capsys):
    fill(database)

    assert main(["gaps", "--data", str(tmp_path / "nowhere")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: data directory {tmp_path / 'nowhere'} does not exist")


def test_a_broken_configured_knowledge_base_leaves_the_column_out(
    database: Path, monkeypatch: pytest.MonkeyPatch, tmp_path, capsys
):
    fill(database)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.yaml").write_text("entries: [x: [\n", encoding="utf-8")
    monkeypatch.setenv("CONCIERGE_KNOWLEDGE_DATA_DIR", str(broken))

    assert main(["gaps"]) == 0
    out, err = capsys.readouterr()
    assert "now" not in out.splitlines()[0].split()
    assert err.startswith("note: no 'now' column: ")
    assert "python -m bot check" in err


def test_a_directory_as_the_sqlite_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys):
    monkeypatch.setenv("CONCIERGE_STORAGE_SQLITE_PATH", str(tmp_path))
    monkeypatch.delenv("CONCIERGE_STORAGE_DATABASE_URL", raising=False)

    assert main(["gaps"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: storage.sqlite_path: {tmp_path} is a directory; name the SQLite file the bot "
        "writes, e.g. state/concierge.sqlite3\n"
    )


def test_a_config_mistake_is_exit_code_2(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("CONCIERGE_STORAGE_RETENTION_DAYS", "forever")

    assert main(["gaps"]) == 2
    assert capsys.readouterr().err == (
        "error: environment variable CONCIERGE_STORAGE_RETENTION_DAYS: storage.retention_days: "
        "must be a whole number, got 'forever'\n"
    )


def test_no_database_yet_is_not_an_error(database: Path, capsys):
    assert main(["gaps"]) == 0

    out = capsys.readouterr().out
    assert out.startswith(f"no knowledge gaps recorded yet ({database} does not exist)\n")
    assert "run this with its config, or set storage.sqlite_path" in out
    assert not database.exists()


def test_an_unreachable_database_is_reported(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv(
        "CONCIERGE_STORAGE_DATABASE_URL", "postgresql://concierge:secret@127.0.0.1:9/none"
    )

    assert main(["gaps"]) == 1

    err = capsys.readouterr().err
    assert err.startswith("error: cannot read PostgreSQL 127.0.0.1:9/none")
    assert "secret" not in err


@pytest.mark.parametrize(
    ("how", "traceback_shown"), [("plain", False), ("--debug", True), ("DEBUG logging", True)]
)
def test_a_store_failure_shows_its_traceback_only_when_debugging(
    monkeypatch: pytest.MonkeyPatch, capsys, how: str, traceback_shown: bool
):
    monkeypatch.setenv("CONCIERGE_STORAGE_DATABASE_URL", "postgresql://c:secret@127.0.0.1:9/none")
    if how == "DEBUG logging":
        monkeypatch.setenv("CONCIERGE_LOGGING_LEVEL", "DEBUG")

    assert main(["--debug", "gaps"] if how == "--debug" else ["gaps"]) == 1

    err = capsys.readouterr().err
    assert err.startswith("error: cannot read PostgreSQL 127.0.0.1:9/none")
    assert ("Traceback (most recent call last)" in err) is traceback_shown
    assert len(err.splitlines()) > 1 if traceback_shown else len(err.splitlines()) == 1
    assert "secret" not in err

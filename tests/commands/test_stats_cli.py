"""`python -m bot stats`: each server's auto-answer figures per channel, from the store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.autoanswer.policy import ChannelRule
from bot.autoanswer.store import AutoAnswerStore, Draft
from bot.cli import main
from bot.config import CONFIG_ENV
from bot.storage.sqlite import SqliteStore

SERVER_A, SERVER_B = 111, 222


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "concierge.sqlite3"
    monkeypatch.setenv("CONCIERGE_STORAGE_SQLITE_PATH", str(path))
    monkeypatch.delenv("CONCIERGE_STORAGE_DATABASE_URL", raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setenv("CONCIERGE_AUTOANSWER_THRESHOLD", "96")
    return path


def fill(path: Path) -> None:
    async def record() -> None:
        store = await SqliteStore.open(path)
        autoanswer = AutoAnswerStore(store)
        await autoanswer.add_channel(ChannelRule(SERVER_A, 1001, "trial", 1002), added_by=5)
        await autoanswer.add_channel(ChannelRule(SERVER_B, 2001), added_by=6)
        await autoanswer.count(SERVER_A, 1001, seen=10, answered=4)
        for question_id, grade in ((1, "correct"), (2, "correct"), (3, "wrong"), (4, None)):
            url = f"https://discord.com/channels/{SERVER_A}/1001/{question_id}"
            await autoanswer.add_draft(Draft(SERVER_A, question_id, 1001, url, "e", 97.0))
            if grade:
                await autoanswer.grade(SERVER_A, question_id, grade, moderator_id=9)
        await store.close()

    asyncio.run(record())


def test_every_servers_channels_with_precision_and_the_threshold(database, capsys):
    fill(database)

    assert main(["stats"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "server", "channel", "mode", "seen", "answered", "missed", "graded", "precision",
        "threshold",
    ]  # fmt: skip
    assert lines[1].split() == ["111", "1001", "trial", "10", "4", "0", "3", "67%", "96"]
    assert lines[2].split() == ["222", "2001", "live", "0", "0", "0", "0", "n/a", "96"]


def test_one_server_with_guild(database, capsys):
    fill(database)

    assert main(["stats", "--guild", str(SERVER_B)]) == 0

    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]] == ["222"]


def test_no_store_yet_says_so(database, capsys):
    assert main(["stats"]) == 0

    assert "no auto-answer channels yet" in capsys.readouterr().out

"""The whole loop over the wire: people press "Did you mean", an admin approves, the bot answers.

A running bot (`python -m bot run` against the loopback fake Discord, watching its data
directory) is unsure of "who made the demo film"; three people press "Who directs the demo
film?". `python -m bot suggestions` then proposes that question as an alias, `--approve` writes
it into curation.yaml, the bot reloads, and the next person asking that way gets the answer.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.storage.sqlite import SqliteStore
from bot.suggestions.store import SuggestionStore
from tests.fakediscord import BotProcess, FakeDiscord, start_bot
from tests.fakediscord.harness import bot_environment

ROOT = Path(__file__).resolve().parents[2]
SOURCE = """\
source: {id: demo, title: Demo Article, kind: faq}
entries:
  - {id: demo-director, kind: faq, title: 'Who directs the demo film?', text: Ann Example does.}
  - {id: demo-writer, kind: faq, title: 'Who wrote the demo film script?', text: Bo Sample.}
  - {id: demo-release, kind: faq, title: 'When is the demo film released?', text: In June.}
"""
CURATION = (
    "# Kept by hand: this comment must survive an approval.\n"
    "entries:\n  demo-writer: {related: [demo-director]}\n"
)
CHECKS = "checks:\n  - {q: 'When is the demo film released?', entry: demo-release}\n"
UNSURE = "who made the demo film"
MEANT = "concierge:meant:"


@pytest.fixture(scope="module")
def data_dir(workdir: Path) -> Path:
    data = workdir / "data"
    (data / "sources").mkdir(parents=True)
    (data / "sources" / "demo.yaml").write_text(SOURCE, encoding="utf-8")
    (data / "curation.yaml").write_text(CURATION, encoding="utf-8")
    (data / "checks.yaml").write_text(CHECKS, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def settings_env(workdir: Path, data_dir: Path) -> dict[str, str]:
    return {
        "CONCIERGE_KNOWLEDGE_DATA_DIR": str(data_dir),
        "CONCIERGE_KNOWLEDGE_WATCH": "true",
        "CONCIERGE_KNOWLEDGE_WATCH_INTERVAL_SECONDS": "0.2",
        "CONCIERGE_STORAGE_SQLITE_PATH": str(workdir / "state" / "concierge.sqlite3"),
    }


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, workdir: Path, settings_env: dict[str, str]) -> Iterator[BotProcess]:
    process = start_bot(fake, workdir, extra_env=settings_env, name="proposals")
    try:
        yield process
    finally:
        process.close()


def meant_buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    rows = body.get("components") or []
    found = [c for row in rows for c in row.get("components", [])]
    return [c for c in found if str(c.get("custom_id", "")).startswith(MEANT)]


def cli(workdir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = bot_environment({}, env)
    full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "bot", "suggestions", *args],
        cwd=workdir,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def resolutions(path: str) -> list[tuple[str, str, int]]:
    async def read() -> list[tuple[str, str, int]]:
        store = await SqliteStore.open(path)
        try:
            found = await SuggestionStore(store).resolutions()
        finally:
            await store.close()
        return [(r.question, r.entry_id, r.count) for r in found]

    return asyncio.run(read())


def wait_until(probe: Any, what: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_another_pick_after_not_helpful_is_recorded_as_a_resolution(
    fake: FakeDiscord, bot: BotProcess, settings_env: dict[str, str]
) -> None:
    person = fake.new_user()
    asked = fake.mention(
        "who made the demo film script", channel_id=fake.new_channel(), author=person
    )
    answer = fake.wait_for_reply(asked["id"])
    assert answer.body["embeds"][0]["title"] == "Who wrote the demo film script?"
    [down] = [
        c["custom_id"]
        for row in answer.body["components"]
        for c in row["components"]
        if c.get("custom_id", "").startswith("concierge:vote:down:")
    ]

    thanks = fake.wait_for_reply(fake.press(answer.response["id"], down, author=person))

    assert thanks.body["data"]["content"].endswith("Was it one of these?")
    [director] = meant_buttons(thanks.body["data"])
    assert director["label"] == "Who directs the demo film?"
    shown_on = thanks.response["resource"]["message"]["id"]
    shown = fake.wait_for_reply(fake.press(shown_on, director["custom_id"], author=person))
    assert shown.body["data"]["embeds"][0]["title"] == "Who directs the demo film?"
    store_path = settings_env["CONCIERGE_STORAGE_SQLITE_PATH"]
    wait_until(
        lambda: ("who made the demo film script", "demo-director", 1) in resolutions(store_path),
        "the resolution from the vote",
    )


def test_presses_become_an_alias_an_admin_approves_and_the_bot_then_answers(
    fake: FakeDiscord, bot: BotProcess, workdir: Path, data_dir: Path, settings_env: dict[str, str]
) -> None:
    for _ in range(3):  # three people, each in a channel of their own (no duplicate window)
        person = fake.new_user()
        question = fake.mention(UNSURE, channel_id=fake.new_channel(), author=person)
        offer = fake.wait_for_reply(question["id"])
        offered = meant_buttons(offer.body)
        assert offered, f"no Did-you-mean buttons: {offer.body}"
        [director] = [b for b in offered if b["label"] == "Who directs the demo film?"]
        for _ in range(2):  # pressing twice counts once
            shown = fake.wait_for_reply(
                fake.press(offer.response["id"], director["custom_id"], author=person)
            )
            assert shown.body["data"]["embeds"][0]["title"] == "Who directs the demo film?"

    store_path = settings_env["CONCIERGE_STORAGE_SQLITE_PATH"]
    recorded = wait_until(
        lambda: [r for r in resolutions(store_path) if r[2] >= 3], "three resolutions"
    )
    assert recorded == [(UNSURE, "demo-director", 3)]

    listed = cli(workdir, settings_env, "--json")
    assert listed.returncode == 0, listed.stderr
    [proposal] = json.loads(listed.stdout)
    assert (proposal["kind"], proposal["entry"], proposal["alias"], proposal["safe"]) == (
        "alias",
        "demo-director",
        "Who made the demo film?",
        True,
    )
    assert proposal["phrasings"] == [
        {"text": UNSURE, "count": 3, "now": "unsure", "now_entry": None}
    ]

    approved = cli(workdir, settings_env, "--approve", proposal["id"], "--by", "Ann (admin)")
    assert approved.returncode == 0, approved.stderr
    curation = (data_dir / "curation.yaml").read_text(encoding="utf-8")
    assert curation.startswith(CURATION)
    assert 'demo-director:\n    aliases: ["Who made the demo film?"]' in curation

    def answered() -> Any:
        asked = fake.mention(UNSURE, channel_id=fake.new_channel(), author=fake.new_user())
        reply = fake.wait_for_reply(asked["id"])
        embeds = reply.body.get("embeds") or []
        return embeds and embeds[0]["title"] == "Who directs the demo film?"

    wait_until(answered, "the reloaded bot to answer the approved phrasing", timeout=20)

    history = cli(workdir, settings_env, "--history", "--json")
    [decision] = json.loads(history.stdout)
    assert (decision["decision"], decision["by"], decision["entry"]) == (
        "approved",
        "Ann (admin)",
        "demo-director",
    )
    again = cli(workdir, settings_env, "--json")
    assert json.loads(again.stdout) == [], "an approved proposal is not proposed again"

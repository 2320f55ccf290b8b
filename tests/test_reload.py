"""Hot reload: validated first, old base kept on any error, swapped at once, in-flight answers
finish on the old base; triggered by SIGHUP or the file watcher as well as the command."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from bot.adapter.client import ConciergeBot
from bot.commands import run as run_command
from bot.config import HealthSettings, KnowledgeSettings, Settings, StorageSettings
from bot.core import Engine, KnowledgeBase, load_knowledge_base
from bot.core.model import Answer, MatchSettings
from bot.metrics import Metrics
from bot.reload import Reloader, snapshot

SOURCE = """\
source: {{id: demo, title: Demo Article, kind: faq}}
entries:
  - {{id: demo-director, kind: faq, title: 'Who directs the demo film?', text: {director} does.}}
  - {{id: demo-release, kind: faq, title: 'When is the demo film released?', text: In June.}}
"""


def write_data(root: Path, director: str = "Ann Example", extra: str = "") -> Path:
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "sources" / "demo.yaml").write_text(
        SOURCE.format(director=director) + extra, encoding="utf-8"
    )
    (root / "curation.yaml").write_text("entries: {}\n", encoding="utf-8")
    return root


class Holder:
    """Stands in for the bot: holds a knowledge base and its engine."""

    def __init__(self, data_dir: Path) -> None:
        self.kb = load_knowledge_base(data_dir)
        self.engine = Engine(self.kb)
        self.match_settings = MatchSettings()
        self.swaps = 0

    def swap_knowledge(self, kb: KnowledgeBase, engine: Engine) -> None:
        self.kb, self.engine = kb, engine
        self.swaps += 1

    def answer(self, question: str) -> str:
        result = self.engine.ask(question)
        assert isinstance(result, Answer), result
        return result.entry.text


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_data(tmp_path / "data")


async def test_a_valid_change_is_swapped_in_and_answered_at_once(data_dir: Path):
    holder, metrics = Holder(data_dir), Metrics()
    reloader = Reloader(holder, data_dir, metrics)
    write_data(data_dir, director="Bea Example")

    result = await reloader.reload("test")

    assert result.ok and result.problems == ()
    assert (result.entries, result.previous) == (2, 2)
    assert holder.answer("who directs the demo film") == "Bea Example does."
    assert metrics.registry.get_sample_value("concierge_reloads_total", {"result": "ok"}) == 1


async def test_a_broken_base_is_refused_with_every_problem_and_the_old_one_kept(data_dir: Path):
    holder, metrics = Holder(data_dir), Metrics()
    reloader = Reloader(holder, data_dir, metrics)
    old_kb = holder.kb
    write_data(
        data_dir,
        director="Bea Example",
        extra="  - {id: demo-a, kind: faq, text: untitled}\n  - {id: demo-b, kind: blog}\n",
    )

    result = await reloader.reload("test")

    assert not result.ok
    assert holder.kb is old_kb and holder.swaps == 0
    assert holder.answer("who directs the demo film") == "Ann Example does."
    described = [str(p) for p in result.problems]
    assert any("'demo-a'" in p and "'title'" in p for p in described)
    assert any("'demo-b'" in p and "'kind'" in p for p in described)
    assert all(p.file.endswith("demo.yaml") for p in result.problems)
    assert metrics.registry.get_sample_value("concierge_reloads_total", {"result": "failed"}) == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda root: (root / "sources" / "demo.yaml").write_text("entries: [", encoding="utf-8"),
        lambda root: (root / "sources" / "demo.yaml").unlink(),
    ],
    ids=["invalid-yaml", "no-entries-left"],
)
async def test_a_damaged_or_emptied_data_dir_never_replaces_the_base(data_dir: Path, damage):
    holder = Holder(data_dir)
    damage(data_dir)

    result = await Reloader(holder, data_dir, Metrics()).reload("test")

    assert not result.ok and result.problems
    assert holder.swaps == 0 and len(holder.kb.entries) == 2


async def test_reloads_run_one_at_a_time(data_dir: Path):
    holder = Holder(data_dir)
    reloader = Reloader(holder, data_dir, Metrics())

    results = await asyncio.gather(*(reloader.reload(f"r{n}") for n in range(3)))

    assert [r.ok for r in results] == [True, True, True]
    assert holder.swaps == 3


async def test_the_watcher_reloads_after_a_file_changes(data_dir: Path):
    holder = Holder(data_dir)
    reloader = Reloader(holder, data_dir, Metrics())
    reloader.watch(0.05)
    try:
        await asyncio.sleep(0.2)
        assert holder.swaps == 0  # nothing changed yet
        write_data(data_dir, director="Cy Example", extra="\n")
        for _ in range(100):
            if holder.swaps:
                break
            await asyncio.sleep(0.05)
    finally:
        await reloader.close()

    assert holder.swaps == 1
    assert holder.answer("who directs the demo film") == "Cy Example does."


def test_the_watcher_ignores_hidden_and_backup_files(data_dir: Path):
    before = snapshot(data_dir)
    (data_dir / ".curation.yaml.swp").write_text("x", encoding="utf-8")
    (data_dir / "curation.yaml~").write_text("x", encoding="utf-8")

    assert snapshot(data_dir) == before
    assert snapshot(data_dir / "missing") == ()


async def test_sighup_reloads_the_running_bot(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    settings = Settings(
        knowledge=KnowledgeSettings(data_dir=str(data_dir)),
        health=HealthSettings(address=""),
        storage=StorageSettings(sqlite_path=str(tmp_path / "state" / "c.sqlite3")),
    )
    kb = load_knowledge_base(data_dir)
    seen: list[str] = []

    async def hang_up_then_stop(bot: ConciergeBot, token: str, stop: asyncio.Event) -> int:
        write_data(data_dir, director="Dee Example")
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(200):
            result = bot.engine.ask("who directs the demo film")
            if isinstance(result, Answer) and result.entry.text.startswith("Dee"):
                seen.append(result.entry.text)
                break
            await asyncio.sleep(0.02)
        await bot.close()
        return 0

    monkeypatch.setattr(run_command, "_run_until_stopped", hang_up_then_stop)

    assert await run_command.serve(settings, kb, Engine(kb), "token", data_dir) == 0
    assert seen == ["Dee Example does."]


# --- in flight, on Discord ----------------------------------------------------------------------


async def test_an_answer_in_flight_finishes_on_the_old_base(
    world, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data_dir = write_data(tmp_path / "live")
    kb = load_knowledge_base(data_dir)
    await world.env.restart_bot(ConciergeBot(settings, kb, Engine(kb), data_dir=data_dir))
    cog = world.bot.get_cog("Ask")
    send_reply = cog._reply
    entered, gate = asyncio.Event(), asyncio.Event()

    async def slow_reply(message, reply):
        entered.set()
        await gate.wait()
        await send_reply(message, reply)

    monkeypatch.setattr(cog, "_reply", slow_reply)
    asking = asyncio.create_task(
        world.alice.send(world.channel, f"{world.mention} who directs the demo film")
    )
    await entered.wait()
    write_data(data_dir, director="Eve Example")
    result = await world.bot.reloader.reload("test")
    gate.set()
    await asking
    monkeypatch.setattr(cog, "_reply", send_reply)

    assert result.ok
    assert world.channel.last_message.embeds[0].description == "Ann Example does."
    await world.env.advance_time(31)  # past the duplicate-question window
    await world.bob.send(world.channel, f"{world.mention} who directs the demo film")
    assert world.channel.last_message.embeds[0].description == "Eve Example does."

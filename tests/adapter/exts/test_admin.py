"""/concierge reload, gaps and stats: guild-only, Manage Server, checked by the bot itself too."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import discord
import pytest
import simcord

from bot import reports
from bot.adapter.client import ConciergeBot
from bot.adapter.exts.admin import NEEDS_MANAGE_SERVER, RELOAD_NOT_HERE
from bot.config import AdminSettings, Settings
from bot.core import Engine, KnowledgeBase, load_knowledge_base
from bot.storage import AskedQuestion, Vote, utcnow
from bot.storage.sqlite import SqliteStore

SOURCE = """\
source: {id: demo, title: Demo Article, kind: faq}
entries:
  - {id: demo-director, kind: faq, title: 'Who directs the demo film?', text: Ann Example does.}
  - {id: demo-release, kind: faq, title: 'When is the demo film released?', text: In June.}
"""
MUSIC = (
    "  - {id: demo-music, kind: faq, title: 'Who wrote the music for the demo film?', "
    "text: Jane Doe wrote the score.}\n"
)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    write(root, {"sources/demo.yaml": SOURCE, "curation.yaml": "entries: {}\n"})
    return root


@pytest.fixture
def kb(data_dir: Path) -> KnowledgeBase:
    return load_knowledge_base(data_dir)


@pytest.fixture
def simcord_bot(settings: Settings, kb, engine: Engine, store, data_dir: Path) -> ConciergeBot:
    return ConciergeBot(settings, kb, engine, store=store, data_dir=data_dir)


def text_of(result) -> str:
    message = result.response if result.response and result.response.content else None
    return (message or result.followups[0]).content


# --- permissions ------------------------------------------------------------------------------


async def test_the_group_is_guild_only_and_needs_manage_server_by_default(world):
    commands = {c.name: c for c in await world.bot.tree.fetch_commands()}

    group = commands["concierge"]
    assert group.default_member_permissions == discord.Permissions(manage_guild=True)
    assert group.dm_permission is False
    assert {"reload", "gaps", "stats"} <= {o.name for o in group.options}  # and autoanswer


async def test_members_without_manage_server_do_not_see_the_commands(world):
    with pytest.raises(simcord.SetupError, match="not visible"):
        await world.alice.slash(world.channel, "concierge reload")


async def test_the_bot_checks_manage_server_itself_when_a_server_opens_the_command_up(world):
    commands = {c.name: c for c in await world.bot.tree.fetch_commands()}
    world.guild.set_command_permissions(commands["concierge"], {world.alice: True})

    for command in ("concierge reload", "concierge gaps", "concierge stats"):
        result = await world.alice.slash(world.channel, command)
        assert result.ephemeral
        assert text_of(result) == NEEDS_MANAGE_SERVER


# --- reload -----------------------------------------------------------------------------------


async def test_a_valid_change_is_answered_at_once(world, admin, data_dir: Path):
    await world.alice.send(world.channel, f"{world.mention} who wrote the music for the demo film?")
    assert world.channel.last_message.embeds == []

    write(data_dir, {"sources/demo.yaml": SOURCE + MUSIC})
    result = await admin.slash(world.channel, "concierge reload")

    assert result.ephemeral
    assert text_of(result).startswith("✅ Reloaded the knowledge base: 3 entries (was 2)")
    await world.env.advance_time(31)  # past the duplicate-question window
    await world.bob.send(world.channel, f"{world.mention} who wrote the music for the demo film?")
    assert world.channel.last_message.embeds[0].title == "Who wrote the music for the demo film?"


async def test_a_broken_file_keeps_the_old_base_and_every_problem_is_shown(
    world, admin, data_dir: Path
):
    broken = SOURCE + "  - {id: demo-broken, kind: faq, text: no title here}\n"
    write(data_dir, {"sources/demo.yaml": broken, "curation.yaml": "entries:\n  nowhere: {}\n"})

    result = await admin.slash(world.channel, "concierge reload")

    text = text_of(result)
    assert result.ephemeral
    assert text.startswith("❌ Not reloaded: 2 problems")
    assert "still answering from the previous one (2 entries)" in text
    assert "entry 'demo-broken', field 'title'" in text
    assert "curation.yaml" in text and "nowhere" in text
    assert len(world.bot.kb.entries) == 2
    await world.alice.send(world.channel, f"{world.mention} who directs the demo film")
    assert world.channel.last_message.embeds[0].title == "Who directs the demo film?"
    assert (
        world.bot.metrics.registry.get_sample_value("concierge_reloads_total", {"result": "failed"})
        == 1
    )


async def test_too_many_problems_to_show_come_as_a_file(world, admin, data_dir: Path):
    entries = "".join(f"  - {{id: demo-bad-{n}, kind: faq, text: untitled}}\n" for n in range(60))
    write(data_dir, {"sources/demo.yaml": SOURCE + entries})

    result = await admin.slash(world.channel, "concierge reload")

    message = result.followups[0] if result.followups else result.response
    assert "❌ Not reloaded: 60 problems" in message.content
    assert len(message.content) <= 2000
    [attachment] = message.attachments
    assert attachment.filename == reports.PROBLEMS_FILENAME


async def test_reload_can_be_kept_to_some_servers(world, admin, settings):
    world.bot.settings = replace(settings, admin=AdminSettings(reload_guild_ids=(1,)))

    result = await admin.slash(world.channel, "concierge reload")

    assert text_of(result) == RELOAD_NOT_HERE


# --- gaps and stats ---------------------------------------------------------------------------


async def test_gaps_are_paged_most_asked_first_and_only_this_servers(world, admin, store):
    now = utcnow()
    for n in range(12):
        for _ in range(n + 1):
            await store.record_question(
                AskedQuestion(world.guild.id, "abstained", text=f"Question {n}?", at=now)
            )
    await store.record_question(AskedQuestion(1, "abstained", text="elsewhere only", at=now))

    first = await admin.slash(world.channel, "concierge gaps")

    embed = first.response.embeds[0]
    assert first.ephemeral
    assert embed.title.startswith("Knowledge gaps: 12 questions")
    assert embed.description.startswith("1. **12×** question 11")
    assert embed.footer.text.startswith("Page 1 of 2")
    assert "elsewhere" not in embed.description

    second = await admin.click(first.response, label="Next ▶")
    embed = second.response.embeds[0]
    assert embed.footer.text.startswith("Page 2 of 2")
    assert embed.description.count("×") == 2
    assert embed.description.startswith("11. **2×** question 1")


async def test_gaps_when_there_are_none(world, admin):
    result = await admin.slash(world.channel, "concierge gaps")

    assert "No unanswered questions" in result.response.embeds[0].description


async def test_stats_show_the_answer_rate_and_helpfulness(world, admin, store):
    guild = world.guild.id
    for _ in range(3):
        await store.record_question(AskedQuestion(guild, "answered", entry_id="demo-director"))
    await store.record_question(AskedQuestion(guild, "abstained", text="runtime?"))
    await store.record_vote(Vote(1, 2, guild, "demo-director", helpful=True))
    await store.record_vote(Vote(1, 3, guild, "demo-director", helpful=False))
    await store.record_vote(Vote(1, 4, guild, "demo-director", helpful=True))

    result = await admin.slash(world.channel, "concierge stats")

    description = result.response.embeds[0].description
    assert "**4** questions" in description and "**3** answered (75%)" in description
    assert "👍 2 · 👎 1 (67% helpful) · given 3× — Who directs the demo film?" in description


async def test_old_records_are_purged_by_retention(world, store):
    old = utcnow() - timedelta(days=91)
    await store.record_question(AskedQuestion(world.guild.id, "abstained", text="old", at=old))

    assert await world.bot.recorder.purge() == 2
    assert await store.count_gaps() == 0


# --- a slow store -----------------------------------------------------------------------------

SLOW_SECONDS = 5.0  # longer than the 3 s Discord gives an interaction's first reply


class SlowStore:
    """The real store behind a busy database: every read takes SLOW_SECONDS.

    Only the `Store` protocol is passed through, so nothing else (the auto-answer cog) reads it.
    """

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        self.backend = store.backend
        self.record_question = store.record_question
        self.record_vote = store.record_vote
        self.purge = store.purge
        self.schema_version = store.schema_version

    async def close(self) -> None:
        return None  # the fixture closes the real one

    async def gaps(self, **kwargs):
        await asyncio.sleep(SLOW_SECONDS)
        return await self._store.gaps(**kwargs)

    async def count_gaps(self, **kwargs):
        await asyncio.sleep(SLOW_SECONDS)
        return await self._store.count_gaps(**kwargs)

    async def stats(self, **kwargs):
        await asyncio.sleep(SLOW_SECONDS)
        return await self._store.stats(**kwargs)


@pytest.fixture
async def slow(world, settings, kb, engine, store, data_dir) -> SqliteStore:
    bot = ConciergeBot(settings, kb, engine, store=SlowStore(store), data_dir=data_dir)  # type: ignore[arg-type]
    await world.env.restart_bot(bot)
    return store


def answer_of(result):
    """The message the admin sees: the reply, or what followed a "thinking…"."""
    if result.response is not None and result.response.embeds:
        return result.response
    return result.followups[0]


async def test_stats_from_a_slow_store_still_answer(world, admin, slow):
    await slow.record_question(AskedQuestion(world.guild.id, "answered", entry_id="demo-director"))

    result = await admin.slash(world.channel, "concierge stats")
    assert result.acknowledged and result.ephemeral  # within Discord's 3 s
    await world.env.advance_time(SLOW_SECONDS)

    assert "**1** question" in answer_of(result).embeds[0].description


async def test_gaps_and_their_pages_from_a_slow_store_still_answer(world, admin, slow):
    for n in range(12):
        await slow.record_question(AskedQuestion(world.guild.id, "abstained", text=f"Q{n}?"))

    first = await admin.slash(world.channel, "concierge gaps")
    assert first.acknowledged and first.ephemeral
    await world.env.advance_time(3 * SLOW_SECONDS)
    page = answer_of(first)
    assert page.embeds[0].footer.text.startswith("Page 1 of 2")

    second = await admin.click(page, label="Next ▶")
    assert second.acknowledged
    await world.env.advance_time(3 * SLOW_SECONDS)

    assert answer_of(second).embeds[0].footer.text.startswith("Page 2 of 2")

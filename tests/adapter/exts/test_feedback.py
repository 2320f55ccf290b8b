"""Answers carry feedback buttons; questions are counted and gaps recorded, after the answer."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.adapter import feedback, render
from bot.adapter.client import ConciergeBot
from bot.config import Settings
from bot.core import Engine, KnowledgeBase
from bot.storage import AskedQuestion, Vote, VoteChange
from bot.storage.sqlite import SqliteStore

QUESTION = "who directs Ballerina?"
UNKNOWN = "what is the weather like in Paris tomorrow?"


def labels(message) -> list[str]:
    return [child.label for row in message.components for child in row.children]


def sample(bot: ConciergeBot, name: str, **labels: str) -> float:
    return bot.metrics.registry.get_sample_value(name, labels) or 0.0


@pytest.fixture
def simcord_bot(settings: Settings, kb: KnowledgeBase, engine: Engine, store) -> ConciergeBot:
    return ConciergeBot(settings, kb, engine, store=store)


async def settle(bot: ConciergeBot) -> None:
    """Let the background records finish."""
    for _ in range(50):
        if not bot.recorder.pending:
            return
        await asyncio.sleep(0.01)
    await bot.recorder.drain()


# --- buttons ---------------------------------------------------------------------------------


async def test_a_public_answer_has_vote_and_dismiss_buttons(world):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")

    answer = world.channel.last_message
    assert labels(answer)[-3:] == ["Helpful", "Not helpful", "Dismiss"]


async def test_a_private_answer_has_vote_buttons_but_nothing_to_dismiss(world):
    result = await world.alice.slash(world.channel, "ask", question=QUESTION, private=True)

    assert labels(result.response.message)[-2:] == ["Helpful", "Not helpful"]
    assert "Dismiss" not in labels(result.response.message)


async def test_no_answer_means_no_feedback_buttons(world):
    await world.alice.send(world.channel, f"{world.mention} {UNKNOWN}")

    assert labels(world.channel.last_message) == []


# --- votes -----------------------------------------------------------------------------------


async def test_a_vote_is_stored_then_thanked_privately(world, store: SqliteStore):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    answer = world.channel.last_message

    pressed = await world.bob.click(answer, label="Helpful")

    assert pressed.ephemeral
    reply = pressed.response or pressed.followups[0]
    assert reply.content == feedback.vote_text(VoteChange.NEW, True)
    [director] = (await store.stats(guild_id=world.guild.id)).entries
    assert (director.entry_id, director.helpful, director.not_helpful) == ("faq-director", 1, 0)
    assert sample(world.bot, "concierge_votes_total", vote="helpful") == 1


async def test_a_vote_after_the_file_was_deleted_is_thanked_only_once_kept_in_a_new_one(
    world, store: SqliteStore, caplog: pytest.LogCaptureFixture
):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    await settle(world.bot)
    Path(store.path).unlink()  # `rm state/concierge.sqlite3` while the bot runs

    with caplog.at_level(logging.WARNING):
        pressed = await world.bob.click(world.channel.last_message, label="Helpful")

    assert (pressed.response or pressed.followups[0]).content == feedback.vote_text(
        VoteChange.NEW, True
    )
    assert "deleted or replaced" in caplog.text
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT entry_id, helpful FROM votes").fetchall() == [("faq-director", 1)]


async def test_one_vote_per_person_per_answer_which_they_can_change(world, store: SqliteStore):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    answer = world.channel.last_message

    await world.bob.click(answer, label="Helpful")
    again = await world.bob.click(answer, label="Helpful")
    changed = await world.bob.click(answer, label="Not helpful")
    await world.alice.click(answer, label="Helpful")

    assert (again.response or again.followups[0]).content.startswith("You already marked")
    assert (changed.response or changed.followups[0]).content.startswith("Changed:")
    [director] = (await store.stats(guild_id=world.guild.id)).entries
    assert (director.helpful, director.not_helpful) == (1, 1)


async def test_votes_survive_a_restart_and_old_buttons_still_vote(
    world, settings, kb: KnowledgeBase, engine: Engine, tmp_path: Path
):
    path = tmp_path / "state" / "restart.sqlite3"
    first = await SqliteStore.open(path)
    await world.env.restart_bot(ConciergeBot(settings, kb, engine, store=first))
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    answer = world.channel.last_message
    await world.bob.click(answer, label="Helpful")
    await first.close()

    second = await SqliteStore.open(path)
    try:
        await world.env.restart_bot(ConciergeBot(settings, kb, engine, store=second))
        pressed = await world.alice.click(answer, label="Not helpful")
        repeat = await world.bob.click(answer, label="Helpful")

        assert (pressed.response or pressed.followups[0]).content == feedback.vote_text(
            VoteChange.NEW, False
        )
        assert (repeat.response or repeat.followups[0]).content.startswith("You already")
        [director] = (await second.stats(guild_id=world.guild.id)).entries
        assert (director.helpful, director.not_helpful) == (1, 1)
    finally:
        await world.env.restart_bot(ConciergeBot(settings, kb, engine))
        await second.close()


class BrokenStore:
    """A store whose every write fails, as a full disk or a dropped database would."""

    backend = "broken"

    def __init__(self) -> None:
        self.calls = 0

    async def record_question(self, question: AskedQuestion) -> None:
        self.calls += 1
        raise OSError("database or disk is full")

    async def record_vote(self, vote: Vote) -> VoteChange:
        self.calls += 1
        raise OSError("database or disk is full")

    async def purge(self, *, before) -> int:
        return 0

    async def close(self) -> None:
        return None


async def test_a_vote_that_cannot_be_stored_is_not_thanked(world, settings, kb, engine):
    broken = BrokenStore()
    await world.env.restart_bot(ConciergeBot(settings, kb, engine, store=broken))  # type: ignore[arg-type]
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")

    pressed = await world.bob.click(world.channel.last_message, label="Helpful")

    assert pressed.ephemeral
    assert (pressed.response or pressed.followups[0]).content == feedback.VOTE_FAILED


# --- dismiss ---------------------------------------------------------------------------------


async def test_the_asker_can_dismiss_the_answer_and_nobody_else_can(world):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    answer = world.channel.last_message

    refused = await world.bob.click(answer, label="Dismiss")
    assert refused.ephemeral
    assert refused.response.content == feedback.NOT_YOURS
    assert world.channel.last_message.id == answer.id

    await world.alice.click(answer, label="Dismiss")
    assert all(m.id != answer.id for m in world.channel.history())


async def test_the_asker_can_dismiss_a_slash_answer(world):
    result = await world.alice.slash(world.channel, "ask", question=QUESTION)
    answer = result.response.message

    await world.alice.click(answer, label="Dismiss")

    assert all(m.id != answer.id for m in world.channel.history())


# --- gaps and counts -------------------------------------------------------------------------


async def test_unanswered_questions_are_recorded_as_gaps_without_who_asked(
    world, store: SqliteStore
):
    await world.alice.send(world.channel, f"{world.mention} {UNKNOWN}")
    await world.env.advance_time(31)
    shouted = "What is the WEATHER like in Paris tomorrow"
    await world.bob.send(world.channel, f"{world.mention}  {shouted}")
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    await settle(world.bot)

    [gap] = await store.gaps(guild_id=world.guild.id)
    assert gap.question == "what is the weather like in paris tomorrow"
    assert gap.asked == 2
    stats = await store.stats(guild_id=world.guild.id)
    assert stats.questions == {"abstained": 2, "answered": 1}


async def test_slash_and_dm_questions_are_counted_too(world, store: SqliteStore):
    await world.alice.slash(world.channel, "ask", question=UNKNOWN)
    await world.bob.send_dm("what about the sequel?")
    await settle(world.bot)

    assert [g.question for g in await store.gaps(guild_id=world.guild.id)] == [
        "what is the weather like in paris tomorrow"
    ]
    assert [g.question for g in await store.gaps(guild_id=0)] == ["what about the sequel"]


async def test_questions_are_counted_by_channel_type_and_outcome(world):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    await world.bob.send(world.channel, f"{world.mention} {UNKNOWN}")
    await world.alice.send_dm("when is Ballerina released?")

    bot = world.bot
    assert sample(bot, "concierge_questions_total", channel_type="text", outcome="answered") == 1
    assert sample(bot, "concierge_questions_total", channel_type="text", outcome="abstained") == 1
    assert sample(bot, "concierge_questions_total", channel_type="dm", outcome="answered") == 1
    assert sample(bot, "concierge_answer_latency_seconds_count") == 3


class WatchingStore:
    """Notes whether the answer was already in the channel when a record was written."""

    backend = "watching"

    def __init__(self, world_box: list) -> None:
        self.world_box = world_box
        self.answer_was_sent: list[bool] = []

    async def record_question(self, question: AskedQuestion) -> None:
        world = self.world_box[0]
        last = world.channel.last_message
        self.answer_was_sent.append(last is not None and last.author.id == world.bot.user.id)

    async def purge(self, *, before) -> int:
        return 0

    async def close(self) -> None:
        return None


async def test_the_answer_goes_out_before_the_question_is_recorded(world, settings, kb, engine):
    watching = WatchingStore([world])
    await world.env.restart_bot(ConciergeBot(settings, kb, engine, store=watching))  # type: ignore[arg-type]

    await world.alice.send(world.channel, f"{world.mention} {UNKNOWN}")
    await settle(world.bot)

    assert watching.answer_was_sent == [True]


async def test_a_failing_store_costs_the_record_never_the_answer(
    world, settings, kb, engine, caplog: pytest.LogCaptureFixture
):
    broken = BrokenStore()
    await world.env.restart_bot(ConciergeBot(settings, kb, engine, store=broken))  # type: ignore[arg-type]

    with caplog.at_level(logging.WARNING, logger="bot.recorder"):
        await world.alice.send(world.channel, f"{world.mention} {UNKNOWN}")
        await settle(world.bot)
        await world.bob.send(world.channel, f"{world.mention} {QUESTION}")
        await settle(world.bot)

    assert broken.calls == 2
    replies = [m for m in world.channel.history() if m.author.id == world.bot.user.id]
    assert replies[-1].embeds[0].title == "Who directs Ballerina?"
    assert replies[-2].content.startswith(render.DONT_KNOW)
    assert "the store is failing" in caplog.text
    assert sample(world.bot, "concierge_errors_total", where="store") == 2
    assert sample(world.bot, "concierge_records_dropped_total") == 2


async def test_without_a_store_the_bot_answers_and_says_votes_cannot_be_saved(
    world, settings, kb, engine
):
    await world.env.restart_bot(ConciergeBot(settings, kb, engine))

    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    pressed = await world.bob.click(world.channel.last_message, label="Helpful")

    assert world.channel.last_message.embeds[0].title == "Who directs Ballerina?"
    assert (pressed.response or pressed.followups[0]).content == feedback.VOTE_FAILED
    assert sample(world.bot, "concierge_records_dropped_total") == 1

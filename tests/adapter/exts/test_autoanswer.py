"""Auto-answer in Discord (simcord): the commands, the buttons, trial grading, who may do what."""

from __future__ import annotations

from dataclasses import replace

import discord
import pytest
import simcord

from bot.adapter.client import ConciergeBot
from bot.adapter.exts.admin import NEEDS_MANAGE_SERVER
from bot.autoanswer.buttons import HEADER, NOT_A_MODERATOR, NOT_YOURS
from bot.autoanswer.settings import AutoAnswerSettings
from bot.autoanswer.store import AutoAnswerStore
from bot.config import Settings
from bot.core import Engine, KnowledgeBase
from bot.core.model import Entry, Source

SOURCE = Source("demo", "Demo Article", "faq")
QUESTION = "Who directs the demo film?"


@pytest.fixture
def kb() -> KnowledgeBase:
    return KnowledgeBase(
        [
            Entry("demo-director", QUESTION, "Ann Example does.", SOURCE, "faq"),
            Entry("demo-release", "When is the demo film released?", "In June.", SOURCE, "faq"),
        ]
    )


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, autoanswer=AutoAnswerSettings(enabled=True))


@pytest.fixture
def simcord_bot(settings: Settings, kb: KnowledgeBase, engine: Engine, store) -> ConciergeBot:
    return ConciergeBot(settings, kb, engine, store=store)


@pytest.fixture
def moderator(world) -> simcord.MemberActor:
    mods = world.guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    return world.guild.add_member(world.env.create_user("mod"), roles=[mods])


def labels(message) -> list[str]:
    return [child.label for row in message.components for child in row.children]


def reply_text(result) -> str:
    message = result.response if result.response and result.response.content else None
    return (message or result.followups[0]).content


async def add(world, admin, **options) -> str:
    result = await admin.slash(world.channel, "concierge autoanswer add", **options)
    assert result.ephemeral
    return reply_text(result)


async def test_a_member_without_manage_server_is_refused_even_when_a_server_opens_it(world):
    commands = {c.name: c for c in await world.bot.tree.fetch_commands()}
    world.guild.set_command_permissions(commands["concierge"], {world.alice: True})

    for command in ("add", "list"):
        options = {"channel": world.channel} if command == "add" else {}
        result = await world.alice.slash(
            world.channel, f"concierge autoanswer {command}", **options
        )
        assert reply_text(result) == NEEDS_MANAGE_SERVER
    assert await AutoAnswerStore(world.bot.recorder.store).channels() == []


async def test_add_list_remove_are_kept_in_the_store(world, admin, store):
    assert (await add(world, admin, channel=world.channel)).startswith("Added")

    assert [r.channel_id for r in await AutoAnswerStore(store).channels(world.guild.id)] == [
        world.channel.id
    ]
    listing = await admin.slash(world.channel, "concierge autoanswer list")
    assert f"<#{world.channel.id}>: live" in reply_text(listing)
    removed = await admin.slash(world.channel, "concierge autoanswer remove", channel=world.channel)
    assert reply_text(removed).startswith("Removed")
    assert await AutoAnswerStore(store).channels(world.guild.id) == []


async def test_a_question_is_answered_unasked_and_chat_is_not(world, admin):
    await add(world, admin, channel=world.channel, support_role=world.role)

    await world.bob.send(world.channel, "lol same")
    assert world.channel.last_message.author.id == world.bob.id
    await world.bob.send(world.channel, QUESTION)

    answer = world.channel.last_message
    assert answer.content == HEADER
    assert answer.embeds[0].title == QUESTION
    assert labels(answer)[-4:] == ["Helpful", "Not helpful", "That didn't help", "Ask a human"]


async def test_that_didnt_help_is_for_the_asker_or_a_moderator_and_counts_a_miss(
    world, admin, moderator
):
    await add(world, admin, channel=world.channel)
    await world.bob.send(world.channel, QUESTION)
    answer = world.channel.last_message

    refused = await world.alice.click(answer, label="That didn't help")
    assert refused.ephemeral and reply_text(refused) == NOT_YOURS
    assert world.channel.last_message.id == answer.id

    await world.bob.click(answer, label="That didn't help")
    assert world.channel.last_message.id != answer.id  # removed
    cog = world.bot.get_cog("AutoAnswer")
    [figures] = await cog.channel_stats(world.guild.id)
    assert (figures.seen, figures.answered, figures.missed) == (1, 1, 1)


async def test_ask_a_human_mentions_exactly_the_support_role_once(world, admin):
    await add(world, admin, channel=world.channel, support_role=world.role)
    await world.bob.send(world.channel, QUESTION)
    answer = world.channel.last_message

    await world.bob.click(answer, label="Ask a human")

    call = world.channel.last_message
    assert world.role.mention in call.content
    assert [r.id for r in call.role_mentions] == [world.role.id]
    assert call.mentions == [] and not call.mention_everyone
    assert "Ask a human" not in labels(world.channel.history()[-2])  # once: the button is gone


async def test_trial_drafts_reach_the_moderators_and_only_moderators_grade(
    world, admin, moderator, store
):
    mods = world.guild.create_text_channel("mods")
    await add(world, admin, channel=world.channel, mode="trial", moderators=mods)

    question = await world.bob.send(world.channel, QUESTION)

    assert world.channel.last_message.id == question.id  # nothing posted where it was asked
    draft = mods.last_message
    assert question.jump_url in draft.content and "score" in draft.content
    assert labels(draft) == ["Correct", "Wrong"]
    refused = await world.alice.click(draft, label="Correct")
    assert reply_text(refused) == NOT_A_MODERATOR
    await moderator.click(draft, label="Wrong")
    await moderator.click(mods.last_message, label="Correct")  # a second thought replaces it
    assert "Graded **correct**" in mods.last_message.content
    [figures] = await AutoAnswerStore(store).stats(world.guild.id)
    assert (figures.mode, figures.graded, figures.correct) == ("trial", 1, 1)

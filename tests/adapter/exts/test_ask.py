"""Asking the bot: mentions, DMs, /ask, autocomplete, "Did you mean", "Find answer", anti-spam."""

from __future__ import annotations

from dataclasses import replace

import discord
import pytest
import simcord

from bot.adapter import render
from bot.adapter.client import ConciergeBot, ShardedConciergeBot, create_bot
from bot.config import AccessSettings, DiscordSettings
from bot.core import Engine, KnowledgeBase
from bot.core.model import NoAnswer, Suggestion

QUESTION = "who directs Ballerina?"
UNKNOWN = "what is the weather like in Paris tomorrow?"


def bot_messages(world, channel=None, viewer=None) -> list[discord.Message]:
    channel = channel or world.channel
    return [m for m in channel.history(viewer=viewer) if m.author.id == world.bot.user.id]


def assert_pings_nobody(message: discord.Message) -> None:
    assert message.mentions == []
    assert message.role_mentions == []
    assert not message.mention_everyone


def unsure(monkeypatch: pytest.MonkeyPatch, world) -> None:
    """Make the engine unsure between two cast entries, whatever the question."""
    suggestions = (
        Suggestion("cast-keanu", "Keanu Reeves returns", 48.0),
        Suggestion("cast-ian", "Ian McShane as Winston", 47.0),
    )
    result = NoAnswer(suggestions=suggestions, unsure=True, reason="not confident")
    monkeypatch.setattr(world.bot.engine, "ask", lambda question: result)


# @mentions -------------------------------------------------------------------------------------


async def test_mention_gets_a_reply_embed_citing_its_source_without_pinging(world):
    asked = await world.alice.send(world.channel, f"{world.mention} {QUESTION}")

    reply = world.channel.last_message
    assert reply.author.id == world.bot.user.id
    assert reply.reference is not None and reply.reference.message_id == asked.id
    embed = reply.embeds[0]
    assert embed.title == "Who directs Ballerina?"
    assert "Len Wiseman" in embed.description
    assert "From the World of John Wick: Ballerina" in embed.footer.text
    assert_pings_nobody(reply)


async def test_the_mention_may_stand_anywhere_in_the_message(world):
    await world.alice.send(world.channel, f"hey, {QUESTION.rstrip('?')} {world.mention}?")

    assert world.channel.last_message.embeds[0].title == "Who directs Ballerina?"


async def test_a_message_without_a_mention_gets_nothing(world):
    await world.alice.send(world.channel, QUESTION)

    assert bot_messages(world) == []


async def test_everyone_alone_gets_nothing_even_when_it_pings(world):
    heralds = world.guild.create_role(
        "Heralds", permissions=discord.Permissions(mention_everyone=True)
    )
    herald = world.guild.add_member(world.env.create_user("herald"), roles=[heralds])

    sent = await herald.send(world.channel, f"@everyone {QUESTION}")

    assert sent.mention_everyone  # the bot *was* pinged, as everyone was
    assert bot_messages(world) == []


async def test_a_bare_mention_gets_short_help(world):
    await world.alice.send(world.channel, world.mention)

    reply = world.channel.last_message
    assert "/ask" in reply.content and "/faq" in reply.content
    assert_pings_nobody(reply)


async def test_an_unknown_question_gets_an_honest_dont_know(world):
    await world.alice.send(world.channel, f"{world.mention} {UNKNOWN}")

    reply = world.channel.last_message
    assert reply.content.startswith(render.DONT_KNOW)
    assert reply.embeds == []


async def test_a_question_with_everyone_and_a_role_pings_nobody(world):
    heralds = world.guild.create_role(
        "Heralds", permissions=discord.Permissions(mention_everyone=True)
    )
    herald = world.guild.add_member(world.env.create_user("herald"), roles=[heralds])
    noise = f"@everyone @here {world.role.mention} {world.alice.mention}"

    await herald.send(world.channel, f"{world.mention} {noise} {QUESTION}")
    await herald.send(world.channel, f"{world.mention} {noise} {UNKNOWN}")
    await herald.send(world.channel, f"{noise} {world.mention}")

    replies = bot_messages(world)
    assert len(replies) == 3
    for reply in replies:
        assert_pings_nobody(reply)
    sends = [r for r in world.env.http_requests if r.method == "POST" and "/messages" in r.path]
    assert sends and all(r.json["allowed_mentions"]["parse"] == [] for r in sends)


async def test_other_bots_are_ignored(world):
    robot = world.guild.add_member(world.env.create_user("robot", bot=True))
    hook = world.guild.create_webhook(world.channel, "Announcer")

    await robot.send(world.channel, f"{world.mention} {QUESTION}")
    await hook.send(f"{world.mention} {QUESTION}")

    assert bot_messages(world) == []


async def test_mentions_are_answered_only_where_config_allows(world):
    elsewhere = world.guild.create_text_channel("off-topic")
    world.bot.settings = replace(
        world.bot.settings, access=AccessSettings(channel_ids=(world.channel.id,))
    )

    await world.alice.send(elsewhere, f"{world.mention} {QUESTION}")
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")

    assert bot_messages(world, elsewhere) == []
    assert len(bot_messages(world)) == 1


async def test_a_question_in_a_thread_is_answered_in_the_thread(world):
    world.bot.settings = replace(
        world.bot.settings, access=AccessSettings(channel_ids=(world.channel.id,))
    )
    # simcord 3.2.1 has no public builder for threads: make one in its backend.
    raw = world.env.backend.create_thread(world.channel.id, "spoilers", world.alice.id)
    thread = simcord.ChannelHandle(world.env, world.guild, raw)

    await world.alice.send(thread, f"{world.mention} {QUESTION}")

    assert thread.last_message.embeds[0].title == "Who directs Ballerina?"
    assert bot_messages(world) == []


async def test_a_sharded_bot_answers_on_every_shard(settings, kb: KnowledgeBase, engine: Engine):
    sharded = replace(settings, discord=DiscordSettings(sharded=True, shard_count=2))
    bot = create_bot(sharded, kb, engine)
    assert isinstance(bot, ShardedConciergeBot)
    async with simcord.run(bot) as env:
        for shard in (0, 1):
            guild = env.create_guild(f"Shard {shard}", shard_id=shard)
            channel = guild.create_text_channel("general")
            member = guild.add_member(env.create_user(f"fan{shard}"))
            await member.send(channel, f"{bot.user.mention} {QUESTION}")
            assert channel.last_message.embeds[0].title == "Who directs Ballerina?"
            assert channel.last_message.guild.shard_id == shard


async def test_an_overlong_answer_is_cut_within_every_discord_limit(world):
    await world.alice.send(world.channel, f"{world.mention} extended cut")

    embed = world.channel.last_message.embeds[0]
    assert embed.title.startswith("Extended cut") and len(embed.title) <= 256
    assert len(embed.description) <= 4096 and embed.description.endswith("…")
    assert 1 <= len(embed.fields) <= 25
    assert embed.fields[0].name == render.DISAGREEMENT_TITLE
    assert all(len(field.value) <= 1024 for field in embed.fields)
    assert len(embed.footer.text) <= 2048
    assert len(embed) <= 6000


async def test_an_exception_in_a_handler_does_not_stop_the_bot(
    world, monkeypatch: pytest.MonkeyPatch
):
    real_ask = world.bot.engine.ask
    calls = []

    def failing_once(question: str):
        calls.append(question)
        if len(calls) == 1:
            raise RuntimeError("engine exploded")
        return real_ask(question)

    monkeypatch.setattr(world.bot.engine, "ask", failing_once)

    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    assert world.channel.last_message.content == render.APOLOGY

    await world.alice.send(world.channel, f"{world.mention} when is Ballerina released?")
    assert world.channel.last_message.embeds[0].title == "When is Ballerina released?"


# DMs ---------------------------------------------------------------------------------------------


async def test_a_direct_message_gets_an_answer(world):
    await world.alice.send_dm(QUESTION)

    reply = world.alice.user.dm_channel.last_message
    assert reply.author.id == world.bot.user.id
    assert reply.embeds[0].title == "Who directs Ballerina?"


async def test_an_empty_direct_message_mention_gets_help(world):
    await world.alice.send_dm(world.mention)

    assert "/ask" in world.alice.user.dm_channel.last_message.content


# /ask ------------------------------------------------------------------------------------------


async def test_slash_ask_answers_in_the_channel(world):
    result = await world.alice.slash(world.channel, "ask", question=QUESTION)

    assert not result.ephemeral
    assert result.response.embeds[0].title == "Who directs Ballerina?"
    assert result.response.message in world.channel.history(viewer=world.bob)


async def test_slash_ask_private_answers_only_the_asker(world):
    result = await world.alice.slash(world.channel, "ask", question=QUESTION, private=True)

    assert result.ephemeral
    assert result.response.embeds[0].title == "Who directs Ballerina?"
    assert bot_messages(world, viewer=world.bob) == []


async def test_slash_ask_failure_apologises_privately_and_the_next_works(
    world, monkeypatch: pytest.MonkeyPatch
):
    real_ask = world.bot.engine.ask
    monkeypatch.setattr(world.bot.engine, "ask", lambda q: 1 / 0)

    failed = await world.alice.slash(world.channel, "ask", question=QUESTION)
    monkeypatch.setattr(world.bot.engine, "ask", real_ask)
    answered = await world.alice.slash(world.channel, "ask", question="when is Ballerina released?")

    assert failed.ephemeral and failed.response.content == render.APOLOGY
    assert any(isinstance(e.__cause__ or e, ZeroDivisionError) for e in world.env.errors)
    assert answered.response.embeds[0].title == "When is Ballerina released?"


@pytest.mark.parametrize("typed", ["", "t", "e", "w", "who directs", "x" * 100, "<@&1> **"])
async def test_autocomplete_offers_at_most_25_valid_choices(world, typed: str):
    choices = await world.alice.autocomplete(world.channel, "ask", "question", typed)

    assert len(choices) <= 25
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100
        assert 1 <= len(str(choice["value"])) <= 100
    assert len({c["name"] for c in choices}) == len(choices)


async def test_autocomplete_caps_a_long_list_at_25(world):
    choices = await world.alice.autocomplete(world.channel, "ask", "question", "trivia")

    assert len(choices) == 25
    assert all(c["name"].startswith("Trivia") for c in choices)


async def test_an_autocomplete_choice_asks_for_that_entry(world):
    choices = await world.alice.autocomplete(world.channel, "ask", "question", "who dir")

    result = await world.alice.slash(world.channel, "ask", question=choices[0]["value"])

    assert result.response.embeds[0].title == choices[0]["name"]


# "Did you mean" and related buttons ---------------------------------------------------------


async def test_did_you_mean_buttons_show_the_entry_to_whoever_presses(
    world, monkeypatch: pytest.MonkeyPatch
):
    unsure(monkeypatch, world)
    await world.alice.send(world.channel, f"{world.mention} reeves mcshane")
    offer = world.channel.last_message
    assert offer.content == render.NOT_SURE
    labels = [child.label for row in offer.components for child in row.children]
    assert labels == ["Keanu Reeves returns", "Ian McShane as Winston"]

    pressed = await world.bob.click(offer, label="Ian McShane as Winston")

    assert pressed.ephemeral
    assert pressed.response.embeds[0].title == "Ian McShane as Winston"
    assert bot_messages(world, viewer=world.alice) == [offer]


async def test_buttons_keep_working_after_a_restart(
    world, settings, kb: KnowledgeBase, engine: Engine
):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    answer = world.channel.last_message

    await world.env.restart_bot(ConciergeBot(settings, kb, engine))
    pressed = await world.bob.click(answer, label="Who plays the ballerina?")

    assert pressed.ephemeral
    assert pressed.response.embeds[0].title == "Who plays the ballerina?"


async def test_a_button_for_a_removed_entry_says_so_privately(world, settings, entries):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    answer = world.channel.last_message
    smaller = KnowledgeBase([e for e in entries if e.id != "faq-star"])

    await world.env.restart_bot(ConciergeBot(settings, smaller, Engine(smaller)))
    pressed = await world.bob.click(answer, label="Who plays the ballerina?")

    assert pressed.ephemeral
    assert pressed.response.content == render.GONE


# "Find answer" -----------------------------------------------------------------------------------


async def test_find_answer_replies_to_the_target_message(world):
    target = await world.bob.send(world.channel, QUESTION)

    result = await world.alice.context_menu(world.channel, "Find answer", target)

    assert result.ephemeral  # the private "done" for the person who asked
    reply = world.channel.last_message
    assert reply.reference.message_id == target.id
    assert reply.embeds[0].title == "Who directs Ballerina?"
    assert_pings_nobody(reply)


async def test_find_answer_without_an_answer_tells_only_the_asker(world):
    target = await world.bob.send(world.channel, UNKNOWN)

    result = await world.alice.context_menu(world.channel, "Find answer", target)

    assert result.ephemeral
    assert render.DONT_KNOW in (result.response or result.followups[0]).content
    assert bot_messages(world, viewer=world.bob) == []


# Anti-spam ---------------------------------------------------------------------------------


async def test_cooldown_holds_then_lifts(world):
    questions = ["who directs Ballerina?", "when is Ballerina released?", "keanu", "winston"]
    for question in questions:
        await world.alice.send(world.channel, f"{world.mention} {question}")

    assert len(bot_messages(world)) == 3
    last = world.channel.last_message
    assert last.author.id == world.alice.id
    assert [str(r.emoji) for r in last.reactions] == ["⏳"]
    notice = await world.alice.slash(world.channel, "ask", question="timeline")
    assert notice.ephemeral and "wait" in notice.response.content

    await world.env.advance_time(10)
    await world.alice.send(world.channel, f"{world.mention} winston")
    assert world.channel.last_message.embeds[0].title == "Ian McShane as Winston"


async def test_the_same_question_in_a_channel_is_not_answered_twice(world):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    again = await world.bob.send(world.channel, f"{world.mention} Who directs ballerina")

    assert len(bot_messages(world)) == 1
    assert [str(r.emoji) for r in world.channel.last_message.reactions] == ["👆"]
    assert world.channel.last_message.id == again.id
    repeat = await world.bob.slash(world.channel, "ask", question=QUESTION)
    assert repeat.ephemeral and repeat.response.content == render.duplicate_text()

    await world.env.advance_time(31)
    await world.bob.send(world.channel, f"{world.mention} {QUESTION}")
    assert len(bot_messages(world)) == 2

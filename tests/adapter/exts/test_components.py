"""What an answer sends, cheaply: components without a stored view, rendered once per entry."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.adapter import feedback, render
from bot.adapter.client import ConciergeBot
from bot.adapter.feedback import DismissButton, VoteButton, with_feedback
from bot.adapter.views import AnswerCache, Components, ShowEntryButton, answer_view
from bot.core import KnowledgeBase

QUESTION = "who directs Ballerina?"


def view_of(items: list[discord.ui.Item]) -> list[dict]:
    """What discord.py's own View sends for these items."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view.to_components()


def test_an_answer_sends_what_a_view_of_the_same_items_would(kb: KnowledgeBase):
    entry = kb.get("faq-director")
    assert entry is not None
    related = [ShowEntryButton(r.id, r.title, emoji="📖") for r in kb.related(entry.id)[:3]]
    url = entry.source.url
    source = [discord.ui.Button(label="Read the source", url=url)] if url else []
    row = 1 if related or source else None  # feedback on a row of its own, as before
    feedback = [VoteButton(entry.id, True, row=row), VoteButton(entry.id, False, row=row)]

    sent = with_feedback(answer_view(entry, kb), entry.id, 42)

    assert sent is not None
    assert sent.to_components() == view_of(
        [*related, *source, *feedback, DismissButton(42, row=row)]
    )
    alone = with_feedback(None, entry.id, None)
    assert alone is not None
    assert alone.to_components() == view_of(
        [VoteButton(entry.id, True), VoteButton(entry.id, False)]
    )


def test_components_are_never_stored_as_a_view():
    components = Components([[DismissButton(7).to_component_dict()]])
    assert hasattr(components, "__discord_ui_view__")
    assert components.is_finished() and not components.is_dispatchable()
    assert components.timeout is None and not components.has_components_v2()


async def test_answers_leave_no_view_behind_and_their_buttons_still_work(world):
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    answers = [m for m in world.channel.history() if m.author.id == world.bot.user.id]
    assert len(answers) == 1

    store = world.bot._connection._view_store
    assert store._views == {} and store._synced_message_views == {}
    pressed = await world.bob.click(answers[0], label="Dismiss")
    assert pressed.response is not None  # the dynamic item answered: not bob's to dismiss
    assert pressed.response.content == feedback.NOT_YOURS


def test_an_entry_is_rendered_once_per_knowledge_base(kb: KnowledgeBase, entries):
    cache = AnswerCache()
    entry = kb.get("faq-director")
    assert entry is not None

    embed, related = cache.answer(entry, kb)
    again, related_again = cache.answer(entry, kb)
    assert again is embed and related_again is related
    assert embed.to_dict() == render.entry_embed(entry).to_dict()

    reloaded = KnowledgeBase(entries)
    fresh, _ = cache.answer(reloaded.get("faq-director"), reloaded)  # type: ignore[arg-type]
    assert fresh is not embed and len(cache) == 1


def test_a_cached_embed_cannot_be_changed_under_the_other_answers(kb: KnowledgeBase):
    entry = kb.get("faq-director")
    assert entry is not None
    embed = render.FrozenEmbed(render.entry_embed(entry))

    for change in (
        lambda: embed.set_footer(text="changed"),
        lambda: embed.add_field(name="x", value="y"),
        lambda: setattr(embed, "title", "changed"),
    ):
        with pytest.raises(AttributeError):
            change()
    assert embed.to_dict() == render.entry_embed(entry).to_dict()
    thawed = embed.thawed()
    thawed.title = "changed"
    assert thawed.title == "changed" and embed.title == entry.title


async def test_a_stop_waits_for_the_answers_being_handled(settings, kb, engine):
    bot = ConciergeBot(settings, kb, engine)
    finished: list[str] = []

    async def answering(name: str, seconds: float) -> None:
        bot.handling()
        await asyncio.sleep(seconds)
        finished.append(name)

    tasks = [
        asyncio.create_task(answering("quick", 0.05)),
        asyncio.create_task(answering("slow", 10)),
    ]
    await asyncio.sleep(0)
    assert bot.in_flight == 2

    left = await bot.drain_handlers(timeout=0.3)

    assert finished == ["quick"] and left == 1
    tasks[1].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert bot.in_flight == 0

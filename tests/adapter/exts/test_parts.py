"""An answer too long for one embed, split in parts: "(1 of 3)" and a "Next part" button."""

from __future__ import annotations

import discord
import pytest

from bot.adapter import render
from bot.adapter.client import ConciergeBot
from bot.adapter.views import CUSTOM_ID_LIMIT, NEXT_PART
from bot.core import Engine, KnowledgeBase
from bot.core.model import Answer, Entry
from tests.conftest import FEATURE, knowledge_entries

QUESTION = "what should I pack for the Continental?"
TITLE = "What should I pack for the Continental?"


def packing_parts() -> list[Entry]:
    """One long answer, as ingest splits it: three linked parts."""
    ids = ["faq-packing", "faq-packing-2", "faq-packing-3"]
    return [
        Entry(
            entry_id,
            f"{TITLE} ({n} of 3)",
            f"Part {n} of the packing list: " + "gold coins, a suit, a pencil. " * 40,
            FEATURE,
            kind="faq",
            part=n,
            parts=3,
            next=ids[n] if n < 3 else None,
        )
        for n, entry_id in enumerate(ids, 1)
    ]


@pytest.fixture
def entries() -> list[Entry]:
    """The shared test knowledge base plus the split answer."""
    return [*knowledge_entries(), *packing_parts()]


def answer_with_the_first_part(monkeypatch: pytest.MonkeyPatch, world) -> None:
    """Whatever is asked, the engine answers with part 1 (matching is tested elsewhere)."""
    first = world.bot.kb.get("faq-packing")
    monkeypatch.setattr(world.bot.engine, "ask", lambda question: Answer(first, 90.0))


def custom_ids(message) -> list[str]:
    return [
        child.custom_id
        for row in message.components
        for child in row.children
        if getattr(child, "custom_id", None)
    ]


async def test_each_part_says_which_part_it_is_and_next_shows_the_next(world, monkeypatch):
    answer_with_the_first_part(monkeypatch, world)
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    reply = world.channel.last_message
    assert reply.embeds[0].title == f"{TITLE} (1 of 3)"
    assert reply.embeds[0].description.startswith("Part 1 of the packing list")

    second = await world.bob.click(reply, label=NEXT_PART)
    assert second.ephemeral
    assert second.response.embeds[0].title == f"{TITLE} (2 of 3)"
    assert second.response.embeds[0].description.startswith("Part 2 of the packing list")

    third = await world.bob.click(second.response, label=NEXT_PART)
    assert third.response.embeds[0].title == f"{TITLE} (3 of 3)"
    labels = [
        button.get("label") for row in third.response.components for button in row["components"]
    ]
    assert NEXT_PART not in labels  # the last part has nothing after it
    assert labels  # its other buttons (feedback) are still there


async def test_the_next_part_button_works_after_a_restart_and_fits_discord(
    world, monkeypatch, settings, kb: KnowledgeBase, engine: Engine
):
    answer_with_the_first_part(monkeypatch, world)
    await world.alice.send(world.channel, f"{world.mention} {QUESTION}")
    reply = world.channel.last_message
    assert all(len(custom_id) <= CUSTOM_ID_LIMIT for custom_id in custom_ids(reply))
    assert "concierge:show:faq-packing-2" in custom_ids(reply)

    await world.env.restart_bot(ConciergeBot(settings, kb, engine))
    pressed = await world.bob.click(reply, label=NEXT_PART)
    assert pressed.response.embeds[0].title == f"{TITLE} (2 of 3)"


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        (f"{TITLE} (2 of 3)", f"{TITLE} (2 of 3)"),
        ("Packing, as curated", "Packing, as curated (2 of 3)"),  # a title set in curation.yaml
    ],
)
def test_a_part_keeps_its_place_in_the_title_whatever_the_title(title, shown):
    part = packing_parts()[1]
    embed = render.entry_embed(
        Entry(part.id, title, part.text, part.source, part=2, parts=3, next=part.next)
    )
    assert isinstance(embed, discord.Embed) and embed.title == shown

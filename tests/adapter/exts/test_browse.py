"""Browsing: /faq pages through the topics with buttons and menus; /about sums up the knowledge."""

from __future__ import annotations

from bot import __version__
from bot.adapter.client import ConciergeBot
from bot.core import Engine, KnowledgeBase


def button(message, label: str):
    children = [c for row in message.components for c in row.children]
    return next(c for c in children if getattr(c, "label", None) == label)


def pages_of(world) -> int:
    return sum(-(-len(topic.entries) // 15) for topic in world.bot.kb.topics())


async def test_faq_opens_privately_on_the_first_topic(world):
    result = await world.alice.slash(world.channel, "faq")

    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "FAQ · From the World of John Wick: Ballerina"
    assert "Who directs Ballerina?" in embed.description
    assert embed.footer.text.startswith(f"Page 1 of {pages_of(world)}")
    message = result.response.message
    assert button(message, "◀ Previous").disabled
    assert not button(message, "Next ▶").disabled


async def test_faq_pages_forward_and_back(world):
    opened = await world.alice.slash(world.channel, "faq")

    forward = await world.alice.click(opened.response, label="Next ▶")
    assert forward.response.embeds[0].title == "The Cast"
    assert forward.response.embeds[0].footer.text.startswith("Page 2 of")

    back = await world.alice.click(forward.response, label="◀ Previous")
    assert back.response.embeds[0].title == "FAQ · From the World of John Wick: Ballerina"
    assert back.response.id == opened.response.id  # the same message, turned in place


async def test_a_long_topic_is_split_over_pages_and_the_last_page_stops(world):
    opened = await world.alice.slash(world.channel, "faq")
    trivia = str(len(world.bot.kb.topics()) - 1)

    first = await world.alice.select(opened.response, [trivia], custom_id="concierge:faq:topic")
    assert first.response.embeds[0].title == "Trivia (1/2)"
    second = await world.alice.click(first.response, label="Next ▶")

    embed = second.response.embeds[0]
    assert embed.title == "Trivia (2/2)"
    trivia_count = sum(1 for e in world.bot.kb.entries if e.parent == "Trivia")
    assert embed.description.count("• ") == trivia_count - 15
    assert button(second.response.message, "Next ▶").disabled


async def test_choosing_an_entry_shows_it_privately(world):
    opened = await world.alice.slash(world.channel, "faq")

    chosen = await world.alice.select(
        opened.response, ["faq-release"], custom_id="concierge:faq:pick:0"
    )

    assert chosen.ephemeral
    assert chosen.response.embeds[0].title == "When is Ballerina released?"
    assert "From the World of John Wick: Ballerina" in chosen.response.embeds[0].footer.text


async def test_faq_buttons_keep_working_after_a_restart(
    world, settings, kb: KnowledgeBase, engine: Engine
):
    opened = await world.alice.slash(world.channel, "faq")

    await world.env.restart_bot(ConciergeBot(settings, kb, engine))
    forward = await world.alice.click(opened.response, label="Next ▶")

    assert forward.response.embeds[0].title == "The Cast"


async def test_faq_with_an_empty_knowledge_base_says_so(world, settings):
    empty = KnowledgeBase([])
    await world.env.restart_bot(ConciergeBot(settings, empty, Engine(empty)))
    await world.env.bot.tree.sync()

    result = await world.alice.slash(world.channel, "faq")

    assert result.ephemeral and "empty" in result.response.content


async def test_about_names_the_sources_counts_and_version(world):
    result = await world.alice.slash(world.channel, "about")

    embed = result.response.embeds[0]
    assert result.ephemeral
    summary = world.bot.kb.summary()
    assert f"{summary.entries} entries" in embed.description
    sources = next(f for f in embed.fields if f.name.startswith("Sources"))
    assert "From the World of John Wick: Ballerina (feature)" in sources.value
    assert "Ballerina (2024) review (review)" in sources.value
    assert __version__ in embed.footer.text

"""Embed rendering stays within every Discord limit, cuts cleanly, cites sources, shows notes."""

from __future__ import annotations

import discord
import pytest

from bot.adapter import render
from bot.adapter.render import Field, build_embed, truncate
from bot.core.model import Entry, KnowledgeBaseSummary, Source

SOURCE = Source(
    "wick", "From the World of John Wick: Ballerina", "feature", "https://example.com/b"
)
WORDS = "extraordinarily " * 1000


def entry(**overrides) -> Entry:
    values = {
        "id": "director",
        "title": "Who directs Ballerina?",
        "text": "Ballerina is directed by Len Wiseman.",
        "source": SOURCE,
        "where": "Behind the camera",
    }
    values.update(overrides)
    return Entry(**values)


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert 1 <= len(field.name) <= 256
        assert 1 <= len(field.value) <= 1024
    assert len(embed.footer.text or "") <= 2048
    assert len(embed) <= 6000


# truncate ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short enough", 12, "short enough"),
        ("the quick brown fox", 12, "the quick…"),
        ("the quick brown fox", 10, "the quick…"),
        ("the quick, brown fox", 12, "the quick…"),
        ("one two three", 8, "one two…"),
        ("x" * 20, 10, "x" * 9 + "…"),
        ("ab", 1, "…"),
        ("ab", 0, ""),
    ],
)
def test_truncate_cuts_at_a_word_boundary_with_an_ellipsis(text, limit, expected):
    assert truncate(text, limit) == expected


@pytest.mark.parametrize("limit", [2, 10, 100, 256, 1024, 4096])
def test_truncate_never_exceeds_its_limit_and_never_ends_mid_word(limit):
    cut = truncate(WORDS, limit)
    assert len(cut) <= limit
    assert cut.endswith("…")
    if limit > 40:
        assert cut[:-1].endswith("extraordinarily")


# every limit -----------------------------------------------------------------------------------


def test_title_is_cut_to_256():
    embed = build_embed(title="Title " * 100)
    assert len(embed.title) <= 256 and embed.title.endswith("…")


def test_description_is_cut_to_4096():
    embed = build_embed(title="t", description=WORDS)
    assert len(embed.description) <= 4096 and embed.description.endswith("extraordinarily…")


def test_at_most_25_fields():
    embed = build_embed(title="t", fields=[Field(f"n{i}", "v") for i in range(40)])
    assert len(embed.fields) == 25


def test_field_name_is_cut_to_256_and_value_to_1024():
    embed = build_embed(title="t", fields=[Field("name " * 100, WORDS)])
    assert len(embed.fields[0].name) <= 256
    assert len(embed.fields[0].value) <= 1024 and embed.fields[0].value.endswith("…")


def test_footer_is_cut_to_2048():
    embed = build_embed(title="t", footer="Source: " + WORDS)
    assert len(embed.footer.text) <= 2048 and embed.footer.text.endswith("…")


def test_the_whole_embed_stays_within_6000_characters_and_keeps_a_description():
    embed = build_embed(
        title="T " * 200,
        description=WORDS,
        fields=[Field("N " * 200, WORDS) for _ in range(30)],
        footer="F " * 2000,
    )
    assert_within_limits(embed)
    assert len(embed.description) >= 900


def test_empty_field_parts_are_filled_so_discord_accepts_them():
    embed = build_embed(title="t", fields=[Field("", "")])
    assert embed.fields[0].name and embed.fields[0].value


def test_only_web_urls_are_linked():
    assert build_embed(title="t", url="https://example.com").url == "https://example.com"
    assert build_embed(title="t", url="javascript:alert(1)").url is None


# answers -------------------------------------------------------------------------------------


def test_an_answer_cites_its_source_in_the_footer_in_the_house_colour():
    embed = render.entry_embed(entry())
    assert embed.title == "Who directs Ballerina?"
    assert embed.description == "Ballerina is directed by Len Wiseman."
    assert embed.footer.text == (
        "Source: From the World of John Wick: Ballerina (feature) › Behind the camera"
    )
    assert embed.url == "https://example.com/b"
    assert embed.colour == render.COLOUR


def test_every_disagreement_note_is_visible():
    notes = ("The review says 2024.", "The feature says 2025.")
    embed = render.entry_embed(entry(notes=notes))
    assert [(f.name, f.value) for f in embed.fields] == [
        (render.DISAGREEMENT_TITLE, notes[0]),
        (render.DISAGREEMENT_TITLE, notes[1]),
    ]


def test_an_enormous_entry_is_cut_within_every_limit_with_its_note_and_source_kept():
    huge = entry(
        title="Long " * 100,
        text=WORDS,
        where="Somewhere " * 300,
        notes=tuple(WORDS for _ in range(30)),
    )
    embed = render.entry_embed(huge)
    assert_within_limits(embed)
    assert embed.fields[0].name == render.DISAGREEMENT_TITLE
    assert embed.footer.text.startswith("Source: From the World of John Wick: Ballerina")
    assert embed.description.endswith("…")


# replies that are text ---------------------------------------------------------------------------


def test_user_text_is_echoed_without_mentions_or_markdown():
    quoted = render.quote_user_text(
        "@everyone <@&123456789012345678> **bold**\n<@123456789012345678>"
    )
    assert "@everyone" not in quoted
    assert "<@&123456789012345678>" not in quoted and "<@123456789012345678>" not in quoted
    assert "**" not in quoted.replace("\\*", "")
    assert "\n" not in quoted


def test_user_text_echo_is_short():
    assert len(render.quote_user_text(WORDS, 50)) <= 50


def test_dont_know_names_the_closest_topics_once():
    text = render.dont_know_text(["The Cast", "The Cast", "Timeline"])
    assert text.startswith(render.DONT_KNOW)
    assert text.count("The Cast") == 1 and "Timeline" in text


def test_dont_know_without_topics_points_at_faq():
    assert "/faq" in render.dont_know_text([])


def test_help_suggests_an_example_question():
    text = render.help_text("Concierge", "Who directs Ballerina?")
    assert "@Concierge Who directs Ballerina?" in text and "/ask" in text


@pytest.mark.parametrize(("seconds", "shown"), [(0.2, "1 s"), (3.0, "3 s"), (9.6, "10 s")])
def test_cooldown_notice_says_how_long_to_wait(seconds, shown):
    assert shown in render.cooldown_text(seconds)


def test_about_lists_sources_and_counts_within_limits():
    summary = KnowledgeBaseSummary(
        entries=12, faqs=4, sections=8, sources=(SOURCE,), glossary_terms=7, disagreements=2
    )
    embed = render.about_embed(summary, "1.2.3")
    assert "12 entries" in embed.description
    assert "From the World of John Wick: Ballerina (feature)" in embed.fields[0].value
    assert embed.footer.text == "Concierge 1.2.3"
    assert_within_limits(embed)


def test_a_faq_page_lists_its_entries_and_where_we_are():
    entries = [entry(id=f"e{i}", title=f"Question {i}") for i in range(3)]
    embed = render.faq_page_embed("The Cast", entries, page=1, pages=4, part=2, parts=2)
    assert embed.title == "The Cast (2/2)"
    assert embed.description.splitlines() == ["• Question 0", "• Question 1", "• Question 2"]
    assert embed.footer.text.startswith("Page 2 of 4")

"""Markdown through a CommonMark parser: what each construct becomes in an entry's text."""

import pytest

from bot.core.ingest import detect_format, ingest_article


def text_of(markdown: str, fmt: str = "markdown") -> str:
    article = ingest_article(
        f"## Section\n\n{markdown}", source_id="demo", title="Demo", kind="article", fmt=fmt
    )
    assert [e.title for e in article.entries] == ["Section"]
    return article.entries[0].text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Knead **well**, then *rest* it.", "Knead well, then rest it."),
        ("Proof ~~overnight~~ for two hours.", "Proof overnight for two hours."),
        ("Read [the guide](https://example.com/guide) first.", "Read the guide first."),
        ("See ![a shaped loaf](loaf.png) here.", "See a shaped loaf here."),
        ("Run `concierge check` after.", "Run `concierge check` after."),
        ("One line\nwrapped onto two.", "One line wrapped onto two."),
        ("- flour\n- water\n- salt", "- flour\n- water\n- salt"),
        ("1. Mix\n2. Rest\n3. Bake", "1. Mix\n2. Rest\n3. Bake"),
        ("- Dough\n  - flour\n  - water\n- Oven", "- Dough\n  - flour\n  - water\n- Oven"),
        ("* **Bold** item", "- Bold item"),
        (
            "| Flour | Protein |\n|---|---|\n| Bread | 12% |\n| Cake | 8% |",
            "Flour | Protein\nBread | 12%\nCake | 8%",
        ),
        ("```sh\npython -m bot check\n```", "```sh\npython -m bot check\n```"),
        ("    indented code", "```\nindented code\n```"),
        ("> Quoted tip.", "Quoted tip."),
        ("First.\n\n---\n\nSecond.", "First.\n\nSecond."),
        ("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
        ("Text <span>with</span> inline html.", "Text with inline html."),
        ("<div>\n<p>Block html text.</p>\n<script>alert(1)</script>\n</div>", "Block html text."),
    ],
    ids=[
        "emphasis",
        "strikethrough",
        "link",
        "image",
        "code",
        "soft-break",
        "bullets",
        "numbered",
        "nested",
        "bold-item",
        "table",
        "fence",
        "indented-code",
        "quote",
        "rule",
        "entities",
        "inline-html",
        "html-block",
    ],
)
def test_markdown_constructs_become_readable_text(markdown, text):
    assert text_of(markdown) == text


def test_a_table_of_contents_is_left_out_and_a_list_of_links_elsewhere_kept():
    text = (
        "## Questions\n\n- [Is the map infinite?](#is-the-map-infinite)\n"
        "- [Game is lagging](#game-is-lagging)\n  - [On a laptop](laptop-lag)\n\n"
        "## Is the map infinite?\n\nNo, it is finite.\n\n"
        "## Game is lagging\n\nLower the view distance.\n\n"
        "## Community\n\n- [Discord](https://example.com/discord)\n"
    )
    article = ingest_article(text, source_id="demo", title="Demo", kind="article")
    assert [(e.title, e.text) for e in article.entries] == [
        ("Is the map infinite?", "No, it is finite."),
        ("Game is lagging", "Lower the view distance."),
        ("Community", "- Discord"),
    ]
    assert len(article.dropped) == 3  # the contents' lines, reported as left out


def test_front_matter_is_skipped():
    text = "---\ntitle: Baking\ntags: [bread]\n---\n\n## Section\n\nBody.\n"
    article = ingest_article(text, source_id="demo", title="Demo", kind="article")
    assert [(e.title, e.text) for e in article.entries] == [("Section", "Body.")]


def test_setext_headings_are_headings_in_markdown():
    # not a sign of Markdown for "auto": plain text underlines and rules look the same
    text = "Starter\n=======\n\nIntro.\n\nFeeding\n-------\n\nDaily.\n\nBaking\n======\n\nHot.\n"
    article = ingest_article(text, source_id="demo", title="Demo", kind="article", fmt="markdown")
    assert [(e.title, e.parent) for e in article.entries] == [
        ("Starter", None),
        ("Feeding", "Starter"),
        ("Baking", None),
    ]


def test_a_lone_leading_h1_is_the_title_and_not_a_section():
    text = "# Some Other Name\n\nIntro.\n\n## Part One\n\nText.\n"
    article = ingest_article(text, source_id="demo", title="Demo", kind="article")
    assert [(e.title, e.text) for e in article.entries] == [
        ("Demo", "Intro."),
        ("Part One", "Text."),
    ]


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("## Heading\n\nText.", "markdown"),
        ("Intro.\n\n**Why is my loaf flat?**\nWeak starter.", "markdown"),
        ("Read [the guide](https://example.com).", "markdown"),
        ("```\ncode\n```", "markdown"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "markdown"),
        ("<details><summary>Q?</summary>A</details>", "markdown"),
        ("---\ntitle: x\n---\nText.", "markdown"),
        # plain text pasted from a browser: bullets and #hashtags are not Markdown structure
        ("Themes\n-\nRevenge\n-\nPain", "text"),
        ("Cast and Crew\n- Ana de Armas\n- Keanu Reeves", "text"),
        ("Loved it #bread\nSo good.", "text"),
        ("", "text"),
    ],
)
def test_auto_format_reads_markdown_only_when_the_text_has_its_structure(text, fmt):
    assert detect_format(text) == fmt


def test_the_format_can_be_forced():
    text = "Cast and Crew\nAna de Armas stars.\n"
    as_text = ingest_article(text, source_id="demo", title="Demo", kind="article", fmt="text")
    as_markdown = ingest_article(
        text, source_id="demo", title="Demo", kind="article", fmt="markdown"
    )
    assert [e.title for e in as_text.entries] == ["Cast and Crew"]
    assert [e.title for e in as_markdown.entries] == ["Demo"]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format 'html' must be one of auto, markdown, text"):
        ingest_article("Text.", source_id="demo", title="Demo", kind="article", fmt="html")

"""Ingesting articles: headings, bullets, FAQs, introductions, sign-offs and entry ids."""

import pytest

from bot.core.ingest import (
    ID_LIMIT,
    IngestedArticle,
    ingest_article,
    is_sign_off_line,
    looks_like_heading,
    slugify,
)


def ingest(text: str, title: str = "Demo Article", source_id: str = "demo") -> IngestedArticle:
    return ingest_article(text, source_id=source_id, title=title, kind="feature")


def by_title(article: IngestedArticle) -> dict[str, dict[str, str | None]]:
    return {entry.title: entry.to_dict() for entry in article.entries}


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Cast and Crew", True),
        ("Why Ballerina Matters in the John Wick Universe", True),
        ("Ana de Armas as the Lead", True),
        ("Plot Overview (No Spoilers)", True),
        ("Revenge vs. Redemption", True),
        ("Delays and Behind-the-Scenes Buzz", True),
        ("First Appearance in John Wick: Chapter 3 – Parabellum", True),
        ("What’s Been Confirmed So Far", True),
        ("FAQs", True),
        ("CAST AND CREW", True),
        # Title Case questions are headings
        ("Who Is Ballerina?", True),
        ("What Are People Hoping For?", True),
        # sentence case, closing punctuation, length, bullets, numbers
        ("Is it worth the wait?", False),
        ("Rating: 3.5 out of 5 stars", False),
        ("Fans loved it.", False),
        ("Follow Me:", False),
        ("Yes, Keanu Reeves Appears.", False),
        ("The Director Returns!", False),
        ("A Title That Goes On And On With Far Too Many Words To Be A Heading At All", False),
        ("- Cast and Crew", False),
        ("* Cast and Crew", False),
        ("1. Cast and Crew", False),
        ("2025", False),
        ("the duality of art and violence", False),
    ],
)
def test_plain_text_heading_lines(line, heading):
    assert looks_like_heading(line) is heading


PLAIN = """Demo Article
An opening paragraph before any heading.
A second opening paragraph.
The Story So Far
She wants revenge. It is personal.
Cast and Crew
Major Stars
-
Ana de Armas as Rooney
-
Keanu Reeves as John Wick (cameo)
Who Is Behind It?
Directed by Someone, written by Someone Else.
Conclusion
It is good.
"""


def test_plain_text_article_becomes_sections_in_order():
    article = ingest(PLAIN)
    rows = [(e.title, e.parent, e.where) for e in article.entries]
    assert rows == [
        ("Demo Article", None, "Introduction"),
        ("The Story So Far", None, "The Story So Far"),
        ("Major Stars", "Cast and Crew", "Cast and Crew › Major Stars"),
        ("Who Is Behind It?", "Cast and Crew", "Cast and Crew › Who Is Behind It?"),
        ("Conclusion", None, "Conclusion"),
    ]


def test_title_line_is_not_a_section_and_intro_text_is_kept():
    intro = ingest(PLAIN).entries[0]
    assert intro.id == "demo-introduction"
    assert intro.text == "An opening paragraph before any heading.\n\nA second opening paragraph."


def test_bullets_are_kept_as_dash_lines_and_are_not_headings():
    entries = by_title(ingest(PLAIN))
    assert entries["Major Stars"]["text"] == (
        "- Ana de Armas as Rooney\n- Keanu Reeves as John Wick (cameo)"
    )
    assert "Ana de Armas as Rooney" not in entries


@pytest.mark.parametrize("marker", ["- ", "* ", "• "])
def test_inline_bullet_markers_become_dash_items(marker):
    text = f"Themes\n{marker}Revenge With a Purpose\n{marker}Pain as Transformation\n"
    assert by_title(ingest(text))["Themes"]["text"] == (
        "- Revenge With a Purpose\n- Pain as Transformation"
    )


def test_a_heading_without_text_is_a_group_its_children_name_not_an_entry():
    article = ingest(PLAIN)
    entries = by_title(article)
    assert "Cast and Crew" not in entries
    assert entries["Major Stars"]["parent"] == "Cast and Crew"
    assert entries["Who Is Behind It?"]["parent"] == "Cast and Crew"
    assert article.groups == 1


def test_closing_headings_end_a_parent():
    assert by_title(ingest(PLAIN))["Conclusion"]["parent"] is None


FAQ = """Intro text.
FAQs
Q1: Is John Wick in it?
Yes, in a cameo.
Q2: Who directs it?
Someone, known for other films.
"""


def test_numbered_q_lines_become_faq_entries():
    faqs = [e for e in ingest(FAQ).entries if e.kind == "faq"]
    assert [(e.title, e.text, e.where, e.parent) for e in faqs] == [
        ("Is John Wick in it?", "Yes, in a cameo.", "FAQs › Q1", "FAQs"),
        ("Who directs it?", "Someone, known for other films.", "FAQs › Q2", "FAQs"),
    ]
    assert [e.id for e in faqs] == ["demo-faq-is-john-wick-in-it", "demo-faq-who-directs-it"]


def test_faq_heading_with_only_questions_is_not_an_entry_itself():
    assert "FAQs" not in by_title(ingest(FAQ))


def test_question_lines_under_an_faq_heading_are_questions_even_without_numbers():
    text = "Frequently Asked Questions\nIs it good?\nA: Yes.\nWho Is In It?\nLots of people.\n"
    faqs = [(e.title, e.text, e.where) for e in ingest(text).entries]
    assert faqs == [
        ("Is it good?", "Yes.", "Frequently Asked Questions › Q1"),
        ("Who Is In It?", "Lots of people.", "Frequently Asked Questions › Q2"),
    ]


MARKDOWN = """# Demo Article

Some intro that is
wrapped over two lines.

## Cast and Crew

### Major Stars

* Ana de Armas as Rooney
* Keanu Reeves as John Wick

### Director

Directed by **Someone**.

## FAQ

### Q1: Is it out yet?

Not yet.
"""


def test_markdown_headings_give_levels_and_paths():
    article = ingest(MARKDOWN)
    rows = [(e.kind, e.title, e.parent, e.where, e.text) for e in article.entries]
    assert rows == [
        (
            "section",
            "Demo Article",
            None,
            "Introduction",
            "Some intro that is wrapped over two lines.",
        ),
        (
            "section",
            "Major Stars",
            "Cast and Crew",
            "Cast and Crew › Major Stars",
            "- Ana de Armas as Rooney\n- Keanu Reeves as John Wick",
        ),
        (
            "section",
            "Director",
            "Cast and Crew",
            "Cast and Crew › Director",
            "Directed by Someone.",
        ),
        ("faq", "Is it out yet?", "FAQ", "FAQ › Q1", "Not yet."),
    ]


def test_markdown_mode_does_not_guess_plain_headings():
    text = "## Real Heading\nLooks Like A Heading\nbody.\n"
    assert [e.title for e in ingest(text).entries] == ["Real Heading"]


def test_a_markdown_h1_that_is_not_the_title_but_alone_at_the_top_is_the_title():
    text = "# Some Other Name\nIntro.\n## Part One\nText.\n"
    assert [e.title for e in ingest(text).entries] == ["Demo Article", "Part One"]


def test_text_without_headings_is_one_introduction_entry():
    article = ingest("Just a paragraph.\nAnd another one.\n")
    assert [(e.title, e.text) for e in article.entries] == [
        ("Demo Article", "Just a paragraph.\n\nAnd another one.")
    ]


SIGNED = """Verdict
It is worth a watch.
Rating: 4 out of 5 stars
{line}
Thanks for reading, have a lovely day.
"""


@pytest.mark.parametrize(
    "line",
    [
        "Follow me on Instagram",
        "Follow us for more reviews",
        "Message me anytime",
        "Find me on social media",
        "Subscribe to the channel",
        "Twitter @someone_writes",
        "Write to hello@example.org",
    ],
)
def test_sign_off_is_dropped_from_the_first_boilerplate_line_to_the_end(line):
    article = ingest(SIGNED.format(line=line))
    assert [(e.title, e.text) for e in article.entries] == [
        ("Verdict", "It is worth a watch.\n\nRating: 4 out of 5 stars")
    ]
    assert article.dropped == (line, "Thanks for reading, have a lovely day.")
    assert article.dropped_from_line == 4


@pytest.mark.parametrize(
    ("line", "boilerplate"),
    [
        ("Instagram @headphonesthoughts", True),
        ("email me @ contact@example.com", True),
        ("The film opens on June 6.", False),
        ("Fans want intense action and emotional depth.", False),
        ("Meet me @ 9", False),
    ],
)
def test_sign_off_lines(line, boilerplate):
    assert is_sign_off_line(line) is boilerplate


def test_nothing_is_dropped_without_a_sign_off_and_a_final_faq_answer_is_kept():
    text = "FAQs\nQ1: Where can I watch it?\nSubscribe to a streaming service to watch it.\n"
    article = ingest(text)
    assert article.dropped == ()
    assert article.entries[-1].text == "Subscribe to a streaming service to watch it."


def test_sign_off_words_before_the_last_heading_are_content():
    text = "Buzz\nIt went viral on social media.\nVerdict\nGood.\n"
    article = ingest(text)
    assert article.dropped == ()
    assert by_title(article)["Buzz"]["text"] == "It went viral on social media."


def test_whitespace_is_normalised_and_typography_kept():
    text = "Heading\u00a0One\n  It\u2019s   a \t“quote”—with dashes…  and   spaces.  \r\n"
    entry = ingest(text).entries[0]
    assert (entry.title, entry.text) == ("Heading One", "It’s a “quote”—with dashes… and spaces.")


def test_rules_and_zero_width_characters_are_formatting_not_text():
    text = "Part One\n---\nSome\u200b text.\n=====\n"
    assert [(e.title, e.text) for e in ingest(text).entries] == [("Part One", "Some text.")]


def test_ids_are_deterministic_unique_and_short():
    long_heading = "Why " + " ".join(["Extraordinary"] * 6)
    text = f"Part One\nText.\nPart One\nMore text.\n{long_heading}\nEven more.\n"
    first = ingest(text, source_id="a-rather-long-source-id")
    second = ingest(text, source_id="a-rather-long-source-id")
    ids = [e.id for e in first.entries]
    assert ids == [e.id for e in second.entries]
    assert ids[:2] == ["a-rather-long-source-id-part-one", "a-rather-long-source-id-part-one-2"]
    assert len(set(ids)) == len(ids)
    for entry_id in ids:
        assert len(entry_id) <= ID_LIMIT
        assert entry_id == slugify(entry_id)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("What’s Been Confirmed So Far", "whats-been-confirmed-so-far"),
        ("First Appearance in John Wick: Chapter 3 – Parabellum", None),
        ("Café Olé!", "cafe-ole"),
        ("???", ""),
    ],
)
def test_slugify(text, slug):
    result = slugify(text)
    assert result == slug if slug is not None else result.startswith("first-appearance-in-john")
    assert len(slugify(text * 10)) <= ID_LIMIT


def test_blank_line_separated_paragraphs_are_joined_within_a_block():
    text = "Intro line one\ncontinues here.\n\nA Heading\nBody line one\nbody line two.\n"
    rows = [(e.title, e.text) for e in ingest(text).entries]
    assert rows == [
        ("Demo Article", "Intro line one continues here."),
        ("A Heading", "Body line one body line two."),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source_id": "Bad Id", "title": "T", "kind": "feature"}, "source id"),
        ({"source_id": "ok", "title": "T", "kind": "poem"}, "kind"),
        ({"source_id": "ok", "title": "  ", "kind": "feature"}, "title"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ingest_article("Text.", **kwargs)


def test_to_dict_has_the_file_shape():
    data = ingest(FAQ).to_dict()
    assert data["source"] == {"id": "demo", "title": "Demo Article", "kind": "feature"}
    assert list(data["entries"][0]) == ["id", "kind", "title", "parent", "where", "text"]

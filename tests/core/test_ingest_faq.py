"""FAQ recognition in every form, groups, and `kind: faq`: baking, game and software FAQs."""

import pytest

from bot.core.ingest import IngestedArticle, ingest_article


def ingest(text: str, kind: str = "article", fmt: str = "auto") -> IngestedArticle:
    return ingest_article(text, source_id="demo", title="Demo FAQ", kind=kind, fmt=fmt)


def faqs(article: IngestedArticle) -> list[tuple[str, str]]:
    return [(e.title, e.text) for e in article.entries if e.kind == "faq"]


BAKING_HEADINGS = """# Sourdough FAQ

## Starter

### How do I feed my starter?

Equal weights of flour and water, once a day.

### Why is my loaf flat?

Your starter is weak, or the dough over-proofed.
"""

BAKING_BOLD = """## Troubleshooting

**Why is my loaf flat?**
Your starter is weak, or the dough over-proofed.

**How long should I knead?**

About ten minutes by hand, until the dough is smooth.
"""

BAKING_BOLD_LEADS = """Our bakery answers.

**Can I freeze dough?** Yes, for up to a month.

**Do you sell starter?**: Every Saturday.

**Q: Do you bake rye?** A: On Fridays.
"""

GAME_Q_LINES = """## Getting started

Q: How do I save the game?
A: Press F5 anywhere outside combat.

Q2: Can I play offline?
A2: Yes, after the first login.

Q3: Is there a map editor? A3: Yes, from the main menu.
"""

SOFTWARE_DETAILS = """## Account

<details>
<summary>How do I reset my password?</summary>

Open **Settings**, then choose *Reset password*.

</details>

<details><summary>Can I change my username?</summary>Once every 30 days.</details>
"""

SOFTWARE_DL = """## Terms

<dl>
<dt>Is there a free plan?</dt>
<dd>Yes, for up to three projects.</dd>
<dt>Seat</dt><dd>One person who can sign in.</dd>
</dl>
"""

GAME_DEFLIST = """## Multiplayer

Is cross-play supported?
: Yes, between PC and consoles.
"""

PLAIN_PASTED = """Support FAQ
Welcome to the help page.

Account Questions

How do I reset my password?
Open Settings and choose Reset password.

Why was I logged out?
Sessions end after 30 days.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            BAKING_HEADINGS,
            [
                ("How do I feed my starter?", "Equal weights of flour and water, once a day."),
                ("Why is my loaf flat?", "Your starter is weak, or the dough over-proofed."),
            ],
        ),
        (
            BAKING_BOLD,
            [
                ("Why is my loaf flat?", "Your starter is weak, or the dough over-proofed."),
                (
                    "How long should I knead?",
                    "About ten minutes by hand, until the dough is smooth.",
                ),
            ],
        ),
        (
            BAKING_BOLD_LEADS,
            [
                ("Can I freeze dough?", "Yes, for up to a month."),
                ("Do you sell starter?", "Every Saturday."),
                ("Do you bake rye?", "On Fridays."),
            ],
        ),
        (
            GAME_Q_LINES,
            [
                ("How do I save the game?", "Press F5 anywhere outside combat."),
                ("Can I play offline?", "Yes, after the first login."),
                ("Is there a map editor?", "Yes, from the main menu."),
            ],
        ),
        (
            SOFTWARE_DETAILS,
            [
                ("How do I reset my password?", "Open Settings, then choose Reset password."),
                ("Can I change my username?", "Once every 30 days."),
            ],
        ),
        (
            SOFTWARE_DL,
            [
                ("Is there a free plan?", "Yes, for up to three projects."),
            ],
        ),
        (GAME_DEFLIST, [("Is cross-play supported?", "Yes, between PC and consoles.")]),
        (
            PLAIN_PASTED,
            [
                ("How do I reset my password?", "Open Settings and choose Reset password."),
                ("Why was I logged out?", "Sessions end after 30 days."),
            ],
        ),
    ],
    ids=[
        "question-headings",
        "bold-lines",
        "bold-leads",
        "q-a-lines",
        "details",
        "dl",
        "deflist",
        "pasted",
    ],
)
def test_every_question_form_becomes_an_faq_entry_with_its_answer(text, expected):
    assert faqs(ingest(text)) == expected


def test_a_definition_that_is_not_a_question_stays_a_named_line_of_its_section():
    terms = {e.title: e for e in ingest(SOFTWARE_DL).entries}["Terms"]
    assert (terms.kind, terms.text) == ("section", "- Seat: One person who can sign in.")


def test_text_after_a_details_block_belongs_to_the_section_again():
    text = SOFTWARE_DETAILS.replace(
        "</details>\n\n<details>", "</details>\n\nMore account help.\n\n<details>"
    )
    account = {e.title: e for e in ingest(text).entries}["Account"]
    assert account.text == "More account help."


def test_question_headings_under_a_group_name_the_group_as_parent():
    article = ingest(BAKING_HEADINGS)
    assert [(e.title, e.parent, e.where) for e in article.entries] == [
        ("How do I feed my starter?", "Starter", "Starter › How do I feed my starter?"),
        ("Why is my loaf flat?", "Starter", "Starter › Why is my loaf flat?"),
    ]
    assert article.groups == 1


def test_a_group_heading_is_not_an_entry_and_its_text_is_not_composed():
    article = ingest(PLAIN_PASTED)
    assert "Account Questions" not in [e.title for e in article.entries]
    assert {e.parent for e in article.entries if e.kind == "faq"} == {"Account Questions"}
    assert article.groups == 1


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        (BAKING_HEADINGS, ["demo-how-do-i-feed-my-starter", "demo-why-is-my-loaf-flat"]),
        (
            GAME_Q_LINES,
            [
                "demo-faq-how-do-i-save-the-game",
                "demo-faq-can-i-play-offline",
                "demo-faq-is-there-a-map-editor",
            ],
        ),
        (BAKING_BOLD, ["demo-faq-why-is-my-loaf-flat", "demo-faq-how-long-should-i-knead"]),
    ],
)
def test_ids_come_from_the_heading_or_the_question(text, ids):
    assert [e.id for e in ingest(text).entries if e.kind == "faq"] == ids


GAME_FAQ_STATEMENTS = """# Game FAQ

## My save disappeared!

Saves live in the saves folder; check it before reinstalling.

## I'm cold and can't sleep at night

Wear more layers and build a fire.
"""


def test_under_kind_faq_every_heading_with_an_answer_is_a_question():
    assert [e.kind for e in ingest(GAME_FAQ_STATEMENTS, kind="faq").entries] == ["faq", "faq"]
    assert [e.kind for e in ingest(GAME_FAQ_STATEMENTS).entries] == ["section", "section"]


def test_q_and_a_on_one_plain_text_line_is_a_question_and_its_answer():
    text = "Help\nQ: Can I play offline? A: Yes, after the first login.\n"
    assert faqs(ingest(text, fmt="text")) == [
        ("Can I play offline?", "Yes, after the first login.")
    ]


def test_under_kind_faq_plain_question_lines_are_questions_without_an_faq_heading():
    text = "Returns\nCan I return an opened item?\nYes, within 14 days.\n"
    assert faqs(ingest(text, kind="faq")) == [
        ("Can I return an opened item?", "Yes, within 14 days.")
    ]


@pytest.mark.parametrize(
    ("line", "question"),
    [
        ("How do I reset my password?", True),
        ("Why is the app slow on first start?", True),
        ("It broke. Why?", False),  # an answer that ends in a question
        ("is lower case really a question?", False),
        ("- How do I reset my password?", False),
        ("A very long question " + "that goes on " * 20 + "?", False),
    ],
)
def test_plain_text_question_lines(line, question):
    text = f"Help Topics\nIntro.\n\n{line}\nThe answer.\n"
    found = [e.title for e in ingest(text).entries if e.kind == "faq"]
    assert (found == [line]) is question


def test_a_question_without_an_answer_is_left_out_with_a_warning():
    article = ingest("## Help\n\n**Why is my loaf flat?**\n")
    assert article.entries == ()
    assert article.warnings == ("question 'Why is my loaf flat?' has no answer and was left out",)


def test_a_question_heading_with_only_sub_sections_is_a_group_of_them():
    text = "## FAQ\n\n### How do I install?\n\n#### Windows\n\nRun it.\n\n#### Mac\n\nDrag it.\n"
    article = ingest(text, kind="faq")
    assert [(e.title, e.parent) for e in article.entries] == [
        ("Windows", "How do I install?"),
        ("Mac", "How do I install?"),
    ]
    assert (article.groups, article.warnings) == (2, ())

"""Glossary phrases: variants, their regular inflections, and names kept as written."""

import pytest

from bot.core.glossary import Glossary, inflections
from bot.core.model import GlossaryTerm
from bot.core.text import words

GLOSSARY = Glossary(
    [
        GlossaryTerm("theory", ("theorize", "speculate", "rumor")),
        GlossaryTerm("cameo", ("appear",)),
        GlossaryTerm("production", ("shooting",)),
        GlossaryTerm("fight", ("shoot",)),  # "shooting" is listed for production: that wins
        GlossaryTerm("Chapter 4", ("Wick 4",), kind="name"),
        GlossaryTerm("Len Wiseman", ("Wiseman",), kind="name"),
    ]
)


def concepts(text: str) -> list[tuple[str, ...]]:
    return [keys for _, _, keys in GLOSSARY.spans(words(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what are fans theorizing", [("=theori",)]),
        ("people speculated and rumored", [("=theori",), ("=theori",)]),
        ("has he appeared yet", [("=cameo",)]),
        ("when did shooting start", [("=product",)]),
        ("a wisemaned film", []),  # names are never inflected
        ("directly", []),  # only -ed and -ing: no other derivation
    ],
)
def test_a_regular_inflection_of_a_fan_word_means_the_same(text, expected):
    assert concepts(text) == expected


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("theorize", ["theorized", "theorizing"]),
        ("appear", ["appeared", "appearing"]),
        ("pen", []),  # too short to guess at
        ("directed", []),  # already inflected
        ("spin-off", []),
    ],
)
def test_inflections_are_the_regular_ed_and_ing_forms(word, forms):
    assert inflections(word) == forms


NUMBERED = Glossary(
    [
        GlossaryTerm("Chapter 4", ("John Wick 4",), kind="name"),
        GlossaryTerm("Season 2", (), kind="name"),
        GlossaryTerm("Series 2", (), kind="name"),  # shares "se 2" with Season 2
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("is it before or after ch4", [("=chapter_4",)]),
        ("is it before or after chap 4", [("=chapter_4",)]),
        ("jw4 was better", [("=chapter_4",)]),
        ("seas2 when", [("=season_2",)]),
        ("se2 when", []),  # Season 2 or Series 2: neither
        ("ch 5", []),  # another number is another name
    ],
)
def test_a_numbered_name_is_known_by_its_shortenings(text, expected):
    assert [keys for _, _, keys in NUMBERED.spans(words(text))] == expected

"""Question cleaning: Discord markup, URLs, markdown and odd Unicode never disturb matching."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.text import clean_question, proper_words, stem, words


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<@123456789012345678> who directs Ballerina?", "who directs Ballerina?"),
        ("<@!123> who <#42> directs <@&9> it", "who directs it"),
        ("is <:wick:123456> <a:dance:99> keanu in it", "is keanu in it"),
        ("@everyone @here who wrote it", "who wrote it"),
        ("someone in #general said it, not C# or #1", "someone in said it, not C# or #1"),
        ("**who** __wrote__ ~~it~~ ||spoiler|| `code`", "who wrote it spoiler code"),
        ("> quoted question\n# heading", "quoted question heading"),
        ("see https://example.com/x?y=1 and <https://a.b> ok", "see and ok"),
        ("[the trailer](https://youtu.be/x) when", "the trailer when"),
        ("z̷̢̛a̶͔͝l̸g̵o̴ text", "zalgo text"),
        ("nul\x00byte\x07here", "nul byte here"),
        ("  lots   of\n\nspace\t ", "lots of space"),
        ("", ""),
    ],
)
def test_clean_question_strips_markup_and_noise(raw, expected):
    assert clean_question(raw) == expected


def test_clean_question_caps_length_at_a_word_boundary():
    cleaned = clean_question("word " * 5000, max_chars=100)
    assert len(cleaned) <= 100
    assert cleaned.endswith("word")


@pytest.mark.parametrize(
    ("forms", "same"),
    [
        (["directed", "directing", "directs", "direct"], True),
        (["release", "released", "releasing", "releases"], True),
        (["theory", "theories"], True),
        (["fight", "fights"], True),
        (["wrapped", "wrap"], True),
        (["cast", "casting"], True),
        (["ballerina", "ballerinas"], True),
        (["star", "stop"], False),
        (["told", "tells", "telling", "tell"], True),  # irregular forms: their lemma
        (["fought", "fighting"], True),
        (["mice", "mouse"], True),
        (["wider", "wide"], False),  # a comparison says more than its adjective
        (["saw", "see"], False),  # a saw, or seen: not folded
    ],
)
def test_stemming_folds_forms_of_one_word_together(forms, same):
    assert (len({stem(f) for f in forms}) == 1) is same


def test_words_fold_case_accents_apostrophes_and_possessives():
    assert words("Rooney’s CAFÉ isn't Wick's") == ["rooney", "cafe", "isn't", "wick"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Who directs BALLERINA?", ["who", "directs", "ballerina"]),
        ("snake_case, hy-phen; 2nd (2025)", ["snake", "case", "hy", "phen", "2nd", "2025"]),
        ("tabs\tand\nnewlines", ["tabs", "and", "newlines"]),
        ("Wick's `gun` isn't", ["wick", "gun", "isn't"]),
        ("", []),
    ],
)
def test_words_split_plain_text_on_anything_but_letters_and_digits(text, expected):
    assert words(text) == expected


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_words_of_ascii_text_follow_the_same_rule_as_any_other_text(text):
    # ASCII text skips the regex; it must split exactly as the Unicode word pattern would.
    marked = text + " é"  # one non-ASCII word forces the regex path
    assert [*words(text), "e"] == words(marked)


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What is the plot of Underworld?", ["Underworld"]),
        ("hey. Is it like Nobody? or like Extraction", ["Nobody", "Extraction"]),
        ("who plays Rooney's father", ["Rooney's"]),
        ("What is Underworld’s plot?", ["Underworld’s"]),
        ("What Is The Plot Of Underworld", []),  # Title Case: case says nothing
        ("WHO DIRECTED BALLERINA", []),
        ("Underworld plot", []),  # a sentence's first word is capitalised anyway
    ],
)
def test_proper_words_are_those_capitalised_inside_a_sentence(question, names):
    assert proper_words(question) == names

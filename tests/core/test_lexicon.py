"""Domains are data a knowledge base chooses; English word frequency weighs unknown words."""

import pytest
import yaml

from bot.core import Answer, Engine, load_knowledge_base
from bot.core.lexicon import (
    LexiconError,
    commonness_share,
    is_stopword,
    known_domains,
    known_share,
    load_lexicon,
    source_hint,
    strip_filler,
)


def test_every_shipped_domain_loads():
    assert {"general", "film", "series", "game", "book", "software"} <= set(known_domains())
    for name in known_domains():
        lexicon = load_lexicon([name])
        assert lexicon.domains[0] == "general"


def test_an_unknown_domain_is_named_with_the_known_ones():
    with pytest.raises(LexiconError, match=r"unknown domain 'flim'; known: .*film"):
        load_lexicon(["flim"])


def test_how_long_is_a_runtime_only_in_the_film_domain():
    assert "runtime" in load_lexicon(["film"]).implied_facets("how long is it")
    assert load_lexicon([]).implied_facets("how long is it") == []


@pytest.mark.parametrize(
    ("chat", "topic"),
    [("weekend", "inception"), ("brother", "stahelski"), ("remember", "laptop")],
)
def test_a_rare_unknown_word_weighs_more_than_a_common_one(chat, topic):
    assert commonness_share(chat) < commonness_share(topic)


@pytest.mark.parametrize(
    ("word", "stop"),
    [
        ("where'd", True),  # a question word, contracted
        ("who'll", True),
        ("wat", True),  # a question word as chat spells it
        ("some1", True),
        ("teh", True),  # "the" as it is often typed
        ("totally", True),  # how much, not what: "am i gonna be totally lost"
        ("actual", True),  # "whats the actual story" asks for the story
        ("ones", True),
        ("havent", True),  # "haven't" without its apostrophe
        ("shouldnt", True),
        ("percent", False),  # a word of its own, no "percen't"
        ("rooney's", False),  # a name's possessive is still the name
        ("trailer", False),
    ],
)
def test_chat_spellings_of_words_that_say_nothing_say_nothing(word, stop):
    assert is_stopword(word) is stop


def test_a_number_is_never_chat():
    assert commonness_share("2") == 1.0


def test_a_very_common_known_word_weighs_less():
    assert known_share("right") < known_share("choreography") == 1.0


def write_base(tmp_path, entries, domains=()):
    (tmp_path / "sources").mkdir()
    source = {"source": {"id": "bake", "title": "Baking FAQ", "kind": "faq"}, "entries": entries}
    (tmp_path / "sources" / "bake.yaml").write_text(yaml.safe_dump(source))
    (tmp_path / "sources.yaml").write_text(
        yaml.safe_dump({"domains": list(domains), "sources": []})
    )
    return load_knowledge_base(tmp_path)


BAKING = [
    {
        "id": "bake-rise",
        "kind": "faq",
        "title": "How long does the dough need to rise?",
        "text": "Let it rise for one to two hours, until doubled.",
    },
    {
        "id": "bake-flat",
        "kind": "faq",
        "title": "Why is my loaf flat?",
        "text": "Usually the dough over-proofed or the starter was weak.",
    },
    {
        "id": "bake-flour",
        "kind": "faq",
        "title": "Which flour should I use?",
        "text": "Bread flour, with 12 to 14 percent protein.",
    },
]


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("How long does the dough need to rise?", "bake-rise"),
        ("how long should my dough rise", "bake-rise"),
        ("hey all, first bake ever lol. how long does dough need to rise??", "bake-rise"),
        ("why is my loaf so flat", "bake-flat"),
    ],
)
def test_a_baking_base_answers_its_own_questions_without_film_words(tmp_path, question, entry_id):
    engine = Engine(write_base(tmp_path, BAKING))
    result = engine.ask(question)
    assert isinstance(result, Answer), engine.explain(question).why
    assert result.entry.id == entry_id


GAME = [
    {
        "id": "pad",
        "kind": "faq",
        "title": "My controller is not working",
        "text": "Install a driver for it, then restart.",
    },
    {"id": "audio", "kind": "faq", "title": "Audio not working", "text": "Pick another device."},
    {"id": "map", "kind": "faq", "title": "Is the map infinite?", "text": "No, it is finite."},
    {"id": "guns", "kind": "faq", "title": "There are too many calibers!", "text": "Learn 9mm."},
]


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("my gamepad is not working", "pad"),
        ("the sound is not working", "audio"),
        ("too much ammo", "guns"),
    ],
)
def test_a_game_base_knows_the_words_players_use(tmp_path, question, entry_id):
    engine = Engine(write_base(tmp_path, GAME, domains=["game"]))
    result = engine.ask(question)
    assert isinstance(result, Answer), engine.explain(question).why
    assert result.entry.id == entry_id


def test_the_domain_comes_from_the_knowledge_base(tmp_path):
    engine = Engine(write_base(tmp_path, BAKING, domains=["film"]))
    assert engine.lexicon.domains == ("general", "film")


@pytest.mark.parametrize(
    ("question", "kind", "kept"),
    [
        ("How was the acting according to the review?", "review", "How was the acting"),
        ("what does it say in the faq about refunds", "faq", "what does it say about refunds"),
        ("did the reviewer think it was too long", "review", "did the reviewer think"),
        ("who plays rooney", None, "who plays rooney"),
    ],
)
def test_a_question_that_names_its_source_says_which_kind(question, kind, kept):
    found, text = source_hint(question)
    assert found == kind
    assert " ".join(kept.split()) in " ".join(text.split())


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        # who the asker is, said first, is chat
        ("new player here :) my guy sinks", ":) my guy sinks"),
        ("ok. newbie here, how do i swim", "ok. , how do i swim"),
        # ...but a new thing somewhere is a topic
        ("is there a new area here", "is there a new area here"),
        # "keeps sinking" is sinking: how often is not the topic
        ("my guy keeps sinking", "my guy sinking"),
        ("how do i keep food fresh", "how do i keep food fresh"),
        # an embedded question is the question: "does anyone remember" is how it asks
        ("does anyone remember who directed it", "who directed it"),
        ("i forgot what the plot is", "what the plot is"),
        ("i remember the fire fight", "i remember the fire fight"),
        # what is asked of whoever reads it is chat
        ("how old are you", ""),
        ("who are you and what are ferals", "and what are ferals"),
    ],
)
def test_chat_phrases_are_taken_out_and_topics_kept(message, kept):
    assert " ".join(strip_filler(message).split()) == kept

"""The engine answers what the knowledge base knows, and honestly abstains otherwise."""

import gc
import weakref
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Answer, Engine, MatchSettings, NoAnswer, load_knowledge_base

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge_base(DATA))


def answer_text(result) -> str:
    assert isinstance(result, Answer), f"expected an answer, got {result}"
    return f"{result.entry.title}\n{result.entry.text}"


@pytest.mark.parametrize(
    ("question", "must_contain"),
    [
        # word order, case and punctuation do not matter
        ("Ballerina directed by who", "Len Wiseman"),
        ("WHO DIRECTED BALLERINA???", "Len Wiseman"),
        # typos, including in names
        ("who directid balerina", "Len Wiseman"),
        ("is keanu reevs in ballerina", "cameo"),
        # a short misspelt question word is that word, not an unknown topic
        ("wher does ballerina take place in the timeline", "Chapter 3 and Chapter 4"),
        # Discord markup, markdown, URLs and filler around the question
        ("<@123456789> <@!42> who **directed** ballerina?", "Len Wiseman"),
        (
            "hey guys quick question <#99> who directed ballerina https://example.com/x",
            "Len Wiseman",
        ),
        ("<:wick:1234567> is keanu reeves in it @everyone", "cameo"),
        # chat filler, elongation and swapped letters
        ("sooo who wrote this thing? asking for a friend", "Shay Hatten"),
        ("any fan theroies about rooney", "High Table"),
        # a case-sensitive glossary variant names the character, not the job
        ("who plays The Director", "Anjelica Huston"),
        # a "when" question is answered by an entry that names a time
        ("when is it coming out", "June 2025"),
        # fan phrasings the glossary knows: "find out"/"discover" is "uncover", "see" someone
        ("what did rooney discover about her father", "father’s death"),
        ("do we get to see keanu in ballerina", "cameo"),
        # who plays whom: answered by a text that pairs the actor with the role
        ("who plays winston", "Winston (Ian McShane)"),
        ("what role does keanu reeves play", "Keanu Reeves as John Wick"),
        ("who plays roony", "Ana de Armas as Rooney"),  # the role searched as corrected
        # chat about the asker ("im confused") is not about the film; "sits in" is placement
        ("ok im confused, where does ballerina sit in the franchise", "Chapter 3 and Chapter 4"),
        # what the question excludes is not what it asks about
        ("who else is in the cast apart from ana de armas", "Gabriel Byrne"),
        # a capitalised name that the sources also capitalise is still matched
        ("What is the story of Ballerina?", "Rooney"),
        # a "how many" question is answered by an entry that gives a number
        ("how many stars did the review give", "3.5 out of 5"),
    ],
)
def test_answers_survive_typos_order_and_markup(engine, question, must_contain):
    assert must_contain in answer_text(engine.ask(question))


@pytest.mark.parametrize(
    "question",
    [
        "who directed inception",
        "what's the plot of titanic",
        "when does the next marvel movie come out",
        "who directed john wick chapter 4",
        "how tall is keanu reeves",
        "what is the box office of ballerina",
        "asdfghjkl",
        "how do I bake bread",
        # the franchise's name is in nearly every entry, but it is what this question is about
        "who directed john wick",
        # named only as a credit in parentheses: "(John Wick: Chapter 3, Army of the Dead)"
        "who directed army of the dead",
        # film facets the sources never give, asked by name or by the question's shape
        "who composed the music for ballerina",
        "how long is ballerina",
        "where was ballerina filmed",
        # ...even when the rest of the question is an entry's own words
        "where was it filmed before filming wrapped in late 2023",
        "does rooney get her revenge at the end of the movie",
        # the only entry naming Underworld gives no number: "how many" finds no answer there
        "how many underworld films are there",
        # the sources name the role or the actor, but never pair them with anyone
        "who plays rooney's mother",
        "Who plays Rooney’s mother?",  # a phone's apostrophe
        "what character does catalina sandino moreno play",
        "who does gabriel byrne play in it",
        # a capitalised name the sources only use as a common word ("the chaos left in...")
        "tell me about the movie Chaos",
        "what is the story of Betrayal",
    ],
)
def test_abstains_when_the_question_is_about_something_else(engine, question):
    result = engine.ask(question)
    assert isinstance(result, NoAnswer), f"{question!r} answered with {result}"


def test_an_answer_says_why_it_matched(engine):
    result = engine.ask("who directed ballerina")
    assert isinstance(result, Answer)
    assert 0 < result.score <= 100
    assert result.matched_terms


def test_no_answer_offers_at_most_three_suggestions(engine):
    for question in ("ballerina fight", "rooney", "john wick universe future", "dance"):
        result = engine.ask(question)
        assert len(result.suggestions) <= 3


def test_the_release_answer_shows_that_the_sources_disagree(engine):
    result = engine.ask("when does ballerina come out")
    assert "June 2025" in answer_text(result)
    assert any("2024" in note and "2025" in note for note in result.entry.notes)


def test_stricter_thresholds_from_settings_turn_answers_into_suggestions():
    strict = Engine(load_knowledge_base(DATA), MatchSettings(answer_threshold=99.9))
    result = strict.ask("who is ana de armas playing")
    assert isinstance(result, NoAnswer)
    assert result.suggestions


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   \n\t ",
        "?" * 50,
        "🩰🔫💃🏻" * 20,
        "z̸̧̛̤͓̈́͊a̷̛̲l̵̪͐g̶̱̈o̴̝͝ ẗ̴̪́e̶̜̚x̷̠̾t̵͖͐",
        "who\x00 directs\x00 ballerina",
        "من هو مخرج باليرينا؟",
        "\u202ewho directs ballerina\u202c",
        "who directs ballerina " * 500,
        "<@123>" * 1000,
        "a" * 10_000,
    ],
)
def test_odd_input_never_raises(engine, question):
    result = engine.ask(question)
    assert isinstance(result, Answer | NoAnswer)


def test_a_long_question_is_capped_not_rejected(engine):
    long_question = "who directs ballerina " + "please " * 3000
    assert "Len Wiseman" in answer_text(engine.ask(long_question))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=2000))
def test_any_text_gets_a_result_with_bounded_suggestions(engine, question):
    result = engine.ask(question)
    assert len(result.suggestions) <= 3
    if isinstance(result, Answer):
        assert 0 < result.score <= 100


@pytest.mark.parametrize("typed", ["", "d", "dir", "who is", "ana de", "zzzzzz", "x" * 300])
def test_autocomplete_returns_at_most_25_choices(engine, typed):
    choices = engine.complete(typed, limit=25)
    assert len(choices) <= 25
    assert all(engine.kb.get(c.entry_id) is not None for c in choices)


def test_autocomplete_puts_the_matching_title_first(engine):
    choices = engine.complete("who is direct")
    assert choices and "direct" in choices[0].title.lower()


def test_a_repeated_question_is_answered_from_memory(engine):
    first = engine.ask("who directs ballerina")
    again = engine.ask("  who   directs ballerina ")
    assert again is first


def test_the_answer_cache_can_be_turned_off():
    uncached = Engine(load_knowledge_base(DATA), MatchSettings(cache_size=0))
    first = uncached.ask("who directs ballerina")
    again = uncached.ask("who directs ballerina")
    assert again == first and again is not first


def test_an_engine_let_go_is_freed_at_once_even_with_the_collector_off():
    # A reload replaces the engine; the bot freezes the garbage collector, so an engine
    # kept alive by a reference cycle would never be freed, one knowledge base per reload.
    engine = Engine(load_knowledge_base(DATA))
    engine.ask("who directs ballerina")
    engine.ask("who directid balerina")  # fills the typo corrections too
    gone = weakref.ref(engine)
    gc.disable()
    try:
        del engine
        assert gone() is None
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("message", "entry_id"),
    [
        # a story first; the question after it decides
        (
            "omg just saw the trailer again 😭 who directed ballerina??",
            "wick-ballerina-faq-who-is-directing-ballerina",
        ),
        ("loved chapter 4 btw. who wrote ballerina", "wick-ballerina-director-and-writers"),
        # a reply addressed to someone else, slang and a tag
        (
            "@mia nah u got it wrong lol. who plays rooney?",
            "wick-ballerina-major-stars-in-the-film",
        ),
        ("soooo is keanu in it or nah", "wick-ballerina-faq-is-john-wick-in-ballerina"),
        # a request phrased as a statement
        ("tell me about the ruska roma", "wick-ballerina-the-ruska-roma-ballet-academy"),
        ("need the name of whoever directed it", "wick-ballerina-faq-who-is-directing-ballerina"),
        ("WHO IS THE DIRECTOR OF BALLERINA", "wick-ballerina-faq-who-is-directing-ballerina"),
        # two questions: the second names only what nearly every entry is about
        (
            "who wrote the screenplay? did the writer work on other wick movies too",
            "wick-ballerina-director-and-writers",
        ),
    ],
)
def test_chat_around_a_question_neither_sinks_it_nor_drags_another_entry_in(
    engine, message, entry_id
):
    result = engine.ask(message)
    assert isinstance(result, Answer), engine.explain(message).why
    assert result.entry.id == entry_id


@pytest.mark.parametrize(
    "message",
    [
        "ok but how long is ballerina, need to plan my evening",
        "when does ballerina 3 come out",
        "what is ana de armas age rn",
        "who directed inception lol",
    ],
)
def test_chat_shaped_look_alikes_are_still_refused(engine, message):
    assert isinstance(engine.ask(message), NoAnswer)


def test_every_title_autocomplete_offers_answers_with_its_own_entry(engine):
    for entry in engine.kb.entries:
        result = engine.ask(entry.title)
        assert isinstance(result, Answer) and result.entry.id == entry.id, entry.title


@pytest.mark.parametrize("typed", ["what's ballerina about", "whats ballerina about?"])
def test_an_alias_typed_with_a_contraction_is_still_that_alias(engine, typed):
    # the alias is "What is Ballerina about?"; every entry names Ballerina, so only the alias
    # says which entry is meant
    result = engine.ask(typed)
    assert isinstance(result, Answer)
    assert result.entry.id == "wick-ballerina-what-we-know-about-the-story"


def test_a_title_cut_to_fit_an_autocomplete_choice_still_answers_with_its_entry(tmp_path):
    long_title = "How do I " + " ".join(f"step{n} carefully" for n in range(12)) + "?"
    engine = faq_engine(tmp_path, [("long", long_title, "Slowly.")])
    cut = long_title[:99] + "…"  # as Discord's 100-character choice limit leaves it
    result = engine.ask(cut)
    assert isinstance(result, Answer) and result.entry.id == "faq-long"


def faq_engine(tmp_path, items):
    """An engine over an FAQ of (id, question, answer) items, plus one unrelated entry."""
    return Engine(load_knowledge_base(write_faq(tmp_path, items)))


def write_faq(tmp_path, items):
    entries = [{"id": f"faq-{i}", "kind": "faq", "title": t, "text": x} for i, t, x in items]
    entries.append({"id": "faq-other", "kind": "faq", "title": "Other?", "text": "Other."})
    return write_source(tmp_path, {"id": "faq", "title": "FAQ", "kind": "faq"}, entries)


def write_source(tmp_path, source, entries):
    """A data directory with one source file of these entries."""
    import yaml

    (tmp_path / "sources").mkdir()
    document = {"source": source, "entries": entries}
    (tmp_path / "sources" / f"{source['id']}.yaml").write_text(yaml.safe_dump(document))
    return tmp_path


def test_explain_separates_the_question_from_the_chat_and_says_what_to_add(engine):
    explanation = engine.explain("just rewatched chapter 4 lol. who is the composer?")
    assert explanation.asked == "who is the composer"
    assert "rewatched" in explanation.chat
    assert explanation.outcome != "answered"
    assert {w.words for w in explanation.words} == {"composer"}
    assert any("glossary" in advice or "ingest" in advice for advice in explanation.advice)
    answered = engine.explain("ballerina directed by who")
    assert answered.outcome == "answered" and answered.why.startswith("answered")
    assert answered.candidates[0].entry_id == answered.answer
    exact = engine.explain(engine.kb.entries[0].title)
    assert exact.outcome == "answered" and "word for word" in exact.why


def test_an_faq_answer_does_not_answer_another_question_about_what_it_mentions(tmp_path):
    engine = faq_engine(
        tmp_path,
        [
            ("cure", "How can I cure a fungal infection?", "The Blood Filter bionic cures it."),
            ("labs", "How do I get into science labs?", "Find an ID card or cut the fence."),
        ],
    )
    assert isinstance(engine.ask("How much power does the Blood Filter bionic use?"), NoAnswer)
    answer = engine.ask("how do i cure a fungal infection")
    assert isinstance(answer, Answer) and answer.entry.id == "faq-cure"


@pytest.mark.parametrize(
    "message",
    [
        "my guy keeps sinking when i try to swim, what am i doing wrong",
        # who the asker is, how often it happens, and the plain "wrong" say nothing of the topic
        "newbie here :) my guy keeps sinking every time i try to swim the lake, what am i doing "
        "wrong",
        # a question of only words any chat is full of asks about what was said before it
        "my guy keeps sinking every time i try to swim. does the game even try to deal with that",
    ],
)
def test_a_one_word_question_is_read_with_the_message_around_it(tmp_path, message):
    engine = faq_engine(
        tmp_path,
        [
            ("swim", "Why do I always sink when I try to swim?", "Drop heavy gear first."),
            ("sick", "Everything I eat makes me sick! What's wrong?", "Food spoils."),
            ("lake", "Where is the nearest lake?", "North of the shelter."),
        ],
    )
    result = engine.ask(message)
    assert isinstance(result, Answer) and result.entry.id == "faq-swim"
    assert engine.explain(message).asks  # still a message that asks, for auto-answer


def test_a_question_that_names_the_review_is_answered_from_the_review(engine):
    result = engine.ask("How good was Ana de Armas's acting according to the review?")
    assert isinstance(result, Answer) and result.entry.source.kind == "review"


@pytest.mark.parametrize(
    "message", ["lol same", "same", "true", "nice one", "good", "are you real", "ok cool"]
)
def test_a_message_of_only_chat_words_gets_no_answer(engine, message):
    assert isinstance(engine.ask(message), NoAnswer)


@pytest.mark.parametrize("search", ["ballerina release date", "cast", "ruska roma"])
def test_a_search_of_a_few_words_is_still_answered(engine, search):
    assert isinstance(engine.ask(search), Answer)


def test_two_entries_that_match_a_question_equally_are_offered_not_picked(tmp_path):
    engine = faq_engine(
        tmp_path,
        [
            ("a", "Fungal infection treatments", "Antifungal chemicals cure fungal infection."),
            ("b", "Fungal infection remedies", "Antifungal chemicals cure fungal infection."),
            ("labs", "How do I get into science labs?", "Find an ID card or cut the fence."),
        ],
    )
    result = engine.ask("what is the cure for a fungal infection")
    assert isinstance(result, NoAnswer) and result.unsure
    assert {s.entry_id for s in result.suggestions[:2]} == {"faq-a", "faq-b"}


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("is anjelika houston back as the director", "anjelica huston"),  # completes a name
        ("was anna de armas good in it", "ana de armas"),  # starts one the next word goes on
        ("houston we have a problem", "houston"),  # a real word on its own is left as typed
        ("the start of the film", "start"),
    ],
)
def test_a_real_word_is_corrected_only_where_it_completes_a_name(engine, question, unit):
    assert unit in [u.label for u in engine.units(question)]


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        # a short word with two letters swapped: "flim" is the entries' "film"
        ("what are the mian themes of the flim", ["themes"]),
        # a longer word with its letters out of order
        ("when is the realese date", ["release date"]),
    ],
)
def test_letters_typed_out_of_order_are_read_as_the_word(engine, question, labels):
    assert [u.label for u in engine.units(question)] == labels


@pytest.mark.parametrize(
    ("question", "label", "term"),
    [
        ("is there a forced romance subplot", "subplot", "plot"),  # a compound's head
        ("a fight with a fire breather", "breather", "breath"),  # the entries' "breathing"
        ("a token girlboss thing", "girlboss", "girlboss"),  # built on no word the base has
        ("she cannot overpower them", "overpower", "overpow"),  # a particle in front: no "power"
        ("the walking dead guy", "walking", "walk"),  # a common word is its own, not "king"
        ("any post credits scene", "credits", "credit"),  # a word the base has is itself
    ],
)
def test_an_unknown_word_matches_the_entry_word_it_is_built_on(engine, question, label, term):
    assert (label, (term,)) in [(u.label, u.terms) for u in engine.units(question)]


def article_engine(tmp_path, sections):
    """An engine over one article of (id, title, text) sections."""
    entries = [{"id": i, "title": t, "text": x} for i, t, x in sections]
    source = {"id": "lore", "title": "Lore", "kind": "article"}
    return Engine(load_knowledge_base(write_source(tmp_path, source, entries)))


OTHER_SECTIONS = [
    ("labs", "Science labs", "Labs need an ID card. The fence can be cut."),
    ("food", "Food", "Milk and fruit spoil within days. Canned food keeps."),
]
HISTORY = (
    "The outbreak began in the north. Zombies came out of the groundwater. "
    "Nobody moved fast enough to stop it. Later the portals opened and strange creatures "
    "began to mutate the land. For a long time the cities stayed dark."
)


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("how fast do zombies mutate over time", False),  # each word in a different sentence
        ("where did the zombies come out of the groundwater", True),  # one sentence says it
    ],
)
def test_a_text_answer_needs_one_sentence_that_says_what_was_asked(tmp_path, question, answered):
    engine = article_engine(
        tmp_path,
        [
            ("history", "Background", HISTORY),
            *OTHER_SECTIONS,
        ],
    )
    result = engine.ask(question)
    assert isinstance(result, Answer) is answered
    if answered:
        assert result.entry.id == "history"
    else:
        assert result.suggestions and result.suggestions[0].entry_id == "history"
        assert "no one sentence" in engine.explain(question).why


@pytest.mark.parametrize(
    ("question", "answer_names"),
    [
        ("is anjelica huston back as the director?", "Anjelica Huston"),  # her role
        ("does Anjelika Huston play the Directer again?", "Anjelica Huston"),  # typed loosely
        ("who is the director", "Len Wiseman"),  # no name asked: directing, as before
    ],
)
def test_a_word_that_is_the_role_of_a_name_asked_is_that_name(engine, question, answer_names):
    result = engine.ask(question)
    assert isinstance(result, Answer) and answer_names in result.entry.text


@pytest.mark.parametrize(
    "question", ["what does rooney learn about her dad", "whats the deal with her father?"]
)
def test_a_question_about_a_father_is_answered_by_a_text_about_the_father(engine, question):
    result = engine.ask(question)
    assert isinstance(result, Answer) and "father" in result.entry.text


def test_an_irregular_form_matches_the_regular_one(tmp_path):
    engine = article_engine(
        tmp_path,
        [
            ("style", "Spoilers", "The game tells stories through unreliable narrators."),
            *OTHER_SECTIONS,
        ],
    )
    result = engine.ask("how are stories told in the game")
    assert isinstance(result, Answer) and result.entry.id == "style"


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("How can I cure a zombie bite infection?", False),  # another kind of infection
        ("how can i cure a fungal infection", True),
        ("how do i cure a fungel infecton", True),  # a typo is no other kind
        ("How can I prevent a fungal infection?", True),
    ],
)
def test_a_question_about_another_kind_of_the_titles_thing_is_not_answered(
    tmp_path, question, answered
):
    engine = faq_engine(
        tmp_path,
        [
            ("cure", "How can I cure a fungal infection?", "Antifungal chemicals cure it."),
            ("labs", "How do I get into science labs?", "Find an ID card or cut the fence."),
            ("zombies", "Where do zombies come from?", "The groundwater carried the blob."),
        ],
    )
    result = engine.ask(question)
    assert isinstance(result, Answer) is answered
    if answered:
        assert result.entry.id == "faq-cure"
    else:
        assert result.suggestions[0].entry_id == "faq-cure"
        assert "'bite' where its title says 'fungal'" in engine.explain(question).why


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("what's the basic plot", True),  # an unknown word qualifying a known one
        ("what's the plot, basic", False),  # the same word standing alone is a topic we lack
    ],
)
def test_an_unknown_word_before_a_known_one_weighs_less(engine, question, answered):
    assert isinstance(engine.ask(question), Answer) is answered


@pytest.mark.parametrize(
    ("message", "plain"),
    [
        # where a rumour was heard, and doubts about it
        (
            "someone in #general said theres a fight with a FIRE BREATHER 🔥 or are they trolling",
            "is there a fight with a fire breather",
        ),
        (
            "someone in #offtopic-memes said theres a fight with a fire breather. is that real?",
            "is there a fight with a fire breather",
        ),
        # where the asker saw something
        ("is it good? whats the rating in that review someone posted earlier", "review rating"),
        ("the pic u sent yesterday, is that the fire breather fight", "fire breather fight"),
        # fans' words for the earlier films: the original films
        ("was rooney in the og movies", "was rooney in the original films"),
        ("was rooney in one of the earlier films", "was rooney in the original films"),
        ("rooney in older films", "was rooney in the original films"),
        # "throughout", said at length, asks no start or end
        (
            "curious whether rooney actually grows as a character or just stays a killing "
            "machine start to finish",
            "does rooney grow as a character",
        ),
        (
            "does rooney grow as a character from beginning to end",
            "does rooney grow as a character",
        ),
        # what someone said about it, after the question, is the story around it
        (
            "tell me who else is in the cast, my friend said the guy from the walking dead show "
            "is in it",
            "who else is in the cast",
        ),
        (
            "who directed it, someone told me it was the stunt guy from chapter 4",
            "who directed it",
        ),
        # a yes-or-no question's other choice: its words are not what must be answered
        ("is keanu in it or is that fake news", "is keanu in it"),
        ("is the bowery king back or did they leave him out", "is the bowery king back"),
    ],
)
def test_a_chat_phrasing_gets_the_answer_of_the_plain_question(engine, message, plain):
    expected = engine.ask(plain)
    result = engine.ask(message)
    assert isinstance(expected, Answer)
    assert isinstance(result, Answer) and result.entry.id == expected.entry.id


def test_a_long_message_is_not_answered_without_what_its_what_asks_for(tmp_path):
    entries = [
        {
            "id": "fights",
            "kind": "section",
            "title": "The fights",
            "text": "Her fights mix dance with death. Spins become takedowns, and it looks cool.",
        },
        {"id": "cast", "kind": "section", "title": "Cast", "text": "Ana de Armas leads."},
    ]
    data = write_source(tmp_path, {"id": "guide", "title": "Guide", "kind": "article"}, entries)
    engine = Engine(load_knowledge_base(data))
    # Most of it is covered by the fights entry, but not the settings it asks for.
    asks_settings = (
        "the trailer looked so cool. what kind of settings do the cool looking fights happen in"
    )
    assert isinstance(engine.ask(asks_settings), NoAnswer)
    assert "'settings'" in engine.explain(asks_settings).why
    asks_fights = "the trailer looked so cool. what are the cool looking fights like"
    answer = engine.ask(asks_fights)
    assert isinstance(answer, Answer) and answer.entry.id == "fights"


def test_a_rare_word_the_base_never_uses_must_be_in_the_answer(tmp_path):
    towns = [
        (f"town-{n}", f"Town {n}", f"The town of {name} has a market and a well.")
        for n, name in enumerate(["Ash", "Birch", "Cedar", "Dale", "Elm", "Fern"])
    ]
    blob = (
        "blob",
        "Effects of the blob",
        "Every living thing is infected by the blob. Radiation can trigger a random mutation "
        "in the infected.",
    )
    engine = article_engine(tmp_path, [blob, *OTHER_SECTIONS, *towns])
    # All but "rads" is the entry's own words: it still asks for a measure the base never gives.
    question = "how many rads of radiation trigger a random blob mutation in the infected"
    assert isinstance(engine.ask(question), NoAnswer)
    assert "'rads'" in engine.explain(question).why
    answer = engine.ask("can radiation trigger a random blob mutation in the infected")
    assert isinstance(answer, Answer) and answer.entry.id == "blob"


def test_common_words_an_faq_title_has_together_are_a_topic_not_chat(tmp_path):
    engine = faq_engine(
        tmp_path,
        [
            ("fire", "Help! I started a fire and now my house is burning down!", "Get out."),
            ("cold", "I'm cold and can't sleep at night!", "Find blankets."),
        ],
    )
    topics = [("my house is on fire", "faq-fire"), ("im cold at night", "faq-cold")]
    for message, entry_id in topics:
        result = engine.ask(message)
        assert isinstance(result, Answer) and result.entry.id == entry_id, message
    for chat in ["lol same", "good night everyone", "ok cool"]:
        assert isinstance(engine.ask(chat), NoAnswer), chat


def test_a_question_whose_other_word_every_entry_has_is_read_with_the_rest(tmp_path):
    engine = faq_engine(
        tmp_path,
        [
            ("quit", "The game just told me to quit, and other weird stuff is happening.", "Play."),
            ("bones", "Why do my bones heal so slowly?", "A broken bone in the game takes weeks."),
            ("save", "How do I save the game?", "The game saves when you quit."),
            ("swim", "Why do I sink in the game?", "Drop heavy gear."),
        ],
    )
    # "game" is in every entry: "is my game broken" asks about what the message says next
    message = "is my game broken? it keeps telling me to quit and weird things happen"
    result = engine.ask(message)
    assert isinstance(result, Answer) and result.entry.id == "faq-quit"


def test_a_question_of_two_common_words_asks_while_chat_of_common_words_does_not(tmp_path):
    story = ("story", "Story", "The world ended one night. Nobody knows why the world ended.")
    engine = article_engine(tmp_path, [story, *OTHER_SECTIONS])
    answer = engine.ask("how did the world end")
    assert isinstance(answer, Answer) and answer.entry.id == "story"
    for chat in ["lol same", "how was your night", "how old are you", "what are you doing tonight"]:
        assert isinstance(engine.ask(chat), NoAnswer), chat

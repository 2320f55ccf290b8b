"""The part of a chat message that asks is the question; the rest is chat."""

import pytest

from bot.core.reading import asked_for, asks_something, read_message
from bot.core.text import clean_question


@pytest.mark.parametrize(
    ("message", "question", "chat_has"),
    [
        # a story first, the question after it
        (
            "just got back from the cinema with my sister. who wrote the script?",
            "who wrote the script",
            "cinema",
        ),
        # the question in the middle of two statements
        (
            "been waiting forever. is the soundtrack out yet? my playlist needs it",
            "is the soundtrack out yet",
            "playlist",
        ),
        # a request phrased as a statement asks
        (
            "need the name of the composer. asking for my band",
            "need the name of the composer",
            "band",
        ),
        ("gimme the release date. thx", "gimme the release date", ""),
        # a reply addressed to someone is read without the address
        ("@sam no ur wrong, who is the villain?", "who is the villain", "no ur wrong"),
        ("replying to @dex - when does it come out", "when does it come out", ""),
        ("replying to jules: is it out yet? so hyped", "is it out yet", "hyped"),
        # what it says it does not ask leaves the question, however "who's" is typed
        (
            "besides the lead whos in the cast? pls list",
            "besides the lead whos in the cast . list",
            "",
        ),
        # openers and tags are not part of the question
        ("ok so wait, is it set in tokyo right?", "is it set in tokyo", ""),
        # a comma before a question word too; "random lore q" is chat
        (
            "ok random lore q, who even are the yrax",
            "who even are the yrax",
            "",
        ),
        (
            "quick question before i log off, how do i keep monsters away",
            "how do i keep monsters away",
            "before i log off",
        ),
        # a conjunction that opens a new question splits the clause
        (
            "filming wrapped last year but what city was it shot in",
            "what city was it shot in",
            "filming wrapped",
        ),
        # what someone said, after a comma, is the story around the question
        (
            "who composed the score, my cousin said it was the same guy as chapter 4",
            "who composed the score",
            "my cousin said",
        ),
        ("is it out yet, i heard it got delayed", "is it out yet", "i heard it got delayed"),
        # a yes-or-no question's other choice is not what the answer must be about
        (
            "is the composer back from the first film or did they replace him",
            "is the composer back from the first film",
            "or did they replace him",
        ),
        ("do i need the dlc or can i skip it", "do i need the dlc", "or can i skip it"),
        # after a "who" question, "was it ..." guesses its answer
        (
            "who directed this one?? was it stahelski again",
            "who directed this one",
            "was it stahelski again",
        ),
        # a comma before a yes-or-no question about the asker ends the story before it
        (
            "i havent seen any of the old movies, will i be lost",
            "will i be lost",
            "havent seen",
        ),
        # a question word contracted opens a question
        (
            "my sister loved it. where'd they film the opera scenes",
            "where'd they film the opera scenes",
            "sister",
        ),
        # ...and a few words asked only by their "?" guess at any open question's answer
        ("what did the review rate it? 3 stars? 4?", "what did the review rate it", "3 stars . 4"),
        ("when is it out?? june? i cant wait", "when is it out", "june"),
        # "or" between things, not clauses, keeps the question whole
        ("is it rated r or pg13", "is it rated r or pg13", ""),
        ("is it out in march or april", "is it out in march or april", ""),
        # only a yes-or-no question offers a choice: "who or what" asks for both
        ("what is the high table or is it a myth", "what is the high table or is it a myth", ""),
    ],
)
def test_the_asking_clauses_are_the_question(message, question, chat_has):
    reading = read_message(clean_question(message))
    assert reading.asks
    assert reading.question == question
    assert chat_has in reading.chat


def test_a_message_that_asks_nothing_is_read_whole_as_a_search():
    reading = read_message("ballerina release date")
    assert not reading.asks
    assert reading.question == "ballerina release date"


@pytest.mark.parametrize(
    ("message", "asks"),
    [
        ("lol same", False),
        ("gm everyone 🌞", False),
        ("that scene was insane, best movie of the year " * 30, False),
        ("thanks!!", False),
        ("hey guys 👋", False),
        ("anyone know when the sequel comes out", True),
        ("who plays the villain?", True),
        ("tell me about the fire guy", True),
        ("is it any good", True),
    ],
)
def test_asks_something_tells_questions_from_chat(message, asks):
    assert asks_something(message) is asks


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("what kind of settings do the fights happen in", {"settings"}),
        ("which chapter is it set after", {"chapter"}),
        ("whats the plot", {"plot"}),
        ("who directed it", set()),
        ("how do i get a refund on steam", {"refund"}),  # what "how do I get" asks for
        ("how do i fix it", set()),
    ],
)
def test_what_a_what_question_asks_for(question, asked):
    assert asked_for(question) == asked


def test_after_a_when_question_is_it_asks_again():
    reading = read_message(clean_question("when is it out? is it on netflix"))
    assert reading.question == "when is it out . is it on netflix"

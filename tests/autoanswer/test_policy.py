"""The auto-answer policy: which messages in a busy channel get an unasked answer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.autoanswer.policy import (
    ChannelLog,
    ChannelRule,
    MessageFacts,
    Verdict,
    decide,
    judge,
    rule_for,
    screen,
)
from bot.autoanswer.settings import AutoAnswerSettings
from bot.core.errors import SettingError
from bot.core.model import Answer, Entry, NoAnswer, Result, Source

SOURCE = Source("feature", "From the World of John Wick: Ballerina", "feature")
DIRECTOR = Entry("faq-director", "Who is directing Ballerina?", "Len Wiseman.", SOURCE, "faq")
RELEASE = Entry("release", "Release date", "June 2025.", SOURCE)
SETTINGS = AutoAnswerSettings(threshold=90, repeat_window_seconds=600, per_channel_per_minute=3)
QUESTION = "who directs ballerina?"


def sure(entry: Entry = DIRECTOR, score: float = 97.0) -> Answer:
    """An engine answer with this score."""
    return Answer(entry, score)


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (MessageFacts(QUESTION, from_bot=True), "written by a bot or a webhook"),
        (MessageFacts(QUESTION, from_webhook=True), "written by a bot or a webhook"),
        (MessageFacts(QUESTION, ordinary=False), "not an ordinary message"),
        (MessageFacts(QUESTION, edited=True), "an edit"),
        (MessageFacts(QUESTION, replies_to_member=True), "a reply to another member"),
        (MessageFacts(QUESTION, mentions_other=True), "mentions someone else"),
        (MessageFacts(QUESTION, summoned=True), "asks the bot by name (answered as a mention)"),
        (MessageFacts("lol same"), "asks nothing"),
        (MessageFacts("ballerina was great, loved the fire scene"), "asks nothing"),
        (MessageFacts(""), "asks nothing"),
    ],
)
def test_messages_the_bot_leaves_alone_before_asking_the_engine(
    facts: MessageFacts, reason: str
) -> None:
    decision = screen(facts)
    assert decision is not None
    assert (decision.verdict, decision.reason) == (Verdict.SILENT, reason)


@pytest.mark.parametrize(
    "text",
    [QUESTION, "anyone know when ballerina comes out", "tell me about rooney's past"],
)
def test_a_question_from_a_member_goes_on_to_the_engine(text: str) -> None:
    assert screen(MessageFacts(text)) is None


def test_nothing_is_asked_of_the_engine_for_chat() -> None:
    asked: list[str] = []

    def ask(text: str) -> Result:
        asked.append(text)
        return sure()

    decision = decide(MessageFacts("lol same"), ask, ChannelLog(), SETTINGS, 0.0)
    assert decision.verdict is Verdict.SILENT
    assert asked == []


@pytest.mark.parametrize(
    ("result", "verdict", "reason"),
    [
        (sure(score=97), Verdict.ANSWER, "score 97"),
        (sure(score=90), Verdict.ANSWER, "score 90"),
        (sure(score=89.9), Verdict.SILENT, "score 90 below 90"),
        (sure(score=60), Verdict.SILENT, "score 60 below 90"),
        (NoAnswer(), Verdict.GAP, "no answer"),
        (NoAnswer(unsure=True), Verdict.GAP, "no answer"),
    ],
)
def test_only_an_answer_above_the_stricter_threshold_is_given(
    result: Result, verdict: Verdict, reason: str
) -> None:
    decision = judge(result, ChannelLog(), SETTINGS, 0.0)
    assert (decision.verdict, decision.reason) == (verdict, reason)
    assert (decision.answer is not None) == (verdict is Verdict.ANSWER)


@pytest.mark.parametrize(
    ("earlier", "now", "verdict"),
    [
        ([(0.0, DIRECTOR)], 10.0, Verdict.SILENT),
        ([(0.0, DIRECTOR)], 599.0, Verdict.SILENT),
        ([(0.0, DIRECTOR)], 601.0, Verdict.ANSWER),
        ([(0.0, RELEASE)], 10.0, Verdict.ANSWER),
    ],
)
def test_the_same_entry_is_not_repeated_in_a_channel_within_the_window(
    earlier: list[tuple[float, Entry]], now: float, verdict: Verdict
) -> None:
    log = ChannelLog()
    for at, entry in earlier:
        assert judge(sure(entry), log, SETTINGS, at).verdict is Verdict.ANSWER
    assert judge(sure(DIRECTOR), log, SETTINGS, now).verdict is verdict


def test_a_channel_gets_at_most_its_cap_of_answers_a_minute() -> None:
    settings = AutoAnswerSettings(repeat_window_seconds=0, per_channel_per_minute=3, threshold=90)
    log = ChannelLog()
    verdicts = [judge(sure(), log, settings, t * 0.1).verdict for t in range(500)]
    assert verdicts.count(Verdict.ANSWER) == 3
    assert verdicts[:3] == [Verdict.ANSWER] * 3
    assert judge(sure(), log, settings, 59.0).reason == "the channel is at its cap"
    assert judge(sure(), log, settings, 61.0).verdict is Verdict.ANSWER


def test_each_channel_has_its_own_cap_and_window() -> None:
    busy, quiet = ChannelLog(), ChannelLog()
    for t in range(3):
        judge(sure(RELEASE if t else DIRECTOR, 97), busy, SETTINGS, float(t))
    assert judge(sure(), busy, SETTINGS, 5.0).verdict is Verdict.SILENT
    assert judge(sure(), quiet, SETTINGS, 5.0).verdict is Verdict.ANSWER


RULES = {
    10: ChannelRule(guild_id=1, channel_id=10),
    20: ChannelRule(guild_id=1, channel_id=20, mode="trial", moderators_channel_id=30),
}


@pytest.mark.parametrize(
    ("channel_id", "parent_id", "expected"),
    [
        (10, None, 10),  # the configured channel itself
        (11, 10, 10),  # a thread counts as its parent; a forum post as its forum
        (20, None, 20),
        (12, None, None),  # a channel nobody configured
        (13, 99, None),  # a thread in one
    ],
)
def test_a_thread_or_forum_post_counts_as_its_parent(
    channel_id: int, parent_id: int | None, expected: int | None
) -> None:
    rule = rule_for(channel_id, parent_id, RULES)
    assert (rule.channel_id if rule else None) == expected


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"threshold": 101}, "threshold"),
        ({"per_channel_per_minute": 0}, "per_channel_per_minute"),
        ({"repeat_window_seconds": -1}, "repeat_window_seconds"),
        ({"channel_ids": (0,)}, "channel_ids"),
        ({"trial_channel_ids": (5,)}, "moderators_channel_id"),
        ({"support_role_id": -3}, "support_role_id"),
        ({"forum_tag": "x" * 21}, "forum_tag"),
    ],
)
def test_settings_that_cannot_work_name_their_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(SettingError) as caught:
        AutoAnswerSettings(**values)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_the_policy_never_imports_discord() -> None:
    code = "import sys, bot.autoanswer.policy; print('discord' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

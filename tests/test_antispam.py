"""Anti-spam decisions, with a clock the test moves by hand."""

from __future__ import annotations

import pytest

from bot.antispam import AntiSpam, Verdict, question_key
from bot.config import LimitSettings

ALICE, BOB = 1, 2
GENERAL, OFFTOPIC = 10, 20


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def spam(clock: Clock) -> AntiSpam:
    limits = LimitSettings(
        user_cooldown_questions=3, user_cooldown_seconds=10.0, duplicate_window_seconds=30.0
    )
    return AntiSpam(limits, clock=clock)


def verdicts(spam: AntiSpam, user: int, channel: int, questions: list[str]) -> list[Verdict]:
    return [spam.check(user, channel, q).verdict for q in questions]


def test_a_user_may_ask_three_questions_in_ten_seconds(spam: AntiSpam):
    assert verdicts(spam, ALICE, GENERAL, ["a", "b", "c"]) == [Verdict.ANSWER] * 3
    decision = spam.check(ALICE, GENERAL, "d")
    assert decision.verdict is Verdict.COOLDOWN
    assert decision.retry_after == pytest.approx(10.0)


def test_the_cooldown_lifts_when_the_oldest_question_ages_out(spam: AntiSpam, clock: Clock):
    verdicts(spam, ALICE, GENERAL, ["a", "b"])
    clock.now += 4
    verdicts(spam, ALICE, GENERAL, ["c"])
    clock.now += 5.5
    refused = spam.check(ALICE, GENERAL, "d")
    assert refused.verdict is Verdict.COOLDOWN and refused.retry_after == pytest.approx(0.5)
    clock.now += 0.5
    assert spam.check(ALICE, GENERAL, "d").allowed


def test_refused_questions_do_not_extend_the_wait(spam: AntiSpam, clock: Clock):
    verdicts(spam, ALICE, GENERAL, ["a", "b", "c"])
    for _ in range(20):
        clock.now += 0.4
        spam.check(ALICE, GENERAL, "again")
    clock.now = 1010.0
    assert spam.check(ALICE, GENERAL, "later").allowed


def test_one_users_cooldown_does_not_touch_another(spam: AntiSpam):
    verdicts(spam, ALICE, GENERAL, ["a", "b", "c", "d"])
    assert spam.check(BOB, GENERAL, "e").allowed


def test_the_same_question_in_the_same_channel_is_a_duplicate(spam: AntiSpam, clock: Clock):
    assert spam.check(ALICE, GENERAL, "Who directs Ballerina?").allowed
    clock.now += 29
    assert spam.check(BOB, GENERAL, "who directs  ballerina").verdict is Verdict.DUPLICATE
    clock.now += 1
    assert spam.check(BOB, GENERAL, "who directs ballerina").allowed


def test_the_same_question_elsewhere_is_not_a_duplicate(spam: AntiSpam):
    assert spam.check(ALICE, GENERAL, "who directs ballerina").allowed
    assert spam.check(ALICE, OFFTOPIC, "who directs ballerina").allowed


def test_private_questions_are_never_duplicates_and_leave_no_trace(spam: AntiSpam):
    assert spam.check(ALICE, GENERAL, "who directs ballerina", public=False).allowed
    assert spam.check(ALICE, GENERAL, "who directs ballerina", public=False).allowed
    assert spam.check(BOB, GENERAL, "who directs ballerina").allowed


def test_private_questions_still_count_towards_the_cooldown(spam: AntiSpam):
    for question in "abc":
        spam.check(ALICE, GENERAL, question, public=False)
    assert spam.check(ALICE, GENERAL, "d", public=False).verdict is Verdict.COOLDOWN


def test_a_zero_window_turns_each_check_off(clock: Clock):
    limits = LimitSettings(
        user_cooldown_questions=1, user_cooldown_seconds=0.0, duplicate_window_seconds=0.0
    )
    spam = AntiSpam(limits, clock=clock)
    assert verdicts(spam, ALICE, GENERAL, ["same"] * 5) == [Verdict.ANSWER] * 5


def test_memory_stays_bounded(spam: AntiSpam, clock: Clock):
    for user in range(6000):
        spam.check(user, user, f"question {user}")
    clock.now += 60
    spam.check(ALICE, GENERAL, "one more")
    assert len(spam._asked) == 1 and len(spam._answered) == 1


def test_a_crowd_within_the_window_does_not_make_every_check_sweep(clock: Clock):
    swept: list[int] = []

    class Counting(AntiSpam):
        def _cooldown_left(self, user_id: int, now: float) -> float:
            swept.append(user_id)
            return super()._cooldown_left(user_id, now)

    spam = Counting(LimitSettings(duplicate_window_seconds=30.0), clock=clock)
    for user in range(20_000):  # all within the cooldown window: nothing can be forgotten yet
        spam.check(user, user % 50, f"question {user}")
    assert len(swept) < 5 * 20_000  # amortised O(1) a check, not a pass over everyone


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who directs Ballerina?", "who directs ballerina"),
        ("  who\tdirects  it ", "who directs it"),
    ],
)
def test_question_keys_ignore_case_punctuation_and_spacing(a, b):
    assert question_key(a) == question_key(b)

"""Anti-spam: a per-user cooldown and no second answer to the same question in the same channel.

Pure and synchronous: the clock is injected, so tests step time by hand. Nothing here knows about
Discord; the adapter passes user and channel ids as plain integers.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.config import LimitSettings

Clock = Callable[[], float]

# Past this many remembered users or questions, expired records are swept on the next check.
_SWEEP_AT = 5_000
_NOT_WORD = re.compile(r"[\W_]+")


def monotonic() -> float:
    """Seconds from a monotonic clock (looked up at call time, so test harnesses can replace it)."""
    return time.monotonic()


class Verdict(Enum):
    """What to do with a question."""

    ANSWER = "answer"
    COOLDOWN = "cooldown"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Decision:
    """A verdict, and for a cooldown how many seconds until the user may ask again."""

    verdict: Verdict
    retry_after: float = 0.0

    @property
    def allowed(self) -> bool:
        """True when the question should be answered normally."""
        return self.verdict is Verdict.ANSWER


def question_key(question: str) -> str:
    """The question reduced to lower-case words, so trivial variations count as the same."""
    return " ".join(_NOT_WORD.sub(" ", question.casefold()).split())


class AntiSpam:
    """Remembers who asked what, where and when; `check` decides whether to answer."""

    def __init__(self, limits: LimitSettings, clock: Clock = monotonic) -> None:
        """Use `limits` (questions per window, duplicate window) and `clock` for the time."""
        self.limits = limits
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._answered: dict[tuple[int, str], float] = {}
        self._sweep_asked_at = _SWEEP_AT
        self._sweep_answered_at = _SWEEP_AT
        self._asked_swept = self._answered_swept = float("-inf")

    def check(
        self, user_id: int, channel_id: int, question: str, *, public: bool = True
    ) -> Decision:
        """Decide on one question and remember it.

        COOLDOWN when the user already asked `user_cooldown_questions` times within
        `user_cooldown_seconds` (those refused attempts do not extend the wait). DUPLICATE when a
        public answer to the same question was given in this channel within
        `duplicate_window_seconds`. Private questions are never duplicates and leave no trace in
        the channel, so they cannot suppress a later public answer.
        """
        now = self._clock()
        self._sweep(now)
        retry_after = self._cooldown_left(user_id, now)
        if retry_after > 0:
            return Decision(Verdict.COOLDOWN, retry_after)
        self._asked.setdefault(user_id, deque()).append(now)
        if not public:
            return Decision(Verdict.ANSWER)
        key = (channel_id, question_key(question))
        window = self.limits.duplicate_window_seconds
        last = self._answered.get(key)
        if last is not None and now - last < window:
            return Decision(Verdict.DUPLICATE)
        if window > 0:
            self._answered[key] = now
        return Decision(Verdict.ANSWER)

    def _cooldown_left(self, user_id: int, now: float) -> float:
        """Seconds until this user may ask again; 0 when they may ask now."""
        window = self.limits.user_cooldown_seconds
        asked = self._asked.get(user_id)
        if asked is None:
            return 0.0
        while asked and now - asked[0] >= window:
            asked.popleft()
        if not asked:
            del self._asked[user_id]
            return 0.0
        if len(asked) < self.limits.user_cooldown_questions:
            return 0.0
        return max(asked[0] + window - now, 0.0)

    def _sweep(self, now: float) -> None:
        """Forget expired records once there are many, so memory stays bounded.

        Past _SWEEP_AT records, a sweep runs when they have doubled since the last sweep, or a
        whole window after it (by then everything it kept has expired). So a crowd of live
        records (thousands of people asking within the window) costs each check O(1) amortised,
        not a pass over all of them, and memory stays within about twice what is live.
        """
        asked, cooldown = len(self._asked), self.limits.user_cooldown_seconds
        if asked > _SWEEP_AT and (
            asked > self._sweep_asked_at or now - self._asked_swept >= cooldown
        ):
            for user_id in list(self._asked):
                self._cooldown_left(user_id, now)
            self._sweep_asked_at = max(_SWEEP_AT, 2 * len(self._asked))
            self._asked_swept = now
        answered, window = len(self._answered), self.limits.duplicate_window_seconds
        if answered > _SWEEP_AT and (
            answered > self._sweep_answered_at or now - self._answered_swept >= window
        ):
            self._answered = {k: t for k, t in self._answered.items() if now - t < window}
            self._sweep_answered_at = max(_SWEEP_AT, 2 * len(self._answered))
            self._answered_swept = now

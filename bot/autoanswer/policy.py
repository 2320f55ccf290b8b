"""Whether to answer a message nobody asked the bot about: facts in, a decision out.

Pure: no Discord, no clock, no I/O. The cog turns a Discord message into `MessageFacts`, and
keeps a `ChannelLog` for each auto-answer channel; the policy says answer, stay silent, or stay
silent and record the question as a knowledge gap. In order, cheapest first:

1. who wrote it and to whom: never a bot or a webhook, never an edit, never a reply to another
   member or a message that mentions someone else (that conversation is between people), and
   not a message that mentions the bot (the mention is answered as one already);
2. whether it asks anything at all (`asks_something`), before the engine does any real work;
3. the engine's answer: none is a gap; one below `threshold` is silence;
4. the same entry auto-answered in the channel within `repeat_window_seconds` is silence;
5. the channel at `per_channel_per_minute` answers in the last minute is silence.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from bot.autoanswer.settings import AutoAnswerSettings
from bot.core.model import Answer, Result
from bot.core.reading import asks_something

CAP_SECONDS = 60.0


class Verdict(Enum):
    """What to do with a message in an auto-answer channel."""

    ANSWER = "answer"
    SILENT = "silent"
    GAP = "gap"  # silent, and the question is recorded as a knowledge gap


@dataclass(frozen=True, slots=True)
class Decision:
    """A verdict with its reason (for logs and stats), and the answer to give if any."""

    verdict: Verdict
    reason: str
    answer: Answer | None = None


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What the policy needs to know about a message, read off it by the adapter."""

    text: str
    from_bot: bool = False
    from_webhook: bool = False
    replies_to_member: bool = False
    mentions_other: bool = False
    edited: bool = False
    summoned: bool = False  # mentions the bot: answered as a mention, not here
    ordinary: bool = True  # a plain message or reply, not a join, pin or other system message


@dataclass(frozen=True, slots=True)
class ChannelRule:
    """One auto-answer channel: its mode and, in trial, where the drafts go."""

    guild_id: int
    channel_id: int
    mode: str = "live"
    moderators_channel_id: int = 0
    support_role_id: int = 0


def rule_for(
    channel_id: int, parent_id: int | None, rules: Mapping[int, ChannelRule]
) -> ChannelRule | None:
    """The rule a message falls under: its channel's, else its parent's (thread, forum post)."""
    rule = rules.get(channel_id)
    if rule is None and parent_id is not None:
        rule = rules.get(parent_id)
    return rule


class ChannelLog:
    """The recent auto-answers of one channel: (time, entry id), oldest first."""

    def __init__(self) -> None:
        """Start with no answers."""
        self._answers: deque[tuple[float, str]] = deque()

    def forget_before(self, moment: float) -> None:
        """Drop the answers older than `moment`."""
        while self._answers and self._answers[0][0] < moment:
            self._answers.popleft()

    def count_since(self, moment: float) -> int:
        """How many answers were given at or after `moment`."""
        return sum(1 for at, _ in self._answers if at >= moment)

    def gave_since(self, entry_id: str, moment: float) -> bool:
        """Whether `entry_id` was given at or after `moment`."""
        return any(at >= moment and given == entry_id for at, given in self._answers)

    def note(self, entry_id: str, now: float) -> None:
        """Remember an answer given now."""
        self._answers.append((now, entry_id))


def screen(facts: MessageFacts) -> Decision | None:
    """Silence for a message the bot must leave alone, or None: go on and ask the engine."""
    if facts.from_bot or facts.from_webhook:
        return Decision(Verdict.SILENT, "written by a bot or a webhook")
    if not facts.ordinary:
        return Decision(Verdict.SILENT, "not an ordinary message")
    if facts.edited:
        return Decision(Verdict.SILENT, "an edit")
    if facts.summoned:
        return Decision(Verdict.SILENT, "asks the bot by name (answered as a mention)")
    if facts.replies_to_member:
        return Decision(Verdict.SILENT, "a reply to another member")
    if facts.mentions_other:
        return Decision(Verdict.SILENT, "mentions someone else")
    if not asks_something(facts.text):
        return Decision(Verdict.SILENT, "asks nothing")
    return None


def judge(result: Result, log: ChannelLog, settings: AutoAnswerSettings, now: float) -> Decision:
    """Answer only a sure answer, not repeated within the window, with the channel under its cap.

    An answer given is noted in `log` at once, so a burst cannot slip past the cap.
    """
    if not isinstance(result, Answer):
        return Decision(Verdict.GAP, "no answer")
    if result.score < settings.threshold:
        return Decision(Verdict.SILENT, f"score {result.score:.0f} below {settings.threshold:g}")
    log.forget_before(now - max(settings.repeat_window_seconds, CAP_SECONDS))
    if log.gave_since(result.entry.id, now - settings.repeat_window_seconds):
        return Decision(Verdict.SILENT, "answered here within the repeat window")
    if log.count_since(now - CAP_SECONDS) >= settings.per_channel_per_minute:
        return Decision(Verdict.SILENT, "the channel is at its cap")
    log.note(result.entry.id, now)
    return Decision(Verdict.ANSWER, f"score {result.score:.0f}", result)


def decide(
    facts: MessageFacts,
    ask: Callable[[str], Result],
    log: ChannelLog,
    settings: AutoAnswerSettings,
    now: float,
) -> Decision:
    """The whole policy for one message: `screen`, then `ask` the engine, then `judge`."""
    return screen(facts) or judge(ask(facts.text), log, settings, now)

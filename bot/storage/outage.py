"""What the log says while the store fails: a few lines, not one per record it could not take.

One line when it starts failing, a summary an interval, one when it recovers.

A locked, full, read-only or unreachable database, or one that times out, is an expected
failure: its line gives the reason and no traceback. Anything else is a bug and keeps its
traceback on the line that first reports it.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Callable

from bot.storage import StoreError

SUMMARY_SECONDS = 60.0

# What failed, as the summaries count it: (singular, plural, verb phrase).
_KINDS = {
    "question": ("question", "questions", "not recorded"),
    "vote": ("vote", "votes", "not saved"),
    "read": ("read", "reads", "failed"),
    "purge": ("purge", "purges", "failed"),
}


def failure_reason(error: BaseException) -> str:
    """The error in a few words, never empty (str(TimeoutError()) is), with no URL password."""
    from bot.logging_setup import redact_url_userinfo

    text = " ".join(str(error).split())
    if isinstance(error, TimeoutError):
        text = f"timed out ({type(error).__name__}){': ' + text if text else ''}"
    return redact_url_userinfo(text or type(error).__name__)


def is_expected(error: BaseException) -> bool:
    """A failure of the database or the way to it, not of Concierge: logged without traceback."""
    if isinstance(error, sqlite3.Error | OSError | TimeoutError | StoreError):
        return True
    return type(error).__module__.split(".")[0] == "asyncpg"


def counted(counts: Counter[str]) -> str:
    """The counts in words: "200 questions not recorded, 1 vote not saved"."""
    parts = []
    for kind, (one, many, verb) in _KINDS.items():
        if counts[kind]:
            parts.append(f"{counts[kind]} {one if counts[kind] == 1 else many} {verb}")
    return ", ".join(parts) or "nothing lost"


def _reasons(reasons: Counter[str]) -> str:
    return "; ".join(
        reason if n == 1 else f"{reason} (×{n})" for reason, n in reasons.most_common(3)
    )


class OutageLog:
    """Turns a stream of store failures and successes into a few lines an admin can act on."""

    def __init__(
        self,
        log: logging.Logger,
        *,
        interval: float = SUMMARY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Log to `log`; summarise at most once every `interval` seconds of `clock`."""
        self._log = log
        self._interval = interval
        self._clock = clock
        self._since: float | None = None
        self._reported_at = 0.0
        self._total: Counter[str] = Counter()
        self._unreported: Counter[str] = Counter()
        self._reasons: Counter[str] = Counter()

    @property
    def failing(self) -> bool:
        """Whether the last thing the store did failed."""
        return self._since is not None

    def failed(self, kind: str, error: BaseException, count: int = 1) -> None:
        """`count` things of `kind` ("question", "vote", "read", "purge") failed with `error`."""
        now = self._clock()
        reason = failure_reason(error)
        self._total[kind] += count
        if self._since is None:
            self._since = self._reported_at = now
            self._log.warning(
                "the store is failing: %s (%s); still answering, without recording, "
                "until it works again (a summary every %.0f s meanwhile)",
                reason,
                counted(Counter({kind: count})),
                self._interval,
                exc_info=None if is_expected(error) else error,
            )
            return
        self._unreported[kind] += count
        self._reasons[reason] += 1
        if now - self._reported_at >= self._interval:
            self._log.warning(
                "the store is still failing: %s in the last %.0f s (%s)",
                counted(self._unreported),
                now - self._reported_at,
                _reasons(self._reasons),
            )
            self._reported_at = now
            self._unreported.clear()
            self._reasons.clear()

    def succeeded(self) -> None:
        """The store did something: if it was failing, say it recovered, and what was lost."""
        if self._since is None:
            return
        self._log.info(
            "the store works again after %.0f s of failures: %s in all",
            self._clock() - self._since,
            counted(self._total),
        )
        self._since = None
        self._total.clear()
        self._unreported.clear()
        self._reasons.clear()

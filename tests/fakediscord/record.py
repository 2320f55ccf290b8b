"""Everything the bot sent the fake, kept in order and readable from any thread.

The fake's loop thread appends; tests read and wait (`wait_for`) from their own thread. Every
wait is bounded by a timeout and raises `TimeoutError` naming what it waited for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request the bot made, and how the fake answered it."""

    index: int
    at: float  # time.monotonic() when it arrived
    method: str
    path: str  # without the /api/v10 prefix
    route: str  # "METHOD /template" (spec path template), or "METHOD path" if unknown
    query: dict[str, str]
    body: Any
    status: int
    authorization: str | None
    problems: tuple[str, ...] = ()
    response: Any = None  # the JSON body the fake answered with

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class Frame:
    """One gateway payload the bot sent."""

    at: float
    connection: int
    op: int | None
    data: Any


@dataclass(slots=True)
class ConnectionInfo:
    """One gateway connection: how it was opened and how it ended."""

    number: int
    path: str
    query: dict[str, str]
    opened_at: float
    closed_at: float | None = None
    client_close_code: int | None = None  # the code in the bot's close frame, if it sent one
    server_close_code: int | None = None  # the code the fake closed with, if it did
    aborted: bool = False


@dataclass
class Recorder:
    """Requests, gateway frames, connections and replies, with a condition to wait on."""

    requests: list[Request] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    connections: list[ConnectionInfo] = field(default_factory=list)
    first_reply_at: dict[str, float] = field(default_factory=dict)
    dispatched_at: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)

    def add_request(self, **fields: Any) -> Request:
        """Record a request (fields of `Request` but index) and wake waiters."""
        with self.lock:
            request = Request(index=len(self.requests), **fields)
            self.requests.append(request)
            self.problems.extend(request.problems)
            self.lock.notify_all()
            return request

    def add_frame(self, frame: Frame) -> None:
        """Record a gateway payload from the bot."""
        with self.lock:
            self.frames.append(frame)
            self.lock.notify_all()

    def add_connection(self, info: ConnectionInfo) -> None:
        """Record a new gateway connection."""
        with self.lock:
            self.connections.append(info)
            self.lock.notify_all()

    def touch(self) -> None:
        """Wake waiters after a change made in place (a connection closing)."""
        with self.lock:
            self.lock.notify_all()

    def reply(self, question_id: str, at: float) -> None:
        """Note the first reply to a message or interaction."""
        with self.lock:
            self.first_reply_at.setdefault(question_id, at)
            self.lock.notify_all()

    def dispatched(self, question_id: str, at: float) -> None:
        """Note when a message or interaction was written to the gateway."""
        with self.lock:
            self.dispatched_at[question_id] = at

    def problem(self, text: str) -> None:
        """Something the bot did that Discord would refuse or that breaks the protocol."""
        with self.lock:
            self.problems.append(text)
            self.lock.notify_all()

    def wait_for(self, probe: Callable[[], T | None], timeout: float, what: str) -> T:
        """Wait until `probe()` (run under the lock) returns something, at most `timeout` s."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                found = probe()
                if found is not None and found is not False:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"waited {timeout:.1f} s for {what}")
                self.lock.wait(min(left, 0.25))

    def snapshot_requests(self) -> list[Request]:
        """A copy of the requests so far."""
        with self.lock:
            return list(self.requests)

"""Discord's HTTP rate limits as the fake announces and enforces them.

Each route belongs to a bucket (`X-RateLimit-Bucket`), counted per major parameter (the channel,
guild or webhook in the path): `limit` requests per `per` seconds, in a window that opens with the
first request. Every answer carries `X-RateLimit-Limit`, `-Remaining`, `-Reset`, `-Reset-After` and
`-Bucket`; a request over the limit gets a 429 with `Retry-After`, a JSON `retry_after` and
`X-RateLimit-Scope`, and the `Via` header Discord's edge adds (discord.py treats a 429 without it
as a Cloudflare ban). A global limit counts every bot-authenticated request outside interaction
callbacks and webhooks. `Fault`s force an answer (a 429, a 5xx) onto matching requests.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Limit:
    """`limit` requests per `per` seconds in one bucket."""

    limit: int
    per: float


# Route templates (spec paths, no /api/v10) -> limits Discord announces for a bot today.
REAL_LIMITS: dict[str, Limit] = {
    "POST /channels/{channel_id}/messages": Limit(5, 5.0),
    "PATCH /channels/{channel_id}/messages/{message_id}": Limit(5, 5.0),
    "PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me": Limit(1, 0.25),
    "PUT /applications/{application_id}/commands": Limit(2, 20.0),
    "PUT /applications/{application_id}/guilds/{guild_id}/commands": Limit(2, 20.0),
    "POST /webhooks/{webhook_id}/{webhook_token}": Limit(5, 2.0),
    "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original": Limit(5, 2.0),
    "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}": Limit(5, 2.0),
}
DEFAULT_LIMIT = Limit(50, 1.0)
GLOBAL_PER_SECOND = 50
_MAJOR = re.compile(r"^/(channels|guilds|webhooks)/(\d+)(?:/([^/]+))?")


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    """What the fake announces: per-route limits, a default, and the global limit (None: off)."""

    routes: dict[str, Limit] = field(default_factory=lambda: dict(REAL_LIMITS))
    default: Limit = DEFAULT_LIMIT
    global_per_second: int | None = GLOBAL_PER_SECOND

    @classmethod
    def real(cls) -> RateLimitPolicy:
        """Discord's limits for a bot: 5 messages per 5 s a channel, 50 requests a second."""
        return cls()

    @classmethod
    def generous(cls) -> RateLimitPolicy:
        """Limits so high they never bind: the benchmark measures the bot, not the limits."""
        return cls(routes={}, default=Limit(1_000_000, 1.0), global_per_second=None)

    def limit_for(self, route: str) -> Limit:
        """The limit of a `METHOD /template` route."""
        return self.routes.get(route, self.default)


@dataclass(slots=True)
class Fault:
    """Force `status` on the next `count` requests with `method` whose path starts with `path`."""

    method: str
    path: str
    status: int = 429
    retry_after: float = 0.5
    count: int = 1
    is_global: bool = False

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to the request (and has uses left)."""
        return self.count > 0 and method == self.method and path.startswith(self.path)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The rate-limit part of an answer: the status to give (200 means go on) and headers."""

    status: int
    headers: dict[str, str]
    retry_after: float = 0.0
    is_global: bool = False
    scope: str = "user"


@dataclass(slots=True)
class _Window:
    opened: float
    used: int = 0


def major_parameter(path: str) -> str:
    """The major parameter of a path: channel, guild or webhook id (with token), else ''."""
    match = _MAJOR.match(path)
    if match is None:
        return ""
    kind, ident, rest = match.groups()
    if kind == "webhooks" and rest:
        return f"{ident}/{rest}"
    return ident


class RateLimiter:
    """Counts requests into windows and says whether each may go through."""

    def __init__(
        self, policy: RateLimitPolicy, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Start with empty buckets."""
        self.policy = policy
        self._clock = clock
        self._windows: dict[tuple[str, str], _Window] = {}
        self._global: _Window | None = None
        self.faults: list[Fault] = []

    def check(
        self, method: str, path: str, route: str, *, limited: bool, counts_globally: bool
    ) -> Verdict:
        """Account for one request to `path` (route `METHOD /template`) and give the verdict.

        `limited`: the route has a bucket (interaction callbacks have none); `counts_globally`:
        it counts towards the global limit (bot-authenticated routes do).
        """
        limit = self.policy.limit_for(route)
        bucket = hashlib.sha256(route.encode()).hexdigest()[:12]
        for fault in self.faults:
            if fault.matches(method, path):
                fault.count -= 1
                announced = _headers(limit.limit, 0, fault.retry_after, bucket) if limited else {}
                return self._refusal(fault.status, fault.retry_after, announced, fault.is_global)
        if not limited:
            return Verdict(200, {})
        now = self._clock()
        key = (route, major_parameter(path))
        window = self._windows.get(key)
        if window is None or now >= window.opened + limit.per:
            window = self._windows[key] = _Window(now)
        reset_after = max(window.opened + limit.per - now, 0.0)
        headers = _headers(limit.limit, max(limit.limit - window.used - 1, 0), reset_after, bucket)
        if counts_globally and self.policy.global_per_second is not None:
            if self._global is None or now >= self._global.opened + 1.0:
                self._global = _Window(now)
            if self._global.used >= self.policy.global_per_second:
                retry = self._global.opened + 1.0 - now
                return self._refusal(429, retry, {}, is_global=True)
            self._global.used += 1
        if window.used >= limit.limit:
            headers = _headers(limit.limit, 0, reset_after, bucket)
            return self._refusal(429, reset_after, headers, is_global=False)
        window.used += 1
        return Verdict(200, headers)

    @staticmethod
    def _refusal(
        status: int, retry_after: float, headers: dict[str, str], is_global: bool
    ) -> Verdict:
        if status != 429:
            return Verdict(status, {})
        retry_after = math.ceil(retry_after * 1000) / 1000
        scope = "global" if is_global else "user"
        out = {
            **headers,
            "Retry-After": str(max(math.ceil(retry_after), 1) if retry_after else 0),
            "X-RateLimit-Scope": scope,
            "Via": "1.1 google",
        }
        if is_global:
            out["X-RateLimit-Global"] = "true"
        elif headers:
            out["X-RateLimit-Remaining"] = "0"
        return Verdict(429, out, retry_after, is_global, scope)


def _headers(limit: int, remaining: int, reset_after: float, bucket: str) -> dict[str, str]:
    reset_after = math.ceil(reset_after * 1000) / 1000
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket,
    }

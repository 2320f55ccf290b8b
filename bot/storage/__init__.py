"""What the bot remembers between restarts: knowledge gaps, question counts and answer votes.

`Store` is the one interface; `SqliteStore` (the default, a file) and `PostgresStore` (when
`storage.database_url` is set, so several processes can share it) implement it with the same
SQL and the same versioned migrations, applied by `open_store` before anything else.

Privacy: a gap keeps the normalised question, how often it was asked, when it was first and last
asked and the server; never who asked or a link to the message. A vote keeps a keyed hash of
(answer message, voter), enough to allow one changeable vote per person per answer, and no user
id. Everything recorded is deleted `storage.retention_days` after it was last touched (`purge`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from bot.core.text import clean_question

if TYPE_CHECKING:
    from bot.config import StorageSettings

Outcome = Literal["answered", "suggested", "abstained"]
OUTCOMES: tuple[Outcome, ...] = ("answered", "suggested", "abstained")
GAP_OUTCOMES: frozenset[str] = frozenset({"suggested", "abstained"})
GAP_TEXT_LIMIT = 300
DM_GUILD_ID = 0  # questions asked in direct messages are filed under server 0

_EDGE_PUNCTUATION = " \t?!.,;:…-–—\"'“”‘’()[]"


class StoreError(Exception):
    """The store cannot be used as it is (e.g. its schema is newer than this Concierge)."""


class StoreUnavailable(StoreError):
    """The store is not open or failed: the record could not be written or read."""


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def normalise_question(text: str) -> str:
    """The form a gap is kept in: markup, mentions and URLs stripped, lower case, one line.

    Two askings that differ only in case, spacing, markup or the punctuation around them are the
    same gap. The result is at most GAP_TEXT_LIMIT characters; it may be empty.
    """
    cleaned = clean_question(text, max_chars=GAP_TEXT_LIMIT)
    folded = re.sub(r"\s+", " ", cleaned.casefold())
    return folded.strip(_EDGE_PUNCTUATION)[:GAP_TEXT_LIMIT]


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """One question and what became of it. `text` is kept only when it becomes a gap."""

    guild_id: int
    outcome: Outcome
    text: str = ""
    entry_id: str = ""
    at: datetime = field(default_factory=utcnow)

    @property
    def is_gap(self) -> bool:
        """Unanswered or only suggested, with some text left after normalising."""
        return self.outcome in GAP_OUTCOMES and bool(normalise_question(self.text))


@dataclass(frozen=True, slots=True)
class Vote:
    """One person's helpful / not helpful on one answer message."""

    message_id: int
    user_id: int
    guild_id: int
    entry_id: str
    helpful: bool
    at: datetime = field(default_factory=utcnow)


class VoteChange(enum.Enum):
    """What a vote did: a first vote, a changed one, or the same vote again."""

    NEW = "new"
    CHANGED = "changed"
    SAME = "same"


@dataclass(frozen=True, slots=True)
class Gap:
    """A question the bot could not answer (or only guessed at), counted per server."""

    question: str
    guild_id: int
    asked: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class EntryFeedback:
    """How often an entry was given as an answer, and what people thought of it."""

    entry_id: str
    answered: int = 0
    helpful: int = 0
    not_helpful: int = 0

    @property
    def votes(self) -> int:
        """Helpful and not helpful votes together."""
        return self.helpful + self.not_helpful


@dataclass(frozen=True, slots=True)
class Stats:
    """Questions by outcome and per-entry feedback, over the retention period."""

    questions: dict[str, int]
    entries: tuple[EntryFeedback, ...] = ()

    @property
    def asked(self) -> int:
        """Every question counted."""
        return sum(self.questions.values())

    @property
    def answer_rate(self) -> float | None:
        """Share of questions answered outright, or None before the first question."""
        asked = self.asked
        return self.questions.get("answered", 0) / asked if asked else None


class Store(Protocol):
    """The bot's memory. Every method may raise if the database is down or full."""

    backend: str

    async def record_question(self, question: AskedQuestion) -> None:
        """Count the question by day and outcome; a gap also counts its normalised text."""
        ...

    async def record_vote(self, vote: Vote) -> VoteChange:
        """Store (or change) one person's vote on one answer; committed when this returns."""
        ...

    async def gaps(
        self, *, guild_id: int | None = None, limit: int = 10, offset: int = 0
    ) -> list[Gap]:
        """The most-asked gaps first (then the most recent); all servers when guild_id is None."""
        ...

    async def count_gaps(self, *, guild_id: int | None = None) -> int:
        """How many distinct gaps there are."""
        ...

    async def stats(self, *, guild_id: int | None = None) -> Stats:
        """Questions by outcome and feedback per entry."""
        ...

    async def purge(self, *, before: datetime) -> int:
        """Delete everything last touched before `before`; return how many rows went."""
        ...

    async def schema_version(self) -> int:
        """The highest migration applied."""
        ...

    async def close(self) -> None:
        """Close connections; safe to call twice."""
        ...


async def open_store(settings: StorageSettings) -> Store:
    """Connect to the configured store and bring its schema up to date."""
    if settings.database_url:
        from bot.storage.postgres import PostgresStore

        return await PostgresStore.open(settings.database_url)
    from bot.storage.sqlite import SqliteStore

    return await SqliteStore.open(settings.sqlite_path)


def describe(settings: StorageSettings) -> str:
    """Where the store is, for logs: the SQLite path, or the PostgreSQL host and database.

    Everything before the last "@" after "://" is left out, so no part of a password shows,
    percent-encoded or not.
    """
    if not settings.database_url:
        return f"SQLite {settings.sqlite_path}"
    rest = settings.database_url.partition("://")[2]
    where = re.split(r"[?#]", rest.rpartition("@")[2], maxsplit=1)[0]
    return f"PostgreSQL {where or '?'}"


NOT_PERCENT_ENCODED = (
    "the password in storage.database_url must be percent-encoded "
    "(/ as %2F, ? as %3F, # as %23, % as %25, @ as %40)"
)
_USERINFO_BREAKERS = re.compile(r"[/?#\[\]]|%(?![0-9A-Fa-f]{2})")


def database_url_problem(url: str) -> str | None:
    """Why a PostgreSQL URL cannot be read as its owner meant, or None if it can.

    A password holding "/", "?" or "#" ends the host part early for every URL parser, and then
    shows up in pieces where the host or port should be; a bare "%" is decoded into something
    else. ("@" and ":" are read right: parsers split at the last "@" and the first ":".) What
    counts is everything between "://" and the last "@": the message never repeats it.
    """
    found, rest = url.partition("://")[1:]
    if not found or "@" not in rest:
        return None
    userinfo = rest.rpartition("@")[0]
    password = userinfo.partition(":")[2]
    return NOT_PERCENT_ENCODED if _USERINFO_BREAKERS.search(password) else None

"""The store's logic in SQL both backends share; each backend only supplies connections.

Queries use PostgreSQL's `$1` placeholders; the SQLite backend rewrites them to `?1`. Times are
stored as whole seconds since the epoch (UTC) and days as ISO dates, so both databases hold
exactly the same values.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.storage import (
    AskedQuestion,
    EntryFeedback,
    Gap,
    Stats,
    StoreError,
    Vote,
    VoteChange,
    normalise_question,
)
from bot.storage.migrations import CREATE_LEDGER, LATEST, MIGRATIONS

VOTER_KEY = "voter_key"


class Transaction(Protocol):
    """One open transaction: statements run in it, and it commits when its block ends."""

    async def execute(self, sql: str, *args: Any) -> int:
        """Run a statement; return the number of rows it changed."""
        ...

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Run a query; return its rows as tuples."""
        ...


def epoch(moment: datetime) -> int:
    """Whole seconds since the epoch."""
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    """A stored time back as an aware UTC datetime."""
    return datetime.fromtimestamp(int(seconds), UTC)


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


class SqlStore:
    """Everything a `Store` does, over whatever `transaction()` the backend provides."""

    backend = "sql"

    def __init__(self) -> None:
        """Nothing is known until `prepare` has run."""
        self._voter_key = b""

    def transaction(
        self, *, exclusive: bool = False, write: bool = False
    ) -> AbstractAsyncContextManager[Transaction]:
        """A transaction; `write` if it writes, `exclusive` also keeps other processes out.

        A write transaction takes the write lock when it starts, so a concurrent writer makes it
        wait (SQLite's busy timeout) instead of failing when a read inside it turns into a write.
        """
        raise NotImplementedError

    async def prepare(self) -> None:
        """Apply pending migrations and load (or make) the key that hashes voters."""
        async with self.transaction(exclusive=True) as tx:
            await tx.execute(CREATE_LEDGER)
            rows = await tx.fetch("SELECT version FROM schema_migrations")
            current = max((int(row[0]) for row in rows), default=0)
            if current > LATEST:
                raise StoreError(
                    f"the database schema is at version {current}, newer than this Concierge "
                    f"knows (up to {LATEST}): upgrade Concierge, or use another database"
                )
            for migration in MIGRATIONS:
                if migration.version <= current:
                    continue
                for statement in migration.statements:
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    int(time.time()),
                )
            await tx.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                VOTER_KEY,
                secrets.token_hex(32),
            )
            found = await tx.fetch("SELECT value FROM meta WHERE key = $1", VOTER_KEY)
        self._voter_key = bytes.fromhex(str(found[0][0]))

    def voter(self, message_id: int, user_id: int) -> str:
        """A keyed hash standing for this person on this answer, and nowhere else."""
        text = f"{message_id}:{user_id}".encode()
        return hmac.new(self._voter_key, text, hashlib.sha256).hexdigest()[:32]

    async def schema_version(self) -> int:
        """The highest migration applied."""
        async with self.transaction() as tx:
            rows = await tx.fetch("SELECT MAX(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    async def record_question(self, question: AskedQuestion) -> None:
        """Count the question; a gap is also counted by its normalised text."""
        await self.record_questions((question,))

    async def record_questions(self, questions: Sequence[AskedQuestion]) -> None:
        """Count many questions in one transaction, as `record_question` would count each.

        Questions with the same day, outcome and entry (or the same gap) are summed first, so a
        burst of them costs one statement per distinct count, not one transaction per question.
        """
        counts: dict[tuple[int, str, str, str], int] = {}
        gaps: dict[tuple[int, str], tuple[int, int, int]] = {}  # asked, first seen, last seen
        for question in questions:
            entry_id = question.entry_id if question.outcome == "answered" else ""
            key = (question.guild_id, _day(question.at), question.outcome, entry_id)
            counts[key] = counts.get(key, 0) + 1
            text = normalise_question(question.text) if question.is_gap else ""
            if text:
                at = epoch(question.at)
                asked, first, last = gaps.get((question.guild_id, text), (0, at, at))
                gaps[question.guild_id, text] = (asked + 1, min(first, at), max(last, at))
        if not counts:
            return
        async with self.transaction(write=True) as tx:
            for (guild_id, day, outcome, entry_id), asked in counts.items():
                await tx.execute(
                    "INSERT INTO question_counts (guild_id, day, outcome, entry_id, asked) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (guild_id, day, outcome, entry_id) "
                    "DO UPDATE SET asked = question_counts.asked + excluded.asked",
                    guild_id,
                    day,
                    outcome,
                    entry_id,
                    asked,
                )
            for (guild_id, text), (asked, first, last) in gaps.items():
                await tx.execute(
                    "INSERT INTO gaps (guild_id, question, asked, first_seen, last_seen) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (guild_id, question) DO UPDATE SET "
                    "asked = gaps.asked + excluded.asked, "
                    "first_seen = CASE WHEN excluded.first_seen < gaps.first_seen "
                    "THEN excluded.first_seen ELSE gaps.first_seen END, "
                    "last_seen = CASE WHEN excluded.last_seen > gaps.last_seen "
                    "THEN excluded.last_seen ELSE gaps.last_seen END",
                    guild_id,
                    text,
                    asked,
                    first,
                    last,
                )

    async def record_vote(self, vote: Vote) -> VoteChange:
        """Store or change one vote; the change is committed before this returns."""
        voter = self.voter(vote.message_id, vote.user_id)
        async with self.transaction(write=True) as tx:
            rows = await tx.fetch(
                "SELECT helpful FROM votes WHERE message_id = $1 AND voter = $2",
                vote.message_id,
                voter,
            )
            await tx.execute(
                "INSERT INTO votes (message_id, voter, guild_id, entry_id, helpful, voted_at) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id, voter) DO UPDATE SET "
                "helpful = excluded.helpful, voted_at = excluded.voted_at, "
                "entry_id = excluded.entry_id",
                vote.message_id,
                voter,
                vote.guild_id,
                vote.entry_id,
                vote.helpful,
                epoch(vote.at),
            )
        if not rows:
            return VoteChange.NEW
        return VoteChange.SAME if bool(rows[0][0]) == vote.helpful else VoteChange.CHANGED

    async def gaps(
        self, *, guild_id: int | None = None, limit: int = 10, offset: int = 0
    ) -> list[Gap]:
        """The most-asked gaps first, then the most recently asked."""
        async with self.transaction() as tx:
            rows = await tx.fetch(
                "SELECT question, guild_id, asked, first_seen, last_seen FROM gaps "
                "WHERE ($1 = 1 OR guild_id = $2) "
                "ORDER BY asked DESC, last_seen DESC, question ASC LIMIT $3 OFFSET $4",
                *_guild_filter(guild_id),
                max(limit, 0),
                max(offset, 0),
            )
        return [
            Gap(str(q), int(g), int(n), from_epoch(first), from_epoch(last))
            for q, g, n, first, last in rows
        ]

    async def count_gaps(self, *, guild_id: int | None = None) -> int:
        """How many distinct gaps there are."""
        async with self.transaction() as tx:
            rows = await tx.fetch(
                "SELECT COUNT(*) FROM gaps WHERE ($1 = 1 OR guild_id = $2)",
                *_guild_filter(guild_id),
            )
        return int(rows[0][0])

    async def stats(self, *, guild_id: int | None = None) -> Stats:
        """Questions by outcome, and per entry: times given as the answer and votes."""
        where = _guild_filter(guild_id)
        async with self.transaction() as tx:
            outcomes = await tx.fetch(
                "SELECT outcome, SUM(asked) FROM question_counts "
                "WHERE ($1 = 1 OR guild_id = $2) GROUP BY outcome",
                *where,
            )
            answered = await tx.fetch(
                "SELECT entry_id, SUM(asked) FROM question_counts "
                "WHERE ($1 = 1 OR guild_id = $2) AND outcome = 'answered' GROUP BY entry_id",
                *where,
            )
            votes = await tx.fetch(
                "SELECT entry_id, SUM(CASE WHEN helpful THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN helpful THEN 0 ELSE 1 END) FROM votes "
                "WHERE ($1 = 1 OR guild_id = $2) GROUP BY entry_id",
                *where,
            )
        per_entry: dict[str, EntryFeedback] = {}
        for entry_id, count in answered:
            per_entry[str(entry_id)] = EntryFeedback(str(entry_id), answered=int(count))
        for entry_id, up, down in votes:
            known = per_entry.get(str(entry_id), EntryFeedback(str(entry_id)))
            per_entry[str(entry_id)] = EntryFeedback(
                known.entry_id, known.answered, helpful=int(up), not_helpful=int(down)
            )
        ordered = sorted(
            per_entry.values(), key=lambda e: (-e.not_helpful, -e.votes, -e.answered, e.entry_id)
        )
        return Stats({str(o): int(n) for o, n in outcomes}, tuple(ordered))

    async def purge(self, *, before: datetime) -> int:
        """Delete gaps, counts, votes and resolutions last touched before `before`."""
        cutoff = epoch(before)
        async with self.transaction(write=True) as tx:
            removed = await tx.execute("DELETE FROM gaps WHERE last_seen < $1", cutoff)
            removed += await tx.execute("DELETE FROM question_counts WHERE day < $1", _day(before))
            removed += await tx.execute("DELETE FROM votes WHERE voted_at < $1", cutoff)
            removed += await tx.execute("DELETE FROM resolutions WHERE last_seen < $1", cutoff)
        return removed


def _guild_filter(guild_id: int | None) -> tuple[int, int]:
    """Arguments for `($n = 1 OR guild_id = $m)`: every server, or just this one."""
    return (1, 0) if guild_id is None else (0, guild_id)

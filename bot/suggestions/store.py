"""Resolutions and proposal decisions in the store, on SQLite and PostgreSQL.

A resolution is a person settling what an unsure question meant: the normalised question (as a
gap keeps it), the entry chosen, where it came from (`button`: a "Did you mean" press;
`vote`: another pick after "not helpful"; `trial`: a moderator's grade of an auto-answer draft),
how many times, and when first and last. No user id, no message link, and the same retention as
gaps (`Store.purge` deletes them with the gaps). A decision is an admin approving or rejecting
a proposal: its id, what it changed, the admin's Discord name (their own action) and when;
decisions are kept, so a rejected proposal is not proposed again. The tables are migration 3
(`bot.storage.migrations`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.core.proposals import Resolution
from bot.storage import DM_GUILD_ID, normalise_question, utcnow
from bot.storage.sql import epoch, from_epoch

Source = Literal["button", "vote", "trial"]
SOURCES: tuple[Source, ...] = ("button", "vote", "trial")
Decision = Literal["approved", "rejected"]


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One admin decision on one proposal, as `--history` shows it."""

    proposal_id: str
    kind: str
    decision: str
    entry_id: str
    change: str
    decided_by: str
    decided_at: datetime


class SuggestionStore:
    """The resolution and decision tables over a `SqlStore`'s transactions."""

    def __init__(self, sql_store: Any) -> None:
        """Wrap an open store (`bot.storage.open_store`)."""
        self._store = sql_store

    async def record_resolution(
        self,
        guild_id: int | None,
        question: str,
        entry_id: str,
        *,
        source: Source = "button",
        at: datetime | None = None,
    ) -> bool:
        """Count one resolution of `question` to `entry_id`; False when nothing is left to keep."""
        text = normalise_question(question)
        if not text or not entry_id or source not in SOURCES:
            return False
        moment = epoch(at or utcnow())
        async with self._store.transaction(write=True) as tx:
            await tx.execute(
                "INSERT INTO resolutions "
                "(guild_id, question, entry_id, source, resolved, first_seen, last_seen) "
                "VALUES ($1, $2, $3, $4, 1, $5, $5) "
                "ON CONFLICT (guild_id, question, entry_id, source) DO UPDATE SET "
                "resolved = resolutions.resolved + 1, "
                "first_seen = CASE WHEN excluded.first_seen < resolutions.first_seen "
                "THEN excluded.first_seen ELSE resolutions.first_seen END, "
                "last_seen = CASE WHEN excluded.last_seen > resolutions.last_seen "
                "THEN excluded.last_seen ELSE resolutions.last_seen END",
                guild_id or DM_GUILD_ID,
                text,
                entry_id,
                source,
                moment,
            )
        return True

    async def resolutions(self, *, guild_id: int | None = None) -> list[Resolution]:
        """Resolutions summed over servers (or of one) and sources, the most resolved first."""
        async with self._store.transaction() as tx:
            rows = await tx.fetch(
                "SELECT question, entry_id, SUM(resolved), MIN(first_seen), MAX(last_seen) "
                "FROM resolutions WHERE ($1 = 1 OR guild_id = $2) GROUP BY question, entry_id "
                "ORDER BY SUM(resolved) DESC, question ASC, entry_id ASC",
                *_guild_filter(guild_id),
            )
        return [
            Resolution(str(q), str(e), int(n), from_epoch(first), from_epoch(last))
            for q, e, n, first, last in rows
        ]

    async def decide(
        self,
        proposal_id: str,
        *,
        kind: str,
        decision: Decision,
        entry_id: str,
        change: str,
        decided_by: str,
        at: datetime | None = None,
    ) -> bool:
        """Record a decision; False when this proposal was decided before (the first stands)."""
        async with self._store.transaction(write=True) as tx:
            added = await tx.execute(
                "INSERT INTO proposal_decisions "
                "(proposal_id, kind, decision, entry_id, change, decided_by, decided_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (proposal_id) DO NOTHING",
                proposal_id,
                kind,
                decision,
                entry_id,
                change,
                decided_by[:100],
                epoch(at or utcnow()),
            )
        return bool(added)

    async def decisions(self, *, decision: Decision | None = None) -> list[DecisionRecord]:
        """Decisions, the latest first; only approvals or rejections when `decision` says."""
        async with self._store.transaction() as tx:
            rows = await tx.fetch(
                "SELECT proposal_id, kind, decision, entry_id, change, decided_by, decided_at "
                "FROM proposal_decisions WHERE ($1 = '' OR decision = $1) "
                "ORDER BY decided_at DESC, proposal_id ASC",
                decision or "",
            )
        return [
            DecisionRecord(str(p), str(k), str(d), str(e), str(c), str(b), from_epoch(t))
            for p, k, d, e, c, b, t in rows
        ]

    async def decided(self) -> frozenset[str]:
        """Ids of every proposal decided either way."""
        return frozenset(record.proposal_id for record in await self.decisions())


def _guild_filter(guild_id: int | None) -> Sequence[int]:
    return (1, 0) if guild_id is None else (0, guild_id)

"""Auto-answer channels, counts, trial drafts and their grades, kept per server in the store.

The same SQL runs on SQLite and PostgreSQL, over the transactions of `bot.storage.sql.SqlStore`.
Every query names the server (`guild_id`) it reads or changes: a server sees and grades only
its own channels and drafts, whatever ids a crafted button or command carries.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from bot.autoanswer.policy import ChannelRule

Grade = Literal["correct", "wrong"]


@dataclass(frozen=True, slots=True)
class Draft:
    """What trial mode would have answered, posted for moderators to grade."""

    guild_id: int
    question_id: int
    channel_id: int
    question_url: str
    entry_id: str
    score: float


@dataclass(frozen=True, slots=True)
class ChannelStats:
    """One auto-answer channel's figures: questions seen, answered, graded, correct, misses."""

    channel_id: int
    mode: str
    seen: int = 0
    answered: int = 0
    missed: int = 0
    graded: int = 0
    correct: int = 0

    @property
    def precision(self) -> float | None:
        """Correct drafts of those graded; None before any grade."""
        return self.correct / self.graded if self.graded else None


class AutoAnswerStore:
    """The auto-answer tables over a `SqlStore`'s transactions (SQLite or PostgreSQL)."""

    def __init__(self, sql_store: Any) -> None:
        """Wrap an open store (its schema has migration 2, `bot.storage.migrations`)."""
        self._store = sql_store

    async def add_channel(self, rule: ChannelRule, added_by: int) -> bool:
        """Make (or change) an auto-answer channel of `rule.guild_id`; True if it is new."""
        async with self._store.transaction(write=True) as tx:
            changed = await tx.execute(
                "UPDATE autoanswer_channels SET mode = $3, moderators_channel_id = $4, "
                "support_role_id = $5 WHERE guild_id = $1 AND channel_id = $2",
                rule.guild_id,
                rule.channel_id,
                rule.mode,
                rule.moderators_channel_id,
                rule.support_role_id,
            )
            if changed:
                return False
            await tx.execute(
                "INSERT INTO autoanswer_channels (guild_id, channel_id, mode, "
                "moderators_channel_id, support_role_id, added_by, added_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                rule.guild_id,
                rule.channel_id,
                rule.mode,
                rule.moderators_channel_id,
                rule.support_role_id,
                added_by,
                int(time.time()),
            )
        return True

    async def remove_channel(self, guild_id: int, channel_id: int) -> bool:
        """Stop auto-answering a channel of this server; False if it was not one."""
        async with self._store.transaction(write=True) as tx:
            removed = await tx.execute(
                "DELETE FROM autoanswer_channels WHERE guild_id = $1 AND channel_id = $2",
                guild_id,
                channel_id,
            )
        return bool(removed)

    async def channels(self, guild_id: int | None = None) -> list[ChannelRule]:
        """A server's auto-answer channels (every server's with None), oldest first."""
        query = (
            "SELECT guild_id, channel_id, mode, moderators_channel_id, support_role_id "
            "FROM autoanswer_channels"
        )
        async with self._store.transaction() as tx:
            if guild_id is None:
                rows = await tx.fetch(f"{query} ORDER BY added_at, channel_id")
            else:
                rows = await tx.fetch(
                    f"{query} WHERE guild_id = $1 ORDER BY added_at, channel_id", guild_id
                )
        return [ChannelRule(int(g), int(c), str(m), int(mod), int(r)) for g, c, m, mod, r in rows]

    async def count(
        self, guild_id: int, channel_id: int, *, seen: int = 0, answered: int = 0, missed: int = 0
    ) -> None:
        """Add to a channel's counts of questions seen, answered and missed."""
        async with self._store.transaction(write=True) as tx:
            await tx.execute(
                "INSERT INTO autoanswer_counts (guild_id, channel_id, seen, answered, missed) "
                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (guild_id, channel_id) DO UPDATE SET "
                "seen = autoanswer_counts.seen + excluded.seen, "
                "answered = autoanswer_counts.answered + excluded.answered, "
                "missed = autoanswer_counts.missed + excluded.missed",
                guild_id,
                channel_id,
                seen,
                answered,
                missed,
            )

    async def add_draft(self, draft: Draft) -> None:
        """Keep a trial draft, ungraded (a second draft for one question is ignored)."""
        async with self._store.transaction(write=True) as tx:
            await tx.execute(
                "INSERT INTO autoanswer_drafts (guild_id, question_id, channel_id, question_url, "
                "entry_id, score, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                "ON CONFLICT (guild_id, question_id) DO NOTHING",
                draft.guild_id,
                draft.question_id,
                draft.channel_id,
                draft.question_url,
                draft.entry_id,
                draft.score,
                int(time.time()),
            )

    async def grade(self, guild_id: int, question_id: int, grade: Grade, moderator_id: int) -> bool:
        """Grade this server's draft for a question (a later grade replaces it); False if none."""
        async with self._store.transaction(write=True) as tx:
            changed = await tx.execute(
                "UPDATE autoanswer_drafts SET grade = $3, graded_by = $4, graded_at = $5 "
                "WHERE guild_id = $1 AND question_id = $2",
                guild_id,
                question_id,
                grade,
                moderator_id,
                int(time.time()),
            )
        return bool(changed)

    async def guilds(self) -> list[int]:
        """Every server with an auto-answer channel, count or draft."""
        async with self._store.transaction() as tx:
            rows = await tx.fetch(
                "SELECT guild_id FROM autoanswer_channels UNION "
                "SELECT guild_id FROM autoanswer_counts UNION "
                "SELECT guild_id FROM autoanswer_drafts"
            )
        return sorted(int(row[0]) for row in rows)

    async def stats(self, guild_id: int) -> list[ChannelStats]:
        """A server's figures for each channel it auto-answers or has figures for.

        A channel named only in the settings file has no row of its own: its mode is shown as
        "file" (its counts and drafts are still this server's).
        """
        async with self._store.transaction() as tx:
            modes = await tx.fetch(
                "SELECT channel_id, mode FROM autoanswer_channels WHERE guild_id = $1 "
                "ORDER BY added_at, channel_id",
                guild_id,
            )
            counts = await tx.fetch(
                "SELECT channel_id, seen, answered, missed FROM autoanswer_counts "
                "WHERE guild_id = $1",
                guild_id,
            )
            grades = await tx.fetch(
                "SELECT channel_id, COUNT(grade), "
                "SUM(CASE WHEN grade = 'correct' THEN 1 ELSE 0 END) "
                "FROM autoanswer_drafts WHERE guild_id = $1 GROUP BY channel_id",
                guild_id,
            )
        figures: dict[int, dict[str, Any]] = {int(c): {"mode": str(m)} for c, m in modes}
        for c, seen, answered, missed in counts:
            figures.setdefault(int(c), {"mode": "file"}).update(
                seen=int(seen), answered=int(answered), missed=int(missed)
            )
        for c, graded, correct in grades:
            figures.setdefault(int(c), {"mode": "file"}).update(
                graded=int(graded), correct=int(correct or 0)
            )
        return [ChannelStats(channel_id, **values) for channel_id, values in figures.items()]

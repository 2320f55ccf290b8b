"""Versioned schema migrations, shared by SQLite and PostgreSQL, applied in order at start.

Each migration has a version (1, 2, ...), a name and its statements, written in the SQL both
databases understand. `schema_migrations` records which were applied. Applying is one
transaction under an exclusive lock (SQLite's `BEGIN IMMEDIATE`, a PostgreSQL advisory lock), so
several processes starting together apply each migration once. Never edit a released
migration: add the next one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema."""

    version: int
    name: str
    statements: tuple[str, ...]


CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "knowledge gaps, question counts, answer votes",
        (
            """
            CREATE TABLE gaps (
                guild_id BIGINT NOT NULL,
                question TEXT NOT NULL,
                asked INTEGER NOT NULL,
                first_seen BIGINT NOT NULL,
                last_seen BIGINT NOT NULL,
                PRIMARY KEY (guild_id, question)
            )
            """,
            "CREATE INDEX gaps_by_last_seen ON gaps (last_seen)",
            "CREATE INDEX gaps_by_asked ON gaps (guild_id, asked)",
            """
            CREATE TABLE question_counts (
                guild_id BIGINT NOT NULL,
                day TEXT NOT NULL,
                outcome TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                asked INTEGER NOT NULL,
                PRIMARY KEY (guild_id, day, outcome, entry_id)
            )
            """,
            "CREATE INDEX question_counts_by_day ON question_counts (day)",
            """
            CREATE TABLE votes (
                message_id BIGINT NOT NULL,
                voter TEXT NOT NULL,
                guild_id BIGINT NOT NULL,
                entry_id TEXT NOT NULL,
                helpful BOOLEAN NOT NULL,
                voted_at BIGINT NOT NULL,
                PRIMARY KEY (message_id, voter)
            )
            """,
            "CREATE INDEX votes_by_entry ON votes (guild_id, entry_id)",
            "CREATE INDEX votes_by_time ON votes (voted_at)",
            """
            CREATE TABLE meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )
            """,
        ),
    ),
    Migration(
        2,
        "auto-answer channels, counts, trial drafts and grades",
        (
            """
            CREATE TABLE autoanswer_channels (
                guild_id BIGINT NOT NULL,
                channel_id BIGINT NOT NULL,
                mode TEXT NOT NULL,
                moderators_channel_id BIGINT NOT NULL,
                support_role_id BIGINT NOT NULL,
                added_by BIGINT NOT NULL,
                added_at BIGINT NOT NULL,
                PRIMARY KEY (guild_id, channel_id)
            )
            """,
            """
            CREATE TABLE autoanswer_counts (
                guild_id BIGINT NOT NULL,
                channel_id BIGINT NOT NULL,
                seen INTEGER NOT NULL,
                answered INTEGER NOT NULL,
                missed INTEGER NOT NULL,
                PRIMARY KEY (guild_id, channel_id)
            )
            """,
            """
            CREATE TABLE autoanswer_drafts (
                guild_id BIGINT NOT NULL,
                question_id BIGINT NOT NULL,
                channel_id BIGINT NOT NULL,
                question_url TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                score REAL NOT NULL,
                created_at BIGINT NOT NULL,
                grade TEXT,
                graded_by BIGINT,
                graded_at BIGINT,
                PRIMARY KEY (guild_id, question_id)
            )
            """,
            "CREATE INDEX autoanswer_drafts_by_channel ON autoanswer_drafts (guild_id, channel_id)",
        ),
    ),
    Migration(
        3,
        "resolutions of unsure questions, decisions on proposals",
        (
            # No user id, no message link: the normalised question, the entry people chose,
            # how (button, vote, trial), how often and when; purged like gaps.
            """
            CREATE TABLE resolutions (
                guild_id BIGINT NOT NULL,
                question TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                source TEXT NOT NULL,
                resolved INTEGER NOT NULL,
                first_seen BIGINT NOT NULL,
                last_seen BIGINT NOT NULL,
                PRIMARY KEY (guild_id, question, entry_id, source)
            )
            """,
            "CREATE INDEX resolutions_by_last_seen ON resolutions (last_seen)",
            """
            CREATE TABLE proposal_decisions (
                proposal_id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                decision TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                change TEXT NOT NULL,
                decided_by TEXT NOT NULL,
                decided_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX proposal_decisions_by_time ON proposal_decisions (decided_at)",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version

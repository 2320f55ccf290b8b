"""The default store: one SQLite file (aiosqlite), in WAL mode, synced on every commit.

One connection serves the whole process; an asyncio lock keeps transactions from interleaving on
it. WAL lets `python -m bot gaps` read while the bot writes, and `synchronous=FULL` makes a
commit durable before it returns, so a vote acknowledged to its voter survives a crash.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.sql import SqlStore, Transaction

_PLACEHOLDER = re.compile(r"\$(\d+)")
BUSY_TIMEOUT_MS = 5000


def to_sqlite(sql: str) -> str:
    """`$1` placeholders as SQLite's numbered `?1`."""
    return _PLACEHOLDER.sub(r"?\1", sql)


class _SqliteTransaction:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, *args: Any) -> int:
        cursor = await self._db.execute(to_sqlite(sql), args)
        count = cursor.rowcount
        await cursor.close()
        return max(count, 0)

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        async with self._db.execute(to_sqlite(sql), args) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]


class SqliteStore(SqlStore):
    """The store in one SQLite file."""

    backend = "sqlite"

    def __init__(self, db: aiosqlite.Connection, path: str) -> None:
        """Wrap an open connection; use `SqliteStore.open`."""
        super().__init__()
        self._db: aiosqlite.Connection | None = db
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> SqliteStore:
        """Open (or create) the file, switch on WAL, and apply pending migrations.

        Switching a new file to WAL needs it to itself, and SQLite does not wait for that
        (busy_timeout does not apply): processes starting together retry for a few seconds.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return await cls._open_once(path)
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)

    @classmethod
    async def _open_once(cls, path: str | Path) -> SqliteStore:
        target = Path(path)
        if str(target) != ":memory:":
            target.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(str(target), isolation_level=None)
        try:
            for pragma in (
                f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = FULL",
            ):
                # Read to the end and close: a PRAGMA that returns a row (journal_mode does)
                # leaves its statement "in progress" until its cursor is collected, and then
                # the first COMMIT fails, depending on when the garbage collector runs.
                async with db.execute(pragma) as cursor:
                    await cursor.fetchall()
            store = cls(db, str(target))
            await store.prepare()
        except BaseException:
            await db.close()
            raise
        return store

    @asynccontextmanager
    async def _transaction(self, exclusive: bool) -> AsyncIterator[Transaction]:
        db = self._db
        if db is None:
            raise RuntimeError("the SQLite store is closed")
        async with self._lock:
            await db.execute("BEGIN IMMEDIATE" if exclusive else "BEGIN")
            try:
                yield _SqliteTransaction(db)
            except BaseException:
                await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")

    def transaction(self, *, exclusive: bool = False) -> Any:
        """A transaction on the one connection; `exclusive` takes the write lock at once."""
        return self._transaction(exclusive)

    async def close(self) -> None:
        """Close the connection (checkpointing the WAL); safe to call twice."""
        db, self._db = self._db, None
        if db is not None:
            async with self._lock:
                await db.close()

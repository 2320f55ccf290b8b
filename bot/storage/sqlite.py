"""The default store: one SQLite file (aiosqlite), in WAL mode, synced on every commit.

One connection serves the whole process; an asyncio lock keeps transactions from interleaving on
it. WAL lets `python -m bot gaps` read while the bot writes, and `synchronous=FULL` makes a
commit durable before it returns, so a vote acknowledged to its voter survives a crash. Write
transactions start with BEGIN IMMEDIATE, so another process writing makes them wait the busy
timeout rather than fail at once.

Before each transaction the path is compared with the open file (device and inode, one stat):
if the file was deleted or replaced, anything written to it would vanish, so the store says so
once and reopens the path. A write whose file went while it ran raises StoreUnavailable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage import StoreUnavailable
from bot.storage.sql import SqlStore, Transaction

log = logging.getLogger(__name__)

MEMORY = ":memory:"
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

    def __init__(
        self, db: aiosqlite.Connection, path: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS
    ) -> None:
        """Wrap an open connection; use `SqliteStore.open`."""
        super().__init__()
        self._db: aiosqlite.Connection | None = db
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._lock = asyncio.Lock()
        self._closed = False
        self._file: tuple[int, int] | None = _file_identity(path)
        self._journal: dict[str, tuple[int, int]] = {}
        self._lost = False

    @classmethod
    async def open(cls, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> SqliteStore:
        """Open (or create) the file, switch on WAL, and apply pending migrations.

        Switching a new file to WAL needs it to itself, and SQLite does not wait for that
        (busy_timeout does not apply): processes starting together retry for a few seconds.
        `busy_timeout_ms` is how long a statement waits for another process's write lock.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return await cls._open_once(path, busy_timeout_ms)
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)

    @classmethod
    async def _open_once(cls, path: str | Path, busy_timeout_ms: int) -> SqliteStore:
        target = Path(path)
        if str(target) != MEMORY:
            target.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(str(target), isolation_level=None)
        try:
            for pragma in (
                f"PRAGMA busy_timeout = {int(busy_timeout_ms)}",
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = FULL",
            ):
                # Read to the end and close: a PRAGMA that returns a row (journal_mode does)
                # leaves its statement "in progress" until its cursor is collected, and then
                # the first COMMIT fails, depending on when the garbage collector runs.
                async with db.execute(pragma) as cursor:
                    await cursor.fetchall()
            store = cls(db, str(target), busy_timeout_ms=busy_timeout_ms)
            await store.prepare()
            store._journal = _journal_identities(str(target))
        except BaseException:
            await db.close()
            raise
        return store

    def _moved(self) -> bool:
        """Whether the path no longer names the open file (deleted, or another file put there)."""
        if self._file is None:
            return False
        try:
            return _file_identity(self.path) != self._file
        except FileNotFoundError:
            return True

    async def _reopen(self) -> aiosqlite.Connection:
        """Close the file that went and open whatever is at the path now (a new one if nothing).

        SQLite leaves the old -wal and -shm files at the path when its database file was deleted
        or renamed; opened with the new file, that log would be replayed into it. So once the old
        connection is closed, those two go too, if they are still the ones it had open.
        """
        old, self._db = self._db, None
        if old is not None:
            with contextlib.suppress(Exception):
                await old.close()
        for suffix, identity in _journal_identities(self.path).items():
            if self._journal.get(suffix) == identity:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path + suffix)
        try:
            fresh = await self._open_once(self.path, self._busy_timeout_ms)
        except Exception as error:
            if not self._lost:
                log.warning(
                    "the SQLite file %s was deleted or replaced while open, and cannot be made "
                    "again: %s",
                    self.path,
                    error,
                )
            self._lost = True
            raise StoreUnavailable(f"cannot reopen {self.path}: {error}") from error
        self._db, self._file, self._journal = fresh._db, fresh._file, fresh._journal
        self._voter_key = fresh._voter_key
        fresh._db = None
        log.warning(
            "the SQLite file %s was deleted or replaced while open: reopened it there "
            "(anything recorded since it changed is lost)",
            self.path,
        )
        self._lost = False
        assert self._db is not None  # noqa: S101 - just opened
        return self._db

    @asynccontextmanager
    async def _transaction(self, exclusive: bool, write: bool) -> AsyncIterator[Transaction]:
        async with self._lock:
            if self._closed:
                raise RuntimeError("the SQLite store is closed")
            db = self._db
            if db is None or self._moved():
                db = await self._reopen()
            await db.execute("BEGIN IMMEDIATE" if exclusive or write else "BEGIN")
            try:
                yield _SqliteTransaction(db)
            except BaseException:
                await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")
            if write and self._moved():
                # Committed to a file that has gone since: nothing written is kept.
                raise StoreUnavailable(f"{self.path} was deleted or replaced while writing")

    def transaction(self, *, exclusive: bool = False, write: bool = False) -> Any:
        """A transaction on the one connection; `write` or `exclusive` takes the write lock."""
        return self._transaction(exclusive, write)

    async def close(self) -> None:
        """Close the connection (checkpointing the WAL); safe to call twice."""
        self._closed = True
        db, self._db = self._db, None
        if db is not None:
            async with self._lock:
                await db.close()


def _file_identity(path: str) -> tuple[int, int] | None:
    """The (device, inode) the path names now; None for an in-memory database."""
    if path == MEMORY:
        return None
    found = os.stat(path)
    return found.st_dev, found.st_ino


def _journal_identities(path: str) -> dict[str, tuple[int, int]]:
    """The (device, inode) of the database's -wal and -shm files that exist now."""
    found: dict[str, tuple[int, int]] = {}
    if path == MEMORY:
        return found
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            status = os.stat(path + suffix)
            found[suffix] = (status.st_dev, status.st_ino)
    return found

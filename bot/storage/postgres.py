"""The shared store: PostgreSQL through an asyncpg pool, for several bot processes at once.

Every process runs the migrations at start; an advisory lock makes the others wait while one
applies them. Connecting and every statement have time limits, so a database that stops
answering fails the record (which the caller logs) instead of piling up work.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from bot.storage import StoreError, database_url_problem
from bot.storage.sql import SqlStore, Transaction

CONNECT_TIMEOUT = 10.0
COMMAND_TIMEOUT = 10.0
POOL_SIZE = 5
# pg_advisory_xact_lock key for migrations: "Conc" in ASCII.
MIGRATION_LOCK = 0x436F6E63


class _PostgresTransaction:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def execute(self, sql: str, *args: Any) -> int:
        status = await self._connection.execute(sql, *args)
        last = str(status).rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await self._connection.fetch(sql, *args)]


class PostgresStore(SqlStore):
    """The store in a PostgreSQL database named by a URL."""

    backend = "postgres"

    def __init__(self, pool: Any) -> None:
        """Wrap an open pool; use `PostgresStore.open`."""
        super().__init__()
        self._pool: Any = pool

    @classmethod
    async def open(cls, url: str, *, command_timeout: float = COMMAND_TIMEOUT) -> PostgresStore:
        """Connect a small pool and apply pending migrations.

        A URL whose password would be misread is refused first: asyncpg's own error would show
        pieces of it. `command_timeout` is how long one statement may take.
        """
        problem = database_url_problem(url)
        if problem is not None:
            raise StoreError(problem)
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            timeout=CONNECT_TIMEOUT,
            command_timeout=command_timeout,
        )
        try:
            store = cls(pool)
            await store.prepare()
        except BaseException:
            await pool.close()
            raise
        return store

    @asynccontextmanager
    async def _transaction(self, exclusive: bool) -> AsyncIterator[Transaction]:
        pool = self._pool
        if pool is None:
            raise RuntimeError("the PostgreSQL store is closed")
        async with pool.acquire(timeout=CONNECT_TIMEOUT) as connection, connection.transaction():
            if exclusive:
                await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            yield _PostgresTransaction(connection)

    def transaction(self, *, exclusive: bool = False, write: bool = False) -> Any:
        """A transaction on a pooled connection; `exclusive` serialises it across processes.

        `write` changes nothing here: PostgreSQL waits for the rows another writer holds.
        """
        return self._transaction(exclusive)

    async def close(self) -> None:
        """Close the pool (cut it off if the server does not answer); safe to call twice."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), CONNECT_TIMEOUT)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            pool.terminate()  # a server that stopped answering must not hold up the stop

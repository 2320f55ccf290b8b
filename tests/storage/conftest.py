"""Stores for the storage tests: every test runs on SQLite and on PostgreSQL.

The PostgreSQL half needs a server: `POSTGRES_TEST_DSN` names it (`bash scripts/test`
starts a throwaway one with `scripts/postgres`). Without it that half is skipped, saying why,
unless `POSTGRES_TEST_REQUIRED` is set (CI sets it), when it fails instead.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from bot.config import StorageSettings
from bot.storage import Store, open_store

DSN_ENV = "POSTGRES_TEST_DSN"
REQUIRED_ENV = "POSTGRES_TEST_REQUIRED"
BACKENDS = ("sqlite", "postgres")


def postgres_dsn() -> str:
    """The test server's URL; skips (or, when required, fails) the test without one."""
    dsn = os.environ.get(DSN_ENV, "").strip()
    if dsn:
        return dsn
    reason = (
        f"PostgreSQL half not run: {DSN_ENV} is not set "
        '(`eval "$(bash scripts/postgres start)"` starts a server and sets it; '
        "`bash scripts/test` does that by itself)"
    )
    if os.environ.get(REQUIRED_ENV, "").strip() not in ("", "0"):
        pytest.fail(f"{REQUIRED_ENV} is set but {reason}")
    pytest.skip(reason)


@contextlib.asynccontextmanager
async def fresh_schema(dsn: str) -> AsyncIterator[str]:
    """A URL whose search_path is a new, empty schema, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await connection.close()
    separator = "&" if "?" in dsn else "?"
    try:
        yield f"{dsn}{separator}search_path={schema}"
    finally:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await connection.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


SettingsFor = Callable[[str], Awaitable[StorageSettings]]


@pytest.fixture
async def settings_for(tmp_path: Path) -> AsyncIterator[SettingsFor]:
    """Storage settings for a backend: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    async with contextlib.AsyncExitStack() as stack:

        async def make(name: str) -> StorageSettings:
            if name == "sqlite":
                return StorageSettings(sqlite_path=str(tmp_path / "state" / "concierge.sqlite3"))
            url = await stack.enter_async_context(fresh_schema(postgres_dsn()))
            return StorageSettings(database_url=url)

        yield make


@pytest.fixture
async def storage_settings(backend: str, settings_for: SettingsFor) -> StorageSettings:
    return await settings_for(backend)


@pytest.fixture
async def store(storage_settings: StorageSettings) -> AsyncIterator[Store]:
    opened = await open_store(storage_settings)
    yield opened
    await opened.close()

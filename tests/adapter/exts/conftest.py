"""Fixtures the extension tests share: a real SQLite store, a member who may manage the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
import simcord

from bot.storage.sqlite import SqliteStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = await SqliteStore.open(tmp_path / "state" / "concierge.sqlite3")
    yield opened
    await opened.close()


@pytest.fixture
def admin(world) -> simcord.MemberActor:
    managers = world.guild.create_role(
        "Managers", permissions=discord.Permissions(manage_guild=True)
    )
    return world.guild.add_member(world.env.create_user("admin"), roles=[managers])

"""`python -m bot sync [--guild ID | --global] [--clear]`: register the slash commands, on purpose.

Logs in over HTTP only (no gateway connection) and uploads the command tree: to one server, where
commands appear at once, or globally. `run` never syncs, except copying the commands to
`discord.dev_guild_id` when that is set. Where to: `--guild ID`, else `discord.dev_guild_id` when
set, else globally; `--global` forces global even when a development server is configured.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

import discord

from bot.client import ConciergeBot, create_bot
from bot.commands._engine import load_or_report
from bot.commands.run import use_discord_endpoints
from bot.config import ConfigError, Settings, load_settings, load_token
from bot.core import Engine
from bot.logging_setup import configure_logging, protect_secret

HELP = "register the slash commands with Discord (one server with --guild ID, else globally)"

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare --guild, --global, --clear and --data."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--guild", type=int, metavar="ID", help="sync to this server only (instant)")
    where.add_argument(
        "--global",
        dest="everywhere",
        action="store_true",
        help="sync globally even when discord.dev_guild_id is set",
    )
    parser.add_argument(
        "--clear", action="store_true", help="remove the commands from there instead"
    )
    parser.add_argument("--data", help="knowledge base directory (default: from config, 'data')")


def target_guild(args: argparse.Namespace, settings: Settings) -> int | None:
    """The server id to sync to, or None for global."""
    if getattr(args, "everywhere", False):
        return None
    guild: int | None = getattr(args, "guild", None)
    return guild or settings.discord.dev_guild_id or None


async def sync_commands(
    bot: ConciergeBot, token: str, guild_id: int | None, clear: bool
) -> list[str]:
    """Log in over HTTP, load the commands, sync them (or clear them) and return their names."""
    async with bot:
        await bot.login(token)
        guild = discord.Object(id=guild_id) if guild_id else None
        if clear:
            bot.tree.clear_commands(guild=guild)
        elif guild is not None:
            bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    return [command.name for command in synced]


def run(args: argparse.Namespace) -> int:
    """Sync and print what was synced; 2 for a configuration problem, 1 if Discord refused."""
    config = getattr(args, "config", None)
    try:
        settings = load_settings(Path(config) if config else None, os.environ)
        configure_logging(settings.logging)
        token = load_token(settings, os.environ)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    protect_secret(token)
    kb = load_or_report(args, settings)
    if kb is None:
        return 1
    use_discord_endpoints(settings.discord.api_base_url, settings.discord.gateway_url)
    bot = create_bot(settings, kb, Engine(kb, settings.answer), sync_dev_guild=False)
    guild_id = target_guild(args, settings)
    where = f"server {guild_id}" if guild_id else "all servers (global)"
    try:
        names = asyncio.run(sync_commands(bot, token, guild_id, args.clear))
    except discord.LoginFailure:
        print("error: Discord rejected the token (401): check DISCORD_TOKEN", file=sys.stderr)
        return 1
    except discord.HTTPException as error:
        print(f"error: Discord refused the sync for {where}: {error}", file=sys.stderr)
        return 1
    if args.clear:
        print(f"removed the commands from {where}")
    else:
        print(f"synced {len(names)} commands to {where}: {', '.join(names)}")
    return 0

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
from pathlib import Path

import discord

from bot.adapter.client import ConciergeBot, create_bot
from bot.commands._failures import NETWORK_ADVICE, debugging, explain, report
from bot.commands.run import load_knowledge, use_discord_endpoints
from bot.config import ConfigError, Settings, load_settings, load_token
from bot.core import Engine
from bot.logging_setup import configure_logging, protect_secret

HELP = "register the slash commands with Discord (one server with --guild ID, else globally)"

SYNC_TIMEOUT = 60.0  # seconds for the log-in and the upload together
MAX_RATE_LIMIT_WAIT = 30.0  # seconds of rate limit worth waiting for (discord.py's minimum)

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
    """Sync and print what was synced; 2 for a configuration problem, 1 if it failed.

    A failure to reach Discord or a refusal is one line saying what to do; --debug adds the
    traceback.
    """
    config = getattr(args, "config", None)
    settings = None
    try:
        settings = load_settings(Path(config) if config else None, os.environ)
        configure_logging(settings.logging)
        token = load_token(settings, os.environ)
    except ConfigError as error:
        report(str(error), settings=settings, debug=debugging(args, settings))
        return 2
    debug = debugging(args, settings)
    protect_secret(token)
    kb = load_knowledge(args, settings, debug)
    if kb is None:
        return 1
    use_discord_endpoints(settings.discord.api_base_url, settings.discord.gateway_url)
    # A long rate limit (a ban of minutes or hours) fails at once instead of waiting it out.
    bot = create_bot(
        settings,
        kb,
        Engine(kb, settings.answer),
        sync_dev_guild=False,
        max_ratelimit_timeout=MAX_RATE_LIMIT_WAIT,
    )
    guild_id = target_guild(args, settings)
    where = f"server {guild_id}" if guild_id else "all servers (global)"
    try:
        names = asyncio.run(
            asyncio.wait_for(sync_commands(bot, token, guild_id, args.clear), SYNC_TIMEOUT)
        )
    except Exception as error:
        message = explain(error)
        if message is None:
            raise  # not an expected failure: the command line shows it as a bug
        if isinstance(error, TimeoutError):
            message = f"the sync did not finish within {SYNC_TIMEOUT:.0f} s: {NETWORK_ADVICE}"
        if isinstance(error, discord.Forbidden) and guild_id:
            message += f"; is the bot in server {guild_id}?"
        report(f"cannot sync the commands to {where}: {message}", settings=settings, debug=debug)
        return 1
    if args.clear:
        print(f"removed the commands from {where}")
    else:
        print(f"synced {len(names)} commands to {where}: {', '.join(names)}")
    return 0

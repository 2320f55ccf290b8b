"""`python -m bot gaps`: the questions the bot could not answer, most asked first.

Reads the store the settings name (`storage.database_url`, else the SQLite file
`storage.sqlite_path`), so run it with the bot's config. It prints a table, or CSV with
`--csv` (question, asked, first_seen, last_seen, guild_id) for a spreadsheet; either way, write
the missing entries or aliases, then `/concierge reload`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, StorageSettings, load_settings
from bot.storage import Gap, describe, open_store

HELP = "list the questions the bot could not answer, most asked first (--csv to export)"
CSV_COLUMNS = ("question", "asked", "first_seen", "last_seen", "guild_id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare --guild, --limit and --csv."""
    parser.add_argument("--guild", type=int, metavar="ID", help="only this server's questions")
    parser.add_argument(
        "--limit",
        type=int,
        default=50,
        metavar="N",
        help="at most N questions (default 50; 0: all)",
    )
    parser.add_argument("--csv", action="store_true", help="write CSV to standard output")


async def fetch(settings: StorageSettings, guild_id: int | None, limit: int) -> list[Gap]:
    """The gaps, most asked first; every one when `limit` is 0."""
    store = await open_store(settings)
    try:
        if limit <= 0:
            limit = await store.count_gaps(guild_id=guild_id)
        return await store.gaps(guild_id=guild_id, limit=limit)
    finally:
        await store.close()


def write_csv(gaps: list[Gap], out: TextIO) -> None:
    """One row a gap, with a header row; times in ISO 8601 UTC."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for gap in gaps:
        writer.writerow(
            [
                gap.question,
                gap.asked,
                gap.first_seen.isoformat(),
                gap.last_seen.isoformat(),
                gap.guild_id,
            ]
        )


def write_table(gaps: list[Gap], out: TextIO) -> None:
    """A plain table for the terminal."""
    out.write(f"{'asked':>5}  {'first seen':10}  {'last seen':10}  {'server':>19}  question\n")
    for gap in gaps:
        server = str(gap.guild_id) if gap.guild_id else "DM"
        out.write(
            f"{gap.asked:>5}  {gap.first_seen:%Y-%m-%d}  {gap.last_seen:%Y-%m-%d}  "
            f"{server:>19}  {gap.question}\n"
        )


def run(args: argparse.Namespace) -> int:
    """Print the gaps; 0 on success (also when there are none), 1 if the store can't be read."""
    config = getattr(args, "config", None)
    try:
        settings = load_settings(Path(config) if config else None, os.environ).storage
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not settings.database_url and not Path(settings.sqlite_path).exists():
        print(f"no knowledge gaps recorded yet ({settings.sqlite_path} does not exist)")
        return 0
    try:
        gaps = asyncio.run(fetch(settings, args.guild, args.limit))
    except Exception as error:
        print(f"error: cannot read {describe(settings)}: {error}", file=sys.stderr)
        return 1
    if args.csv:
        write_csv(gaps, sys.stdout)
    elif not gaps:
        print("no knowledge gaps recorded: every question got an answer")
    else:
        write_table(gaps, sys.stdout)
    return 0

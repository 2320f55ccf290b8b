"""`python -m bot gaps`: the questions the bot could not answer, most asked first.

Reads the store the settings name (`storage.database_url`, else the SQLite file
`storage.sqlite_path`), so run it with the bot's config. It prints a table, or CSV with
`--csv` (question, asked, first_seen, last_seen, guild_id, now) for a spreadsheet; either way,
write the missing entries or aliases, then `/concierge reload`. Each question is asked again of
the knowledge base (`--data DIR`, else `knowledge.data_dir` when it is there): the `now` column
says what the bot would make of it today (answered, unsure or abstained), so a gap already
filled shows as answered.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from pathlib import Path
from typing import TextIO

from bot.commands._engine import (
    add_data_argument,
    data_dir_for,
    load_or_report,
    load_settings_for,
    missing_data_dir,
    report_error,
)
from bot.config import ConfigError, Settings, StorageSettings
from bot.core import Engine, KnowledgeBaseError, load_knowledge_base
from bot.storage import Gap, describe, open_store

HELP = "list the questions the bot could not answer, most asked first (--csv to export)"
CSV_COLUMNS = ("question", "asked", "first_seen", "last_seen", "guild_id", "now")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare --guild, --limit, --csv and --data."""
    parser.add_argument("--guild", type=int, metavar="ID", help="only this server's questions")
    parser.add_argument(
        "--limit",
        type=int,
        default=50,
        metavar="N",
        help="at most N questions (default 50; 0: all)",
    )
    parser.add_argument("--csv", action="store_true", help="write CSV to standard output")
    add_data_argument(parser, ", to say what the bot would answer now")


async def fetch(settings: StorageSettings, guild_id: int | None, limit: int) -> list[Gap]:
    """The gaps, most asked first; every one when `limit` is 0."""
    store = await open_store(settings)
    try:
        if limit <= 0:
            limit = await store.count_gaps(guild_id=guild_id)
        return await store.gaps(guild_id=guild_id, limit=limit)
    finally:
        await store.close()


def outcomes_now(engine: Engine | None, gaps: list[Gap]) -> list[str]:
    """What the knowledge base makes of each gap today (answered, unsure, abstained), or ""."""
    if engine is None:
        return [""] * len(gaps)
    return [engine.ask(gap.question).outcome.value for gap in gaps]


def write_csv(gaps: list[Gap], now: list[str], out: TextIO) -> None:
    """One row a gap, with a header row; times in ISO 8601 UTC."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for gap, outcome in zip(gaps, now, strict=True):
        writer.writerow(
            [
                gap.question,
                gap.asked,
                gap.first_seen.isoformat(),
                gap.last_seen.isoformat(),
                gap.guild_id,
                outcome,
            ]
        )


def write_table(gaps: list[Gap], now: list[str], out: TextIO) -> None:
    """A plain table for the terminal; the `now` column only when there was a knowledge base."""
    checked = any(now)
    head = f"{'now':9}  " if checked else ""
    out.write(
        f"{'asked':>5}  {'first seen':10}  {'last seen':10}  {'server':>19}  {head}question\n"
    )
    for gap, outcome in zip(gaps, now, strict=True):
        server = str(gap.guild_id) if gap.guild_id else "DM"
        state = f"{outcome:9}  " if checked else ""
        out.write(
            f"{gap.asked:>5}  {gap.first_seen:%Y-%m-%d}  {gap.last_seen:%Y-%m-%d}  "
            f"{server:>19}  {state}{gap.question}\n"
        )


def configured_engine(args: argparse.Namespace, settings: Settings) -> Engine | None:
    """The engine for the `now` column from knowledge.data_dir, if it is there and loads."""
    if missing_data_dir(args, settings) is not None:
        return None
    data_dir = data_dir_for(args, settings)
    try:
        kb = load_knowledge_base(data_dir)
    except KnowledgeBaseError as error:
        print(
            f"note: no 'now' column: {len(error.problems)} problem(s) in {data_dir} "
            "(python -m bot check lists them)",
            file=sys.stderr,
        )
        return None
    return Engine(kb, settings.answer)


def run(args: argparse.Namespace) -> int:
    """Print the gaps; 0 on success (also when there are none), 1 if the store can't be read."""
    try:
        settings = load_settings_for(args)
    except ConfigError as error:
        report_error(args, str(error))
        return 2
    storage = settings.storage
    if not storage.database_url:
        if Path(storage.sqlite_path).is_dir():
            report_error(
                args,
                f"storage.sqlite_path: {storage.sqlite_path} is a directory; "
                "name the SQLite file the bot writes, e.g. state/concierge.sqlite3",
            )
            return 2
        if not Path(storage.sqlite_path).exists():
            print(f"no knowledge gaps recorded yet ({storage.sqlite_path} does not exist)")
            print(
                f"  (looked for {Path(storage.sqlite_path).absolute()}: if the bot keeps its "
                f"store elsewhere, run this with its config, or set storage.sqlite_path)"
            )
            return 0
    try:
        gaps = asyncio.run(fetch(storage, args.guild, args.limit))
    except Exception as error:
        report_error(args, f"cannot read {describe(storage)}: {error}", settings=settings)
        return 1
    engine = None
    if args.data:
        kb = load_or_report(args, settings)
        if kb is None:
            return 2
        engine = Engine(kb, settings.answer)
    elif gaps:
        engine = configured_engine(args, settings)
    now = outcomes_now(engine, gaps)
    if args.csv:
        write_csv(gaps, now, sys.stdout)
    elif not gaps:
        print("no knowledge gaps recorded: every question got an answer")
    else:
        write_table(gaps, now, sys.stdout)
    return 0

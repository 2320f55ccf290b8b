"""`python -m bot stats`: per auto-answer channel, questions seen, answered, graded, precision.

Reads the store the settings name, like `gaps`, so run it with the bot's config. The same
figures as `/concierge stats` in Discord, for every server (or `--guild ID`), with the
`autoanswer.threshold` in force, so moderators can see when a trial channel has earned `live`.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.autoanswer.store import AutoAnswerStore, ChannelStats
from bot.commands._engine import load_settings_for, report_error
from bot.config import ConfigError, StorageSettings
from bot.storage import describe, open_store

HELP = "auto-answer figures per channel: seen, answered, graded, trial precision, threshold"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare --guild."""
    parser.add_argument("--guild", type=int, metavar="ID", help="only this server's channels")


async def fetch(settings: StorageSettings, guild_id: int | None) -> dict[int, list[ChannelStats]]:
    """Each server's figures per auto-answer channel (only `guild_id`'s when given)."""
    store = await open_store(settings)
    try:
        autoanswer = AutoAnswerStore(store)
        guilds = [guild_id] if guild_id else await autoanswer.guilds()
        return {guild: await autoanswer.stats(guild) for guild in guilds}
    finally:
        await store.close()


def table(figures: dict[int, list[ChannelStats]], threshold: float) -> str:
    """A plain table for the terminal, one line per channel."""
    lines = [
        f"{'server':>19}  {'channel':>19}  {'mode':5}  {'seen':>6}  {'answered':>8}  "
        f"{'missed':>6}  {'graded':>6}  {'precision':>9}  threshold"
    ]
    for guild_id, channels in figures.items():
        for s in channels:
            precision = "n/a" if s.precision is None else f"{s.precision:.0%}"
            lines.append(
                f"{guild_id:>19}  {s.channel_id:>19}  {s.mode:5}  {s.seen:>6}  {s.answered:>8}  "
                f"{s.missed:>6}  {s.graded:>6}  {precision:>9}  {threshold:g}"
            )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the figures; 0 on success (also with none), 1 if the store can't be read."""
    try:
        settings = load_settings_for(args)
    except ConfigError as error:
        report_error(args, str(error))
        return 2
    storage = settings.storage
    if not storage.database_url and not Path(storage.sqlite_path).is_file():
        print(f"no auto-answer channels yet ({storage.sqlite_path} does not exist)")
        return 0
    try:
        figures = asyncio.run(fetch(storage, args.guild))
    except Exception as error:
        report_error(args, f"cannot read {describe(storage)}: {error}")
        return 1
    if not any(figures.values()):
        print("no auto-answer channels: add one with /concierge autoanswer add")
        return 0
    print(table(figures, settings.autoanswer.threshold))
    return 0

"""Command-line entry point: each subcommand lives in `bot/commands/<name>.py`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Each module exposes HELP (one line), add_arguments(parser) and run(args) -> exit code.
COMMANDS = ("ask", "check", "ingest", "run", "sync", "health", "gaps")


def build_parser() -> argparse.ArgumentParser:
    """Build the parser with one subparser per command module."""
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Concierge, the fan FAQ bot."
    )
    parser.add_argument("--config", help="path to a config TOML file (default: none, built-ins)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.commands.{name}":
                raise
            continue  # a command whose module is not installed is simply not offered
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run the chosen command, returning its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0

"""Command-line entry point: each subcommand lives in `bot/commands/<name>.py`."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from bot.commands._engine import DEBUG_HINT

# Each module exposes HELP (one line), add_arguments(parser) and run(args) -> exit code.
COMMANDS = ("ask", "check", "ingest", "run", "sync", "health", "gaps", "stats", "suggestions")


def add_global_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    """--config and --debug, accepted before the command name and after it."""
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=default,
        help="config TOML file (default: $CONCIERGE_CONFIG, else the built-in defaults)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="show the traceback of any failure instead of one line",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the parser with one subparser per command module."""
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Concierge, the fan FAQ bot."
    )
    add_global_options(parser, default=None)
    parser.set_defaults(debug=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.commands.{name}":
                raise
            continue  # a command whose module is not installed is simply not offered
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        # SUPPRESS: given only before the command, the value set there is kept.
        add_global_options(command, default=argparse.SUPPRESS)
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run the chosen command, returning its exit code.

    An unexpected exception is one line on stderr and exit code 1; with --debug, its traceback.
    """
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except Exception as error:  # the last line of defence: never a bare traceback by default
        if args.debug:
            traceback.print_exc()
        else:
            detail = str(error) or type(error).__name__
            print(f"error: {args.command} failed: {detail} ({DEBUG_HINT})", file=sys.stderr)
        return 1

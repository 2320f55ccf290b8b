"""Shared start-up for commands: settings, the data directory, the knowledge base, the engine.

Every command that reads the knowledge base takes its directory the same way: `--data DIR`
(`add_data_argument`), else `knowledge.data_dir` from the settings (`data_dir_for`).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from bot.config import CONFIG_ENV, ConfigError, KnowledgeSettings, Settings, env_name, load_settings
from bot.core import Engine, KnowledgeBase, KnowledgeBaseError, load_knowledge_base

DATA_ENV = env_name("knowledge", "data_dir")
DEBUG_HINT = "run with --debug for the traceback"


def add_data_argument(parser: argparse.ArgumentParser, purpose: str = "") -> None:
    """Declare `--data DIR`, the knowledge base directory, the same way for every command."""
    parser.add_argument(
        "--data",
        metavar="DIR",
        help=f"knowledge base directory{purpose} "
        f"(default: knowledge.data_dir or {DATA_ENV}, else 'data')",
    )


def report_error(
    args: argparse.Namespace,
    message: str,
    *,
    hint: bool = False,
    settings: Settings | None = None,
) -> None:
    """Print `error: MESSAGE` on stderr; with --debug, the traceback of the error being handled.

    Logging at DEBUG (in `settings`, when they are loaded) shows the traceback too. `hint` adds
    "(run with --debug for the traceback)" otherwise, for a failure the message may not explain.
    """
    debug = bool(getattr(args, "debug", False)) or (
        settings is not None and settings.logging.level.upper() == "DEBUG"
    )
    print(f"error: {message}{f' ({DEBUG_HINT})' if hint and not debug else ''}", file=sys.stderr)
    if debug and sys.exc_info()[1] is not None:
        traceback.print_exc()


def load_settings_for(args: argparse.Namespace) -> Settings:
    """Settings from --config (or $CONCIERGE_CONFIG) and the environment; raises ConfigError."""
    path = getattr(args, "config", None)
    return load_settings(Path(path) if path else None, os.environ)


def data_dir_for(args: argparse.Namespace, settings: Settings) -> Path:
    """The data directory: an explicit argument wins over the configured one."""
    explicit = getattr(args, "data", None)
    return Path(explicit) if explicit else Path(settings.knowledge.data_dir)


def data_dir_origin(args: argparse.Namespace, settings: Settings) -> str:
    """Where the data directory's name came from: `from --data`, `the default ...`."""
    if getattr(args, "data", None):
        return "from --data"
    if DATA_ENV in os.environ:
        return f"from {DATA_ENV}"
    config = getattr(args, "config", None) or os.environ.get(CONFIG_ENV, "").strip()
    if config and settings.knowledge.data_dir != KnowledgeSettings().data_dir:
        return f"from knowledge.data_dir in {config}"
    return "the default knowledge.data_dir"


def missing_data_dir(args: argparse.Namespace, settings: Settings) -> str | None:
    """Why the data directory cannot be read, or None when it is a directory.

    The message says what was looked for, where (the absolute path) and how to point elsewhere.
    """
    data_dir = data_dir_for(args, settings)
    if data_dir.is_dir():
        return None
    problem = "is not a directory" if data_dir.exists() else "does not exist"
    origin = f"{str(data_dir)!r}, {data_dir_origin(args, settings)}"
    if data_dir.is_absolute():
        return (
            f"data directory {data_dir} {problem} ({origin}); point at the knowledge base with "
            f"--data DIR, knowledge.data_dir in the config file, or {DATA_ENV}"
        )
    return (
        f"data directory {data_dir.absolute()} {problem} ({origin}, relative to the current "
        f"directory); run from the project's directory, or point at the knowledge base with "
        f"--data DIR, knowledge.data_dir in the config file, or {DATA_ENV}"
    )


def load_or_report(args: argparse.Namespace, settings: Settings) -> KnowledgeBase | None:
    """The knowledge base from --data or the configured directory; None after printing why."""
    missing = missing_data_dir(args, settings)
    if missing is not None:
        report_error(args, missing, settings=settings)
        return None
    data_dir = data_dir_for(args, settings)
    try:
        return load_knowledge_base(data_dir)
    except KnowledgeBaseError as error:
        report_error(args, f"{data_dir}: {error}", settings=settings)
        return None


def build_engine(args: argparse.Namespace) -> Engine | None:
    """Load settings and the knowledge base; print every problem and return None on failure."""
    try:
        settings = load_settings_for(args)
    except ConfigError as error:
        report_error(args, str(error))
        return None
    kb = load_or_report(args, settings)
    return None if kb is None else Engine(kb, settings.answer)

"""Shared start-up for commands that need the knowledge base: settings, data dir, engine."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.config import Settings
from bot.core import Engine, KnowledgeBase, KnowledgeBaseError, load_knowledge_base


def load_settings_for(args: argparse.Namespace) -> Settings:
    """Settings from --config (and the environment), or the defaults."""
    try:
        from bot.config import load_settings  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # pragma: no cover - config loading arrives with the self-hosting work
        return Settings()
    path = getattr(args, "config", None)
    loaded: Settings = load_settings(Path(path) if path else None, os.environ)
    return loaded


def data_dir_for(args: argparse.Namespace, settings: Settings) -> Path:
    """The data directory: an explicit argument wins over the configured one."""
    explicit = getattr(args, "data", None)
    return Path(explicit) if explicit else Path(settings.knowledge.data_dir)


def load_or_report(args: argparse.Namespace, settings: Settings) -> KnowledgeBase | None:
    """The knowledge base from --data or the configured directory; None after printing why."""
    data_dir = data_dir_for(args, settings)
    try:
        return load_knowledge_base(data_dir)
    except KnowledgeBaseError as error:
        print(f"error: {data_dir}: {error}", file=sys.stderr)
        return None


def build_engine(args: argparse.Namespace) -> Engine | None:
    """Load settings and the knowledge base; print every problem and return None on failure."""
    try:
        settings = load_settings_for(args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    kb = load_or_report(args, settings)
    return None if kb is None else Engine(kb, settings.answer)

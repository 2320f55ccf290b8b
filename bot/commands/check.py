"""`python -m bot check`: validate a knowledge base and print a summary."""

from __future__ import annotations

import argparse
import sys

from bot.commands._engine import data_dir_for, load_settings_for
from bot.core import KnowledgeBaseError, load_knowledge_base

HELP = "validate the knowledge base (every problem, with file, entry and field)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the optional data directory."""
    parser.add_argument("data", nargs="?", help="knowledge base directory (default: from config)")


def run(args: argparse.Namespace) -> int:
    """Print a summary and exit 0, or every problem and exit 1."""
    try:
        settings = load_settings_for(args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data_dir = data_dir_for(args, settings)
    try:
        kb = load_knowledge_base(data_dir)
    except KnowledgeBaseError as exc:
        print(f"{data_dir}: {exc}", file=sys.stderr)
        return 1
    summary = kb.summary()
    print(f"{data_dir}: OK")
    print(f"  entries:        {summary.entries} ({summary.faqs} FAQ, {summary.sections} sections)")
    print(f"  sources:        {len(summary.sources)}")
    for source in summary.sources:
        print(f"    - {source.title} ({source.kind})")
    print(f"  glossary terms: {summary.glossary_terms}")
    print(f"  disagreements:  {summary.disagreements}")
    return 0

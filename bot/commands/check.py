"""`python -m bot check [DIR]`: validate a knowledge base and print a summary."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from bot.commands._engine import (
    add_data_argument,
    data_dir_for,
    load_settings_for,
    missing_data_dir,
    report_error,
)
from bot.core import KnowledgeBaseError, load_knowledge_base

HELP = "validate the knowledge base (every problem, with its file and line, entry and field)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the data directory, as DIR or --data DIR."""
    parser.add_argument(
        "directory", nargs="?", metavar="DIR", help="knowledge base directory (same as --data)"
    )
    add_data_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Print a summary and exit 0, or every problem (each with its file) and exit 1."""
    if args.directory and args.data and args.directory != args.data:
        report_error(args, f"two data directories given: {args.directory} and --data {args.data}")
        return 2
    args.data = args.data or args.directory
    try:
        settings = load_settings_for(args)
    except (ValueError, OSError) as exc:
        report_error(args, str(exc))
        return 2
    missing = missing_data_dir(args, settings)
    if missing is not None:
        report_error(args, missing)
        return 2
    data_dir = data_dir_for(args, settings)
    try:
        kb = load_knowledge_base(data_dir)
    except KnowledgeBaseError as exc:
        count = len(exc.problems)
        print(f"{data_dir}: {count} problem{'s' if count != 1 else ''}:", file=sys.stderr)
        for problem in exc.problems:
            inside = problem.file != str(data_dir)
            located = replace(problem, file=str(data_dir / problem.file)) if inside else problem
            print(f"  - {located}", file=sys.stderr)
        return 1
    summary = kb.summary()
    print(f"{data_dir}: OK")
    print(f"  entries:        {summary.entries} ({summary.faqs} FAQ, {summary.sections} sections)")
    print(f"  sources:        {len(summary.sources)}")
    for source in summary.sources:
        print(f"    - {source.title} ({source.kind})")
    print(f"  glossary terms: {summary.glossary_terms}")
    print(f"  disagreements:  {summary.disagreements}")
    if kb.domains:
        print(f"  domains:        {', '.join(kb.domains)}")
    return 0

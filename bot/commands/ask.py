"""`python -m bot ask`: answer questions in the terminal, as text or one JSON line each."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any, TextIO

from bot.commands._engine import build_engine
from bot.core import Answer, Engine, NoAnswer, Result

HELP = "answer a question from the knowledge base (no Discord needed)"
DONT_KNOW = "I don't know that one yet."
NOT_SURE = "I'm not sure. Did you mean…"

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the question, --json and --data."""
    parser.add_argument(
        "question", nargs="*", help="the question; none: read one a line from stdin"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per question")
    parser.add_argument("--data", help="knowledge base directory (default: from config, 'data')")


def to_json(result: Result) -> dict[str, Any]:
    """The JSON contract used by tests and the eval scorer."""
    suggestions = [{"id": s.entry_id, "title": s.title} for s in result.suggestions]
    if isinstance(result, Answer):
        entry = result.entry
        return {
            "answered": True,
            "outcome": result.outcome.value,
            "id": entry.id,
            "title": entry.title,
            "text": entry.text,
            "source": entry.citation,
            "notes": list(entry.notes),
            "score": result.score,
            "matched": list(result.matched_terms),
            "suggestions": suggestions,
        }
    return {
        "answered": False,
        "outcome": result.outcome.value,
        "id": None,
        "title": None,
        "text": None,
        "source": None,
        "notes": [],
        "score": result.suggestions[0].score if result.suggestions else 0.0,
        "suggestions": suggestions,
    }


def to_text(result: Result) -> str:
    """The answer as the Discord embed reads: title, text, notes, source; or the honest reply."""
    if isinstance(result, Answer):
        entry = result.entry
        lines = [entry.title, "", entry.text]
        lines += ["", *(f"Note: {note}" for note in entry.notes)] if entry.notes else []
        lines += ["", f"Source: {entry.citation}"]
        if result.suggestions:
            lines.append("See also: " + " · ".join(s.title for s in result.suggestions))
        return "\n".join(lines)
    return no_answer_text(result)


def no_answer_text(result: NoAnswer) -> str:
    """'Did you mean' when unsure, else an honest don't-know with the closest topics, if any."""
    if result.unsure and result.suggestions:
        options = "\n".join(f"  {n}. {s.title}" for n, s in enumerate(result.suggestions, 1))
        return f"{NOT_SURE}\n{options}"
    if result.suggestions:
        closest = " · ".join(s.title for s in result.suggestions)
        return f"{DONT_KNOW} Closest topics: {closest}"
    return DONT_KNOW


def answer_one(engine: Engine, question: str) -> Result:
    """Ask the engine, turning any unexpected failure into a logged no-answer."""
    try:
        return engine.ask(question)
    except Exception:  # one bad question must never stop the stream
        log.exception("failed to answer %r", question[:100])
        return NoAnswer(reason="internal error")


def emit(result: Result, as_json: bool, out: TextIO) -> None:
    """Write one result: a JSON line, or text followed by a blank line."""
    if as_json:
        out.write(json.dumps(to_json(result), ensure_ascii=False) + "\n")
    else:
        out.write(to_text(result) + "\n")
    out.flush()


def run(args: argparse.Namespace) -> int:
    """Answer the question given, or each line of standard input, or prompt interactively."""
    engine = build_engine(args)
    if engine is None:
        return 2
    if args.question:
        emit(answer_one(engine, " ".join(args.question)), args.json, sys.stdout)
        return 0
    if sys.stdin.isatty() and not args.json:
        return _interactive(engine)
    for line in sys.stdin:
        emit(answer_one(engine, line.rstrip("\n")), args.json, sys.stdout)
    return 0


def _interactive(engine: Engine) -> int:
    print("Ask me about the knowledge base (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("? ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        emit(answer_one(engine, question), False, sys.stdout)
        print()

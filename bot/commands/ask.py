"""`python -m bot ask`: answer questions in the terminal, as text or one JSON line each."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from bot.commands._engine import add_data_argument, build_engine, report_error
from bot.core import Answer, Engine, NoAnswer, Result
from bot.core.explain import render_text

HELP = "answer a question from the knowledge base (no Discord needed)"
DONT_KNOW = "I don't know that one yet."
NOT_SURE = "I'm not sure. Did you mean…"
FAILED = "internal error"  # the reason of the no-answer given for a question that raised
JSON_KEYS = """\
With --json, each question gives exactly one line: a JSON object with always the same keys
(with --explain too, the explanation's own keys instead of these).
  answered     true when the bot answers, false when it doesn't
  outcome      "answered", "unsure" (it would ask "did you mean") or "abstained"
  id           the entry answered with (null when not answered)
  title        that entry's title (null when not answered)
  text         that entry's text (null when not answered)
  source       where that entry comes from, as cited under the answer (null when not answered)
  notes        the "sources disagree" notes shown with the answer ([] when none)
  score        how well it matched, 0-100 (when not answered: the best suggestion's, or 0)
  matched      the question's words the answer matched ([] when not answered)
  suggestions  [{"id": ..., "title": ...}]: "see also" entries, or "did you mean" options
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the question, --json and --data; the help lists the JSON keys."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = JSON_KEYS
    parser.add_argument(
        "question", nargs="*", help="the question; none: read one a line from stdin"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per question")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="show how the question was read and why it was answered or not (for admins); "
        "with --json, one JSON object per question with the same keys every time",
    )
    add_data_argument(parser)


def to_json(result: Result) -> dict[str, Any]:
    """The JSON contract used by tests and the eval scorer: the keys listed in JSON_KEYS."""
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
        "matched": [],
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


def answer_one(engine: Engine, question: str, args: argparse.Namespace) -> Result:
    """Ask the engine; an unexpected failure is one line on stderr and a no-answer."""
    try:
        return engine.ask(question)
    except Exception as error:  # one bad question must never stop the stream
        detail = str(error) or type(error).__name__
        report_error(args, f"could not answer {question[:60]!r}: {detail}", hint=True)
        return NoAnswer(reason=FAILED)


def explain_one(engine: Engine, question: str, args: argparse.Namespace, out: TextIO) -> None:
    """Write how the engine read a question and why it answered or not."""
    explanation = engine.explain(question)
    if args.json:
        out.write(json.dumps(explanation.to_json(), ensure_ascii=False) + "\n")
    else:
        out.write(render_text(explanation) + "\n")
    out.flush()


def emit(result: Result, args: argparse.Namespace, out: TextIO) -> None:
    """Write one result: a JSON line with --json, else the text."""
    if args.json:
        out.write(json.dumps(to_json(result), ensure_ascii=False) + "\n")
    else:
        out.write(to_text(result) + "\n")
    out.flush()


def answer_lines(engine: Engine, lines: Iterable[str], args: argparse.Namespace) -> int:
    """Answer each line: one JSON line each, or text answers with one blank line between.

    Returns 1 if any question could not be answered for an unexpected reason, else 0.
    """
    failed = False
    for number, line in enumerate(lines):
        if number and not args.json:
            sys.stdout.write("\n")
        if getattr(args, "explain", False):
            explain_one(engine, line.rstrip("\n"), args, sys.stdout)
            continue
        result = answer_one(engine, line.rstrip("\n"), args)
        failed |= isinstance(result, NoAnswer) and result.reason == FAILED
        emit(result, args, sys.stdout)
    return 1 if failed else 0


def interactive(engine: Engine, args: argparse.Namespace) -> int:
    """Prompt for questions until an empty line or end of input."""
    print("Ask me about the knowledge base (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("? ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        if getattr(args, "explain", False):
            explain_one(engine, question, args, sys.stdout)
        else:
            emit(answer_one(engine, question, args), args, sys.stdout)
        print()


def run(args: argparse.Namespace) -> int:
    """Answer the question given, or each line of standard input, or prompt interactively."""
    engine = build_engine(args)
    if engine is None:
        return 2
    if args.question:
        return answer_lines(engine, [" ".join(args.question)], args)
    if sys.stdin.isatty() and not args.json:
        return interactive(engine, args)
    return answer_lines(engine, sys.stdin, args)

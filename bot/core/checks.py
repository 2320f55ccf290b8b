"""`data/checks.yaml`: questions the knowledge base must keep answering with the same entries.

Each item is `{q: "...", entry: <entry id>}`, or `{q: "...", abstain: true}` for a question
that must not be answered. A proposed alias is tried against all of them (`bot.core.proposals`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.errors import KnowledgeBaseError, Problem
from bot.core.loader import KnowledgeBase
from bot.core.proposals import Check
from bot.core.yamlfile import YamlFileError, describe, line_of, read_yaml

CHECKS_FILE = "checks.yaml"
CHECK_KEYS = {"q", "entry", "abstain"}


def parse_checks(data: Any, file: str, kb: KnowledgeBase | None = None) -> tuple[Check, ...]:
    """Checks from parsed YAML; KnowledgeBaseError naming the file and line of every mistake.

    With `kb`, an entry id it does not have is a mistake too.
    """
    if data is None:
        return ()
    problems: list[Problem] = []
    items = data.get("checks") if isinstance(data, dict) else None
    if not isinstance(items, list):
        got = describe(data.get("checks") if isinstance(data, dict) else data)
        raise KnowledgeBaseError([Problem(file, f"needs `checks:`, a list of items, not {got}")])
    checks: list[Check] = []
    for index, item in enumerate(items):
        line = line_of(items, index)
        if not isinstance(item, dict):
            problems.append(Problem(file, f"check {index + 1} must be a mapping", line=line))
            continue
        unknown = sorted(str(k) for k in item if k not in CHECK_KEYS)
        question, entry, abstain = item.get("q"), item.get("entry"), item.get("abstain", False)
        label = f"check {index + 1}"
        if unknown:
            problems.append(Problem(file, f"{label}: unknown key {unknown[0]!r}", line=line))
        elif not isinstance(question, str) or not question.strip():
            problems.append(Problem(file, f"{label}: `q` must be a question", line=line))
        elif abstain is True and entry is None:
            checks.append(Check(question, None, line))
        elif abstain is not False:
            problems.append(
                Problem(file, f"{label}: give either `entry` or `abstain: true`", line=line)
            )
        elif not isinstance(entry, str) or not entry:
            problems.append(Problem(file, f"{label}: `entry` must be an entry id", line=line))
        elif kb is not None and kb.get(entry) is None:
            problems.append(Problem(file, f"{label}: no entry {entry!r}", entry, "entry", line))
        else:
            checks.append(Check(question, entry, line))
    if problems:
        raise KnowledgeBaseError(problems)
    return tuple(checks)


def load_checks(data_dir: Path, kb: KnowledgeBase | None = None) -> tuple[Check, ...]:
    """The checks in `data_dir/checks.yaml`; none when there is no such file."""
    path = data_dir / CHECKS_FILE
    if not path.exists():
        return ()
    try:
        data = read_yaml(path)
    except YamlFileError as error:
        raise KnowledgeBaseError([Problem(str(path), str(error))]) from error
    return parse_checks(data, str(path), kb)

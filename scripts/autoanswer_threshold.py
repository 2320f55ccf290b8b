"""Choose `autoanswer.threshold`: scores of right and wrong answers on eval sets.

Usage: .venv/bin/python scripts/autoanswer_threshold.py EVALSET.yaml...

Each question is asked of the engine over `data/`, judged as the eval scorer does (an answer is
right when its title or text holds one of `expect`; any answer to an `abstain` question is
wrong), and the lowest whole-number threshold that no wrong answer reaches is printed with how
many right answers each set keeps above it. Never run it on eval/holdout.yaml: nobody tunes on it.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import yaml

from bot.core import Engine, load_knowledge_base
from bot.core.model import Answer


def fold(text: str) -> str:
    """Lower case, typographic quotes and dashes as typed ones, spaces collapsed."""
    for typographic, typed in (
        ("’", "'"),
        ("‘", "'"),
        ("“", '"'),
        ("”", '"'),
        ("–", "-"),
        ("—", "-"),
    ):
        text = text.replace(typographic, typed)
    return " ".join(text.lower().split())


def right(item: dict[str, object], answer: Answer) -> bool:
    """Whether an answer to `item` is right, as the eval scorer judges it."""
    if item.get("abstain"):
        return False
    text = fold(f"{answer.entry.title} {answer.entry.text}")
    return any(fold(str(k)) in text for k in item["expect"])  # type: ignore[attr-defined]


def main(paths: list[str]) -> int:
    """Print each set's score spread and the threshold chosen over all of them."""
    engine = Engine(load_knowledge_base(Path("data")))
    per_set: dict[str, tuple[list[float], list[float]]] = {}
    for path in paths:
        oks: list[float] = []
        wrongs: list[float] = []
        for item in yaml.safe_load(Path(path).read_text(encoding="utf-8")):
            result = engine.ask(item["q"])
            if isinstance(result, Answer):
                (oks if right(item, result) else wrongs).append(result.score)
        per_set[path] = (oks, wrongs)
        worst = max(wrongs, default=None)
        print(
            f"{path}: {len(oks)} right answers (lowest {min(oks, default=0):.1f}), "
            f"{len(wrongs)} wrong (highest {'-' if worst is None else f'{worst:.1f}'})"
        )
    highest_wrong = max((max(w) for _, w in per_set.values() if w), default=0.0)
    threshold = float(math.floor(highest_wrong) + 1)
    print(f"threshold = {threshold:g}  (lowest whole number above every wrong answer)")
    for path, (oks, _) in per_set.items():
        kept = sum(1 for score in oks if score >= threshold)
        print(f"  {path}: {kept} of {len(oks)} right answers kept")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

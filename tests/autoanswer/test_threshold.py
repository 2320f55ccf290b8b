"""The auto-answer threshold holds on the repository's eval set: nothing above it is wrong."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

from bot.autoanswer.settings import AutoAnswerSettings
from bot.core import Engine, load_knowledge_base
from bot.core.model import Answer

ROOT = Path(__file__).resolve().parents[2]


def _script():  # scripts/ is not a package: load the measuring script's judge from its file
    spec = importlib.util.spec_from_file_location(
        "autoanswer_threshold", ROOT / "scripts" / "autoanswer_threshold.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_answer_at_or_above_the_default_threshold_is_wrong_on_eval_extra() -> None:
    judge = _script().right
    engine = Engine(load_knowledge_base(ROOT / "data"))
    threshold = AutoAnswerSettings().threshold
    items = yaml.safe_load((ROOT / "eval" / "extra.yaml").read_text(encoding="utf-8"))
    sure = [(item, r) for item in items if isinstance(r := engine.ask(item["q"]), Answer)]
    above = [(item, r) for item, r in sure if r.score >= threshold]
    wrong = [
        f"{item['q']!r} -> {r.entry.id} ({r.score:.1f})" for item, r in above if not judge(item, r)
    ]
    assert wrong == [], "auto-answers that would be wrong:\n" + "\n".join(wrong)
    assert len(above) >= 40  # and it still answers: a threshold no answer reaches proves nothing

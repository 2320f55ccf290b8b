"""What an admin sees when a command fails: one line that says what to do, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bot(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in a fresh process, with no CONCIERGE_ settings but those given."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CONCIERGE_")}
    environ["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**environ, **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr + done.stdout
    return done


# --- configuration ----------------------------------------------------------------------------


def test_every_config_problem_is_listed_at_once_in_plain_words(tmp_path: Path) -> None:
    config = tmp_path / "concierge.toml"
    config.write_text(
        '[answer]\nanswer_threshold = "high"\nanswer_treshold = 70\n[access]\nguild_ids = 123\n',
        encoding="utf-8",
    )
    done = run_bot("--config", str(config), "ask", "hi", env={"CONCIERGE_KNOWLEDGE_WATCH": "yes"})
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: 4 problems in the settings:",
        f"  - {config}: answer.answer_threshold: must be a number, got the text 'high'",
        f"  - {config}: answer.answer_treshold: unknown key; did you mean answer.answer_threshold?",
        f"  - {config}: access.guild_ids: must be a list of ids, like [123, 456], got 123",
        "  - environment variable CONCIERGE_KNOWLEDGE_WATCH: knowledge.watch: "
        "must be true or false, got 'yes'",
    ]

"""Answer quality holds the line on ../shared/eval/dev.yaml through the real command line."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"


@pytest.mark.skipif(
    not (EVAL / "score.py").exists(), reason="../shared/eval is not beside the repo"
)
def test_dev_set_scores_at_least_95_percent_with_no_wrong_abstentions():
    done = subprocess.run(
        [
            sys.executable,
            str(EVAL / "score.py"),
            str(EVAL / "dev.yaml"),
            "-v",
            "--",
            sys.executable,
            "-m",
            "bot",
            "ask",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = done.stdout
    for category in ("oos", "trap", "unans"):
        line = re.search(rf"^{category}\s+\d+/\d+\s+ok,\s+(\d+) wrong", report, re.M)
        assert line and line.group(1) == "0", f"wrong answers in {category}:\n{report}"
    overall = re.search(r"overall (\d+)/(\d+)", report)
    assert overall, report
    ok, total = int(overall.group(1)), int(overall.group(2))
    assert ok / total >= 0.95, report

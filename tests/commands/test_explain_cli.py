"""`python -m bot ask --explain` tells an admin how a question was read and what to add."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_ask(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_explain_shows_the_question_the_chat_the_candidates_and_why():
    done = run_ask("--explain", "loved chapter 4 btw. who wrote the script for ballerina?")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "question:  who wrote the script for ballerina" in out
    assert "chat:" in out and "loved chapter 4" in out
    assert "Director and Writers" in out
    assert "why:       answered" in out


def test_explain_json_has_the_same_keys_answered_or_not():
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--explain", "--json"],
        cwd=ROOT,
        input="who directed ballerina\nwho is the composer\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 2
    assert lines[0].keys() == lines[1].keys()
    assert lines[0]["outcome"] == "answered"
    assert lines[1]["outcome"] != "answered"
    assert lines[1]["advice"], "an unanswered question says what would make it answer"

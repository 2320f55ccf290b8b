"""`python -m bot ask`: the terminal front end and the JSON-lines contract."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JSON_FIELDS = (
    "answered",
    "outcome",
    "id",
    "title",
    "text",
    "source",
    "notes",
    "score",
    "matched",
    "suggestions",
)


def run_bot(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ask_prints_the_answer_with_its_source():
    done = run_bot("ask", "Who directs Ballerina?")
    assert done.returncode == 0, done.stderr
    assert "Len Wiseman" in done.stdout
    assert "Source: From the World of John Wick: Ballerina" in done.stdout


def test_ask_says_it_does_not_know_instead_of_guessing():
    done = run_bot("ask", "who directed inception")
    assert done.returncode == 0
    assert "I don't know that one yet" in done.stdout or "I'm not sure" in done.stdout
    assert "Len Wiseman" not in done.stdout


def test_ask_json_has_the_documented_fields():
    done = run_bot("ask", "--json", "who wrote ballerina")
    payload = json.loads(done.stdout)
    assert set(payload) == set(JSON_FIELDS)
    assert payload["answered"] is True
    assert "Shay Hatten" in payload["text"]
    assert all(set(s) >= {"id", "title"} for s in payload["suggestions"])


def test_stdin_gives_exactly_one_json_line_per_input_line_in_order():
    questions = ["who directs ballerina", "", "what's the weather like", "   ", "is keanu in it"]
    done = run_bot("ask", "--json", stdin="\n".join(questions) + "\n")
    lines = done.stdout.splitlines()
    assert len(lines) == len(questions), done.stdout
    answers = [json.loads(line) for line in lines]
    assert all(tuple(answer) == JSON_FIELDS for answer in answers)
    assert answers[0]["answered"] and "Len Wiseman" in answers[0]["text"]
    assert answers[1]["answered"] is False
    assert answers[2]["answered"] is False
    assert answers[3]["answered"] is False
    assert answers[4]["answered"] and "cameo" in answers[4]["text"]


def test_hostile_input_lines_never_break_the_stream():
    questions = ["a" * 10_000, "\x00\x01\x02", "<@123> @everyone", "🩰" * 300]
    done = run_bot("ask", "--json", stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(questions)


def test_a_broken_knowledge_base_is_a_clear_error(tmp_path):
    (tmp_path / "bad.yaml").write_text("source: {id: s, title: S, kind: feature}\nentries: [x: [\n")
    done = run_bot("ask", "--data", str(tmp_path), "anything")
    assert done.returncode == 2
    assert "bad.yaml" in done.stderr and "not valid YAML" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_summarises_the_shipped_knowledge_base():
    done = run_bot("check", "data")
    assert done.returncode == 0, done.stderr
    assert "entries:" in done.stdout and "glossary terms:" in done.stdout


def test_check_fails_and_lists_every_problem(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "source: {id: s, title: S, kind: feature}\nentries:\n"
        "  - {id: e1, text: t}\n  - {id: e2, title: T, text: t, colour: red}\n"
    )
    done = run_bot("check", str(tmp_path))
    assert done.returncode == 1
    assert "entry 'e1', field 'title'" in done.stderr
    assert "entry 'e2', field 'colour': unknown key" in done.stderr


def test_a_terminal_gets_an_interactive_prompt():
    import os
    import pty
    import select
    import time

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask"],
        cwd=ROOT,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        close_fds=True,
    )
    os.close(terminal)
    seen = b""

    def read_until(marker: bytes, seconds: float = 60) -> None:
        nonlocal seen
        deadline = time.monotonic() + seconds
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(controller, 4096)
                except OSError:
                    break

    try:
        read_until(b"? ")
        os.write(controller, b"who directs ballerina\n")
        read_until(b"Len Wiseman")
        os.write(controller, b"\n")
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        os.close(controller)
    assert b"Ask me about" in seen
    assert b"Len Wiseman" in seen

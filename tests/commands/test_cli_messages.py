"""What an admin sees when a command fails: one line that says what to do, never a traceback."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import COMMANDS, main
from bot.commands._engine import DEBUG_HINT
from bot.core import Engine, Result

ROOT = Path(__file__).resolve().parents[2]


def run_bot(
    *args: str,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    stdin: str = "",
    debug: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in a fresh process, with no CONCIERGE_ settings but those given.

    No traceback may appear, unless `debug` (the test passes --debug and looks for one).
    """
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
    if not debug:
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


# --- the data directory -----------------------------------------------------------------------

POINTERS = ("--data DIR", "knowledge.data_dir", "CONCIERGE_KNOWLEDGE_DATA_DIR")


def test_outside_the_project_ask_says_which_data_directory_it_looked_for(tmp_path: Path) -> None:
    done = run_bot("ask", "Who directs Ballerina?", cwd=tmp_path)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: data directory {tmp_path / 'data'} does not exist")
    assert "'data', the default knowledge.data_dir, relative to the current directory" in line
    assert "run from the project's directory" in line
    assert all(pointer in line for pointer in POINTERS)


@pytest.mark.parametrize(
    ("how", "origin"),
    [
        ("argument", "from --data"),
        ("variable", "from CONCIERGE_KNOWLEDGE_DATA_DIR"),
        ("file", "from knowledge.data_dir in "),
    ],
)
def test_a_missing_data_directory_says_where_its_name_came_from(
    tmp_path: Path, how: str, origin: str
) -> None:
    missing = tmp_path / "kb"
    config = tmp_path / "concierge.toml"
    config.write_text(f'[knowledge]\ndata_dir = "{missing}"\n', encoding="utf-8")
    args, env = {
        "argument": (["ask", "--data", str(missing), "hi"], {}),
        "variable": (["ask", "hi"], {"CONCIERGE_KNOWLEDGE_DATA_DIR": str(missing)}),
        "file": (["ask", "--config", str(config), "hi"], {}),
    }[how]
    done = run_bot(*args, cwd=tmp_path, env=env)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: data directory {missing} does not exist ('{missing}', {origin}")
    assert all(pointer in line for pointer in POINTERS)


def test_a_file_given_as_the_data_directory_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    done = run_bot("ask", "--data", "notes.txt", "hi", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"error: data directory {tmp_path / 'notes.txt'} is not a directory"
    )


# --- --data and --config, the same way for every command --------------------------------------


def test_ask_takes_data_and_config_before_or_after_the_command(tmp_path: Path) -> None:
    config = tmp_path / "concierge.toml"
    config.write_text("[answer]\nanswer_threshold = 100\nsuggest_threshold = 100\n", "utf-8")
    question = "Who directs Ballerina?"
    plain = run_bot("ask", "--data", str(ROOT / "data"), "--json", question, cwd=tmp_path)
    assert json.loads(plain.stdout)["answered"] is True
    for args in (
        ["--config", str(config), "ask", "--data", str(ROOT / "data"), "--json", question],
        ["ask", "--config", str(config), "--data", str(ROOT / "data"), "--json", question],
    ):
        done = run_bot(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["answered"] is False  # the file's threshold was used


def test_gaps_takes_config_after_the_command(tmp_path: Path) -> None:
    config = tmp_path / "concierge.toml"
    config.write_text(f'[storage]\nsqlite_path = "{tmp_path / "none.sqlite3"}"\n', "utf-8")
    done = run_bot("gaps", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"({tmp_path / 'none.sqlite3'} does not exist)" in done.stdout


# ingest checks its own arguments first (it needs an article or --all).
@pytest.mark.parametrize("command", [name for name in COMMANDS if name != "ingest"])
def test_every_command_reading_settings_takes_config_after_its_name(
    tmp_path: Path, command: str
) -> None:
    config = tmp_path / "concierge.toml"
    config.write_text("[answer]\nanswer_treshold = 70\n", "utf-8")
    done = run_bot(command, "--config", str(config), cwd=tmp_path, env={"DISCORD_TOKEN": ""})
    assert done.returncode != 0
    assert f"{config}: answer.answer_treshold: unknown key" in done.stderr


# --- ask: piped questions ---------------------------------------------------------------------


def test_piped_questions_get_one_blank_line_between_answers() -> None:
    done = run_bot("ask", stdin="who directs ballerina\nxyzzy plugh\nis keanu in it\n")
    assert done.returncode == 0, done.stderr
    assert "\n\n\n" not in done.stdout
    assert done.stdout.count("I don't know that one yet.") == 1
    before, after = done.stdout.split("I don't know that one yet.")
    assert before.endswith("\n\n") and not before.endswith("\n\n\n")
    assert after.startswith("\n\n") and not after.startswith("\n\n\n")
    assert done.stdout.startswith("Who is directing Ballerina?")
    assert not done.stdout.endswith("\n\n")


def test_json_answers_always_have_the_same_keys_listed_in_the_help() -> None:
    done = run_bot("ask", "--json", stdin="who directs ballerina\nqwertyuiop\nwho plays\n\n")
    lines = done.stdout.split("\n")
    assert lines[-1] == "" and "" not in lines[:-1]  # one line per question, no blank lines
    payloads = [json.loads(line) for line in lines[:-1]]
    assert len(payloads) == 4
    assert [p["answered"] for p in payloads][:2] == [True, False]
    assert all(list(p) == list(payloads[0]) for p in payloads)
    help_text = run_bot("ask", "--help").stdout
    for key in payloads[0]:
        assert f"\n  {key} " in help_text, key


# --- unexpected failures and --debug ----------------------------------------------------------
# These inject the fault (nothing in the shipped code fails this way on purpose): what is
# checked is what the admin sees when something nobody expected goes wrong.


def engine_that_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def ask(self: Engine, question: str) -> Result:
        raise RuntimeError("the index is corrupt")

    monkeypatch.setattr(Engine, "ask", ask)


def test_a_question_that_fails_is_one_line_and_the_stream_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine_that_fails(monkeypatch)
    monkeypatch.setattr("sys.stdin", io.StringIO("who directs ballerina\nwho wrote it\n"))
    assert main(["ask", "--json"]) == 1
    out, err = capsys.readouterr()
    assert [json.loads(line)["answered"] for line in out.splitlines()] == [False, False]
    assert err.splitlines() == [
        f"error: could not answer {question!r}: the index is corrupt ({DEBUG_HINT})"
        for question in ("who directs ballerina", "who wrote it")
    ]


def test_debug_shows_the_traceback_of_a_failed_question(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine_that_fails(monkeypatch)
    assert main(["--debug", "ask", "who directs ballerina"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: could not answer 'who directs ballerina': the index is corrupt\n")
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().endswith("RuntimeError: the index is corrupt")


def test_any_unexpected_exception_is_one_line_with_exit_code_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(args: argparse.Namespace) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bot.commands.gaps.run", run)
    assert main(["gaps"]) == 1
    assert capsys.readouterr().err == (
        f"error: gaps failed: [Errno 28] No space left on device ({DEBUG_HINT})\n"
    )
    for argv in (["--debug", "gaps"], ["gaps", "--debug"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err
        assert err.rstrip().endswith("OSError: [Errno 28] No space left on device")


def test_an_expected_failure_shows_its_traceback_only_with_debug(tmp_path: Path) -> None:
    bad = tmp_path / "concierge.toml"
    bad.write_text("[answer]\nanswer_threshold = = 1\n", "utf-8")
    quiet = run_bot("--config", str(bad), "ask", "hi")
    assert quiet.returncode == 2
    assert quiet.stderr.startswith(f"error: {bad}:2:")
    assert len(quiet.stderr.splitlines()) == 1
    loud = run_bot("--debug", "--config", str(bad), "ask", "hi", debug=True)
    assert loud.returncode == 2
    assert loud.stderr.startswith(f"error: {bad}:2:")
    assert "Traceback (most recent call last)" in loud.stderr

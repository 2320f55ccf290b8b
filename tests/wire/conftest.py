"""Wire tests: the real bot, started as a user starts it, against the loopback fake Discord.

Each module gets its own fake and, where it needs one, its own bot process (`python -m bot run`
with the fake's addresses and token in the environment). After every test that used a fake, every
request body the bot sent during the test must be one Discord would accept.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fakediscord` is imported from the repository root
    sys.path.insert(0, str(ROOT))

from tests.fakediscord import BotProcess, FakeConfig, FakeDiscord, start_bot  # noqa: E402

HEARTBEAT_MS = 1000  # short, so heartbeats are seen within a test


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch working directory for the bot processes of one module."""
    return tmp_path_factory.mktemp("wire")


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    """A fake Discord with Discord's real rate limits and a short heartbeat interval."""
    with FakeDiscord(FakeConfig(heartbeat_interval_ms=HEARTBEAT_MS)) as server:
        yield server


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, workdir: Path) -> Iterator[BotProcess]:
    """One running bot for the module, connected to `fake`."""
    process = start_bot(fake, workdir)
    try:
        yield process
    finally:
        process.close()


@pytest.fixture(autouse=True)
def bodies_discord_accepts(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test during which the bot sent a body Discord would refuse."""
    if "fake" not in request.fixturenames:
        yield
        return
    server: FakeDiscord = request.getfixturevalue("fake")
    before = len(server.problems())
    yield
    problems = server.problems()[before:]
    assert not problems, "Discord would refuse these requests:\n" + "\n".join(problems)

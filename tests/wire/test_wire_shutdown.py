"""Stopping: SIGTERM (what `docker stop` sends) ends the gateway session cleanly and exits 0."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakediscord import FakeConfig, FakeDiscord, start_bot


@pytest.fixture
def own_fake() -> Iterator[FakeDiscord]:
    """A fake of its own: the session closed is then connection 0, whatever ran before."""
    with FakeDiscord(FakeConfig()) as server:
        yield server


@pytest.mark.parametrize("sharded", [False, True], ids=["client", "auto-sharded"])
def test_sigterm_closes_the_gateway_cleanly_and_exits_0(
    own_fake: FakeDiscord, workdir: Path, sharded: bool
):
    fake = own_fake
    extra_env = {"CONCIERGE_DISCORD_SHARDED": "true"} if sharded else None
    process = start_bot(fake, workdir, name=f"sigterm-{sharded}", extra_env=extra_env)
    try:
        question = fake.mention("Who directs Ballerina?")
        fake.wait_for_reply(question["id"])

        code = process.terminate(timeout=15)
        closed = fake.wait_for_connection_closed(0, timeout=5)
    finally:
        process.close()

    assert code == 0, process.output()[-3000:]
    assert len(fake.connections()) == 1
    assert not closed.aborted and closed.server_close_code is None, "the bot closed it"
    # 1000 ends the session: with 4000 (what discord.py's gateway reader sends when a close
    # reaches it mid-receive) Discord keeps it resumable and shows the bot online until it expires.
    assert closed.client_close_code == 1000, closed
    assert "Traceback" not in process.output()

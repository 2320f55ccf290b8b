"""Stopping: SIGTERM (what `docker stop` sends) ends the gateway session cleanly and exits 0."""

from __future__ import annotations

from pathlib import Path

from tests.fakediscord import FakeDiscord, start_bot


def test_sigterm_closes_the_gateway_cleanly_and_exits_0(fake: FakeDiscord, workdir: Path):
    process = start_bot(fake, workdir, name="sigterm")
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
    # discord.py asks for 1000, but aiohttp hands a close requested while discord.py's reader is
    # waiting to that reader, which closes with 4000: a proper close handshake either way, though
    # Discord keeps a session closed with 4000 resumable (the bot shows online) until it expires.
    assert closed.client_close_code in (1000, 4000), closed
    assert "Traceback" not in process.output()

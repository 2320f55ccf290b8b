"""Malformed gateway frames against the real bot: each costs the connection, never the process.

A frame discord.py cannot read (from Discord or from a gateway proxy in between) is logged once,
on one line, and handled like a dropped connection: the bot reconnects, resumes its session (or
identifies when it has none) and keeps answering. One bot lives through every kind in turn.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fakediscord import BotProcess, FakeConfig, FakeDiscord, start_bot, wait_ready

LOGGED = "dropped a malformed gateway frame"


def frame(event: str, data: Any) -> str:
    """A dispatch frame as Discord sends one (its sequence number is for the bot to keep)."""
    return json.dumps({"op": 0, "t": event, "s": None, "d": data})


# Sent on the live connection, as one text frame.
RAW = {
    "not-json": "this is not JSON {",
    "null": "null",
    "empty-list": "[]",
    "number": "42",
    "string": '"READY"',
    "hello-without-data": '{"op": 10}',
    "hello-without-interval": '{"op": 10, "d": {}}',
    "hello-string-interval": '{"op": 10, "d": {"heartbeat_interval": "41250"}}',
    "event-name-not-a-string": frame(["READY"], {}),  # type: ignore[arg-type]
}
# Dispatched with the session's next sequence number.
EVENTS = {
    "ready-empty": ("READY", {}),
    "ready-null": ("READY", None),
    "ready-without-resume-url": ("READY", {"session_id": "0f0f0f0f"}),
    "ready-without-user": (
        "READY",
        {"session_id": "0f0f0f0f", "resume_gateway_url": "ws://127.0.0.1:9/gateway-resume"},
    ),
    "resumed-null": ("RESUMED", None),
    "resumed-list": ("RESUMED", []),
}
# The greeting of a new connection, before (instead of) its HELLO.
GREETINGS = {
    "handshake-hello-without-data": '{"op": 10}',
    "handshake-hello-string-interval": '{"op": 10, "d": {"heartbeat_interval": "soon"}}',
    "handshake-not-json": "<html>502 Bad Gateway</html>",
}


def send(fake: FakeDiscord, kind: str) -> None:
    if kind in RAW:
        fake.send_raw(RAW[kind])
    elif kind in EVENTS:
        fake.dispatch(*EVENTS[kind])
    else:
        fake.next_hello(GREETINGS[kind])
        fake.drop_gateway(4000)  # the bot reconnects and is greeted with it


def wait_for_new_session(fake: FakeDiscord, bot: BotProcess, connections: int) -> None:
    """Wait until the bot has opened another connection and has a session on it."""
    deadline = time.monotonic() + 15
    while len(fake.connections()) <= connections:
        assert bot.process.poll() is None, bot.output()[-3000:]
        assert time.monotonic() < deadline, "the bot never reconnected:\n" + bot.output()[-3000:]
        time.sleep(0.02)
    wait_ready(fake, bot, timeout=15)


@pytest.mark.parametrize("kind", [*RAW, *EVENTS, *GREETINGS])
def test_a_malformed_frame_is_logged_once_and_the_bot_reconnects_and_answers(
    fake: FakeDiscord, bot: BotProcess, kind: str
):
    connections = len(fake.connections())
    logged = len(bot.output())

    send(fake, kind)
    wait_for_new_session(fake, bot, connections)
    question = fake.mention("Who directs Ballerina?", channel_id=fake.new_channel())
    fake.wait_for_reply(question["id"], timeout=10)

    assert bot.process.poll() is None, bot.output()[-3000:]
    assert len(fake.replies_to(question["id"])) == 1
    output = bot.output()[logged:]
    lines = [line for line in output.splitlines() if LOGGED in line]
    assert len(lines) == 1, output
    assert "Traceback" not in output, output


def test_the_session_is_resumed_after_a_bad_frame_so_nothing_is_missed(
    fake: FakeDiscord, bot: BotProcess
):
    wait_ready(fake, bot)
    connections = len(fake.connections())
    channel = fake.new_channel()

    fake.send_raw("null")
    during = fake.mention("when is ballerina released?", channel_id=channel)
    wait_for_new_session(fake, bot, connections)

    fake.wait_for_reply(during["id"], timeout=10)
    assert fake.connections()[connections].path == "/gateway-resume"
    assert len(fake.replies_to(during["id"])) == 1


def test_an_auto_sharded_bot_also_reconnects_after_bad_frames(workdir: Path):
    with FakeDiscord(FakeConfig(heartbeat_interval_ms=1000)) as own:
        bot = start_bot(own, workdir, extra_env={"CONCIERGE_DISCORD_SHARDED": "true"}, name="shd")
        try:
            for kind in ("null", "resumed-null", "handshake-not-json"):  # each resumes
                connections = len(own.connections())
                send(own, kind)
                wait_for_new_session(own, bot, connections)
                question = own.mention("Who directs Ballerina?", channel_id=own.new_channel())
                own.wait_for_reply(question["id"], timeout=10)
            output = bot.output()
        finally:
            bot.close()

    assert output.count(LOGGED) == 3, output
    assert "Traceback" not in output

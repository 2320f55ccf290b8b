"""Stopping under traffic: SIGTERM stops taking questions, finishes those in hand, then closes.

Discord's API answering in 300 ms (ordinary on a busy day) and fans asking all the while: the
gateway must close at once (no new questions read), every question the bot had before the stop
must get its reply, and nothing may be logged as an error on the way out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakediscord import FakeConfig, FakeDiscord, start_bot

LATENCY = 0.3
CHANNELS = 30  # a reply a second per channel stays under Discord's 5-in-5-s channel limit
FORBIDDEN = (
    "Session is closed",
    "Task exception was never retrieved",
    "CommandNotFound",
    "unfinished",
    "Traceback",
    " ERROR ",
)


@pytest.fixture
def slow_fake() -> Iterator[FakeDiscord]:
    """A fake whose HTTP API takes LATENCY seconds to answer each request."""
    config = FakeConfig(latency=LATENCY, channel_count=CHANNELS, heartbeat_interval_ms=1000)
    with FakeDiscord(config) as server:
        yield server


class Asker(threading.Thread):
    """Fans asking questions every `interval` seconds, round the channels, until told to stop."""

    def __init__(self, fake: FakeDiscord, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.fake = fake
        self.interval = interval
        self.channels = fake.run(_channels(fake))
        self.asked: list[tuple[float, str]] = []  # (time.monotonic() once dispatched, id)
        self.done = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.done.is_set():
            channel = self.channels[number % len(self.channels)]
            if number % 3 == 2:
                asked = self.fake.slash("ask", {"question": "Who directs Ballerina?"})
            else:
                asked = self.fake.mention("Who directs Ballerina?", channel_id=channel)["id"]
            self.asked.append((time.monotonic(), asked))
            number += 1
            self.done.wait(self.interval)


def _channels(fake: FakeDiscord):  # type: ignore[no-untyped-def]
    async def listing() -> list[str]:
        return [c for c in fake.world.channels if fake.world.guild_of(c)]

    return listing


@pytest.mark.parametrize("sharded", [False, True], ids=["client", "auto-sharded"])
def test_sigterm_under_traffic_answers_every_question_it_had_and_logs_no_error(
    slow_fake: FakeDiscord, workdir: Path, sharded: bool
):
    fake = slow_fake
    extra_env = {"CONCIERGE_DISCORD_SHARDED": "true"} if sharded else None
    bot = start_bot(fake, workdir, name=f"stop-drain-{sharded}", extra_env=extra_env)
    asker = Asker(fake)
    try:
        asker.start()
        deadline = time.monotonic() + 15
        while len(asker.asked) < 25 and time.monotonic() < deadline:
            time.sleep(0.05)  # a steady stream, several questions always in hand
        logged = len(bot.output())
        stopped_at = time.monotonic()
        bot.process.send_signal(15)
        code = bot.wait(timeout=15)
        exited_at = time.monotonic()
    finally:
        asker.done.set()
        asker.join(5)
        bot.close()

    closed = fake.wait_for_connection_closed(0, timeout=5)
    output = bot.output()
    assert code == 0, output[-3000:]
    before_stop = [asked for at, asked in asker.asked if at < stopped_at]
    assert len(before_stop) >= 20
    unanswered = [asked for asked in before_stop if len(fake.replies_to(asked)) != 1]
    assert not unanswered, f"{len(unanswered)} of {len(before_stop)} unanswered:\n{output[-3000:]}"
    # New questions stop at once: the gateway closes while the last replies are still going out.
    assert closed.closed_at is not None and closed.closed_at - stopped_at < 1.0
    assert closed.client_close_code == 1000, closed
    assert exited_at - stopped_at < 8
    after = output[logged:]
    found = [text for text in FORBIDDEN if text in after]
    assert not found, f"{found} logged while stopping:\n{after[-3000:]}"

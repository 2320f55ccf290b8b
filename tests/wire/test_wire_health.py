"""`/healthz` follows the gateway: 200 while connected, 503 while Discord is gone, 200 once back.

The real bot (`python -m bot run`) serves its health endpoint on a loopback port. Discord going
away is the fake stopping altogether (so the bot cannot reconnect at once); Discord coming back is
a new fake on the same port, where the bot's resume is refused and it identifies again.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.commands import health as health_command
from tests.fakediscord import FakeConfig, FakeDiscord, start_bot, wait_ready

HEARTBEAT_MS = 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), ""
    except OSError:
        return 0, ""


def wait_for_status(url: str, status: int, timeout: float = 30.0) -> float:
    """Seconds until `url` answers `status`; AssertionError after `timeout`."""
    started = time.monotonic()
    seen = None
    while time.monotonic() - started < timeout:
        seen, _ = get(url)
        if seen == status:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"{url} answered {seen}, not {status}, for {timeout} s")


def test_healthz_flips_with_the_gateway_connection(workdir: Path):
    port, health_port = free_port(), free_port()
    healthz = f"http://127.0.0.1:{health_port}/healthz"
    metrics = f"http://127.0.0.1:{health_port}/metrics"
    config = FakeConfig(heartbeat_interval_ms=HEARTBEAT_MS, port=port)
    first = FakeDiscord(config).start()
    bot = start_bot(
        first,
        workdir,
        extra_env={"CONCIERGE_HEALTH_ADDRESS": f"127.0.0.1:{health_port}"},
        name="health",
    )
    running = [first]
    try:
        wait_for_status(healthz, 200)
        status, text = get(metrics)
        assert status == 200
        assert "concierge_healthy 1.0" in text
        deadline = time.monotonic() + 10  # the first heartbeat is acknowledged within ~1 s
        while 'concierge_gateway_latency_seconds{shard="0"}' not in text:
            assert time.monotonic() < deadline, text
            time.sleep(0.2)
            text = get(metrics)[1]

        running.remove(first)
        first.stop()  # Discord is gone: the connection drops and reconnecting fails
        wait_for_status(healthz, 503)
        assert "concierge_healthy 0.0" in get(metrics)[1]
        healthy, said = health_command.check(healthz)
        assert not healthy
        assert said.startswith("the bot is running but not connected to Discord (since ")
        assert bot.process.poll() is None, "the bot keeps running while Discord is away"

        second = FakeDiscord(config).start()  # Discord is back, at the same address
        running.append(second)
        wait_ready(second, bot, timeout=60)
        wait_for_status(healthz, 200)
        question = second.mention("Who directs Ballerina?")
        second.wait_for_reply(question["id"], timeout=10)
        assert not first.problems() and not second.problems()
    finally:
        bot.close()
        for fake in running:
            fake.stop()

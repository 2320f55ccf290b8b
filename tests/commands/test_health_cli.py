"""`python -m bot health` says in words what it found, and `run` says how to move a busy port.

The bot not connected (503), no bot at all (connection refused), another program on the port
(a 404, or a 200 that is not ours): each is one line an admin can act on, and exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web

from bot.commands import health as health_command
from bot.health import HealthServer

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakediscord import bot_environment, run_command  # noqa: E402


def health(address: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run `health --address ADDRESS`; its exit code and what it printed."""
    code = health_command.run(argparse.Namespace(address=address, config=None))
    out = capsys.readouterr()
    return code, (out.out + out.err).strip()


async def test_a_bot_not_connected_to_discord_says_so_and_since_when(
    capsys: pytest.CaptureFixture[str],
):
    down_since = time.time() - 42
    server = HealthServer("127.0.0.1:0", lambda: False, unhealthy_since=lambda: down_since)
    await server.start()
    try:
        code, said = await asyncio.to_thread(health, f"127.0.0.1:{server.port}", capsys)
    finally:
        await server.stop()

    assert code == 1
    stamp = datetime.fromtimestamp(down_since, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert said.startswith("the bot is running but not connected to Discord")
    assert f"(since {stamp} UTC, 4" in said  # 42 s ago, or 43 on a slow machine


async def test_a_healthy_bot_is_ok(capsys: pytest.CaptureFixture[str]):
    server = HealthServer("127.0.0.1:0", lambda: True, unhealthy_since=lambda: None)
    await server.start()
    try:
        code, said = await asyncio.to_thread(health, f"127.0.0.1:{server.port}", capsys)
    finally:
        await server.stop()

    assert (code, said) == (0, "ok")


def test_no_bot_on_the_port_asks_whether_it_runs_and_the_address(
    capsys: pytest.CaptureFixture[str],
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    code, said = health(f"127.0.0.1:{port}", capsys)

    assert code == 1
    assert said == (
        f"no bot is answering on 127.0.0.1:{port}: is it running? "
        "is health.address the same as the bot's?"
    )


@pytest.mark.parametrize(("status", "body"), [(404, "Not Found"), (200, "ok\n")])
async def test_another_program_on_the_port_is_named_as_such(
    capsys: pytest.CaptureFixture[str], status: int, body: str
):
    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=status, text=body)

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        code, said = await asyncio.to_thread(health, f"127.0.0.1:{port}", capsys)
    finally:
        await runner.cleanup()

    assert code == 1
    assert said.startswith(f"another program answers on 127.0.0.1:{port} (HTTP {status})")
    assert "is health.address the same" in said


def test_run_on_a_busy_health_port_names_the_setting_that_moves_it(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        address = f"127.0.0.1:{busy.getsockname()[1]}"
        env = bot_environment(
            {"DISCORD_TOKEN": "unused.token.here"}, {"CONCIERGE_HEALTH_ADDRESS": address}
        )

        result = run_command(["run"], env, tmp_path)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert f"cannot serve the health endpoint on {address}" in line
    assert "already in use" in line
    assert "set health.address (or CONCIERGE_HEALTH_ADDRESS) to another HOST:PORT" in line
    assert 'or to "" to turn the endpoint off' in line

"""Two processes splitting the shards of one bot, as docs/compose.sharded.yaml runs them.

Each process is `python -m bot run` with `discord.sharded`, `shard_count = 2` and its own
`shard_ids`. The fake holds two servers whose ids Discord routes to different shards (guild A to
shard 0, guild B to shard 1: `(guild_id >> 22) % 2`), and, as Discord does, sends each session only
its shard's servers and each server's events only to the session of its shard. With both processes
connected at once, each must IDENTIFY as its own shard and answer exactly the questions asked in
its own server.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakediscord import BotExited, BotProcess, FakeConfig, FakeDiscord, bot_environment
from tests.fakediscord.payloads import shard_of

IDENTIFY = 2
SHARD_COUNT = 2
SHARDS = (0, 1)
CREATE_MESSAGE = "POST /channels/{channel_id}/messages"
GUILDS_AND_MESSAGES = 1 | 1 << 9 | 1 << 12


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    """A fake Discord with one server for each of two shards."""
    config = FakeConfig(heartbeat_interval_ms=1000, guild_shards=SHARD_COUNT)
    with FakeDiscord(config) as server:
        yield server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scrape(port: int) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


def answered(text: str) -> float:
    """Questions this process answered, from its /metrics."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("concierge_questions_total{") and 'outcome="answered"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def wait_for(probe, timeout: float = 10.0, what: str = "a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def wait_shard_ready(fake: FakeDiscord, shard: int, process: BotProcess) -> None:
    """Wait for the shard's session and the process's own "ready" log line; fail at once, with
    its output, if the process exits."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.process.poll() is not None:
            raise BotExited(f"shard {shard} exited:\n{process.output()[-4000:]}")
        try:
            fake.wait_until_shard_ready(shard, SHARD_COUNT, timeout=0.5)
        except TimeoutError:
            continue
        process.wait_for_output("ready as", timeout=max(deadline - time.monotonic(), 0.1))
        return
    raise BotExited(f"shard {shard} never became ready:\n{process.output()[-4000:]}")


def test_the_fake_routes_each_guild_to_its_shard_and_direct_messages_to_shard_0():
    """Raw gateway clients as shards 0 and 1 of 2: READY, GUILD_CREATE and every event of a guild
    go only to the session of its shard."""
    with FakeDiscord(FakeConfig(guild_shards=SHARD_COUNT, validate=False)) as fake:
        guild_ids = fake.guild_ids()
        assert [shard_of(guild_id, SHARD_COUNT) for guild_id in guild_ids] == list(SHARDS)

        async def run() -> dict[int, list[dict[str, Any]]]:
            url = f"{fake.gateway_url}?v=10&encoding=json"
            received: dict[int, list[dict[str, Any]]] = {shard: [] for shard in SHARDS}
            async with aiohttp.ClientSession() as http:
                sockets = {shard: await http.ws_connect(url) for shard in SHARDS}
                for shard, ws in sockets.items():
                    await ws.receive_json(timeout=5)  # HELLO
                    identify = {
                        "token": fake.config.token,
                        "intents": GUILDS_AND_MESSAGES,
                        "properties": {},
                        "shard": [shard, SHARD_COUNT],
                    }
                    await ws.send_str(json.dumps({"op": IDENTIFY, "d": identify}))
                    received[shard].append(await ws.receive_json(timeout=5))  # READY
                    received[shard].append(await ws.receive_json(timeout=5))  # GUILD_CREATE
                for guild_id in guild_ids:
                    await fake.deliver_message(
                        fake.world.user_message(
                            fake.world.new_user(), fake.world.first_channel(guild_id), "hello"
                        )
                    )
                person = fake.world.new_user()
                dm = fake.world.user_message(person, fake.world.dm_channel_for(person)["id"], "hi")
                await fake.deliver_message(dm)
                for shard, ws in sockets.items():  # whatever else each session is sent
                    while True:
                        try:
                            received[shard].append(await ws.receive_json(timeout=0.5))
                        except TimeoutError:
                            break
                    await ws.close()
            return received

        received = fake.run(run)

    for shard in SHARDS:
        ready, guild, *events = received[shard]
        assert ready["t"] == "READY"
        assert ready["d"]["shard"] == [shard, SHARD_COUNT]
        assert [g["id"] for g in ready["d"]["guilds"]] == [guild_ids[shard]]
        assert (guild["t"], guild["d"]["id"]) == ("GUILD_CREATE", guild_ids[shard])
        assert all(event["t"] == "MESSAGE_CREATE" for event in events)
        assert [event["d"].get("guild_id") for event in events] == (
            [guild_ids[0], None] if shard == 0 else [guild_ids[1]]
        )


def test_two_shard_processes_identify_as_their_shards_and_answer_their_own_guilds(
    fake: FakeDiscord, workdir: Path
):
    guild_ids = fake.guild_ids()
    assert [shard_of(guild_id, SHARD_COUNT) for guild_id in guild_ids] == list(SHARDS)
    channels = [fake.channel_in(guild_id) for guild_id in guild_ids]
    connections_before = len(fake.connections())
    ports = {shard: free_port() for shard in SHARDS}
    processes: dict[int, BotProcess] = {}
    try:
        for shard in SHARDS:  # both start at once, and stay connected together
            settings = {
                "CONCIERGE_DISCORD_SHARDED": "true",
                "CONCIERGE_DISCORD_SHARD_COUNT": str(SHARD_COUNT),
                "CONCIERGE_DISCORD_SHARD_IDS": str(shard),
                "CONCIERGE_HEALTH_ADDRESS": f"127.0.0.1:{ports[shard]}",
            }
            shard_dir = workdir / f"shard-{shard}"
            shard_dir.mkdir(exist_ok=True)
            env = bot_environment(fake.bot_env(), settings)
            processes[shard] = BotProcess(["run"], env, shard_dir, name=f"shard-{shard}")
        for shard, process in processes.items():
            wait_shard_ready(fake, shard, process)

        # Each process opened one connection and identified on it as its own shard.
        identified = [
            frame.data["shard"]
            for frame in fake.frames(op=IDENTIFY)
            if frame.connection >= connections_before
        ]
        assert sorted(identified) == [[shard, SHARD_COUNT] for shard in SHARDS]
        # Each shard was sent only its own server, and says so.
        for shard in SHARDS:
            [ready] = fake.sent_events("READY", shard=(shard, SHARD_COUNT))
            assert [guild["id"] for guild in ready["guilds"]] == [guild_ids[shard]]
            created = fake.sent_events("GUILD_CREATE", shard=(shard, SHARD_COUNT))
            assert [guild["id"] for guild in created] == [guild_ids[shard]]
            assert "in 1 servers" in processes[shard].output()

        # A question in each server, while both processes are connected.
        questions = {
            0: fake.mention("Who directs Ballerina?", channel_id=channels[0]),
            1: fake.mention("When is Ballerina released?", channel_id=channels[1]),
        }
        for shard, question in questions.items():
            reply = fake.wait_for_reply(question["id"], timeout=10)
            assert reply.route == CREATE_MESSAGE
            assert reply.path == f"/channels/{channels[shard]}/messages"
            assert len(fake.replies_to(question["id"])) == 1

        # Each question reached only the shard of its server, and that process answered it.
        for shard in SHARDS:
            delivered = fake.sent_events("MESSAGE_CREATE", shard=(shard, SHARD_COUNT))
            assert [m["id"] for m in delivered] == [questions[shard]["id"]]
            wait_for(
                lambda shard=shard: answered(scrape(ports[shard])) == 1,
                what=f"shard {shard} to count its answer",
            )
        assert all(process.process.poll() is None for process in processes.values())
    finally:
        for process in processes.values():
            process.close()

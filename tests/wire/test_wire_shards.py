"""Two processes splitting the shards of one bot, as docs/compose.sharded.yaml runs them.

Each process is `python -m bot run` with `discord.sharded`, `shard_count = 2` and its own
`shard_ids`. Both must IDENTIFY with their own shard, `[id, 2]`; each gets only its shard's
servers, and answers the questions Discord routes to it. Discord sends a server's events to the
shard `(server_id >> 22) % shard_count`. The fake has one server (which shard owns it depends on
when its id was made) and sends events to the session that identified last, so the other shard
starts first and the owner second: the fake then routes as Discord would.
"""

from __future__ import annotations

import socket
import time
import urllib.request
from pathlib import Path

from tests.fakediscord import FakeDiscord, start_bot

IDENTIFY = 2
SHARD_COUNT = 2


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


def wait_for(probe, timeout: float = 15.0, what: str = "a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_shard_processes_identify_as_their_shards_and_answer_their_own_events(
    fake: FakeDiscord, workdir: Path
):
    identifies = len(fake.frames(op=IDENTIFY))
    owner = (int(fake.world.guild_id) >> 22) % SHARD_COUNT
    other = 1 - owner
    ports = {shard: free_port() for shard in (0, 1)}
    processes = {}
    try:
        for shard in (other, owner):  # the owner last, so that the fake routes to it
            env = {
                "CONCIERGE_DISCORD_SHARDED": "true",
                "CONCIERGE_DISCORD_SHARD_COUNT": str(SHARD_COUNT),
                "CONCIERGE_DISCORD_SHARD_IDS": str(shard),
                "CONCIERGE_HEALTH_ADDRESS": f"127.0.0.1:{ports[shard]}",
            }
            shard_dir = workdir / f"shard-{shard}"
            shard_dir.mkdir(exist_ok=True)
            processes[shard] = start_bot(fake, shard_dir, extra_env=env, name=f"shard-{shard}")
            wanted = identifies + len(processes)
            wait_for(
                lambda wanted=wanted: len(fake.frames(op=IDENTIFY)) >= wanted,
                what=f"IDENTIFY from shard {shard}",
            )

        sent = [frame.data["shard"] for frame in fake.frames(op=IDENTIFY)[identifies:]]
        assert sent == [[other, SHARD_COUNT], [owner, SHARD_COUNT]]
        for shard, process in processes.items():
            wait_for(lambda p=process: "ready as" in p.output(), what=f"shard {shard} to be ready")
        assert "in 1 servers" in processes[owner].output()
        assert "in 0 servers" in processes[other].output()

        for question in ("Who directs Ballerina?", "When is Ballerina released?"):
            asked = fake.mention(question)
            fake.wait_for_reply(asked["id"], timeout=10)
            assert len(fake.replies_to(asked["id"])) == 1

        wait_for(lambda: answered(scrape(ports[owner])) == 2, what="the owner to count answers")
        assert answered(scrape(ports[other])) == 0
    finally:
        for process in processes.values():
            process.close()

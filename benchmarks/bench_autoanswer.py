"""Auto-answer cost: the bot reading a busy channel of ordinary chat, next to a bare bot.

Usage: python benchmarks/bench_autoanswer.py [--rate 200] [--seconds 10] [--questions 0.1]
                                             [--repeat 2] [--bots concierge,bare]

A fake Discord (tests/fakediscord, rate limits that never bind, in this process) has one server
with 50 channels, every one an auto-answer channel for Concierge (`python -m bot run` with
`[autoanswer]` naming them, its cap at 60 a minute and no repeat window, so the cap does not
hide the cost). For --seconds it writes a steady --rate messages a second to the gateway, each
from a new person, round-robin over the channels: ordinary chat ("lol same", "that fight was
insane 🔥", reactions to the film...) with, a share --questions of the time, a question from
the knowledge base (a title or alias, as in bench_load.py).

- bot CPU ms/message: the bot process's CPU time over the run, per message written.
- answered, and median / p99 ms from a question being written to the gateway to its answer
  reaching the fake, for the messages the bot answered.

The bare discord.py bot (benchmarks/bare_bot.py) gets the same stream, except that its questions
mention it (it answers only mentions, with one fixed embed) and it does not ask for Message
Content: the cost of the library alone receiving and parsing the same gateway traffic, and its
reply latency, the floor Concierge's figures are set against. The bot is pinned to one CPU and
this process (the fake) to another when there are two.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_load import cpu_seconds, question_pool  # noqa: E402
from tests.fakediscord import FakeConfig, FakeDiscord, RateLimitPolicy  # noqa: E402
from tests.fakediscord import payloads as p  # noqa: E402
from tests.fakediscord.harness import bot_environment, wait_ready  # noqa: E402

SEED = 20261202
CHANNELS = 50
CHAT_OPENERS = ("lol", "omg", "ngl", "honestly", "ok", "yeah", "same", "bro", "wait", "")
CHAT_BODIES = (
    "same",
    "that fight scene was insane 🔥",
    "the pencil thing still gets me",
    "ana de armas carried that whole movie",
    "watching it again tonight with my sister",
    "the soundtrack slaps",
    "this server is the best",
    "good morning everyone",
    "i cried at the end not gonna lie",
    "the ballet bits were so creepy",
    "cant believe it took this long to come out",
    "my cat just knocked my popcorn over",
    "rewatching chapter 3 first",
    "that opera house set was gorgeous",
    "thanks for the recs yesterday",
)


@dataclass
class Run:
    """One bot's figures for one run of the stream."""

    bot: str
    messages: int
    questions: int
    answered: int
    cpu_ms: float
    median_ms: float
    p99_ms: float


def chat_line(rng: random.Random) -> str:
    """An ordinary chat message that asks nothing."""
    opener = rng.choice(CHAT_OPENERS)
    body = rng.choice(CHAT_BODIES)
    return f"{opener} {body}".strip() if opener else body


def stream(count: int, share: float, rng: random.Random) -> list[tuple[bool, str]]:
    """(is a question, text) for each message of the run."""
    pool = [q for q in question_pool() if not q.startswith(("what is the best", "how do I"))]
    return [
        (True, rng.choice(pool)) if rng.random() < share else (False, chat_line(rng))
        for _ in range(count)
    ]


async def write(
    fake: FakeDiscord, messages: list[tuple[bool, str]], rate: float, mention: bool
) -> list[tuple[str, float]]:
    """Write the messages to the gateway at `rate` a second; (id, time) of each question."""
    world = fake.world
    channels = list(world.guilds[world.guild_id].channel_ids)
    sent: list[tuple[str, float]] = []
    start = time.monotonic()
    for number, (question, text) in enumerate(messages):
        delay = start + number / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        content = f"<@{fake.bot_user_id}> {text}" if question and mention else text
        data = world.user_message(world.new_user(), channels[number % len(channels)], content)
        await fake.deliver_message(data)
        if question:
            sent.append((data["id"], time.monotonic()))
    return sent


def run_once(bot: str, rate: float, seconds: float, share: float, seed: int) -> Run:
    """One fake, one bot process, one stream; the bot's figures."""
    config = FakeConfig(
        policy=RateLimitPolicy.generous(),
        validate=False,
        channel_count=CHANNELS,
        privileged_intents_enabled=p.MESSAGE_CONTENT,
    )
    with FakeDiscord(config) as fake, tempfile.TemporaryDirectory() as scratch:
        channels = ",".join(fake.world.guilds[fake.world.guild_id].channel_ids)
        extra = {
            "CONCIERGE_AUTOANSWER_CHANNEL_IDS": channels,
            "CONCIERGE_AUTOANSWER_PER_CHANNEL_PER_MINUTE": "60",
            "CONCIERGE_AUTOANSWER_REPEAT_WINDOW_SECONDS": "0",
            "CONCIERGE_LOGGING_LEVEL": "WARNING",
        }
        env = bot_environment(fake.bot_env(), extra if bot == "concierge" else {})
        command = ["run"] if bot == "concierge" else []
        args = [sys.executable, "-m", "bot", *command]
        if bot == "bare":
            args = [sys.executable, str(ROOT / "benchmarks" / "bare_bot.py")]
        log = (Path(scratch) / "bot.log").open("wb")
        process = subprocess.Popen(args, cwd=scratch, env=env, stdout=log, stderr=log)
        try:
            cpus = sorted(os.sched_getaffinity(0))
            if len(cpus) >= 2:
                os.sched_setaffinity(process.pid, {cpus[0]})
                os.sched_setaffinity(0, set(cpus[1:]))
            wait_ready(fake, ProcessView(process, Path(scratch) / "bot.log"), 30)
            time.sleep(1.0)
            messages = stream(int(rate * seconds), share, random.Random(seed))
            before = cpu_seconds(process.pid)
            sent = fake.run(lambda: write(fake, messages, rate, bot == "bare"), timeout=600)
            time.sleep(2.0)  # the last answers
            cpu = cpu_seconds(process.pid) - before
            replied = fake.recorder.first_reply_at
            latencies = sorted((replied[i] - at) * 1000 for i, at in sent if i in replied)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
    return Run(
        bot,
        len(messages),
        len(sent),
        len(latencies),
        cpu / len(messages) * 1000,
        statistics.median(latencies) if latencies else 0.0,
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0,
    )


class ProcessView:
    """A bot process as `wait_ready` reads it: `.process` and `.output()`."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self._log = log

    def output(self) -> str:
        return self._log.read_text(errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="messages a second")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--questions", type=float, default=0.1, help="share that are questions")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each bot")
    parser.add_argument("--bots", default="concierge,bare", help="which bots, comma-separated")
    args = parser.parse_args()
    print(
        "| bot | run | messages | questions | answered | bot CPU ms/message | median ms | p99 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for number in range(1, args.repeat + 1):
        for bot in args.bots.split(","):
            run = run_once(bot, args.rate, args.seconds, args.questions, SEED + number)
            print(
                f"| {run.bot} | {number} | {run.messages:,} | {run.questions} | {run.answered} "
                f"| {run.cpu_ms:.3f} | {run.median_ms:.1f} | {run.p99_ms:.1f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

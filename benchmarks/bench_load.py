"""Load benchmark: the real bot against the loopback fake Discord, next to a bare discord.py bot.

Usage: python benchmarks/bench_load.py [--bursts 1000,10000] [--rate 200] [--seconds 10]
                                       [--repeat 3] [--bots concierge,bare] [--json FILE]

For each bot (Concierge run as `python -m bot run`, and benchmarks/bare_bot.py, which answers
every question with one fixed embed) the harness starts a fake Discord in its own process
(`python -m tests.fakediscord --generous --control --no-gc`: rate limits so generous they never
bind, so this measures the bot, not Discord's limits), starts the bot against it, warms it up
with 300 questions, and asks questions: half mentions, half /ask, varied (the knowledge base's
own titles and aliases, reworded, and questions it does not cover), each from a different person.

- A steady R questions a second for S seconds: latency from a question's dispatch to its reply
  arriving at the fake, median and p99.
- Bursts of N questions written to the gateway back to back: capacity is N over the time from
  the first dispatch to the last reply. Bursts run in a session of their own (a fresh fake and
  bot), so the thousands of connections a burst leaves open do not disturb the steady figures.

Each phase runs --repeat times; the verdicts use the median. Times are taken inside the fake
process (dispatch written to the socket, reply request read), so they include the bot's whole
path. With two CPUs or more the bot and the fake are pinned to one each. Also reported: the bot
process's CPU time per question (it explains capacity better than wall time on a shared machine),
its peak memory (VmHWM) and the questions that got no reply (lost). Concierge runs with its
anti-spam duplicate window off (CONCIERGE_LIMITS_DUPLICATE_WINDOW_SECONDS=0) so a repeated
question is answered, not reacted to; the per-person cooldown stays on (every question is from a
new person). The fake accepts slash answers late here; "late slash" counts those after 3 s, which
real Discord would refuse.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core import load_knowledge_base  # noqa: E402

SEED = 20261123
WARMUP = 300
INTERACTION_DEADLINE = 3.0
OUT_OF_SCOPE = (
    "what is the best pizza topping",
    "how do I reset my router",
    "who won the world cup in 1998",
    "what's the weather like on mars",
    "recommend me a good book about gardening",
    "how many legs does a spider have",
    "what time does the bakery open",
    "explain quantum entanglement simply",
)
PREFIXES = ("", "hey, ", "quick question: ", "does anyone know ", "pls ")
TOKEN = "MTExMTExMTExMTExMTExMTExMQ.GfAkE0.xxxxxxxxxxxxxxxxxxxxxxxxxxxfakefakefake"  # noqa: S105


@dataclass
class Phase:
    """One phase's measurements."""

    name: str
    questions: int
    rate: float | None
    replied: int = 0
    lost: int = 0
    late: int = 0
    seconds: float = 0.0
    capacity: float = 0.0  # answers per second, first dispatch to last reply
    median_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    cpu_ms: float = 0.0  # the bot process's CPU time per question


@dataclass
class BotRun:
    """All phases of one bot."""

    bot: str
    phases: list[Phase] = field(default_factory=list)
    peak_rss_mib: dict[str, float] = field(default_factory=dict)  # by session
    fake_problems: int = 0
    errors_logged: int = 0


def question_pool() -> list[str]:
    """Questions the knowledge base covers (titles, aliases, reworded) and some it does not."""
    kb = load_knowledge_base(ROOT / "data")
    rng = random.Random(SEED)
    known: list[str] = []
    for entry in kb.entries:
        known.append(entry.title)
        known.extend(entry.aliases)
    pool = [
        f"{rng.choice(PREFIXES)}{text.lower() if rng.random() < 0.5 else text}" for text in known
    ]
    pool.extend(OUT_OF_SCOPE)
    return pool


def make_questions(count: int, pool: list[str], rng: random.Random) -> list[dict[str, str]]:
    """`count` questions, about half mentions and half /ask, texts drawn from the pool."""
    return [
        {"kind": "mention" if rng.random() < 0.5 else "slash", "text": rng.choice(pool)}
        for _ in range(count)
    ]


def call(port: int, path: str, body: Any = None, timeout: float = 120.0) -> Any:
    """A control request to the fake (JSON in, JSON out)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read())


def start_fake(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The fake Discord in its own process; its port."""
    log = (workdir / "fake.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakediscord",
            "--generous",
            "--no-validate",
            "--no-gc",
            "--control",
            "--channels",
            "50",
            "--interaction-deadline",
            "3600",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
    )
    line = process.stdout.readline().decode() if process.stdout else ""
    if not line.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"the fake did not start: {line!r}")
    return process, int(line.split()[-1])


def bot_command(bot: str) -> list[str]:
    """How to start each bot."""
    if bot == "bare":
        return [sys.executable, str(ROOT / "benchmarks" / "bare_bot.py")]
    return [sys.executable, "-m", "bot", "run"]


def bot_env(port: int) -> dict[str, str]:
    """The bot's environment: the fake's addresses and token, and the benchmark's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONCIERGE_")}
    env.update(
        {
            "DISCORD_TOKEN": TOKEN,
            "CONCIERGE_DISCORD_API_BASE_URL": f"http://127.0.0.1:{port}",
            "CONCIERGE_DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{port}/gateway",
            "CONCIERGE_KNOWLEDGE_DATA_DIR": str(ROOT / "data"),
            "CONCIERGE_HEALTH_ADDRESS": "",
            "CONCIERGE_LIMITS_DUPLICATE_WINDOW_SECONDS": "0",
        }
    )
    return env


def wait_ready(port: int, bot: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Until the fake has sent READY to the bot."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bot.poll() is not None:
            raise RuntimeError(f"the bot exited with {bot.returncode}")
        if call(port, "/_fake/status")["ready"]:
            return
        time.sleep(0.1)
    raise RuntimeError("the bot did not connect")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_phase(
    port: int,
    name: str,
    questions: list[dict[str, str]],
    rate: float | None,
    drain: float,
    pid: int,
) -> Phase:
    """Dispatch the questions, wait (at most `drain` s after the last) for replies, measure."""
    cpu_before = cpu_seconds(pid)
    sent = call(port, "/_fake/load", {"questions": questions, "rate": rate}, timeout=600)
    ids, dispatched = sent["ids"], sent["dispatched"]
    deadline = time.monotonic() + drain
    replied: dict[str, float] = {}
    while time.monotonic() < deadline:
        replied = call(port, "/_fake/replies", {"ids": ids})["replied"]
        if len(replied) == len(ids):
            break
        time.sleep(0.2)
    phase = Phase(name, len(ids), rate, replied=len(replied), lost=len(ids) - len(replied))
    phase.cpu_ms = (cpu_seconds(pid) - cpu_before) / max(len(ids), 1) * 1000
    latencies = sorted(
        (replied[i] - t) * 1000 for i, t in zip(ids, dispatched, strict=True) if i in replied
    )
    slash = {i for i, q in zip(ids, questions, strict=True) if q["kind"] == "slash"}
    phase.late = sum(
        1
        for i, t in zip(ids, dispatched, strict=True)
        if i in slash and i in replied and replied[i] - t > INTERACTION_DEADLINE
    )
    if latencies:
        phase.seconds = max(replied.values()) - min(dispatched)
        phase.capacity = len(replied) / phase.seconds if phase.seconds > 0 else 0.0
        phase.median_ms = statistics.median(latencies)
        phase.p99_ms = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        phase.max_ms = latencies[-1]
    return phase


def pin(bot_pid: int, fake_pid: int) -> None:
    """With two CPUs or more, the bot on one and the fake on another: steadier figures."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) >= 2:
        os.sched_setaffinity(bot_pid, {cpus[0]})
        os.sched_setaffinity(fake_pid, {cpus[1]})


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_bot(bot: str, bursts: list[int], rate: float, seconds: float, repeat: int) -> BotRun:
    """Every phase, each `repeat` times, against one bot: the steady phases in one session and
    the bursts in another (a fresh fake and bot each), so the thousands of connections a burst
    leaves behind do not disturb the steady latencies."""
    pool = question_pool()
    rng = random.Random(SEED)
    result = BotRun(bot)

    def steady(port: int, pid: int) -> None:
        for number in range(1, repeat + 1):
            questions = make_questions(int(rate * seconds), pool, rng)
            name = f"steady {rate:g}/s × {seconds:g} s #{number}"
            result.phases.append(run_phase(port, name, questions, rate, 30, pid))
            time.sleep(1.0)

    def burst(port: int, pid: int) -> None:
        for size in bursts:
            for number in range(1, repeat + 1):
                questions = make_questions(size, pool, rng)
                name = f"burst {size:,} #{number}"
                result.phases.append(run_phase(port, name, questions, None, 30 + size / 50, pid))
                time.sleep(1.0)

    for session in (steady, burst):
        session_against(bot, result, session.__name__, session)
    return result


def session_against(
    bot: str, result: BotRun, session: str, phases: Callable[[int, int], None]
) -> None:
    """Start a fake and the bot, warm up, run `phases`, stop both; note memory and errors."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{bot}-") as scratch:
        workdir = Path(scratch)
        fake, port = start_fake(workdir)
        process: subprocess.Popen[bytes] | None = None
        log = (workdir / "bot.log").open("wb")
        try:
            process = subprocess.Popen(
                bot_command(bot), cwd=workdir, env=bot_env(port), stdout=log, stderr=log
            )
            pin(process.pid, fake.pid)
            wait_ready(port, process)
            warm_up = make_questions(WARMUP, question_pool(), random.Random(SEED + 1))
            run_phase(port, "warm-up", warm_up, None, 30, process.pid)
            time.sleep(1.0)
            phases(port, process.pid)
            result.peak_rss_mib[session] = peak_rss_mib(process.pid)
            result.fake_problems += call(port, "/_fake/status")["problems"]
        finally:
            for child in (process, fake):
                if child is None:
                    continue
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait(10)
            log.close()
            output = (workdir / "bot.log").read_text(errors="replace")
            result.errors_logged += len(re.findall(r"^\S+ \S+ (?:ERROR|CRITICAL)\b", output, re.M))


def table(runs: list[BotRun]) -> str:
    """A Markdown table of every phase of every bot."""
    lines = [
        "| bot | phase | answered | lost | late slash | answers/s | median ms | p99 ms | max ms "
        "| bot CPU ms/question |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for p in run.phases:
            lines.append(
                f"| {run.bot} | {p.name} | {p.replied:,}/{p.questions:,} | {p.lost} | {p.late} "
                f"| {p.capacity:,.0f} | {p.median_ms:.1f} | {p.p99_ms:.1f} | {p.max_ms:.1f} "
                f"| {p.cpu_ms:.2f} |"
            )
    lines.append("")
    lines.append(
        "| bot | peak memory, steady session | peak memory, burst session | errors logged |"
    )
    lines.append("|---|---:|---:|---:|")
    for run in runs:
        steady = run.peak_rss_mib.get("steady", 0.0)
        bursts = run.peak_rss_mib.get("burst", 0.0)
        lines.append(f"| {run.bot} | {steady:.0f} MiB | {bursts:.0f} MiB | {run.errors_logged} |")
    return "\n".join(lines)


def _groups(run: BotRun) -> dict[str, list[Phase]]:
    """Phases by name without the repetition number."""
    groups: dict[str, list[Phase]] = {}
    for phase in run.phases:
        groups.setdefault(phase.name.rsplit(" #", 1)[0], []).append(phase)
    return groups


def verdicts(runs: list[BotRun]) -> list[str]:
    """The issue's targets, each met or not (medians over the repetitions)."""
    by_bot = {run.bot: run for run in runs}
    concierge, bare = by_bot.get("concierge"), by_bot.get("bare")
    out: list[str] = []
    if concierge is None:
        return out
    mine = _groups(concierge)
    theirs = _groups(bare) if bare is not None else {}
    for name, phases in mine.items():
        if phases[0].rate is None and name in theirs:
            ours = statistics.median(p.capacity for p in phases)
            ceiling = statistics.median(p.capacity for p in theirs[name])
            share = ours / ceiling if ceiling else 0.0
            ok = "met" if share >= 0.75 else "MISSED"
            out.append(
                f"{name}: {ours:,.0f} answers/s, {share:.0%} of the bare bot's {ceiling:,.0f} "
                f"(target ≥ 75%): {ok}"
            )
        elif phases[0].rate is not None:
            p99 = statistics.median(p.p99_ms for p in phases)
            ok = "met" if p99 <= 30 else "MISSED"
            worst = max(p.p99_ms for p in phases)
            out.append(f"{name}: p99 {p99:.1f} ms, worst {worst:.1f} (target ≤ 30 ms): {ok}")
    lost = sum(p.lost for p in concierge.phases)
    out.append(f"lost: {lost} (target 0): {'met' if lost == 0 else 'MISSED'}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", default="1000,10000", help="burst sizes, comma-separated")
    parser.add_argument("--rate", type=float, default=200.0, help="steady questions per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="steady phase length")
    parser.add_argument("--bots", default="concierge,bare", help="which bots, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each phase")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    bursts = [int(size) for size in args.bursts.split(",") if size]
    runs = []
    for bot in args.bots.split(","):
        print(f"benchmarking {bot} ...", file=sys.stderr, flush=True)
        runs.append(bench_bot(bot, bursts, args.rate, args.seconds, args.repeat))
    print(table(runs))
    print()
    for line in verdicts(runs):
        print(f"- {line}")
    if args.json:
        args.json.write_text(json.dumps([asdict(run) for run in runs], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time the engine's index build alone, several times, on a synthetic knowledge base.

Usage: python benchmarks/bench_build.py [--entries 100000] [--repeat 3]

Prints the CPU seconds of each build (time.process_time, pinned to one core where possible),
so a noisy shared machine shows as a spread rather than a wrong single figure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import synthetic_kb  # noqa: E402

from bot.core import Engine, load_knowledge_base  # noqa: E402


def main() -> None:
    """Build the index `--repeat` times and print each build's CPU and wall seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with contextlib.suppress(AttributeError, OSError):  # pin to one core where we can
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    kb = synthetic_kb(args.entries, load_knowledge_base(ROOT / "data"))
    for run in range(1, args.repeat + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        Engine(kb)
        print(
            f"build {run}: {time.process_time() - cpu:.2f} s cpu, "
            f"{time.perf_counter() - wall:.2f} s wall, {len(kb)} entries"
        )


if __name__ == "__main__":
    main()

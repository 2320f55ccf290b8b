"""Benchmark the answer engine against two anchors on the shipped and synthetic knowledge bases.

Usage: python benchmarks/bench_engine.py [--sizes shipped,10000,100000] [--questions 300]

Each (knowledge base, method) pair runs in its own child process pinned to one core, so peak
memory (ru_maxrss) is that method's alone. Prints a Markdown table; docs/performance.md keeps one.
Anchors: rapidfuzz.process.extractOne over each entry's full text, and a bm25s BM25 index
(pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core import Engine, Entry, KnowledgeBase, MatchSettings, Source, load_knowledge_base  # noqa: E402
from bot.core.text import words  # noqa: E402
from bot.gc_tuning import settle_garbage_collection  # noqa: E402

METHODS = ("engine", "extractone", "bm25s")
SEED = 20261123


def synthetic_kb(size: int, shipped: KnowledgeBase) -> KnowledgeBase:
    """A knowledge base of `size` entries whose words follow the shipped base's vocabulary
    plus made-up words, Zipf-distributed, so postings lists look like a real large base's."""
    rng = random.Random(SEED)
    real = sorted({w for e in shipped.entries for w in words(e.title + " " + e.text)})
    syllables = ["ka", "ro", "mi", "tel", "san", "vor", "lin", "dra", "pe", "qua", "zor", "bel"]
    made_up = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(40_000)
    }
    vocab = real + sorted(made_up)
    rng.shuffle(vocab)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    source = Source("synthetic", "Synthetic", "article")
    entries = []
    for number in range(size):
        title = " ".join(rng.choices(vocab, weights, k=rng.randint(3, 7))).capitalize()
        text = " ".join(rng.choices(vocab, weights, k=rng.randint(30, 120))) + "."
        entries.append(Entry(f"syn-{number}", title, text, source))
    return KnowledgeBase([*shipped.entries, *entries], shipped.glossary, domains=shipped.domains)


def questions_for(kb: KnowledgeBase, count: int) -> list[str]:
    """Real-looking questions: titles with typos and filler, and some out-of-scope ones."""
    rng = random.Random(SEED + 1)
    out = []
    for _ in range(count):
        entry = rng.choice(kb.entries)
        text = list(entry.title.lower())
        if len(text) > 6 and rng.random() < 0.5:
            del text[rng.randrange(len(text))]
        prefix = rng.choice(["", "hey, ", "quick question: what about ", "who is "])
        question = prefix + "".join(text)
        if rng.random() < 0.3:  # the way people chat: a story around the question
            question = f"omg just rewatched it 😭 {question}?? loved chapter 4 btw lol"
        out.append(question)
    out += [
        "who directed inception",
        "what's the plot of titanic",
        "when does the next marvel movie come out",
    ] * max(1, count // 30)
    return out


def run_one(size: str, method: str, count: int) -> dict[str, float | int | str]:
    """Build one index, answer `count` questions, report timings and peak memory."""
    with contextlib.suppress(AttributeError, OSError):  # pin to one core where we can
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    shipped = load_knowledge_base(ROOT / "data")
    kb = shipped if size == "shipped" else synthetic_kb(int(size), shipped)
    questions = questions_for(kb, count)
    start = time.perf_counter()
    start_cpu = time.process_time()
    if method == "engine":
        engine = Engine(kb, MatchSettings(cache_size=0))  # measure matching, not the cache
        ask = engine.ask
    elif method == "extractone":
        from rapidfuzz import fuzz, process, utils

        texts = [utils.default_process(f"{e.title} {e.text}") for e in kb.entries]

        def ask(question: str) -> object:
            return process.extractOne(
                utils.default_process(question), texts, scorer=fuzz.WRatio, processor=None
            )
    else:
        import bm25s

        corpus = [f"{e.title} {e.text}" for e in kb.entries]
        retriever = bm25s.BM25()
        retriever.index(
            bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False
        )

        def ask(question: str) -> object:
            tokens = bm25s.tokenize([question], stopwords="en", show_progress=False)
            return retriever.retrieve(tokens, k=1, show_progress=False, n_threads=1)

    build = time.perf_counter() - start
    build_cpu = time.process_time() - start_cpu
    # As `python -m bot run` does once loaded: otherwise a full collection walking the 100k
    # index lands in one question's time (~100 ms) and measures the collector, not the method.
    settle_garbage_collection()
    warm = min(len(questions), 20)
    for question in questions[:warm]:
        ask(question)
    latencies = []
    cpu = []  # CPU time of this thread: what the method costs, whatever else the machine runs
    budget = time.perf_counter() + 60  # the slow anchor would take hours at 100,000 entries
    for question in questions:
        t = time.perf_counter()
        c = time.thread_time()
        ask(question)
        cpu.append((time.thread_time() - c) * 1000)
        latencies.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() > budget and len(latencies) >= 20:
            break
    latencies.sort()
    cpu.sort()
    extra: dict[str, float] = {}
    if method == "engine":
        extra = chat_costs(engine)
    return {
        **extra,
        "kb": size,
        "entries": len(kb),
        "method": method,
        "build_s": round(build, 3),
        "build_cpu_s": round(build_cpu, 3),
        "median_ms": round(statistics.median(latencies), 3),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 3),
        "cpu_median_ms": round(statistics.median(cpu), 3),
        "cpu_p99_ms": round(cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))], 3),
        "questions": len(latencies),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


NOT_QUESTIONS = (
    "lol same",
    "gm everyone 🌞",
    (
        "that fight scene was unreal, honestly the best thing I saw all year and I keep thinking "
        "about the choreography and the music and the way the camera moves through the room "
    )
    * 9,
)


def chat_costs(engine: Engine) -> dict[str, float]:
    """Median ms to tell that a message asks nothing, and to clean 16,000 newlines."""
    from bot.core.reading import asks_something
    from bot.core.text import clean_question

    nothing = []
    for _ in range(300):
        for message in NOT_QUESTIONS:
            t = time.perf_counter()
            asks_something(message)
            nothing.append((time.perf_counter() - t) * 1000)
    newlines = []
    for _ in range(5):
        t = time.perf_counter()
        clean_question("\n" * 16_000, 4000)
        newlines.append((time.perf_counter() - t) * 1000)
    return {
        "asks_nothing_median_ms": round(statistics.median(nothing), 4),
        "clean_newlines_ms": round(statistics.median(newlines), 2),
    }


def main() -> None:
    """Run every (size, method) pair in a child process and print a table with ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="shipped,10000,100000")
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "METHOD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child[0], args.child[1], args.questions)))
        return
    rows = []
    for size in args.sizes.split(","):
        for method in args.methods.split(","):
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--questions",
                    str(args.questions),
                    "--child",
                    size,
                    method,
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
            )
            if done.returncode != 0:
                print(f"{size} {method}: failed\n{done.stderr[-800:]}", file=sys.stderr)
                continue
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    columns = [
        "knowledge base",
        "entries",
        "method",
        "build s (cpu s)",
        "median ms",
        "p99 ms",
        "cpu median ms",
        "cpu p99 ms",
        "peak MB",
    ]
    print("| " + " | ".join([*columns, "cpu p99 vs engine"]) + " |")
    print("|" + "|".join(["---"] * 3 + ["---:"] * (len(columns) - 2)) + "|")
    for row in rows:
        engine = next(r for r in rows if r["kb"] == row["kb"] and r["method"] == "engine")
        ratio = float(row["cpu_p99_ms"]) / max(float(engine["cpu_p99_ms"]), 1e-9)
        print(
            f"| {row['kb']} | {row['entries']} | {row['method']} | "
            f"{row['build_s']} ({row['build_cpu_s']}) | "
            f"{row['median_ms']} | {row['p99_ms']} | {row['cpu_median_ms']} | "
            f"{row['cpu_p99_ms']} | {row['peak_mb']} | {ratio:.1f}× |"
        )
    print()
    print(
        "| knowledge base | a message that asks nothing, median ms | 16,000 newlines cleaned, ms |"
    )
    print("|---|---:|---:|")
    for row in rows:
        if row["method"] == "engine":
            print(f"| {row['kb']} | {row['asks_nothing_median_ms']} | {row['clean_newlines_ms']} |")


if __name__ == "__main__":
    main()

"""How the process's garbage collector is set once the knowledge base is loaded.

Its own module, free of discord, so that the engine benchmark measures the engine under the
same collector settings as the running bot.
"""

from __future__ import annotations

import gc

GC_YOUNG_THRESHOLD = 7000  # allocations between young-generation collections (default 700)


def settle_garbage_collection() -> None:
    """Keep the garbage collector's pauses small and rare while the bot answers.

    What is loaded at start (the knowledge base and its index, discord.py and the other
    libraries) lives as long as the process, yet every full collection would walk it again:
    freezing it leaves only what answering creates. Each question allocates thousands of
    short-lived objects, so young collections every 700 allocations (the default) run a dozen
    times a question and promote whatever is in flight: a larger young generation makes them
    rarer and lets most of it die young. Measured with benchmarks/bench_load.py: about 30%
    more answers a second in a burst and shorter latency tails (docs/performance.md, "Load").
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])

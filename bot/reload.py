"""Hot reload of the knowledge base: `/concierge reload`, SIGHUP, or a watcher polling `data/`.

A reload builds the new knowledge base and its engine in a worker thread, so the bot keeps
answering meanwhile. Any problem (every one the loader found, each with its file, entry and
field), or a base with no entries, and the old base stays in service untouched. Otherwise the
bot swaps both in one synchronous step: an answer is computed in one go from whichever base was
current when it started, so answers in flight finish on the old base and the next question gets
the new one. Reloads run one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.core import Engine, KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from bot.core.errors import Problem
from bot.core.model import MatchSettings
from bot.metrics import Metrics

log = logging.getLogger(__name__)

Snapshot = tuple[tuple[str, int, int], ...]
Builder = Callable[[Path, MatchSettings], tuple[KnowledgeBase, Engine]]


class KnowledgeHolder(Protocol):
    """What a reload swaps the knowledge base of (the bot)."""

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base being served."""
        ...

    @property
    def match_settings(self) -> MatchSettings:
        """The settings a new engine is built with."""
        ...

    def swap_knowledge(self, kb: KnowledgeBase, engine: Engine) -> None:
        """Serve `kb` with `engine` from now on."""
        ...


@dataclass(frozen=True, slots=True)
class ReloadResult:
    """What a reload did: swapped in a new base, or kept the old one because of `problems`."""

    ok: bool
    trigger: str
    entries: int
    previous: int
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0


def build_knowledge(data_dir: Path, match: MatchSettings) -> tuple[KnowledgeBase, Engine]:
    """Load and index `data_dir`; KnowledgeBaseError with every problem, or if it is empty."""
    kb = load_knowledge_base(data_dir)
    if not kb.entries:
        raise KnowledgeBaseError(
            [Problem(str(data_dir), "the knowledge base has no entries; keeping the old one")]
        )
    return kb, Engine(kb, match)


def snapshot(data_dir: Path) -> Snapshot:
    """(path, mtime, size) of every file under `data_dir`, hidden and backup files left out."""
    found: list[tuple[str, int, int]] = []
    try:
        paths = sorted(data_dir.rglob("*"))
    except OSError:
        return ()
    for path in paths:
        name = path.name
        if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
            continue
        try:
            if not path.is_file():
                continue
            info = path.stat()
        except OSError:
            continue
        found.append((str(path.relative_to(data_dir)), info.st_mtime_ns, info.st_size))
    return tuple(found)


class Reloader:
    """Reloads one bot's knowledge base from `data_dir`, one reload at a time."""

    def __init__(
        self,
        holder: KnowledgeHolder,
        data_dir: Path,
        metrics: Metrics,
        *,
        build: Builder = build_knowledge,
    ) -> None:
        """Nothing happens until `reload`, `request` or `watch`."""
        self.holder = holder
        self.data_dir = data_dir
        self._metrics = metrics
        self._build = build
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[ReloadResult | None]] = set()
        self._watcher: asyncio.Task[None] | None = None

    async def reload(self, trigger: str) -> ReloadResult:
        """Validate and swap in `data_dir`, or keep the old base and report every problem."""
        async with self._lock:
            started = time.perf_counter()
            previous = len(self.holder.kb.entries)
            try:
                kb, engine = await asyncio.to_thread(
                    self._build, self.data_dir, self.holder.match_settings
                )
            except KnowledgeBaseError as error:
                problems = error.problems
            except Exception as error:
                log.exception("reload (%s) failed unexpectedly", trigger)
                problems = (Problem(str(self.data_dir), f"cannot load: {error}"),)
            else:
                self.holder.swap_knowledge(kb, engine)
                seconds = time.perf_counter() - started
                self._metrics.reloads.labels("ok").inc()
                log.info(
                    "reloaded the knowledge base (%s): %d entries, was %d, in %.2f s",
                    trigger,
                    len(kb.entries),
                    previous,
                    seconds,
                )
                return ReloadResult(True, trigger, len(kb.entries), previous, seconds=seconds)
            self._metrics.reloads.labels("failed").inc()
            log.error(
                "reload (%s) refused: %d problem(s); still serving the previous %d entries",
                trigger,
                len(problems),
                previous,
            )
            for problem in problems:
                log.error("  %s", problem)
            seconds = time.perf_counter() - started
            return ReloadResult(False, trigger, previous, previous, tuple(problems), seconds)

    def request(self, trigger: str) -> None:
        """Reload in the background (for a signal handler); the result is logged."""
        task = asyncio.create_task(self._logged(trigger))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _logged(self, trigger: str) -> ReloadResult | None:
        try:
            return await self.reload(trigger)
        except Exception:
            log.exception("reload (%s) crashed", trigger)
            return None

    def watch(self, interval: float) -> None:
        """Poll `data_dir` every `interval` seconds and reload once changes have settled."""
        if self._watcher is None:
            self._watcher = asyncio.create_task(self._watch(interval))
            log.info("watching %s for changes every %.1f s", self.data_dir, interval)

    async def _watch(self, interval: float) -> None:
        seen = await asyncio.to_thread(snapshot, self.data_dir)
        while True:
            await asyncio.sleep(interval)
            current = await asyncio.to_thread(snapshot, self.data_dir)
            if current == seen:
                continue
            # Editors and `git pull` write files in several steps: wait until nothing moves.
            while True:
                await asyncio.sleep(interval)
                later = await asyncio.to_thread(snapshot, self.data_dir)
                if later == current:
                    break
                current = later
            seen = current
            await self._logged("file change")

    async def close(self) -> None:
        """Stop watching and wait for background reloads; safe to call twice."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

"""Between the bot and its store: a record never holds up an answer, nor can a store fail one.

- `question()` is called after the answer has been sent; it queues the record and returns at once.
  One background writer takes what has queued up in batches: a store that can
  (`SqlStore.record_questions`) writes a batch in one transaction, any other one record at a
  time. If the store is missing, down, full or too far behind, the record is dropped and counted
  (`concierge_records_dropped` / `concierge_errors{where="store"}`). The log says so without a
  flood (`bot.storage.outage`): one line when the store starts failing, a summary a minute, one
  line when it works again; while it is behind, one warning every DROPPED_WARNING_SECONDS.
- `vote()` is awaited: the caller acknowledges a vote only after it is committed, so a vote a
  person was thanked for survives a crash. It raises `StoreUnavailable` when it cannot commit.
- The store is opened at start (the bot waits for it a moment, never longer); if that fails it is
  retried in the background with backoff, and the bot answers questions all the while. Old rows
  are purged once the store is open, and then hourly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from bot.metrics import Metrics
from bot.storage import (
    AskedQuestion,
    Gap,
    Stats,
    Store,
    StoreUnavailable,
    Vote,
    VoteChange,
    utcnow,
)
from bot.storage.outage import OutageLog, failure_reason

log = logging.getLogger(__name__)

StoreOpener = Callable[[], Awaitable[Store]]
T = TypeVar("T")

MAX_PENDING = 1000
BATCH_MAX = 500
DROPPED_WARNING_SECONDS = 10.0
PURGE_EVERY_SECONDS = 3600.0
RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 60.0
OPEN_WAIT_SECONDS = 3.0
CLOSE_TIMEOUT_SECONDS = 5.0


class Recorder:
    """Records questions in the background and votes in the foreground, on one store."""

    def __init__(
        self,
        store: Store | None,
        metrics: Metrics,
        *,
        opener: StoreOpener | None = None,
        retention_days: int = 90,
    ) -> None:
        """Use `store` (the caller closes it), else open one with `opener` on `start`.

        A store the recorder opened, it closes on `close`. With neither, nothing is recorded.
        """
        self._store = store
        self._owns_store = store is None
        self._opener = opener
        self._metrics = metrics
        self._retention = timedelta(days=retention_days)
        self._queue: list[AskedQuestion] = []
        self._writing = 0
        self._writer: asyncio.Task[None] | None = None
        self._loops: list[asyncio.Task[None]] = []
        self._closed = False
        self._unreported_drops = 0
        self._drops_reported_at = float("-inf")
        self._outage = OutageLog(log)

    @property
    def store(self) -> Store | None:
        """The open store, or None while there is none."""
        return self._store

    @property
    def pending(self) -> int:
        """Records queued or being written."""
        return len(self._queue) + self._writing

    async def start(self) -> None:
        """Open the store and purge expired rows, now and then hourly.

        Start-up waits OPEN_WAIT_SECONDS at most for the store; after that it is opened in the
        background, retried with backoff until it works.
        """
        if self._store is None and self._opener is not None:
            connecting = asyncio.create_task(self._connect_loop())
            self._loops.append(connecting)
            await asyncio.wait({connecting}, timeout=OPEN_WAIT_SECONDS)
        elif self._store is not None:
            await self.purge()
        if self._store is not None or self._opener is not None:
            self._loops.append(asyncio.create_task(self._purge_loop()))

    async def _connect_loop(self) -> None:
        assert self._opener is not None  # noqa: S101 - started only with an opener
        delay = RETRY_FIRST_SECONDS
        failures = 0
        reported_at = 0.0
        while self._store is None:
            try:
                store = await self._opener()
            except Exception as error:
                failures += 1
                self._metrics.error("store")
                if failures == 1:
                    reported_at = time.monotonic()
                    log.error(
                        "cannot open the store (%s); answering without recording, and trying "
                        "again in %.0f s, then less and less often (up to every %.0f s)",
                        failure_reason(error),
                        delay,
                        RETRY_MAX_SECONDS,
                    )
                elif time.monotonic() - reported_at >= RETRY_MAX_SECONDS:
                    reported_at = time.monotonic()
                    log.warning(
                        "still cannot open the store after %d tries (%s); next try in %.0f s",
                        failures,
                        failure_reason(error),
                        delay,
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
                continue
            if self._closed:
                await store.close()
                return
            self._store = store
            if failures:
                log.info("the store is open: recording questions and votes again")
            await self.purge()

    async def _purge_loop(self) -> None:
        while True:
            await asyncio.sleep(PURGE_EVERY_SECONDS)
            await self.purge()

    async def purge(self) -> int:
        """Delete rows older than the retention period; 0 (logged) if the store fails."""
        store = self._store
        if store is None:
            return 0
        try:
            removed = await store.purge(before=utcnow() - self._retention)
        except Exception as error:
            self._outage.failed("purge", error)
            self._metrics.error("store")
            return 0
        self._outage.succeeded()
        if removed:
            log.info("deleted %d records older than %s", removed, self._retention)
        return removed

    def question(self, question: AskedQuestion) -> None:
        """Record a question in the background; never raises, never waits."""
        if self._store is None or self._closed:
            self._metrics.records_dropped.inc()
            return
        if self.pending >= MAX_PENDING:
            self._dropped_behind()
            return
        self._queue.append(question)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_queued())

    def _dropped_behind(self) -> None:
        """Count a record dropped for a store too far behind; warn once an interval at most."""
        self._metrics.records_dropped.inc()
        self._unreported_drops += 1
        if time.monotonic() - self._drops_reported_at >= DROPPED_WARNING_SECONDS:
            self._report_drops()

    def _report_drops(self) -> None:
        if not self._unreported_drops:
            return
        log.warning(
            "the store fell %d records behind: dropped %d records since the last warning "
            "(one warning every %.0f s at most)",
            MAX_PENDING,
            self._unreported_drops,
            DROPPED_WARNING_SECONDS,
        )
        self._unreported_drops = 0
        self._drops_reported_at = time.monotonic()

    async def _write_queued(self) -> None:
        """Write what has queued up, in batches, until the queue is empty."""
        try:
            while self._queue:
                batch, self._queue = self._queue[:BATCH_MAX], self._queue[BATCH_MAX:]
                self._writing = len(batch)
                try:
                    await self._write(batch)
                finally:
                    self._writing = 0
            self._report_drops()
        finally:
            self._writer = None

    async def _write(self, batch: Sequence[AskedQuestion]) -> None:
        store = self._store
        if store is None:
            self._metrics.records_dropped.inc(len(batch))
            return
        record_many = getattr(store, "record_questions", None)
        if record_many is None:
            for question in batch:
                await self._try(store.record_question(question), 1)
        else:
            await self._try(record_many(batch), len(batch))

    async def _try(self, write: Awaitable[None], records: int) -> None:
        try:
            await write
        except Exception as error:
            self._outage.failed("question", error, records)
            self._metrics.error("store")
            self._metrics.records_dropped.inc(records)
            return
        self._outage.succeeded()

    async def vote(self, vote: Vote) -> VoteChange:
        """Store a vote and return once it is committed; StoreUnavailable if it cannot be."""
        change = await self._call(lambda store: store.record_vote(vote), "vote")
        self._metrics.votes.labels("helpful" if vote.helpful else "not_helpful").inc()
        return change

    async def gaps(self, *, guild_id: int | None, limit: int, offset: int) -> tuple[list[Gap], int]:
        """One page of gaps and how many there are in all."""

        async def page(store: Store) -> tuple[list[Gap], int]:
            found = await store.gaps(guild_id=guild_id, limit=limit, offset=offset)
            return found, await store.count_gaps(guild_id=guild_id)

        return await self._call(page, "read")

    async def stats(self, *, guild_id: int | None) -> Stats:
        """Questions by outcome and feedback per entry."""
        return await self._call(lambda store: store.stats(guild_id=guild_id), "read")

    async def _call(self, action: Callable[[Store], Awaitable[T]], kind: str) -> T:
        store = self._store
        if store is None:
            raise StoreUnavailable("the store is not open")
        try:
            result = await action(store)
        except Exception as error:
            self._outage.failed(kind, error)
            self._metrics.error("store")
            raise StoreUnavailable(failure_reason(error)) from error
        self._outage.succeeded()
        return result

    async def drain(self, timeout: float = CLOSE_TIMEOUT_SECONDS) -> None:
        """Wait (up to `timeout`) for the records queued and being written."""
        if self._writer is not None:
            await asyncio.wait({self._writer}, timeout=timeout)

    async def close(self) -> None:
        """Stop the loops, finish pending records (briefly), close the store; safe twice."""
        self._closed = True
        for loop in self._loops:
            loop.cancel()
        for loop in self._loops:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await loop
        self._loops.clear()
        await self.drain()
        writer, unwritten = self._writer, self.pending
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
        if unwritten:
            self._metrics.records_dropped.inc(unwritten)
            self._queue.clear()
        self._report_drops()
        store, self._store = self._store, None
        if store is not None and self._owns_store:
            try:
                await store.close()
            except Exception as error:
                log.warning("could not close the store cleanly: %s", error)

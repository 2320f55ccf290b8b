"""Prometheus metrics for one bot process, served as text at `/metrics` by the health endpoint.

Each bot owns a `Metrics` with its own registry (no process-wide singletons, so tests and several
bots in one process never share counters). Questions are counted by channel type and outcome
(answered, suggested, abstained); answer latency is a histogram from the moment a question
arrives to the moment its answer is sent; gateway latency, connection state and the size of the
knowledge base are read from the bot at each scrape.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    import discord

__all__ = ["CONTENT_TYPE", "Metrics", "channel_type"]

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Observed(Protocol):
    """What the scrape-time collector reads from the bot."""

    def gateway_latencies(self) -> list[tuple[int, float]]:
        """(shard id, heartbeat latency in seconds) for each shard this process runs."""
        ...

    def is_healthy(self) -> bool:
        """Gateway connected and knowledge loaded."""
        ...

    def knowledge_size(self) -> int:
        """Entries in the knowledge base being served."""
        ...


def channel_type(channel: object) -> str:
    """A short, bounded label for where a question was asked: dm, text, public_thread, ..."""
    kind = getattr(channel, "type", None)
    name = getattr(kind, "name", None)
    if name == "private":
        return "dm"
    if name == "group":
        return "group_dm"
    return str(name) if name else "unknown"


class _BotCollector(Collector):
    def __init__(self, bot: Observed) -> None:
        self._bot = bot

    def collect(self) -> Iterator[Metric]:
        latency = GaugeMetricFamily(
            "concierge_gateway_latency_seconds",
            "Time between a gateway heartbeat and its acknowledgement, per shard",
            labels=["shard"],
        )
        for shard, seconds in self._bot.gateway_latencies():
            if math.isfinite(seconds):
                latency.add_metric([str(shard)], seconds)
        yield latency
        yield GaugeMetricFamily(
            "concierge_healthy",
            "1 while the gateway is connected and the knowledge base is loaded, else 0",
            value=1.0 if self._bot.is_healthy() else 0.0,
        )
        yield GaugeMetricFamily(
            "concierge_knowledge_entries",
            "Entries in the knowledge base being served",
            value=float(self._bot.knowledge_size()),
        )


class Metrics:
    """The counters and histograms of one bot process."""

    def __init__(self) -> None:
        """Make a fresh registry with every metric at zero."""
        self.registry = CollectorRegistry(auto_describe=True)
        self.questions = Counter(
            "concierge_questions",
            "Questions received, by channel type and outcome (answered, suggested, abstained)",
            ["channel_type", "outcome"],
            registry=self.registry,
        )
        self.answer_latency = Histogram(
            "concierge_answer_latency_seconds",
            "Time from receiving a question to sending its answer",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.reloads = Counter(
            "concierge_reloads",
            "Knowledge base reloads, by result (ok: swapped in; failed: old base kept)",
            ["result"],
            registry=self.registry,
        )
        self.errors = Counter(
            "concierge_errors",
            "Errors, by where they happened (command, component, event, store)",
            ["where"],
            registry=self.registry,
        )
        self.votes = Counter(
            "concierge_votes",
            "Answer votes stored, by vote (helpful, not_helpful)",
            ["vote"],
            registry=self.registry,
        )
        self.records_dropped = Counter(
            "concierge_records_dropped",
            "Questions not recorded because the store was down, failing or behind",
            registry=self.registry,
        )
        for result in ("ok", "failed"):
            self.reloads.labels(result)
        for where in ("command", "component", "event", "store"):
            self.errors.labels(where)
        self._observed: _BotCollector | None = None
        # Labelled children, looked up once each: `labels()` costs more than the increment.
        self._question_counters: dict[tuple[str, str], Any] = {}

    def observe(self, bot: Observed) -> None:
        """Read gateway latency, health and knowledge size from `bot` at every scrape."""
        if self._observed is not None:
            self.registry.unregister(self._observed)
        self._observed = _BotCollector(bot)
        self.registry.register(self._observed)

    def question(self, channel: str, outcome: str, seconds: float | None = None) -> None:
        """Count one question; `seconds` is how long its answer took, when one was sent."""
        counter = self._question_counters.get((channel, outcome))
        if counter is None:
            counter = self._question_counters[channel, outcome] = self.questions.labels(
                channel, outcome
            )
        counter.inc()
        if seconds is not None:
            self.answer_latency.observe(max(seconds, 0.0))

    def error(self, where: str) -> None:
        """Count one error."""
        self.errors.labels(where).inc()

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)


def gateway_latencies(bot: discord.Client) -> list[tuple[int, float]]:
    """(shard id, latency) pairs for a plain or an auto-sharded client."""
    latencies = getattr(bot, "latencies", None)
    if isinstance(latencies, list):
        return [(int(shard), float(seconds)) for shard, seconds in latencies]
    return [(int(bot.shard_id or 0), float(bot.latency))]

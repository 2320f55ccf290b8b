"""/metrics: Prometheus text from the health endpoint, with the bot's own registry."""

from __future__ import annotations

import asyncio
import math
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from bot.adapter.client import ConciergeBot
from bot.core import Engine, KnowledgeBase
from bot.health import HealthServer
from bot.metrics import Metrics, channel_type


class FakeBot:
    """What the scrape-time collector reads: per-shard latency, health, knowledge size."""

    def __init__(self, latencies: list[tuple[int, float]]) -> None:
        self.latencies = latencies
        self.healthy = True

    def gateway_latencies(self) -> list[tuple[int, float]]:
        return self.latencies

    def is_healthy(self) -> bool:
        return self.healthy

    def knowledge_size(self) -> int:
        return 42


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.render().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def fetch(url: str) -> tuple[int, str, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as response:
        return response.status, response.headers["Content-Type"], response.read().decode()


def test_every_metric_is_exposed_from_the_start():
    metrics = Metrics()
    metrics.observe(FakeBot([(0, 0.05)]))

    found = samples(metrics)

    assert found[("concierge_reloads_total", (("result", "ok"),))] == 0
    assert found[("concierge_reloads_total", (("result", "failed"),))] == 0
    assert found[("concierge_errors_total", (("where", "store"),))] == 0
    assert found[("concierge_gateway_latency_seconds", (("shard", "0"),))] == 0.05
    assert found[("concierge_healthy", ())] == 1
    assert found[("concierge_knowledge_entries", ())] == 42
    assert found[("concierge_answer_latency_seconds_count", ())] == 0


def test_questions_are_counted_by_channel_type_and_outcome_with_their_latency():
    metrics = Metrics()
    metrics.question("text", "answered", 0.02)
    metrics.question("text", "answered", 0.3)
    metrics.question("dm", "abstained", 0.01)

    found = samples(metrics)

    key = (("channel_type", "text"), ("outcome", "answered"))
    assert found[("concierge_questions_total", key)] == 2
    assert found[("concierge_answer_latency_seconds_count", ())] == 3
    assert found[("concierge_answer_latency_seconds_bucket", (("le", "0.025"),))] == 2


def test_each_shard_reports_its_latency_and_unknown_latency_is_left_out():
    metrics = Metrics()
    metrics.observe(FakeBot([(0, 0.04), (1, 0.09), (2, math.nan)]))

    found = samples(metrics)

    assert found[("concierge_gateway_latency_seconds", (("shard", "1"),))] == 0.09
    assert ("concierge_gateway_latency_seconds", (("shard", "2"),)) not in found


def test_channel_types_have_short_bounded_names():
    class Channel:
        def __init__(self, name: str) -> None:
            self.type = type("Kind", (), {"name": name})()

    assert channel_type(Channel("private")) == "dm"
    assert channel_type(Channel("public_thread")) == "public_thread"
    assert channel_type(object()) == "unknown"


async def test_the_health_endpoint_serves_metrics_as_prometheus_text():
    metrics = Metrics()
    metrics.question("text", "suggested", 0.1)
    server = HealthServer("127.0.0.1:0", lambda: True, metrics=metrics.render)
    await server.start()
    try:
        url = server.url.replace("/healthz", "/metrics")
        status, content_type, body = await asyncio.to_thread(fetch, url)
    finally:
        await server.stop()

    assert status == 200
    assert content_type.startswith("text/plain; version=")
    assert 'concierge_questions_total{channel_type="text",outcome="suggested"} 1.0' in body


async def test_each_bot_has_its_own_registry_reading_its_own_state(settings, kb: KnowledgeBase):
    first = ConciergeBot(settings, kb, Engine(kb))
    second = ConciergeBot(settings, kb, Engine(kb))
    first.metrics.question("text", "answered", 0.1)

    assert (
        samples(second.metrics).get(
            ("concierge_questions_total", (("channel_type", "text"), ("outcome", "answered")))
        )
        is None
    )
    found = samples(first.metrics)
    assert found[("concierge_healthy", ())] == 0  # never connected
    assert found[("concierge_knowledge_entries", ())] == len(kb.entries)

"""A tiny HTTP health endpoint: `GET /healthz` answers 200 "ok" while the bot is healthy, else 503.

The Discord adapter starts it with a callable that reports whether the gateway is connected and
the knowledge base loaded; the container's HEALTHCHECK (`python -m bot health`) asks it. Given a
metrics callable, it also serves `GET /metrics` (Prometheus text) from the same address.

Every answer of `/healthz` carries the `X-Concierge-Health` header, so that `python -m bot health`
can tell the bot from another program on the same port; a 503 says since when (UTC, ISO 8601) in
`X-Concierge-Unhealthy-Since` and in its text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import web

from bot.config import split_address
from bot.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
HEALTH_HEADER = "X-Concierge-Health"
SINCE_HEADER = "X-Concierge-Unhealthy-Since"


class HealthServer:
    """Serves `GET /healthz` on `address` (HOST:PORT; port 0 picks a free one, see `port`)."""

    def __init__(
        self,
        address: str,
        is_healthy: Callable[[], bool],
        *,
        metrics: Callable[[], bytes] | None = None,
        unhealthy_since: Callable[[], float | None] | None = None,
    ) -> None:
        """Remember where to listen and whom to ask; nothing listens until `start`.

        `unhealthy_since` gives the time (time.time()) since which the bot has been unhealthy.
        """
        self.host, self._port = split_address(address)
        self._is_healthy = is_healthy
        self._metrics = metrics
        self._unhealthy_since = unhealthy_since
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The port listened on (the real one once started, even when 0 was asked for)."""
        return self._port

    @property
    def url(self) -> str:
        """The health URL, for logs and tests."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}{HEALTH_PATH}"

    async def _healthz(self, request: web.Request) -> web.Response:
        try:
            healthy = bool(self._is_healthy())
        except Exception:
            log.exception("health check callback failed")
            healthy = False
        if healthy:
            return web.Response(text="ok\n", headers={HEALTH_HEADER: "ok"})
        headers = {HEALTH_HEADER: "unhealthy"}
        text = "unhealthy: not connected to Discord"
        since = self._since()
        if since is not None:
            headers[SINCE_HEADER] = since
            text += f" since {since}"
        return web.Response(status=503, text=text + "\n", headers=headers)

    def _since(self) -> str | None:
        if self._unhealthy_since is None:
            return None
        try:
            since = self._unhealthy_since()
        except Exception:
            log.exception("health check callback failed")
            return None
        if since is None:
            return None
        return datetime.fromtimestamp(since, tz=UTC).isoformat(timespec="seconds")

    async def _metrics_text(self, request: web.Request) -> web.Response:
        assert self._metrics is not None  # noqa: S101 - the route exists only with a callable
        try:
            body = self._metrics()
        except Exception:
            log.exception("rendering the metrics failed")
            return web.Response(status=500, text="metrics failed\n")
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    async def start(self) -> None:
        """Start listening; raises OSError if the address is taken."""
        if self._runner is not None:
            return
        app = web.Application()
        app.router.add_get(HEALTH_PATH, self._healthz)
        if self._metrics is not None:
            app.router.add_get(METRICS_PATH, self._metrics_text)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        if runner.addresses:
            self._port = int(runner.addresses[0][1])
        log.info("health endpoint listening on %s", self.url)

    async def stop(self) -> None:
        """Stop listening; safe to call twice or before start."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

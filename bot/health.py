"""A tiny HTTP health endpoint: `GET /healthz` answers 200 "ok" while the bot is healthy, else 503.

The Discord adapter starts it with a callable that reports whether the gateway is connected and
the knowledge base loaded; the container's HEALTHCHECK (`python -m bot health`) asks it. Given a
metrics callable, it also serves `GET /metrics` (Prometheus text) from the same address.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web

from bot.config import split_address
from bot.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


class HealthServer:
    """Serves `GET /healthz` on `address` (HOST:PORT; port 0 picks a free one, see `port`)."""

    def __init__(
        self,
        address: str,
        is_healthy: Callable[[], bool],
        *,
        metrics: Callable[[], bytes] | None = None,
    ) -> None:
        """Remember where to listen and whom to ask; nothing listens until `start`."""
        self.host, self._port = split_address(address)
        self._is_healthy = is_healthy
        self._metrics = metrics
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
            return web.Response(text="ok\n")
        return web.Response(status=503, text="unhealthy\n")

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

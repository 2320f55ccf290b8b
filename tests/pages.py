"""A loopback web server for ingest tests: pages, redirects, errors and a slow page, no internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None
    delay: float = 0.0  # seconds before the answer
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Site:
    """The running server: its base address, its routes, and the requests it saw."""

    base: str
    routes: dict[str, Route]
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        """The address of `path` on this server."""
        return f"{self.base}{path}"


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Site]:
    """Serve `routes` on 127.0.0.1 in a thread for the duration of the block."""
    site = Site("", routes)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.seen.append((self.path, dict(self.headers.items())))
            route = site.routes.get(self.path)
            if route is None:
                route = Route(b"<h1>Not found</h1>", status=404)
            if route.delay:
                time.sleep(route.delay)
            try:
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                if route.location:
                    self.send_header("Location", route.location)
                self.send_header("Content-Length", str(len(route.body)))
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first, as a timeout test wants

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()

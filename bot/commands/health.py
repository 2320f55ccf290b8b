"""`python -m bot health`: ask the running bot's health endpoint; exit 0 when healthy, else 1.

This is the container's HEALTHCHECK. The address comes from --address, else from the settings
(`health.address`, overridable with CONCIERGE_HEALTH_ADDRESS).
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bot.config import ConfigError, load_settings, split_address
from bot.health import HEALTH_HEADER, HEALTH_PATH, SINCE_HEADER

HELP = "check the running bot's health endpoint (exit 0 when connected to Discord)"
TIMEOUT_SECONDS = 3.0
# A server listening on every interface is asked on loopback.
_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare --address."""
    parser.add_argument(
        "--address",
        metavar="HOST:PORT",
        help="where the bot serves /healthz (default: from config)",
    )


def health_url(address: str) -> str:
    """The /healthz URL for a HOST:PORT address; ValueError if it is not one."""
    host, port = split_address(address)
    host = _LOOPBACK.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{HEALTH_PATH}"


def check(url: str, timeout: float = TIMEOUT_SECONDS) -> tuple[bool, str]:
    """GET the URL: (True, "ok") when the bot answers healthy, else (False, why, in words)."""
    address = urllib.parse.urlsplit(url).netloc
    same = "is health.address the same as the bot's?"
    # Never through a proxy: the endpoint is local, and HTTP_PROXY may be set for Discord's sake.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        # The URL is built by health_url from a validated HOST:PORT with the http scheme.
        with opener.open(url, timeout=timeout) as response:
            status, headers = int(response.status), response.headers
    except urllib.error.HTTPError as error:
        status, headers = error.code, error.headers
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, ConnectionRefusedError):
            return False, f"no bot is answering on {address}: is it running? {same}"
        if isinstance(reason, TimeoutError):
            return False, (
                f"nothing answered on {address} within {timeout:.0f} s: is the bot stuck, "
                f"or another program listening there? {same}"
            )
        return False, f"cannot reach {address} ({reason}): is the bot running? {same}"
    if headers.get(HEALTH_HEADER) is None:
        return False, (
            f"another program answers on {address} (HTTP {status}), not the bot's health "
            f"endpoint: {same}"
        )
    if status == 200:
        return True, "ok"
    if status == 503:
        since = describe_since(headers.get(SINCE_HEADER))
        return False, f"the bot is running but not connected to Discord{since}"
    return False, f"the bot's health endpoint on {address} answered HTTP {status}"


def describe_since(stamp: str | None, now: datetime | None = None) -> str:
    """` (since 2026-12-02 13:05:07 UTC, 42 s ago)` from an ISO time, or "" if there is none."""
    if not stamp:
        return ""
    try:
        since = datetime.fromisoformat(stamp)
    except ValueError:
        return ""
    seconds = max(0, int(((now or datetime.now(UTC)) - since).total_seconds()))
    ago = f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"
    return f" (since {since.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, {ago} ago)"


def run(args: argparse.Namespace) -> int:
    """Print ok and return 0 when the endpoint answers 200; print why and return 1 otherwise."""
    address = args.address
    if address is None:
        config = getattr(args, "config", None)
        try:
            address = load_settings(Path(config) if config else None, os.environ).health.address
        except ConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        if not address:
            print("error: the health endpoint is off (health.address is empty)", file=sys.stderr)
            return 1
    try:
        url = health_url(address)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    healthy, message = check(url)
    print(message, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1

"""`python -m bot run`: connect to Discord and answer questions until SIGTERM or Ctrl-C.

Start-up order: settings, logging, token, knowledge base, then the gateway, so that every
configuration problem is reported clearly before any connection is made. The token is never
printed or logged (it is registered with the log redactor as soon as it is read).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import os
import re
import signal
import urllib.parse
from functools import partial
from pathlib import Path

import discord
import yarl

from bot.adapter.client import DRAIN_SECONDS, ConciergeBot, create_bot
from bot.commands._engine import data_dir_for, missing_data_dir
from bot.commands._failures import debugging, explain, report
from bot.config import ConfigError, Settings, env_name, load_settings, load_token
from bot.core import Engine, KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from bot.gc_tuning import settle_garbage_collection
from bot.health import HealthServer
from bot.logging_setup import configure_logging, protect_secret
from bot.storage import describe, open_store

HELP = "run the Discord bot until stopped (token from DISCORD_TOKEN or discord.token_file)"
API_VERSION = 10
LOGIN_TIMEOUT = 60.0  # seconds the HTTP log-in may take before the bot gives up
HEALTH_ADDRESS_ENV = env_name("health", "address")
OPEN_FILES_WITHOUT_LIMIT = 65536  # the soft limit asked for when the hard limit is unlimited

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare --data."""
    parser.add_argument("--data", help="knowledge base directory (default: from config, 'data')")


def use_discord_endpoints(api_base_url: str, gateway_url: str) -> None:
    """Point discord.py at another Discord-compatible HTTP API and gateway (a proxy, a fake).

    discord.py has no per-client option for this. Every REST URL, interaction responses and
    webhooks included, is `discord.http.Route.BASE` + path, and the first gateway connection goes
    to `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` (resumes use the URL the gateway sent
    in READY; an auto-sharded bot without a shard count asks `GET /gateway/bot` for it). These two
    class attributes are the library's own process-wide configuration, so this sets them once, at
    start, before any client exists; the bot class is not touched. `api_base_url` may end with
    `/api/v10` or be just the server (`http://proxy:8080`), which gets `/api/v10` added. Empty
    strings keep Discord's own endpoints.
    """
    if api_base_url:
        base = api_base_url.rstrip("/")
        if not re.search(r"/api/v\d+$", base):
            base = f"{base}/api/v{API_VERSION}"
        discord.http.Route.BASE = base
        log.info("using the Discord HTTP API at %s", base)
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        log.info("using the Discord gateway at %s", gateway_url)


def run(args: argparse.Namespace) -> int:
    """Start the bot; 0 after a clean stop, 2 for a configuration problem, 1 for anything else.

    Once logging is set up, every failure is reported through it (one JSON line in JSON mode).
    """
    config = getattr(args, "config", None)
    try:
        settings = load_settings(Path(config) if config else None, os.environ)
    except ConfigError as error:
        report(str(error), settings=None, debug=debugging(args, None))
        return 2
    configure_logging(settings.logging)
    debug = debugging(args, settings)
    try:
        token = load_token(settings, os.environ)
    except ConfigError as error:
        report(str(error), settings=settings, debug=debug)
        return 2
    protect_secret(token)
    if settings.storage.database_url:
        password = urllib.parse.urlsplit(settings.storage.database_url).password
        protect_secret(urllib.parse.unquote(password or ""))
        protect_secret(password or "")
    data_dir = data_dir_for(args, settings)
    kb = load_knowledge(args, settings, debug)
    if kb is None:
        return 1
    engine = Engine(kb, settings.answer)
    log.info("knowledge base %s loaded: %d entries", data_dir, len(kb.entries))
    use_discord_endpoints(settings.discord.api_base_url, settings.discord.gateway_url)
    raise_open_file_limit()
    settle_garbage_collection()
    return asyncio.run(serve(settings, kb, engine, token, data_dir, debug=debug))


def load_knowledge(
    args: argparse.Namespace, settings: Settings, debug: bool
) -> KnowledgeBase | None:
    """The knowledge base, or None after reporting why (through the log, as configured)."""
    missing = missing_data_dir(args, settings)
    if missing is not None:
        report(missing, settings=settings, debug=debug)
        return None
    data_dir = data_dir_for(args, settings)
    try:
        return load_knowledge_base(data_dir)
    except KnowledgeBaseError as error:
        report(f"{data_dir}: {error}", settings=settings, debug=debug)
        return None


def raise_open_file_limit() -> None:
    """Raise the soft limit on open files to the hard limit, and log it when it changes.

    Each connection to Discord is a file descriptor; systemd and many shells start services
    with a soft limit of 1024 while allowing far more. Raising it costs nothing, and with the
    bounded connection pool (`HTTP_CONNECTIONS_PER_HOST`) a burst cannot exhaust it.
    """
    try:
        import resource  # POSIX only: elsewhere there is no such limit to raise
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else OPEN_FILES_WITHOUT_LIMIT
    if soft == resource.RLIM_INFINITY or soft >= target:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as error:
        log.warning("could not raise the open files limit from %d: %s", soft, error)
        return
    log.info("raised the limit on open files from %d to %d (the hard limit)", soft, target)


async def serve(
    settings: Settings,
    kb: KnowledgeBase,
    engine: Engine,
    token: str,
    data_dir: Path | None = None,
    *,
    debug: bool = False,
) -> int:
    """Run the bot (and its health endpoint) until a signal asks us to stop; SIGHUP reloads."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)
    for number in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(number, stop.set)
    bot = create_bot(
        settings, kb, engine, data_dir=data_dir, store_opener=partial(open_store, settings.storage)
    )
    log.info("recording knowledge gaps and votes in %s", describe(settings.storage))
    hangup = getattr(signal, "SIGHUP", None)
    if hangup is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(hangup, bot.reloader.request, "SIGHUP")
            signals += (hangup,)
    address = settings.health.address
    health = (
        HealthServer(
            address, bot.is_healthy, metrics=bot.metrics.render, unhealthy_since=bot.unhealthy_since
        )
        if address
        else None
    )
    try:
        if health is not None:
            try:
                await health.start()
            except OSError as error:
                report(health_port_problem(address, error), settings=settings, debug=debug)
                return 1
        try:
            return await _run_until_stopped(bot, token, stop)
        except Exception as error:
            message = explain(error)
            if message is None:
                log.exception("the bot stopped on an unexpected error")
                return 1
            if stop.is_set() and not isinstance(error, discord.LoginFailure):
                return 0  # the connection failed as we were stopping anyway
            report(message, settings=settings, debug=debug)
            return 1
    finally:
        if health is not None:
            await health.stop()
        for number in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(number)


def health_port_problem(address: str, error: OSError) -> str:
    """Why the health endpoint cannot listen on `address`, and the setting that moves it."""
    reason = error.strerror or str(error)
    if error.errno == errno.EADDRINUSE:
        reason = "the address is already in use (another program, or another bot, listens there)"
    return (
        f"cannot serve the health endpoint on {address}: {reason}; set health.address "
        f'(or {HEALTH_ADDRESS_ENV}) to another HOST:PORT, or to "" to turn the endpoint off'
    )


async def _run_until_stopped(bot: ConciergeBot, token: str, stop: asyncio.Event) -> int:
    """`async with bot: await bot.start(token)`, closing the bot when `stop` is set.

    What logging in or connecting raises is left to `serve` to explain.
    """

    async def start() -> None:
        # discord.py gives HTTP requests no deadline: a network that swallows packets would
        # keep the log-in waiting for ever, with nothing said.
        await asyncio.wait_for(bot.login(token), LOGIN_TIMEOUT)
        await bot.connect()

    async def close_on_stop(gateway: asyncio.Task[None]) -> None:
        await stop.wait()
        # New questions first: stop reading the gateway and close it (1000 ends the session, so
        # Discord stops sending), while the HTTP API stays open for the answers in hand. The
        # reader is cancelled before the close: told of our close mid-receive, discord.py would
        # answer it with its own resumable 4000 instead.
        log.info("stop requested: taking no new questions, closing the gateway")
        gateway.cancel()
        await asyncio.wait({gateway})
        await bot.stop_reading()
        if bot.in_flight:
            log.info("finishing %d answers before stopping", bot.in_flight)
        left = await bot.finish_handlers()
        if left:
            log.warning("stopped %d answers still unfinished after %.0f s", left, DRAIN_SECONDS)
        log.info("closing the connection to Discord")
        await bot.close()

    async with bot:
        gateway = asyncio.create_task(start(), name="gateway")
        closer = asyncio.create_task(close_on_stop(gateway))
        try:
            await gateway
        except asyncio.CancelledError:
            if not stop.is_set():
                raise  # we were cancelled ourselves, not asked to stop
        finally:
            if stop.is_set():
                await asyncio.gather(closer, return_exceptions=True)
            else:
                closer.cancel()
    log.info("stopped")
    return 0

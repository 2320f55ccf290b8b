"""The Discord bot: settings, knowledge base and engine passed in, extensions loaded at setup.

Shaped like discord.py's `examples/advanced_startup.py`: dependencies go into the constructor,
`setup_hook` loads the extensions and registers the persistent components, and the caller owns
the lifetime (`async with create_bot(...) as bot: await bot.start(token)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.errors import ConnectionClosed
from discord.ext import commands
from discord.gateway import ReconnectWebSocket

from bot.adapter import render
from bot.adapter.feedback import FEEDBACK_ITEMS
from bot.adapter.views import PERSISTENT_ITEMS, send_private
from bot.antispam import AntiSpam, Clock, monotonic
from bot.autoanswer.intent import (
    connect_dropping_refused_intent,
    drop_intent_not_enabled,
    intents_for,
)
from bot.config import Settings
from bot.core import Engine, KnowledgeBase
from bot.core.model import MatchSettings
from bot.metrics import Metrics, gateway_latencies
from bot.recorder import Recorder, StoreOpener
from bot.reload import Reloader
from bot.storage import Store

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.adapter.exts.ask",
    "bot.adapter.exts.browse",
    "bot.adapter.exts.admin",
    "bot.adapter.exts.autoanswer",
    "bot.adapter.exts.suggestions",
)
DRAIN_SECONDS = 5.0  # how long a stop waits for the questions and clicks being answered
# Connections to each host (discord.com; each gateway host apart) open at once. discord.py opens
# one per concurrent request, unbounded: a burst of questions could run the process out of file
# descriptors. Bounded, a burst queues for a connection. 64 at Discord's usual 100-300 ms a
# request is hundreds a second, above its 50-a-second global limit.
HTTP_CONNECTIONS_PER_HOST = 64


# READY and RESUMED set up the session: one the parser cannot read is a malformed frame (below).
SESSION_EVENTS = frozenset({"READY", "RESUMED"})
# What discord.py's own reconnect logic already handles; anything else a frame raises is a frame
# discord.py could not read.
_CONNECTION_ERRORS = (ReconnectWebSocket, ConnectionClosed, OSError, aiohttp.ClientError)
MAX_FRAME_BACKOFF = 30.0  # seconds between reconnects when every connection meets a bad frame


def describe_error(error: BaseException) -> str:
    """`KeyError: 'session_id'`: the type and message of an error, on one line."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def guard_gateway_parsers(parsers: dict[str, Callable[[Any], None]]) -> None:
    """Make a malformed gateway event cost only itself, not the connection.

    discord.py parses every dispatch inside its gateway read loop, so one event its parser
    cannot read (a missing or mistyped field) ends `connect()` and with it the whole bot. Each
    parser is wrapped to log such an event on one line and drop it; the next is read. READY and
    RESUMED are not dropped: without them there is no session, so they fail the frame, which
    `guard_gateway_frames` turns into a reconnect.
    """
    for event, parse in list(parsers.items()):
        parsers[event] = _logging_failures(event, parse)


def _logging_failures(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    def parse_or_drop(data: Any) -> None:
        try:
            parse(data)
        except Exception as error:
            if event in SESSION_EVENTS:
                raise
            log.warning(
                "dropped a malformed %s gateway event (%s)",
                event,
                describe_error(error),
                exc_info=log.isEnabledFor(logging.DEBUG),
            )

    return parse_or_drop


class MalformedFrame(ReconnectWebSocket):
    """A gateway frame discord.py could not read; handled like a dropped connection."""


class _FrameStrikes:
    """Bad frames in a row on each shard (None: unsharded), for the delay before reconnecting.

    A bad frame now and then reconnects at once; a gateway (or proxy) that sends one on every
    connection is retried after 1, 2, 4... up to MAX_FRAME_BACKOFF seconds, so it cannot spin
    through Discord's daily IDENTIFY budget. A session that comes up (READY, RESUMED) clears it.
    """

    def __init__(self) -> None:
        self._count: dict[int | None, int] = {}

    def delay(self, shard_id: int | None) -> float:
        """Count one more bad frame on the shard; the seconds to wait before reconnecting."""
        count = self._count[shard_id] = self._count.get(shard_id, 0) + 1
        return 0.0 if count == 1 else min(2.0 ** (count - 2), MAX_FRAME_BACKOFF)

    def clear(self) -> None:
        """A session is up: the next bad frame reconnects at once."""
        self._count.clear()


FRAME_STRIKES = _FrameStrikes()


def guard_gateway_frames() -> None:
    """Make a gateway frame discord.py cannot read cost the connection, not the process.

    Such frames: not JSON, `null`, `READY {}`, `RESUMED null`, a HELLO without its interval...

    discord.py reads each frame in `DiscordWebSocket.received_message`, and anything but its own
    reconnect signals raised there ends `Client.connect()` and the bot with it. Wrapped, such a
    frame is logged on one line, the connection closed with 4000 (the session stays resumable)
    and `ReconnectWebSocket` raised: the signal discord.py itself uses for op 7, on which both
    `Client.connect` and the shards' workers reconnect and RESUME (or IDENTIFY when there is no
    session yet). During the handshake (the HELLO read inside `from_client`) that signal would
    reach a `connect()` loop that has no websocket yet, so `from_client` retries the handshake
    itself. These are the library's class attributes, so this patches them once per process.
    """
    socket_class = discord.gateway.DiscordWebSocket
    if getattr(socket_class, "_concierge_guarded", False):
        return
    received = socket_class.received_message
    handshake = socket_class.from_client.__func__  # type: ignore[attr-defined]

    async def received_message(self: Any, msg: Any, /) -> None:
        session = (self.session_id, self.gateway)
        try:
            await received(self, msg)
        except _CONNECTION_ERRORS:
            raise
        except Exception as error:
            if (self.session_id, self.gateway) != session:
                # A READY read only in part: its session and resume URL cannot be trusted.
                self.session_id, self.sequence = None, None
                self.gateway = socket_class.DEFAULT_GATEWAY
            await _drop_connection(self, error)

    async def from_client(cls: Any, client: Any, /, **options: Any) -> Any:
        while True:
            try:
                return await handshake(cls, client, **options)
            except MalformedFrame:
                continue  # logged and waited for already; the same handshake again

    socket_class.received_message = received_message  # type: ignore[method-assign]
    socket_class.from_client = classmethod(from_client)  # type: ignore[method-assign,assignment]
    socket_class._concierge_guarded = True  # type: ignore[attr-defined]


async def _drop_connection(socket: Any, error: Exception) -> None:
    """Log the bad frame, close the connection and raise the reconnect signal."""
    resume = socket.session_id is not None
    delay = FRAME_STRIKES.delay(socket.shard_id)
    log.warning(
        "dropped a malformed gateway frame (%s): reconnecting%s to %s",
        describe_error(error),
        f" in {delay:.0f} s" if delay else "",
        "resume the session" if resume else "identify",
        exc_info=log.isEnabledFor(logging.DEBUG),
    )
    with contextlib.suppress(Exception):
        await socket.close(code=4000)
    if delay:
        await asyncio.sleep(delay)
    raise MalformedFrame(socket.shard_id, resume=resume) from error


class ConciergeTree(app_commands.CommandTree[Any]):
    """The command tree with the bot's one app-command error handler."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """Log the failure with its traceback and apologise briefly, only to the user."""
        command = interaction.command.qualified_name if interaction.command else "unknown"
        log.error("app command %r failed", command, exc_info=error)
        metrics = getattr(interaction.client, "metrics", None)
        if isinstance(metrics, Metrics):
            metrics.error("command")
        try:
            await send_private(interaction, content=render.APOLOGY)
        except discord.HTTPException:
            log.warning("could not apologise for the failed command %r", command)


class ConciergeBot(commands.Bot):
    """Concierge: answers questions from its knowledge base by mention, DM and slash command."""

    def __init__(
        self,
        settings: Settings,
        kb: KnowledgeBase,
        engine: Engine,
        *,
        extensions: Sequence[str] = EXTENSIONS,
        sync_dev_guild: bool = True,
        clock: Clock = monotonic,
        store: Store | None = None,
        store_opener: StoreOpener | None = None,
        data_dir: Path | None = None,
        metrics: Metrics | None = None,
        **options: Any,
    ) -> None:
        """Keep the dependencies; nothing connects until `start` or `login`.

        `sync_dev_guild` copies the global commands to `discord.dev_guild_id` (when set) at setup,
        for instant commands while testing; `clock` drives the anti-spam limits. Gaps and votes
        go to `store` (owned by the caller), or to the store `store_opener` opens at setup (owned
        by the bot); with neither, nothing is recorded. Reloads read `data_dir` (by default
        `knowledge.data_dir`).
        """
        # Concierge is text-only and never joins a voice channel: discord.py's warnings on every
        # start that the voice libraries (PyNaCl, davey) are missing are nothing to act on.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents_for(settings.autoanswer),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=ConciergeTree,
            **options,
        )
        guard_gateway_frames()
        guard_gateway_parsers(self._connection.parsers)
        self.settings = settings
        self.kb = kb
        self.engine = engine
        self.antispam = AntiSpam(settings.limits, clock=clock)
        self.extension_names = tuple(extensions)
        self.sync_dev_guild = sync_dev_guild
        self._gateway_up = False
        self._down_since: float | None = time.time()  # not connected yet: since the start
        self.metrics = metrics or Metrics()
        self.metrics.observe(self)
        self.recorder = Recorder(
            store,
            self.metrics,
            opener=store_opener,
            retention_days=settings.storage.retention_days,
        )
        self.reloader = Reloader(self, data_dir or Path(settings.knowledge.data_dir), self.metrics)
        self._answering: set[asyncio.Task[Any]] = set()
        self.autoanswer_refused = ""  # why Discord refused the Message Content intent, if it did

    async def connect(self, *, reconnect: bool = True) -> None:
        """Connect; if Discord refuses Message Content (4014), go on without it: no auto-answer."""
        await connect_dropping_refused_intent(
            self, lambda: super(ConciergeBot, self).connect(reconnect=reconnect)
        )

    async def login(self, token: str) -> None:
        """Log in over HTTP, with the bounded connection pool (made here, in the running loop)."""
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(
                limit=0, limit_per_host=HTTP_CONNECTIONS_PER_HOST
            )
        await super().login(token)

    async def setup_hook(self) -> None:
        """Load the extensions, register the persistent components, sync a dev guild if set."""
        await self.recorder.start()
        if self.settings.knowledge.watch:
            self.reloader.watch(self.settings.knowledge.watch_interval_seconds)
        for name in self.extension_names:
            await self.load_extension(name)
        self.add_dynamic_items(*PERSISTENT_ITEMS, *FEEDBACK_ITEMS)
        guild_id = self.settings.discord.dev_guild_id
        if self.sync_dev_guild and guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the development guild %d", len(synced), guild_id)

    async def on_message(self, message: discord.Message, /) -> None:
        """There are no prefix commands: questions are handled by the ask extension's listener."""

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """Log a failed event handler with its traceback; the bot carries on with the next event."""
        log.exception("event handler %s failed", event_method)
        self.metrics.error("event")

    def _connected(self, up: bool) -> None:
        if up:
            self._down_since = None
        elif self._down_since is None:
            self._down_since = time.time()
        self._gateway_up = up

    async def on_connect(self) -> None:
        """The gateway connection is up."""
        self._connected(True)

    async def on_resumed(self) -> None:
        """The gateway session was resumed."""
        self._connected(True)
        FRAME_STRIKES.clear()

    async def on_disconnect(self) -> None:
        """The gateway connection dropped; discord.py reconnects on its own."""
        self._connected(False)

    async def on_ready(self) -> None:
        """Log who we are and where."""
        self._connected(True)
        FRAME_STRIKES.clear()
        log.info(
            "ready as %s (id %s) in %d servers, knowing %d entries",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
            len(self.kb.entries),
        )

    def is_healthy(self) -> bool:
        """True while the knowledge base is loaded and the gateway is connected and ready."""
        return (
            bool(self.kb.entries) and self._gateway_up and self.is_ready() and not self.is_closed()
        )

    def unhealthy_since(self) -> float | None:
        """Since when (time.time()) the bot has not been connected; None while it is healthy."""
        if self.is_healthy():
            return None
        return self._down_since if self._down_since is not None else time.time()

    @property
    def match_settings(self) -> MatchSettings:
        """The matching settings a reloaded engine is built with."""
        return self.settings.answer

    def swap_knowledge(self, kb: KnowledgeBase, engine: Engine) -> None:
        """Serve `kb` with `engine` from now on: both in one step, with no await in between."""
        self.kb, self.engine = kb, engine
        self.dispatch("knowledge_reloaded", kb)

    def gateway_latencies(self) -> list[tuple[int, float]]:
        """(shard id, heartbeat latency) for each shard this process runs, for the metrics."""
        return gateway_latencies(self)

    def knowledge_size(self) -> int:
        """Entries being served, for the metrics."""
        return len(self.kb.entries)

    def handling(self) -> None:
        """Note that the running task is answering someone: a stop lets it finish first."""
        task = asyncio.current_task()
        if task is not None and task not in self._answering:
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)

    @property
    def in_flight(self) -> int:
        """Questions and clicks being handled right now."""
        return len(self._answering)

    async def drain_handlers(self, timeout: float = DRAIN_SECONDS) -> int:
        """Wait (up to `timeout`) for the questions and clicks being handled; how many are left.

        Handlers that start meanwhile are waited for too, within the same time.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._answering and (left := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._answering), timeout=left)
        return len(self._answering)

    async def stop_reading(self) -> None:
        """Take no new events: close the gateway connection with 1000, keep the HTTP API open.

        The caller cancels the task running `start` first, so nothing reads the connection (and
        so nothing answers our close with discord.py's resumable 4000); the handlers already
        running can still reply, then `close` ends the rest.
        """
        self._connected(False)
        if self.ws is not None:
            await self.ws.close(code=1000)

    async def finish_handlers(self, timeout: float = DRAIN_SECONDS) -> int:
        """Let the questions and clicks in hand finish (up to `timeout`), then cancel the rest.

        Returns how many had to be cancelled: a cancelled handler ends quietly, where one left
        running would fail later on the closed HTTP session.
        """
        await asyncio.sleep(0)  # handlers scheduled by the last events read start and register
        left = await self.drain_handlers(timeout)
        if left:
            unfinished = set(self._answering)
            for task in unfinished:
                task.cancel()
            await asyncio.wait(unfinished, timeout=1.0)
        return left

    async def close(self) -> None:
        """Stop reloading, disconnect, then finish writing records and close the store."""
        await self.reloader.close()
        await super().close()
        await self.recorder.close()


class ShardedConciergeBot(ConciergeBot, commands.AutoShardedBot):
    """The same bot, run as several gateway shards (for bots in thousands of servers)."""

    async def connect(self, *, reconnect: bool = True) -> None:
        """Connect every shard, without Message Content if the application has not enabled it."""
        await drop_intent_not_enabled(self)
        await super().connect(reconnect=reconnect)

    async def stop_reading(self) -> None:
        """Take no new events: close every shard's connection with 1000 (each stops reading)."""
        self._connected(False)
        for shard in self.shards.values():
            if not shard.is_closed():
                await shard.disconnect()


def create_bot(
    settings: Settings, kb: KnowledgeBase, engine: Engine, **options: Any
) -> ConciergeBot:
    """The bot the settings ask for: sharded when `discord.sharded`, with its shard ids."""
    if not settings.discord.sharded:
        return ConciergeBot(settings, kb, engine, **options)
    shard_count = settings.discord.shard_count or None
    shard_ids = list(settings.discord.shard_ids) or None
    return ShardedConciergeBot(
        settings, kb, engine, shard_count=shard_count, shard_ids=shard_ids, **options
    )

"""The gateway: a websocket speaking Discord's protocol (v10, JSON, optional zlib-stream).

HELLO with the heartbeat interval; every heartbeat (op 1) answered with op 11; IDENTIFY checked
(token, intents, privileged intents the application has not enabled: close 4014, a malformed shard:
close 4010) and answered with READY, then GUILD_CREATE for each guild of the session's shard;
RESUME of a known session replays the events the bot missed and ends with RESUMED, an unknown or
refused one gets INVALID_SESSION (op 9, not resumable). With `compress=zlib-stream` every payload
goes through one zlib stream per connection, each ended with a Z_SYNC_FLUSH (the 00 00 ff ff suffix
discord.py waits for), large ones split over two frames.

Drills for tests: close a connection with a code, drop it without a close frame, ask the bot to
reconnect (op 7), invalidate its session (op 9), send any raw text as a frame, greet the next
connection with any raw text before its HELLO.

Sharding as Discord does it: a session identified with `shard: [i, n]` is sent only the guilds with
`(guild_id >> 22) % n == i` (in READY and as GUILD_CREATE), and a guild's events go only to the
session of its shard; direct messages go to shard 0. A session identified without a shard owns
every guild. When several sessions could take an event, the one identified (or resumed) last does.
The drills act on the session identified or resumed last (`current`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fakediscord import payloads as p
from tests.fakediscord.record import ConnectionInfo, Frame

if TYPE_CHECKING:
    from tests.fakediscord.server import FakeDiscord

API_VERSION = "10"
SPLIT_OVER = 4096  # compressed payloads longer than this go out in two frames
EVENT_LOG = 20_000  # events a session keeps for replay on RESUME


@dataclass(eq=False)
class Connection:
    """One websocket and its compression stream."""

    info: ConnectionInfo
    ws: web.WebSocketResponse
    compressed: bool
    session: Session | None = None
    compressor: Any = field(default_factory=zlib.compressobj)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    abort: Callable[[], None] | None = None

    @property
    def live(self) -> bool:
        """Open, and nobody has closed or dropped it."""
        return not self.ws.closed and self.info.closed_at is None

    async def send_text(self, text: str) -> None:
        """Send one payload, compressed into the stream when the bot asked for zlib-stream."""
        async with self.lock:
            if not self.compressed:
                await self.ws.send_str(text)
                return
            data = self.compressor.compress(text.encode())
            data += self.compressor.flush(zlib.Z_SYNC_FLUSH)
            if len(data) > SPLIT_OVER and not data[: len(data) // 2].endswith(b"\x00\x00\xff\xff"):
                half = len(data) // 2
                await self.ws.send_bytes(data[:half])
                await self.ws.send_bytes(data[half:])
            else:
                await self.ws.send_bytes(data)

    async def send(self, payload: dict[str, Any]) -> None:
        """Send one payload as JSON."""
        await self.send_text(json.dumps(payload, separators=(",", ":")))


@dataclass(eq=False)
class Session:
    """A gateway session: what it was identified with and the events it was sent."""

    session_id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    events: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=EVENT_LOG))
    connection: Connection | None = None
    resumable: bool = True

    def owns(self, guild_id: str | None) -> bool:
        """Whether Discord sends this guild's events (None: direct messages) to this session."""
        if self.shard is None:
            return True
        shard_id, shard_count = self.shard
        if guild_id is None:
            return shard_id == 0
        return p.shard_of(guild_id, shard_count) == shard_id


class Gateway:
    """All gateway connections and sessions of one fake."""

    def __init__(self, fake: FakeDiscord) -> None:
        """Serve for `fake` (its world, config and recorder)."""
        self.fake = fake
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.current: Session | None = None
        # The latest session of each shard (None: unsharded), the one activated last at the end.
        self.active: dict[tuple[int, int] | None, Session] = {}
        self.refuse_resume = False
        self.hellos: deque[str] = deque()  # raw greetings to send before HELLO (drills)
        self.ready = asyncio.Event()

    @property
    def config(self) -> Any:
        """The fake's configuration."""
        return self.fake.config

    # the websocket -------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one gateway connection until either side closes it."""
        query = dict(request.query)
        compress = query.get("compress")
        if query.get("v") != API_VERSION or query.get("encoding") != "json":
            self.fake.recorder.problem(f"gateway opened with v/encoding {query}")
            return web.Response(status=400, text="unsupported gateway version or encoding")
        if compress not in (None, "zlib-stream"):
            self.fake.recorder.problem(f"gateway opened with unsupported compress={compress}")
            return web.Response(status=400, text=f"unsupported compress={compress}")
        ws = web.WebSocketResponse(autoping=True, max_msg_size=4096 * 1024)
        await ws.prepare(request)
        info = ConnectionInfo(len(self.connections), request.path, query, time.monotonic())
        connection = Connection(info, ws, compress == "zlib-stream")
        transport = request.transport
        if transport is not None:
            connection.abort = transport.abort
        self.connections.append(connection)
        self.fake.recorder.add_connection(info)
        try:
            if self.hellos:
                await connection.send_text(self.hellos.popleft())
            await connection.send(
                {"op": 10, "d": {"heartbeat_interval": self.config.heartbeat_interval_ms}}
            )
            await self._receive(connection)
        except (ConnectionError, RuntimeError):
            pass  # dropped by a drill or by the bot
        finally:
            self._closed(connection)
        return ws

    async def _receive(self, connection: Connection) -> None:
        while True:
            message = await connection.ws.receive()
            if message.type is WSMsgType.CLOSE:
                connection.info.client_close_code = message.data
                return
            if message.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return
            if message.type is not WSMsgType.TEXT:
                await self.close(connection, 4002, "decode error: expected a text frame")
                return
            try:
                payload = json.loads(message.data)
                op = payload["op"]
            except (ValueError, KeyError, TypeError):
                await self.close(connection, 4002, "decode error")
                return
            data = payload.get("d")
            self.fake.recorder.add_frame(Frame(time.monotonic(), connection.info.number, op, data))
            if op == 1:
                if self.config.ack_heartbeats:
                    await connection.send({"op": 11})
            elif op == 2:
                await self._identify(connection, data)
            elif op == 6:
                await self._resume(connection, data)
            elif op in (3, 4, 8):
                if connection.session is None:
                    await self.close(connection, 4003, "not authenticated")
            else:
                await self.close(connection, 4001, f"unknown opcode {op}")
            if not connection.live:
                return

    def _closed(self, connection: Connection) -> None:
        info = connection.info
        if info.closed_at is None:
            info.closed_at = time.monotonic()
        session = connection.session
        if session is not None and session.connection is connection:
            session.connection = None
            if session is self.current:  # closed by the bot: no session until it is back
                self.ready.clear()
        self.fake.recorder.touch()

    # IDENTIFY and RESUME ----------------------------------------------------------------------

    async def _identify(self, connection: Connection, data: Any) -> None:
        if connection.session is not None:
            await self.close(connection, 4005, "already authenticated")
            return
        if not isinstance(data, dict) or data.get("token") != self.config.token:
            await self.close(connection, 4004, "authentication failed")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents >= 1 << 26:
            await self.close(connection, 4013, "invalid intent(s)")
            return
        if intents & p.PRIVILEGED_INTENTS & ~self.config.privileged_intents_enabled:
            await self.close(connection, 4014, "disallowed intent(s)")
            return
        shard = data.get("shard")
        if shard is not None and not _valid_shard(shard):
            await self.close(connection, 4010, "invalid shard")
            return
        session = Session(secrets.token_hex(16), intents, shard)
        self.sessions[session.session_id] = session
        session.connection = connection
        connection.session = session
        self._activate(session)
        world = self.fake.world
        guild_ids = [guild_id for guild_id in world.guilds if session.owns(guild_id)]
        ready: dict[str, Any] = {
            "v": int(API_VERSION),
            "user": world.bot_user,
            "user_settings": {},
            "guilds": [{"id": guild_id, "unavailable": True} for guild_id in guild_ids],
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.fake.resume_gateway_url,
            "application": {"id": world.application_id, "flags": 0},
            "geo_ordered_rtc_regions": ["fake"],
            "auth": {},
            "_trace": ['["fake-discord-gateway",{"micros":0}]'],
        }
        if shard is not None:
            ready["shard"] = shard
        await self._dispatch_to(session, "READY", ready)
        if intents & p.GUILDS:
            for guild_id in guild_ids:
                await self._dispatch_to(session, "GUILD_CREATE", world.guild_create(guild_id))
        self.ready.set()

    def _activate(self, session: Session) -> None:
        """Make `session` its shard's session, and the one the drills act on."""
        shard = session.shard
        key = (shard[0], shard[1]) if shard is not None else None
        self.active.pop(key, None)
        self.active[key] = session
        self.current = session

    async def _resume(self, connection: Connection, data: Any) -> None:
        session = self.sessions.get(data.get("session_id", "")) if isinstance(data, dict) else None
        if not isinstance(data, dict) or data.get("token") != self.config.token:
            await self.close(connection, 4004, "authentication failed")
            return
        if session is None or not session.resumable or self.refuse_resume:
            self.refuse_resume = False
            if session is not None:
                session.resumable = False
            await connection.send({"op": 9, "d": False})
            return
        seq = data.get("seq") or 0
        previous = session.connection
        if previous is not None and previous is not connection and previous.live:
            await self.close(previous, 4000, "session resumed elsewhere")
        session.connection = connection
        connection.session = session
        self._activate(session)
        for number, text in list(session.events):
            if number > seq:
                await connection.send_text(text)
        await self._dispatch_to(session, "RESUMED", {"_trace": ['["fake-discord-gateway"]']})
        self.ready.set()

    # dispatch -----------------------------------------------------------------------------

    async def _dispatch_to(self, session: Session, event: str, data: Any) -> int:
        """Number the event in the session, keep it for replay, and send it if connected."""
        session.seq += 1
        text = json.dumps({"op": 0, "t": event, "s": session.seq, "d": data}, separators=(",", ":"))
        session.events.append((session.seq, text))
        connection = session.connection
        if connection is not None and connection.live:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await connection.send_text(text)
        return session.seq

    async def dispatch(self, event: str, data: Any, *, needs: int = 0) -> int | None:
        """Dispatch to the current session if it subscribed to `needs` (intent bits)."""
        session = self.current
        if session is None:
            raise RuntimeError("the bot has no gateway session yet")
        if needs and not session.intents & needs:
            return None
        return await self._dispatch_to(session, event, data)

    def owner(self, guild_id: str | None) -> Session | None:
        """The session Discord sends this guild's events (None: direct messages) to."""
        for session in reversed(self.active.values()):
            if session.owns(guild_id):
                return session
        return None

    async def dispatch_for(
        self, guild_id: str | None, event: str, data: Any, *, needs: int = 0
    ) -> int | None:
        """Dispatch an event of a guild (None: a DM) to the session of the guild's shard, if it
        subscribed to `needs` (intent bits)."""
        session = self.owner(guild_id)
        if session is None:
            if self.current is None:
                raise RuntimeError("the bot has no gateway session yet")
            raise RuntimeError(f"no gateway session has the shard of guild {guild_id}")
        if needs and not session.intents & needs:
            return None
        return await self._dispatch_to(session, event, data)

    def intents(self, guild_id: str | None = None) -> int:
        """The intents of the session that gets this guild's events (0 when there is none)."""
        session = self.owner(guild_id)
        return session.intents if session else 0

    # drills -------------------------------------------------------------------------------

    def live_connection(self) -> Connection | None:
        """The connection of the current session, if it is up."""
        session = self.current
        connection = session.connection if session else None
        return connection if connection is not None and connection.live else None

    async def close(self, connection: Connection, code: int, reason: str = "") -> None:
        """Close a connection from the server side with a close frame."""
        if connection.info.closed_at is not None:
            return
        connection.info.server_close_code = code
        connection.info.closed_at = time.monotonic()
        self.ready.clear()
        with contextlib.suppress(ConnectionError, RuntimeError):
            await connection.ws.close(code=code, message=reason.encode())
        self.fake.recorder.touch()

    async def drop(self, code: int | None = 4000) -> None:
        """End the live connection: with a close frame of `code`, or (None) a bare TCP drop."""
        connection = self.live_connection()
        if connection is None:
            raise RuntimeError("no live gateway connection to drop")
        if code is not None:
            await self.close(connection, code, "closed by the fake (drill)")
            return
        connection.info.aborted = True
        connection.info.closed_at = time.monotonic()
        self.ready.clear()
        if connection.abort is not None:
            connection.abort()
        self.fake.recorder.touch()

    async def send_op(self, op: int, data: Any = None) -> None:
        """Send a non-dispatch opcode (7 reconnect, 9 invalid session, 1 heartbeat request)."""
        connection = self.live_connection()
        if connection is None:
            raise RuntimeError("no live gateway connection")
        if op == 9 and not data and connection.session is not None:
            connection.session.resumable = False
        if op in (7, 9):
            self.ready.clear()
        await connection.send({"op": op, "d": data})

    async def send_raw(self, text: str) -> None:
        """Send any text as one payload (through the compression stream if there is one)."""
        connection = self.live_connection()
        if connection is None:
            raise RuntimeError("no live gateway connection")
        await connection.send_text(text)


def _valid_shard(shard: Any) -> bool:
    """Whether IDENTIFY's `shard` is `[shard_id, shard_count]` with `0 <= shard_id < count`."""
    return (
        isinstance(shard, list)
        and len(shard) == 2
        and all(type(number) is int for number in shard)
        and 0 <= shard[0] < shard[1]
    )

"""`FakeDiscord`: the loopback Discord, serving on 127.0.0.1 from its own thread.

Start it (`with FakeDiscord(FakeConfig(...)) as fake:`), point the bot at `fake.bot_env()`, wait for
`fake.wait_until_ready()`, then act as Discord's users would (`fake.mention(...)`, `fake.dm(...)`,
`fake.slash(...)`, `fake.autocomplete(...)`, `fake.press(...)`, `fake.message_command(...)`) and
read what the bot sent (`fake.wait_for_reply(...)`, `fake.requests(...)`, `fake.frames(...)`).
Every public method is called from the test's thread and is bounded by a timeout; the server and
its state live on the fake's event loop thread.
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from tests.fakediscord import payloads as p
from tests.fakediscord.gateway import Gateway
from tests.fakediscord.ratelimits import Fault, RateLimiter, RateLimitPolicy
from tests.fakediscord.record import ConnectionInfo, Frame, Recorder, Request
from tests.fakediscord.rest import PREFIX, Rest
from tests.fakediscord.spec import SpecValidator
from tests.fakediscord.world import INTERACTION_DEADLINE, World

T = TypeVar("T")
BOT_USER_ID = "1111111111111111111"
DEFAULT_TOKEN = p.token_for(BOT_USER_ID)
CALL_TIMEOUT = 10.0


@functools.cache
def shared_validator() -> SpecValidator:
    """One spec validator per process (loading the spec takes a moment)."""
    return SpecValidator()


@dataclass(frozen=True, slots=True)
class FakeConfig:
    """How the fake behaves."""

    token: str = DEFAULT_TOKEN
    heartbeat_interval_ms: int = 41_250
    policy: RateLimitPolicy = field(default_factory=RateLimitPolicy.real)
    validate: bool = True
    interaction_deadline: float = INTERACTION_DEADLINE
    privileged_intents_enabled: int = 0  # bits of the privileged intents the app may use
    ack_heartbeats: bool = True
    channel_count: int = 3  # text channels in each guild
    guild_shards: int = 1  # one guild per shard of this many, the i-th routed to shard i
    port: int = 0
    latency: float = 0.0  # seconds each HTTP API request takes before it is served
    extra_routes: tuple[Callable[[FakeDiscord, web.Application], None], ...] = ()


class FakeDiscord:
    """Discord's HTTP API and gateway on 127.0.0.1, recording everything the bot sends."""

    def __init__(self, config: FakeConfig | None = None) -> None:
        """Set up the world; nothing listens until `start`."""
        self.config = config or FakeConfig()
        bot_user_id = p.user_id_from_token(self.config.token) or BOT_USER_ID
        self.world = World(
            bot_user_id=bot_user_id,
            channel_count=self.config.channel_count,
            guild_shards=self.config.guild_shards,
        )
        self.recorder = Recorder()
        self.validator = shared_validator() if self.config.validate else None
        self.limiter = RateLimiter(self.config.policy)
        self.port = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stopped = threading.Event()
        self.gateway: Gateway
        self.rest: Rest

    # lifetime -------------------------------------------------------------------------------

    def start(self, timeout: float = CALL_TIMEOUT) -> FakeDiscord:
        """Serve from a new thread; return once it listens."""
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self.loop = loop
            try:
                loop.run_until_complete(self._start_server())
            except BaseException as error:  # reported to the starting thread
                failure.append(error)
                started.set()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._stop_server())
                loop.close()
                self._stopped.set()

        self._thread = threading.Thread(target=serve, name="fake-discord", daemon=True)
        self._thread.start()
        if not started.wait(timeout):
            raise TimeoutError("the fake Discord did not start")
        if failure:
            raise failure[0]
        return self

    async def _start_server(self) -> None:
        self.gateway = Gateway(self)
        self.rest = Rest(self)
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway-resume", self.gateway.handle)
        for extra in self.config.extra_routes:
            extra(self, app)
        app.router.add_route("*", PREFIX + "/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.config.port, backlog=4096)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def _stop_server(self) -> None:
        for connection in list(self.gateway.connections):
            if connection.live:
                await self.gateway.close(connection, 1001, "fake Discord stopping")
        if self._runner is not None:
            await self._runner.cleanup()

    def stop(self, timeout: float = CALL_TIMEOUT) -> None:
        """Close every connection and stop serving."""
        if self.loop is None or self._thread is None:
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)

    def __enter__(self) -> FakeDiscord:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def run(self, make: Callable[[], Coroutine[Any, Any, T]], timeout: float = CALL_TIMEOUT) -> T:
        """Run a coroutine on the fake's loop from another thread and return its result."""
        if self.loop is None:
            raise RuntimeError("the fake Discord is not started")
        future = asyncio.run_coroutine_threadsafe(make(), self.loop)
        return future.result(timeout)

    def _on_loop(self, function: Callable[[], T], timeout: float = CALL_TIMEOUT) -> T:
        async def call() -> T:
            return function()

        return self.run(call, timeout)

    # addresses ------------------------------------------------------------------------------

    @property
    def api_base_url(self) -> str:
        """What `discord.api_base_url` should be."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        """What `discord.gateway_url` should be."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """The resume URL READY hands out (a different path, to see that the bot uses it)."""
        return f"ws://127.0.0.1:{self.port}/gateway-resume"

    def bot_env(self) -> dict[str, str]:
        """Environment variables pointing a bot at this fake, token included."""
        return {
            "DISCORD_TOKEN": self.config.token,
            "CONCIERGE_DISCORD_API_BASE_URL": self.api_base_url,
            "CONCIERGE_DISCORD_GATEWAY_URL": self.gateway_url,
        }

    @property
    def bot_user_id(self) -> str:
        """The bot's user id (encoded in its token)."""
        return str(self.world.bot_user["id"])

    # people and places ------------------------------------------------------------------------

    def wait_until_ready(self, timeout: float = 20.0) -> None:
        """Wait until the bot has a session (READY or RESUMED sent) on a live connection."""

        async def ready() -> None:
            await asyncio.wait_for(self.gateway.ready.wait(), timeout)

        self.run(ready, timeout + 1)

    def wait_until_shard_ready(
        self, shard_id: int, shard_count: int, timeout: float = 20.0
    ) -> None:
        """Wait until a session identified as shard `[shard_id, shard_count]` has been sent READY
        (or RESUMED) and its connection is up."""

        def up() -> bool:
            session = self.gateway.active.get((shard_id, shard_count))
            if session is None or session.connection is None:
                return False
            return session.connection.live and session.seq > 0

        deadline = time.monotonic() + timeout
        while not self._on_loop(up):
            if time.monotonic() > deadline:
                raise TimeoutError(f"shard [{shard_id}, {shard_count}] never became ready")
            time.sleep(0.05)

    def new_user(self, name: str | None = None) -> dict[str, Any]:
        """A new person in the server."""
        return self._on_loop(lambda: self.world.new_user(name))

    def new_channel(self, name: str | None = None, *, guild_id: str | None = None) -> str:
        """A new text channel in a guild (default: the default guild), announced with
        CHANNEL_CREATE to the session of the guild's shard when the bot has one."""

        async def create() -> str:
            channel = self.world.new_channel(name, guild_id=guild_id)
            if self.gateway.owner(channel["guild_id"]) is not None:
                await self.gateway.dispatch_for(
                    channel["guild_id"], "CHANNEL_CREATE", channel, needs=p.GUILDS
                )
            return str(channel["id"])

        return self.run(create)

    def guild_ids(self) -> list[str]:
        """The ids of the bot's guilds, the default guild first."""
        return self._on_loop(lambda: list(self.world.guilds))

    def channel_in(self, guild_id: str) -> str:
        """The first text channel of a guild."""
        return self._on_loop(lambda: self.world.first_channel(guild_id))

    def message(self, message_id: str) -> dict[str, Any]:
        """A stored message (a person's or the bot's) as Discord has it now."""
        return self._on_loop(lambda: dict(self.world.messages[message_id]))

    # acting as Discord's users ----------------------------------------------------------------

    async def deliver_message(self, data: dict[str, Any]) -> None:
        """MESSAGE_CREATE under Discord's message-content rule, to the session of the message's
        guild's shard (shard 0 for a DM) if it subscribed."""
        guild_id = data.get("guild_id")
        intents = self.gateway.intents(guild_id)
        in_dm = guild_id is None
        bot_id = self.world.bot_user["id"]
        sees_content = (
            intents & p.MESSAGE_CONTENT
            or in_dm
            or data["author"]["id"] == bot_id
            or any(user["id"] == bot_id for user in data["mentions"])
        )
        shown = data if sees_content else p.blank_content(data)
        needs = p.DIRECT_MESSAGES if in_dm else p.GUILD_MESSAGES
        await self.gateway.dispatch_for(guild_id, "MESSAGE_CREATE", shown, needs=needs)
        self.recorder.dispatched(data["id"], time.monotonic())

    def send_message(
        self, content: str, *, channel_id: str | None = None, author: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A person writes `content` in a guild channel (default: the default guild's first)."""

        async def send() -> dict[str, Any]:
            person = author or self.world.new_user()
            channel = channel_id or self.world.first_channel()
            data = self.world.user_message(person, channel, content)
            await self.deliver_message(data)
            return data

        return self.run(send)

    def mention(
        self, text: str, *, channel_id: str | None = None, author: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A person writes `<@bot> text` in a guild channel; returns the full message."""
        return self.send_message(
            f"<@{self.bot_user_id}> {text}", channel_id=channel_id, author=author
        )

    def dm(self, text: str, *, author: dict[str, Any] | None = None) -> dict[str, Any]:
        """A person sends the bot a direct message; returns the message."""

        async def send() -> dict[str, Any]:
            person = author or self.world.new_user()
            channel = self.world.dm_channel_for(person)
            data = self.world.user_message(person, channel["id"], text)
            await self.deliver_message(data)
            return data

        return self.run(send)

    async def deliver_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        channel_id: str | None,
        author: dict[str, Any] | None,
        message_data: dict[str, Any] | None = None,
    ) -> str:
        """INTERACTION_CREATE (always delivered: interactions need no intent) to the session of
        the channel's guild's shard (shard 0 for a DM); its id."""
        person = author or self.world.new_user()
        channel = channel_id or self.world.first_channel()
        payload = self.world.new_interaction(
            kind, data, person, channel, message_data=message_data, now=time.monotonic()
        )
        await self.gateway.dispatch_for(payload.get("guild_id"), "INTERACTION_CREATE", payload)
        self.recorder.dispatched(payload["id"], time.monotonic())
        return str(payload["id"])

    def _command_data(
        self, name: str, kind: int, options: list[dict[str, Any]], channel_id: str | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.world.command_id(name, kind), "name": name, "type": kind}
        if options:
            data["options"] = options
        guild_id = self.world.guild_of(channel_id or self.world.first_channel())
        guild_commands = self.world.commands.get(guild_id, []) if guild_id else []
        if any(command["name"] == name for command in guild_commands):
            data["guild_id"] = guild_id
        return data

    def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        channel_id: str | None = None,
        author: dict[str, Any] | None = None,
    ) -> str:
        """A person runs `/name` with these option values; returns the interaction id."""

        async def send() -> str:
            data = self._command_data(name, p.CHAT_INPUT, _options(options or {}), channel_id)
            return await self.deliver_interaction(
                p.APPLICATION_COMMAND, data, channel_id=channel_id, author=author
            )

        return self.run(send)

    def autocomplete(
        self,
        name: str,
        option: str,
        typed: str,
        *,
        channel_id: str | None = None,
        author: dict[str, Any] | None = None,
    ) -> str:
        """A person types `typed` into option `option` of `/name`; returns the interaction id."""

        async def send() -> str:
            focused = {"type": 3, "name": option, "value": typed, "focused": True}
            data = self._command_data(name, p.CHAT_INPUT, [focused], channel_id)
            return await self.deliver_interaction(
                p.AUTOCOMPLETE, data, channel_id=channel_id, author=author
            )

        return self.run(send)

    def press(
        self, message_id: str, custom_id: str, *, author: dict[str, Any] | None = None
    ) -> str:
        """A person presses the button `custom_id` on a message; returns the interaction id."""

        async def send() -> str:
            message = self.world.messages[message_id]
            data = {"custom_id": custom_id, "component_type": 2}
            return await self.deliver_interaction(
                p.MESSAGE_COMPONENT,
                data,
                channel_id=message["channel_id"],
                author=author,
                message_data=message,
            )

        return self.run(send)

    def message_command(
        self, name: str, target_id: str, *, author: dict[str, Any] | None = None
    ) -> str:
        """A person picks the message menu command `name` on a message; the interaction id."""

        async def send() -> str:
            target = self.world.messages[target_id]
            data = self._command_data(name, p.MESSAGE_COMMAND, [], target["channel_id"])
            data["target_id"] = target_id
            data["resolved"] = {"messages": {target_id: target}}
            return await self.deliver_interaction(
                p.APPLICATION_COMMAND, data, channel_id=target["channel_id"], author=author
            )

        return self.run(send)

    # drills -------------------------------------------------------------------------------

    def dispatch(self, event: str, data: Any) -> int | None:
        """Dispatch any event (unknown, malformed) with the next sequence number."""
        return self.run(lambda: self.gateway.dispatch(event, data))

    def send_raw(self, text: str) -> None:
        """Send any text as one gateway payload."""
        self.run(lambda: self.gateway.send_raw(text))

    def next_hello(self, text: str) -> None:
        """Greet the next gateway connection with `text` instead of HELLO (then a real HELLO)."""
        self._on_loop(lambda: self.gateway.hellos.append(text))

    def send_op(self, op: int, data: Any = None) -> None:
        """Send a non-dispatch opcode: 7 asks the bot to reconnect, 9 invalidates its session."""
        self.run(lambda: self.gateway.send_op(op, data))

    def drop_gateway(self, code: int | None = 4000) -> None:
        """Close the live gateway connection with `code`, or drop it without a close frame."""
        self.run(lambda: self.gateway.drop(code))

    def refuse_next_resume(self) -> None:
        """Answer the next RESUME with INVALID_SESSION, so the bot has to IDENTIFY again."""
        self._on_loop(lambda: setattr(self.gateway, "refuse_resume", True))

    def inject(self, fault: Fault) -> None:
        """Force an answer (a 429, a 500) onto the next matching requests."""
        self._on_loop(lambda: self.limiter.faults.append(fault))

    # what the bot sent ------------------------------------------------------------------------

    def requests(
        self, *, route: str | None = None, path: str | None = None, method: str | None = None
    ) -> list[Request]:
        """Recorded requests, filtered by `METHOD /template` route, path prefix or method."""
        return [
            r
            for r in self.recorder.snapshot_requests()
            if (route is None or r.route == route)
            and (path is None or r.path.startswith(path))
            and (method is None or r.method == method)
        ]

    def replies_to(self, question_id: str) -> list[Request]:
        """Accepted requests that answer a message (a reply to it) or an interaction."""
        return [r for r in self.recorder.snapshot_requests() if r.ok and _answers(r, question_id)]

    def wait_for_reply(self, question_id: str, timeout: float = 10.0) -> Request:
        """The first accepted answer to a message or interaction, waiting at most `timeout`."""

        def probe() -> Request | None:
            return next(
                (r for r in self.recorder.requests if r.ok and _answers(r, question_id)), None
            )

        return self.recorder.wait_for(probe, timeout, f"a reply to {question_id}")

    def wait_for_request(
        self, predicate: Callable[[Request], bool], timeout: float = 10.0, what: str = "a request"
    ) -> Request:
        """The first recorded request matching `predicate`."""

        def probe() -> Request | None:
            return next((r for r in self.recorder.requests if predicate(r)), None)

        return self.recorder.wait_for(probe, timeout, what)

    def frames(self, op: int | None = None) -> list[Frame]:
        """Gateway payloads the bot sent (of one opcode)."""
        with self.recorder.lock:
            return [f for f in self.recorder.frames if op is None or f.op == op]

    def wait_for_frame(self, op: int, *, after: int = 0, timeout: float = 10.0) -> Frame:
        """The first payload with opcode `op` among those the bot sent after the first `after`."""

        def probe() -> Frame | None:
            return next((f for f in self.recorder.frames[after:] if f.op == op), None)

        return self.recorder.wait_for(probe, timeout, f"gateway op {op} from the bot")

    def connections(self) -> list[ConnectionInfo]:
        """Gateway connections so far, oldest first."""
        with self.recorder.lock:
            return list(self.recorder.connections)

    def wait_for_connection_closed(self, number: int, timeout: float = 10.0) -> ConnectionInfo:
        """Wait until gateway connection `number` has closed."""

        def probe() -> ConnectionInfo | None:
            connections = self.recorder.connections
            if number < len(connections) and connections[number].closed_at is not None:
                return connections[number]
            return None

        return self.recorder.wait_for(probe, timeout, f"gateway connection {number} to close")

    def sent_events(
        self, event: str, *, shard: tuple[int, int] | None = None
    ) -> list[dict[str, Any]]:
        """The `d` of every `event` dispatch the current session (or the latest session of
        `shard`, `(shard_id, shard_count)`) was sent (or will be on RESUME)."""

        def collect() -> list[dict[str, Any]]:
            session = self.gateway.current if shard is None else self.gateway.active.get(shard)
            if session is None:
                return []
            payloads = (json.loads(text) for _, text in session.events)
            return [payload["d"] for payload in payloads if payload["t"] == event]

        return self._on_loop(collect)

    def problems(self) -> list[str]:
        """Every request body Discord would have refused, and every protocol mistake."""
        with self.recorder.lock:
            return list(self.recorder.problems)


def _options(values: dict[str, Any]) -> list[dict[str, Any]]:
    kinds = {bool: 5, int: 4, float: 10, str: 3}
    return [{"name": k, "type": kinds[type(v)], "value": v} for k, v in values.items()]


def _answers(request: Request, question_id: str) -> bool:
    """Whether a request answers that message (replies to it) or interaction (its callback)."""
    if request.route == "POST /channels/{channel_id}/messages":
        reference = (request.body or {}).get("message_reference") or {}
        return str(reference.get("message_id")) == question_id
    if request.route == "POST /interactions/{interaction_id}/{interaction_token}/callback":
        return request.path.split("/")[2] == question_id
    return False

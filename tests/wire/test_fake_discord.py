"""The fake itself, driven by a raw websocket client: it speaks the protocol as Discord does.

The wire tests trust the fake to behave like Discord where the bot cannot show it: zlib-stream
framing, refusing what Discord refuses, and Discord's rate-limit headers.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from tests.fakediscord import FakeConfig, FakeDiscord

SUFFIX = b"\x00\x00\xff\xff"
MESSAGE_CONTENT = 1 << 15


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    with FakeDiscord(FakeConfig(heartbeat_interval_ms=500)) as server:
        yield server


class Client:
    """A minimal gateway client: zlib-stream in, JSON out."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.inflate = zlib.decompressobj()
        self.buffer = bytearray()

    async def receive(self) -> dict[str, Any]:
        while True:
            message = await self.ws.receive(timeout=5)
            if message.type is aiohttp.WSMsgType.CLOSE:
                return {"closed": message.data}
            assert message.type is aiohttp.WSMsgType.BINARY, message
            self.buffer.extend(message.data)
            if self.buffer.endswith(SUFFIX):
                text = self.inflate.decompress(bytes(self.buffer))
                self.buffer.clear()
                return json.loads(text)

    async def send(self, op: int, data: Any) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": data}))


async def session(fake: FakeDiscord, run: Any) -> Any:
    url = f"{fake.gateway_url}?v=10&encoding=json&compress=zlib-stream"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        return await run(Client(ws))


def identify(fake: FakeDiscord, intents: int) -> dict[str, Any]:
    return {"token": fake.config.token, "intents": intents, "properties": {}}


def test_hello_heartbeat_ack_ready_and_guild_create_in_one_zlib_stream(fake: FakeDiscord):
    async def run(client: Client) -> list[Any]:
        hello = await client.receive()
        await client.send(1, None)
        ack = await client.receive()
        await client.send(2, identify(fake, 1 | 1 << 9 | 1 << 12))
        ready, guild = await client.receive(), await client.receive()
        return [hello, ack, ready, guild]

    hello, ack, ready, guild = asyncio.run(session(fake, run))

    assert hello == {"op": 10, "d": {"heartbeat_interval": 500}}
    assert ack["op"] == 11
    assert (ready["t"], ready["s"]) == ("READY", 1)
    assert ready["d"]["resume_gateway_url"] == fake.resume_gateway_url
    assert (guild["t"], guild["s"], guild["d"]["id"]) == ("GUILD_CREATE", 2, fake.world.guild_id)


def test_privileged_intents_the_app_lacks_close_the_connection_with_4014(fake: FakeDiscord):
    async def run(client: Client) -> Any:
        await client.receive()
        await client.send(2, identify(fake, 1 | MESSAGE_CONTENT))
        return await client.receive()

    assert asyncio.run(session(fake, run)) == {"closed": 4014}


def test_a_bad_token_closes_with_4004_and_an_unknown_session_cannot_resume(fake: FakeDiscord):
    async def bad_token(client: Client) -> Any:
        await client.receive()
        await client.send(2, {**identify(fake, 1), "token": "not.the.token"})
        return await client.receive()

    async def unknown_session(client: Client) -> Any:
        await client.receive()
        await client.send(6, {"token": fake.config.token, "session_id": "nope", "seq": 3})
        return await client.receive()

    assert asyncio.run(session(fake, bad_token)) == {"closed": 4004}
    assert asyncio.run(session(fake, unknown_session)) == {"op": 9, "d": False}


def test_rest_answers_carry_rate_limit_headers_and_refuse_a_wrong_token(fake: FakeDiscord):
    def get(token: str) -> tuple[int, dict[str, str]]:
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            f"{fake.api_base_url}/api/v10/users/@me", headers={"Authorization": f"Bot {token}"}
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=5) as response:
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)

    status, headers = get(fake.config.token)
    refused, _ = get("not.the.token")

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset-After"} <= set(headers)
    assert refused == 401

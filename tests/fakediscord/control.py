"""A control API for a fake running in its own process (the load benchmark drives it).

Served next to the Discord API, under /_fake/ (nothing the bot calls):

- GET  /_fake/status: whether the bot's session is up, and request counts by status.
- POST /_fake/load: `{"questions": [{"kind": "mention"|"slash", "text": ...}], "rate": r}`
  dispatches each question, as fast as the connection takes them (rate null) or `r` a second,
  each from a new person, spread over the channels of every guild; answers with their ids and the
  time.monotonic() each was written to the gateway.
- POST /_fake/replies: `{"ids": [...]}` -> `{"replied": {id: time of the first reply}}`.

Times are this process's `time.monotonic()`, so dispatch and reply times compare directly.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakediscord import payloads as p

if TYPE_CHECKING:
    from tests.fakediscord.server import FakeDiscord


def add_control_routes(fake: FakeDiscord, app: web.Application) -> None:
    """Register the /_fake/ routes on the fake's application."""

    async def status(request: web.Request) -> web.Response:
        with fake.recorder.lock:
            statuses = Counter(str(r.status) for r in fake.recorder.requests)
            problems = len(fake.recorder.problems)
        return web.json_response(
            {"ready": fake.gateway.ready.is_set(), "statuses": statuses, "problems": problems}
        )

    async def load(request: web.Request) -> web.Response:
        spec = await request.json()
        ids, times = await run_load(fake, spec["questions"], spec.get("rate"))
        return web.json_response({"ids": ids, "dispatched": times})

    async def replies(request: web.Request) -> web.Response:
        wanted = (await request.json())["ids"]
        with fake.recorder.lock:
            seen = fake.recorder.first_reply_at
            found = {i: seen[i] for i in wanted if i in seen}
        return web.json_response({"replied": found})

    app.router.add_get("/_fake/status", status)
    app.router.add_post("/_fake/load", load)
    app.router.add_post("/_fake/replies", replies)


async def run_load(
    fake: FakeDiscord, questions: list[dict[str, Any]], rate: float | None
) -> tuple[list[str], list[float]]:
    """Dispatch the questions (at `rate` a second, or back to back); their ids and send times.

    Everything the fake holds so far is frozen out of garbage collection first, so a full
    collection of the fake's own (ever-growing) records cannot stall it mid-run and show up as
    the bot's latency.
    """
    gc.collect()
    gc.freeze()
    world = fake.world
    channels = list(world.channels)
    ids: list[str] = []
    times: list[float] = []
    start = time.monotonic()
    for number, question in enumerate(questions):
        if rate:
            delay = start + number / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        person = world.new_user()
        channel = channels[number % len(channels)]
        if question["kind"] == "mention":
            content = f"<@{fake.bot_user_id}> {question['text']}"
            data = world.user_message(person, channel, content)
            await fake.deliver_message(data)
            ids.append(data["id"])
        else:
            options = [{"name": "question", "type": 3, "value": question["text"]}]
            command = {"id": world.command_id("ask"), "name": "ask", "type": 1, "options": options}
            ids.append(
                await fake.deliver_interaction(
                    p.APPLICATION_COMMAND, command, channel_id=channel, author=person
                )
            )
        times.append(time.monotonic())
    return ids, times

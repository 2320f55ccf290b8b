"""Forum channels for the fake: a forum with tags, a new post in it, and the REST routes a bot
uses on a post (fetch its starter message, set its tags).

Plugged in with `FakeConfig(extra_routes=(forum_routes,))`: the routes join the fake's own REST
pipeline, so they are authenticated, rate-limited, validated against the spec and recorded like
every other request. Forums must exist before the bot connects (they are in GUILD_CREATE).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from tests.fakediscord import payloads as p
from tests.fakediscord.rest import _compile

if TYPE_CHECKING:
    from aiohttp import web

    from tests.fakediscord.server import FakeDiscord

GUILD_FORUM = 15
PUBLIC_THREAD = 11
UNKNOWN_MESSAGE = {"message": "Unknown Message", "code": 10008}
UNKNOWN_CHANNEL = {"message": "Unknown Channel", "code": 10003}


def forum_routes(fake: FakeDiscord, app: web.Application) -> None:
    """Serve GET a message and PATCH a channel (a post's tags) in the fake's REST pipeline."""
    for method, template, handler in (
        ("GET", "/channels/{channel_id}/messages/{message_id}", get_message),
        ("PATCH", "/channels/{channel_id}", edit_channel),
    ):
        fake.rest.routes.append(
            (method, template, _compile(template), functools.partial(handler, fake))
        )


async def get_message(
    fake: FakeDiscord, params: dict[str, str], body: Any, query: Any
) -> tuple[int, Any]:
    """A stored message of a channel."""
    message = fake.world.messages.get(params["message_id"])
    if message is None or message["channel_id"] != params["channel_id"]:
        return 404, UNKNOWN_MESSAGE
    return 200, message


async def edit_channel(
    fake: FakeDiscord, params: dict[str, str], body: Any, query: Any
) -> tuple[int, Any]:
    """Change a post's tags (each must be one of its forum's) or name."""
    channel = fake.world.channels.get(params["channel_id"])
    if channel is None:
        return 404, UNKNOWN_CHANNEL
    tags = body.get("applied_tags")
    if tags is not None:
        forum = fake.world.channels.get(str(channel.get("parent_id")))
        known = {t["id"] for t in (forum or {}).get("available_tags", [])}
        if len(tags) > 5 or any(str(tag) not in known for tag in tags):
            return 400, {"message": "Invalid Form Body", "code": 50035}
        channel["applied_tags"] = [str(tag) for tag in tags]
    if "name" in body:
        channel["name"] = body["name"]
    return 200, channel


def new_forum(fake: FakeDiscord, name: str, tags: tuple[str, ...]) -> dict[str, Any]:
    """A forum channel with these tags in the default guild (make it before the bot starts)."""

    def create() -> dict[str, Any]:
        world = fake.world
        guild = world.guilds[world.guild_id]
        forum_id = world.ids.next()
        forum = {
            **p.text_channel(forum_id, guild.id, name, len(guild.channel_ids)),
            "type": GUILD_FORUM,
            "available_tags": [
                {
                    "id": world.ids.next(),
                    "name": tag,
                    "moderated": False,
                    "emoji_id": None,
                    "emoji_name": None,
                }
                for tag in tags
            ],
            "default_reaction_emoji": None,
            "default_thread_rate_limit_per_user": 0,
            "default_sort_order": None,
            "default_forum_layout": 0,
        }
        world.channels[forum_id] = forum
        guild.channel_ids.append(forum_id)
        return forum

    return fake._on_loop(create)


def new_post(
    fake: FakeDiscord, forum_id: str, title: str, content: str, *, starter_event: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A person opens a post: THREAD_CREATE, as Discord sends first, then the starter message's
    MESSAGE_CREATE if `starter_event` (without it the starter, whose id is the thread's, is
    stored but never in the bot's cache: it must fetch it). The thread and the starter."""

    async def post() -> tuple[dict[str, Any], dict[str, Any]]:
        world = fake.world
        forum = world.channels[forum_id]
        person = world.new_user()
        thread_id = world.ids.next()
        thread = {
            "id": thread_id,
            "type": PUBLIC_THREAD,
            "guild_id": forum["guild_id"],
            "parent_id": forum_id,
            "owner_id": person["id"],
            "name": title,
            "last_message_id": thread_id,
            "rate_limit_per_user": 0,
            "message_count": 1,
            "member_count": 1,
            "total_message_sent": 1,
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": p.iso_now(),
                "locked": False,
                "create_timestamp": p.iso_now(),
            },
        }
        world.channels[thread_id] = thread
        starter = p.message(
            thread_id,
            thread_id,
            person,
            content,
            guild_id=forum["guild_id"],
            author_member=p.member(None),
        )
        world.messages[thread_id] = starter
        await fake.gateway.dispatch_for(
            forum["guild_id"], "THREAD_CREATE", {**thread, "newly_created": True}, needs=p.GUILDS
        )
        if starter_event:
            await fake.deliver_message(starter)
        return thread, starter

    return fake.run(post)

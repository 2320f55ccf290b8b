"""Discord-shaped objects: users, guilds, channels, messages and interactions as the API sends them.

Field sets follow Discord's v10 documentation for what the gateway and the REST API send (not the
minimum discord.py happens to read), so a bot that depends on a field Discord does send works here,
and one that depends on a field Discord does not send fails here too.
"""

from __future__ import annotations

import base64
import itertools
import re
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
# Bits of the gateway intents Discord calls privileged.
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
GATEWAY_MESSAGE_CONTENT = 1 << 18  # application flag: Message Content enabled in the portal
GUILDS = 1 << 0
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
# Everything a member of the test server may do, as the decimal string Discord sends.
ALL_PERMISSIONS = str((1 << 51) - 1)
# Channel types, message types and interaction types used here.
GUILD_TEXT = 0
DM = 1
DEFAULT_MESSAGE = 0
REPLY_MESSAGE = 19
PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
CHAT_INPUT = 1
MESSAGE_COMMAND = 3
EPHEMERAL = 1 << 6

_MENTION = re.compile(r"<@!?(\d{15,21})>")


class Snowflakes:
    """Unique, increasing snowflake ids with a real timestamp part (thread-safe)."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._last = 0

    def next(self) -> str:
        """A new id, as the decimal string Discord sends."""
        with self._lock:
            ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
            value = (ms << 22) | (1 << 17) | (next(self._counter) & 0xFFF)
            value = max(value, self._last + 1)
            self._last = value
            return str(value)

    def for_shard(self, shard_id: int, shard_count: int) -> str:
        """A new id Discord routes to shard `shard_id` of `shard_count`, as it routes a guild's
        events: `(id >> 22) % shard_count == shard_id` (its millisecond part picks the shard)."""
        if not 0 <= shard_id < shard_count:
            raise ValueError(f"no shard {shard_id} of {shard_count}")
        with self._lock:
            ms = max(int(time.time() * 1000) - DISCORD_EPOCH_MS, self._last >> 22)
            ms += (shard_id - ms) % shard_count
            value = (ms << 22) | (1 << 17) | (next(self._counter) & 0xFFF)
            if value <= self._last:
                ms += shard_count
                value = (ms << 22) | (1 << 17) | (next(self._counter) & 0xFFF)
            self._last = value
            return str(value)


def shard_of(guild_id: str | int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (int(guild_id) >> 22) % shard_count


def iso_now() -> str:
    """The current time as Discord writes timestamps."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def token_for(user_id: str) -> str:
    """A syntactically valid bot token whose first part encodes `user_id`, as Discord's do."""
    head = base64.b64encode(user_id.encode()).decode().rstrip("=")
    return f"{head}.GfAkE0.{'x' * 27}fakefakefake"


def user_id_from_token(token: str) -> str | None:
    """The user id a bot token's first part encodes, or None if it encodes none."""
    head = token.split(".", 1)[0]
    try:
        text = base64.b64decode(head + "=" * (-len(head) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return text if text.isdigit() else None


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A user object."""
    data: dict[str, Any] = {
        "id": user_id,
        "username": name.lower().replace(" ", "_"),
        "discriminator": "0",
        "global_name": None if bot else name,
        "avatar": None,
        "avatar_decoration_data": None,
        "public_flags": 0,
        "primary_guild": None,
        "collectibles": None,
        "banner": None,
        "accent_color": None,
    }
    if bot:
        data["bot"] = True
        data["flags"] = 0
        data["mfa_enabled"] = False
        data["verified"] = True
        data["locale"] = "en-US"
        data["email"] = None
    return data


def application(app_id: str, owner: dict[str, Any]) -> dict[str, Any]:
    """The application object GET /oauth2/applications/@me returns."""
    return {
        "id": app_id,
        "name": "Concierge",
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "hook": True,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "owner": owner,
        "team": None,
        "rpc_origins": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "tags": [],
        "install_params": {"scopes": ["bot", "applications.commands"], "permissions": "0"},
        "integration_types_config": {"0": {}},
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "is_monetized": False,
        "storefront_available": False,
    }


def role(role_id: str, name: str, position: int, permissions: str) -> dict[str, Any]:
    """A role object."""
    return {
        "id": role_id,
        "name": name,
        "description": None,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": permissions,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(channel_id: str, guild_id: str, name: str, position: int) -> dict[str, Any]:
    """A guild text channel object (with guild_id, as REST and interactions send it)."""
    return {
        "id": channel_id,
        "type": GUILD_TEXT,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def dm_channel(channel_id: str, recipient: dict[str, Any]) -> dict[str, Any]:
    """A DM channel object."""
    return {
        "id": channel_id,
        "type": DM,
        "last_message_id": None,
        "flags": 0,
        "recipients": [recipient],
    }


def member(person: dict[str, Any] | None, *, roles: tuple[str, ...] = ()) -> dict[str, Any]:
    """A guild member object; without `person` it is the partial member of MESSAGE_CREATE."""
    data: dict[str, Any] = {
        "nick": None,
        "avatar": None,
        "banner": None,
        "roles": list(roles),
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if person is not None:
        data["user"] = person
    return data


def guild_create(
    guild_id: str,
    name: str,
    owner_id: str,
    channels: list[dict[str, Any]],
    bot_member: dict[str, Any],
    member_count: int,
) -> dict[str, Any]:
    """The GUILD_CREATE payload for an available guild the bot is in."""
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "icon_hash": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": owner_id,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [role(guild_id, "@everyone", 0, "1071698660929")],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": channels[0]["id"] if channels else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_members": 500_000,
        "max_video_channel_users": 25,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "nsfw": False,
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "large": False,
        "lazy": True,
        "unavailable": False,
        "member_count": member_count,
        "voice_states": [],
        "members": [bot_member],
        "channels": [{k: v for k, v in c.items() if k != "guild_id"} for c in channels],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        "activity_instances": [],
        "incidents_data": None,
        "latest_onboarding_question_id": None,
        "hub_type": None,
        "version": int(time.time() * 1000),
    }


def mentioned_ids(content: str) -> list[str]:
    """The user ids `<@id>` / `<@!id>` mentions in `content` name, each once, in order."""
    return list(dict.fromkeys(_MENTION.findall(content)))


def message(
    message_id: str,
    channel_id: str,
    author: dict[str, Any],
    content: str,
    *,
    guild_id: str | None = None,
    author_member: dict[str, Any] | None = None,
    mentions: Sequence[dict[str, Any]] = (),
    embeds: Sequence[dict[str, Any]] = (),
    components: Sequence[dict[str, Any]] = (),
    flags: int = 0,
    message_reference: dict[str, Any] | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """A message object; with `guild_id` it has the author's partial member, as the gateway's."""
    data: dict[str, Any] = {
        "id": message_id,
        "type": REPLY_MESSAGE if message_reference else DEFAULT_MESSAGE,
        "channel_id": channel_id,
        "author": author,
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": list(mentions),
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": list(embeds),
        "components": list(components),
        "reactions": [],
        "pinned": False,
        "flags": flags,
    }
    if nonce is not None:
        data["nonce"] = nonce
    if guild_id is not None:
        data["guild_id"] = guild_id
        if author_member is not None:
            data["member"] = author_member
    if message_reference is not None:
        data["message_reference"] = {"type": 0, **message_reference}
        data["referenced_message"] = None
    return data


def blank_content(data: dict[str, Any]) -> dict[str, Any]:
    """The message as an app without the Message Content intent receives it."""
    return {
        **data,
        "content": "",
        "embeds": [],
        "attachments": [],
        "components": [],
        **({"poll": None} if "poll" in data else {}),
    }


def interaction(
    interaction_id: str,
    application_id: str,
    kind: int,
    token: str,
    data: dict[str, Any] | None,
    *,
    person: dict[str, Any],
    channel: dict[str, Any],
    guild_id: str | None,
    message_data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload, from a guild (with member) or a DM (with user)."""
    payload: dict[str, Any] = {
        "id": interaction_id,
        "application_id": application_id,
        "type": kind,
        "token": token,
        "version": 1,
        "channel": channel,
        "channel_id": channel["id"],
        "app_permissions": ALL_PERMISSIONS,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if data is not None:
        payload["data"] = data
    if guild_id is not None:
        payload["guild"] = {"id": guild_id, "locale": "en-US", "features": []}
        payload["guild_id"] = guild_id
        payload["guild_locale"] = "en-US"
        payload["member"] = {**member(person), "permissions": ALL_PERMISSIONS}
        payload["authorizing_integration_owners"] = {"0": guild_id}
        payload["context"] = 0
    else:
        payload["user"] = person
        payload["authorizing_integration_owners"] = {"1": person["id"]}
        payload["context"] = 1
    if message_data is not None:
        payload["message"] = message_data
    return payload


def with_component_ids(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Components as Discord echoes them back: each with a numeric `id` in document order."""
    counter = itertools.count(1)

    def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            copy = {**item, "id": item.get("id") or next(counter)}
            if "components" in copy:
                copy["components"] = walk(copy["components"])
            out.append(copy)
        return out

    return walk(components)

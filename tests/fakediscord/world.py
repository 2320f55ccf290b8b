"""What the fake Discord knows: the bot and its application, its servers (one unless asked for
more), their channels, the people who write in them, every message, every interaction and the
registered commands.

With `guild_shards = n` there is one server per shard of n: the i-th has an id Discord routes to
shard i (`(guild_id >> 22) % n == i`). The first server is the default one (`guild_id`).

Only the fake's event loop thread changes a `World`; tests read it through `FakeDiscord`.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakediscord import payloads as p

INTERACTION_DEADLINE = 3.0  # seconds Discord gives for the first response
TOKEN_LIFETIME = 15 * 60.0  # seconds an interaction token takes followups


@dataclass(slots=True)
class InteractionState:
    """One interaction the fake dispatched, and how the bot has answered it so far."""

    id: str
    token: str
    kind: int
    channel_id: str
    guild_id: str | None
    dispatched_at: float
    name: str = ""
    callback_type: int | None = None
    original_message_id: str | None = None
    followup_ids: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        """Whether the first response (of any type) has been given."""
        return self.callback_type is not None


@dataclass(slots=True)
class Guild:
    """One server the bot is in."""

    id: str
    name: str
    channel_ids: list[str] = field(default_factory=list)


class World:
    """The bot's Discord: users, guilds with text channels, DMs, messages and interactions."""

    def __init__(self, *, bot_user_id: str, channel_count: int = 3, guild_shards: int = 1) -> None:
        """A bot user (id from its token), its application, and a guild with a few channels for
        each of `guild_shards` shards (the i-th routed to shard i)."""
        if guild_shards < 1:
            raise ValueError("guild_shards must be at least 1")
        self.ids = p.Snowflakes()
        self.bot_user = p.user(bot_user_id, "Concierge", bot=True)
        self.owner = p.user(self.ids.next(), "Server Owner")
        self.application = p.application(bot_user_id, self.owner)
        self.application_id = bot_user_id
        self.guilds: dict[str, Guild] = {}
        self.channels: dict[str, dict[str, Any]] = {}  # the text channels of every guild
        self.dm_channels: dict[str, dict[str, Any]] = {}
        self._dm_by_user: dict[str, str] = {}
        self.users: dict[str, dict[str, Any]] = {self.owner["id"]: self.owner}
        self.messages: dict[str, dict[str, Any]] = {}
        self.interactions: dict[str, InteractionState] = {}
        self._by_token: dict[str, InteractionState] = {}
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        for shard in range(guild_shards):
            name = "Ballerina Fans" if shard == 0 else f"Ballerina Fans {shard + 1}"
            guild_id = self.ids.for_shard(shard, guild_shards) if guild_shards > 1 else None
            self.new_guild(name, guild_id=guild_id, channel_count=channel_count)
        self.guild_id = next(iter(self.guilds))  # the default guild
        self.guild_name = self.guilds[self.guild_id].name

    # people and places ------------------------------------------------------------------------

    def new_guild(self, name: str, *, guild_id: str | None = None, channel_count: int = 3) -> Guild:
        """A new guild the bot is in, with `channel_count` text channels."""
        guild = Guild(guild_id or self.ids.next(), name)
        self.guilds[guild.id] = guild
        for number in range(channel_count):
            self.new_channel(f"general-{number}", guild_id=guild.id)
        return guild

    def guild_of(self, channel_id: str) -> str | None:
        """The guild a channel is in (None for a DM channel or an unknown one)."""
        channel = self.channels.get(channel_id)
        return str(channel["guild_id"]) if channel is not None else None

    def first_channel(self, guild_id: str | None = None) -> str:
        """The first text channel of a guild (default: the default guild)."""
        return self.guilds[guild_id or self.guild_id].channel_ids[0]

    def new_user(self, name: str | None = None) -> dict[str, Any]:
        """A new person in the server."""
        user_id = self.ids.next()
        person = p.user(user_id, name or f"fan{user_id[-6:]}")
        self.users[user_id] = person
        return person

    def new_channel(
        self, name: str | None = None, *, guild_id: str | None = None
    ) -> dict[str, Any]:
        """A new text channel in a guild (default: the default guild)."""
        guild = self.guilds[guild_id or self.guild_id]
        channel_id = self.ids.next()
        channel = p.text_channel(
            channel_id, guild.id, name or f"channel-{channel_id[-5:]}", len(guild.channel_ids)
        )
        self.channels[channel_id] = channel
        guild.channel_ids.append(channel_id)
        return channel

    def dm_channel_for(self, person: dict[str, Any]) -> dict[str, Any]:
        """The DM channel between the bot and `person`, opened on first use."""
        channel_id = self._dm_by_user.get(person["id"])
        if channel_id is None:
            channel_id = self.ids.next()
            self._dm_by_user[person["id"]] = channel_id
            self.dm_channels[channel_id] = p.dm_channel(channel_id, person)
        return self.dm_channels[channel_id]

    def channel(self, channel_id: str) -> dict[str, Any] | None:
        """A guild or DM channel by id."""
        return self.channels.get(channel_id) or self.dm_channels.get(channel_id)

    def guild_create(self, guild_id: str | None = None) -> dict[str, Any]:
        """The GUILD_CREATE payload for a guild (default: the default guild) as it is now."""
        guild = self.guilds[guild_id or self.guild_id]
        bot_member = p.member(self.bot_user)
        return p.guild_create(
            guild.id,
            guild.name,
            self.owner["id"],
            [self.channels[channel_id] for channel_id in guild.channel_ids],
            bot_member,
            member_count=len(self.users) + 1,
        )

    # messages -----------------------------------------------------------------------------

    def user_message(
        self, person: dict[str, Any], channel_id: str, content: str, **extra: Any
    ) -> dict[str, Any]:
        """A message `person` writes in a channel (guild or DM), complete, as Discord stores it."""
        guild_id = self.guild_of(channel_id)
        mentions = []
        for user_id in p.mentioned_ids(content):
            known = self.bot_user if user_id == self.bot_user["id"] else self.users.get(user_id)
            if known is None:
                continue
            mention = dict(known)
            if guild_id is not None:
                mention["member"] = p.member(None)
            mentions.append(mention)
        data = p.message(
            self.ids.next(),
            channel_id,
            person,
            content,
            guild_id=guild_id,
            author_member=p.member(None) if guild_id else None,
            mentions=mentions,
            nonce=str(int(time.time() * 1000)),
            **extra,
        )
        self.messages[data["id"]] = data
        return data

    def bot_message(
        self, channel_id: str, body: dict[str, Any], *, flags: int = 0
    ) -> dict[str, Any]:
        """A message the bot created from a request body, as the API returns it."""
        reference = body.get("message_reference") or None
        if reference is not None:
            reference = {
                "message_id": str(reference["message_id"]),
                "channel_id": str(reference.get("channel_id") or channel_id),
                **({"guild_id": str(reference["guild_id"])} if reference.get("guild_id") else {}),
            }
        embeds = [{"type": "rich", **embed} for embed in body.get("embeds") or []]
        data = p.message(
            self.ids.next(),
            channel_id,
            self.bot_user,
            body.get("content") or "",
            embeds=embeds,
            components=p.with_component_ids(body.get("components") or []),
            flags=(body.get("flags") or 0) | flags,
            message_reference=reference,
        )
        guild_id = self.guild_of(channel_id)
        if guild_id is not None:
            data["guild_id"] = guild_id
        self.messages[data["id"]] = data
        return data

    # interactions ---------------------------------------------------------------------------

    def new_interaction(
        self,
        kind: int,
        data: dict[str, Any] | None,
        person: dict[str, Any],
        channel_id: str,
        *,
        message_data: dict[str, Any] | None = None,
        now: float,
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE payload, remembered so its callbacks can be checked."""
        channel = self.channel(channel_id)
        if channel is None:
            raise KeyError(f"no channel {channel_id}")
        guild_id = self.guild_of(channel_id)
        interaction_id = self.ids.next()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        state = InteractionState(
            interaction_id,
            token,
            kind,
            channel_id,
            guild_id,
            now,
            name=(data or {}).get("name", ""),
        )
        self.interactions[interaction_id] = state
        self._by_token[token] = state
        return p.interaction(
            interaction_id,
            self.application_id,
            kind,
            token,
            data,
            person=person,
            channel=channel,
            guild_id=guild_id,
            message_data=message_data,
        )

    def interaction_by_token(self, token: str) -> InteractionState | None:
        """The interaction whose token this is."""
        return self._by_token.get(token)

    def command_id(self, name: str, kind: int = p.CHAT_INPUT) -> str:
        """The id Discord gave the command when it was synced (any scope), or a fresh one."""
        for commands in self.commands.values():
            for command in commands:
                if command["name"] == name and command.get("type", 1) == kind:
                    return str(command["id"])
        return self.ids.next()

    def register_commands(self, guild_id: str | None, body: list[dict[str, Any]]) -> list[Any]:
        """Bulk-overwrite the commands of one scope; return them as Discord does, with ids."""
        registered = []
        for command in body:
            registered.append(
                {
                    "id": self.command_id(command["name"], command.get("type", 1)),
                    "application_id": self.application_id,
                    "version": self.ids.next(),
                    "type": command.get("type", 1),
                    "description": command.get("description", ""),
                    "default_member_permissions": None,
                    "dm_permission": True,
                    "nsfw": False,
                    "integration_types": [0],
                    "contexts": None,
                    **command,
                    **({"guild_id": guild_id} if guild_id else {}),
                }
            )
        self.commands[guild_id] = registered
        return registered

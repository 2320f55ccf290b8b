"""`/concierge autoanswer add | remove | list`: Manage Server, checked again on every use.

The group is put under `/concierge` by the auto-answer cog when it loads; the work (the store,
the channels in use) is the cog's.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands

from bot.adapter.exts.admin import require_manager, within_deadline
from bot.adapter.views import send_private
from bot.autoanswer.policy import ChannelRule
from bot.storage import StoreUnavailable

if TYPE_CHECKING:
    from bot.adapter.exts.autoanswer import AutoAnswer

AutoChannel = discord.TextChannel | discord.ForumChannel
NEEDS_MODERATORS = "Trial mode needs a moderators' channel for its drafts: give `moderators`."
STORE_DOWN = "I couldn't reach my store just now, so nothing changed. Please try again shortly."


class AutoAnswerCommands(app_commands.Group):
    """Channels where I answer questions without being mentioned."""

    def __init__(self, cog: AutoAnswer) -> None:
        """Keep the cog; the group is added under `/concierge` when the cog loads."""
        super().__init__(name="autoanswer", description="Channels I answer in unasked")
        self.cog = cog

    @app_commands.command(name="add")
    @app_commands.describe(
        channel="A text or forum channel (its threads and posts count as it)",
        mode="live answers in the channel; trial posts drafts for moderators first",
        moderators="Where trial drafts go (needed for trial)",
        support_role="The role 'Ask a human' mentions (optional)",
    )
    async def add(
        self,
        interaction: discord.Interaction[Any],
        channel: AutoChannel,
        mode: Literal["live", "trial"] = "live",
        moderators: discord.TextChannel | None = None,
        support_role: discord.Role | None = None,
    ) -> None:
        """Answer questions asked in a channel, only when sure."""
        if not await require_manager(interaction) or interaction.guild_id is None:
            return
        if mode == "trial" and moderators is None:
            await send_private(interaction, content=NEEDS_MODERATORS)
            return
        rule = ChannelRule(
            interaction.guild_id,
            channel.id,
            mode,
            moderators.id if moderators else 0,
            support_role.id if support_role else 0,
        )
        await self._answer(interaction, self.cog.add_rule(rule, interaction.user.id))

    @app_commands.command(name="remove")
    @app_commands.describe(channel="The channel to stop answering in")
    async def remove(self, interaction: discord.Interaction[Any], channel: AutoChannel) -> None:
        """Stop answering unasked in a channel."""
        if not await require_manager(interaction) or interaction.guild_id is None:
            return
        await self._answer(interaction, self.cog.remove_rule(interaction.guild_id, channel.id))

    @app_commands.command(name="list")
    async def list_channels(self, interaction: discord.Interaction[Any]) -> None:
        """The channels I answer in unasked, and why not if I can't."""
        if not await require_manager(interaction) or interaction.guild_id is None:
            return
        await send_private(interaction, content=self.cog.listing(interaction.guild_id))

    async def _answer(self, interaction: discord.Interaction[Any], change: Awaitable[str]) -> None:
        """Make a change in the store and say how it went, in time for Discord's deadline."""
        try:
            content = await within_deadline(interaction, change)
        except StoreUnavailable:
            content = STORE_DOWN
        await send_private(interaction, content=content)

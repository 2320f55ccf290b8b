"""Browsing: `/faq` pages through everything the bot knows by topic; `/about` sums it up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.adapter import render
from bot.adapter.views import faq_message, send_private

if TYPE_CHECKING:
    from bot.adapter.client import ConciergeBot


class Browse(commands.Cog):
    """The knowledge base laid out for reading rather than asking."""

    def __init__(self, bot: ConciergeBot) -> None:
        """Keep the bot for its knowledge base."""
        self.bot = bot

    @app_commands.command(name="faq")
    async def faq(self, interaction: discord.Interaction[Any]) -> None:
        """Browse everything Concierge knows, topic by topic (only you see it)."""
        message = faq_message(self.bot.kb, 0)
        if message is None:
            await send_private(interaction, content=render.empty_faq_text())
            return
        embed, view = message
        await send_private(interaction, embed=embed, view=view)

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction[Any]) -> None:
        """What Concierge knows: its sources, how many answers, and its version."""
        embed = render.about_embed(self.bot.kb.summary(), __version__)
        await send_private(interaction, embed=embed)


async def setup(bot: ConciergeBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Browse(bot))

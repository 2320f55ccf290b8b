"""Running the bot from Discord: `/concierge reload`, `/concierge gaps`, `/concierge stats`.

The group is guild-only and needs Manage Server by default (`default_permissions`); server owners
can change who sees it in Server Settings → Integrations. Because that setting can be changed,
the bot checks Manage Server itself on every command and button too. `/concierge reload`
reloads the knowledge base for every server, so `admin.reload_guild_ids` can keep it to some.
Everything here answers privately. What reads the store may be slow (a busy database, a locked
file): it is acknowledged before Discord's 3 s deadline and answered when the store is done.
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
import re
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import reports
from bot.adapter.views import Button, _safely, pager_button, send_private
from bot.storage import Gap, StoreUnavailable

if TYPE_CHECKING:
    from bot.adapter.client import ConciergeBot

log = logging.getLogger(__name__)

T = TypeVar("T")
# Discord drops an interaction not answered within 3 s: a slower store gets a "thinking…" first.
ACKNOWLEDGE_WITHIN_SECONDS = 2.0

NEEDS_MANAGE_SERVER = "You need the **Manage Server** permission to use this."
RELOAD_NOT_HERE = (
    "Reloading is not allowed from this server: the bot's owner keeps it to "
    "`admin.reload_guild_ids`."
)


async def within_deadline(
    interaction: discord.Interaction[Any], work: Awaitable[T], *, update: bool = False
) -> T:
    """Await `work`; if it is still running near Discord's deadline, acknowledge first.

    A command gets a private "thinking…" (its answer then follows it); a button press
    (`update`) a silent deferral, and the answer then edits the message the button is on.
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=ACKNOWLEDGE_WITHIN_SECONDS)
    if not done and not interaction.response.is_done():
        if update:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
    return await task


async def require_manager(interaction: discord.Interaction[Any]) -> bool:
    """True for a member with Manage Server in a server; otherwise tell them so, privately."""
    if interaction.guild_id is None or not interaction.permissions.manage_guild:
        await send_private(interaction, content=NEEDS_MANAGE_SERVER)
        return False
    return True


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Admin(commands.GroupCog, group_name="concierge"):
    """Run Concierge: reload its knowledge, see what it can't answer and how its answers do."""

    def __init__(self, bot: ConciergeBot) -> None:
        """Keep the bot for its reloader, recorder and knowledge base."""
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        """Register the persistent page buttons of `/concierge gaps`."""
        self.bot.add_dynamic_items(GapsPageButton)

    async def cog_unload(self) -> None:
        """Unregister them again."""
        self.bot.remove_dynamic_items(GapsPageButton)

    @app_commands.command(name="reload")
    async def reload(self, interaction: discord.Interaction[Any]) -> None:
        """Reload the knowledge base from its files; if anything is wrong, the old one stays."""
        if not await require_manager(interaction):
            return
        allowed = self.bot.settings.admin.reload_guild_ids
        if allowed and interaction.guild_id not in allowed:
            await send_private(interaction, content=RELOAD_NOT_HERE)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        trigger = f"/concierge reload by {interaction.user.id} in server {interaction.guild_id}"
        result = await self.bot.reloader.reload(trigger)
        content, problems = reports.reload_report(result)
        if problems is None:
            await interaction.followup.send(content, ephemeral=True)
            return
        attachment = discord.File(io.BytesIO(problems.encode()), filename=reports.PROBLEMS_FILENAME)
        await interaction.followup.send(content, file=attachment, ephemeral=True)

    @app_commands.command(name="gaps")
    @app_commands.describe(page="Which page (10 questions a page, most asked first)")
    async def gaps(
        self, interaction: discord.Interaction[Any], page: app_commands.Range[int, 1, 10000] = 1
    ) -> None:
        """The questions asked here most often that I could not answer."""
        if not await require_manager(interaction):
            return
        await show_gaps(interaction, page - 1, edit=False)

    @app_commands.command(name="stats")
    async def stats(self, interaction: discord.Interaction[Any]) -> None:
        """How often I answer questions here, and which answers people found helpful."""
        if not await require_manager(interaction):
            return

        async def build() -> discord.Embed:
            stats = await self.bot.recorder.stats(guild_id=interaction.guild_id)
            retention = self.bot.settings.storage.retention_days
            embed = reports.stats_embed(stats, self.bot.kb, retention_days=retention)
            autoanswer = self.bot.get_cog("AutoAnswer")
            if autoanswer is not None:  # bot/adapter/exts/autoanswer.py: its figures per channel
                await autoanswer.add_figures(embed, interaction.guild_id)  # type: ignore[attr-defined]
            return embed

        try:
            # Everything that reads the store runs before the deadline check, figures included.
            embed = await within_deadline(interaction, build())
        except StoreUnavailable:
            await send_private(interaction, content=reports.STORE_DOWN)
            return
        await send_private(interaction, embed=embed)


async def show_gaps(interaction: discord.Interaction[Any], page: int, *, edit: bool) -> None:
    """Show one page of this server's gaps (the last page if `page` is past it)."""
    bot = cast("ConciergeBot", interaction.client)
    size = reports.GAPS_PAGE_SIZE
    guild_id = interaction.guild_id

    async def fetch(page: int) -> tuple[int, list[Gap], int]:
        gaps, total = await bot.recorder.gaps(guild_id=guild_id, limit=size, offset=page * size)
        last = max(1, math.ceil(total / size)) - 1
        if page > last:
            page = last
            gaps, total = await bot.recorder.gaps(guild_id=guild_id, limit=size, offset=page * size)
        return page, gaps, total

    try:
        page, gaps, total = await within_deadline(interaction, fetch(page), update=edit)
    except StoreUnavailable:
        await send_private(interaction, content=reports.STORE_DOWN)
        return
    pages = max(1, math.ceil(total / size))
    embed = reports.gaps_embed(
        gaps,
        page=page,
        pages=pages,
        total=total,
        retention_days=bot.settings.storage.retention_days,
    )
    view = discord.ui.View(timeout=None)
    if pages > 1:
        view.add_item(GapsPageButton("prev", page, disabled=page == 0))
        view.add_item(GapsPageButton("next", page, disabled=page >= pages - 1))
    if edit and interaction.response.is_done():
        await interaction.edit_original_response(embed=embed, view=view)
    elif edit:
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        await send_private(interaction, embed=embed, view=view)


class GapsPageButton(
    discord.ui.DynamicItem[Button],
    template=r"concierge:gaps:(?P<direction>prev|next):(?P<page>\d{1,5})",
):
    """The previous / next page button of `/concierge gaps`."""

    def __init__(self, direction: str, page: int, *, disabled: bool = False) -> None:
        """`direction` is "prev" or "next"; `page` is the (0-based) page it is shown on."""
        super().__init__(pager_button("concierge:gaps", direction, page, disabled=disabled))
        self.direction = direction
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> GapsPageButton:
        """Rebuild the button from a click."""
        return cls(match["direction"], int(match["page"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Turn the page, after checking the presser may see the gaps."""
        target = max(self.page - 1 if self.direction == "prev" else self.page + 1, 0)

        async def turn() -> None:
            if await require_manager(interaction):
                await show_gaps(interaction, target, edit=True)

        await _safely(interaction, turn, self.custom_id)


async def setup(bot: ConciergeBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Admin(bot))

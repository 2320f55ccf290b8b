"""`/concierge suggestions`: what the bot proposes from use, one proposal a page, for an admin.

Each page shows one proposal: an alias (the phrasings people resolved to an entry, how often,
what the bot answers them with today, and whether it passed `data/checks.yaml`) or a missing
entry (a group of gaps). Approve writes the alias into curation.yaml, validates the whole
knowledge base and hot reloads it; Edit does the same with the admin's own wording (checked
again); Reject records that it is not wanted. Like the rest of `/concierge`: guild-only, Manage
Server by default and checked again on every press, answered privately. The buttons' ids carry
the proposal id, so they work after a restart: a proposal decided meanwhile just says so.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter import render
from bot.adapter.exts.admin import require_manager, within_deadline
from bot.adapter.views import Button, _safely, pager_button, send_private
from bot.core import KnowledgeBaseError
from bot.core.checks import load_checks
from bot.core.proposals import AliasProposal, Proposal, Proposals
from bot.storage import StoreUnavailable
from bot.suggestions import service

if TYPE_CHECKING:
    from bot.adapter.client import ConciergeBot

log = logging.getLogger(__name__)

PREFIX = "concierge:sugg"
NO_STORE = "Suggestions need the bot's store, and it is not open: nothing has been recorded."
NOTHING_YET = (
    "Nothing to suggest yet. Proposals come from people pressing “Did you mean” buttons and "
    "from questions asked again and again that nobody could answer."
)
GONE = "That proposal was decided already, or is no longer proposed: `/concierge suggestions`."
PHRASINGS_SHOWN = 6
LABELS = {"approve": ("Approve", "✅"), "edit": ("Edit…", "✏️"), "reject": ("Reject", "✖️")}


def _now(today: str | None, outcome: str) -> str:
    return f"answered with `{today}`" if today else outcome


def proposal_embed(proposal: Proposal, page: int, pages: int) -> discord.Embed:
    """One proposal as an embed: what it adds, the evidence, and what the checks said."""
    lines = [
        f"**{p.count}×** {render.quote_user_text(p.text, 150)} · now {_now(p.today, p.outcome)}"
        for p in proposal.phrasings[:PHRASINGS_SHOWN]
    ]
    if isinstance(proposal, AliasProposal):
        embed = discord.Embed(
            title=render.truncate(f"Alias for “{proposal.entry_title}”", 256),
            description=f"Add **{render.quote_user_text(proposal.alias, 300)}** "
            f"to `{proposal.entry_id}`: resolved to it {proposal.occasions} times.",
        )
        if proposal.safe:
            verdict = f"✅ Passes every check; with it, {proposal.fixed} of these get the entry."
        else:
            reasons = [proposal.problem] if proposal.problem else []
            reasons += [
                f"“{c.question}” would get `{c.after or 'no answer'}` "
                f"instead of `{c.before or 'no answer'}`"
                for c in proposal.changes
            ]
            verdict = "⚠️ Flagged: " + "; ".join(reasons)
        embed.add_field(name="Checks", value=render.truncate(verdict, 1024), inline=False)
    else:
        embed = discord.Embed(
            title="Missing entry",
            description=f"Asked {proposal.total} times and nobody could answer it: write an "
            "entry for it, then `/concierge reload`.",
        )
    embed.add_field(
        name="Asked as", value=render.truncate("\n".join(lines) or "—", 1024), inline=False
    )
    embed.set_footer(text=f"Proposal {page + 1} of {pages} · {proposal.id}")
    return embed


def proposal_view(proposal: Proposal, page: int, pages: int) -> discord.ui.View:
    """Approve / Edit / Reject for this proposal, and the page buttons."""
    view = discord.ui.View(timeout=None)
    if isinstance(proposal, AliasProposal):
        view.add_item(DecideButton("approve", proposal.id))
        view.add_item(DecideButton("edit", proposal.id))
    view.add_item(DecideButton("reject", proposal.id))
    if pages > 1:
        view.add_item(PageButton("prev", page, disabled=page == 0))
        view.add_item(PageButton("next", page, disabled=page >= pages - 1))
    return view


async def _current(bot: ConciergeBot) -> Proposals:
    store = bot.recorder.store
    if store is None:
        raise StoreUnavailable("no store")
    checks = await asyncio.to_thread(load_checks, bot.reloader.data_dir, bot.kb)
    return await service.current(store, bot.engine, checks, bot.settings.suggestions)


async def show_page(interaction: discord.Interaction[Any], page: int, *, edit: bool) -> None:
    """Show proposal `page` (the last one if `page` is past it)."""
    bot = cast("ConciergeBot", interaction.client)
    try:
        proposals = await within_deadline(interaction, _current(bot), update=edit)
    except StoreUnavailable:
        await send_private(interaction, content=NO_STORE)
        return
    except KnowledgeBaseError as error:
        await send_private(interaction, content=render.truncate(f"data/checks.yaml: {error}", 1900))
        return
    items = proposals.all()
    if not items:
        await send_private(interaction, content=NOTHING_YET)
        return
    page = max(0, min(page, len(items) - 1))
    embed = proposal_embed(items[page], page, len(items))
    view = proposal_view(items[page], page, len(items))
    if edit and interaction.response.is_done():
        await interaction.edit_original_response(embed=embed, view=view)
    elif edit:
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        await send_private(interaction, embed=embed, view=view)


async def decide(
    interaction: discord.Interaction[Any], action: str, proposal_id: str, alias: str | None = None
) -> None:
    """Approve (with the admin's wording, from Edit) or reject a proposal, and say what happened."""
    if not await require_manager(interaction):
        return
    bot = cast("ConciergeBot", interaction.client)
    by = interaction.user.name

    async def work() -> service.Outcome | None:
        proposals = await _current(bot)
        proposal = proposals.get(proposal_id)
        if proposal is None:
            return None
        store = bot.recorder.store
        if action == "reject":
            return await service.reject(store, proposal, by)
        checks = await asyncio.to_thread(load_checks, bot.reloader.data_dir, bot.kb)
        return await service.approve(
            store,
            bot.engine,
            checks,
            bot.reloader.data_dir,
            proposal,
            by,
            alias=alias,
            reloader=bot.reloader,
        )

    try:
        outcome = await within_deadline(interaction, work())
    except StoreUnavailable:
        await send_private(interaction, content=NO_STORE)
        return
    if outcome is None:
        await send_private(interaction, content=GONE)
        return
    text = outcome.message
    text += "".join(f"\n• {problem}" for problem in outcome.problems[:10])
    if outcome.by_hand:
        text += f"\n```yaml\n{outcome.by_hand}```"
    await send_private(interaction, content=render.truncate(text, 1900))


class EditAlias(discord.ui.Modal, title="Approve with your wording"):
    """The alias as the admin wants it written, approved on submit."""

    def __init__(self, proposal_id: str, alias: str) -> None:
        """Prefill the proposed alias."""
        super().__init__()
        self.proposal_id = proposal_id
        self.alias: discord.ui.TextInput[EditAlias] = discord.ui.TextInput(
            label="Alias", custom_id="alias", default=alias, max_length=200
        )
        self.add_item(self.alias)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Approve the proposal with this wording."""
        await _safely(
            interaction,
            lambda: decide(interaction, "approve", self.proposal_id, self.alias.value),
            "suggestion edit",
        )


class DecideButton(
    discord.ui.DynamicItem[Button],
    template=r"concierge:sugg:(?P<action>approve|edit|reject):(?P<pid>[ae]-[0-9a-f]{8})",
):
    """Approve, Edit or Reject one proposal."""

    def __init__(self, action: str, proposal_id: str) -> None:
        """Build the button for `action` on `proposal_id`."""
        label, emoji = LABELS[action]
        style = (
            discord.ButtonStyle.success if action == "approve" else discord.ButtonStyle.secondary
        )
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=style,
                custom_id=f"{PREFIX}:{action}:{proposal_id}",
            )
        )
        self.action = action
        self.proposal_id = proposal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DecideButton:
        """Rebuild the button from a press."""
        return cls(match["action"], match["pid"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Decide, or for Edit open the form with the proposed alias."""
        if self.action == "edit":
            await _safely(interaction, lambda: self._edit(interaction), self.custom_id)
            return
        await _safely(
            interaction, lambda: decide(interaction, self.action, self.proposal_id), self.custom_id
        )

    async def _edit(self, interaction: discord.Interaction[Any]) -> None:
        if not await require_manager(interaction):
            return
        bot = cast("ConciergeBot", interaction.client)
        try:
            proposals = await _current(bot)
        except StoreUnavailable:
            await send_private(interaction, content=NO_STORE)
            return
        proposal = proposals.get(self.proposal_id)
        if not isinstance(proposal, AliasProposal):
            await send_private(interaction, content=GONE)
            return
        await interaction.response.send_modal(EditAlias(proposal.id, proposal.alias))


class PageButton(
    discord.ui.DynamicItem[Button],
    template=r"concierge:sugg:(?P<direction>prev|next):(?P<page>\d{1,5})",
):
    """The previous / next proposal."""

    def __init__(self, direction: str, page: int, *, disabled: bool = False) -> None:
        """Build the button on page `page`."""
        super().__init__(pager_button(PREFIX, direction, page, disabled=disabled))
        self.direction = direction
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        """Rebuild the button from a press."""
        return cls(match["direction"], int(match["page"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Turn the page, after checking the presser may see the suggestions."""
        target = self.page - 1 if self.direction == "prev" else self.page + 1

        async def turn() -> None:
            if await require_manager(interaction):
                await show_page(interaction, max(target, 0), edit=True)

        await _safely(interaction, turn, self.custom_id)


ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (DecideButton, PageButton)


class Suggestions(commands.Cog):
    """Puts `/concierge suggestions` under the admin group and registers its buttons."""

    def __init__(self, bot: ConciergeBot) -> None:
        """Keep the bot; build the command, added to `/concierge` when the cog loads."""
        self.bot = bot

        async def suggestions(interaction: discord.Interaction[Any]) -> None:
            if await require_manager(interaction):
                await show_page(interaction, 0, edit=False)

        self.command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name="suggestions",
            description="Aliases and missing entries proposed from how people ask",
            callback=suggestions,
        )

    async def cog_load(self) -> None:
        """Register the buttons and add the command to `/concierge`."""
        self.bot.add_dynamic_items(*ITEMS)
        group = getattr(self.bot.get_cog("Admin"), "app_command", None)
        if isinstance(group, app_commands.Group):
            group.add_command(self.command)
        else:
            log.warning("the admin extension is not loaded: /concierge suggestions is missing")

    async def cog_unload(self) -> None:
        """Take the command and the buttons off again."""
        self.bot.remove_dynamic_items(*ITEMS)
        group = getattr(self.bot.get_cog("Admin"), "app_command", None)
        if isinstance(group, app_commands.Group):
            group.remove_command(self.command.name)


async def setup(bot: ConciergeBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Suggestions(bot))

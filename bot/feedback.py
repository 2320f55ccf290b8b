"""Feedback under an answer: helpful / not helpful, and a dismiss button for the asker.

Like every component (see `bot.views`), these are `DynamicItem`s whose custom ids carry what they
act on, so they work on answers sent before a restart:

- `concierge:vote:up:<entry_id>` and `concierge:vote:down:<entry_id>`: one vote per person per
  answer message, changeable by pressing the other button. The vote is committed to the store
  before the voter is thanked, privately; if it cannot be, the voter is told so instead.
- `concierge:dismiss:<asker_id>`: deletes the answer, for the person who asked only.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.storage import DM_GUILD_ID, StoreUnavailable, Vote, VoteChange
from bot.views import CUSTOM_ID_LIMIT, Button, _safely, send_private

if TYPE_CHECKING:
    from bot.client import ConciergeBot

log = logging.getLogger(__name__)

VOTE_PREFIX = "concierge:vote:"
DISMISS_PREFIX = "concierge:dismiss:"
HELPFUL_LABEL = "Helpful"
NOT_HELPFUL_LABEL = "Not helpful"
DISMISS_LABEL = "Dismiss"
# Discord wants an interaction answered within 3 s: a slower store gets a "thinking…" first.
ACKNOWLEDGE_WITHIN_SECONDS = 2.0

VOTE_FAILED = "Sorry, I couldn't save your vote just now. Please try again in a moment."
NOT_YOURS = "Only the person who asked can dismiss this answer."


def vote_text(change: VoteChange, helpful: bool) -> str:
    """The private thanks for a vote, once it is stored."""
    verdict = "helpful" if helpful else "not helpful"
    if change is VoteChange.SAME:
        return f"You already marked this answer {verdict}."
    if change is VoteChange.CHANGED:
        return f"Changed: you now find this answer {verdict}."
    if helpful:
        return "Thanks! I've noted that this answer helped. (Changed your mind? Press the other.)"
    return (
        "Thanks for telling me. I've noted that this answer didn't help, so the server's admins "
        "can improve it. (Changed your mind? Press the other.)"
    )


class VoteButton(
    discord.ui.DynamicItem[Button],
    template=r"concierge:vote:(?P<vote>up|down):(?P<entry_id>[\w-]{1,83})",
):
    """Helpful (up) or not helpful (down), for the entry an answer gave."""

    def __init__(self, entry_id: str, helpful: bool, *, row: int | None = None) -> None:
        """Build the up or down button for `entry_id`."""
        direction = "up" if helpful else "down"
        super().__init__(
            discord.ui.Button(
                label=HELPFUL_LABEL if helpful else NOT_HELPFUL_LABEL,
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{VOTE_PREFIX}{direction}:{entry_id}",
                row=row,
            )
        )
        self.entry_id = entry_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VoteButton:
        """Rebuild the button from a click."""
        return cls(match["entry_id"], match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Store the vote, then thank the voter privately."""
        await _safely(
            interaction, lambda: record_vote(interaction, self.entry_id, self.helpful), "vote"
        )


async def record_vote(interaction: discord.Interaction[Any], entry_id: str, helpful: bool) -> None:
    """Commit one vote and only then acknowledge it; say so if it could not be stored."""
    bot = cast("ConciergeBot", interaction.client)
    message = interaction.message
    if message is None:
        await interaction.response.defer()
        return
    vote = Vote(
        message_id=message.id,
        user_id=interaction.user.id,
        guild_id=interaction.guild_id or DM_GUILD_ID,
        entry_id=entry_id,
        helpful=helpful,
    )
    stored = asyncio.ensure_future(bot.recorder.vote(vote))
    done, _ = await asyncio.wait({stored}, timeout=ACKNOWLEDGE_WITHIN_SECONDS)
    if not done:
        await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        change = await stored
    except StoreUnavailable:
        await send_private(interaction, content=VOTE_FAILED)
        return
    await send_private(interaction, content=vote_text(change, helpful))


class DismissButton(
    discord.ui.DynamicItem[Button], template=r"concierge:dismiss:(?P<asker>\d{1,20})"
):
    """Deletes the answer it is on, when pressed by the person who asked."""

    def __init__(self, asker_id: int, *, row: int | None = None) -> None:
        """Build the button for the answer to `asker_id`'s question."""
        super().__init__(
            discord.ui.Button(
                label=DISMISS_LABEL,
                emoji="✖️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{DISMISS_PREFIX}{asker_id}",
                row=row,
            )
        )
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DismissButton:
        """Rebuild the button from a click."""
        return cls(int(match["asker"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Delete the answer for its asker; tell anyone else, privately, that they can't."""
        await _safely(interaction, lambda: dismiss(interaction, self.asker_id), "dismiss")


async def dismiss(interaction: discord.Interaction[Any], asker_id: int) -> None:
    """Delete the message the button is on, if the presser asked the question."""
    if interaction.user.id != asker_id:
        await send_private(interaction, content=NOT_YOURS)
        return
    await interaction.response.defer()
    await interaction.delete_original_response()


def feedback_items(entry_id: str, asker_id: int | None, *, row: int | None = None) -> list[Any]:
    """Vote buttons for `entry_id` (if its id fits a custom id); dismiss for a public answer."""
    items: list[Any] = []
    if len(VOTE_PREFIX) + len("down:") + len(entry_id) <= CUSTOM_ID_LIMIT and re.fullmatch(
        r"[\w-]{1,83}", entry_id
    ):
        items += [VoteButton(entry_id, True, row=row), VoteButton(entry_id, False, row=row)]
    if asker_id is not None:
        items.append(DismissButton(asker_id, row=row))
    return items


def with_feedback(
    view: discord.ui.View | None, entry_id: str, asker_id: int | None
) -> discord.ui.View | None:
    """`view` (or a new persistent view) with the feedback buttons on a row of their own."""
    row = 1 if view is not None and view.children else None
    items: Sequence[Any] = feedback_items(entry_id, asker_id, row=row)
    if not items:
        return view
    if view is None:
        view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


FEEDBACK_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (VoteButton, DismissButton)

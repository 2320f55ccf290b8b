"""Feedback under an answer: helpful / not helpful, and a dismiss button for the asker.

Like every component (see `bot.adapter.views`), these are `DynamicItem`s whose custom ids carry
what they act on, so they work on answers sent before a restart:

- `concierge:vote:up:<entry_id>` and `concierge:vote:down:<entry_id>`: one vote per person per
  answer message, changeable by pressing the other button. The vote is committed to the store
  before the voter is thanked, privately; if it cannot be, the voter is told so instead.
- `concierge:dismiss:<asker_id>`: deletes the answer, for the person who asked only.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.adapter.views import (
    CUSTOM_ID_LIMIT,
    Button,
    ComponentDict,
    Components,
    _safely,
    send_private,
)
from bot.storage import DM_GUILD_ID, StoreUnavailable, Vote, VoteChange
from bot.suggestions.buttons import NOT_HELPFUL_ALTERNATIVES, alternatives_view

if TYPE_CHECKING:
    from bot.adapter.protocols import RecordsVotes

log = logging.getLogger(__name__)

VOTE_PREFIX = "concierge:vote:"
DISMISS_PREFIX = "concierge:dismiss:"
_VOTABLE_ID = re.compile(r"[\w-]{1,83}")
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
    bot = cast("RecordsVotes", interaction.client)
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
    # "Not helpful" offers the entries the question came close to; a pick says what it meant.
    view = None if helpful else alternatives_view(interaction)
    text = vote_text(change, helpful) + (NOT_HELPFUL_ALTERNATIVES if view else "")
    await send_private(interaction, content=text, view=view)


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


def _votable(entry_id: str) -> bool:
    """Whether vote custom ids for `entry_id` fit Discord's limit and the buttons' template."""
    return len(VOTE_PREFIX) + len("down:") + len(entry_id) <= CUSTOM_ID_LIMIT and bool(
        _VOTABLE_ID.fullmatch(entry_id)
    )


@functools.lru_cache(maxsize=4096)
def _vote_components(entry_id: str) -> tuple[ComponentDict, ...]:
    """The two vote buttons for `entry_id` as Discord receives them (built once per entry)."""
    if not _votable(entry_id):
        return ()
    return tuple(VoteButton(entry_id, up).to_component_dict() for up in (True, False))


@functools.lru_cache(maxsize=1)
def _dismiss_template() -> ComponentDict:
    return dict(DismissButton(0).to_component_dict())


def dismiss_component(asker_id: int) -> ComponentDict:
    """The dismiss button for `asker_id`'s answer, as `DismissButton(asker_id)` sends it."""
    return {**_dismiss_template(), "custom_id": f"{DISMISS_PREFIX}{asker_id}"}


def with_feedback(
    components: Components | None, entry_id: str, asker_id: int | None
) -> Components | None:
    """`components` (or none) with the feedback buttons on a row of their own below them.

    Vote buttons when `entry_id` fits their custom ids; a dismiss button for a public answer.
    They are the dicts `VoteButton` and `DismissButton` send, built once per entry (dismiss from a
    template), since every answer carries them.
    """
    row = list(_vote_components(entry_id))
    if asker_id is not None:
        row.append(dismiss_component(asker_id))
    if not row:
        return components
    return Components([row]) if components is None else components.plus_row(row)


FEEDBACK_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (VoteButton, DismissButton)

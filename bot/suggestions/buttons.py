"""The "Did you mean" buttons that also note which entry the question meant.

`concierge:meant:<token>:<entry_id>` shows the entry like `concierge:show:<entry_id>` does, and
counts a resolution of the question the buttons were offered for: `token` names it in the
asking cog's `PendingQuestions`, in memory only (the question's text is never in a custom id).
After a restart, or once the question has been forgotten, the button still shows the entry and
records nothing. Each person counts once per question; only an entry that was offered counts.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.adapter import render
from bot.adapter.views import (
    CUSTOM_ID_LIMIT,
    SHOW_PREFIX,
    Button,
    Components,
    ShowEntryButton,
    _safely,
    show_entry,
)
from bot.core.model import Suggestion
from bot.suggestions.service import record_resolution
from bot.suggestions.store import Source

if TYPE_CHECKING:
    from bot.adapter.client import ConciergeBot

log = logging.getLogger(__name__)

MEANT_PREFIX = "concierge:meant:"
TOKEN_CHARS = 8
MAX_ENTRY_ID = CUSTOM_ID_LIMIT - len(MEANT_PREFIX) - TOKEN_CHARS - 1
BUTTONS_MAX = 5


@dataclass(slots=True)
class Pending:
    """A question the bot was unsure of, the entries it offered, and who has resolved it."""

    guild_id: int | None
    question: str
    offered: tuple[str, ...]
    source: Source = "button"
    pressed: set[int] = field(default_factory=set)


class PendingQuestions:
    """The questions offered "Did you mean" buttons lately, by token; the oldest forgotten."""

    def __init__(self, limit: int = 10_000) -> None:
        """Remember up to `limit` questions."""
        self._limit = limit
        self._items: OrderedDict[str, Pending] = OrderedDict()

    def __len__(self) -> int:
        """How many questions are remembered."""
        return len(self._items)

    def add(
        self,
        guild_id: int | None,
        question: str,
        offered: Sequence[str],
        source: Source = "button",
        *,
        key: str | None = None,
    ) -> str:
        """Remember a question and the entries offered for it; return its token (or `key`)."""
        token = key or secrets.token_hex(TOKEN_CHARS // 2)
        self._items[token] = Pending(guild_id, question, tuple(offered), source)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)
        return token

    def get(self, token: str) -> Pending | None:
        """The question remembered under `token`, if any."""
        return self._items.get(token)

    def resolve(self, token: str, user_id: int, entry_id: str) -> Pending | None:
        """The question when this person's press of `entry_id` counts, else None."""
        pending = self._items.get(token)
        if pending is None or entry_id not in pending.offered or user_id in pending.pressed:
            return None
        pending.pressed.add(user_id)
        return pending


class MeantButton(
    discord.ui.DynamicItem[Button],
    template=r"concierge:meant:(?P<token>[0-9a-f]{8}):(?P<entry_id>[\w-]{1,75})",
):
    """A "Did you mean" button: shows the entry and notes that the question meant it."""

    def __init__(self, token: str, entry_id: str, label: str) -> None:
        """Build the button for `entry_id`, offered for the question `token` names."""
        label = render.truncate(render.one_line(label), render.BUTTON_LABEL_LIMIT) or entry_id
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=f"{MEANT_PREFIX}{token}:{entry_id}",
            )
        )
        self.token = token
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MeantButton:
        """Rebuild the button from a click."""
        label = item.label if isinstance(item, discord.ui.Button) and item.label else ""
        return cls(match["token"], match["entry_id"], label or match["entry_id"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show the entry privately, then count the resolution."""

        async def act() -> None:
            await show_entry(interaction, self.entry_id)
            await note_resolution(interaction, self.token, self.entry_id)

        await _safely(interaction, act, self.custom_id)


async def note_resolution(interaction: discord.Interaction[Any], token: str, entry_id: str) -> None:
    """Record that the question behind `token` meant `entry_id`, if it is still remembered."""
    bot = cast("ConciergeBot", interaction.client)
    pending_questions = getattr(bot.get_cog("Ask"), "pending", None)
    if not isinstance(pending_questions, PendingQuestions):
        return
    pending = pending_questions.resolve(token, interaction.user.id, entry_id)
    if pending is None:
        return
    await record_resolution(
        bot.recorder.store, pending.guild_id, pending.question, entry_id, pending.source
    )


NOT_HELPFUL_ALTERNATIVES = " Was it one of these?"


def alternatives_view(interaction: discord.Interaction[Any]) -> Components | None:
    """After "not helpful": the other entries the answered question came close to, as buttons.

    The asking cog remembers each answer's message and its runner-up entries (`answered`); a
    press of one of these counts as a resolution from a vote. None when nothing is known.
    """
    bot = cast("ConciergeBot", interaction.client)
    cog = bot.get_cog("Ask")
    answered = getattr(cog, "answered", None)
    pending = getattr(cog, "pending", None)
    message = interaction.message
    if not isinstance(answered, PendingQuestions) or not isinstance(pending, PendingQuestions):
        return None
    known = answered.get(str(message.id)) if message is not None else None
    if known is None or not known.offered:
        return None
    entries = [e for e in map(bot.kb.get, known.offered) if e is not None]
    token = pending.add(known.guild_id, known.question, [e.id for e in entries], "vote")
    return meant_view([Suggestion(e.id, e.title, 0.0) for e in entries], token)


def meant_view(suggestions: Sequence[Suggestion], token: str | None) -> Components | None:
    """One "Did you mean" button per suggested entry, each distinct entry once (at most 5).

    With a token they are `MeantButton`s; an entry id too long for one gets a plain show
    button, as does everything when there is no token.
    """
    items: list[discord.ui.Item[Any]] = []
    seen: set[str] = set()
    for suggestion in suggestions:
        entry_id = suggestion.entry_id
        if entry_id in seen:
            continue
        seen.add(entry_id)
        if token is not None and len(entry_id) <= MAX_ENTRY_ID:
            items.append(MeantButton(token, entry_id, suggestion.title))
        elif len(SHOW_PREFIX) + len(entry_id) <= CUSTOM_ID_LIMIT:
            style = discord.ButtonStyle.primary
            items.append(ShowEntryButton(entry_id, suggestion.title, style=style))
    return Components.of(items[:BUTTONS_MAX])

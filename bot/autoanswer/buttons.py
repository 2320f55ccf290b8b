"""The buttons of auto-answers and trial drafts: persistent, their ids carry what they act on.

- `concierge:aa:miss:<asker_id>`: "That didn't help": the asker or a moderator (Manage Messages)
  removes the auto-answer, and it counts as a miss for the channel.
- `concierge:aa:human:<role_id>`: "Ask a human": mentions the server's support role, once (the
  button goes), and no one else: `allowed_mentions` names exactly that role.
- `concierge:aa:grade:correct:<question_id>` / `...:wrong:...`: a moderator grades a trial draft.

Each checks the server's own settings before acting: a role or draft of another server is never
reached, whatever id a button carries.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.adapter.exts.admin import within_deadline
from bot.adapter.views import Button, ComponentDict, _safely, send_private
from bot.storage import StoreUnavailable

if TYPE_CHECKING:
    from bot.adapter.exts.autoanswer import AutoAnswer
    from bot.autoanswer.store import Grade

log = logging.getLogger(__name__)

HEADER = "Automatic answer from the server's FAQ"
MISS_LABEL = "That didn't help"
HUMAN_LABEL = "Ask a human"
NOT_YOURS = "Only the person who asked, or a moderator, can remove this answer."
NOT_A_MODERATOR = "Only moderators (Manage Messages) can grade drafts."
NO_SUCH_DRAFT = "That draft is not one of this server's."
STORE_DOWN = "I couldn't save that just now. Please try again in a moment."
HUMAN_ASKED = "{role}: {name} would like a person to help with this question."
NO_ROLE = "This server has no support role set for auto-answers."


def cog_of(interaction: discord.Interaction[Any]) -> AutoAnswer | None:
    """The auto-answer cog of the bot that got this interaction."""
    return cast("AutoAnswer | None", interaction.client.get_cog("AutoAnswer"))


def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """Whether the presser may moderate here (Manage Messages, or Manage Server)."""
    permissions = interaction.permissions
    return bool(permissions.manage_messages or permissions.manage_guild)


class MissButton(discord.ui.DynamicItem[Button], template=r"concierge:aa:miss:(?P<asker>\d{1,20})"):
    """Removes an auto-answer that did not help; counted as a miss."""

    def __init__(self, asker_id: int) -> None:
        """The button for an auto-answer to `asker_id`."""
        super().__init__(
            discord.ui.Button(
                label=MISS_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"concierge:aa:miss:{asker_id}",
            )
        )
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MissButton:
        """Rebuild the button from a click."""
        return cls(int(match["asker"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Remove the answer for its asker or a moderator, and count the miss."""

        async def remove() -> None:
            if interaction.user.id != self.asker_id and not is_moderator(interaction):
                await send_private(interaction, content=NOT_YOURS)
                return
            await interaction.response.defer()
            await interaction.delete_original_response()
            cog = cog_of(interaction)
            if cog is not None and interaction.guild_id is not None:
                cog.count_miss(interaction.guild_id, interaction.channel)

        await _safely(interaction, remove, "autoanswer miss")


class HumanButton(
    discord.ui.DynamicItem[Button], template=r"concierge:aa:human:(?P<role>\d{1,20})"
):
    """Mentions the server's support role once, for a person to take the question."""

    def __init__(self, role_id: int) -> None:
        """The button that mentions `role_id`."""
        super().__init__(
            discord.ui.Button(
                label=HUMAN_LABEL,
                emoji="🙋",
                style=discord.ButtonStyle.secondary,
                custom_id=f"concierge:aa:human:{role_id}",
            )
        )
        self.role_id = role_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HumanButton:
        """Rebuild the button from a click."""
        return cls(int(match["role"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Mention the role (only it) in the channel, and take the button off the answer."""

        async def call() -> None:
            cog = cog_of(interaction)
            if cog is None or not cog.is_support_role(interaction, self.role_id):
                await send_private(interaction, content=NO_ROLE)
                return
            message = interaction.message
            await interaction.response.edit_message(view=without(message, self.custom_id))
            name = discord.utils.escape_mentions(
                discord.utils.escape_markdown(interaction.user.display_name)
            )
            text = HUMAN_ASKED.format(role=f"<@&{self.role_id}>", name=name)
            only_the_role = discord.AllowedMentions(
                everyone=False,
                users=False,
                roles=[discord.Object(self.role_id)],
                replied_user=False,
            )
            await interaction.followup.send(text, allowed_mentions=only_the_role)

        await _safely(interaction, call, "autoanswer human")


class GradeButton(
    discord.ui.DynamicItem[Button],
    template=r"concierge:aa:grade:(?P<grade>correct|wrong):(?P<question>\d{1,20})",
):
    """Correct or Wrong, under a trial draft in the moderators' channel."""

    def __init__(self, question_id: int, correct: bool) -> None:
        """The grade button for the draft answering `question_id`."""
        grade = "correct" if correct else "wrong"
        super().__init__(
            discord.ui.Button(
                label="Correct" if correct else "Wrong",
                emoji="✅" if correct else "❌",
                style=discord.ButtonStyle.success if correct else discord.ButtonStyle.danger,
                custom_id=f"concierge:aa:grade:{grade}:{question_id}",
            )
        )
        self.question_id = question_id
        self.correct = correct

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> GradeButton:
        """Rebuild the button from a click."""
        return cls(int(match["question"]), match["grade"] == "correct")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Store the grade for this server's draft, then show it on the draft."""

        async def grade() -> None:
            cog = cog_of(interaction)
            if not is_moderator(interaction) or cog is None or interaction.guild_id is None:
                await send_private(interaction, content=NOT_A_MODERATOR)
                return
            verdict: Grade = "correct" if self.correct else "wrong"
            work = cog.grade(interaction.guild_id, self.question_id, verdict, interaction)
            try:
                found = await within_deadline(interaction, work, update=True)
            except StoreUnavailable:
                await send_private(interaction, content=STORE_DOWN)
                return
            if not found:
                await send_private(interaction, content=NO_SUCH_DRAFT)
                return
            message = interaction.message
            content = message.content if message is not None else ""
            graded = f"{content.split(chr(10) + 'Graded')[0]}\nGraded **{verdict}** by "
            shown = f"{graded}{interaction.user.mention}"
            if interaction.response.is_done():  # deferred for a slow store
                await interaction.edit_original_response(
                    content=shown, allowed_mentions=discord.AllowedMentions.none()
                )
            else:
                await interaction.response.edit_message(
                    content=shown, allowed_mentions=discord.AllowedMentions.none()
                )

        await _safely(interaction, grade, "autoanswer grade")


def without(message: discord.Message | None, custom_id: str) -> discord.ui.View:
    """The message's components with one button taken off."""
    view = discord.ui.View(timeout=None)
    if message is None:
        return view
    rebuilt = discord.ui.View.from_message(message, timeout=None)
    for item in rebuilt.children:
        if getattr(item, "custom_id", None) != custom_id:
            view.add_item(item)
    view.stop()
    return view


@functools.lru_cache(maxsize=4096)
def miss_component(asker_id: int) -> ComponentDict:
    """The "That didn't help" button for `asker_id`, as Discord receives it."""
    return dict(MissButton(asker_id).to_component_dict())


@functools.lru_cache(maxsize=64)
def human_component(role_id: int) -> ComponentDict:
    """The "Ask a human" button for `role_id`, as Discord receives it."""
    return dict(HumanButton(role_id).to_component_dict())


def grade_components(question_id: int) -> list[ComponentDict]:
    """Correct and Wrong for the draft of `question_id`."""
    return [dict(GradeButton(question_id, ok).to_component_dict()) for ok in (True, False)]


AUTOANSWER_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    MissButton,
    HumanButton,
    GradeButton,
)

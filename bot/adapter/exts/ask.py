"""Asking: `/ask` with autocomplete, @mentions in channels, direct messages, and "Find answer"."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter import render
from bot.adapter.feedback import with_feedback
from bot.adapter.views import NO_PINGS, AnswerCache, AnyView, send_private
from bot.antispam import Verdict
from bot.core.model import Answer, Result, Suggestion
from bot.metrics import channel_type
from bot.storage import DM_GUILD_ID, AskedQuestion, Outcome
from bot.suggestions.buttons import MeantButton, PendingQuestions, meant_view

if TYPE_CHECKING:
    from bot.adapter.client import ConciergeBot
    from bot.core import KnowledgeBase

log = logging.getLogger(__name__)

QUESTION_MAX = 500
CHOICES_MAX = 25
COOLDOWN_REACTION = "⏳"
DUPLICATE_REACTION = "👆"
NO_TEXT = "That message has no text I can answer."
REPLIED = "Done: I answered that message in the channel."
CANNOT_POST = "I can't post in this channel, so here is the answer just for you."
_ASKABLE = (discord.MessageType.default, discord.MessageType.reply)


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send back: text, an embed and components, any of which may be absent."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: AnyView | None = None

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `send`, leaving out the parts there are none of."""
        out: dict[str, Any] = {"allowed_mentions": NO_PINGS}
        if self.content is not None:
            out["content"] = self.content
        if self.embed is not None:
            out["embed"] = self.embed
        if self.view is not None:
            out["view"] = self.view
        return out

    def parts(self) -> dict[str, Any]:
        """Content, embed and view as keyword arguments for `send_private`."""
        return {"content": self.content, "embed": self.embed, "view": self.view}

    def prefixed(self, text: str) -> Reply:
        """The same reply with `text` as a first line."""
        content = f"{text}\n{self.content}" if self.content else text
        return replace(self, content=content)


def strip_mention(content: str, user_id: int) -> str:
    """The question without the bot's `<@id>` / `<@!id>` mentions, wherever they stand."""
    text = re.sub(rf"<@!?{user_id}>", " ", content)
    return " ".join(text.split()).strip(" ,:;-–—")


def choices_for(suggestions: Sequence[Suggestion]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: distinct titles cut to 100 characters, at most 25."""
    choices: list[app_commands.Choice[str]] = []
    seen: set[str] = set()
    for suggestion in suggestions:
        name = render.truncate(render.one_line(suggestion.title), render.CHOICE_LIMIT)
        if not name or name in seen:
            continue
        seen.add(name)
        choices.append(app_commands.Choice(name=name, value=name))
        if len(choices) == CHOICES_MAX:
            break
    return choices


class Ask(commands.Cog):
    """Every way of asking a question, all answered the same way."""

    def __init__(self, bot: ConciergeBot) -> None:
        """Keep the bot; the "Find answer" menu is added to the tree on load."""
        self.bot = bot
        self.answers = AnswerCache()
        self.pending = PendingQuestions()  # unsure questions, for their "Did you mean" presses
        self.answered = PendingQuestions()  # answers by message id, for "not helpful" then a pick
        self._topic_of = {entry.id: t.name for t in bot.kb.topics() for entry in t.entries}
        self.find_answer_menu = app_commands.ContextMenu(
            name="Find answer", callback=self.find_answer
        )

    async def cog_load(self) -> None:
        """Register the message context menu (context menus cannot live in a cog directly)."""
        self.bot.tree.add_command(self.find_answer_menu)
        self.bot.add_dynamic_items(MeantButton)

    async def cog_unload(self) -> None:
        """Remove the message context menu again."""
        self.bot.tree.remove_command(self.find_answer_menu.name, type=self.find_answer_menu.type)
        self.bot.remove_dynamic_items(MeantButton)

    @commands.Cog.listener()
    async def on_knowledge_reloaded(self, kb: KnowledgeBase) -> None:
        """A reload swapped the knowledge base: topics for "don't know" come from the new one."""
        self._topic_of = {entry.id: t.name for t in kb.topics() for entry in t.entries}

    def reply_for(
        self,
        result: Result,
        asker_id: int | None = None,
        question: str = "",
        guild_id: int | None = None,
    ) -> Reply:
        """An answer with follow-ups and feedback; "Did you mean" buttons; or an honest don't-know.

        `asker_id`, for a public answer, gets a button to dismiss it. With the `question`, a
        press of a "Did you mean" button is noted as what it meant (`bot.suggestions`).
        """
        if isinstance(result, Answer):
            entry = result.entry
            embed, related = self.answers.answer(entry, self.bot.kb)
            return Reply(embed=embed, view=with_feedback(related, entry.id, asker_id))
        if result.unsure and result.suggestions:
            offered = [s.entry_id for s in result.suggestions]
            token = self.pending.add(guild_id, question, offered) if question else None
            return Reply(content=render.NOT_SURE, view=meant_view(result.suggestions, token))
        closest = [
            self._topic_of[s.entry_id] for s in result.suggestions if s.entry_id in self._topic_of
        ]
        return Reply(content=render.dont_know_text(closest))

    def help_reply(self) -> Reply:
        """The short help for a bare mention or an empty message."""
        me = self.bot.user
        name = me.display_name if me is not None else "Concierge"
        faqs = [e.title for e in self.bot.kb.entries if e.kind == "faq" and e.title.endswith("?")]
        return Reply(content=render.help_text(name, faqs[0] if faqs else None))

    # /ask ---------------------------------------------------------------------------------

    @app_commands.command(name="ask")
    @app_commands.describe(
        question="Your question, e.g. who directs Ballerina?",
        private="Show the answer only to you (default: everyone in the channel sees it)",
    )
    async def ask(
        self,
        interaction: discord.Interaction[Any],
        question: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool = False,
    ) -> None:
        """Ask Concierge a question."""
        self.bot.handling()
        decision = self.bot.antispam.check(
            interaction.user.id, interaction.channel_id or 0, question, public=not private
        )
        if decision.verdict is Verdict.COOLDOWN:
            await send_private(interaction, content=render.cooldown_text(decision.retry_after))
            return
        started = time.perf_counter()
        duplicate = decision.verdict is Verdict.DUPLICATE
        private = private or duplicate
        result = self.bot.engine.ask(question)
        asker = None if private else interaction.user.id
        reply = self.reply_for(result, asker, question, interaction.guild_id)
        if duplicate:
            reply = reply.prefixed(render.duplicate_text())
        sent = await interaction.response.send_message(**reply.kwargs(), ephemeral=private)
        self.remember(getattr(sent, "message_id", None), result, question, interaction.guild_id)
        self.record(result, question, interaction.channel, interaction.guild_id, started)

    @ask.autocomplete("question")
    async def ask_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """Entry titles that fit what has been typed so far, from memory, at most 25."""
        try:
            suggestions = self.bot.engine.complete(current[:QUESTION_MAX], limit=CHOICES_MAX)
        except Exception:
            log.exception("autocomplete failed for %r", current[:100])
            return []
        return choices_for(suggestions)

    # "Find answer" --------------------------------------------------------------------------

    async def find_answer(
        self, interaction: discord.Interaction[Any], message: discord.Message
    ) -> None:
        """Answer another message's question in the channel, as a reply to it."""
        self.bot.handling()
        me = self.bot.user
        question = strip_mention(message.content, me.id if me else 0)
        if not question:
            await send_private(interaction, content=NO_TEXT)
            return
        started = time.perf_counter()
        result = self.bot.engine.ask(question)
        decision = self.bot.antispam.check(
            interaction.user.id, message.channel.id, question, public=result.answered
        )
        if decision.verdict is Verdict.COOLDOWN:
            await send_private(interaction, content=render.cooldown_text(decision.retry_after))
            return
        guild_id = message.guild.id if message.guild else None
        if not result.answered or decision.verdict is Verdict.DUPLICATE:
            reply = self.reply_for(result, None, question, guild_id)
            if decision.verdict is Verdict.DUPLICATE:
                reply = reply.prefixed(render.duplicate_text())
            await send_private(interaction, **reply.parts())
            self.record(result, question, message.channel, guild_id, started)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reference = message.to_reference(fail_if_not_exists=False)
        reply = self.reply_for(result, interaction.user.id)
        try:
            sent = await message.channel.send(
                reference=reference, mention_author=False, **reply.kwargs()
            )
        except discord.HTTPException as error:
            log.info(
                "cannot reply in channel %s (%s); answering privately", message.channel.id, error
            )
            private_reply = self.reply_for(result).prefixed(CANNOT_POST)
            await send_private(interaction, **private_reply.parts())
            self.record(result, question, message.channel, guild_id, started)
            return
        self.remember(sent.id, result, question, guild_id)
        self.record(result, question, message.channel, guild_id, started)
        await send_private(interaction, content=REPLIED)

    # @mentions and DMs ------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions the bot (or any DM), replying to it without a ping."""
        me = self.bot.user
        if me is None or message.author.bot or message.type not in _ASKABLE:
            return
        in_dm = message.guild is None
        if not in_dm and (me not in message.mentions or not self._mentions_allowed(message)):
            return
        self.bot.handling()
        question = strip_mention(message.content, me.id)
        decision = self.bot.antispam.check(message.author.id, message.channel.id, question)
        if decision.verdict is Verdict.COOLDOWN:
            if in_dm:
                await self._reply(
                    message, Reply(content=render.cooldown_text(decision.retry_after))
                )
            else:
                await self._react(message, COOLDOWN_REACTION)
            return
        if decision.verdict is Verdict.DUPLICATE:
            await self._react(message, DUPLICATE_REACTION)
            return
        if not question:
            await self._reply(message, self.help_reply())
            return
        started = time.perf_counter()
        try:
            result = self.bot.engine.ask(question)
            asker = message.author.id if not in_dm else None
            guild_id = message.guild.id if message.guild else None
            reply = self.reply_for(result, asker, question, guild_id)
        except Exception:
            log.exception("failed to answer %r", question[:100])
            self.bot.metrics.error("event")
            await self._reply(message, Reply(content=render.APOLOGY))
            return
        sent = await self._reply(message, reply)
        self.remember(getattr(sent, "id", None), result, question, guild_id)
        self.record(result, question, message.channel, guild_id, started)

    def record(
        self,
        result: Result,
        question: str,
        channel: object,
        guild_id: int | None,
        started: float,
    ) -> None:
        """After the answer went out: count it, time it, and record it in the background.

        An unanswered question is recorded as a gap. Never raises, never waits for the store.
        """
        outcome = outcome_of(result)
        self.bot.metrics.question(channel_type(channel), outcome, time.perf_counter() - started)
        answered = isinstance(result, Answer)
        self.bot.recorder.question(
            AskedQuestion(
                guild_id=guild_id or DM_GUILD_ID,
                outcome=outcome,
                text="" if answered else question,  # only an unanswered question is kept
                entry_id=result.entry.id if isinstance(result, Answer) else "",
            )
        )

    def _mentions_allowed(self, message: discord.Message) -> bool:
        """Whether config lets us answer mentions here (a thread counts as its parent channel)."""
        access = self.bot.settings.access
        guild_id = message.guild.id if message.guild else None
        if access.guild_ids and guild_id not in access.guild_ids:
            return False
        if not access.channel_ids:
            return True
        channel = message.channel
        places = {channel.id, getattr(channel, "parent_id", None)}
        return any(place in access.channel_ids for place in places)

    async def _reply(self, message: discord.Message, reply: Reply) -> discord.Message:
        """Reply to `message` in its channel, pinging nobody (not even its author)."""
        reference = message.to_reference(fail_if_not_exists=False)
        return await message.channel.send(
            reference=reference, mention_author=False, **reply.kwargs()
        )

    def remember(
        self, message_id: int | None, result: Result, question: str, guild_id: int | None
    ) -> None:
        """Keep an answer's question and its runner-up and related entries by its message.

        A "not helpful" vote on it then offers those entries (`bot.suggestions.buttons`).
        """
        if message_id is None or not isinstance(result, Answer):
            return
        close = [s.entry_id for s in result.suggestions]
        close += [e.id for e in self.bot.kb.related(result.entry.id)]
        others = [i for i in dict.fromkeys(close) if i != result.entry.id][:4]
        if others:
            self.answered.add(guild_id, question, others, "vote", key=str(message_id))

    async def _react(self, message: discord.Message, emoji: str) -> None:
        """A quiet signal on the asker's message; missing permissions are not an error."""
        try:
            await message.add_reaction(emoji)
        except discord.HTTPException:
            log.debug("could not react to message %s", message.id)


def outcome_of(result: Result) -> Outcome:
    """answered, suggested ("Did you mean" buttons were offered) or abstained."""
    if isinstance(result, Answer):
        return "answered"
    return "suggested" if result.unsure and result.suggestions else "abstained"


async def setup(bot: ConciergeBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Ask(bot))

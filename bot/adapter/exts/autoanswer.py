"""Auto-answer: answering, unmentioned, what people ask in chosen channels and forums.

`/concierge autoanswer add | remove | list` chooses the channels (Manage Server, checked again
on use; kept in the store, shared by shards), and `[autoanswer]` adds channels by file. A thread
counts as its parent and a forum post as its forum. `bot.autoanswer.policy` decides; in `live`
mode the answer is posted as a reply, in `trial` it is posted as a draft for moderators to grade.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter, OrderedDict
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter import render
from bot.adapter.feedback import with_feedback
from bot.adapter.views import NO_PINGS, AnswerCache, Components
from bot.autoanswer.buttons import (
    AUTOANSWER_ITEMS,
    HEADER,
    grade_components,
    human_component,
    miss_component,
)
from bot.autoanswer.commands import AutoAnswerCommands
from bot.autoanswer.intent import off_reason
from bot.autoanswer.messages import draft_text, facts_of, stats_lines
from bot.autoanswer.policy import (
    ChannelLog,
    ChannelRule,
    Verdict,
    judge,
    rule_for,
    screen,
)
from bot.autoanswer.settings import AutoAnswerSettings
from bot.autoanswer.store import AutoAnswerStore, ChannelStats, Draft, Grade
from bot.core.model import Answer
from bot.storage import AskedQuestion

if TYPE_CHECKING:
    from bot.adapter.client import ConciergeBot

log = logging.getLogger(__name__)

# While messages come in, the channels are re-read this often (another shard may have added
# one). No timer runs while none come.
REFRESH_SECONDS = 30.0
SEEN_LIMIT = 10_000  # message ids remembered, so no message is answered twice
NEEDS_STORE = "Auto-answer channels are kept in the bot's store, and it has none right now."


class AutoAnswer(commands.Cog):
    """Reads the configured channels and answers what it is sure of."""

    def __init__(self, bot: ConciergeBot) -> None:
        """Keep the bot; the channels are read from the settings now and the store on load."""
        self.bot = bot
        self.settings: AutoAnswerSettings = getattr(
            bot.settings, "autoanswer", AutoAnswerSettings()
        )
        self.file_rules = {
            **{c: ChannelRule(0, c) for c in self.settings.channel_ids},
            **{
                c: ChannelRule(0, c, "trial", self.settings.moderators_channel_id)
                for c in self.settings.trial_channel_ids
            },
        }
        self.stored_rules: dict[int, ChannelRule] = {}
        self.rules: dict[int, ChannelRule] = dict(self.file_rules)
        self.logs: dict[int, ChannelLog] = {}
        self.counts: Counter[tuple[int, int, str]] = Counter()
        self.answers = AnswerCache()
        self.commands = AutoAnswerCommands(self)
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._chores: asyncio.Task[None] | None = None
        self._refreshed_at = -REFRESH_SECONDS

    # lifetime --------------------------------------------------------------------------------

    async def cog_load(self) -> None:
        """Register the buttons, put the commands under `/concierge`, read the channels."""
        self.bot.add_dynamic_items(*AUTOANSWER_ITEMS)
        admin = self.bot.get_cog("Admin")
        group = getattr(admin, "app_command", None)
        if isinstance(group, app_commands.Group):
            group.add_command(self.commands)
        else:
            log.warning("the admin extension is not loaded: /concierge autoanswer is missing")

    async def cog_unload(self) -> None:
        """Take it all off again, writing the counts not yet stored."""
        self.bot.remove_dynamic_items(*AUTOANSWER_ITEMS)
        admin = self.bot.get_cog("Admin")
        group = getattr(admin, "app_command", None)
        if isinstance(group, app_commands.Group):
            group.remove_command(self.commands.name)
        if self._chores is not None:
            self._chores.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._chores
        await self.flush_counts()

    def store(self) -> AutoAnswerStore | None:
        """The auto-answer tables, when the bot has a store."""
        store = self.bot.recorder.store
        return (
            AutoAnswerStore(store) if store is not None and hasattr(store, "transaction") else None
        )

    def chores(self) -> None:
        """Re-read the channels when due, and write the counts gathered, in the background.

        Like the recorder: one task writes whatever has gathered, then ends; counts gathered
        while it writes are written by the next. No timer runs while nothing happens.
        """
        if self._chores is not None and not self._chores.done():
            return
        now = time.monotonic()
        refresh = now - self._refreshed_at >= REFRESH_SECONDS
        if refresh or self.counts:
            if refresh:
                self._refreshed_at = now
            self._chores = asyncio.create_task(self._do_chores(refresh))

    async def _do_chores(self, refresh: bool) -> None:
        if refresh:
            await self.refresh()
        await self.flush_counts()
        if self.counts:  # gathered meanwhile: once this task is done, the next writes them
            asyncio.get_running_loop().call_soon(self.chores)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Connected: read the stored channels now (the store may have opened meanwhile)."""
        self._refreshed_at = -REFRESH_SECONDS
        self.chores()

    async def refresh(self) -> None:
        """Read the stored channels (every server's this process serves)."""
        store = self.store()
        if store is None:
            return
        try:
            rules = await store.channels()
        except Exception as error:
            log.warning("could not read the auto-answer channels: %s", error)
            return
        self.stored_rules = {rule.channel_id: rule for rule in rules}
        self.rules = {**self.file_rules, **self.stored_rules}

    async def flush_counts(self) -> None:
        """Write the counts gathered since the last write (one statement a channel and kind)."""
        store = self.store()
        if store is None or not self.counts:
            return
        counts, self.counts = self.counts, Counter()
        per: dict[tuple[int, int], dict[str, int]] = {}
        for (guild_id, channel_id, kind), n in counts.items():
            per.setdefault((guild_id, channel_id), {})[kind] = n
        for (guild_id, channel_id), kinds in per.items():
            try:
                await store.count(guild_id, channel_id, **kinds)
            except Exception as error:
                log.warning("could not store auto-answer counts: %s", error)
                return

    # commands' work ----------------------------------------------------------------------------

    async def add_rule(self, rule: ChannelRule, added_by: int) -> str:
        """Store a channel of a server and use it at once; what to tell the admin."""
        store = self.store()
        if store is None:
            return NEEDS_STORE
        new = await store.add_channel(rule, added_by)
        self.stored_rules[rule.channel_id] = rule
        self.rules = {**self.file_rules, **self.stored_rules}
        where = f" (drafts to <#{rule.moderators_channel_id}>)" if rule.mode == "trial" else ""
        done = f"{'Added' if new else 'Changed'} <#{rule.channel_id}>: {rule.mode}{where}."
        reason = off_reason(self.bot)
        return f"{done}\n{reason}" if reason else done

    async def remove_rule(self, guild_id: int, channel_id: int) -> str:
        """Stop auto-answering a channel of a server; what to tell the admin."""
        store = self.store()
        if store is None:
            return NEEDS_STORE
        if not await store.remove_channel(guild_id, channel_id):
            return f"<#{channel_id}> is not an auto-answer channel of this server."
        self.stored_rules.pop(channel_id, None)
        self.rules = {**self.file_rules, **self.stored_rules}
        return f"Removed <#{channel_id}>: I answer there only when asked."

    def listing(self, guild_id: int) -> str:
        """A server's auto-answer channels, with the reason first when it is off."""
        reason = off_reason(self.bot)
        guild = self.bot.get_guild(guild_id)
        lines = [f"**Auto-answer is off.** {reason}"] if reason else []
        for rule in self.rules.values():
            if rule.guild_id != guild_id and not (
                rule.guild_id == 0 and guild is not None and guild.get_channel(rule.channel_id)
            ):
                continue
            where = f", drafts to <#{rule.moderators_channel_id}>" if rule.mode == "trial" else ""
            lines.append(f"<#{rule.channel_id}>: {rule.mode}{where}")
        if len(lines) == (1 if reason else 0):
            lines.append("No auto-answer channels here. Add one with `/concierge autoanswer add`.")
        lines.append(f"Threshold {self.settings.threshold:g}.")
        return "\n".join(lines)

    async def grade(
        self, guild_id: int, question_id: int, grade: Grade, interaction: discord.Interaction[Any]
    ) -> bool:
        """Store a moderator's grade for this server's draft; False if there is no such draft."""
        store = self.store()
        if store is None:
            return False
        return await store.grade(guild_id, question_id, grade, interaction.user.id)

    def count_miss(self, guild_id: int, channel: object) -> None:
        """An auto-answer was removed as unhelpful: a miss for its channel."""
        channel_id = getattr(channel, "id", 0)
        rule = rule_for(channel_id, getattr(channel, "parent_id", None), self.rules)
        if rule is not None:
            self.counts[guild_id, rule.channel_id, "missed"] += 1

    def is_support_role(self, interaction: discord.Interaction[Any], role_id: int) -> bool:
        """Whether `role_id` is the support role of the channel the button is in."""
        channel = interaction.channel
        rule = rule_for(getattr(channel, "id", 0), getattr(channel, "parent_id", None), self.rules)
        role = (
            rule.support_role_id if rule and rule.support_role_id else self.settings.support_role_id
        )
        guild = interaction.guild
        return (
            bool(role)
            and role == role_id
            and guild is not None
            and guild.get_role(role_id) is not None
        )

    async def channel_stats(self, guild_id: int) -> list[ChannelStats]:
        """A server's figures per auto-answer channel (counts written first)."""
        store = self.store()
        if store is None:
            return []
        await self.flush_counts()
        return await store.stats(guild_id)

    async def add_figures(self, embed: discord.Embed, guild_id: int | None) -> None:
        """Add this server's auto-answer figures per channel to the `/concierge stats` embed."""
        if guild_id is None:
            return
        try:
            figures = await self.channel_stats(guild_id)
        except Exception as error:
            log.warning("could not read the auto-answer figures: %s", error)
            return
        if figures:
            text = "\n".join(stats_lines(figures, self.settings.threshold))
            value = render.truncate(text, render.FIELD_VALUE_LIMIT)
            embed.add_field(name="Auto-answer", value=value, inline=False)

    # reading messages ----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A new message in an auto-answer channel (or a thread of one): answer it if sure."""
        guild = message.guild
        if guild is None:
            return
        self.chores()
        if not self.rules:
            return
        channel = message.channel
        parent_id = getattr(channel, "parent_id", None)
        rule = rule_for(channel.id, parent_id, self.rules)
        if rule is None:
            return
        if isinstance(channel, discord.Thread) and message.id == channel.id:
            parent = channel.parent
            if isinstance(parent, discord.ForumChannel):
                return  # a forum post's first message: read with its title on thread create
        await self.consider(message, message.content, rule, channel)

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        """A new forum post: read its title and first message, answer it, tag it."""
        self.chores()
        if not self.rules or not isinstance(thread.parent, discord.ForumChannel):
            return
        rule = rule_for(thread.id, thread.parent_id, self.rules)
        if rule is None:
            return
        starter = thread.starter_message
        if starter is None:
            try:
                starter = await thread.fetch_message(thread.id)
            except discord.HTTPException as error:
                log.info("could not read forum post %s: %s", thread.id, error)
                return
        text = f"{thread.name}\n{starter.content}"
        if await self.consider(starter, text, rule, thread) and rule.mode == "live":
            await self.tag(thread)

    async def consider(
        self, message: discord.Message, text: str, rule: ChannelRule, place: Any
    ) -> bool:
        """Decide about one message and act on it; whether it was answered (or drafted)."""
        guild = message.guild
        if guild is None or (rule.guild_id and rule.guild_id != guild.id) or off_reason(self.bot):
            return False
        if not self._first_time(message.id):
            return False
        me = self.bot.user
        decision = screen(facts_of(message, text, me.id if me else 0))
        if decision is not None:
            return False
        permissions = place.permissions_for(guild.me)
        if not (permissions.view_channel and permissions.read_message_history):
            return False
        self.bot.handling()
        self.counts[guild.id, rule.channel_id, "seen"] += 1
        self.chores()
        log_ = self.logs.setdefault(rule.channel_id, ChannelLog())
        decision = judge(self.bot.engine.ask(text), log_, self.settings, time.monotonic())
        if decision.verdict is Verdict.GAP:
            self.bot.recorder.question(AskedQuestion(guild.id, "abstained", text[:500], ""))
            return False
        if decision.answer is None:
            return False
        try:
            if rule.mode == "trial":
                if not await self.post_draft(message, decision.answer, rule):
                    return False
            else:
                await self.post_answer(message, decision.answer, rule, place)
        except discord.HTTPException as error:
            log.info("could not auto-answer in %s: %s", place.id, error)
            return False
        self.counts[guild.id, rule.channel_id, "answered"] += 1
        self.chores()
        entry_id = decision.answer.entry.id
        self.bot.recorder.question(AskedQuestion(guild.id, "answered", "", entry_id))
        return True

    def _first_time(self, message_id: int) -> bool:
        if message_id in self._seen:
            return False
        self._seen[message_id] = None
        if len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        return True

    async def post_answer(
        self, message: discord.Message, answer: Answer, rule: ChannelRule, place: Any
    ) -> None:
        """The answer as a reply, saying it is automatic, with feedback and auto-answer buttons."""
        embed, related = self.answers.answer(answer.entry, self.bot.kb)
        components = with_feedback(related, answer.entry.id, None) or Components(())
        row = [miss_component(message.author.id)]
        role = rule.support_role_id or self.settings.support_role_id
        if role:
            row.append(human_component(role))
        await place.send(
            content=HEADER,
            embed=embed,
            view=components.plus_row(row),
            reference=message.to_reference(fail_if_not_exists=False),
            mention_author=False,
            allowed_mentions=NO_PINGS,
        )

    async def post_draft(self, message: discord.Message, answer: Answer, rule: ChannelRule) -> bool:
        """What would have been answered, to the moderators' channel, with Correct and Wrong."""
        guild = message.guild
        assert guild is not None  # noqa: S101 - only server messages get here
        target = guild.get_channel(
            rule.moderators_channel_id or self.settings.moderators_channel_id
        )
        if not isinstance(target, discord.abc.Messageable):
            log.info("trial channel %s has no moderators' channel to draft to", rule.channel_id)
            return False
        store = self.store()
        draft = Draft(
            guild.id, message.id, rule.channel_id, message.jump_url, answer.entry.id, answer.score
        )
        if store is not None:
            await store.add_draft(draft)
        embed, _ = self.answers.answer(answer.entry, self.bot.kb)
        draft_message: dict[str, Any] = {
            "content": draft_text(message.jump_url, answer),
            "embed": embed,
            "view": Components([grade_components(message.id)]),
            "allowed_mentions": NO_PINGS,
        }
        await target.send(**draft_message)
        return True

    async def tag(self, thread: discord.Thread) -> None:
        """Apply the forum's tag named `autoanswer.forum_tag` to an answered post, if it has one."""
        parent = thread.parent
        name = self.settings.forum_tag.casefold()
        if not name or not isinstance(parent, discord.ForumChannel):
            return
        tag = next((t for t in parent.available_tags if t.name.casefold() == name), None)
        if tag is None or tag in thread.applied_tags or len(thread.applied_tags) >= 5:
            return
        try:
            await thread.add_tags(tag, reason="answered automatically from the FAQ")
        except discord.HTTPException as error:
            log.info("could not tag forum post %s: %s", thread.id, error)


async def setup(bot: ConciergeBot) -> None:
    """Extension entry point."""
    await bot.add_cog(AutoAnswer(bot))

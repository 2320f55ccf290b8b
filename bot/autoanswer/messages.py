"""What auto-answer reads off a Discord message, and the texts it writes about its work."""

from __future__ import annotations

import discord

from bot.adapter import render
from bot.autoanswer.policy import MessageFacts
from bot.autoanswer.store import ChannelStats
from bot.core.model import Answer

_ORDINARY = (discord.MessageType.default, discord.MessageType.reply)


def facts_of(message: discord.Message, text: str, me_id: int) -> MessageFacts:
    """What the policy needs to know about a Discord message."""
    reference = message.reference
    replied = reference.resolved if reference is not None else None
    replies_to_member = reference is not None and not (
        isinstance(replied, discord.Message) and replied.author.id == me_id
    )
    if message.type is not discord.MessageType.reply:
        replies_to_member = False
    mentions_other = (
        any(user.id != me_id for user in message.mentions)
        or bool(message.role_mentions)
        or message.mention_everyone
    )
    return MessageFacts(
        text=text,
        from_bot=message.author.bot,
        from_webhook=message.webhook_id is not None,
        replies_to_member=replies_to_member,
        mentions_other=mentions_other,
        edited=message.edited_at is not None,
        summoned=any(user.id == me_id for user in message.mentions),
        ordinary=message.type in _ORDINARY,
    )


def draft_text(question_url: str, answer: Answer) -> str:
    """The text of a trial draft: where it was asked, what would be answered, and how sure."""
    title = render.one_line(answer.entry.title)
    return (
        f"**Trial auto-answer** for {question_url}\n"
        f"Would answer: **{render.truncate(title, 200)}** (score {answer.score:.0f})"
    )


def stats_lines(figures: list[ChannelStats], threshold: float) -> list[str]:
    """One line per auto-answer channel: seen, answered, graded, trial precision, threshold."""
    lines = []
    for s in figures:
        precision = "n/a" if s.precision is None else f"{s.precision:.0%}"
        lines.append(
            f"<#{s.channel_id}> ({s.mode}): {s.seen} seen, {s.answered} answered, "
            f"{s.missed} didn't help, {s.graded} graded, precision {precision}, "
            f"threshold {threshold:g}"
        )
    return lines

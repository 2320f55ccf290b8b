"""Everything the bot says, as embeds and text that always fit Discord's limits.

Every embed goes through `build_embed`, which enforces each limit (title 256, description 4096,
25 fields, field name 256 and value 1024, footer 2048, 6000 in all) and cuts text at a word
boundary with an ellipsis. Text typed by users is only ever echoed through `quote_user_text`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.model import Entry, KnowledgeBaseSummary

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000
BUTTON_LABEL_LIMIT = 80
CHOICE_LIMIT = 100  # autocomplete choice name and value; select option label, value, description

ELLIPSIS = "…"
COLOUR = discord.Colour(0xB48A3C)  # one brass colour on everything the bot sends
DISAGREEMENT_TITLE = "⚠️ Sources disagree"
NOT_SURE = "I'm not sure. Did you mean…?"
DONT_KNOW = "I don't know that one yet."
APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
GONE = "That entry is no longer in my knowledge base. Try `/faq` to see what I know now."

# Room kept for the description when fields compete with it for the 6000-character total.
_DESCRIPTION_RESERVE = 1000
_SPACE = re.compile(r"\s")
_TRAILING_JUNK = " \t\n,;:-–—"


@dataclass(frozen=True, slots=True)
class Field:
    """One embed field before fitting."""

    name: str
    value: str
    inline: bool = False


def truncate(text: str, limit: int) -> str:
    """Return `text` if it fits in `limit` characters, else cut it at a word boundary plus "…".

    A single word longer than half the limit is cut inside the word, still with the ellipsis, so
    a reader can always tell the text goes on.
    """
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    head = text[: limit - 1]
    if not text[limit - 1].isspace():
        spaces = [m.start() for m in _SPACE.finditer(head)]
        if spaces and spaces[-1] >= limit // 2:
            head = head[: spaces[-1]]
    head = head.rstrip(_TRAILING_JUNK) or head[: limit - 1]
    return head + ELLIPSIS


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces."""
    return " ".join(text.split())


def quote_user_text(text: str, limit: int = 200) -> str:
    """Make user-typed text safe to echo: one line, no Markdown, no mentions, and short."""
    safe = discord.utils.escape_markdown(one_line(text), as_needed=False)
    safe = discord.utils.escape_mentions(safe)
    return truncate(safe, limit)


def build_embed(
    *,
    title: str,
    description: str = "",
    fields: Sequence[Field] = (),
    footer: str = "",
    url: str | None = None,
) -> discord.Embed:
    """An embed in the house colour with every part fitted to Discord's limits.

    Title and footer are cut first; fields keep at least some room for the description, and the
    description gets whatever is left of the 6000-character total (at most 4096).
    """
    title = truncate(one_line(title), TITLE_LIMIT)
    footer = truncate(footer.strip(), FOOTER_LIMIT)
    description = description.strip()
    budget = TOTAL_LIMIT - len(title) - len(footer)
    field_budget = budget - min(len(description), _DESCRIPTION_RESERVE)
    fitted = _fit_fields(fields, field_budget)
    used = sum(len(f.name) + len(f.value) for f in fitted)
    description = truncate(description, max(min(DESCRIPTION_LIMIT, budget - used), 0))
    embed = discord.Embed(title=title or None, description=description or None, colour=COLOUR)
    if url and url.startswith(("https://", "http://")):
        embed.url = url
    for item in fitted:
        embed.add_field(name=item.name, value=item.value, inline=item.inline)
    if footer:
        embed.set_footer(text=footer)
    return embed


class FrozenEmbed(discord.Embed):
    """An embed rendered once and sent many times: its request body is kept, and it is read-only.

    `to_dict()` (what discord.py sends) returns the kept body instead of rebuilding it. Changing
    the embed would change every message it is sent with, so every setter raises; `thawed()` gives
    an ordinary embed to change.
    """

    def __init__(self, embed: discord.Embed) -> None:
        """Freeze a copy of `embed` (which stays as it is)."""
        payload = copy.deepcopy(embed.to_dict())
        super().__init__()
        for slot in discord.Embed.__slots__:
            if hasattr(embed, slot):
                super().__setattr__(slot, copy.deepcopy(getattr(embed, slot)))
        if hasattr(self, "_fields"):
            super().__setattr__("_fields", tuple(self._fields))  # no add_field behind our back
        super().__setattr__("_payload", payload)
        super().__setattr__("_frozen", True)

    def __setattr__(self, name: str, value: object) -> None:
        if self.__dict__.get("_frozen"):
            raise AttributeError("a FrozenEmbed cannot be changed: change its thawed() copy")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if self.__dict__.get("_frozen"):
            raise AttributeError("a FrozenEmbed cannot be changed: change its thawed() copy")
        super().__delattr__(name)

    def to_dict(self) -> Any:
        """The request body, built when the embed was frozen."""
        return dict(self.__dict__["_payload"])

    def copy(self) -> FrozenEmbed:
        """Itself: it cannot change (`thawed()` gives one that can)."""
        return self

    def thawed(self) -> discord.Embed:
        """An ordinary, changeable embed with the same content."""
        return discord.Embed.from_dict(copy.deepcopy(self.__dict__["_payload"]))


def _fit_fields(fields: Sequence[Field], budget: int) -> list[Field]:
    """Fields cut to their limits, at most 25, and together no longer than `budget`."""
    fitted: list[Field] = []
    for item in fields[:FIELD_COUNT_LIMIT]:
        name = truncate(one_line(item.name), FIELD_NAME_LIMIT) or "\u200b"
        value = truncate(item.value.strip(), FIELD_VALUE_LIMIT) or "\u200b"
        room = budget - len(name)
        if room < 20:
            break
        value = truncate(value, room)
        budget -= len(name) + len(value)
        fitted.append(Field(name, value, item.inline))
    return fitted


def part_title(entry: Entry) -> str:
    """The title, saying "(2 of 3)" for a part of a split answer if it does not already."""
    if entry.part is None or entry.parts is None or entry.parts < 2:
        return entry.title
    marker = f"({entry.part} of {entry.parts})"
    return entry.title if entry.title.endswith(marker) else f"{entry.title} {marker}"


def entry_embed(entry: Entry) -> discord.Embed:
    """One answer: the entry's title and text, each disagreement note, and the source cited."""
    notes = [Field(DISAGREEMENT_TITLE, note) for note in entry.notes]
    return build_embed(
        title=part_title(entry),
        description=entry.text,
        fields=notes,
        footer=f"Source: {entry.citation}",
        url=entry.source.url,
    )


def dont_know_text(topics: Iterable[str]) -> str:
    """The honest no-answer, naming the closest topics when there are any."""
    names = [f"**{quote_user_text(name, 80)}**" for name in dict.fromkeys(topics)][:5]
    if not names:
        return f"{DONT_KNOW} Try `/faq` to see everything I know."
    return f"{DONT_KNOW} Closest topics I know about: {', '.join(names)}. `/faq` lists everything."


def help_text(bot_name: str, example: str | None) -> str:
    """The short help a bare mention gets."""
    name = quote_user_text(bot_name, 80)
    sample = f"@{name} {quote_user_text(example, 120)}" if example else f"@{name} who directs it?"
    return (
        f"Hi! Ask me a question about what I know: mention me with it (“{sample}”), send me a "
        "direct message, or use `/ask`. `/faq` lists everything I know."
    )


def cooldown_text(retry_after: float) -> str:
    """The private notice for someone asking too fast."""
    seconds = max(1, round(retry_after + 0.49))
    return f"You're asking quickly. Please wait {seconds} s before your next question."


def duplicate_text() -> str:
    """Prefix for a private repeat of an answer just given in the channel."""
    return "I answered that here a moment ago; here it is again, just for you."


def about_embed(summary: KnowledgeBaseSummary, version: str) -> discord.Embed:
    """What the bot knows: counts, sources and version."""
    sources = "\n".join(f"• {s.title} ({s.kind})" for s in summary.sources) or "none yet"
    description = (
        f"I answer questions from {summary.entries} entries: {summary.faqs} FAQ answers and "
        f"{summary.sections} article sections. Ask with `/ask`, by mentioning me, or in a "
        "direct message; browse with `/faq`."
    )
    fields = [
        Field(f"Sources ({len(summary.sources)})", sources),
        Field("Glossary terms", str(summary.glossary_terms), inline=True),
        Field("Disagreements noted", str(summary.disagreements), inline=True),
    ]
    return build_embed(
        title="About Concierge",
        description=description,
        fields=fields,
        footer=f"Concierge {version}",
    )


def faq_page_embed(
    topic: str, entries: Sequence[Entry], *, page: int, pages: int, part: int = 1, parts: int = 1
) -> discord.Embed:
    """One page of `/faq`: a topic's entries listed, with where we are in the whole list."""
    title = topic if parts == 1 else f"{topic} ({part}/{parts})"
    lines = [f"• {one_line(entry.title)}" for entry in entries]
    return build_embed(
        title=title,
        description="\n".join(lines) or "Nothing here yet.",
        footer=f"Page {page + 1} of {pages} · choose an entry below to read it",
    )


def empty_faq_text() -> str:
    """What `/faq` says when the knowledge base is empty."""
    return "I don't know anything yet: my knowledge base is empty."

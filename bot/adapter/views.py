"""Buttons and menus that keep working after a restart: each custom_id carries what it acts on.

Every interactive component is a `discord.ui.DynamicItem` registered in `setup_hook`, so a click
on a message sent before a restart is still understood. The ids are stable and documented:

- `concierge:show:<entry_id>`: show that entry to whoever pressed ("Did you mean", "Related",
  and "Next part" under a part of an answer split in parts).
- `concierge:faq:prev:<page>` and `concierge:faq:next:<page>`: turn the `/faq` page.
- `concierge:faq:pick:<page>`: the `/faq` entry menu; `concierge:faq:topic`: the topic menu.

Whatever a component shows, it shows privately to the person who used it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.adapter import render
from bot.core.model import Entry

if TYPE_CHECKING:
    from bot.adapter.protocols import KnowsTheBase
    from bot.core import KnowledgeBase

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
SHOW_PREFIX = "concierge:show:"
CUSTOM_ID_LIMIT = 100
PAGE_SIZE = 15
RELATED_LIMIT = 3
NEXT_PART = "Next part ▶"  # under a part of a split answer: shows the next part (a show button)

Button = discord.ui.Button[discord.ui.View]
Select = discord.ui.Select[discord.ui.View]
ComponentDict = dict[str, Any]


class Components:
    """Message components sent as they are, with no `discord.ui.View` kept listening for them.

    Every interactive component the bot sends is a `DynamicItem` registered in `setup_hook`
    (`add_dynamic_items`), so discord.py finds a click's handler by its custom id; a stored view
    per message would only cost memory and time (and, on a private answer, a 15-minute timeout
    task). discord.py accepts this in place of a view (`view=`): it sends `to_components()` and,
    since `is_finished()` is true, stores nothing. The rows are the component dicts Discord
    receives; they are built once by discord.py's own items (see `Components.of`) and may be
    shared between messages, so they must not be changed.
    """

    __slots__ = ("rows",)
    __discord_ui_view__ = True  # what discord.py checks a `view=` argument for

    def __init__(self, rows: Iterable[Sequence[ComponentDict]]) -> None:
        """Action rows, each a sequence of component dicts (empty rows are left out)."""
        self.rows: tuple[tuple[ComponentDict, ...], ...] = tuple(tuple(r) for r in rows if r)

    @classmethod
    def of(cls, items: Sequence[discord.ui.Item[Any]]) -> Components | None:
        """`items` laid out in rows as a `discord.ui.View` lays them out; None if there are none."""
        if not items:
            return None
        view = discord.ui.View(timeout=None)
        for item in items:
            view.add_item(item)
        return cls(row["components"] for row in view.to_components())

    def plus_row(self, row: Sequence[ComponentDict]) -> Components:
        """These rows and one more below them."""
        return Components((*self.rows, row))

    @property
    def timeout(self) -> float | None:
        """No timeout: nothing listens to these components but the dynamic items."""
        return None

    def to_components(self) -> list[ComponentDict]:
        """The `components` field of a message body."""
        return [{"type": 1, "components": list(row)} for row in self.rows]

    def has_components_v2(self) -> bool:
        """Plain action rows, never the layout components ("components v2")."""
        return False

    def is_finished(self) -> bool:
        """Always: there is nothing for discord.py to store or wait on."""
        return True

    def is_dispatchable(self) -> bool:
        """Never through a stored view: clicks reach the registered dynamic items."""
        return False


AnyView = discord.ui.View | Components


def knowledge_of(interaction: discord.Interaction[Any]) -> KnowledgeBase:
    """The knowledge base of the bot that received this interaction."""
    return cast("KnowsTheBase", interaction.client).kb


async def send_private(
    interaction: discord.Interaction[Any],
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    view: AnyView | None = None,
) -> None:
    """Answer only the person who interacted, whether or not the interaction was answered yet."""
    kwargs: dict[str, Any] = {"ephemeral": True, "allowed_mentions": NO_PINGS}
    if content is not None:
        kwargs["content"] = content
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def _safely(
    interaction: discord.Interaction[Any], action: Callable[[], Awaitable[None]], what: str
) -> None:
    """Run a component's action; on failure log the traceback and apologise privately.

    A stop waits for the action to finish (`ConciergeBot.handling`).
    """
    handling = getattr(interaction.client, "handling", None)
    if callable(handling):
        handling()
    try:
        await action()
    except Exception:
        log.exception("component %s failed", what)
        metrics = getattr(interaction.client, "metrics", None)
        if metrics is not None:
            metrics.error("component")
        try:
            await send_private(interaction, content=render.APOLOGY)
        except discord.HTTPException:
            log.warning("could not apologise for the failed component %s", what)


class ShowEntryButton(
    discord.ui.DynamicItem[Button], template=r"concierge:show:(?P<entry_id>[\w-]{1,85})"
):
    """A button that shows one entry to the person who presses it."""

    def __init__(
        self,
        entry_id: str,
        label: str,
        *,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        emoji: str | None = None,
    ) -> None:
        """Build the button for `entry_id` with a label cut to Discord's 80 characters."""
        label = render.truncate(render.one_line(label), render.BUTTON_LABEL_LIMIT) or entry_id
        super().__init__(
            discord.ui.Button(
                label=label, style=style, emoji=emoji, custom_id=f"{SHOW_PREFIX}{entry_id}"
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ShowEntryButton:
        """Rebuild the button from a click, keeping its label and style."""
        button = item if isinstance(item, discord.ui.Button) else None
        label = button.label if button is not None and button.label else match["entry_id"]
        style = button.style if button is not None else discord.ButtonStyle.secondary
        return cls(match["entry_id"], label, style=style)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show the entry privately, or say privately that it is gone."""
        await _safely(interaction, lambda: show_entry(interaction, self.entry_id), self.custom_id)


async def show_entry(interaction: discord.Interaction[Any], entry_id: str) -> None:
    """Show an entry, with its related buttons, only to the person who asked for it."""
    kb = knowledge_of(interaction)
    entry = kb.get(entry_id)
    if entry is None:
        await send_private(interaction, content=render.GONE)
        return
    await send_private(interaction, embed=render.entry_embed(entry), view=answer_view(entry, kb))


def _show_button(
    entry_id: str, label: str, style: discord.ButtonStyle, emoji: str | None = None
) -> ShowEntryButton | None:
    """A show button, or None when the id would not fit in a custom_id."""
    if len(SHOW_PREFIX) + len(entry_id) > CUSTOM_ID_LIMIT:
        return None
    return ShowEntryButton(entry_id, label, style=style, emoji=emoji)


def answer_view(entry: Entry, kb: KnowledgeBase) -> Components | None:
    """Follow-ups under an answer: "Next part", "Related" buttons, a link to the source."""
    items: list[discord.ui.Item[Any]] = []
    following = kb.get(entry.next) if entry.next else None
    if following is not None:
        button = _show_button(following.id, NEXT_PART, discord.ButtonStyle.primary)
        if button is not None:
            items.append(button)
    for related in kb.related(entry.id)[:RELATED_LIMIT]:
        if following is not None and related.id == following.id:
            continue
        button = _show_button(related.id, related.title, discord.ButtonStyle.secondary, "📖")
        if button is not None:
            items.append(button)
    url = entry.source.url
    if url and url.startswith(("https://", "http://")):
        items.append(discord.ui.Button(label="Read the source", url=url))
    return Components.of(items)


class AnswerCache:
    """Each entry's answer, its embed and its "Related" row, rendered once per knowledge base.

    The same entries are asked about again and again; rendering one (fitting the embed to
    Discord's limits, building discord.py's button items, turning both into request bodies) costs
    far more than looking it up. The cache belongs to one knowledge base: given another (after a
    reload), it starts afresh, so an answer never shows what the old one said. Embeds come out
    frozen (`render.FrozenEmbed`), so a caller cannot change one under the other answers.
    """

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        """Empty, for no knowledge base yet."""
        self._kb: KnowledgeBase | None = None
        self._answers: dict[str, tuple[Entry, render.FrozenEmbed, Components | None]] = {}

    def __len__(self) -> int:
        """Answers rendered for the current knowledge base."""
        return len(self._answers)

    def answer(self, entry: Entry, kb: KnowledgeBase) -> tuple[discord.Embed, Components | None]:
        """`entry`'s embed and follow-up components (see `answer_view`) as `kb` has them."""
        if kb is not self._kb or len(self._answers) >= self.MAX_ENTRIES:
            self._kb, self._answers = kb, {}
        cached = self._answers.get(entry.id)
        if cached is None or cached[0] is not entry:
            embed = render.FrozenEmbed(render.entry_embed(entry))
            cached = (entry, embed, answer_view(entry, kb))
            self._answers[entry.id] = cached
        return cached[1], cached[2]


@dataclass(frozen=True, slots=True)
class FaqPage:
    """One page of `/faq`: up to PAGE_SIZE entries of one topic."""

    topic: str
    entries: tuple[Entry, ...]
    part: int = 1
    parts: int = 1


def faq_pages(kb: KnowledgeBase) -> tuple[FaqPage, ...]:
    """The knowledge base as pages, topic by topic, a long topic split over several pages."""
    pages: list[FaqPage] = []
    for topic in kb.topics():
        chunks = [topic.entries[i : i + PAGE_SIZE] for i in range(0, len(topic.entries), PAGE_SIZE)]
        for number, chunk in enumerate(chunks, 1):
            pages.append(FaqPage(topic.name, chunk, number, len(chunks)))
    return tuple(pages)


def faq_message(kb: KnowledgeBase, page: int) -> tuple[discord.Embed, discord.ui.View] | None:
    """The embed and components of one `/faq` page (clamped to the pages there are), or None."""
    pages = faq_pages(kb)
    if not pages:
        return None
    page = min(max(page, 0), len(pages) - 1)
    current = pages[page]
    embed = render.faq_page_embed(
        current.topic,
        current.entries,
        page=page,
        pages=len(pages),
        part=current.part,
        parts=current.parts,
    )
    view = discord.ui.View(timeout=None)
    if len({p.topic for p in pages}) > 1:
        view.add_item(FaqTopicSelect(_topic_options(pages, page)))
    options = _entry_options(current.entries)
    if options:
        view.add_item(FaqEntrySelect(page, options))
    view.add_item(FaqNavButton("prev", page, disabled=page == 0))
    view.add_item(FaqNavButton("next", page, disabled=page >= len(pages) - 1))
    return embed, view


def _entry_options(entries: Sequence[Entry]) -> list[discord.SelectOption]:
    """Select options for entries whose id fits in an option value."""
    limit = render.CHOICE_LIMIT
    return [
        discord.SelectOption(
            label=render.truncate(render.one_line(entry.title), limit) or entry.id,
            value=entry.id,
            description=render.truncate(render.one_line(entry.where or entry.source.title), limit)
            or None,
        )
        for entry in entries[:25]
        if len(entry.id) <= limit
    ]


def _topic_options(pages: Sequence[FaqPage], current: int) -> list[discord.SelectOption]:
    """One option per topic (its first page), at most 25, centred on the current topic."""
    first_pages: dict[str, int] = {}
    for index, page in enumerate(pages):
        first_pages.setdefault(page.topic, index)
    topics = list(first_pages.items())
    here = next(i for i, (name, _) in enumerate(topics) if name == pages[current].topic)
    start = max(0, min(here - 12, len(topics) - 25))
    return [
        discord.SelectOption(
            label=render.truncate(render.one_line(name), render.CHOICE_LIMIT) or "…",
            value=str(index),
            default=name == pages[current].topic,
        )
        for name, index in topics[start : start + 25]
    ]


async def _turn_to(interaction: discord.Interaction[Any], page: int) -> None:
    """Replace the `/faq` message in place with another page."""
    message = faq_message(knowledge_of(interaction), page)
    if message is None:
        await interaction.response.edit_message(
            content=render.empty_faq_text(), embed=None, view=None
        )
        return
    embed, view = message
    await interaction.response.edit_message(embed=embed, view=view)


def pager_button(prefix: str, direction: str, page: int, *, disabled: bool = False) -> Button:
    """A "◀ Previous" / "Next ▶" button whose id, `prefix:direction:page`, names its page."""
    return discord.ui.Button(
        label="◀ Previous" if direction == "prev" else "Next ▶",
        style=discord.ButtonStyle.secondary,
        custom_id=f"{prefix}:{direction}:{page}",
        disabled=disabled,
    )


class FaqNavButton(
    discord.ui.DynamicItem[Button],
    template=r"concierge:faq:(?P<direction>prev|next):(?P<page>\d{1,5})",
):
    """The previous / next page button of `/faq`; its id holds the page it was shown on."""

    def __init__(self, direction: str, page: int, *, disabled: bool = False) -> None:
        """`direction` is "prev" or "next"; `page` is the page the button is shown on."""
        super().__init__(pager_button("concierge:faq", direction, page, disabled=disabled))
        self.direction = direction
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FaqNavButton:
        """Rebuild the button from a click."""
        return cls(match["direction"], int(match["page"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Turn one page back or forward."""
        target = self.page - 1 if self.direction == "prev" else self.page + 1
        await _safely(interaction, lambda: _turn_to(interaction, target), self.custom_id)


class FaqEntrySelect(
    discord.ui.DynamicItem[Select], template=r"concierge:faq:pick:(?P<page>\d{1,5})"
):
    """The `/faq` menu of the entries on one page; choosing one shows it privately."""

    def __init__(self, page: int, options: list[discord.SelectOption]) -> None:
        """Offer `options` (entry ids as values) for page `page`."""
        super().__init__(
            discord.ui.Select(
                custom_id=f"concierge:faq:pick:{page}",
                placeholder="Choose an entry to read…",
                options=options,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FaqEntrySelect:
        """Rebuild the menu from a choice, with the options it was sent with."""
        options = list(item.options) if isinstance(item, discord.ui.Select) else []
        return cls(int(match["page"]), options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show the chosen entry to the person who chose it."""
        values = self.item.values
        if not values:
            await interaction.response.defer()
            return
        await _safely(interaction, lambda: show_entry(interaction, values[0]), self.custom_id)


class FaqTopicSelect(discord.ui.DynamicItem[Select], template=r"concierge:faq:topic"):
    """The `/faq` menu of topics; choosing one turns to that topic's first page."""

    def __init__(self, options: list[discord.SelectOption]) -> None:
        """Offer `options` (page numbers as values)."""
        super().__init__(
            discord.ui.Select(
                custom_id="concierge:faq:topic", placeholder="Jump to a topic…", options=options
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FaqTopicSelect:
        """Rebuild the menu from a choice."""
        options = list(item.options) if isinstance(item, discord.ui.Select) else []
        return cls(options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Turn to the first page of the chosen topic."""
        values = self.item.values
        page = int(values[0]) if values and values[0].isdigit() else 0
        await _safely(interaction, lambda: _turn_to(interaction, page), self.custom_id)


PERSISTENT_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ShowEntryButton,
    FaqNavButton,
    FaqEntrySelect,
    FaqTopicSelect,
)

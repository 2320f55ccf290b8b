"""Tokens -> a tree of headings -> entries that each fit one Discord embed.

A heading with no text of its own is a group: its children name it as their parent and it is
not an entry. A question (a `Q1:` line, a bold question line, a `<summary>`, a question heading)
with an answer is an FAQ entry. An answer too long for one embed becomes parts; a long list of
named items may become one entry per item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.ingest.lines import clean_title, is_sign_off_line, shorten, slugify
from bot.core.ingest.model import (
    ID_LIMIT,
    PART_LIMIT,
    TITLE_LIMIT,
    WHERE_LIMIT,
    IngestedEntry,
    Token,
)
from bot.core.ingest.plain import FAQ_HEADING
from bot.core.ingest.split import named_item, split_text

_ANSWER_PREFIX = re.compile(r"^A\d*\s*[:.)]\s+", re.IGNORECASE)
ITEMS_MIN = 6  # a list that short is read whole; longer ones of named items may be one a name
ITEMS_SHARE = 0.8  # "mostly" named items: this share of the section's blocks at least


@dataclass(slots=True)
class Node:
    """A heading, question or the introduction, with its own blocks and sub-headings."""

    title: str
    kind: str  # section | faq
    level: int
    parent: Node | None
    label: str = ""  # "Introduction", or "Q3" for a question cited by its number
    heading: bool = False  # a question written as a heading: cited and keyed by its title
    is_faq_heading: bool = False
    items: list[Token] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Built:
    """Entries with the counts the report gives."""

    entries: list[IngestedEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    groups: int = 0
    split_answers: int = 0
    split_parts: int = 0
    item_lists: int = 0


def cut_sign_off(tokens: list[Token]) -> tuple[list[Token], int | None]:
    """Drop tokens from the first sign-off line after the last heading or question.

    The first block of that last section stays, so a final FAQ answer is never taken for one.
    """
    last_heading = max(
        (i for i, t in enumerate(tokens) if t.kind in ("heading", "question")), default=-2
    )
    for index in range(last_heading + 2, len(tokens)):
        if tokens[index].kind != "end" and is_sign_off_line(tokens[index].text):
            return tokens[:index], tokens[index].line
    return tokens, None


def clean_headings(tokens: list[Token]) -> list[Token]:
    """Titles without decoration; a heading that was only decoration is no heading."""
    out: list[Token] = []
    for token in tokens:
        if token.kind in ("heading", "question"):
            title = clean_title(token.text)
            if not title:
                continue
            token = Token(token.kind, title, token.line, token.level, token.label)
        out.append(token)
    return out


def build_tree(tokens: list[Token], title: str) -> list[Node]:
    """Nodes in document order; each node knows its parent heading."""
    intro = Node(title, "section", 0, None, label="Introduction")
    nodes: list[Node] = [intro]
    stack: list[Node] = []  # open headings, outermost first
    current = intro
    numbered = 0
    for token in tokens:
        if token.kind == "heading":
            while stack and stack[-1].level >= token.level:
                stack.pop()
            parent = stack[-1] if stack else None
            node = Node(token.text, "section", token.level, parent, heading=True)
            node.is_faq_heading = bool(FAQ_HEADING.match(token.text))
            stack.append(node)
        elif token.kind == "question":
            while stack and token.level and stack[-1].level >= token.level:
                stack.pop()
            parent = stack[-1] if stack else None
            numbered += 1
            label = token.label if token.label not in ("", "Q") else f"Q{numbered}"
            node = Node(token.text, "faq", token.level or 99, parent, label=label)
            if token.level:  # a question heading: the headings below it are its sub-sections
                stack.append(node)
        elif token.kind == "end":
            current = stack[-1] if stack else intro
            continue
        else:
            if current.kind == "faq" and not current.items and token.kind == "text":
                token = Token("text", _ANSWER_PREFIX.sub("", token.text, count=1), token.line)
            current.items.append(token)
            continue
        if node.parent is not None:
            node.parent.children.append(node)
        nodes.append(node)
        current = node
    return nodes


def render(items: list[Token]) -> str:
    """Blocks as entry text: paragraphs apart, list items on consecutive lines."""
    parts: list[str] = []
    previous = ""
    for token in items:
        if not token.text.strip():
            continue
        if parts:
            parts.append("\n" if token.kind == "bullet" and previous == "bullet" else "\n\n")
        parts.append(token.text)
        previous = token.kind
    return "".join(parts)


class _Ids:
    """Unique entry ids: the first keeps its slug, later ones get -2, -3... (linear)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.counters: dict[str, int] = {}

    def claim(self, base: str) -> str:
        candidate = base
        counter = self.counters.get(base, 1)
        while candidate in self.taken:
            counter += 1
            suffix = f"-{counter}"
            candidate = slugify(base, ID_LIMIT - len(suffix)) + suffix
        self.counters[base] = counter
        self.taken.add(candidate)
        return candidate


def _path(node: Node) -> list[str]:
    names: list[str] = []
    walk: Node | None = node
    while walk is not None:
        names.append(walk.title)
        walk = walk.parent
    return names[::-1]


def _where(parts: list[str]) -> str:
    return shorten(" › ".join(parts), WHERE_LIMIT)


def make_entries(nodes: list[Node], source_id: str, all_faq: bool) -> Built:
    """Entries for every node with text; groups, split answers and item lists counted."""
    built = Built()
    ids = _Ids()
    room = ID_LIMIT - len(source_id) - 1
    for node in nodes:
        items = [t for t in node.items if t.text.strip()]
        question_heading = node.heading and (node.title.endswith("?") or all_faq)
        if node.kind == "section" and node.level and items and question_heading:
            node.kind = "faq"
        if not items:
            if node.children and node.level:
                built.groups += 1
            elif node.kind == "faq":
                built.warnings.append(f"question {node.title!r} has no answer and was left out")
            elif node.level:
                built.warnings.append(f"heading {node.title!r} has no text and was left out")
            continue
        path = _path(node)
        parent = node.parent.title if node.parent is not None else None
        if node.kind == "faq" and not node.heading:
            slug = slugify(f"faq {node.title}", room)
            where = _where([*path[:-1], node.label])
        elif node.level == 0:
            slug, where = "introduction", node.label
        else:
            slug = slugify(node.title, room) or "section"
            where = _where(path)
        base = f"{source_id}-{slug}"
        named = _named_items(items)
        if named is not None and len(render(items)) > PART_LIMIT:
            built.item_lists += 1
            intro, entries = named
            if intro:
                _add(built, ids, base, node.kind, node.title, parent, where, render(intro))
            else:
                built.groups += 1
            for name, body in entries:
                item_base = f"{base}-{slugify(name, ID_LIMIT)}"
                title = clean_title(name) or name[:TITLE_LIMIT]
                item_where = _where([*path, title])
                _add(built, ids, item_base, "section", title, node.title, item_where, body)
            continue
        _add(built, ids, base, node.kind, node.title, parent, where, render(items))
    return built


def _named_items(items: list[Token]) -> tuple[list[Token], list[tuple[str, str]]] | None:
    """A section that is mostly a list of named items: (its other blocks, (name, text)s)."""
    named: list[tuple[str, str]] = []
    other: list[Token] = []
    for token in items:
        found = (token.label, token.body) if token.label else None
        if found is None and token.kind == "bullet":
            found = named_item(token.text)
        if found is not None and token.kind == "bullet":
            named.append(found)
        else:
            other.append(token)
    if len(named) < ITEMS_MIN or len(named) < ITEMS_SHARE * len(items):
        return None
    return other, named


def _add(
    built: Built,
    ids: _Ids,
    base: str,
    kind: str,
    title: str,
    parent: str | None,
    where: str,
    text: str,
) -> None:
    """One entry, or its parts when the text is too long for one embed."""
    base = slugify(base, ID_LIMIT) or "entry"
    pieces = [piece for piece in split_text(text) if piece.strip()]
    if not pieces:
        return
    if len(pieces) == 1:
        entry = IngestedEntry(ids.claim(base), kind, title, parent, where, pieces[0])
        built.entries.append(entry)
        return
    count = len(pieces)
    built.split_answers += 1
    built.split_parts += count
    part_ids = [ids.claim(base)]
    for number in range(2, count + 1):
        suffix = f"-part-{number}"
        part_ids.append(ids.claim(slugify(base, ID_LIMIT - len(suffix)) + suffix))
    for number, (entry_id, piece) in enumerate(zip(part_ids, pieces, strict=True), 1):
        marker = f" ({number} of {count})"
        part_title = shorten(title, TITLE_LIMIT - len(marker)) + marker
        following = part_ids[number] if number < count else None
        built.entries.append(
            IngestedEntry(
                entry_id, kind, part_title, parent, where, piece, number, count, following
            )
        )

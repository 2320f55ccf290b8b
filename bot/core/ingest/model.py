"""What ingest makes: entries as written to data/sources/*.yaml, and the article with its report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ID_LIMIT = 64
TITLE_LIMIT = 256  # Discord embed title
TEXT_LIMIT = 4096  # Discord embed description
WHERE_LIMIT = 1024
PART_LIMIT = 3900  # a part leaves room in the embed for the "(2 of 3)" and the source line


@dataclass(frozen=True, slots=True)
class IngestedEntry:
    """One generated entry: a section or an FAQ answer, as written to data/sources/*.yaml."""

    id: str
    kind: str
    title: str
    parent: str | None
    where: str
    text: str
    part: int = 0  # of an answer split into parts: this is part `part` of `parts`
    parts: int = 0
    next: str | None = None  # the id of the next part

    def to_dict(self) -> dict[str, str | int | None]:
        """The entry as the YAML mapping the loader reads, keys in file order."""
        data: dict[str, str | int | None] = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "parent": self.parent,
            "where": self.where,
            "text": self.text,
        }
        if self.part:
            data["part"] = self.part
            data["parts"] = self.parts
        if self.next:
            data["next"] = self.next
        return data


@dataclass(frozen=True, slots=True)
class IngestedArticle:
    """An article turned into entries, with what was left out and counts for the report.

    `dropped` holds every line left out (the sign-off from `dropped_from_line` on, and the
    link-only lines, which are also in `dropped_links`).
    """

    source_id: str
    title: str
    kind: str
    entries: tuple[IngestedEntry, ...]
    dropped: tuple[str, ...] = ()
    dropped_from_line: int | None = None
    warnings: tuple[str, ...] = ()
    dropped_links: tuple[str, ...] = ()
    groups: int = 0  # headings with no text of their own, whose children name them as parent
    split_answers: int = 0  # answers too long for one embed, split into parts
    split_parts: int = 0  # the parts those answers became
    item_lists: int = 0  # long lists of named items made one entry per item

    @property
    def entry_count(self) -> int:
        """How many entries were made."""
        return len(self.entries)

    @property
    def faq_count(self) -> int:
        """How many of the entries are FAQ answers."""
        return sum(1 for entry in self.entries if entry.kind == "faq")

    @property
    def dropped_count(self) -> int:
        """How many lines were left out (sign-off and link-only)."""
        return len(self.dropped)

    def summary(self) -> str:
        """One line for the CLI: what was made and what was left out."""
        return (
            f"made {self.entry_count} entries ({self.faq_count} FAQ), {self.groups} groups, "
            f"{self.split_answers} answers split into {self.split_parts} parts, "
            f"{self.dropped_count} lines dropped"
        )

    def to_dict(self) -> dict[str, Any]:
        """The `source:` and `entries:` document for a data/sources/*.yaml file."""
        return {
            "source": {"id": self.source_id, "title": self.title, "kind": self.kind},
            "entries": [entry.to_dict() for entry in self.entries],
        }


@dataclass(frozen=True, slots=True)
class Token:
    """One block of the article, from either parser, in document order.

    kind: heading | question | bullet | text | end (closes a <details> or <dl> answer).
    `label` is "Q3" for a numbered question; for a bullet, the item's name when it has one.
    """

    kind: str
    text: str
    line: int
    level: int = 0
    label: str = ""
    block_start: bool = True
    body: str = ""  # for a named bullet: its description

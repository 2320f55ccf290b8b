"""The knowledge base as the engine and the adapter see it: entries, glossary, disagreements."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.model import Disagreement, Entry, GlossaryTerm, KnowledgeBaseSummary, Source

_FAQ_GROUP = re.compile(r"^(?:faqs?|frequently asked questions)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Topic:
    """A group of entries for browsing: one top-level heading of one source."""

    name: str
    entries: tuple[Entry, ...]


class KnowledgeBase:
    """Everything the bot knows, validated and immutable once built."""

    def __init__(
        self,
        entries: Iterable[Entry],
        glossary: Iterable[GlossaryTerm] = (),
        disagreements: Iterable[Disagreement] = (),
        files: Iterable[str] = (),
        domains: Iterable[str] = (),
    ) -> None:
        """Index entries by id; the caller has validated them."""
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.glossary: tuple[GlossaryTerm, ...] = tuple(glossary)
        self.disagreements: tuple[Disagreement, ...] = tuple(disagreements)
        self.files: tuple[str, ...] = tuple(files)
        self.domains: tuple[str, ...] = tuple(domains)  # domain lexicons named in sources.yaml
        self._by_id = {entry.id: entry for entry in self.entries}
        sources: dict[str, Source] = {}
        for entry in self.entries:
            sources.setdefault(entry.source.id, entry.source)
        self.sources: tuple[Source, ...] = tuple(sources.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        return self._by_id.get(entry_id)

    def related(self, entry_id: str, limit: int = 3) -> tuple[Entry, ...]:
        """Curated related entries, else siblings under the same parent heading."""
        entry = self._by_id.get(entry_id)
        if entry is None:
            return ()
        found = [self._by_id[i] for i in entry.related if i in self._by_id]
        if not found:
            found = [
                other
                for other in self.entries
                if other.id != entry.id
                and other.source.id == entry.source.id
                and entry.parent is not None
                and other.parent == entry.parent
            ]
        return tuple(found[:limit])

    def topics(self) -> tuple[Topic, ...]:
        """Entries for browsing, grouped by the heading they are under (else a source's FAQs)."""
        groups: dict[str, list[Entry]] = {}
        for entry in self.entries:
            if entry.parent and not _FAQ_GROUP.match(entry.parent):
                name = entry.parent
            elif entry.kind == "faq":
                name = f"FAQ · {entry.source.title}"
            else:
                name = entry.parent or entry.title
            groups.setdefault(name, []).append(entry)
        return tuple(Topic(name, tuple(items)) for name, items in groups.items())

    def summary(self) -> KnowledgeBaseSummary:
        """Counts for `check` and `/about`."""
        faqs = sum(1 for e in self.entries if e.kind == "faq")
        return KnowledgeBaseSummary(
            entries=len(self.entries),
            faqs=faqs,
            sections=len(self.entries) - faqs,
            sources=self.sources,
            glossary_terms=len(self.glossary),
            disagreements=len(self.disagreements),
            files=self.files,
        )

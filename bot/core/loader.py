"""Load and validate the knowledge base from YAML files; report every problem at once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import KnowledgeBaseError, Problem
from bot.core.model import (
    ENTRY_KINDS,
    SOURCE_KINDS,
    Disagreement,
    Entry,
    GlossaryTerm,
    KnowledgeBaseSummary,
    Source,
)

TITLE_LIMIT = 256  # Discord embed title
TEXT_LIMIT = 4096  # Discord embed description
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
GLOSSARY_FILE = "glossary.yaml"
CURATION_FILE = "curation.yaml"

SOURCE_KEYS = {"id", "title", "kind", "url"}
ENTRY_KEYS = {"id", "kind", "title", "parent", "where", "text", "aliases", "tags", "related"}
CURATION_KEYS = {"aliases", "tags", "related"}
TERM_KEYS = {"canonical", "variants", "exact"}
DISAGREEMENT_KEYS = {"about", "entries", "note"}


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
    ) -> None:
        """Index entries by id; the caller has validated them."""
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.glossary: tuple[GlossaryTerm, ...] = tuple(glossary)
        self.disagreements: tuple[Disagreement, ...] = tuple(disagreements)
        self.files: tuple[str, ...] = tuple(files)
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
        """Entries grouped for browsing: FAQs of each source, then each top-level heading."""
        groups: dict[str, list[Entry]] = {}
        for entry in self.entries:
            if entry.kind == "faq":
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


class _Collector:
    """Gathers problems while reading, so loading reports all of them at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self, file: str, message: str, entry: str | None = None, field: str | None = None
    ) -> None:
        self.problems.append(Problem(file, message, entry, field))

    def text(
        self,
        file: str,
        raw: Mapping[str, Any],
        key: str,
        entry: str | None,
        *,
        required: bool = True,
        limit: int | None = None,
    ) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.add(file, "is missing", entry, key)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(file, f"must be text, not {type(value).__name__}", entry, key)
            return None
        text = str(value).strip()
        if not text:
            if required:
                self.add(file, "is empty", entry, key)
            return None
        if limit is not None and len(text) > limit:
            self.add(
                file,
                f"is {len(text)} characters; Discord allows at most {limit}",
                entry,
                key,
            )
        return text

    def strings(
        self, file: str, raw: Mapping[str, Any], key: str, entry: str | None
    ) -> tuple[str, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(file, f"must be a list of text, not {type(value).__name__}", entry, key)
            return ()
        out: list[str] = []
        for position, item in enumerate(value, 1):
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                self.add(file, f"item {position} must be text", entry, key)
            elif not str(item).strip():
                self.add(file, f"item {position} is empty", entry, key)
            else:
                out.append(str(item).strip())
        return tuple(out)

    def unknown_keys(
        self, file: str, raw: Mapping[str, Any], allowed: set[str], entry: str | None
    ) -> None:
        for key in raw:
            if key not in allowed:
                hint = _closest(str(key), allowed)
                self.add(file, f"unknown key{hint}", entry, str(key))


def _closest(key: str, allowed: Iterable[str]) -> str:
    import difflib

    match = difflib.get_close_matches(key, sorted(allowed), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _read_yaml(path: Path, name: str, problems: _Collector) -> Any:
    try:
        raw_text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(name, f"is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    except OSError as exc:
        problems.add(name, f"cannot be read: {exc.strerror or exc}")
        return None
    try:
        return yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        problems.add(name, f"is not valid YAML{where}: {problem}")
        return None


def load_knowledge_base(data_dir: Path | str) -> KnowledgeBase:
    """Load every YAML file under data_dir; raise KnowledgeBaseError listing all problems."""
    root = Path(data_dir)
    problems = _Collector()
    if not root.is_dir():
        raise KnowledgeBaseError([Problem(str(root), "is not a directory")])
    files = sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    glossary: list[GlossaryTerm] = []
    disagreements: list[Disagreement] = []
    curation: dict[str, tuple[str, Mapping[str, Any]]] = {}
    entries: list[tuple[str, dict[str, Any]]] = []
    names: list[str] = []
    for path in files:
        name = path.relative_to(root).as_posix()
        names.append(name)
        data = _read_yaml(path, name, problems)
        if data is None:
            if not problems.problems or problems.problems[-1].file != name:
                problems.add(name, "is empty")
            continue
        if not isinstance(data, dict):
            problems.add(name, f"must be a mapping at the top, not {type(data).__name__}")
            continue
        if path.name == GLOSSARY_FILE:
            glossary.extend(_read_glossary(name, data, problems))
        elif path.name == CURATION_FILE:
            _read_curation(name, data, problems, curation, disagreements)
        else:
            entries.extend(_read_source_file(name, data, problems))
    built = _build_entries(entries, curation, disagreements, problems)
    if not files:
        problems.add(str(root), "holds no .yaml files")
    elif not built and not problems.problems:
        problems.add(str(root), "holds no entries")
    if problems.problems:
        raise KnowledgeBaseError(problems.problems)
    return KnowledgeBase(built, glossary, disagreements, names)


def _read_glossary(name: str, data: Mapping[str, Any], problems: _Collector) -> list[GlossaryTerm]:
    problems.unknown_keys(name, data, {"names", "words"}, None)
    terms: list[GlossaryTerm] = []
    for kind_key, kind in (("names", "name"), ("words", "word")):
        items = data.get(kind_key) or []
        if not isinstance(items, list):
            problems.add(name, "must be a list", None, kind_key)
            continue
        for position, raw in enumerate(items, 1):
            label = f"{kind_key}[{position}]"
            if not isinstance(raw, dict):
                problems.add(name, "must be a mapping with canonical and variants", label)
                continue
            canonical = problems.text(name, raw, "canonical", label)
            label = canonical or label
            problems.unknown_keys(name, raw, TERM_KEYS, label)
            variants = problems.strings(name, raw, "variants", label)
            exact = problems.strings(name, raw, "exact", label)
            if canonical:
                terms.append(GlossaryTerm(canonical, variants, kind, exact))
    return terms


def _read_curation(
    name: str,
    data: Mapping[str, Any],
    problems: _Collector,
    curation: dict[str, tuple[str, Mapping[str, Any]]],
    disagreements: list[Disagreement],
) -> None:
    problems.unknown_keys(name, data, {"entries", "disagreements"}, None)
    entries = data.get("entries") or {}
    if not isinstance(entries, dict):
        problems.add(name, "must be a mapping of entry id to curation", None, "entries")
        entries = {}
    for entry_id, raw in entries.items():
        if not isinstance(raw, dict):
            problems.add(name, "must be a mapping (aliases, tags, related)", str(entry_id))
            continue
        problems.unknown_keys(name, raw, CURATION_KEYS, str(entry_id))
        curation[str(entry_id)] = (name, raw)
    items = data.get("disagreements") or []
    if not isinstance(items, list):
        problems.add(name, "must be a list", None, "disagreements")
        items = []
    for position, raw in enumerate(items, 1):
        label = f"disagreements[{position}]"
        if not isinstance(raw, dict):
            problems.add(name, "must be a mapping (about, entries, note)", label)
            continue
        problems.unknown_keys(name, raw, DISAGREEMENT_KEYS, label)
        about = problems.text(name, raw, "about", label)
        note = problems.text(name, raw, "note", label, limit=1024)
        ids = problems.strings(name, raw, "entries", label)
        if not ids:
            problems.add(name, "must name at least one entry", label, "entries")
        if about and note and ids:
            disagreements.append(Disagreement(about, ids, note))


def _read_source_file(
    name: str, data: Mapping[str, Any], problems: _Collector
) -> list[tuple[str, dict[str, Any]]]:
    problems.unknown_keys(name, data, {"source", "entries"}, None)
    raw_source = data.get("source")
    if not isinstance(raw_source, dict):
        problems.add(name, "is missing (id, title, kind)", None, "source")
        return []
    problems.unknown_keys(name, raw_source, SOURCE_KEYS, None)
    source_id = problems.text(name, raw_source, "id", None)
    title = problems.text(name, raw_source, "title", None, limit=TITLE_LIMIT)
    kind = problems.text(name, raw_source, "kind", None)
    url = problems.text(name, raw_source, "url", None, required=False)
    if kind and kind not in SOURCE_KINDS:
        problems.add(name, f"must be one of {', '.join(SOURCE_KINDS)}", None, "source.kind")
    if not (source_id and title and kind):
        return []
    source = Source(source_id, title, kind, url)
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.add(name, "must be a non-empty list", None, "entries")
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    for position, raw in enumerate(raw_entries, 1):
        if not isinstance(raw, dict):
            problems.add(name, "must be a mapping", f"#{position}")
            continue
        out.append((name, {**raw, "_source": source, "_position": position}))
    return out


def _build_entries(
    raw_entries: list[tuple[str, dict[str, Any]]],
    curation: dict[str, tuple[str, Mapping[str, Any]]],
    disagreements: list[Disagreement],
    problems: _Collector,
) -> list[Entry]:
    built: list[Entry] = []
    seen: dict[str, str] = {}
    alias_owner: dict[str, str] = {}
    pending_related: list[tuple[str, str, tuple[str, ...]]] = []
    for file, raw in raw_entries:
        label = str(raw.get("id") or f"#{raw['_position']}")
        problems.unknown_keys(
            file, {k: v for k, v in raw.items() if k[0] != "_"}, ENTRY_KEYS, label
        )
        entry_id = problems.text(file, raw, "id", label)
        if entry_id and not ID_PATTERN.match(entry_id):
            problems.add(file, "must be 1-64 characters of a-z, 0-9 and '-'", label, "id")
        if entry_id and entry_id in seen:
            problems.add(file, f"duplicate id (also in {seen[entry_id]})", label, "id")
            continue
        if entry_id:
            seen[entry_id] = file
        title = problems.text(file, raw, "title", label, limit=TITLE_LIMIT)
        text = problems.text(file, raw, "text", label, limit=TEXT_LIMIT)
        kind = problems.text(file, raw, "kind", label, required=False) or "section"
        if kind not in ENTRY_KINDS:
            problems.add(file, f"must be one of {', '.join(ENTRY_KINDS)}", label, "kind")
        parent = problems.text(file, raw, "parent", label, required=False, limit=TITLE_LIMIT)
        where = problems.text(file, raw, "where", label, required=False, limit=1024) or ""
        aliases = problems.strings(file, raw, "aliases", label)
        tags = problems.strings(file, raw, "tags", label)
        related = problems.strings(file, raw, "related", label)
        if entry_id and entry_id in curation:
            cfile, extra = curation[entry_id]
            aliases += problems.strings(cfile, extra, "aliases", entry_id)
            tags += problems.strings(cfile, extra, "tags", entry_id)
            related += problems.strings(cfile, extra, "related", entry_id)
        if not (entry_id and title and text):
            continue
        for alias in aliases:
            key = " ".join(alias.casefold().split())
            owner = alias_owner.setdefault(key, entry_id)
            if owner != entry_id:
                problems.add(
                    file, f"alias {alias!r} is also on entry {owner!r}", entry_id, "aliases"
                )
        notes = tuple(d.note for d in disagreements if entry_id in d.entries)
        pending_related.append((file, entry_id, related))
        built.append(
            Entry(
                id=entry_id,
                title=title,
                text=text,
                source=raw["_source"],
                kind=kind,
                parent=parent,
                where=where,
                aliases=tuple(dict.fromkeys(aliases)),
                tags=tuple(dict.fromkeys(t.casefold() for t in tags)),
                related=tuple(dict.fromkeys(related)),
                notes=notes,
            )
        )
    for entry_id, (cfile, _extra) in curation.items():
        if entry_id not in seen:
            problems.add(cfile, "names no entry in any source file", entry_id)
    for file, entry_id, related in pending_related:
        for other in related:
            if other not in seen:
                problems.add(file, f"names unknown entry {other!r}", entry_id, "related")
    for position, disagreement in enumerate(disagreements, 1):
        for other in disagreement.entries:
            if other not in seen:
                problems.add(
                    CURATION_FILE,
                    f"names unknown entry {other!r}",
                    f"disagreements[{position}]",
                    "entries",
                )
    return built

"""Load and validate the knowledge base from YAML files; report every problem at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import KnowledgeBaseError, Problem
from bot.core.knowledge import KnowledgeBase, Topic
from bot.core.manifest import ARTICLES_DIR, MANIFEST_FILE, parse_manifest
from bot.core.model import (
    ENTRY_KINDS,
    SOURCE_KINDS,
    Disagreement,
    Entry,
    GlossaryTerm,
    Source,
)
from bot.core.yamlfile import YamlFileError, describe, line_of, own_line, read_yaml

TITLE_LIMIT = 256  # Discord embed title
TEXT_LIMIT = 4096  # Discord embed description
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
GLOSSARY_FILE = "glossary.yaml"
CHECKS_FILE = "checks.yaml"
CURATION_FILE = "curation.yaml"

SOURCE_KEYS = {"id", "title", "kind", "url"}
ENTRY_KEYS = {"id", "kind", "title", "parent", "where", "text", "aliases", "tags", "related"}
ENTRY_KEYS |= {"part", "parts", "next"}
CURATION_KEYS = {"aliases", "tags", "related", "title"}
TERM_KEYS = {"canonical", "variants", "exact"}
DISAGREEMENT_KEYS = {"about", "entries", "note"}

__all__ = ["KnowledgeBase", "Topic", "closest_id", "load_knowledge_base"]


class _Collector:
    """Gathers problems while reading, so loading reports all of them at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        file: str,
        message: str,
        entry: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problems.append(Problem(file, message, entry, field, line))

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
        line = line_of(raw, key)
        if value is None:
            if required:
                self.add(file, "is missing", entry, key, line)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(file, f"must be text, not {describe(value)}", entry, key, line)
            return None
        text = str(value).strip()
        if not text:
            if required:
                self.add(file, "is empty", entry, key, line)
            return None
        if limit is not None and len(text) > limit:
            message = f"is {len(text)} characters; Discord allows at most {limit}"
            self.add(file, message, entry, key, line)
        return text

    def strings(
        self, file: str, raw: Mapping[str, Any], key: str, entry: str | None
    ) -> list[tuple[str, int | None]]:
        """The text items of a list (or a lone text), each with its line."""
        value = raw.get(key)
        line = line_of(raw, key)
        if value is None:
            return []
        if isinstance(value, str):
            return [(value.strip(), line)] if value.strip() else []
        if not isinstance(value, list):
            message = f"must be a list of text, not {describe(value)}"
            self.add(file, message, entry, key, line)
            return []
        out: list[tuple[str, int | None]] = []
        for index, item in enumerate(value):
            item_line = line_of(value, index) or line
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                self.add(file, f"item {index + 1} must be text", entry, key, item_line)
            elif not str(item).strip():
                self.add(file, f"item {index + 1} is empty", entry, key, item_line)
            else:
                out.append((str(item).strip(), item_line))
        return out

    def count(self, file: str, raw: Mapping[str, Any], key: str, entry: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.add(file, "must be a whole number, 1 or more", entry, key, line_of(raw, key))
            return None
        return value

    def unknown_keys(
        self, file: str, raw: Mapping[str, Any], allowed: set[str], entry: str | None
    ) -> None:
        for key in raw:
            if key not in allowed:
                hint = _closest_hint(str(key), allowed)
                self.add(file, f"unknown key{hint}", entry, str(key), line_of(raw, key))


def _closest(name: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=cutoff)
    return match[0] if match else None


def _closest_hint(key: str, allowed: Iterable[str]) -> str:
    match = _closest(key, allowed)
    return f" (did you mean {match!r}?)" if match else ""


def _no_entry(what: str, entry_id: str, known: Iterable[str]) -> str:
    """`what`, with the closest existing id: the way back after a heading was renamed."""
    match = closest_id(entry_id, known)
    return f"{what}; closest: {match}" if match else what


_ID_FILLER = frozenset("a an and the of in on to for is are faq".split())


def closest_id(entry_id: str, known: Iterable[str]) -> str | None:
    """The known id sharing most heading words with `entry_id`, else the most alike in spelling.

    Words most ids share (the source's own id, like 'wick-ballerina') say nothing, so they don't
    count; ties go to the id spelled most alike.
    """
    ids = sorted(set(known))
    if not ids:
        return None
    counts: dict[str, int] = {}
    for other in ids:
        for word in set(other.split("-")):
            counts[word] = counts.get(word, 0) + 1
    common = {word for word, count in counts.items() if count > len(ids) / 2}

    def words(text: str) -> set[str]:
        return set(text.split("-")) - _ID_FILLER - common

    wanted = words(entry_id)
    best, best_score = None, (0.0, 0.0)
    for other in ids:
        have = words(other)
        overlap = len(wanted & have) / len(wanted | have) if wanted & have else 0.0
        score = (overlap, difflib.SequenceMatcher(None, entry_id, other).ratio())
        if score > best_score:
            best, best_score = other, score
    if best_score[0] > 0 or best_score[1] >= 0.75:
        return best
    return None


@dataclass(slots=True)
class _Curation:
    """The curation of one entry and where it is written."""

    file: str
    raw: Mapping[str, Any]
    line: int | None


@dataclass(frozen=True, slots=True)
class _Reference:
    """An entry id named somewhere (`related`, `next`, a disagreement), and where."""

    target: str
    file: str
    entry: str
    field: str
    line: int | None


def _data_files(root: Path) -> list[Path]:
    """YAML files of the knowledge base: not checks.yaml, nothing under articles/ or hidden."""
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.suffix not in {".yaml", ".yml"} or not path.is_file():
            continue
        if relative.parts[0] == ARTICLES_DIR or any(p.startswith(".") for p in relative.parts):
            continue
        if relative.as_posix() == CHECKS_FILE:
            continue  # questions and the entries they must get: for proposals, not knowledge
        found.append(path)
    return found


def load_knowledge_base(data_dir: Path | str) -> KnowledgeBase:
    """Load every YAML file under data_dir; raise KnowledgeBaseError listing all problems."""
    root = Path(data_dir)
    problems = _Collector()
    if not root.is_dir():
        raise KnowledgeBaseError([Problem(str(root), "is not a directory")])
    files = _data_files(root)
    glossary: list[GlossaryTerm] = []
    disagreements: list[tuple[Disagreement, list[_Reference]]] = []
    curation: dict[str, _Curation] = {}
    entries: list[tuple[str, Mapping[str, Any], Source, int]] = []
    domains: tuple[str, ...] = ()
    names: list[str] = []
    for path in files:
        name = path.relative_to(root).as_posix()
        try:
            data = read_yaml(path)
        except YamlFileError as error:
            problems.add(name, str(error))
            continue
        if name == MANIFEST_FILE:
            manifest, found = parse_manifest(data, name)
            problems.problems.extend(found)
            domains = manifest.domains
            for source in manifest.sources:
                if source.path is not None and not (root / source.path).is_file():
                    message = f"names no file {source.path!r} here; ingest --all needs it"
                    problems.add(name, message, source.id, "path", source.line)
            continue
        names.append(name)
        if data is None and path.name in (GLOSSARY_FILE, CURATION_FILE):
            continue  # nothing curated yet is a valid start
        if data is None:
            problems.add(name, "is empty")
            continue
        if not isinstance(data, dict):
            problems.add(name, f"must be a mapping at the top, not {describe(data)}")
            continue
        if path.name == GLOSSARY_FILE:
            glossary.extend(_read_glossary(name, data, problems))
        elif path.name == CURATION_FILE:
            _read_curation(name, data, problems, curation, disagreements)
        else:
            entries.extend(_read_source_file(name, data, problems))
    built = _build_entries(entries, curation, disagreements, problems)
    if not names:
        problems.add(str(root), "holds no .yaml files")
    elif not built and not problems.problems:
        problems.add(str(root), "holds no entries")
    if problems.problems:
        raise KnowledgeBaseError(problems.problems)
    return KnowledgeBase(built, glossary, [d for d, _ in disagreements], names, domains)


def _read_glossary(name: str, data: Mapping[str, Any], problems: _Collector) -> list[GlossaryTerm]:
    problems.unknown_keys(name, data, {"names", "words"}, None)
    terms: list[GlossaryTerm] = []
    for kind_key, kind in (("names", "name"), ("words", "word")):
        items = data.get(kind_key) or []
        if not isinstance(items, list):
            problems.add(name, "must be a list", None, kind_key, line_of(data, kind_key))
            continue
        for index, raw in enumerate(items):
            label = f"{kind_key}[{index + 1}]"
            if not isinstance(raw, dict):
                message = "must be a mapping with canonical and variants"
                problems.add(name, message, label, None, line_of(items, index))
                continue
            canonical = problems.text(name, raw, "canonical", label)
            label = canonical or label
            problems.unknown_keys(name, raw, TERM_KEYS, label)
            variants = tuple(v for v, _ in problems.strings(name, raw, "variants", label))
            exact = tuple(v for v, _ in problems.strings(name, raw, "exact", label))
            if canonical:
                terms.append(GlossaryTerm(canonical, variants, kind, exact))
    return terms


def _read_curation(
    name: str,
    data: Mapping[str, Any],
    problems: _Collector,
    curation: dict[str, _Curation],
    disagreements: list[tuple[Disagreement, list[_Reference]]],
) -> None:
    problems.unknown_keys(name, data, {"entries", "disagreements"}, None)
    entries = data.get("entries") or {}
    if not isinstance(entries, dict):
        message = "must be a mapping of entry id to curation"
        problems.add(name, message, None, "entries", line_of(data, "entries"))
        entries = {}
    for entry_id, raw in entries.items():
        line = line_of(entries, entry_id)
        if raw is None:
            curation[str(entry_id)] = _Curation(name, {}, line)
            continue
        if not isinstance(raw, dict):
            message = "must be a mapping (aliases, tags, related, title)"
            problems.add(name, message, str(entry_id), None, line)
            continue
        problems.unknown_keys(name, raw, CURATION_KEYS, str(entry_id))
        curation[str(entry_id)] = _Curation(name, raw, line)
    items = data.get("disagreements") or []
    if not isinstance(items, list):
        problems.add(name, "must be a list", None, "disagreements", line_of(data, "disagreements"))
        items = []
    for index, raw in enumerate(items):
        label = f"disagreements[{index + 1}]"
        if not isinstance(raw, dict):
            message = "must be a mapping (about, entries, note)"
            problems.add(name, message, label, None, line_of(items, index))
            continue
        problems.unknown_keys(name, raw, DISAGREEMENT_KEYS, label)
        about = problems.text(name, raw, "about", label)
        note = problems.text(name, raw, "note", label, limit=1024)
        ids = problems.strings(name, raw, "entries", label)
        if not ids:
            problems.add(name, "must name at least one entry", label, "entries", own_line(raw))
        if about and note and ids:
            references = [_Reference(i, name, label, "entries", line) for i, line in ids]
            disagreements.append((Disagreement(about, tuple(i for i, _ in ids), note), references))


def _read_source_file(
    name: str, data: Mapping[str, Any], problems: _Collector
) -> list[tuple[str, Mapping[str, Any], Source, int]]:
    problems.unknown_keys(name, data, {"source", "entries"}, None)
    raw_source = data.get("source")
    if not isinstance(raw_source, dict):
        problems.add(name, "is missing (id, title, kind)", None, "source", line_of(data, "source"))
        return []
    problems.unknown_keys(name, raw_source, SOURCE_KEYS, None)
    source_id = problems.text(name, raw_source, "id", None)
    title = problems.text(name, raw_source, "title", None, limit=TITLE_LIMIT)
    kind = problems.text(name, raw_source, "kind", None)
    url = problems.text(name, raw_source, "url", None, required=False)
    if kind and kind not in SOURCE_KINDS:
        message = f"must be one of {', '.join(SOURCE_KINDS)}"
        problems.add(name, message, None, "source.kind", line_of(raw_source, "kind"))
    if not (source_id and title and kind):
        return []
    source = Source(source_id, title, kind, url)
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        message = "must be a non-empty list"
        problems.add(name, message, None, "entries", line_of(data, "entries"))
        return []
    out: list[tuple[str, Mapping[str, Any], Source, int]] = []
    for index, raw in enumerate(raw_entries):
        if not isinstance(raw, dict):
            problems.add(
                name, "must be a mapping", f"#{index + 1}", None, line_of(raw_entries, index)
            )
            continue
        out.append((name, raw, source, index + 1))
    return out


def _build_entries(
    raw_entries: list[tuple[str, Mapping[str, Any], Source, int]],
    curation: dict[str, _Curation],
    disagreements: list[tuple[Disagreement, list[_Reference]]],
    problems: _Collector,
) -> list[Entry]:
    built: list[Entry] = []
    seen: dict[str, str] = {}
    alias_owner: dict[str, tuple[str, str, str, int | None]] = {}
    references: list[_Reference] = []
    for file, raw, source, position in raw_entries:
        label = str(raw.get("id") or f"#{position}")
        problems.unknown_keys(file, raw, ENTRY_KEYS, label)
        entry_id = problems.text(file, raw, "id", label)
        id_line = line_of(raw, "id")
        if entry_id and not ID_PATTERN.match(entry_id):
            message = "must be 1-64 characters of a-z, 0-9 and '-'"
            problems.add(file, message, label, "id", id_line)
        if entry_id and entry_id in seen:
            problems.add(file, f"duplicate id (also in {seen[entry_id]})", label, "id", id_line)
            continue
        if entry_id:
            seen[entry_id] = file
        extra = curation.get(entry_id or "")
        title = problems.text(file, raw, "title", label, limit=TITLE_LIMIT)
        if extra is not None and "title" in extra.raw:
            title = problems.text(extra.file, extra.raw, "title", label, limit=TITLE_LIMIT)
        text = problems.text(file, raw, "text", label, limit=TEXT_LIMIT)
        kind = problems.text(file, raw, "kind", label, required=False) or "section"
        if kind not in ENTRY_KINDS:
            message = f"must be one of {', '.join(ENTRY_KINDS)}"
            problems.add(file, message, label, "kind", line_of(raw, "kind"))
        parent = problems.text(file, raw, "parent", label, required=False, limit=TITLE_LIMIT)
        where = problems.text(file, raw, "where", label, required=False, limit=1024) or ""
        part, parts, next_id = _parts(file, raw, label, problems)
        aliases = [(a, file, n) for a, n in problems.strings(file, raw, "aliases", label)]
        tags = [t for t, _ in problems.strings(file, raw, "tags", label)]
        related = [
            _Reference(r, file, label, "related", line)
            for r, line in problems.strings(file, raw, "related", label)
        ]
        if next_id is not None:
            references.append(_Reference(next_id, file, label, "next", line_of(raw, "next")))
        if extra is not None:
            aliases += [
                (a, extra.file, n)
                for a, n in problems.strings(extra.file, extra.raw, "aliases", label)
            ]
            tags += [t for t, _ in problems.strings(extra.file, extra.raw, "tags", label)]
            related += [
                _Reference(r, extra.file, label, "related", line)
                for r, line in problems.strings(extra.file, extra.raw, "related", label)
            ]
        if not (entry_id and title and text):
            continue
        for alias, alias_file, alias_line in aliases:
            key = " ".join(alias.casefold().split())
            here = (entry_id, alias, alias_file, alias_line)
            owner = alias_owner.setdefault(key, here)
            if owner[0] != entry_id:
                _alias_clash(problems, here, owner)
        references += related
        notes = tuple(d.note for d, _ in disagreements if entry_id in d.entries)
        built.append(
            Entry(
                id=entry_id,
                title=title,
                text=text,
                source=source,
                kind=kind,
                parent=parent,
                where=where,
                aliases=tuple(dict.fromkeys(a for a, _, _ in aliases)),
                tags=tuple(dict.fromkeys(t.casefold() for t in tags)),
                related=tuple(dict.fromkeys(r.target for r in related)),
                notes=notes,
                part=part,
                parts=parts,
                next=next_id,
            )
        )
    for entry_id, extra in curation.items():
        if entry_id not in seen:
            message = _no_entry("names no entry in any source file", entry_id, seen)
            problems.add(extra.file, message, entry_id, None, extra.line)
    for _, found in disagreements:
        references += found
    for reference in references:
        if reference.target not in seen:
            message = _no_entry(f"names unknown entry {reference.target!r}", reference.target, seen)
            problems.add(reference.file, message, reference.entry, reference.field, reference.line)
    return built


def _alias_clash(
    problems: _Collector,
    alias: tuple[str, str, str, int | None],
    owner: tuple[str, str, str, int | None],
) -> None:
    """Report an alias on two entries where it was curated, if either one was curated."""
    if Path(alias[2]).name != CURATION_FILE and Path(owner[2]).name == CURATION_FILE:
        alias, owner = owner, alias
    entry_id, text, file, line = alias
    other = owner[0]
    message = f"alias {text!r} is also on entry {other!r}"
    problems.add(file, message, entry_id, "aliases", line)


def _parts(
    file: str, raw: Mapping[str, Any], label: str, problems: _Collector
) -> tuple[int | None, int | None, str | None]:
    """`part` of `parts`, and the id of the next part, of an answer split into parts."""
    part = problems.count(file, raw, "part", label)
    parts = problems.count(file, raw, "parts", label)
    next_id = problems.text(file, raw, "next", label, required=False)
    if (part is None) != (parts is None) and ("part" in raw) != ("parts" in raw):
        missing = "parts" if parts is None else "part"
        problems.add(
            file, "goes with a part number and a count of parts", label, missing, own_line(raw)
        )
        return None, None, next_id
    if part is not None and parts is not None and part > parts:
        problems.add(
            file, f"is {part}, more than parts ({parts})", label, "part", line_of(raw, "part")
        )
    return part, parts, next_id

"""`data/sources.yaml`: where each generated source file comes from, and the domains it uses.

The manifest lists every source of the knowledge base: its origin (`path:` of an article
relative to the data directory, or `url:` of a web page), `title`, `kind`, `id`, the `format`
to read it as, and the `output` file (default `sources/<id>.yaml`). `domains:` names the domain
lexicons (`film`, `game`...) the knowledge base draws on. `python -m bot ingest --all`
regenerates every output from it; the loader reads only `domains` and checks the rest.
Pure: a parsed mapping in, a frozen `Manifest` and the problems found out.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from bot.core.errors import Problem
from bot.core.lexicon import known_domains
from bot.core.model import SOURCE_KINDS
from bot.core.yamlfile import describe, line_of, own_line

MANIFEST_FILE = "sources.yaml"
ARTICLES_DIR = "articles"
FORMATS = ("auto", "markdown", "text", "html")
SOURCE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
DOMAIN_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
TOP_KEYS = ("domains", "sources")
SOURCE_KEYS = ("id", "title", "kind", "path", "url", "format", "output")
RESERVED_OUTPUTS = frozenset({MANIFEST_FILE, "curation.yaml", "glossary.yaml"})

_Add = Callable[[str, str | None, str | None, int | None], None]  # message, entry, field, line


@dataclass(frozen=True, slots=True)
class ManifestSource:
    """One source of the knowledge base and the generated file made from it."""

    id: str
    title: str
    kind: str
    path: str | None  # relative to the data directory
    url: str | None
    format: str = "auto"
    output: str = ""  # relative to the data directory
    line: int | None = None

    @property
    def origin(self) -> str:
        """The article path or the page address, as written in the manifest."""
        return self.path or self.url or ""


@dataclass(frozen=True, slots=True)
class Manifest:
    """The sources to regenerate, in manifest order, and the domain lexicons named."""

    domains: tuple[str, ...] = ()
    sources: tuple[ManifestSource, ...] = ()

    def get(self, source_id: str) -> ManifestSource | None:
        """The source with this id, or None."""
        return next((s for s in self.sources if s.id == source_id), None)


def parse_manifest(data: Any, file: str = MANIFEST_FILE) -> tuple[Manifest, list[Problem]]:
    """Check a parsed manifest; the usable part of it and every problem, each with its line."""
    problems: list[Problem] = []

    def add(message: str, entry: str | None, key: str | None, line: int | None) -> None:
        problems.append(Problem(file, message, entry, key, line))

    if data is None:
        return Manifest(), problems
    if not isinstance(data, dict):
        add(f"must be a mapping at the top, not {describe(data)}", None, None, None)
        return Manifest(), problems
    for key in data:
        if key not in TOP_KEYS:
            add(f"unknown key (known: {', '.join(TOP_KEYS)})", None, str(key), line_of(data, key))
    domains = _domains(data, add)
    raw_sources = data.get("sources") or []
    if not isinstance(raw_sources, list):
        add("must be a list of sources", None, "sources", line_of(data, "sources"))
        raw_sources = []
    sources: list[ManifestSource] = []
    ids: set[str] = set()
    outputs: dict[str, str] = {}
    for position, raw in enumerate(raw_sources):
        source = _source(raw, position, line_of(raw_sources, position), add)
        if source is None:
            continue
        if source.id in ids:
            add("duplicate source id", source.id, "id", line_of(raw, "id"))
            continue
        if source.output in outputs:
            add(
                f"is also the output of {outputs[source.output]!r}",
                source.id,
                "output",
                line_of(raw, "output") or source.line,
            )
            continue
        ids.add(source.id)
        outputs[source.output] = source.id
        sources.append(source)
    return Manifest(domains, tuple(sources)), problems


def _domains(data: dict[str, Any], add: _Add) -> tuple[str, ...]:
    raw = data.get("domains")
    line = line_of(data, "domains")
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        add("must be a list of domain names, like [film]", None, "domains", line)
        return ()
    names: list[str] = []
    for position, name in enumerate(raw):
        if not isinstance(name, str) or not DOMAIN_NAME.match(name):
            add(
                f"item {position + 1} ({name!r}) must be a short name of a-z, 0-9, '-' and '_'",
                None,
                "domains",
                line_of(raw, position) or line,
            )
        elif name not in known_domains():
            close = difflib.get_close_matches(name, known_domains(), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            known = ", ".join(known_domains())
            add(
                f"unknown domain {name!r}{hint}; the domains are {known}",
                None,
                "domains",
                line_of(raw, position) or line,
            )
        elif name not in names:
            names.append(name)
    return tuple(names)


def _source(raw: Any, position: int, line: int | None, add: _Add) -> ManifestSource | None:
    label = f"sources[{position + 1}]"
    if not isinstance(raw, dict):
        add("must be a mapping (id, title, kind, path or url)", label, None, line)
        return None
    label = str(raw.get("id") or label)
    for key in raw:
        if key not in SOURCE_KEYS:
            add(
                f"unknown key (known: {', '.join(SOURCE_KEYS)})", label, str(key), line_of(raw, key)
            )
    values: dict[str, str | None] = {}
    for key in SOURCE_KEYS:
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str)):
            add(f"must be text, not {describe(value)}", label, key, line_of(raw, key))
            value = None
        values[key] = value.strip() if isinstance(value, str) and value.strip() else None
    ok = True
    for key in ("id", "title", "kind"):
        if values[key] is None:
            add("is missing", label, key, own_line(raw))
            ok = False
    source_id, kind = values["id"], values["kind"]
    if source_id is not None and not SOURCE_ID.match(source_id):
        add(
            "must be 1-40 characters of a-z, 0-9 and '-' (not starting or ending with '-')",
            label,
            "id",
            line_of(raw, "id"),
        )
        ok = False
    if kind is not None and kind not in SOURCE_KINDS:
        add(f"must be one of {', '.join(SOURCE_KINDS)}", label, "kind", line_of(raw, "kind"))
        ok = False
    path, url = values["path"], values["url"]
    if (path is None) == (url is None):
        add(
            "needs exactly one of path (an article under the data directory) or url",
            label,
            "path",
            own_line(raw),
        )
        ok = False
    if path is not None and not _inside(path):
        add(
            "must be a relative path inside the data directory, like articles/page.md",
            label,
            "path",
            line_of(raw, "path"),
        )
        ok = False
    if url is not None and not url.startswith(("https://", "http://")):
        add("must start with https:// or http://", label, "url", line_of(raw, "url"))
        ok = False
    fmt = values["format"] or "auto"
    if fmt not in FORMATS:
        add(f"must be one of {', '.join(FORMATS)}", label, "format", line_of(raw, "format"))
        ok = False
    output = values["output"] or f"sources/{source_id}.yaml"
    if not _valid_output(output):
        add(
            "must be a .yaml file inside the data directory, not under articles/ and not "
            "sources.yaml, curation.yaml or glossary.yaml",
            label,
            "output",
            line_of(raw, "output"),
        )
        ok = False
    if not ok or source_id is None or kind is None or values["title"] is None:
        return None
    return ManifestSource(source_id, values["title"], kind, path, url, fmt, output, line)


def _inside(path: str) -> bool:
    pure = PurePosixPath(path.replace("\\", "/"))
    return not pure.is_absolute() and ".." not in pure.parts and ":" not in pure.parts[0]


def _valid_output(output: str) -> bool:
    pure = PurePosixPath(output)
    return (
        _inside(output)
        and pure.suffix in (".yaml", ".yml")
        and pure.as_posix() not in RESERVED_OUTPUTS
        and pure.parts[0] != ARTICLES_DIR
    )

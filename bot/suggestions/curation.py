"""Write an approved alias into `data/curation.yaml`, keeping the admin's comments and layout.

The file is edited with ruamel.yaml's round-trip mode, which keeps comments, key order, quotes
and flow-style lists as they were; only the one list gains an item (or the one entry gains an
`aliases:` list). The whole knowledge base is then loaded again: if anything in it is wrong,
the file goes back exactly as it was and every problem is reported. A read-only data directory
(a volume mounted `:ro`) is reported with the YAML to add by hand.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.core import KnowledgeBase, KnowledgeBaseError, Problem, load_knowledge_base
from bot.core.loader import CURATION_FILE


class CurationError(Exception):
    """The alias could not be written: the message says why, in one line."""


class CurationReadOnly(CurationError):
    """The data directory cannot be written; `by_hand` is the YAML to add instead."""

    def __init__(self, message: str, by_hand: str) -> None:
        """Keep the YAML for the admin to paste."""
        super().__init__(message)
        self.by_hand = by_hand


@dataclass(frozen=True, slots=True)
class Written:
    """The alias is in the file and the whole knowledge base loads with it."""

    path: Path
    kb: KnowledgeBase


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long flow list of aliases
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def by_hand(entry_id: str, alias: str) -> str:
    """The YAML an admin adds under `entries:` in curation.yaml to make the same change."""
    quoted = alias.replace("\\", "\\\\").replace('"', '\\"')
    return f'  {entry_id}:\n    aliases: ["{quoted}"]  # add to the list if the entry has one\n'


def with_alias(text: str, entry_id: str, alias: str) -> str:
    """curation.yaml text with `alias` added to `entry_id`'s aliases, nothing else changed."""
    yaml = _yaml()
    try:
        data = yaml.load(text) if text.strip() else None
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CurationError(f"{CURATION_FILE} is not valid YAML{where}") from error
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise CurationError(f"{CURATION_FILE} must be a mapping with `entries:`")
    entries = data.get("entries")
    if entries is None:
        entries = data["entries"] = CommentedMap()
    if not isinstance(entries, CommentedMap):
        raise CurationError(f"{CURATION_FILE}: `entries` must be a mapping of entry ids")
    curated: Any = entries.get(entry_id)
    if curated is None:
        curated = CommentedMap()
        entries[entry_id] = curated
    if not isinstance(curated, CommentedMap):
        raise CurationError(f"{CURATION_FILE}: entry {entry_id!r} must be a mapping")
    aliases = curated.get("aliases")
    if aliases is None:
        aliases = CommentedSeq()
        aliases.fa.set_flow_style()  # like every other aliases list in the file
        curated.insert(0, "aliases", aliases)
    if not isinstance(aliases, CommentedSeq):
        raise CurationError(f"{CURATION_FILE}: entry {entry_id!r}: `aliases` must be a list")
    if alias not in aliases:
        aliases.append(DoubleQuotedScalarString(alias))  # as the shipped file writes them
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _replace(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (a temporary file, then a rename)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def add_alias(data_dir: Path, entry_id: str, alias: str) -> Written:
    """Add the alias to curation.yaml and load the whole knowledge base with it.

    Raises CurationReadOnly when the directory cannot be written, CurationError when the file
    cannot be edited, and KnowledgeBaseError (after putting the file back as it was) when the
    knowledge base does not load with the change.
    """
    path = data_dir / CURATION_FILE
    try:
        original = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as error:
        raise CurationError(f"cannot read {path}: {error}") from error
    changed = with_alias(original or "", entry_id, alias)
    if not os.access(data_dir, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CurationReadOnly(f"{path} is read-only", by_hand(entry_id, alias))
    try:
        _replace(path, changed)
    except OSError as error:
        message = f"cannot write {path}: {error.strerror or error}"
        raise CurationReadOnly(message, by_hand(entry_id, alias)) from error
    try:
        kb = load_knowledge_base(data_dir)
    except KnowledgeBaseError:
        _restore(path, original)
        raise
    except Exception as error:
        _restore(path, original)
        raise KnowledgeBaseError([Problem(str(data_dir), f"cannot load: {error}")]) from error
    return Written(path, kb)


def _restore(path: Path, original: str | None) -> None:
    if original is None:
        path.unlink(missing_ok=True)
    else:
        _replace(path, original)

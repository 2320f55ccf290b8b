"""YAML read with line numbers, so every problem can name the line that holds the mistake.

`read_yaml` loads with PyYAML's safe constructors, but every mapping comes back as a `Mapping`
(a dict) and every list as a `Sequence` (a list) that also remember where they stood: the line
of the node itself and the line of each key or item, taken from the composed nodes' marks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class Mapping(dict[Any, Any]):
    """A YAML mapping that knows its own line and the line of each of its keys (1-based)."""

    line: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """A dict with no lines known yet."""
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int | None:
        """The line of `key`, else the line of the mapping itself."""
        return self.lines.get(key, self.line)


class Sequence(list[Any]):
    """A YAML list that knows its own line and the line of each item (1-based)."""

    line: int | None = None

    def __init__(self, *args: Any) -> None:
        """A list with no lines known yet."""
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int | None:
        """The line of item `index` (0-based), else the line of the list itself."""
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and lists carry their nodes' line numbers."""


def _construct_mapping(loader: _MarkedLoader, node: yaml.MappingNode) -> Any:
    data = Mapping()
    data.line = node.start_mark.line + 1
    yield data
    plain = loader.construct_mapping(node, deep=True)  # handles merge keys and unhashable keys
    data.update(plain)
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            data.lines.setdefault(key, key_node.start_mark.line + 1)
        except TypeError:  # an unhashable key was already refused above
            continue


def _construct_sequence(loader: _MarkedLoader, node: yaml.SequenceNode) -> Any:
    data = Sequence()
    data.line = node.start_mark.line + 1
    yield data
    data.extend(loader.construct_sequence(node, deep=True))
    data.lines = [item.start_mark.line + 1 for item in node.value]


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class YamlFileError(Exception):
    """A YAML file that cannot be read or parsed; the message is one line, without the file."""


def parse_yaml(text: str) -> Any:
    """Parse YAML text into Mapping / Sequence / scalars; YamlFileError says where it broke."""
    try:
        return yaml.load(text, Loader=_MarkedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlFileError(f"is not valid YAML{where}: {problem}") from exc


def read_yaml(path: Path) -> Any:
    """Read and parse a UTF-8 YAML file; YamlFileError with a one-line reason on any failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlFileError(f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise YamlFileError(f"cannot be read: {exc.strerror or exc}") from exc
    return parse_yaml(text)


def line_of(container: object, key: Any) -> int | None:
    """The line of `key` in a Mapping or of item `key` in a Sequence; None when unknown."""
    if isinstance(container, Mapping | Sequence):
        return container.line_of(key)
    return None


def own_line(container: object) -> int | None:
    """The line a Mapping or Sequence starts on; None for anything else."""
    return container.line if isinstance(container, Mapping | Sequence) else None


def describe(value: object) -> str:
    """What a YAML value is, in plain words: 'a list', 'a mapping', 'a number'..."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "text"
    return "nothing" if value is None else f"a {type(value).__name__}"

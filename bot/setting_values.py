"""One setting's value read from the TOML file or an environment variable, checked against its type.

The errors say what the value must be and what it is in the admin's words, not Python's: "must be
a number, got the text 'high'", "must be a list of ids, like [123, 456]". Booleans read the same
in both places: true or false.
"""

from __future__ import annotations

import math
import typing
from typing import Any

# What a value must be, in the words of the file (TOML) and of an environment variable.
_EXPECTED = {
    bool: ("true or false", "true or false"),
    int: ("a whole number", "a whole number"),
    float: ("a number", "a number"),
    str: ('text in quotes, like "this"', "text"),
}


def _expected(kind: Any, key: str, *, env: bool) -> str:
    """`a number`, `a list of ids, like [123, 456]`: what a key's value must be, in plain words."""
    if kind in _EXPECTED:
        return _EXPECTED[kind][env]
    item = typing.get_args(kind)[0]
    if item is int and key.endswith("_ids"):
        return (
            "a comma-separated list of ids, like 123,456"
            if env
            else "a list of ids, like [123, 456]"
        )
    what = _EXPECTED[item][1]
    return f"a comma-separated list, each {what}" if env else f"a list, each {what}"


def shown(value: Any) -> str:
    """A value as it would be written in the file: `'high'`, `2.5`, `true`, `[1, 'x']`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(item) for item in value) + "]"
    if isinstance(value, dict):
        return "a table"
    return repr(value) if isinstance(value, str) else str(value)


def _got(value: Any) -> str:
    """`the text 'high'`, `the list [1, 2]`, `a table`, `2.5`: what the file holds, in words."""
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return f"the list {shown(value)}"
    return shown(value)


def from_toml(value: Any, kind: Any, key: str) -> Any:
    """Check a TOML value against the declared type; raise TypeError saying what was expected."""
    ok = True
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok:
            value = float(value)
            if not math.isfinite(value):
                raise TypeError(f"must be a finite number, got {shown(value)}")
    elif kind is str:
        ok = isinstance(value, str)
    else:  # tuple[X, ...]
        ok = isinstance(value, list)
        if ok:
            item = typing.get_args(kind)[0]
            try:
                value = tuple(from_toml(v, item, "") for v in value)
            except TypeError:
                ok = False
    if ok:
        return value
    unquote = isinstance(value, str) and kind in (bool, int, float) and _parses(value, kind)
    hint = ", without quotes" if unquote else ""
    raise TypeError(f"must be {_expected(kind, key, env=False)}{hint}, got {_got(value)}")


def _parses(text: str, kind: Any) -> bool:
    try:
        from_env(text, kind, "")
    except TypeError:
        return False
    return True


# Booleans read the same in the file and the environment: TOML's true and false, nothing else.
_BOOLEANS = {"true": True, "false": False}


def from_env(text: str, kind: Any, key: str) -> Any:
    """Parse an environment variable's text as the declared type; raise TypeError if it is not."""
    raw = text.strip()
    try:
        if kind is bool:
            return _BOOLEANS[raw]
        if kind is int:
            return int(raw)
        if kind is float:
            number = float(raw)
            if not math.isfinite(number):
                raise ValueError(raw)
            return number
        if kind is str:
            return text
        item = typing.get_args(kind)[0]
        return tuple(from_env(part, item, "") for part in raw.split(",") if part.strip())
    except (KeyError, ValueError, TypeError):
        got = repr(text) if raw else "an empty value"
        raise TypeError(f"must be {_expected(kind, key, env=True)}, got {got}") from None

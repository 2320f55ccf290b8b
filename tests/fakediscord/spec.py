"""Request bodies checked against Discord's own OpenAPI description, plus what it cannot say.

`SpecValidator.problems(method, path, body)` finds the operation in `openapi.json` whose path
template matches, validates the JSON body against its request schema (JSON Schema 2020-12, every
`$ref` resolved inside the spec), and then applies the limits the README of the spec lists as
missing from it: message content at most 2,000 characters, at most 6,000 characters over all the
embeds of a message, autocomplete choice names and values at most 100 characters. Snowflakes are
accepted as integers as well as strings (discord.py sends some as integers; Discord takes both),
and channel type 16 (GUILD_MEDIA, newer than this copy of the spec) as a channel type.
An empty list means Discord would accept the body.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import referencing
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "discord-api-spec" / "openapi.json"
SPEC_URI = "urn:discord-openapi"
CONTENT_LIMIT = 2000
EMBEDS_TOTAL_LIMIT = 6000
CHOICE_LIMIT = 100
_METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the spec: its path template and where its JSON body schema is."""

    method: str
    template: str
    pattern: re.Pattern[str]
    body_pointer: str | None  # JSON pointer to the schema in the spec, None if it takes no body

    @property
    def specificity(self) -> int:
        """Literal characters in the template: the more, the more specific the match."""
        return len(re.sub(r"\{[^}]+\}", "", self.template))


def _load(spec_path: Path) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(spec_path.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    # Snowflakes: the spec declares strings; discord.py sends some ids as integers.
    schemas["SnowflakeType"] = {
        "anyOf": [
            copy.deepcopy(schemas["SnowflakeType"]),
            {"type": "integer", "minimum": 0, "maximum": 2**64 - 1},
        ]
    }
    # GUILD_MEDIA (16) is a channel type Discord has had since 2023; this copy of the spec predates
    # it, and discord.py puts it in channel_types next to forums (15).
    schemas["ChannelTypes"]["oneOf"].append({"title": "GUILD_MEDIA", "const": 16})
    return spec


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class SpecValidator:
    """Validates request bodies against one copy of the spec, loaded once."""

    def __init__(self, spec_path: Path = SPEC_PATH) -> None:
        """Load and index the spec (about a second; share one instance)."""
        self.spec = _load(spec_path)
        resource = referencing.Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self.registry: referencing.Registry[Any] = referencing.Registry().with_resource(
            SPEC_URI, resource
        )
        self.operations: list[Operation] = []
        for template, item in self.spec["paths"].items():
            regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            pattern = re.compile(f"^{regex}$")
            for method in _METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                content = operation.get("requestBody", {}).get("content", {})
                pointer = None
                if "application/json" in content:
                    pointer = "/".join(
                        (
                            "#/paths",
                            _escape(template),
                            method,
                            "requestBody/content/application~1json/schema",
                        )
                    )
                self.operations.append(Operation(method.upper(), template, pattern, pointer))

    def operation(self, method: str, path: str) -> Operation | None:
        """The most specific operation whose template matches `path` (no /api/v10 prefix)."""
        matches = [
            op
            for op in self.operations
            if op.method == method.upper() and op.pattern.match(path) is not None
        ]
        return max(matches, key=lambda op: op.specificity, default=None)

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one validator lives as long as the process
    def _validator(self, pointer: str) -> jsonschema.protocols.Validator:
        schema = {"$ref": f"{SPEC_URI}{pointer}"}
        return jsonschema.Draft202012Validator(schema, registry=self.registry)

    def problems(self, method: str, path: str, body: Any) -> list[str]:
        """Why Discord would reject this request's body; empty when it would accept it."""
        operation = self.operation(method, path)
        if operation is None:
            return [f"{method} {path}: no such operation in Discord's API"]
        if operation.body_pointer is None:
            if body not in (None, b"", ""):
                return [f"{method} {operation.template}: takes no body, got {body!r:.80}"]
            return []
        validator = self._validator(operation.body_pointer)
        found = [
            f"{method} {operation.template}: {_describe(error)}"
            for error in sorted(validator.iter_errors(body), key=lambda e: str(list(e.path)))
        ]
        found.extend(
            f"{method} {operation.template}: {message}"
            for message in extra_limit_problems(operation.template, body)
        )
        return found


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """Inside an anyOf/oneOf, the error of the branch that got furthest into the body."""
    while error.context:
        error = max(error.context, key=_reach)
    return error


def _reach(error: jsonschema.ValidationError) -> tuple[int, int]:
    """How deep into the body an error (or any error under it) got; discriminator misses last."""
    depth = max([len(error.absolute_path), *(_reach(e)[0] for e in error.context or ())])
    return depth, 0 if error.validator in ("enum", "const", "type") else 1


def _describe(error: jsonschema.ValidationError) -> str:
    """Where in the body and which rule it breaks, briefly."""
    best = _deepest(error)
    where = "/".join(str(part) for part in best.absolute_path) or "(body)"
    value = best.instance
    shown = f"{len(value)} characters" if isinstance(value, str) else repr(value)[:80]
    if isinstance(value, list):
        shown = f"{len(value)} items"
    return f"{where}: {shown} breaks {best.validator}={best.validator_value!r:.80}"


def _messages(template: str, body: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """The message-shaped parts of a body: (where, object with content/embeds)."""
    if not isinstance(body, dict):
        return
    if template.endswith("/callback"):
        data = body.get("data")
        if isinstance(data, dict) and body.get("type") in (4, 7):
            yield "data", data
        return
    yield "(body)", body


def extra_limit_problems(template: str, body: Any) -> list[str]:
    """The limits Discord enforces that its OpenAPI description cannot express."""
    found: list[str] = []
    for where, part in _messages(template, body):
        content = part.get("content")
        if isinstance(content, str) and len(content) > CONTENT_LIMIT:
            found.append(
                f"{where}/content: {len(content)} characters, over Discord's {CONTENT_LIMIT}"
            )
        embeds = part.get("embeds")
        if isinstance(embeds, list):
            total = sum(embed_characters(e) for e in embeds if isinstance(e, dict))
            if total > EMBEDS_TOTAL_LIMIT:
                found.append(
                    f"{where}/embeds: {total} characters over all embeds, "
                    f"over Discord's {EMBEDS_TOTAL_LIMIT}"
                )
    if template.endswith("/callback") and isinstance(body, dict) and body.get("type") == 8:
        data = body.get("data")
        choices = data.get("choices") if isinstance(data, dict) else None
        for index, choice in enumerate(choices or []):
            if not isinstance(choice, dict):
                continue
            for key in ("name", "value"):
                value = choice.get(key)
                if isinstance(value, str) and len(value) > CHOICE_LIMIT:
                    found.append(
                        f"data/choices/{index}/{key}: {len(value)} characters, "
                        f"over Discord's {CHOICE_LIMIT}"
                    )
    return found


def embed_characters(embed: dict[str, Any]) -> int:
    """Characters Discord counts towards the 6,000 of a message: title, description, field
    names and values, footer text and author name."""

    def text(value: Any) -> int:
        return len(value) if isinstance(value, str) else 0

    total = text(embed.get("title")) + text(embed.get("description"))
    for field in embed.get("fields") or []:
        if isinstance(field, dict):
            total += text(field.get("name")) + text(field.get("value"))
    for key, inner in (("footer", "text"), ("author", "name")):
        part = embed.get(key)
        if isinstance(part, dict):
            total += text(part.get(inner))
    return total

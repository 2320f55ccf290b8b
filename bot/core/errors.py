"""One exception tree for the engine; every problem names the file, entry and field it is about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the knowledge base, located as precisely as we can."""

    file: str
    message: str
    entry: str | None = None
    field: str | None = None
    line: int | None = None  # 1-based line in `file`, where YAML gives one

    def __str__(self) -> str:
        """Render as `file line N, entry 'id', field 'name': message`."""
        where = [self.file if self.line is None else f"{self.file} line {self.line}"]
        if self.entry is not None:
            where.append(f"entry {self.entry!r}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}"


class ConciergeError(Exception):
    """Base class of every error the engine raises on purpose."""


class KnowledgeBaseError(ConciergeError):
    """The knowledge base could not be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        """Keep all problems; the message lists them one a line."""
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the knowledge base:\n{lines}")


class SettingError(ConciergeError, ValueError):
    """A setting's value cannot work; carries the field and the rule its value must follow."""

    def __init__(self, field: str, value: object, rule: str) -> None:
        """Keep the parts apart, so a caller can word them (or hide a secret value)."""
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(f"{field}={value!r} is out of range (must be {rule})")


Check = tuple[str, bool, str]  # (field, whether its value is fine, the rule it must follow)


def between(instance: object, field: str, low: float, high: float) -> Check:
    """The check that `field` of `instance` lies in [low, high]."""
    value = getattr(instance, field)
    return field, low <= value <= high, f"between {low} and {high}"


def require(instance: object, checks: list[Check]) -> None:
    """Raise SettingError for the first check that failed."""
    for field, ok, rule in checks:
        if not ok:
            raise SettingError(field, getattr(instance, field), rule)

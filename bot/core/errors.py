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

    def __str__(self) -> str:
        """Render as `file: entry 'id', field 'name': message`."""
        where = [self.file]
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

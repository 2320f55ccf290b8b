"""The engine's vocabulary: frozen values for sources, entries, glossary terms and results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from bot.core.errors import between, require

SOURCE_KINDS = ("feature", "review", "faq", "article")
ENTRY_KINDS = ("faq", "section")


@dataclass(frozen=True, slots=True)
class Source:
    """An article or FAQ page the knowledge base was built from."""

    id: str
    title: str
    kind: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing the bot knows: an FAQ answer or an article section."""

    id: str
    title: str
    text: str
    source: Source
    kind: str = "section"
    parent: str | None = None
    where: str = ""
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    part: int | None = None  # an answer split in parts: this is part `part` of `parts`
    parts: int | None = None
    next: str | None = None  # the id of the next part, if there is one

    @property
    def citation(self) -> str:
        """The source as a reader would cite it: article title and place in it."""
        place = self.where or self.title
        return f"{self.source.title} ({self.source.kind}) › {place}"


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """A name or word with the other ways fans write it; all variants mean the canonical term."""

    canonical: str
    variants: tuple[str, ...]
    kind: str = "word"
    exact_variants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A point on which the sources disagree, shown with every answer from the named entries."""

    about: str
    entries: tuple[str, ...]
    note: str


class Outcome(Enum):
    """What the engine made of a question."""

    ANSWERED = "answered"
    UNSURE = "unsure"
    ABSTAINED = "abstained"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An entry offered as 'did you mean', with its match score (0-100)."""

    entry_id: str
    title: str
    score: float


@dataclass(frozen=True, slots=True)
class Answer:
    """A confident answer: the entry, its score (0-100) and the words that made it match."""

    entry: Entry
    score: float
    matched_terms: tuple[str, ...] = ()
    matched_field: str = "text"
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def answered(self) -> bool:
        """Always true: this is an answer."""
        return True

    @property
    def outcome(self) -> Outcome:
        """Always ANSWERED."""
        return Outcome.ANSWERED


@dataclass(frozen=True, slots=True)
class NoAnswer:
    """No confident answer: up to a few suggestions, and whether they look plausible ('unsure')."""

    suggestions: tuple[Suggestion, ...] = ()
    unsure: bool = False
    reason: str = ""

    @property
    def answered(self) -> bool:
        """Always false: this is not an answer."""
        return False

    @property
    def outcome(self) -> Outcome:
        """UNSURE when the suggestions are plausible, ABSTAINED otherwise."""
        return Outcome.UNSURE if self.unsure else Outcome.ABSTAINED


Result = Answer | NoAnswer


WEIGHTED_FIELDS = ("title", "alias", "tag", "text")  # each has a `<field>_weight` setting


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Thresholds and limits of matching; every number here can be set in config."""

    answer_threshold: float = 45.0
    suggest_threshold: float = 35.0
    min_coverage: float = 0.7
    partial_coverage: float = 0.45
    min_lead: float = 12.0
    min_information: float = 1.0
    unknown_word_weight: float = 2.0
    min_name_weight: float = 1.2
    full_fit: float = 0.9
    max_suggestions: int = 3
    max_question_chars: int = 500
    typo_max_edits: int = 2
    candidate_pool: int = 30
    cache_size: int = 4096
    title_weight: float = 3.0
    alias_weight: float = 3.0
    tag_weight: float = 1.5
    text_weight: float = 1.0

    def __post_init__(self) -> None:
        """Reject settings that cannot work, naming the field."""
        require(
            self,
            [
                between(self, "answer_threshold", 0, 100),
                (
                    "suggest_threshold",
                    0 <= self.suggest_threshold <= self.answer_threshold,
                    f"between 0 and answer_threshold, which is {self.answer_threshold:g}",
                ),
                between(self, "min_coverage", 0, 1),
                between(self, "partial_coverage", 0, 1),
                between(self, "min_lead", 0, 100),
                between(self, "min_information", 0, 20),
                between(self, "unknown_word_weight", 0, 20),
                between(self, "min_name_weight", 0, 20),
                between(self, "full_fit", 0, 1),
                between(self, "max_suggestions", 0, 25),
                between(self, "max_question_chars", 10, 4000),
                between(self, "typo_max_edits", 0, 3),
                between(self, "candidate_pool", 1, 1000),
                between(self, "cache_size", 0, 1_000_000),
                *(between(self, f"{field}_weight", 0, 100) for field in WEIGHTED_FIELDS),
            ],
        )


@dataclass(frozen=True, slots=True)
class KnowledgeBaseSummary:
    """Counts for `check` and `/about`."""

    entries: int
    faqs: int
    sections: int
    sources: tuple[Source, ...]
    glossary_terms: int
    disagreements: int = 0
    files: tuple[str, ...] = field(default=())

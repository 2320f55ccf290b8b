"""Proposals from use: aliases from questions people resolved, missing entries from gap groups.

Pure: records in, proposals out. A *resolution* is a person settling what a question meant (a
"Did you mean" press, another pick after "not helpful", a moderator's grade of a trial draft),
kept as the normalised question, the entry chosen and how many times. Questions that mean the
same thing are grouped by the engine's own reading of them (`reading_key`: the asking part of
the message, typos corrected, word order and chat ignored), so "when is it out", "release
date??" and "when does it come out" can count as one.

An alias is proposed for an entry when the questions resolved to it in one group come from at
least `min_occasions` occasions and the engine does not already answer them with it. Before it
is shown, the engine is built again with the alias added and every check (`data/checks.yaml`:
questions and the entries they must get) is asked again: an alias that changes any check's
answer, or that another entry already has, is flagged, not offered as safe. A gap group asked
at least `min_gap_asked` times, that nobody resolved and the engine still cannot answer, is
proposed as a missing entry for an admin to write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core.engine import Engine
from bot.core.errors import between, require
from bot.core.lexicon import strip_filler
from bot.core.loader import KnowledgeBase
from bot.core.model import Answer, Result
from bot.core.reading import read_message
from bot.core.text import clean_question, words


@dataclass(frozen=True, slots=True)
class Resolution:
    """People resolved the normalised `question` to `entry_id`, `count` times in all."""

    question: str
    entry_id: str
    count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class Asked:
    """A gap: a normalised question the bot could not answer, `count` times in all."""

    question: str
    count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class Check:
    """A question that must get `entry_id` (None: it must not be answered)."""

    question: str
    entry_id: str | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Phrasing:
    """One way a question was put, how often, and what the engine answers it with today."""

    text: str
    count: int
    today: str | None = None  # the entry id answered today; None when not answered
    outcome: str = ""  # answered, unsure or abstained, today


@dataclass(frozen=True, slots=True)
class GapGroup:
    """Gaps that mean the same thing to the engine, with their total."""

    key: tuple[str, ...]
    phrasings: tuple[Phrasing, ...]
    total: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class CheckChange:
    """A check whose answer an alias would change: what it must get, gets now, would get."""

    question: str
    must_get: str | None
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class AliasProposal:
    """Add `alias` to entry `entry_id`; safe unless it changes a check or clashes."""

    id: str
    entry_id: str
    entry_title: str
    alias: str
    phrasings: tuple[Phrasing, ...]
    occasions: int
    first_seen: datetime
    last_seen: datetime
    fixed: int = 0  # how many of the phrasings get the entry once the alias is added
    changes: tuple[CheckChange, ...] = ()
    problem: str = ""
    kind: str = field(default="alias", init=False)

    @property
    def safe(self) -> bool:
        """No check changes its answer and the alias is on no other entry."""
        return not self.changes and not self.problem


@dataclass(frozen=True, slots=True)
class EntryProposal:
    """Write a new entry: a gap group asked often enough, with its phrasings."""

    id: str
    phrasings: tuple[Phrasing, ...]
    total: int
    first_seen: datetime
    last_seen: datetime
    kind: str = field(default="entry", init=False)


Proposal = AliasProposal | EntryProposal


@dataclass(frozen=True, slots=True)
class ProposalSettings:
    """How much evidence a proposal needs."""

    min_occasions: int = 3  # resolutions of one group to one entry, for an alias
    min_gap_asked: int = 5  # askings of one gap group, for a missing entry
    max_phrasings: int = 8  # shown with a proposal

    def __post_init__(self) -> None:
        """Refuse thresholds below one, naming the field."""
        require(
            self,
            [between(self, name, 1, 10_000) for name in ("min_occasions", "min_gap_asked")]
            + [between(self, "max_phrasings", 1, 25)],
        )


@dataclass(frozen=True, slots=True)
class Proposals:
    """Everything proposed, most evidence first."""

    aliases: tuple[AliasProposal, ...] = ()
    entries: tuple[EntryProposal, ...] = ()

    def all(self) -> tuple[Proposal, ...]:
        """Aliases, then missing entries."""
        return (*self.aliases, *self.entries)

    def get(self, proposal_id: str) -> Proposal | None:
        """The proposal with this id, or None."""
        return next((p for p in self.all() if p.id == proposal_id), None)


def reading_key(engine: Engine, question: str) -> tuple[str, ...]:
    """What a question asks, as the engine reads it: the sorted terms of its asking part.

    Typos are corrected against the index, chat around the question and word order are
    ignored. A question with no terms the engine knows falls back to its own words.
    """
    cleaned = clean_question(question, engine.settings.max_question_chars)
    asked = read_message(cleaned).question
    terms = {term for unit in engine.units(asked) for term in unit.terms}
    return tuple(sorted(terms)) if terms else tuple(sorted(set(words(strip_filler(asked)))))


def answered_entry(result: Result) -> str | None:
    """The entry id a result answers with, or None."""
    return result.entry.id if isinstance(result, Answer) else None


def phrasing(engine: Engine, text: str, count: int) -> Phrasing:
    """`text` with what the engine makes of it today."""
    result = engine.ask(text)
    return Phrasing(text, count, answered_entry(result), result.outcome.value)


def group_gaps(engine: Engine, gaps: Iterable[Asked]) -> tuple[GapGroup, ...]:
    """Gaps grouped by `reading_key`, the most asked group first."""
    groups: dict[tuple[str, ...], list[Asked]] = {}
    for gap in gaps:
        groups.setdefault(reading_key(engine, gap.question), []).append(gap)
    built = [
        GapGroup(
            key,
            tuple(phrasing(engine, g.question, g.count) for g in _most_first(members)),
            sum(g.count for g in members),
            min(g.first_seen for g in members),
            max(g.last_seen for g in members),
        )
        for key, members in groups.items()
    ]
    return tuple(sorted(built, key=lambda g: (-g.total, -g.last_seen.timestamp(), g.key)))


def _most_first(records: Sequence[Asked]) -> list[Asked]:
    return sorted(records, key=lambda r: (-r.count, len(r.question), r.question))


def proposal_id(kind: str, *parts: str) -> str:
    """A short id that stays the same for the same proposal: "a-" alias, "e-" entry."""
    digest = hashlib.blake2s("\x1f".join(parts).encode(), digest_size=4).hexdigest()
    return f"{kind[0]}-{digest}"


def asking_part(engine: Engine, question: str) -> str:
    """The part of a message that asks, without the chat around it."""
    cleaned = clean_question(question, engine.settings.max_question_chars)
    asked = read_message(cleaned).question or cleaned
    return asked.replace(" . ", ". ")  # the reading joins clauses with " . "


def as_alias(text: str) -> str:
    """A normalised question written as an alias: a capital first letter, a question mark."""
    text = " ".join(text.split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in "?!." else f"{text}?"


def with_alias(kb: KnowledgeBase, entry_id: str, alias: str) -> KnowledgeBase:
    """The same knowledge base with `alias` added to entry `entry_id`."""
    entries = [
        replace(e, aliases=(*e.aliases, alias)) if e.id == entry_id else e for e in kb.entries
    ]
    return KnowledgeBase(entries, kb.glossary, kb.disagreements, kb.files, kb.domains)


def alias_clash(kb: KnowledgeBase, entry_id: str, alias: str) -> str:
    """Why `alias` cannot go on `entry_id` (another entry's alias or title), or ""."""
    key = words(alias)
    for entry in kb.entries:
        if entry.id == entry_id:
            continue
        if any(words(a) == key for a in entry.aliases):
            return f"alias {alias!r} is already on entry {entry.id!r}"
        if words(entry.title) == key:
            return f"alias {alias!r} is the title of entry {entry.id!r}"
    return ""


def check_answers(engine: Engine, checks: Sequence[Check]) -> tuple[str | None, ...]:
    """The entry each check gets from `engine` (None: not answered)."""
    return tuple(answered_entry(engine.ask(check.question)) for check in checks)


def try_alias(
    engine: Engine,
    entry_id: str,
    alias: str,
    phrasings: Sequence[str],
    checks: Sequence[Check],
    before: Sequence[str | None] | None = None,
) -> tuple[int, tuple[CheckChange, ...]]:
    """Add the alias, ask again: how many phrasings then get the entry, which checks change."""
    trial = Engine(with_alias(engine.kb, entry_id, alias), engine.settings, engine.lexicon)
    fixed = sum(answered_entry(trial.ask(text)) == entry_id for text in phrasings)
    before = check_answers(engine, checks) if before is None else before
    after = check_answers(trial, checks)
    changes = tuple(
        CheckChange(check.question, check.entry_id, was, now)
        for check, was, now in zip(checks, before, after, strict=True)
        if was != now
    )
    return fixed, changes


def propose(
    engine: Engine,
    resolutions: Iterable[Resolution],
    gaps: Iterable[Asked],
    checks: Sequence[Check],
    settings: ProposalSettings | None = None,
    decided: Collection[str] = (),
) -> Proposals:
    """Aliases and missing entries worth an admin's look; `decided` ids are left out."""
    settings = settings or ProposalSettings()
    before = check_answers(engine, checks)
    resolved: dict[tuple[str, tuple[str, ...]], list[Resolution]] = {}
    for resolution in resolutions:
        if engine.kb.get(resolution.entry_id) is None:
            continue  # the entry is gone since
        key = reading_key(engine, resolution.question)
        resolved.setdefault((resolution.entry_id, key), []).append(resolution)
    aliases = []
    for (entry_id, key), members in resolved.items():
        occasions = sum(r.count for r in members)
        pid = proposal_id("alias", entry_id, *key)
        if occasions < settings.min_occasions or pid in decided:
            continue
        ordered = sorted(members, key=lambda r: (-r.count, len(r.question), r.question))
        shown = tuple(phrasing(engine, r.question, r.count) for r in ordered)
        missing = [p for p in shown if p.today != entry_id]
        if not missing:
            continue  # the engine already answers every phrasing with that entry
        entry = engine.kb.get(entry_id)
        assert entry is not None  # noqa: S101 - checked above
        alias = as_alias(asking_part(engine, missing[0].text))
        problem = alias_clash(engine.kb, entry_id, alias)
        fixed, changes = (
            (0, ())
            if problem
            else try_alias(engine, entry_id, alias, [p.text for p in missing], checks, before)
        )
        aliases.append(
            AliasProposal(
                pid,
                entry_id,
                entry.title,
                alias,
                shown[: settings.max_phrasings],
                occasions,
                min(r.first_seen for r in members),
                max(r.last_seen for r in members),
                fixed,
                changes,
                problem,
            )
        )
    resolved_keys = {key for _, key in resolved}
    entries = [
        EntryProposal(
            proposal_id("entry", *group.key),
            group.phrasings[: settings.max_phrasings],
            group.total,
            group.first_seen,
            group.last_seen,
        )
        for group in group_gaps(engine, gaps)
        if group.total >= settings.min_gap_asked
        and group.key not in resolved_keys
        and not all(p.today for p in group.phrasings)
        and proposal_id("entry", *group.key) not in decided
    ]
    aliases.sort(key=lambda p: (not p.safe, -p.occasions, p.entry_id, p.alias))
    return Proposals(tuple(aliases), tuple(entries))

"""Proposals from the store, and an admin's approval or rejection of one.

`current` reads resolutions, gaps and past decisions and asks `bot.core.proposals.propose`
(on an engine of its own, in a worker thread: trying an alias builds engines). `approve` writes
an alias into curation.yaml (`bot.suggestions.curation`), which validates the whole knowledge
base, records who approved what and when, and hot reloads the bot when given its `Reloader`.
`reject` records the decision, so the proposal is not made again. `record_resolution` is what
the buttons (and the auto-answer trial grades) call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core import Engine, KnowledgeBaseError, Problem
from bot.core.proposals import (
    AliasProposal,
    Asked,
    Check,
    Proposal,
    Proposals,
    ProposalSettings,
    alias_clash,
    propose,
    try_alias,
)
from bot.storage import Gap, StoreUnavailable
from bot.suggestions.curation import CurationError, CurationReadOnly, add_alias
from bot.suggestions.store import Source, SuggestionStore

if TYPE_CHECKING:
    from bot.reload import Reloader

log = logging.getLogger(__name__)
_EPOCH = datetime.fromtimestamp(0, UTC)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an approval or rejection did, in words for the admin."""

    ok: bool
    message: str
    by_hand: str = ""  # YAML to add by hand, when the data directory is read-only
    problems: tuple[Problem, ...] = ()


async def record_resolution(
    store: Any,
    guild_id: int | None,
    question: str,
    entry_id: str,
    source: Source = "button",
) -> bool:
    """Count one person resolving `question` to `entry_id`; never raises (False if not kept).

    `source`: "button" (a "Did you mean" press), "vote" (another pick after "not helpful"),
    "trial" (a moderator grading an auto-answer draft wrong and naming the right entry).
    """
    if store is None:
        return False
    try:
        return await SuggestionStore(store).record_resolution(
            guild_id, question, entry_id, source=source
        )
    except Exception as error:  # a resolution is a hint; losing one costs nothing visible
        log.warning("could not record a resolution (%s): %s", source, error)
        return False


def asked_from(gaps: Sequence[Gap]) -> list[Asked]:
    """Gaps summed over servers by their normalised question."""
    summed: dict[str, Asked] = {}
    for gap in gaps:
        known = summed.get(gap.question)
        if known is None:
            summed[gap.question] = Asked(gap.question, gap.asked, gap.first_seen, gap.last_seen)
        else:
            summed[gap.question] = Asked(
                gap.question,
                known.count + gap.asked,
                min(known.first_seen, gap.first_seen),
                max(known.last_seen, gap.last_seen),
            )
    return list(summed.values())


async def current(
    store: Any,
    engine: Engine,
    checks: Sequence[Check],
    settings: ProposalSettings | None = None,
) -> Proposals:
    """Everything worth proposing now, leaving out proposals decided before."""
    suggestions = SuggestionStore(store)
    resolutions = await suggestions.resolutions()
    gaps = await store.gaps(limit=await store.count_gaps())
    decided = await suggestions.decided()

    def work() -> Proposals:
        own = Engine(engine.kb, engine.settings, engine.lexicon)  # its memo is its own
        return propose(own, resolutions, asked_from(gaps), checks, settings, decided)

    return await asyncio.to_thread(work)


def describe_change(proposal: Proposal, alias: str | None = None) -> str:
    """One line saying what approving a proposal changes."""
    if isinstance(proposal, AliasProposal):
        return f'alias "{alias or proposal.alias}" added to {proposal.entry_id}'
    first = proposal.phrasings[0].text if proposal.phrasings else ""
    return f'missing entry for "{first}" ({proposal.total} asked)'


async def approve(
    store: Any,
    engine: Engine,
    checks: Sequence[Check],
    data_dir: Path,
    proposal: Proposal,
    by: str,
    *,
    alias: str | None = None,
    force: bool = False,
    reloader: Reloader | None = None,
) -> Outcome:
    """Write the proposal's alias (or the admin's edit of it), validate, record and reload."""
    if not isinstance(proposal, AliasProposal):
        return Outcome(
            False,
            f"{proposal.id} is a missing entry: write it in your sources (or curation.yaml), "
            f"then reload; reject it to stop it being proposed",
        )
    text = " ".join((alias or proposal.alias).split())
    if not text:
        return Outcome(False, "the alias is empty")
    safe, why = proposal.safe, proposal.problem or _changes(proposal)
    if text != proposal.alias:
        safe, why = await asyncio.to_thread(_try_edit, engine, proposal.entry_id, text, checks)
    if not safe and not force:
        return Outcome(False, f"{proposal.id} is flagged: {why} (approve with force to add it)")
    try:
        written = await asyncio.to_thread(add_alias, data_dir, proposal.entry_id, text)
    except CurationReadOnly as error:
        return Outcome(
            False,
            f"{error}: nothing was changed; add this under `entries:` in curation.yaml by hand",
            by_hand=error.by_hand,
        )
    except CurationError as error:
        return Outcome(False, f"{error}; the file was left as it was")
    except KnowledgeBaseError as error:
        return Outcome(
            False,
            f"the knowledge base does not load with it ({len(error.problems)} problem(s)); "
            "curation.yaml was left as it was and the current knowledge base keeps serving",
            problems=tuple(error.problems),
        )
    change = describe_change(proposal, text)
    message = f"approved {proposal.id}: {change} in {written.path}"
    try:
        await SuggestionStore(store).decide(
            proposal.id,
            kind=proposal.kind,
            decision="approved",
            entry_id=proposal.entry_id,
            change=change,
            decided_by=by,
        )
    except (StoreUnavailable, OSError) as error:
        message += f" (the decision could not be recorded: {error})"
    if reloader is not None:
        result = await reloader.reload(f"suggestion {proposal.id} approved by {by}")
        message += (
            f"; reloaded, {result.entries} entries"
            if result.ok
            else f"; the reload was refused ({len(result.problems)} problem(s))"
        )
    return Outcome(True, message)


def _changes(proposal: AliasProposal) -> str:
    return "; ".join(
        f'"{c.question}" would get {c.after or "no answer"} instead of {c.before or "no answer"}'
        for c in proposal.changes
    )


def _try_edit(
    engine: Engine, entry_id: str, alias: str, checks: Sequence[Check]
) -> tuple[bool, str]:
    """Whether an admin's own wording of the alias is safe, and why not."""
    clash = alias_clash(engine.kb, entry_id, alias)
    if clash:
        return False, clash
    own = Engine(engine.kb, engine.settings, engine.lexicon)
    _, changes = try_alias(own, entry_id, alias, [], checks)
    flagged = AliasProposal("", entry_id, "", alias, (), 0, _EPOCH, _EPOCH, changes=changes)
    return not changes, _changes(flagged)


async def reject(store: Any, proposal: Proposal, by: str) -> Outcome:
    """Record the rejection: the proposal is not made again."""
    entry_id = proposal.entry_id if isinstance(proposal, AliasProposal) else ""
    await SuggestionStore(store).decide(
        proposal.id,
        kind=proposal.kind,
        decision="rejected",
        entry_id=entry_id,
        change=describe_change(proposal),
        decided_by=by,
    )
    return Outcome(True, f"rejected {proposal.id}: it will not be proposed again")

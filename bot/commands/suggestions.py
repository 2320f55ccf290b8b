"""`python -m bot suggestions`: aliases and missing entries proposed from how the bot is used.

An alias is proposed when people resolved a question the bot was unsure of (a "Did you mean"
press, another pick after "not helpful", a trial grade) to the same entry often enough; a missing
entry when a group of gaps that mean the same thing was asked often enough. Each alias has been
tried against `data/checks.yaml` first: one that would change a check's answer is flagged.

`--approve ID` writes the alias into curation.yaml (comments and layout kept), validates the
whole knowledge base and records who approved it; a running bot picks it up on its next reload
(`/concierge reload`, SIGHUP or the file watcher). `--reject ID` records that it is not wanted,
so it is not proposed again. `--history` lists every decision. `--gaps` lists every gap,
questions that mean the same thing to the engine on one line with their total.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.commands._engine import (
    add_data_argument,
    data_dir_for,
    load_or_report,
    load_settings_for,
    report_error,
)
from bot.config import ConfigError, Settings
from bot.core import Engine, KnowledgeBaseError
from bot.core.checks import load_checks
from bot.core.proposals import (
    AliasProposal,
    Check,
    GapGroup,
    Proposal,
    Proposals,
    ProposalSettings,
    group_gaps,
)
from bot.storage import describe, open_store
from bot.suggestions import service
from bot.suggestions.store import DecisionRecord, SuggestionStore

DEFAULTS = ProposalSettings()
HELP = "aliases and missing entries proposed from use; --approve ID, --reject ID, --history"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare --json, --approve, --reject, --edit, --force, --history and the thresholds."""
    act = parser.add_mutually_exclusive_group()
    act.add_argument("--approve", metavar="ID", help="write this proposal's alias")
    act.add_argument("--reject", metavar="ID", help="never propose this again")
    act.add_argument("--history", action="store_true", help="every approval and rejection")
    act.add_argument(
        "--gaps", action="store_true", help="every gap, grouped by what it means, with totals"
    )
    parser.add_argument("--edit", metavar="ALIAS", help="with --approve: your own wording")
    parser.add_argument(
        "--force", action="store_true", help="with --approve: add a flagged alias anyway"
    )
    parser.add_argument("--json", action="store_true", help="JSON on standard output")
    parser.add_argument(
        "--min-occasions",
        type=int,
        metavar="N",
        help="resolutions an alias needs (default: suggestions.min_occasions, "
        f"{DEFAULTS.min_occasions})",
    )
    parser.add_argument(
        "--min-asked",
        type=int,
        metavar="N",
        help="askings a missing entry needs (default: suggestions.min_gap_asked, "
        f"{DEFAULTS.min_gap_asked})",
    )
    parser.add_argument(
        "--by", metavar="NAME", help="who is deciding, for the history (default: your login)"
    )
    add_data_argument(parser)


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    """A proposal as plain JSON values."""
    data: dict[str, Any] = {
        "id": proposal.id,
        "kind": proposal.kind,
        "phrasings": [
            {"text": p.text, "count": p.count, "now": p.outcome, "now_entry": p.today}
            for p in proposal.phrasings
        ],
        "first_seen": proposal.first_seen.isoformat(),
        "last_seen": proposal.last_seen.isoformat(),
    }
    if isinstance(proposal, AliasProposal):
        data |= {
            "entry": proposal.entry_id,
            "entry_title": proposal.entry_title,
            "alias": proposal.alias,
            "occasions": proposal.occasions,
            "fixes": proposal.fixed,
            "safe": proposal.safe,
            "problem": proposal.problem,
            "check_changes": [
                {"question": c.question, "must_get": c.must_get, "now": c.before, "with": c.after}
                for c in proposal.changes
            ],
        }
    else:
        data["asked"] = proposal.total
    return data


def write_proposals(proposals: Proposals, out: TextIO) -> None:
    """The proposals as text for the terminal."""
    if not proposals.all():
        out.write("nothing to propose yet\n")
        return
    for p in proposals.aliases:
        flag = "safe" if p.safe else "FLAGGED"
        out.write(
            f"{p.id}  alias for {p.entry_id} ({p.entry_title}): {p.alias!r}  "
            f"[{flag}; {p.occasions} resolved; fixes {p.fixed} of {len(p.phrasings)}]\n"
        )
        if p.problem:
            out.write(f"    {p.problem}\n")
        for change in p.changes:
            out.write(
                f"    check {change.question!r} would get {change.after or 'no answer'} "
                f"instead of {change.before or 'no answer'}\n"
            )
        _phrasings(p, out)
    for e in proposals.entries:
        out.write(f"{e.id}  missing entry, asked {e.total} times\n")
        _phrasings(e, out)


def _phrasings(proposal: Proposal, out: TextIO) -> None:
    for p in proposal.phrasings:
        now = p.outcome + (f" {p.today}" if p.today else "")
        out.write(f"    {p.count:>4}  {p.text!r}  (now: {now})\n")


def write_groups(groups: tuple[GapGroup, ...], out: TextIO, as_json: bool) -> None:
    """Gap groups, the most asked first: the total, then each phrasing with its count."""
    if as_json:
        rows = [
            {
                "asked": g.total,
                "phrasings": [
                    {"text": p.text, "count": p.count, "now": p.outcome} for p in g.phrasings
                ],
                "first_seen": g.first_seen.isoformat(),
                "last_seen": g.last_seen.isoformat(),
            }
            for g in groups
        ]
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if not groups:
        out.write("no knowledge gaps recorded\n")
    for g in groups:
        shown = "; ".join(f"{p.text!r} ×{p.count}" for p in g.phrasings[:6])
        more = f" (+{len(g.phrasings) - 6} more)" if len(g.phrasings) > 6 else ""
        out.write(f"{g.total:>5}  {shown}{more}\n")


def write_history(records: list[DecisionRecord], out: TextIO, as_json: bool) -> None:
    """Every decision, the latest first."""
    if as_json:
        rows = [
            {
                "id": r.proposal_id,
                "kind": r.kind,
                "decision": r.decision,
                "entry": r.entry_id,
                "change": r.change,
                "by": r.decided_by,
                "at": r.decided_at.isoformat(),
            }
            for r in records
        ]
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if not records:
        out.write("no suggestions approved or rejected yet\n")
    for r in records:
        when = f"{r.decided_at:%Y-%m-%d %H:%M}"
        out.write(f"{when}  {r.decision:8}  {r.proposal_id}  by {r.decided_by}: {r.change}\n")


async def act(
    args: argparse.Namespace,
    settings: Settings,
    engine: Engine,
    checks: tuple[Check, ...],
    data_dir: Path,
) -> int:
    """Open the store, then list, decide or show the history."""
    store = await open_store(settings.storage)
    try:
        if args.history:
            write_history(await SuggestionStore(store).decisions(), sys.stdout, args.json)
            return 0
        if args.gaps:
            gaps = await store.gaps(limit=await store.count_gaps())
            groups = await asyncio.to_thread(group_gaps, engine, service.asked_from(gaps))
            write_groups(groups, sys.stdout, args.json)
            return 0
        thresholds = ProposalSettings(
            args.min_occasions or settings.suggestions.min_occasions,
            args.min_asked or settings.suggestions.min_gap_asked,
            settings.suggestions.max_phrasings,
        )
        proposals = await service.current(store, engine, checks, thresholds)
        chosen = args.approve or args.reject
        if not chosen:
            if args.json:
                json.dump([proposal_json(p) for p in proposals.all()], sys.stdout, indent=2)
                sys.stdout.write("\n")
            else:
                write_proposals(proposals, sys.stdout)
            return 0
        proposal = proposals.get(chosen)
        if proposal is None:
            report_error(
                args, f"no open proposal {chosen!r} (python -m bot suggestions lists them)"
            )
            return 1
        by = args.by or f"{getpass.getuser()} (command line)"
        if args.reject:
            outcome = await service.reject(store, proposal, by)
        else:
            outcome = await service.approve(
                store, engine, checks, data_dir, proposal, by, alias=args.edit, force=args.force
            )
    finally:
        await store.close()
    print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
    for problem in outcome.problems:
        print(f"  {problem}", file=sys.stderr)
    if outcome.by_hand:
        print(outcome.by_hand, end="")
    return 0 if outcome.ok else 1


def run(args: argparse.Namespace) -> int:
    """0 on success; 1 when a decision could not be carried out; 2 for a config mistake."""
    try:
        settings = load_settings_for(args)
    except ConfigError as error:
        report_error(args, str(error))
        return 2
    if (args.min_occasions is not None and args.min_occasions < 1) or (
        args.min_asked is not None and args.min_asked < 1
    ):
        report_error(args, "--min-occasions and --min-asked must be at least 1")
        return 2
    kb = load_or_report(args, settings)
    if kb is None:
        return 2
    data_dir = data_dir_for(args, settings)
    try:
        checks = load_checks(data_dir, kb)
    except KnowledgeBaseError as error:
        report_error(args, str(error))
        return 2
    engine = Engine(kb, settings.answer)
    try:
        return asyncio.run(act(args, settings, engine, checks, data_dir))
    except Exception as error:
        report_error(args, f"cannot use {describe(settings.storage)}: {error}", hint=True)
        return 1

"""What the admin commands show: reload results, knowledge gaps and answer statistics.

Pure functions from results to text and embeds, every part fitted to Discord's limits through
`bot.adapter.render`. Text that users typed (gap questions) is only shown through `quote_user_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.adapter import render
from bot.core import KnowledgeBase
from bot.reload import ReloadResult
from bot.storage import Gap, Stats

GAPS_PAGE_SIZE = 10
STATS_ENTRY_LIMIT = 15
PROBLEMS_FILENAME = "reload-problems.txt"
STORE_DOWN = (
    "I can't reach my database right now, so I can't show that. I'm still answering questions; "
    "try again in a moment."
)
_FENCE = "```"


def reload_report(result: ReloadResult) -> tuple[str, str | None]:
    """The message for `/concierge reload`, and every problem as a file when they don't all fit."""
    if result.ok:
        return (
            f"✅ Reloaded the knowledge base: {result.entries} entries (was {result.previous}), "
            f"in {result.seconds:.1f} s. New questions are answered from it already.",
            None,
        )
    count = len(result.problems)
    head = (
        f"❌ Not reloaded: {count} problem{'s' if count != 1 else ''} in the knowledge base. "
        f"I'm still answering from the previous one ({result.previous} entries). "
        "Fix these, then reload again:\n"
    )
    lines = [f"- {problem}".replace(_FENCE, "'''") for problem in result.problems]
    full = "\n".join(lines) + "\n"
    room = render.CONTENT_LIMIT - len(head) - 2 * len(_FENCE) - 2 - 80
    shown: list[str] = []
    for line in lines:
        line = render.truncate(line, 400)
        if sum(len(s) + 1 for s in shown) + len(line) + 1 > room:
            break
        shown.append(line)
    body = f"{head}{_FENCE}\n" + "\n".join(shown) + f"\n{_FENCE}"
    if len(shown) == len(lines) and all(len(line) <= 400 for line in lines):
        return body, None
    rest = len(lines) - len(shown)
    more = f"…and {rest} more. " if rest else ""
    return f"{body}\n{more}Every problem is in the attached {PROBLEMS_FILENAME}.", full


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def gaps_embed(
    gaps: Sequence[Gap], *, page: int, pages: int, total: int, retention_days: int
) -> discord.Embed:
    """One page of `/concierge gaps`: the most-asked questions the bot could not answer."""
    if not gaps:
        return render.build_embed(
            title="Knowledge gaps",
            description=(
                "No unanswered questions recorded here in the last "
                f"{retention_days} days. Everything asked got an answer."
            ),
        )
    start = page * GAPS_PAGE_SIZE
    lines = [
        f"{start + n}. **{gap.asked}×** {render.quote_user_text(gap.question, 180)}\n"
        f"   first {_date(gap.first_seen)}, last {_date(gap.last_seen)}"
        for n, gap in enumerate(gaps, 1)
    ]
    return render.build_embed(
        title=f"Knowledge gaps: {total} question{'s' if total != 1 else ''} I couldn't answer",
        description="\n".join(lines),
        footer=(
            f"Page {page + 1} of {pages} · most asked first · kept {retention_days} days · "
            "add an alias or an entry, then /concierge reload"
        ),
    )


def stats_embed(stats: Stats, kb: KnowledgeBase, *, retention_days: int) -> discord.Embed:
    """`/concierge stats`: the answer rate and how each answer was received."""
    asked = stats.asked
    if not asked and not stats.entries:
        return render.build_embed(
            title="Answer statistics",
            description=f"No questions recorded here in the last {retention_days} days.",
        )
    counts = {outcome: stats.questions.get(outcome, 0) for outcome in stats.questions}
    answered = counts.get("answered", 0)
    rate = stats.answer_rate
    description = (
        f"**{asked}** question{'s' if asked != 1 else ''} in the last {retention_days} days: "
        f"**{answered}** answered ({rate:.0%}), {counts.get('suggested', 0)} with suggestions, "
        f"{counts.get('abstained', 0)} not answered (`/concierge gaps` lists them)."
        if rate is not None
        else "No questions counted yet."
    )
    lines = []
    for feedback in stats.entries[:STATS_ENTRY_LIMIT]:
        entry = kb.get(feedback.entry_id)
        title = entry.title if entry is not None else f"{feedback.entry_id} (no longer known)"
        share = f" ({feedback.helpful / feedback.votes:.0%} helpful)" if feedback.votes else ""
        lines.append(
            f"👍 {feedback.helpful} · 👎 {feedback.not_helpful}{share} · given "
            f"{feedback.answered}× — {render.truncate(render.one_line(title), 90)}"
        )
    more = len(stats.entries) - STATS_ENTRY_LIMIT
    if more > 0:
        lines.append(f"…and {more} more entries.")
    if lines:
        description += "\n\n**Answers, least helpful first**\n" + "\n".join(lines)
    return render.build_embed(
        title="Answer statistics",
        description=description,
        footer="Votes come from the 👍 / 👎 buttons under each answer.",
    )

"""Why the engine answered a question or not, in terms an admin can act on.

`Engine.explain(question)` fills a `Trace` while answering, then `build_explanation` turns it
into an `Explanation`: the part of the message taken as the question and the part taken for
chat, each word that counted and how much, the best candidates with their scores, why it
answered or not, and what would make it answer (an alias, a glossary variant).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core.model import Answer, Result
from bot.core.reading import Reading

if TYPE_CHECKING:
    from bot.core.engine import Engine, Scored
    from bot.core.weighing import Unit

SHOWN_CANDIDATES = 5
CANNOT_ANSWER = "does not pair the two things the question asks about (who plays whom)"


@dataclass(frozen=True, slots=True)
class WordView:
    """One unit of the question: its words, weight, and what kind of thing it is."""

    words: str
    weight: float
    kind: str  # "name", "glossary", "known", "unknown", "facet"
    specific: bool


@dataclass(frozen=True, slots=True)
class CandidateView:
    """One entry the engine considered, with the parts of its score."""

    entry_id: str
    title: str
    score: float
    coverage: float
    title_coverage: float
    title_fit: float
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything `ask --explain` shows."""

    question: str
    asked: str
    chat: str
    asks: bool
    words: tuple[WordView, ...]
    candidates: tuple[CandidateView, ...]
    outcome: str
    answer: str | None
    why: str
    advice: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping with the same keys every time."""
        return asdict(self)


@dataclass(slots=True)
class Trace:
    """What `_answer` saw, collected only when explaining."""

    reading: Reading
    units: list[Unit] = field(default_factory=list)
    candidates: list[CandidateView] = field(default_factory=list)
    lead: float = 0.0
    tied: bool = False  # the best two are too close to pick one: "did you mean" either
    scattered: bool = False  # a text-only match whose asked words no one sentence has together
    qualified_otherwise: tuple[str, str] | None = None  # (asked word, title word) in one place
    informative: bool = True
    missed: list[str] = field(default_factory=list)
    missed_specific: list[str] = field(default_factory=list)

    def record(
        self,
        engine: Engine,
        units: list[Unit],
        scored: Scored,
        order: list[int],
        final: dict[int, float],
        fit: dict[int, float],
        cannot_answer: set[int],
    ) -> None:
        """Keep the best candidates with their score parts."""
        for i in order[:SHOWN_CANDIDATES]:
            entry = engine.kb.entries[scored.ids[i]]
            hits = [h is None or bool(h[i]) for h in scored.matched]
            self.candidates.append(
                CandidateView(
                    entry_id=entry.id,
                    title=entry.title,
                    score=round(final[i], 1),
                    coverage=round(float(scored.coverage[i]), 2),
                    title_coverage=round(float(scored.head[i]), 2),
                    title_fit=round(fit[i], 2),
                    matched=tuple(u.label for u, hit in zip(units, hits, strict=True) if hit),
                    missing=tuple(u.label for u, hit in zip(units, hits, strict=True) if not hit),
                    note="cannot answer what the question's shape asks"
                    if i in cannot_answer
                    else "",
                )
            )


def build_explanation(engine: Engine, question: str, trace: Trace, result: Result) -> Explanation:
    """Turn a trace and its result into what an admin reads."""
    settings = engine.settings
    words = tuple(
        WordView(u.label, round(u.weight, 2), _kind(engine, u), u.specific) for u in trace.units
    )
    best = trace.candidates[0] if trace.candidates else None
    if isinstance(result, Answer) and best is None:
        why = f"answered: asked word for word as the title or an alias of {result.entry.id}"
        advice: tuple[str, ...] = ()
    elif isinstance(result, Answer):
        why = (
            f"answered: {result.entry.title!r} scored {result.score:g} "
            f"(answer threshold {settings.answer_threshold:g}), covering "
            f"{best.coverage:.0%} of what was asked" + (f", {trace.lead:.1f} ahead" if best else "")
            if best
            else "answered"
        )
        advice = ()
    elif best is None:
        why = f"not answered: {result.reason or 'nothing in the knowledge base matches'}"
        advice = _advice(question, trace, None)
    else:
        reasons = []
        if best.score < settings.answer_threshold:
            reasons.append(f"the best score {best.score:g} is under {settings.answer_threshold:g}")
        if best.coverage < settings.min_coverage:
            reasons.append(
                f"it covers {best.coverage:.0%} of the question, under "
                f"{settings.min_coverage:.0%} (or {settings.partial_coverage:.0%} in a long "
                f"message, {settings.min_lead:g} points ahead, with nothing specific or asked "
                "for missing)"
            )
        if trace.missed_specific:
            reasons.append("it lacks " + ", ".join(repr(w) for w in trace.missed_specific))
        if trace.qualified_otherwise is not None:
            own, theirs = trace.qualified_otherwise
            reasons.append(f"the question says {own!r} where its title says {theirs!r}")
        if trace.scattered:
            reasons.append(
                f"no one sentence of its text has {settings.min_coverage:.0%} of what was asked"
            )
        if trace.tied:
            reasons.append(f"it ties with the next entry ({trace.lead:.1f} points apart)")
        elif trace.lead < settings.min_lead:
            reasons.append(f"it is only {trace.lead:.1f} points ahead of the next entry")
        if not trace.informative:
            reasons.append("the question is only words nearly every entry has")
        if best.note:
            reasons.append(best.note)
        why = "not answered: " + ("; ".join(reasons) or result.reason)
        advice = _advice(question, trace, best)
    return Explanation(
        question=question,
        asked=trace.reading.question,
        chat=trace.reading.chat,
        asks=trace.reading.asks,
        words=words,
        candidates=tuple(trace.candidates),
        outcome=result.outcome.value,
        answer=result.entry.id if isinstance(result, Answer) else None,
        why=why,
        advice=advice,
    )


def _kind(engine: Engine, unit: Unit) -> str:
    if not engine.glossary.names.isdisjoint(unit.terms):
        return "name"
    if any(t.startswith("=") for t in unit.terms):
        return "glossary"
    if any(w in engine.lexicon.facets for w in unit.label.split()):
        return "facet"
    return "known" if unit.rarity > 0 else "unknown"


def _advice(question: str, trace: Trace, best: CandidateView | None) -> tuple[str, ...]:
    """What an admin could add so that questions asked this way are answered."""
    asking = [c.text for c in trace.reading.clauses if c.asks] or [question]
    asked = " ".join(" ".join(asking).split())  # the part that asks, as typed
    advice = []
    if best is not None:
        advice.append(
            f"if {best.title!r} is the answer, add the question as an alias of "
            f"{best.entry_id} in data/curation.yaml: aliases: [{asked!r}]"
        )
    unknown = [w.label for w in trace.units if w.rarity == 0 and not w.terms[0].startswith("=")]
    if unknown:
        listed = ", ".join(repr(w) for w in unknown)
        advice.append(
            f"the knowledge base never uses {listed}: if fans mean a word it uses, add it as a "
            "variant in data/glossary.yaml (words: canonical, variants)"
        )
    if best is None and not unknown:
        advice.append("no entry is about this: add an article with `python -m bot ingest`")
    return tuple(advice)


def render_text(explanation: Explanation) -> str:
    """The explanation as lines of text for a terminal."""
    e = explanation
    lines = [f"question:  {e.asked}"]
    if e.chat:
        lines.append(f"chat:      {e.chat}   (not matched)")
    if not e.asks:
        lines.append("           (no clause asks; read whole, as a search)")
    lines.append("words:")
    for w in e.words:
        flag = ", specific" if w.specific else ""
        lines.append(f"  {w.words:<28} {w.weight:5.2f}  {w.kind}{flag}")
    lines.append("candidates:")
    for c in e.candidates:
        lines.append(
            f"  {c.score:5.1f}  {c.title}  [{c.entry_id}]\n"
            f"         covers {c.coverage:.0%}, title/alias {c.title_coverage:.0%}, "
            f"title fit {c.title_fit:.2f}"
            + (f"; missing: {', '.join(c.missing)}" if c.missing else "")
            + (f"; {c.note}" if c.note else "")
        )
    if not e.candidates:
        lines.append("  (none)")
    lines.append(f"result:    {e.outcome}" + (f" with {e.answer}" if e.answer else ""))
    lines.append(f"why:       {e.why}")
    lines.extend(f"to answer: {a}" for a in e.advice)
    return "\n".join(lines)

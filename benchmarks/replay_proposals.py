"""Replay benchmark: does approving what the bot proposes make it answer more, and never worse?

Usage: python benchmarks/replay_proposals.py [--eval ../shared/eval/chat.yaml] [--variants 4]
       [--min-occasions 3] [--seed 13] [--json]

A stream of chat-style questions (the eval file, plus variants made by simple rewording rules:
chat around the question, case, dropped punctuation, a typo, a request instead of a question)
is asked of the shipped knowledge base. Whenever the bot is unsure, a simulated person presses
the right "Did you mean" button: the offered entry whose title and text contain one of the
item's expected phrases (none if no offered entry does). Those presses are the resolutions;
the bot proposes aliases from them (`bot.core.proposals.propose`, checked against
`data/checks.yaml`), every safe proposal is approved into a copy of the data directory (the
same round-trip edit of curation.yaml an admin's approval makes), and the stream is replayed,
along with a second stream of variants the proposals never saw (another seed). Answers are
judged like ../shared/eval/score.py: ok when the answer's title or text contains an expected
phrase, wrong otherwise; an item that must be abstained on is wrong when answered.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core import Answer, Engine, load_knowledge_base  # noqa: E402
from bot.core.checks import load_checks  # noqa: E402
from bot.core.proposals import ProposalSettings, Resolution, propose  # noqa: E402
from bot.storage import normalise_question  # noqa: E402
from bot.suggestions.curation import add_alias  # noqa: E402

DEFAULT_EVAL = ROOT.parent / "shared" / "eval" / "chat.yaml"
NOW = datetime(2026, 1, 1, tzinfo=UTC)

OPENERS = ("hey guys ", "ok so ", "quick question, ", "yo ", "random but ", "@sam ")
CLOSERS = (" lol", " thx", " 🙏", " asking for a friend", " (sorry if dumb q)", " anyone?")


@dataclass(frozen=True, slots=True)
class Item:
    """One question of the stream and how to judge it."""

    q: str
    expect: tuple[str, ...]
    abstain: bool


def fold(text: str) -> str:
    """Like score.py: curly quotes and dashes plain, lower case, one space."""
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-")):
        text = text.replace(a, b)
    return " ".join(text.lower().split())


def typo(text: str, rng: random.Random) -> str:
    """Swap two inner letters of one longer word."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def variants(q: str, rng: random.Random, count: int) -> list[str]:
    """`count` rewordings of `q` by simple rules, each a different mix."""
    rules = [
        lambda s: rng.choice(OPENERS) + s,
        lambda s: s + rng.choice(CLOSERS),
        lambda s: s.lower(),
        lambda s: s.upper() if len(s) < 60 else s,
        lambda s: re.sub(r"[?!.,]+", "", s),
        lambda s: typo(s, rng),
        lambda s: re.sub(r"^(what|who|when|where|why|how)\b", r"pls tell me \1", s, flags=re.I),
    ]
    out: list[str] = []
    for _ in range(count):
        text = q
        for rule in rng.sample(rules, k=rng.randint(1, 3)):
            text = rule(text)
        out.append(text)
    return out


def load_items(path: Path) -> list[Item]:
    """The eval file's items."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Item(i["q"], tuple(i.get("expect") or ()), bool(i.get("abstain"))) for i in raw]


def stream(items: list[Item], per_item: int, seed: int) -> list[Item]:
    """Every item, then `per_item` variants of each, in a shuffled order."""
    rng = random.Random(seed)
    out = list(items)
    for item in items:
        out += [Item(v, item.expect, item.abstain) for v in variants(item.q, rng, per_item)]
    rng.shuffle(out)
    return out


def right_entry(engine: Engine, entry_id: str, item: Item) -> bool:
    """Whether the entry holds one of the item's expected phrases."""
    entry = engine.kb.get(entry_id)
    if entry is None or item.abstain:
        return False
    text = fold(f"{entry.title} {entry.text}")
    return any(fold(k) in text for k in item.expect)


def judge(engine: Engine, item: Item) -> tuple[str, Any]:
    """ok / wrong / abstained / unsure (abstained with suggestions), and the result."""
    result = engine.ask(item.q)
    if isinstance(result, Answer):
        if item.abstain:
            return "wrong", result
        return ("ok" if right_entry(engine, result.entry.id, item) else "wrong"), result
    if item.abstain:
        return "ok", result
    return ("unsure" if result.unsure and result.suggestions else "abstained"), result


def score(engine: Engine, items: list[Item]) -> dict[str, Any]:
    """Counts for a stream: answered right, wrong, and the answer rate over answerable items."""
    counts: Counter[str] = Counter()
    for item in items:
        verdict, _ = judge(engine, item)
        counts[("abstain " if item.abstain else "") + verdict] += 1
    answerable = sum(1 for i in items if not i.abstain)
    right = counts["ok"]
    wrong = counts["wrong"] + counts["abstain wrong"]
    return {
        "questions": len(items),
        "answerable": answerable,
        "answered_right": right,
        "answer_rate": round(right / answerable, 3) if answerable else None,
        "wrong": wrong,
        "unsure": counts["unsure"],
    }


def presses(engine: Engine, items: list[Item]) -> list[Resolution]:
    """The "Did you mean" presses simulated people make on the stream, as resolutions."""
    counted: Counter[tuple[str, str]] = Counter()
    for item in items:
        verdict, result = judge(engine, item)
        if verdict != "unsure":
            continue
        chosen = next(
            (s for s in result.suggestions if right_entry(engine, s.entry_id, item)), None
        )
        if chosen is not None:
            counted[normalise_question(item.q), chosen.entry_id] += 1
    return [Resolution(q, e, n, NOW, NOW) for (q, e), n in counted.items()]


def main() -> int:
    """Run the replay and print the before / after figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument(
        "--guard",
        type=Path,
        default=DEFAULT_EVAL.with_name("dev.yaml"),
        help="another eval file, asked before and after: the approvals must not hurt it",
    )
    parser.add_argument("--variants", type=int, default=4)
    parser.add_argument("--min-occasions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    items = load_items(args.eval)
    guard = load_items(args.guard) if args.guard.exists() else []
    seen = stream(items, args.variants, args.seed)
    asked = {i.q for i in seen}  # variants the proposals saw are not 'unseen'
    unseen = list(
        {i.q: i for i in stream(items, args.variants, args.seed + 1) if i.q not in asked}.values()
    )
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        shutil.copytree(args.data, data)
        kb = load_knowledge_base(data)
        before = Engine(kb)
        checks = load_checks(data, kb)
        resolutions = presses(before, seen)
        settings = ProposalSettings(min_occasions=args.min_occasions)
        proposals = propose(before, resolutions, [], checks, settings)
        approved = [p for p in proposals.aliases if p.safe]
        for proposal in approved:
            add_alias(data, proposal.entry_id, proposal.alias)
        after = Engine(load_knowledge_base(data))
        report = {
            "eval": str(args.eval.name),
            "stream": len(seen),
            "presses": sum(r.count for r in resolutions),
            "proposed": len(proposals.aliases),
            "flagged": sum(not p.safe for p in proposals.aliases),
            "approved": [f"{p.entry_id}: {p.alias}" for p in approved],
            "replay_before": score(before, seen),
            "replay_after": score(after, seen),
            "unseen_before": score(before, unseen),
            "unseen_after": score(after, unseen),
            "guard_before": score(before, guard),
            "guard_after": score(after, guard),
            "checks_before_after": [
                sum(
                    (e.ask(c.question).entry.id if e.ask(c.question).answered else None)  # type: ignore[union-attr]
                    == c.entry_id
                    for c in checks
                )
                for e in (before, after)
            ],
        }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(
        f"{report['eval']} (guard {args.guard.name}): stream of {report['stream']} questions, "
        f"{report['presses']} presses, "
        f"{report['proposed']} aliases proposed ({report['flagged']} flagged), "
        f"{len(approved)} approved; checks passing before/after: {report['checks_before_after']}"
    )
    for name in ("replay", "unseen", "guard"):
        b, a = report[f"{name}_before"], report[f"{name}_after"]
        print(
            f"  {name:7} answered right {b['answered_right']}/{b['answerable']} "
            f"({b['answer_rate']:.1%}) -> {a['answered_right']}/{a['answerable']} "
            f"({a['answer_rate']:.1%}); wrong {b['wrong']} -> {a['wrong']}; "
            f"unsure {b['unsure']} -> {a['unsure']}"
        )
    for line in report["approved"]:
        print(f"  + {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Show how the engine sees a question: its units, the best candidates and the result.

Usage: python scripts/explain.py "QUESTION" [DATA_DIR]
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core import Engine, load_knowledge_base
from bot.core.text import clean_question


def main() -> None:
    """Print units, the five best candidates before title fit, and the final result."""
    question = sys.argv[1]
    engine = Engine(load_knowledge_base(sys.argv[2] if len(sys.argv) > 2 else "data"))
    units = engine.units(clean_question(question))
    for unit in units:
        print(f"unit {unit.label!r:30} terms={unit.terms} weight={unit.weight:.2f}")
    scored = engine._score(units)
    asked = frozenset(t for unit in units for t in unit.terms)
    for i in np.argsort(-scored.score)[:5]:
        entry = engine.kb.entries[scored.ids[i]]
        fit = engine._fit(units, asked, int(scored.ids[i]))
        print(
            f"{scored.score[i]:6.1f} cov={scored.coverage[i]:.2f} head={scored.head[i]:.2f}"
            f" fit={fit:.2f}  {entry.title}"
        )
    result = engine.ask(question)
    title = result.entry.title if result.answered else None
    print(result.outcome.value, title, [s.title for s in result.suggestions])


if __name__ == "__main__":
    main()

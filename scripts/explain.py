"""Show how the engine sees a question: its units and the top candidates with score parts.

Usage: python scripts/explain.py "QUESTION" [DATA_DIR]
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core import Engine, load_knowledge_base
from bot.core.text import clean_question


def main() -> None:
    """Print units and the five best candidates."""
    question = sys.argv[1]
    engine = Engine(load_knowledge_base(sys.argv[2] if len(sys.argv) > 2 else "data"))
    units = engine.units(clean_question(question))
    for unit in units:
        print(f"unit {unit.label!r:30} terms={unit.terms} weight={unit.weight:.2f}")
    scores, coverage, head = engine._score(units)
    for i in np.argsort(-scores)[:5]:
        entry = engine.kb.entries[i]
        print(f"{scores[i]:6.1f} cov={coverage[i]:.2f} head={head[i]:.2f}  {entry.title}")
    print(engine.ask(question))


if __name__ == "__main__":
    main()

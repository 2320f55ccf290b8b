"""The pure answer engine: no Discord, no network; strings and YAML in, frozen values out."""

from bot.core.engine import Engine
from bot.core.errors import ConciergeError, KnowledgeBaseError, Problem
from bot.core.loader import KnowledgeBase, Topic, load_knowledge_base
from bot.core.model import (
    Answer,
    Disagreement,
    Entry,
    GlossaryTerm,
    KnowledgeBaseSummary,
    MatchSettings,
    NoAnswer,
    Outcome,
    Result,
    Source,
    Suggestion,
)
from bot.core.text import clean_question

__all__ = [
    "Answer",
    "ConciergeError",
    "Disagreement",
    "Engine",
    "Entry",
    "GlossaryTerm",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeBaseSummary",
    "MatchSettings",
    "NoAnswer",
    "Outcome",
    "Problem",
    "Result",
    "Source",
    "Suggestion",
    "Topic",
    "clean_question",
    "load_knowledge_base",
]

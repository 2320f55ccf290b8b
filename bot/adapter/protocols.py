"""What components need of the bot, as protocols: views and buttons never import the client.

The client imports the views and buttons to register them; if they imported the client back
(even for type hints) the adapter would be a circle. A button asks `interaction.client` only
for what is named here, and `ConciergeBot` has all of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.core import KnowledgeBase
    from bot.recorder import Recorder


class KnowsTheBase(Protocol):
    """A bot serving a knowledge base."""

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base being served."""
        ...


class RecordsVotes(Protocol):
    """A bot that records answers' votes."""

    @property
    def recorder(self) -> Recorder:
        """Where votes go."""
        ...

"""Shared fixtures: a small knowledge base from model values, the real engine, and a simcord world.

The knowledge base is built in memory with `bot.core.model` values, so a test can read exactly what
the bot knows. It deliberately includes an entry that breaks every Discord limit and a topic long
enough to need two `/faq` pages and more than 25 autocomplete candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import simcord

from bot.adapter.client import ConciergeBot
from bot.config import HealthSettings, LimitSettings, Settings
from bot.core import Engine, KnowledgeBase
from bot.core.model import Entry, MatchSettings, Source

FEATURE = Source(
    "wick-ballerina",
    "From the World of John Wick: Ballerina",
    "feature",
    "https://example.com/ballerina",
)
REVIEW = Source("review-2024", "Ballerina (2024) review", "review")
TRIVIA_COUNT = 30


def trivia_title(n: int) -> str:
    """A title well over Discord's 100-character choice limit."""
    return (
        f"Trivia {n}: the pencil scene, the hotel lobby and everything else that happened on set "
        f"during the long night shoot number {n}"
    )


def knowledge_entries() -> list[Entry]:
    """Everything the test bot knows."""
    entries = [
        Entry(
            "faq-director",
            "Who directs Ballerina?",
            "Ballerina is directed by Len Wiseman.",
            FEATURE,
            kind="faq",
            aliases=("director of ballerina",),
            related=("faq-star", "faq-release"),
        ),
        Entry(
            "faq-release",
            "When is Ballerina released?",
            "Ballerina opens in cinemas on 6 June 2025.",
            FEATURE,
            kind="faq",
        ),
        Entry(
            "faq-star",
            "Who plays the ballerina?",
            "Ana de Armas plays Eve Macarro, the ballerina.",
            FEATURE,
            kind="faq",
        ),
        Entry(
            "cast-keanu",
            "Keanu Reeves returns",
            "Keanu Reeves appears as John Wick.",
            FEATURE,
            parent="The Cast",
            where="The Cast › Keanu Reeves returns",
        ),
        Entry(
            "cast-ian",
            "Ian McShane as Winston",
            "Ian McShane is back as Winston, manager of the Continental.",
            FEATURE,
            parent="The Cast",
            where="The Cast › Ian McShane as Winston",
        ),
        Entry(
            "timeline",
            "Timeline placement",
            "Ballerina is set between Chapter 3 and Chapter 4.",
            FEATURE,
            where="Timeline placement",
            notes=("The review places it during Chapter 3 instead.",),
        ),
        Entry("review-verdict", "Verdict", "A stylish, brutal spin-off.", REVIEW, where="Verdict"),
        Entry(
            "extended-cut",
            "Extended cut " + "and a title that goes on " * 20,
            "extraordinarily " * 1200,
            REVIEW,
            where="Extended cut " + "deep inside the review " * 150,
            notes=tuple("The sources disagree here " * 60 for _ in range(30)),
        ),
    ]
    entries += [
        Entry(f"trivia-{n}", trivia_title(n), f"Trivia answer {n}.", REVIEW, parent="Trivia")
        for n in range(1, TRIVIA_COUNT + 1)
    ]
    return entries


@dataclass(frozen=True)
class World:
    """A guild with a #general channel, two members, a role and a spare bot user."""

    env: simcord.Env
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    alice: simcord.MemberActor
    bob: simcord.MemberActor
    role: simcord.RoleHandle

    @property
    def bot(self) -> ConciergeBot:
        """The bot under test."""
        bot = self.env.bot
        assert isinstance(bot, ConciergeBot)
        return bot

    @property
    def mention(self) -> str:
        """How a user mentions the bot."""
        assert self.bot.user is not None
        return self.bot.user.mention


@pytest.fixture
def settings() -> Settings:
    """Default settings with the cooldown the tests rely on and no health endpoint."""
    limits = LimitSettings(
        user_cooldown_questions=3, user_cooldown_seconds=10.0, duplicate_window_seconds=30.0
    )
    return Settings(limits=limits, health=HealthSettings(address=""))


@pytest.fixture
def entries() -> list[Entry]:
    """The entries of the test knowledge base (a fresh list: tests may filter it)."""
    return knowledge_entries()


@pytest.fixture
def kb(entries: list[Entry]) -> KnowledgeBase:
    """The test knowledge base."""
    return KnowledgeBase(entries)


@pytest.fixture
def engine(kb: KnowledgeBase) -> Engine:
    """The real engine over the test knowledge base."""
    return Engine(kb, MatchSettings())


@pytest.fixture
def simcord_bot(settings: Settings, kb: KnowledgeBase, engine: Engine) -> ConciergeBot:
    """The bot under test, built the way `python -m bot run` builds it."""
    return ConciergeBot(settings, kb, engine)


@pytest.fixture
async def env(simcord_env: simcord.Env) -> simcord.Env:
    """A running simcord world whose commands were synced, as `python -m bot sync` does once."""
    await simcord_env.bot.tree.sync()  # type: ignore[attr-defined]
    return simcord_env


@pytest.fixture
def world(env: simcord.Env) -> World:
    """A guild, a channel, Alice and Bob, and a role that could be pinged."""
    guild = env.create_guild("Continental")
    channel = guild.create_text_channel("general")
    alice = guild.add_member(env.create_user("alice"))
    bob = guild.add_member(env.create_user("bob"))
    role = guild.create_role("Assassins", mentionable=True)
    return World(env, guild, channel, alice, bob, role)

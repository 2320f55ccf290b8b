"""Run by test_vote_crash.py in a child process: a question, then a vote, then a crash.

The moment the bot hands Discord the thanks for the vote (the acknowledgement the voter sees),
this process prints "ACK <guild id> <thanks>" and kills itself with SIGKILL: no clean-up, no
close, no checkpoint, no task gets to run after it. The parent then checks the store: a vote
the voter was thanked for must be there.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from functools import partial
from typing import Any

import discord
import simcord

from bot.adapter.client import ConciergeBot
from bot.adapter.feedback import vote_text
from bot.config import HealthSettings, Settings, StorageSettings
from bot.core import Engine, KnowledgeBase
from bot.core.model import Entry, Source
from bot.storage import VoteChange, open_store

SOURCE = Source("demo", "Demo Article", "faq")
THANKS = {vote_text(change, helpful) for change in VoteChange for helpful in (True, False)}
GUILD = [0]


def crash_on_thanks(send: Any) -> Any:
    """Wrap a way of answering an interaction: a vote's thanks is the last thing we ever do."""

    async def sending(self: Any, *args: Any, **kwargs: Any) -> Any:
        content = kwargs.get("content", args[0] if args else None)
        if content in THANKS:
            print(f"ACK {GUILD[0]} {content}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        return await send(self, *args, **kwargs)

    return sending


discord.InteractionResponse.send_message = crash_on_thanks(  # type: ignore[method-assign]
    discord.InteractionResponse.send_message
)
discord.Webhook.send = crash_on_thanks(discord.Webhook.send)  # type: ignore[method-assign]


async def main(target: str) -> None:
    if target.startswith("postgres"):
        storage = StorageSettings(database_url=target)
    else:
        storage = StorageSettings(sqlite_path=target)
    entry = Entry("demo-director", "Who directs the demo film?", "Ann Example.", SOURCE, kind="faq")
    kb = KnowledgeBase([entry])
    settings = Settings(health=HealthSettings(address=""), storage=storage)
    bot = ConciergeBot(settings, kb, Engine(kb), store_opener=partial(open_store, storage))
    async with simcord.run(bot) as env:
        await bot.tree.sync()
        guild = env.create_guild("Continental")
        GUILD[0] = guild.id
        channel = guild.create_text_channel("general")
        alice = guild.add_member(env.create_user("alice"))
        bob = guild.add_member(env.create_user("bob"))
        assert bot.user is not None
        await alice.send(channel, f"{bot.user.mention} who directs the demo film?")
        await bob.click(channel.last_message, label="Helpful")
        print("the vote was never acknowledged", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))

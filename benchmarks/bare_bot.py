"""A bare discord.py bot that answers every question with one fixed embed: the load ceiling.

It does what Concierge does on the wire and nothing else: replies to a mention (as a reply, pinging
nobody) and answers `/ask`, each with the same small embed. No knowledge base, no anti-spam, no
components. bench_load.py runs it against the same fake, with the same harness, as Concierge.

Configuration is the same environment Concierge reads: DISCORD_TOKEN,
CONCIERGE_DISCORD_API_BASE_URL and CONCIERGE_DISCORD_GATEWAY_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal

import discord
import yarl
from discord import app_commands

EMBED = discord.Embed(
    title="Who is directing Ballerina?",
    description="Len Wiseman, known for the Underworld series, is directing the film.",
    colour=0xB48A3C,
).set_footer(text="Source: From the World of John Wick: Ballerina (feature) › FAQs › Q3")
NO_PINGS = discord.AllowedMentions.none()


class BareBot(discord.Client):
    """Replies to mentions and to /ask with EMBED."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), allowed_mentions=NO_PINGS)
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ask")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            """Ask a question."""
            await interaction.response.send_message(embed=EMBED)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None or self.user not in message.mentions:
            return
        await message.reply(embed=EMBED, mention_author=False)


async def main() -> None:
    discord.http.Route.BASE = os.environ["CONCIERGE_DISCORD_API_BASE_URL"].rstrip("/") + "/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
        os.environ["CONCIERGE_DISCORD_GATEWAY_URL"]
    )
    bot = BareBot()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        with contextlib.suppress(discord.ConnectionClosed):
            await bot.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(main())

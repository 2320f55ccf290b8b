"""The Message Content intent: asked for only when auto-answer is configured, dropped if refused.

Reading every message of a channel needs it, and it is privileged: Discord closes the gateway
with 4014 when the bot asks for an intent the Developer Portal (or, past 100 servers, Discord's
review) has not granted. Then the bot logs one line, connects again without it, and runs with
auto-answer off and everything else on; `/concierge autoanswer list` says why. A sharded bot,
which discord.py closes for good on 4014, reads the application's flags before it connects.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.autoanswer.settings import AutoAnswerSettings

log = logging.getLogger(__name__)

REFUSED = (
    "Discord refused the Message Content intent (gateway close 4014): auto-answer is off, "
    "everything else works. Turn on Message Content under Bot > Privileged Gateway Intents in "
    "the Developer Portal (past 100 servers Discord must approve it), then restart."
)
NOT_ASKED = (
    "Auto-answer is off: this bot does not ask Discord for the Message Content intent. Set "
    "`autoanswer.enabled = true` (or name channels in `[autoanswer]`), turn the intent on in the "
    "Developer Portal and restart."
)


NOT_ENABLED = (
    "The Message Content intent is not enabled for this application: auto-answer is off, "
    "everything else works. Turn on Message Content under Bot > Privileged Gateway Intents in "
    "the Developer Portal (past 100 servers Discord must approve it), then restart."
)
# ApplicationFlags: the intent is granted (verified bots) or enabled in the portal (others).
MESSAGE_CONTENT_FLAGS = (1 << 18) | (1 << 19)


async def drop_intent_not_enabled(bot: Any) -> None:
    """Before a sharded bot connects: ask Discord whether Message Content is enabled.

    A sharded client closes itself on 4014 and cannot connect again, so it cannot learn from
    the refusal as a single connection does; the application's flags tell beforehand.
    """
    intents = bot._connection._intents
    if not intents.message_content:
        return
    try:
        info = await bot.application_info()
    except discord.HTTPException as error:
        log.warning(
            "could not read the application's flags (%s): asking for Message Content", error
        )
        return
    if not info.flags.value & MESSAGE_CONTENT_FLAGS:
        intents.message_content = False
        bot.autoanswer_refused = NOT_ENABLED
        log.error(NOT_ENABLED)


def wants_message_content(settings: AutoAnswerSettings) -> bool:
    """Whether auto-answer is configured, so the bot must read every message's text."""
    return settings.enabled or settings.configured


def intents_for(settings: AutoAnswerSettings) -> discord.Intents:
    """The default intents, plus Message Content when auto-answer is configured."""
    intents = discord.Intents.default()
    intents.message_content = wants_message_content(settings)
    return intents


def off_reason(bot: Any) -> str:
    """Why auto-answer cannot run on this bot right now, or "" when it can."""
    refused: str = getattr(bot, "autoanswer_refused", "")
    if refused:
        return refused
    intents = getattr(bot, "intents", None)
    return "" if intents is not None and intents.message_content else NOT_ASKED


async def connect_dropping_refused_intent(bot: Any, connect: Callable[[], Awaitable[None]]) -> None:
    """Run `connect`; on a 4014 while asking for Message Content, log once and connect without."""
    while True:
        try:
            await connect()
            return
        except discord.PrivilegedIntentsRequired:
            intents = bot._connection._intents
            if not intents.message_content or bot.is_closed():
                # Another privileged intent, not ours to drop; or a sharded client, which
                # closes itself on 4014 and cannot connect again.
                raise
            intents.message_content = False
            bot.autoanswer_refused = REFUSED
            log.error(REFUSED)

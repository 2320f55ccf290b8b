"""Expected failures talking to Discord, each as one line that says what failed and what to do.

`run` and `sync` catch what logging in, syncing or connecting raises and show `explain(error)`
instead of a traceback (the network, DNS, TLS, a refused token, a missing permission, a rate
limit, a timeout); anything `explain` does not know is a bug and keeps its traceback. `report`
writes the line: `error: ...` on stderr, or a JSON log line when logging is JSON, and the
traceback too with --debug (or logging at DEBUG).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import ssl
import sys
import traceback

import aiohttp
import discord

from bot.config import Settings

log = logging.getLogger("bot")

NETWORK_ADVICE = "check the network, a firewall or proxy, or discord.api_base_url"
CLOSE_CODES_URL = "see https://discord.com/developers/docs/topics/opcodes-and-status-codes"
# The gateway close codes discord.py does not reconnect after, and what each asks of the admin.
CLOSE_CODE_HINTS = {
    4004: "the token was refused (reset in the Developer Portal?): check DISCORD_TOKEN",
    4010: "the shard settings are invalid: check discord.shard_count and discord.shard_ids",
    4011: "Discord requires sharding for this many servers: set discord.sharded = true",
    4012: "this Concierge speaks an outdated gateway version: upgrade it",
    4013: "the bot asked for intents Discord does not know: upgrade Concierge",
}


def explain(error: BaseException) -> str | None:
    """What an expected failure talking to Discord means, on one line; None for anything else."""
    if isinstance(error, discord.LoginFailure):
        return (
            "Discord rejected the token (401 Unauthorized): check DISCORD_TOKEN or "
            "discord.token_file (Developer Portal > Bot > Reset Token gives a new one)"
        )
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return (
            "Discord refused a privileged intent (close code 4014): the bot asks only for "
            "Message Content, and only when auto-answer is configured; turn it on under Bot > "
            "Privileged Gateway Intents in the Developer Portal, or turn auto-answer off"
        )
    if isinstance(error, discord.RateLimited):
        return (
            f"Discord is rate limiting this bot (429) for {error.retry_after:.0f} s more: "
            "wait that long, then try again"
        )
    if isinstance(error, discord.HTTPException):
        return _refusal(error)
    if isinstance(error, discord.ConnectionClosed):
        hint = CLOSE_CODE_HINTS.get(error.code or 0, CLOSE_CODES_URL)
        reason = f": {error.reason}" if error.reason else ""
        return f"Discord closed the gateway connection (close code {error.code}{reason}): {hint}"
    if isinstance(error, discord.GatewayNotFound):
        return f"Discord did not say where its gateway is: try again later, or {NETWORK_ADVICE}"
    return _network(error)


def _refusal(error: discord.HTTPException) -> str:
    status = f"{error.status} {error.response.reason}" if error.response else str(error.status)
    text = "; ".join(line.strip() for line in error.text.splitlines() if line.strip())
    detail = f": {text}" if text else ""  # "Invalid Form Body; In 0.name: ..." on one line
    if error.status == 429:
        return f"Discord is rate limiting this bot ({status}){detail}: wait a while, then try again"
    if error.status == 403:
        return (
            f"Discord refused ({status}{detail}): the bot lacks access; for one server, invite it "
            "there with the bot and applications.commands scopes (see the README)"
        )
    if error.status == 401:
        return f"Discord rejected the token ({status}): check DISCORD_TOKEN or discord.token_file"
    if error.status >= 500:
        return f"Discord had a server error ({status}){detail}: try again in a few minutes"
    return f"Discord refused the request ({status}{detail})"


def _network(error: BaseException) -> str | None:
    if isinstance(error, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        return f"Discord did not answer in time: {NETWORK_ADVICE}, then try again"
    host = ""
    key = getattr(error, "host", None)
    if isinstance(key, str):
        port = getattr(error, "port", None)
        host = f"{key}:{port}" if port else key
    reason = _reason(error)
    if isinstance(error, (aiohttp.ClientSSLError, ssl.SSLError)):
        return (
            f"the TLS connection to {host or 'Discord'} failed ({reason}): check the system clock "
            "and CA certificates, or a proxy that intercepts TLS"
        )
    if isinstance(error, aiohttp.ClientConnectorDNSError) or isinstance(
        getattr(error, "os_error", None), socket.gaierror
    ):
        return f"cannot look up {host or 'Discord'} (DNS: {reason}): check the network and DNS"
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"cannot connect to {host} ({reason}): {NETWORK_ADVICE}"
    if isinstance(error, (aiohttp.ClientError, OSError)):
        return f"the connection to Discord failed ({reason}): {NETWORK_ADVICE}"
    return None


def _reason(error: BaseException) -> str:
    os_error = getattr(error, "os_error", None)
    cause = os_error if isinstance(os_error, BaseException) else error
    number = getattr(cause, "errno", None)
    if isinstance(number, int) and number > 0:
        text = os.strerror(number)  # "Connection refused", not "Connect call failed (...)"
    else:
        text = getattr(cause, "reason", None) or str(cause)
    return " ".join(str(text).split()) or type(cause).__name__


def debugging(args: argparse.Namespace, settings: Settings | None) -> bool:
    """Whether to show tracebacks: --debug, or logging at DEBUG."""
    level = settings.logging.level.upper() if settings is not None else ""
    return bool(getattr(args, "debug", False)) or level == "DEBUG"


def report(message: str, *, settings: Settings | None, debug: bool = False) -> None:
    """Show one failure: `error: MESSAGE` on stderr, or an ERROR line in JSON log mode.

    With `debug`, the traceback of the exception being handled follows (or is in the record).
    """
    failure = sys.exc_info()[1]
    if settings is not None and settings.logging.format == "json":
        log.error(message, exc_info=failure if debug else None)
        return
    print(f"error: {message}", file=sys.stderr)
    if debug and failure is not None:
        traceback.print_exc()

"""What each expected failure talking to Discord says: one line, with what to do about it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.commands._failures import explain


def refusal(
    status: int, reason: str, text: str = "", errors: dict[str, Any] | None = None
) -> discord.HTTPException:
    """The exception discord.py raises for an HTTP answer with this status."""
    response: Any = SimpleNamespace(status=status, reason=reason)
    kinds = {403: discord.Forbidden, 404: discord.NotFound, 503: discord.DiscordServerError}
    body = {"message": text, "code": 0, **({"errors": errors} if errors else {})}
    return kinds.get(status, discord.HTTPException)(response, body)


FORM_ERRORS = {"0": {"name": {"_errors": [{"code": "X", "message": "Must be 32 or fewer."}]}}}


def closed(code: int) -> discord.ConnectionClosed:
    socket: Any = SimpleNamespace(close_code=code)
    return discord.ConnectionClosed(socket, shard_id=None, code=code)


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (discord.LoginFailure("Improper token has been passed."), "rejected the token (401"),
        (refusal(403, "Forbidden", "Missing Access"), "Missing Access): the bot lacks access"),
        (refusal(429, "Too Many Requests"), "rate limiting this bot (429 Too Many Requests)"),
        (discord.RateLimited(3600.0), "for 3600 s more: wait that long"),
        (refusal(503, "Service Unavailable"), "server error (503 Service Unavailable)"),
        (
            refusal(400, "Bad Request", "Invalid Form Body", FORM_ERRORS),
            "(400 Bad Request: Invalid Form Body; In 0.name: Must be 32 or fewer.)",
        ),
        (closed(4004), "close code 4004): the token was refused"),
        (closed(4011), "set discord.sharded = true"),
        (closed(4999), "close code 4999): see https://discord.com/developers/docs"),
        (TimeoutError(), "did not answer in time: check the network"),
        (ConnectionResetError(104, "Connection reset by peer"), "(Connection reset by peer)"),
    ],
    ids=[
        "401",
        "403",
        "429",
        "rate-limited",
        "503",
        "400",
        "4004",
        "4011",
        "unknown-close-code",
        "timeout",
        "reset",
    ],
)
def test_each_expected_failure_is_one_line_saying_what_to_do(error: BaseException, says: str):
    message = explain(error)

    assert message is not None and "\n" not in message
    assert says in message


@pytest.mark.parametrize("error", [KeyError("session_id"), ValueError("bad"), RuntimeError()])
def test_a_bug_is_not_explained_away(error: BaseException):
    assert explain(error) is None

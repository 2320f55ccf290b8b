"""Logging for the bot process: level and format from settings; the token kept out of every line.

`configure_logging(settings.logging)` installs one stderr handler on the root logger with a
`RedactingFilter`; `protect_secret(token)` adds the token to that filter once it is known. Any
record whose message, arguments or traceback contains a protected secret has it replaced by
`[REDACTED]` before it is formatted, whichever logger it came from.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.config import LoggingSettings

REDACTED = "[REDACTED]"
TEXT_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
# The last part of a bot token is its signature: on its own it is still worth hiding.
_MIN_PART = 20


_SPACE = re.compile(r"\s")


def redact_url_userinfo(text: str) -> str:
    """Replace the user name and password of every URL in `text` with [REDACTED].

    The userinfo is taken as everything between "://" and the LAST "@" before the next space,
    since a password that is not percent-encoded may hold ":", "/", "?", "#" and "@" itself:
    `postgresql://u:p@ss/w?rd@h/db` becomes `postgresql://[REDACTED]@h/db`. One pass over the
    text (no regular expression that could backtrack on a long DEBUG payload).
    """
    found = text.find("://")
    if found < 0:
        return text
    parts: list[str] = []
    done = 0
    while found >= 0:
        start = found + 3
        space = _SPACE.search(text, start)
        end = space.start() if space else len(text)
        at = text.rfind("@", start, end)
        if at >= 0:
            parts += [text[done:start], REDACTED]
            done = at
        found = text.find("://", end)
    parts.append(text[done:])
    return "".join(parts)


# Interaction tokens (each can post as the bot for 15 minutes) in discord.py's DEBUG lines: in
# request and webhook URLs, in gateway payloads ('token': '...'), and anywhere by their shape
# (base64 of "interaction:", as Discord makes them, e.g. inside a rate limit bucket's key).
_INTERACTION_TOKENS = (
    (re.compile(r"(/(?:interactions|webhooks)/\d+/)[A-Za-z0-9_.:\-]+"), rf"\1{REDACTED}"),
    (re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+"""), rf"\1{REDACTED}"),
    (re.compile(r"aW50ZXJhY3Rpb246[A-Za-z0-9_\-]*"), REDACTED),
)


def redact_interaction_tokens(text: str) -> str:
    """Replace every interaction or webhook token in `text` with [REDACTED]."""
    for pattern, replacement in _INTERACTION_TOKENS:
        text = pattern.sub(replacement, text)
    return text


def redact(text: str, token: str) -> str:
    """Replace every occurrence of `token` (and of its signature part) in `text` with [REDACTED]."""
    if not token:
        return text
    text = text.replace(token, REDACTED)
    signature = token.rsplit(".", 1)[-1]
    if signature != token and len(signature) >= _MIN_PART:
        text = text.replace(signature, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites records so that no protected secret reaches a handler's output."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        """Start with the given secrets; more can be added with `add`."""
        super().__init__()
        self._secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Protect one more secret (empty strings are ignored)."""
        if secret and secret not in self._secrets:
            self._secrets.append(secret)

    def redact(self, text: str) -> str:
        """Redact every protected secret, interaction token and URL user name and password."""
        text = redact_interaction_tokens(redact_url_userinfo(text))
        for secret in self._secrets:
            text = redact(text, secret)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message, scrub it, and keep the record (never drops one)."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: keep what we can show
            message = f"{record.msg!s} {record.args!r}"
        cleaned = self.redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise the record; the message is rendered exactly as the text format would."""
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    settings: LoggingSettings, *, stream: TextIO | None = None, secrets: Iterable[str] = ()
) -> RedactingFilter:
    """Replace the root logger's handlers with one that writes to `stream` (stderr) as configured.

    Returns the handler's RedactingFilter; `protect_secret` finds it again later.
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    if settings.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    redactor = RedactingFilter(secrets)
    handler.addFilter(redactor)
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(settings.level.upper())
    return redactor


def protect_secret(secret: str) -> None:
    """Hide `secret` in everything the root logger's handlers write from now on.

    Handlers that have no RedactingFilter (e.g. pytest's capture handler) get one.
    """
    for handler in logging.getLogger().handlers:
        redactors = [f for f in handler.filters if isinstance(f, RedactingFilter)]
        if not redactors:
            redactors = [RedactingFilter()]
            handler.addFilter(redactors[0])
        for redactor in redactors:
            redactor.add(secret)

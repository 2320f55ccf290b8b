"""Interaction and webhook tokens are redacted from every log line, in each shape discord.py
logs them."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.logging_setup import RedactingFilter, redact_interaction_tokens

TOKEN = (
    "aW50ZXJhY3Rpb246" + "MTIzNDU2Nzg5OnNlY3JldC1wYXJ0LW9mLXRoZS10b2tlbg"
)  # base64 of "interaction:..."


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            f"POST https://discord.com/api/v10/interactions/123/{TOKEN}/callback with {{}} has "
            "returned 204",
            "POST https://discord.com/api/v10/interactions/123/[REDACTED]/callback with {} has "
            "returned 204",
        ),
        (
            "Webhook ID 555 with PATCH https://discord.com/api/v10/webhooks/555/abc.DEF-ghi_9"
            "/messages/@original has returned status code 200",
            "Webhook ID 555 with PATCH https://discord.com/api/v10/webhooks/555/[REDACTED]"
            "/messages/@original has returned status code 200",
        ),
        (
            f"Event: {{'t': 'INTERACTION_CREATE', 'd': {{'token': '{TOKEN}', 'id': '1'}}}}",
            "Event: {'t': 'INTERACTION_CREATE', 'd': {'token': '[REDACTED]', 'id': '1'}}",
        ),
        ('{"token": "anything-at-all", "type": 2}', '{"token": "[REDACTED]", "type": 2}'),
        (f"bucket POST /webhooks:555+{TOKEN} found", "bucket POST /webhooks:555+[REDACTED] found"),
        (
            "GET /channels/123/messages has returned 200",
            "GET /channels/123/messages has returned 200",
        ),
    ],
    ids=["callback-url", "webhook-url", "gateway-payload", "json-key", "bucket-key", "untouched"],
)
def test_interaction_tokens_are_redacted(line: str, expected: str):
    assert redact_interaction_tokens(line) == expected


def test_the_log_filter_redacts_them_in_arguments_and_tracebacks():
    record = logging.LogRecord(
        "discord.http", logging.DEBUG, __file__, 1, "%s %s", ("POST", f"/webhooks/1/{TOKEN}"), None
    )
    try:
        raise RuntimeError(f"failed: /interactions/2/{TOKEN}/callback")
    except RuntimeError:
        record.exc_info = sys.exc_info()

    RedactingFilter().filter(record)

    assert TOKEN not in record.getMessage()
    assert record.exc_text is not None and TOKEN not in record.exc_text

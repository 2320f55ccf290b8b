"""At DEBUG, no log line carries an interaction token (each can post as the bot for 15 minutes).

discord.py logs every gateway payload (INTERACTION_CREATE holds the token) and every request URL
(interaction callbacks and webhook follow-ups have the token in the path) at DEBUG. The real bot,
logging at DEBUG, answers a slash command and a "Find answer" (callback, then a webhook
follow-up); every token the fake handed out must be absent from everything it logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakediscord import BotProcess, FakeDiscord, start_bot

FOLLOWUP = "POST /webhooks/{webhook_id}/{webhook_token}"


@pytest.fixture(scope="module")
def debug_bot(fake: FakeDiscord, workdir: Path) -> Iterator[BotProcess]:
    process = start_bot(fake, workdir, extra_env={"CONCIERGE_LOGGING_LEVEL": "DEBUG"}, name="dbg")
    try:
        yield process
    finally:
        process.close()


def test_no_interaction_token_reaches_the_log_at_debug(fake: FakeDiscord, debug_bot: BotProcess):
    asked = fake.slash("ask", {"question": "Who directs Ballerina?"})
    fake.wait_for_reply(asked)
    target = fake.send_message("Who directs Ballerina?", channel_id=fake.new_channel())
    found = fake.message_command("Find answer", target["id"])
    fake.wait_for_reply(found)
    fake.wait_for_request(lambda r: r.route == FOLLOWUP and r.ok, what="the follow-up")
    debug_bot.wait_for_output("/webhooks/", timeout=10)

    output = debug_bot.output()
    tokens = [event["token"] for event in fake.sent_events("INTERACTION_CREATE")]
    assert len(tokens) == 2
    # The lines that used to carry them are there, with the token redacted.
    assert "WebSocket Event" in output and "INTERACTION_CREATE" in output
    assert f"/interactions/{asked}/[REDACTED]/callback" in output
    assert "/webhooks/" in output
    for token in tokens:
        assert token not in output
        assert token[16:40] not in output, "a part of a token was logged"

"""The Message Content intent over the wire: asked for only when auto-answer is configured, and
a refusal (close 4014) costs auto-answer only, with `/concierge autoanswer list` saying why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakediscord import BotProcess, FakeConfig, FakeDiscord, start_bot
from tests.fakediscord import payloads as p

REFUSED = "Discord refused the Message Content intent (gateway close 4014)"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    """A fake whose application has no privileged intent enabled, as a new one has."""
    with FakeDiscord(FakeConfig(heartbeat_interval_ms=1000)) as server:
        yield server


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, workdir: Path) -> Iterator[BotProcess]:
    """A bot told to auto-answer, which Discord will not let read message content."""
    process = start_bot(fake, workdir, extra_env={"CONCIERGE_AUTOANSWER_ENABLED": "true"})
    try:
        yield process
    finally:
        process.close()


def test_a_refused_intent_is_dropped_with_one_clear_line(fake: FakeDiscord, bot: BotProcess):
    first, second = fake.frames(op=2)
    assert first.data["intents"] & p.MESSAGE_CONTENT
    assert not second.data["intents"] & p.MESSAGE_CONTENT
    assert fake.connections()[0].server_close_code == 4014
    assert bot.output().count(REFUSED) == 1
    assert bot.process.poll() is None


def test_everything_else_works_without_it(fake: FakeDiscord, bot: BotProcess):
    question = fake.mention("Who directs Ballerina?")

    reply = fake.wait_for_reply(question["id"])

    assert "Ballerina" in reply.body["embeds"][0]["title"]


def test_autoanswer_list_says_why_it_is_off(fake: FakeDiscord, bot: BotProcess):
    async def run_list() -> str:
        group = {"type": 2, "name": "autoanswer", "options": [{"type": 1, "name": "list"}]}
        data = fake._command_data("concierge", p.CHAT_INPUT, [group])
        return await fake.deliver_interaction(
            p.APPLICATION_COMMAND, data, channel_id=None, author=None
        )

    reply = fake.wait_for_reply(fake.run(run_list))

    content = reply.body["data"]["content"]
    assert content.startswith("**Auto-answer is off.** " + REFUSED)
    assert reply.body["data"]["flags"] & (1 << 6)  # only the admin sees it


def test_without_auto_answer_the_bot_never_asks_for_it(tmp_path: Path):
    with (
        FakeDiscord(FakeConfig(heartbeat_interval_ms=1000)) as plain,
        start_bot(plain, tmp_path),
    ):
        [identify] = plain.frames(op=2)
        assert not identify.data["intents"] & p.MESSAGE_CONTENT
        assert [c.server_close_code for c in plain.connections() if c.server_close_code] == []


def test_a_sharded_bot_asks_only_for_what_the_application_has_enabled(tmp_path: Path):
    # A sharded client closes itself on 4014; it reads the application's flags first instead.
    env = {"CONCIERGE_AUTOANSWER_ENABLED": "true", "CONCIERGE_DISCORD_SHARDED": "true"}
    with FakeDiscord(FakeConfig(heartbeat_interval_ms=1000)) as refused:
        bot = start_bot(refused, tmp_path, extra_env=env, name="shd-off")
        try:
            question = refused.mention("Who directs Ballerina?")
            refused.wait_for_reply(question["id"], timeout=15)
            output = bot.output()
            running = bot.process.poll() is None
        finally:
            bot.close()
        identifies = refused.frames(op=2)
    assert running, output
    assert identifies and not any(f.data["intents"] & p.MESSAGE_CONTENT for f in identifies)
    assert output.count("Message Content intent is not enabled") == 1, output

    enabled = FakeConfig(heartbeat_interval_ms=1000, privileged_intents_enabled=p.MESSAGE_CONTENT)
    with FakeDiscord(enabled) as granted:
        bot = start_bot(granted, tmp_path, extra_env=env, name="shd-on")
        try:
            question = granted.mention("Who directs Ballerina?")
            granted.wait_for_reply(question["id"], timeout=15)
        finally:
            bot.close()
        [identify] = granted.frames(op=2)
    assert identify.data["intents"] & p.MESSAGE_CONTENT

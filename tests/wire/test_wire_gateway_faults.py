"""Gateway drills against the real bot: lost connections, refused resumes, bad events.

One bot process lives through the module's drills one after another, as a long-running bot lives
through Discord's; after each drill it must answer a question asked right after it reconnected.
"""

from __future__ import annotations

import pytest

from tests.fakediscord import BotProcess, FakeDiscord, wait_ready

IDENTIFY, RESUME = 2, 6


def ask_and_get_answer(fake: FakeDiscord, text: str = "Who directs Ballerina?") -> None:
    """Ask in a fresh channel; the bot answers, exactly once."""
    question = fake.mention(text, channel_id=fake.new_channel())
    fake.wait_for_reply(question["id"], timeout=10)
    assert len(fake.replies_to(question["id"])) == 1


@pytest.mark.parametrize(
    ("drill", "code"),
    [("close", 4000), ("close", 1001), ("drop", None), ("reconnect", None)],
    ids=["closed-4000", "closed-1001", "dropped-without-close-frame", "asked-to-reconnect"],
)
def test_resumes_after_losing_the_connection_and_misses_nothing(
    fake: FakeDiscord, bot: BotProcess, drill: str, code: int | None
):
    connections = len(fake.connections())
    identifies = len(fake.frames(op=IDENTIFY))
    resumes = len(fake.frames(op=RESUME))
    channel = fake.new_channel()
    if drill == "reconnect":
        fake.send_op(7)
    else:
        fake.drop_gateway(code)
    during = fake.mention("when is ballerina released?", channel_id=channel)

    wait_ready(fake, bot, timeout=15)
    after = fake.mention("Who directs Ballerina?", channel_id=channel)

    fake.wait_for_reply(during["id"], timeout=10)
    fake.wait_for_reply(after["id"], timeout=10)
    assert len(fake.replies_to(during["id"])) == len(fake.replies_to(after["id"])) == 1
    resume = fake.frames(op=RESUME)[resumes:]
    assert len(resume) == 1, "the bot should RESUME once"
    assert resume[0].data["session_id"] == fake.gateway.current.session_id
    assert len(fake.frames(op=IDENTIFY)) == identifies, "it resumed, so no new IDENTIFY"
    assert fake.connections()[connections].path == "/gateway-resume"


def test_identifies_again_when_the_session_cannot_be_resumed(fake: FakeDiscord, bot: BotProcess):
    identifies = len(fake.frames(op=IDENTIFY))
    fake.refuse_next_resume()
    fake.drop_gateway(4000)

    wait_ready(fake, bot, timeout=20)  # RESUME refused (op 9), then a fresh IDENTIFY after ~5 s
    ask_and_get_answer(fake)

    assert len(fake.frames(op=IDENTIFY)) == identifies + 1
    assert fake.frames()[-1].op != RESUME


@pytest.mark.parametrize(
    ("event", "data"),
    [
        ("GUILD_SOUNDBOARD_SOUND_PLAYED_IN_THE_FUTURE", {"anything": ["at", "all"]}),
        ("MESSAGE_CREATE", {"id": "1", "content": "no channel, no author"}),
        ("MESSAGE_CREATE", {"id": "x", "channel_id": "also not a snowflake", "author": None}),
        ("INTERACTION_CREATE", {"id": "2", "type": 2, "data": {"name": 7}}),
        ("MESSAGE_REACTION_ADD", {"user_id": "3", "message_id": "4"}),
        ("CHANNEL_CREATE", None),
    ],
    ids=[
        "unknown-event",
        "message-missing-fields",
        "message-wrong-types",
        "interaction-garbage",
        "reaction-missing-fields",
        "null-payload",
    ],
)
def test_a_bad_event_is_logged_and_the_bot_keeps_answering(
    fake: FakeDiscord, bot: BotProcess, event: str, data: object
):
    connections = len(fake.connections())

    fake.dispatch(event, data)
    ask_and_get_answer(fake)

    assert bot.process.poll() is None, bot.output()[-3000:]
    assert len(fake.connections()) == connections, "a bad event must not cost the connection"
    if event != "GUILD_SOUNDBOARD_SOUND_PLAYED_IN_THE_FUTURE":
        bot.wait_for_output(event, timeout=5)


def test_an_unknown_opcode_is_logged_and_ignored(fake: FakeDiscord, bot: BotProcess):
    fake.send_op(42, {"surprise": True})
    ask_and_get_answer(fake)

    bot.wait_for_output("Unknown OP code 42", timeout=5)

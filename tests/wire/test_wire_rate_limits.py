"""Rate limits over the wire: a 429 on a reply is waited out and retried, and the bot keeps to the
limits Discord announces in its headers (5 messages per 5 s in a channel) without being refused.
"""

from __future__ import annotations

import pytest

from tests.fakediscord import BotProcess, FakeDiscord, Fault

CREATE_MESSAGE = "POST /channels/{channel_id}/messages"
CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
QUESTIONS = (
    "Who directs Ballerina?",
    "when is ballerina released?",
    "Is Keanu in it?",
    "who plays eve",
    "what pizza is best",
    "who wrote ballerina",
    "is there a trailer",
)


def test_a_mention_reply_refused_with_429_is_retried_after_retry_after_and_sent_once(
    fake: FakeDiscord, bot: BotProcess
):
    channel = fake.new_channel()
    path = f"/channels/{channel}/messages"
    fake.inject(Fault("POST", path, status=429, retry_after=0.6))

    question = fake.mention("Who directs Ballerina?", channel_id=channel)
    fake.wait_for_reply(question["id"])

    refused, sent = fake.requests(path=path)
    assert refused.status == 429 and sent.ok
    assert sent.at - refused.at >= 0.6
    assert sent.body == refused.body
    assert len(fake.replies_to(question["id"])) == 1


@pytest.mark.parametrize("is_global", [False, True], ids=["route", "global"])
def test_a_slash_answer_refused_with_429_is_retried_and_sent_once(
    fake: FakeDiscord, bot: BotProcess, is_global: bool
):
    fake.inject(Fault("POST", "/interactions/", retry_after=0.5, is_global=is_global))

    interaction = fake.slash("ask", {"question": "Who directs Ballerina?"})
    fake.wait_for_reply(interaction)

    attempts = [r for r in fake.requests(route=CALLBACK) if r.path.split("/")[2] == interaction]
    assert [r.status for r in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.5


def test_the_bot_keeps_to_5_messages_per_5_seconds_in_a_channel(fake: FakeDiscord, bot: BotProcess):
    channel = fake.new_channel()
    path = f"/channels/{channel}/messages"

    questions = [fake.mention(text, channel_id=channel) for text in QUESTIONS]
    for question in questions:
        fake.wait_for_reply(question["id"], timeout=15)

    sent = fake.requests(path=path)
    accepted = [r for r in sent if r.ok]
    refused = [r for r in sent if r.status == 429]
    assert all(len(fake.replies_to(q["id"])) == 1 for q in questions)
    assert len(accepted) == len(QUESTIONS)
    # discord.py learns a bucket from response headers; when a burst's responses are handled
    # out of order (a busy machine), an older "Remaining: 3" can briefly outvote a newer
    # "Remaining: 0" and let one request through early. Discord answers that with a 429 and
    # the bot waits it out. What must hold: never more than that one, never a retry before
    # the window resets, and five at once, the rest after the reset.
    assert len(refused) <= 1, "the bot keeps to the announced limit, at most one early request"
    first_window = [r for r in accepted if r.at - accepted[0].at < 5.0]
    assert len(first_window) == 5, "five go at once, the rest wait for the window to reset"

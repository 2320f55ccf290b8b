"""Every way of asking, over the wire: what the real bot sends back, checked as Discord would.

One bot process serves the whole module; each test uses its own people and, where the anti-spam
duplicate window could interfere, its own channel.
"""

from __future__ import annotations

import time
from typing import Any

from tests.fakediscord import BotProcess, FakeDiscord

CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
CREATE_MESSAGE = "POST /channels/{channel_id}/messages"
FOLLOWUP = "POST /webhooks/{webhook_id}/{webhook_token}"
EPHEMERAL = 1 << 6


def buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button in a message body's action rows."""
    return [c for row in body.get("components") or [] for c in row.get("components", [])]


def test_mention_is_answered_with_an_embed_in_reply_to_it(fake: FakeDiscord, bot: BotProcess):
    channel = fake.new_channel()
    question = fake.mention("Who directs Ballerina?", channel_id=channel)

    reply = fake.wait_for_reply(question["id"])

    assert reply.route == CREATE_MESSAGE
    assert reply.path == f"/channels/{channel}/messages"
    assert reply.body["message_reference"]["message_id"] in (question["id"], int(question["id"]))
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    [embed] = reply.body["embeds"]
    assert "Ballerina" in embed["title"]
    assert embed["footer"]["text"].startswith("Source:")
    assert len(fake.replies_to(question["id"])) == 1


def test_direct_message_is_answered_in_the_dm(fake: FakeDiscord, bot: BotProcess):
    question = fake.dm("when is ballerina released?")

    reply = fake.wait_for_reply(question["id"])

    assert reply.path == f"/channels/{question['channel_id']}/messages"
    assert reply.body["embeds"] or reply.body["content"]


def test_message_without_a_mention_arrives_blank_and_is_not_answered(
    fake: FakeDiscord, bot: BotProcess
):
    channel = fake.new_channel()
    unmentioned = fake.send_message("Who directs Ballerina?", channel_id=channel)
    mentioned = fake.mention("Who directs Ballerina?", channel_id=channel)

    fake.wait_for_reply(mentioned["id"])  # sent after the other, so that one has been read

    assert fake.replies_to(unmentioned["id"]) == []
    assert fake.requests(path=f"/channels/{channel}/messages/{unmentioned['id']}") == []
    delivered = {m["id"]: m for m in fake.sent_events("MESSAGE_CREATE")}
    assert delivered[unmentioned["id"]]["content"] == "", "no Message Content intent, no mention"
    assert delivered[mentioned["id"]]["content"] == mentioned["content"]


def test_slash_ask_answers_in_the_channel_or_privately(fake: FakeDiscord, bot: BotProcess):
    public = fake.slash("ask", {"question": "Who directs Ballerina?"})
    private = fake.slash("ask", {"question": "Is Keanu in it?", "private": True})

    shown = fake.wait_for_reply(public)
    hidden = fake.wait_for_reply(private)

    assert shown.route == CALLBACK
    assert shown.body["type"] == 4
    assert not (shown.body["data"].get("flags") or 0) & EPHEMERAL
    assert "Ballerina" in shown.body["data"]["embeds"][0]["title"]
    assert hidden.body["type"] == 4
    assert hidden.body["data"]["flags"] & EPHEMERAL
    assert shown.query.get("with_response") in ("1", "true")


def test_autocomplete_offers_at_most_25_short_choices(fake: FakeDiscord, bot: BotProcess):
    interaction = fake.autocomplete("ask", "question", "dire")

    reply = fake.wait_for_reply(interaction)

    assert reply.body["type"] == 8
    choices = reply.body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert any("direct" in choice["name"].lower() for choice in choices)
    assert all(len(choice["name"]) <= 100 and len(choice["value"]) <= 100 for choice in choices)


def test_pressing_a_related_button_shows_that_entry_privately(fake: FakeDiscord, bot: BotProcess):
    question = fake.mention("Who directs Ballerina?", channel_id=fake.new_channel())
    answer = fake.wait_for_reply(question["id"])
    related = [
        b for b in buttons(answer.body) if b.get("custom_id", "").startswith("concierge:show:")
    ]
    assert related, f"the answer has no related buttons: {answer.body.get('components')}"

    press = fake.press(answer.response["id"], related[0]["custom_id"])
    shown = fake.wait_for_reply(press)

    assert shown.body["type"] == 4
    assert shown.body["data"]["flags"] & EPHEMERAL
    assert shown.body["data"]["embeds"][0]["title"] == related[0]["label"]


def test_find_answer_replies_in_the_channel_and_confirms_privately(
    fake: FakeDiscord, bot: BotProcess
):
    channel = fake.new_channel()
    target = fake.send_message("Who directs Ballerina?", channel_id=channel)

    interaction = fake.message_command("Find answer", target["id"])
    first = fake.wait_for_reply(interaction)
    in_channel = fake.wait_for_reply(target["id"])
    confirmation = fake.wait_for_request(
        lambda r: r.route == FOLLOWUP and r.ok and r.index > in_channel.index,
        what="the private confirmation",
    )

    assert first.body == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert in_channel.path == f"/channels/{channel}/messages"
    assert in_channel.body["embeds"]
    assert confirmation.body["flags"] & EPHEMERAL
    assert "answered that message" in confirmation.body["content"]


def test_every_answer_arrives_once(fake: FakeDiscord, bot: BotProcess):
    time.sleep(0.3)  # let any stray retry of the tests above land
    replies: dict[str, int] = {}
    for request in fake.requests(route=CREATE_MESSAGE):
        if request.ok and request.body.get("message_reference"):
            key = str(request.body["message_reference"]["message_id"])
            replies[key] = replies.get(key, 0) + 1
    assert replies and all(count == 1 for count in replies.values()), replies

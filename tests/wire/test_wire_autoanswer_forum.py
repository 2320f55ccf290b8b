"""Auto-answer in a forum, over the wire: a new post is read as title plus first message (fetched
when the bot has not seen it), answered in the post once, and tagged with the forum's tag."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakediscord import BotProcess, FakeConfig, FakeDiscord, start_bot
from tests.fakediscord import payloads as p
from tests.fakediscord.forum import forum_routes, new_forum, new_post

HEADER = "Automatic answer from the server's FAQ"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    """A fake that serves forums, whose application may use Message Content."""
    config = FakeConfig(
        heartbeat_interval_ms=1000,
        privileged_intents_enabled=p.MESSAGE_CONTENT,
        extra_routes=(forum_routes,),
    )
    with FakeDiscord(config) as server:
        yield server


@pytest.fixture(scope="module")
def forum(fake: FakeDiscord) -> dict[str, Any]:
    """A help forum with an "Answered" tag (the setting names it in lower case)."""
    return new_forum(fake, "help-forum", ("Spoilers", "Answered"))


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, workdir: Path, forum: dict[str, Any]) -> Iterator[BotProcess]:
    """The bot auto-answering in the forum."""
    env = {"CONCIERGE_AUTOANSWER_CHANNEL_IDS": forum["id"]}
    process = start_bot(fake, workdir, extra_env=env)
    try:
        yield process
    finally:
        process.close()


def wait_for(probe: Any, timeout: float = 10.0) -> Any:
    """Poll until `probe()` returns something."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise TimeoutError("never happened")


# Two entries: the same one would be held back by the forum's repeat window.
@pytest.mark.parametrize(
    ("title", "starter_event"),
    [("Who directs Ballerina?", False), ("Who wrote Ballerina?", True)],
    ids=["starter-fetched", "starter-seen"],
)
def test_a_forum_post_is_answered_once_in_the_post_and_tagged(
    fake: FakeDiscord, bot: BotProcess, forum: dict[str, Any], title: str, starter_event: bool
):
    thread, starter = new_post(
        fake, forum["id"], title, "Trying to settle a bet", starter_event=starter_event
    )

    reply = fake.wait_for_reply(starter["id"])

    assert reply.path == f"/channels/{thread['id']}/messages"
    assert reply.body["content"] == HEADER
    answered = next(t["id"] for t in forum["available_tags"] if t["name"] == "Answered")
    tagging = wait_for(lambda: fake.requests(path=f"/channels/{thread['id']}", method="PATCH"))
    assert [str(t) for t in tagging[-1].body["applied_tags"]] == [answered]
    assert tagging[-1].ok
    fetched = fake.requests(path=f"/channels/{thread['id']}/messages/{starter['id']}", method="GET")
    if not starter_event:
        assert fetched and fetched[0].ok
    time.sleep(0.5)
    assert len(fake.replies_to(starter["id"])) == 1


def test_a_post_that_asks_nothing_is_left_alone(
    fake: FakeDiscord, bot: BotProcess, forum: dict[str, Any]
):
    thread, starter = new_post(fake, forum["id"], "Loved it", "what a film, the fire scene!!")
    marker = fake.mention(f"what is marker {time.monotonic_ns()}?")
    fake.wait_for_reply(marker["id"])
    time.sleep(0.5)

    assert fake.replies_to(starter["id"]) == []
    assert fake.requests(path=f"/channels/{thread['id']}", method="PATCH") == []

"""Auto-answer over the wire: the real bot reading configured channels of the loopback fake.

One bot process serves the module, configured by environment as an admin would configure it:
two live channels (one for the burst), a trial channel and the moderators' channel for its
drafts, a cap of 5 answers a minute and no repeat window (so the cap is what the burst meets).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakediscord import BotProcess, FakeConfig, FakeDiscord, start_bot
from tests.fakediscord import payloads as p
from tests.fakediscord.harness import bot_environment, run_command

CAP = 5
HEADER = "Automatic answer from the server's FAQ"
QUESTIONS = (
    "Who directs Ballerina?",
    "who wrote ballerina",
    "When does Ballerina come out?",
    "Who is the star of Ballerina?",
)


def buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button in a message body's action rows."""
    return [c for row in body.get("components") or [] for c in row.get("components", [])]


def posts_to(fake: FakeDiscord, channel_id: str) -> list[Any]:
    """Accepted messages the bot created in a channel."""
    path = f"/channels/{channel_id}/messages"
    return [r for r in fake.requests(path=path, method="POST") if r.ok and r.path == path]


def settle(fake: FakeDiscord, channel_id: str) -> None:
    """Wait until the bot has read everything sent so far: a mention sent now is answered.

    Each marker asks something new, so the anti-spam duplicate window never swallows one.
    """
    marker = fake.mention(f"what is marker {time.monotonic_ns()}?", channel_id=channel_id)
    fake.wait_for_reply(marker["id"], timeout=20)
    time.sleep(0.3)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    """A fake whose application may use Message Content."""
    config = FakeConfig(heartbeat_interval_ms=1000, privileged_intents_enabled=p.MESSAGE_CONTENT)
    with FakeDiscord(config) as server:
        yield server


@pytest.fixture(scope="module")
def places(fake: FakeDiscord) -> dict[str, str]:
    """The channels, made before the bot starts (the settings name them)."""
    return {name: fake.new_channel(name) for name in ("help", "burst", "trial", "mods", "chat")}


@pytest.fixture(scope="module")
def settings_env(places: dict[str, str]) -> dict[str, str]:
    """`[autoanswer]` as environment variables."""
    return {
        "CONCIERGE_AUTOANSWER_CHANNEL_IDS": f"{places['help']},{places['burst']}",
        "CONCIERGE_AUTOANSWER_TRIAL_CHANNEL_IDS": places["trial"],
        "CONCIERGE_AUTOANSWER_MODERATORS_CHANNEL_ID": places["mods"],
        "CONCIERGE_AUTOANSWER_PER_CHANNEL_PER_MINUTE": str(CAP),
        "CONCIERGE_AUTOANSWER_REPEAT_WINDOW_SECONDS": "0",
    }


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, workdir: Path, settings_env: dict[str, str]) -> Iterator[BotProcess]:
    """The bot with auto-answer configured."""
    process = start_bot(fake, workdir, extra_env=settings_env)
    try:
        yield process
    finally:
        process.close()


def test_identify_asks_for_message_content_when_auto_answer_is_configured(
    fake: FakeDiscord, bot: BotProcess
):
    [identify] = fake.frames(op=2)
    assert identify.data["intents"] & p.MESSAGE_CONTENT


def test_a_question_in_an_auto_answer_channel_is_answered_once(
    fake: FakeDiscord, bot: BotProcess, places: dict[str, str]
):
    question = fake.send_message("Who directs Ballerina?", channel_id=places["help"])

    reply = fake.wait_for_reply(question["id"])

    assert reply.body["content"] == HEADER
    [embed] = reply.body["embeds"]
    assert embed["footer"]["text"].startswith("Source:")
    labels = [b.get("label") for b in buttons(reply.body)]
    assert {"Helpful", "Not helpful", "That didn't help"} <= set(labels)
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    fake.dispatch("MESSAGE_UPDATE", {**question, "content": question["content"] + " thanks"})
    settle(fake, places["help"])
    assert len(fake.replies_to(question["id"])) == 1


def test_chat_replies_between_members_and_bots_are_left_alone(
    fake: FakeDiscord, bot: BotProcess, places: dict[str, str]
):
    channel = places["chat"]
    help_channel = places["help"]
    someone = fake.new_user("kai")
    chat = [
        fake.send_message("lol same", channel_id=help_channel),
        fake.send_message("that fight scene was insane", channel_id=help_channel),
        fake.send_message(f"<@{someone['id']}> who directs ballerina?", channel_id=help_channel),
        fake.send_message("Who directs Ballerina?", channel_id=channel),  # not configured
    ]
    bot_user = {**fake.new_user("otherbot"), "bot": True}
    chat.append(fake.send_message("Who wrote Ballerina?", channel_id=help_channel, author=bot_user))

    settle(fake, help_channel)

    for message in chat:
        assert fake.replies_to(message["id"]) == [], message["content"]


def test_the_per_channel_cap_holds_under_a_burst_of_500_questions(
    fake: FakeDiscord, bot: BotProcess, places: dict[str, str]
):
    channel = places["burst"]
    burst = [
        fake.send_message(QUESTIONS[n % len(QUESTIONS)], channel_id=channel) for n in range(500)
    ]

    settle(fake, channel)

    answered = [m for m in burst if fake.replies_to(m["id"])]
    assert len(answered) == CAP
    assert all(len(fake.replies_to(m["id"])) == 1 for m in answered)


def test_trial_drafts_go_to_the_moderators_and_are_graded(
    fake: FakeDiscord, bot: BotProcess, places: dict[str, str], workdir: Path
):
    question = fake.send_message("who wrote ballerina", channel_id=places["trial"])

    deadline = time.monotonic() + 10
    while not posts_to(fake, places["mods"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    [draft] = posts_to(fake, places["mods"])
    assert question["id"] in draft.body["content"]  # the link to the question
    assert "score" in draft.body["content"]
    grades = {b["label"]: b["custom_id"] for b in buttons(draft.body)}
    assert set(grades) == {"Correct", "Wrong"}
    assert fake.replies_to(question["id"]) == []
    assert posts_to(fake, places["trial"]) == []

    pressed = fake.press(str(draft.response["id"]), grades["Correct"])
    graded = fake.wait_for_reply(pressed)
    assert graded.body["type"] == 7  # the draft is updated to show the grade
    assert "Graded **correct**" in graded.body["data"]["content"]

    env = bot_environment(fake.bot_env(), {})
    deadline = time.monotonic() + 15
    while True:  # seen/answered counts are written every few seconds
        out = run_command(["stats"], env, workdir)
        assert out.returncode == 0, out.stderr
        line = next((x for x in out.stdout.splitlines() if places["trial"] in x), out.stdout)
        if line.split()[3:5] == ["1", "1"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    fields = line.split()
    assert fields[1:8] == [places["trial"], "file", "1", "1", "0", "1", "100%"], line
    assert fields[8] == "94"


def test_concierge_stats_shows_each_auto_answer_channel(
    fake: FakeDiscord, bot: BotProcess, places: dict[str, str]
):
    async def run_stats() -> str:
        data = fake._command_data("concierge", p.CHAT_INPUT, [{"type": 1, "name": "stats"}])
        return await fake.deliver_interaction(
            p.APPLICATION_COMMAND, data, channel_id=places["chat"], author=None
        )

    reply = fake.wait_for_reply(fake.run(run_stats))

    body = reply.body.get("data") or reply.body
    [embed] = body["embeds"]
    [field] = [f for f in embed["fields"] if f["name"] == "Auto-answer"]
    lines = {line.split(" ")[0]: line for line in field["value"].splitlines()}
    trial = lines[f"<#{places['trial']}>"]
    assert "1 graded, precision 100%, threshold 94" in trial
    burst = lines[f"<#{places['burst']}>"]
    assert f"{CAP} answered" in burst

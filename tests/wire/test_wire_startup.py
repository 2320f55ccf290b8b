"""Start-up over the wire: log-in, the gateway handshake, IDENTIFY, heartbeats, and command sync."""

from __future__ import annotations

from pathlib import Path

from tests.fakediscord import BotProcess, FakeDiscord, bot_environment, run_command

GUILDS = 1 << 0
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
PRIVILEGED = {"GUILD_MEMBERS": 1 << 1, "GUILD_PRESENCES": 1 << 8, "MESSAGE_CONTENT": 1 << 15}
PUT_GLOBAL = "PUT /applications/{application_id}/commands"
PUT_GUILD = "PUT /applications/{application_id}/guilds/{guild_id}/commands"


def test_logs_in_over_http_then_opens_a_compressed_v10_gateway(fake: FakeDiscord, bot: BotProcess):
    first, second = fake.requests()[:2]
    assert (first.method, first.path) == ("GET", "/users/@me")
    assert (second.method, second.path) == ("GET", "/oauth2/applications/@me")
    assert first.authorization == f"Bot {fake.config.token}"
    connection = fake.connections()[0]
    assert connection.path == "/gateway"
    assert connection.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    assert not [r for r in fake.requests() if r.method == "PUT"], "run must not sync commands"


def test_identifies_with_the_intents_it_needs_and_no_privileged_one(
    fake: FakeDiscord, bot: BotProcess
):
    frames = fake.frames()
    assert frames[0].op == 1, "a heartbeat goes out as soon as HELLO arrives"
    [identify] = fake.frames(op=2)
    data = identify.data
    assert data["token"] == fake.config.token
    assert data["properties"]["browser"] == "discord.py"
    intents = data["intents"]
    assert intents & GUILDS and intents & GUILD_MESSAGES and intents & DIRECT_MESSAGES
    asked = [name for name, bit in PRIVILEGED.items() if intents & bit]
    assert asked == [], f"IDENTIFY asks for privileged intents {asked}"
    assert "shard" not in data


def test_starts_without_warning_about_voice_libraries_a_text_bot_never_uses(bot: BotProcess):
    output = bot.wait_for_output("ready as", timeout=10)
    assert "voice will NOT be supported" not in output
    assert "PyNaCl" not in output and "davey" not in output


def test_heartbeats_carry_the_last_sequence_and_are_acknowledged(
    fake: FakeDiscord, bot: BotProcess
):
    seen = len(fake.frames())
    fake.wait_for_frame(1, after=seen, timeout=3)
    second = fake.wait_for_frame(1, after=len(fake.frames()), timeout=3)

    assert isinstance(second.data, int) and second.data >= 2  # READY and GUILD_CREATE were seen
    assert len(fake.connections()) == 1, "the bot reconnected: a heartbeat went unanswered?"


def test_sync_uploads_the_command_tree_globally_without_the_gateway(
    fake: FakeDiscord, workdir: Path
):
    connections = len(fake.connections())
    env = bot_environment(fake.bot_env())

    result = run_command(["sync"], env, workdir)

    assert result.returncode == 0, result.stdout + result.stderr
    [upload] = fake.requests(route=PUT_GLOBAL)
    assert upload.path == f"/applications/{fake.world.application_id}/commands"
    commands = {command["name"]: command for command in upload.body}
    assert {"ask", "faq", "Find answer"} <= set(commands)
    assert commands["Find answer"]["type"] == 3
    [question] = [o for o in commands["ask"]["options"] if o["name"] == "question"]
    assert question["autocomplete"] is True and question["required"] is True
    assert question["max_length"] == 500
    slash = [command for command in upload.body if command.get("type", 1) == 1]
    assert all(1 <= len(command["description"]) <= 100 for command in slash)
    assert len(fake.connections()) == connections, "sync must not open the gateway"
    assert "synced" in result.stdout


def test_sync_to_one_server(fake: FakeDiscord, workdir: Path):
    env = bot_environment(fake.bot_env())

    result = run_command(["sync", "--guild", fake.world.guild_id], env, workdir)

    assert result.returncode == 0, result.stdout + result.stderr
    [upload] = fake.requests(route=PUT_GUILD)
    assert upload.path.endswith(f"/guilds/{fake.world.guild_id}/commands")
    assert {"ask", "faq", "Find answer"} <= {command["name"] for command in upload.body}

"""`sync` and `run` when Discord cannot be reached or refuses: one line that says what failed and
what to do, a non-zero exit code, and no traceback (unless --debug asks for it).

Every failure is made on loopback: a closed port, a name that does not resolve, a TLS server with
a certificate nobody signed, a server that never answers, and the fake Discord refusing the token,
the permission or the rate.
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
import yarl

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakediscord import (  # noqa: E402
    FakeConfig,
    FakeDiscord,
    Fault,
    bot_environment,
    run_command,
)
from tests.fakediscord.payloads import token_for  # noqa: E402

TOKEN = token_for("2222222222222222222")  # well formed, and not the fake's


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def env_for(api: str, **extra: str) -> dict[str, str]:
    """The bot's environment with Discord's API (and gateway) at `api`."""
    gateway = api.replace("http", "ws", 1) + "/gateway"
    return bot_environment(
        {
            "DISCORD_TOKEN": TOKEN,
            "CONCIERGE_DISCORD_API_BASE_URL": api,
            "CONCIERGE_DISCORD_GATEWAY_URL": gateway,
        },
        extra,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single `error:` line the command printed, after checking there is no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    with FakeDiscord(FakeConfig()) as server:
        yield server


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An HTTPS server on loopback whose certificate no authority signed."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(connection, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the bot refuses the certificate: exactly the point

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        done.set()
        listener.close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    done = threading.Event()

    def hold() -> None:
        while not done.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=hold, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        done.set()
        listener.close()
        for connection in held:
            connection.close()


# --- no network ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["sync", "run"])
def test_a_closed_port_is_one_line_naming_the_address(command: str, tmp_path: Path):
    port = closed_port()
    result = run_command([command], env_for(f"http://127.0.0.1:{port}"), tmp_path)

    line = one_error_line(result)
    assert f"cannot connect to 127.0.0.1:{port} (Connection refused)" in line
    assert "check the network" in line


def test_sync_for_a_name_that_does_not_resolve_says_dns(tmp_path: Path):
    result = run_command(["sync"], env_for("http://discord.invalid"), tmp_path)

    line = one_error_line(result)
    assert "cannot look up discord.invalid" in line and "DNS" in line


def test_sync_through_a_bad_certificate_says_tls(tls_server: str, tmp_path: Path):
    result = run_command(["sync"], env_for(tls_server), tmp_path)

    line = one_error_line(result)
    assert "TLS" in line and "certificate" in line.lower()


def test_debug_shows_the_traceback(tmp_path: Path):
    env = env_for(f"http://127.0.0.1:{closed_port()}")

    result = run_command(["--debug", "sync"], env, tmp_path)

    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "error: cannot sync the commands" in result.stderr


# --- Discord refusing ---------------------------------------------------------------------------


def test_a_refused_token_is_one_line(fake: FakeDiscord, tmp_path: Path):
    result = run_command(["sync"], env_for(fake.api_base_url), tmp_path)  # not the fake's token

    line = one_error_line(result)
    assert "Discord rejected the token (401" in line and "DISCORD_TOKEN" in line


def test_sync_forbidden_says_which_server(fake: FakeDiscord, tmp_path: Path):
    guild = fake.world.guild_id
    fake.inject(Fault("PUT", f"/applications/{fake.world.application_id}/guilds", status=403))
    env = bot_environment(fake.bot_env())

    result = run_command(["sync", "--guild", guild], env, tmp_path)

    line = one_error_line(result)
    assert "403" in line and f"is the bot in server {guild}?" in line


def test_sync_under_a_long_rate_limit_fails_at_once(fake: FakeDiscord, tmp_path: Path):
    fake.inject(Fault("PUT", "/applications/", status=429, retry_after=3600.0, count=5))
    env = bot_environment(fake.bot_env())

    result = run_command(["sync"], env, tmp_path, timeout=40)

    line = one_error_line(result)
    assert "rate limiting" in line and "3600 s" in line


# --- a server that never answers ----------------------------------------------------------------


@pytest.fixture
def restored_discord() -> Iterator[None]:
    """Put back what an in-process command changes process-wide: endpoints and logging."""
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(gateway))
        root.handlers[:] = handlers
        root.setLevel(level)


def test_sync_against_a_server_that_never_answers_times_out_in_one_line(
    silent_server: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restored_discord: None,
):
    from bot.commands import sync

    monkeypatch.setattr(sync, "SYNC_TIMEOUT", 1.0)
    for key, value in env_for(silent_server).items():
        monkeypatch.setenv(key, value)
    args = argparse.Namespace(
        config=None, debug=False, guild=None, everywhere=False, clear=False, data=None
    )

    assert sync.run(args) == 1

    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = [line for line in err.splitlines() if line.startswith("error:")]
    assert "did not finish within 1 s" in line and "check the network" in line


# --- JSON logs ----------------------------------------------------------------------------------


def test_in_json_log_mode_every_line_is_json_even_a_refused_token(
    fake: FakeDiscord, tmp_path: Path
):
    env = env_for(fake.api_base_url, CONCIERGE_LOGGING_FORMAT="json")

    result = run_command(["run"], env, tmp_path)

    assert result.returncode == 1
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # raises on any line that is not JSON
    [failure] = [record for record in records if record["level"] == "ERROR"]
    assert "Discord rejected the token (401" in failure["message"]
    assert "exception" not in failure

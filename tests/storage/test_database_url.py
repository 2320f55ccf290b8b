"""A database password never shows, percent-encoded or not, in any log line or error message."""

from __future__ import annotations

import io
import logging
import re
import time
import urllib.parse
import uuid

import asyncpg
import pytest

from bot.cli import main
from bot.config import ConfigError, LoggingSettings, StorageSettings, load_settings
from bot.logging_setup import REDACTED, configure_logging, redact_url_userinfo
from bot.storage import StoreError, database_url_problem, describe, open_store
from bot.storage.postgres import PostgresStore
from tests.storage.conftest import postgres_dsn

ENCODE_IT = "the password in storage.database_url must be percent-encoded"
# Generated passwords hold any of these; the first is the 33 characters.
PASSWORDS = (
    "Xq7:/%?#&@Zr9Wm2/Tk8?Lp3#Vb6&Hn4@",
    "abc/defGHI",
    "s3cr3t?yes=1",
    "hash#tagPWD",
    "100%sureOK",
    "[ipv6like]PWD",
    "at@Qz9/endPWD@",
)
# Passwords every URL parser reads right without encoding: accepted as they are.
READABLE = ("plainPWD123", "with@atPWD", "colon:insidePWD", "Kv2&andPWD", "enc%2FodedPWD")


def url(password: str, host: str = "db.example.org:5432", database: str = "concierge") -> str:
    return f"postgresql://concierge:{password}@{host}/{database}"


def leaks(text: str, password: str) -> list[str]:
    """Every piece of the password (3 letters or digits in a row, or more) found in `text`."""
    pieces = re.findall(r"[A-Za-z0-9=]{3,}", password)
    return [piece for piece in pieces if piece in text]


@pytest.mark.parametrize("password", PASSWORDS)
def test_a_password_that_would_be_misread_is_refused_by_name_without_showing_it(password: str):
    assert database_url_problem(url(password)) is not None
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {"CONCIERGE_STORAGE_DATABASE_URL": url(password)})

    message = str(caught.value)
    assert ENCODE_IT in message
    assert "CONCIERGE_STORAGE_DATABASE_URL" in message
    assert leaks(message, password) == []


@pytest.mark.parametrize("password", READABLE)
def test_a_password_every_parser_reads_right_is_accepted(password: str):
    assert database_url_problem(url(password)) is None
    assert load_settings(None, {"CONCIERGE_STORAGE_DATABASE_URL": url(password)})


@pytest.mark.parametrize(
    "address",
    ["postgresql://db.example.org/concierge", "postgresql:///concierge?host=/run/postgresql"],
)
def test_a_url_without_a_password_is_accepted(address: str):
    assert database_url_problem(address) is None


@pytest.mark.parametrize("password", PASSWORDS + READABLE)
def test_the_start_up_line_names_the_host_and_database_only(password: str):
    settings = StorageSettings.__new__(StorageSettings)  # unvalidated: what a caller may pass
    object.__setattr__(settings, "database_url", url(password))

    assert describe(settings) == "PostgreSQL db.example.org:5432/concierge"


@pytest.mark.parametrize("password", PASSWORDS + READABLE)
def test_no_log_line_shows_any_part_of_a_url_password(password: str):
    stream = io.StringIO()
    configure_logging(LoggingSettings(level="DEBUG"), stream=stream)
    try:
        log = logging.getLogger("some.library")
        address = url(password)
        log.info("connecting to %s", address)
        log.warning(f"connecting to {address} failed")
        log.debug("pool %r", {"dsn": address})
        try:
            raise OSError(f"could not connect to {address}")
        except OSError:
            log.exception("giving up")
    finally:
        logging.getLogger().handlers.clear()

    written = stream.getvalue()
    assert written.count(REDACTED) == 4
    assert leaks(written, password) == []
    assert leaks(written, urllib.parse.quote(password, safe="")) == []


def test_the_redaction_takes_everything_up_to_the_last_at_sign():
    text = "a postgresql://u:p@ss/w?rd#x@db:5432/c?sslmode=require b https://example.org/x c"

    assert redact_url_userinfo(text) == (
        f"a postgresql://{REDACTED}@db:5432/c?sslmode=require b https://example.org/x c"
    )


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000 + "://u:p@h",  # a long run of letters before the scheme's "://"
        ("x://" + "a" * 1000 + " ") * 1000,
        "://" * 300_000,
        "postgresql://" + "b/" * 500_000 + "@h",
    ],
)
def test_redacting_takes_linear_time_on_long_debug_lines(text: str):
    started = time.perf_counter()
    redact_url_userinfo(text)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("password", PASSWORDS)
async def test_the_store_refuses_such_a_url_before_connecting_and_says_why(password: str):
    with pytest.raises(StoreError) as caught:
        await PostgresStore.open(url(password, host="127.0.0.1:9"))

    assert str(caught.value).startswith(ENCODE_IT)
    assert leaks(str(caught.value), password) == []


def test_gaps_says_to_percent_encode_without_showing_the_password(monkeypatch, capsys):
    password = PASSWORDS[0]
    monkeypatch.setenv("CONCIERGE_STORAGE_DATABASE_URL", url(password))

    assert main(["gaps"]) != 0

    out, err = capsys.readouterr()
    assert ENCODE_IT in err
    assert leaks(out + err, password) == []


async def test_a_percent_encoded_password_works_and_never_shows(capsys):
    """A real server and a role whose password holds every troublesome character."""
    dsn = postgres_dsn()
    password = PASSWORDS[0]
    role = f"concierge_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        await admin.execute(f"CREATE SCHEMA {role} AUTHORIZATION {role}")
        parts = urllib.parse.urlsplit(dsn)
        host = f"{parts.hostname}:{parts.port}"
        good = url(urllib.parse.quote(password, safe=""), host=host, database="postgres")
        good = good.replace("concierge:", f"{role}:", 1) + f"?search_path={role}"
        stream = io.StringIO()
        configure_logging(LoggingSettings(level="DEBUG"), stream=stream)
        try:
            settings = StorageSettings(database_url=good)
            store = await open_store(settings)
            try:
                assert await store.count_gaps() >= 0
            finally:
                await store.close()
            logging.getLogger("bot.commands.run").info("recording in %s", describe(settings))
            logging.getLogger("asyncpg").debug("connected with %s", good)
        finally:
            logging.getLogger().handlers.clear()
    finally:
        await admin.execute(f"DROP OWNED BY {role}")
        await admin.execute(f"DROP ROLE {role}")
        await admin.close()

    written = stream.getvalue() + "".join(capsys.readouterr())
    assert f"PostgreSQL {host}/postgres" in written
    assert leaks(written, password) == []
    assert leaks(written, urllib.parse.quote(password, safe="")) == []

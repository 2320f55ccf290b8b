"""Settings loading, the token, and keeping the token out of logs."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import (
    SECTIONS,
    ConfigError,
    LoggingSettings,
    Settings,
    env_name,
    load_settings,
    load_token,
    section_keys,
)
from bot.core.model import MatchSettings
from bot.logging_setup import REDACTED, RedactingFilter, configure_logging, protect_secret, redact

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"
# Shaped like a bot token (id.timestamp.signature), but not one.
GOOD = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.abcdefghijklmnopqrstuvwxyzABCDEFGHIJK"
ALL_KEYS = [(section, key) for section in SECTIONS for key in section_keys(section)]


def write(tmp_path: Path, text: str, name: str = "concierge.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path | None, environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ)
    return str(caught.value)


# --- config.example.toml ----------------------------------------------------------------------


def test_example_config_equals_the_defaults() -> None:
    example, defaults = load_settings(EXAMPLE, {}), Settings()
    drift = [
        f"{section}.{key}: example {getattr(getattr(example, section), key)!r}, "
        f"default {getattr(getattr(defaults, section), key)!r}"
        for section, key in ALL_KEYS
        if getattr(getattr(example, section), key) != getattr(getattr(defaults, section), key)
    ]
    assert not drift, "config.example.toml has drifted from the defaults:\n" + "\n".join(drift)
    assert example == defaults


def test_example_config_lists_every_key_in_its_section() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert list(data) == list(SECTIONS)
    for section in SECTIONS:
        assert set(data[section]) == set(section_keys(section)), section


def test_example_config_has_a_comment_above_every_key() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            assert lines[number - 1].startswith("# "), f"no comment above {line!r}"


def test_answer_section_covers_every_match_setting() -> None:
    assert set(section_keys("answer")) == {f.name for f in dataclasses.fields(MatchSettings)}


# --- loading ----------------------------------------------------------------------------------


def test_no_file_and_no_environment_gives_the_defaults() -> None:
    assert load_settings(None, {"HOME": "/root", "PATH": "/bin"}) == Settings()


def test_file_values_are_loaded_and_integers_accepted_for_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[answer]\nanswer_threshold = 70\n[access]\nguild_ids = [1, 2]\n"
        '[logging]\nformat = "json"\n',
    )
    settings = load_settings(path, {})
    assert settings.answer.answer_threshold == 70.0
    assert isinstance(settings.answer.answer_threshold, float)
    assert settings.access.guild_ids == (1, 2)
    assert settings.logging.format == "json"
    assert settings.limits == Settings().limits


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().answer.answer_threshold = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("variable", "text", "section", "key", "expected"),
    [
        ("CONCIERGE_ANSWER_ANSWER_THRESHOLD", "70", "answer", "answer_threshold", 70.0),
        ("CONCIERGE_ANSWER_MAX_SUGGESTIONS", " 5 ", "answer", "max_suggestions", 5),
        ("CONCIERGE_DISCORD_SHARDED", "true", "discord", "sharded", True),
        ("CONCIERGE_DISCORD_SHARDED", " false ", "discord", "sharded", False),
        ("CONCIERGE_ACCESS_CHANNEL_IDS", "10, 20,30", "access", "channel_ids", (10, 20, 30)),
        ("CONCIERGE_ACCESS_CHANNEL_IDS", "", "access", "channel_ids", ()),
        ("CONCIERGE_KNOWLEDGE_DATA_DIR", "/app/data", "knowledge", "data_dir", "/app/data"),
        ("CONCIERGE_HEALTH_ADDRESS", "", "health", "address", ""),
        ("CONCIERGE_LOGGING_LEVEL", "debug", "logging", "level", "debug"),
    ],
)
def test_environment_overrides_one_key(
    variable: str, text: str, section: str, key: str, expected: object
) -> None:
    settings = load_settings(None, {variable: text})
    assert getattr(getattr(settings, section), key) == expected


@pytest.mark.parametrize(("section", "key"), ALL_KEYS)
def test_every_key_has_an_environment_variable(section: str, key: str) -> None:
    default = getattr(getattr(Settings(), section), key)
    if isinstance(default, bool):
        text = str(default).lower()
    elif isinstance(default, tuple):
        text = ",".join(map(str, default))
    else:
        text = str(default)
    settings = load_settings(None, {env_name(section, key): text})
    assert getattr(getattr(settings, section), key) == default


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[answer]\nanswer_threshold = 70\n")
    environ = {"CONCIERGE_ANSWER_ANSWER_THRESHOLD": "80"}
    assert load_settings(path, environ).answer.answer_threshold == 80.0


def test_concierge_config_names_the_file_when_no_path_is_given(tmp_path: Path) -> None:
    path = write(tmp_path, "[limits]\nuser_cooldown_questions = 5\n")
    settings = load_settings(None, {"CONCIERGE_CONFIG": str(path)})
    assert settings.limits.user_cooldown_questions == 5


# --- errors -----------------------------------------------------------------------------------


def test_a_misspelt_key_names_the_file_the_key_and_the_probable_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[answer]\nanswer_treshold = 70\n")
    message = error_of(path, {})
    assert str(path) in message
    assert "answer.answer_treshold" in message
    assert "did you mean answer.answer_threshold" in message


def test_a_misspelt_section_suggests_the_section(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "[answers]\nanswer_threshold = 70\n"), {})
    assert "answers" in message
    assert "[answer]" in message


def test_a_key_in_the_wrong_section_says_where_it_belongs(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, '[discord]\ndata_dir = "x"\n'), {})
    assert "discord.data_dir" in message
    assert "knowledge.data_dir" in message


def test_a_key_outside_any_section_says_where_it_belongs(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, 'data_dir = "x"\n'), {})
    assert "[knowledge]" in message


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[answer]\nanswer_threshold = "high"\n', "answer.answer_threshold"),
        ("[answer]\nmax_suggestions = 2.5\n", "answer.max_suggestions"),
        ("[discord]\nsharded = 1\n", "discord.sharded"),
        ("[discord]\ndev_guild_id = true\n", "discord.dev_guild_id"),
        ('[access]\nguild_ids = ["1"]\n', "access.guild_ids"),
        ("[access]\nguild_ids = 1\n", "access.guild_ids"),
        ("[answer]\nsuggest_threshold = nan\n", "answer.suggest_threshold"),
        ("[logging]\nlevel = 10\n", "logging.level"),
    ],
)
def test_a_wrong_type_names_the_key(tmp_path: Path, toml: str, key: str) -> None:
    path = write(tmp_path, toml)
    message = error_of(path, {})
    assert key in message
    assert str(path) in message
    assert "must be" in message


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[answer]\nanswer_threshold = 101\n", "answer.answer_threshold"),
        ("[answer]\nanswer_threshold = 30\n", "answer.suggest_threshold"),
        ("[answer]\nmax_suggestions = 26\n", "answer.max_suggestions"),
        ("[answer]\nmax_question_chars = 5\n", "answer.max_question_chars"),
        ("[answer]\ntext_weight = -1\n", "answer.text_weight"),
        ("[limits]\nuser_cooldown_questions = 0\n", "limits.user_cooldown_questions"),
        ("[limits]\nuser_cooldown_seconds = -1\n", "limits.user_cooldown_seconds"),
        ("[access]\nchannel_ids = [0]\n", "access.channel_ids"),
        ('[logging]\nlevel = "LOUD"\n', "logging.level"),
        ('[logging]\nformat = "xml"\n', "logging.format"),
        ('[health]\naddress = "localhost"\n', "health.address"),
        ('[health]\naddress = "127.0.0.1:70000"\n', "health.address"),
        ('[discord]\napi_base_url = "discord.com/api"\n', "discord.api_base_url"),
        ("[discord]\nshard_ids = [2]\nshard_count = 2\n", "discord.shard_ids"),
        ('[knowledge]\ndata_dir = ""\n', "knowledge.data_dir"),
    ],
)
def test_an_out_of_range_value_names_the_key(tmp_path: Path, toml: str, key: str) -> None:
    path = write(tmp_path, toml)
    message = error_of(path, {})
    assert key in message
    assert str(path) in message


def test_a_match_settings_error_becomes_a_config_error_naming_answer_field() -> None:
    message = error_of(None, {"CONCIERGE_ANSWER_TYPO_MAX_EDITS": "9"})
    assert "CONCIERGE_ANSWER_TYPO_MAX_EDITS" in message
    assert "answer.typo_max_edits" in message
    assert "between 0 and 3" in message


def test_malformed_toml_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "[answer]\nanswer_threshold = 70\nmin_coverage = = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    assert str(caught.value).startswith(f"{path}:3:")
    assert "line 3, column" in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    message = error_of(tmp_path / "nope.toml", {})
    assert "nope.toml" in message
    assert "not found" in message


def test_a_missing_relative_file_says_where_it_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    message = error_of(Path("concierge.toml"), {})
    assert (
        message == f"concierge.toml: config file not found (looked for {tmp_path}/concierge.toml)"
    )


def test_a_missing_file_named_by_concierge_config_says_so(tmp_path: Path) -> None:
    message = error_of(None, {"CONCIERGE_CONFIG": str(tmp_path / "gone.toml")})
    assert (
        message == f"{tmp_path}/gone.toml: config file not found (the file CONCIERGE_CONFIG names)"
    )


def test_an_unknown_variable_suggests_the_known_one() -> None:
    message = error_of(None, {"CONCIERGE_ANSWER_ANSWER_TRESHOLD": "70"})
    assert "answer.answer_treshold" in message
    assert "CONCIERGE_ANSWER_ANSWER_THRESHOLD" in message


def test_an_unknown_variable_section_suggests_the_known_one() -> None:
    message = error_of(None, {"CONCIERGE_LIMIT_USER_COOLDOWN_SECONDS": "5"})
    assert "CONCIERGE_LIMITS_" in message


@pytest.mark.parametrize(
    ("variable", "text"),
    [
        ("CONCIERGE_ANSWER_ANSWER_THRESHOLD", "high"),
        ("CONCIERGE_DISCORD_SHARDED", "maybe"),
        ("CONCIERGE_ACCESS_GUILD_IDS", "1,two"),
        ("CONCIERGE_ANSWER_MAX_SUGGESTIONS", "2.5"),
    ],
)
def test_a_variable_of_the_wrong_type_is_named(variable: str, text: str) -> None:
    assert variable in error_of(None, {variable: text})


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[answer]\nanswer_threshold = "high"\n', "must be a number, got the text 'high'"),
        ("[answer]\nmax_suggestions = 2.5\n", "must be a whole number, got 2.5"),
        ("[access]\nguild_ids = 1\n", "must be a list of ids, like [123, 456], got 1"),
        ('[access]\nguild_ids = ["1"]\n', "must be a list of ids, like [123, 456], got the list"),
        ('[discord]\nsharded = "yes"\n', "must be true or false, got the text 'yes'"),
        ('[discord]\nsharded = "true"\n', "must be true or false, without quotes"),
        ('[answer]\nanswer_threshold = "70"\n', "must be a number, without quotes"),
        ("[logging]\nlevel = 10\n", 'must be text in quotes, like "this", got 10'),
        ("[answer]\nanswer_threshold = nan\n", "must be a finite number, got nan"),
        ("[answer]\nanswer_threshold = 100.5\n", "must be between 0 and 100, got 100.5"),
        ('[logging]\nlevel = "LOUD"\n', "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ],
)
def test_a_bad_value_in_the_file_is_explained_in_plain_words(
    tmp_path: Path, toml: str, expected: str
) -> None:
    message = error_of(write(tmp_path, toml), {})
    assert expected in message
    for python_word in ("str", "float", "int", "bool", "tuple", "NoneType"):
        assert python_word not in message.split(": ", 2)[-1].split()


@pytest.mark.parametrize(
    ("variable", "text", "expected"),
    [
        ("CONCIERGE_ANSWER_ANSWER_THRESHOLD", "high", "must be a number, got 'high'"),
        ("CONCIERGE_DISCORD_SHARDED", "yes", "must be true or false, got 'yes'"),
        ("CONCIERGE_DISCORD_SHARDED", "True", "must be true or false, got 'True'"),
        ("CONCIERGE_DISCORD_SHARDED", "1", "must be true or false, got '1'"),
        ("CONCIERGE_ACCESS_GUILD_IDS", "1,two", "comma-separated list of ids, like 123,456"),
        ("CONCIERGE_LIMITS_USER_COOLDOWN_SECONDS", "", "must be a number, got an empty value"),
    ],
)
def test_a_bad_variable_is_explained_in_plain_words(
    variable: str, text: str, expected: str
) -> None:
    assert expected in error_of(None, {variable: text})


@pytest.mark.parametrize("text", ["true", "false"])
def test_booleans_are_written_the_same_in_the_file_and_the_environment(
    tmp_path: Path, text: str
) -> None:
    from_file = load_settings(write(tmp_path, f"[knowledge]\nwatch = {text}\n"), {})
    from_environment = load_settings(None, {"CONCIERGE_KNOWLEDGE_WATCH": text})
    assert from_file.knowledge.watch is from_environment.knowledge.watch is (text == "true")


def test_every_problem_in_the_file_and_the_environment_is_reported_at_once(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "[answer]\n"
        'answer_threshold = "high"\n'
        "answer_treshold = 70\n"
        "max_question_chars = 5\n"
        "[limits]\n"
        "user_cooldown_questions = 0\n"
        "[answers]\n"
        "x = 1\n"
        "[access]\n"
        "channel_ids = [0]\n",
    )
    environ = {"CONCIERGE_KNOWLEDGE_WATCH": "yes", "CONCIERGE_LIMITS_USER_COOLDOWN_SECONDS": "-1"}
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ)
    keys = [problem.key for problem in caught.value.problems]
    assert keys == [
        "answer.answer_threshold",
        "answer.answer_treshold",
        "answers",
        "answer.max_question_chars",
        "limits.user_cooldown_questions",
        "access.channel_ids",
        "knowledge.watch",
        "limits.user_cooldown_seconds",
    ]
    message = str(caught.value)
    assert message.startswith("8 problems in the settings:\n")
    assert "did you mean answer.answer_threshold?" in message
    assert "environment variable CONCIERGE_KNOWLEDGE_WATCH: knowledge.watch" in message
    assert len(message.splitlines()) == 9


def test_a_value_made_wrong_by_another_key_is_blamed_on_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[answer]\nanswer_threshold = 30\nmax_question_chars = 5\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    keys = {p.key for p in caught.value.problems}
    assert keys == {"answer.max_question_chars", "answer.suggest_threshold"}
    assert all(p.source == str(path) for p in caught.value.problems)


def test_a_single_problem_is_one_line() -> None:
    message = error_of(None, {"CONCIERGE_ANSWER_ANSWER_THRESHOLD": "101"})
    assert message == (
        "environment variable CONCIERGE_ANSWER_ANSWER_THRESHOLD: answer.answer_threshold: "
        "must be between 0 and 100, got 101"
    )


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


# --- the token --------------------------------------------------------------------------------


def settings_with_token_file(path: Path | str) -> Settings:
    return load_settings(None, {"CONCIERGE_DISCORD_TOKEN_FILE": str(path)})


def test_the_token_comes_from_discord_token() -> None:
    assert load_token(Settings(), {"DISCORD_TOKEN": GOOD}) == GOOD


def test_the_token_comes_from_the_token_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "\n", "discord.token")
    assert load_token(settings_with_token_file(path), {}) == GOOD


def test_discord_token_wins_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "other.token.value\n", "discord.token")
    assert load_token(settings_with_token_file(path), {"DISCORD_TOKEN": GOOD}) == GOOD


def test_no_token_anywhere_says_how_to_give_one() -> None:
    with pytest.raises(ConfigError) as caught:
        load_token(Settings(), {})
    assert "DISCORD_TOKEN" in str(caught.value)
    assert "token_file" in str(caught.value)


def test_a_missing_token_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_token(settings_with_token_file(tmp_path / "gone.token"), {})
    assert "gone.token" in str(caught.value)


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (f"Bot {GOOD}", "'Bot ' prefix"),
        (f"{GOOD[:30]} {GOOD[30:]}", "whitespace"),
        (f'"{GOOD}"', "does not look like"),
        (GOOD.replace(".", ""), "does not look like"),
        (GOOD + ".extra", "does not look like"),
        ("abcdefghijklmnopqrstuvwxyz012345", "does not look like"),
        ("123456789012345678", "does not look like"),
    ],
)
def test_a_malformed_token_is_refused_without_showing_it(token: str, why: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_token(Settings(), {"DISCORD_TOKEN": token})
    message = str(caught.value)
    assert why in message
    assert "DISCORD_TOKEN" in message
    for part in token.replace(" ", ".").replace('"', ".").split("."):
        if len(part) >= 6:
            assert part not in message


def test_a_malformed_token_file_is_refused_without_showing_it(tmp_path: Path) -> None:
    path = write(tmp_path, "abc def.ghijklmnopqrstuvwxyz.secret-part", "discord.token")
    with pytest.raises(ConfigError) as caught:
        load_token(settings_with_token_file(path), {})
    assert str(path) in str(caught.value)
    assert "secret-part" not in str(caught.value)
    assert "ghijklmnop" not in str(caught.value)


# --- logging ----------------------------------------------------------------------------------


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_redact_hides_the_token_and_its_signature() -> None:
    signature = GOOD.rsplit(".", 1)[1]
    text = f"Authorization: Bot {GOOD}; later {signature}"
    assert GOOD not in redact(text, GOOD)
    assert signature not in redact(text, GOOD)
    assert redact(text, GOOD).startswith(f"Authorization: Bot {REDACTED}")
    assert redact("nothing here", GOOD) == "nothing here"
    assert redact("nothing here", "") == "nothing here"


def test_the_token_never_reaches_the_log_output(root_logger: logging.Logger) -> None:
    stream = io.StringIO()
    configure_logging(LoggingSettings(level="DEBUG"), stream=stream)
    protect_secret(GOOD)
    log = logging.getLogger("discord.http")
    log.debug("headers %s", {"Authorization": f"Bot {GOOD}"})
    log.info(f"token was {GOOD}")
    try:
        raise RuntimeError(f"login failed with {GOOD}")
    except RuntimeError:
        log.exception("connecting")
    output = stream.getvalue()
    assert GOOD not in output
    assert output.count(REDACTED) == 3
    assert "RuntimeError" in output


def test_the_filter_sits_on_the_root_handler(root_logger: logging.Logger) -> None:
    configure_logging(LoggingSettings(), stream=io.StringIO(), secrets=[GOOD])
    [handler] = root_logger.handlers
    assert any(isinstance(f, RedactingFilter) for f in handler.filters)


def test_json_format_writes_one_object_a_line(root_logger: logging.Logger) -> None:
    stream = io.StringIO()
    configure_logging(LoggingSettings(level="info", format="json"), stream=stream, secrets=[GOOD])
    logging.getLogger("bot.test").info("hello %s", "world")
    logging.getLogger("bot.test").debug("not shown")
    logging.getLogger("bot.test").warning("token %s", GOOD)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "hello world"
    assert first["level"] == "INFO"
    assert first["logger"] == "bot.test"
    assert second["message"] == f"token {REDACTED}"


def test_text_format_and_level_come_from_settings(root_logger: logging.Logger) -> None:
    stream = io.StringIO()
    configure_logging(LoggingSettings(level="WARNING"), stream=stream)
    logging.getLogger("bot.test").info("quiet")
    logging.getLogger("bot.test").warning("loud")
    assert "quiet" not in stream.getvalue()
    assert "WARNING  bot.test: loud" in stream.getvalue()


def test_how_much_evidence_a_proposal_needs_is_a_setting() -> None:
    settings = load_settings(None, {"CONCIERGE_SUGGESTIONS_MIN_OCCASIONS": "2"})
    assert settings.suggestions.min_occasions == 2
    with pytest.raises(ConfigError, match=r"suggestions\.min_gap_asked"):
        load_settings(None, {"CONCIERGE_SUGGESTIONS_MIN_GAP_ASKED": "0"})

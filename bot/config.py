"""Settings: config.example.toml's shape as frozen dataclasses, loaded by `load_settings`.

Precedence, lowest first: built-in defaults, the TOML file, environment variables. Every key has
an environment variable `CONCIERGE_<SECTION>_<KEY>` (upper case), e.g. `answer.answer_threshold`
is `CONCIERGE_ANSWER_ANSWER_THRESHOLD=70`; lists are comma-separated
(`CONCIERGE_ACCESS_GUILD_IDS=1,2`); booleans are `true` or `false` in both places.
`CONCIERGE_CONFIG` names the TOML file when no path is given. The token is not a setting: it comes
from `DISCORD_TOKEN` or the file named by `discord.token_file` (see `load_token`).
"""

from __future__ import annotations

import difflib
import re
import tomllib
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.autoanswer.settings import AutoAnswerSettings
from bot.core.errors import Check, ConciergeError, SettingError, between, require
from bot.core.model import MatchSettings
from bot.core.proposals import ProposalSettings
from bot.setting_values import from_env, from_toml, shown
from bot.storage import NOT_PERCENT_ENCODED, database_url_problem

ENV_PREFIX = "CONCIERGE_"
CONFIG_ENV = "CONCIERGE_CONFIG"
TOKEN_ENV = "DISCORD_TOKEN"  # noqa: S105 - the variable's name, not a token
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
MAX_SNOWFLAKE = 2**64 - 1


class ConfigError(ConciergeError, ValueError):
    """The configuration cannot be used; the message names where (file or variable) and the key.

    One error may stand for several problems (`problems`), each itself a ConfigError; the message
    then lists them one a line.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        key: str = "",
        problems: Sequence[ConfigError] = (),
    ) -> None:
        """Keep the source and key apart for callers; the message reads `source: key: message`."""
        self.source = source
        self.key = key
        self.detail = message
        self.problems: tuple[ConfigError, ...] = tuple(problems) or (self,)
        super().__init__(": ".join(part for part in (source, key, message) if part))

    @classmethod
    def of(cls, problems: Sequence[ConfigError]) -> ConfigError:
        """One error for every problem found: the problem itself when there is only one."""
        if len(problems) == 1:
            return problems[0]
        lines = "\n".join(f"  - {problem}" for problem in problems)
        return cls(f"{len(problems)} problems in the settings:\n{lines}", problems=problems)


def split_address(address: str) -> tuple[str, int]:
    """Split `HOST:PORT` (or `[v6]:PORT`) into host and port; ValueError if it is not one."""
    match = re.fullmatch(
        r"\[(?P<v6>[0-9A-Fa-f:.]+)\]:(?P<port>\d{1,5})|(?P<host>[^:\s]+):(?P<p>\d{1,5})", address
    )
    if match is None:
        raise ValueError(f"address={address!r} is not HOST:PORT")
    host = match["v6"] or match["host"]
    port = int(match["port"] or match["p"])
    if port > 65535:
        raise ValueError(f"address={address!r} has a port above 65535")
    return host, port


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    """How to reach Discord and which commands go where."""

    token_file: str = ""
    dev_guild_id: int = 0
    api_base_url: str = ""
    gateway_url: str = ""
    sharded: bool = False
    shard_count: int = 0
    shard_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        """Reject ids, URLs and shards that cannot work, naming the field."""
        require(
            self,
            [
                (
                    "dev_guild_id",
                    0 <= self.dev_guild_id <= MAX_SNOWFLAKE,
                    "a server id, or 0 for none",
                ),
                (
                    "api_base_url",
                    self.api_base_url == "" or _is_url(self.api_base_url, "http"),
                    "empty, or an http(s):// URL",
                ),
                (
                    "gateway_url",
                    self.gateway_url == "" or _is_url(self.gateway_url, "ws"),
                    "empty, or a ws(s):// URL",
                ),
                (
                    "shard_count",
                    0 <= self.shard_count <= 10_000,
                    "between 0 and 10000 (0: let Discord decide)",
                ),
                (
                    "shard_ids",
                    all(0 <= i < max(self.shard_count, 1) for i in self.shard_ids)
                    and (not self.shard_ids or self.shard_count > 0),
                    "each below discord.shard_count, which must then be set",
                ),
            ],
        )


def _snowflakes(instance: object, field: str, kind: str) -> Check:
    """The check that every id in `field` is a Discord id (a positive 64-bit integer)."""
    ids: tuple[int, ...] = getattr(instance, field)
    rule = f"a list of {kind} ids (positive whole numbers), like [123, 456]"
    return field, all(0 < i <= MAX_SNOWFLAKE for i in ids), rule


def _is_url(value: str, scheme: str) -> bool:
    return re.fullmatch(rf"{scheme}s?://[^\s/]+(/\S*)?", value) is not None


@dataclass(frozen=True, slots=True)
class KnowledgeSettings:
    """Where the knowledge base lives, and whether changes to it are picked up by themselves."""

    data_dir: str = "data"
    watch: bool = False
    watch_interval_seconds: float = 2.0

    def __post_init__(self) -> None:
        """An empty data directory is a mistake, not the current directory."""
        require(
            self,
            [
                ("data_dir", self.data_dir.strip() != "", "a directory path, not empty"),
                between(self, "watch_interval_seconds", 0.1, 3600),
            ],
        )


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """Anti-spam limits for people asking questions."""

    user_cooldown_questions: int = 3
    user_cooldown_seconds: float = 10.0
    duplicate_window_seconds: float = 30.0

    def __post_init__(self) -> None:
        """Reject limits that cannot work, naming the field."""
        require(
            self,
            [
                between(self, "user_cooldown_questions", 1, 1000),
                between(self, "user_cooldown_seconds", 0, 86_400),
                between(self, "duplicate_window_seconds", 0, 86_400),
            ],
        )


@dataclass(frozen=True, slots=True)
class AccessSettings:
    """Where mentions are answered; empty means everywhere. Slash commands are not limited."""

    guild_ids: tuple[int, ...] = ()
    channel_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        """Ids are positive snowflakes."""
        require(
            self,
            [_snowflakes(self, "guild_ids", "server"), _snowflakes(self, "channel_ids", "channel")],
        )


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    """Log level and format (text or json)."""

    level: str = "INFO"
    format: str = "text"

    def __post_init__(self) -> None:
        """Level is a standard logging level (any case); format is text or json."""
        require(
            self,
            [
                ("level", self.level.upper() in LOG_LEVELS, "one of " + ", ".join(LOG_LEVELS)),
                ("format", self.format in LOG_FORMATS, "one of " + ", ".join(LOG_FORMATS)),
            ],
        )


@dataclass(frozen=True, slots=True)
class HealthSettings:
    """The local health endpoint; an empty address turns it off."""

    address: str = "127.0.0.1:8080"

    def __post_init__(self) -> None:
        """Empty, or HOST:PORT."""
        try:
            if self.address:
                split_address(self.address)
        except ValueError:
            raise SettingError(
                "address", self.address, "empty (off), or HOST:PORT such as 127.0.0.1:8080"
            ) from None


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """Where knowledge gaps, question counts and votes are kept, and for how long."""

    database_url: str = ""
    sqlite_path: str = "state/concierge.sqlite3"
    retention_days: int = 90

    def __post_init__(self) -> None:
        """A PostgreSQL URL or nothing; a SQLite path; a retention of a day to ten years."""
        require(
            self,
            [
                (
                    "database_url",
                    self.database_url == ""
                    or re.fullmatch(r"postgres(?:ql)?://\S+", self.database_url) is not None,
                    "empty (SQLite), or a postgresql:// URL",
                ),
                (
                    "database_url",
                    database_url_problem(self.database_url) is None,
                    f"a URL that parsers read as meant: {NOT_PERCENT_ENCODED}",
                ),
                ("sqlite_path", self.sqlite_path.strip() != "", "a file path, not empty"),
                between(self, "retention_days", 1, 3650),
            ],
        )


@dataclass(frozen=True, slots=True)
class AdminSettings:
    """Who may use the admin commands beyond Discord's own command permissions."""

    reload_guild_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        """Ids are positive snowflakes."""
        require(self, [_snowflakes(self, "reload_guild_ids", "server")])


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot is configured with, validated once at start. The token is not here."""

    discord: DiscordSettings = field(default_factory=DiscordSettings)
    knowledge: KnowledgeSettings = field(default_factory=KnowledgeSettings)
    answer: MatchSettings = field(default_factory=MatchSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    access: AccessSettings = field(default_factory=AccessSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    admin: AdminSettings = field(default_factory=AdminSettings)
    autoanswer: AutoAnswerSettings = field(default_factory=AutoAnswerSettings)
    suggestions: ProposalSettings = field(default_factory=ProposalSettings)


SECTIONS: dict[str, type] = {f.name: f.default_factory for f in fields(Settings)}  # type: ignore[misc]


def section_keys(section: str) -> dict[str, Any]:
    """The keys of one section with their declared types."""
    cls = SECTIONS[section]
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls)}


def env_name(section: str, key: str) -> str:
    """The environment variable that overrides `section.key`."""
    return f"{ENV_PREFIX}{section}_{key}".upper()


def _closest(name: str, known: list[str]) -> str | None:
    close = difflib.get_close_matches(name, known, n=1)
    return close[0] if close else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        looked = "" if path.is_absolute() else f" (looked for {path.absolute()})"
        raise ConfigError(f"config file not found{looked}", source=str(path)) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a config file", source=str(path)) from None
    except OSError as error:
        raise ConfigError(f"cannot read config file: {error.strerror}", source=str(path)) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("config file is not UTF-8 text", source=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        reason = re.sub(r"\s*\(at .*\)$", "", message)
        if where:
            line, column = where.groups()
            source = f"{path}:{line}:{column}"
            raise ConfigError(
                f"invalid TOML at line {line}, column {column}: {reason}", source=source
            ) from None
        raise ConfigError(f"invalid TOML: {message}", source=str(path)) from None


# Settings whose values may hold a password: never repeated in an error message.
SECRET_KEYS = frozenset({"storage.database_url"})


def _unknown_key(section: str, key: str) -> str:
    """Say which key a misspelt or misplaced one probably was."""
    close = _closest(key, list(section_keys(section)))
    if close is not None:
        return f"unknown key; did you mean {section}.{close}?"
    homes = [name for name in SECTIONS if key in section_keys(name)]
    if homes:
        return f"unknown key; {key} belongs in [{homes[0]}] ({homes[0]}.{key})"
    return f"unknown key; the keys of [{section}] are {', '.join(section_keys(section))}"


def _unknown_section(section: str) -> str:
    close = _closest(section, list(SECTIONS))
    if close is not None:
        return f"unknown section; did you mean [{close}]?"
    return f"unknown section; the sections are {', '.join(SECTIONS)}"


Values = dict[str, dict[str, Any]]


def load_settings(path: Path | None, environ: Mapping[str, str]) -> Settings:
    """Read defaults, then the TOML file at `path` (or `$CONCIERGE_CONFIG`), then the environment.

    Raises ConfigError naming the file or variable and the key for anything unknown, mistyped or
    out of range: every problem in the file and the environment at once (see ConfigError.problems).
    """
    from_variable = path is None and environ.get(CONFIG_ENV, "").strip() != ""
    if from_variable:
        path = Path(environ[CONFIG_ENV].strip())
    values: Values = {name: {} for name in SECTIONS}
    origins: dict[str, str] = {}
    problems: list[ConfigError] = []
    if path is not None:
        try:
            problems += _apply_file(path, _read_toml(path), values, origins)
        except ConfigError as error:
            if from_variable:  # say where a path nobody typed on the command line came from
                error = ConfigError(
                    f"{error.detail} (the file {CONFIG_ENV} names)", source=error.source
                )
            problems.append(error)
    problems += _apply_environment(environ, values, origins)
    sections = {name: _build(name, values[name], origins, problems) for name in SECTIONS}
    if problems:  # the file's problems first, then the environment's
        problems.sort(key=lambda problem: problem.source.startswith("environment variable"))
        raise ConfigError.of(problems)
    return Settings(**sections)


def _apply_file(
    path: Path, data: dict[str, Any], values: Values, origins: dict[str, str]
) -> list[ConfigError]:
    """Take every known, well-typed key of the file; return a problem for each other one."""
    source = str(path)
    problems = []
    for section, table in data.items():
        if section not in SECTIONS and not isinstance(table, dict):
            homes = [name for name in SECTIONS if section in section_keys(name)]
            where = f"; {section} belongs in [{homes[0]}] ({homes[0]}.{section})" if homes else ""
            message = f"settings go inside a [section]{where}"
            problems.append(ConfigError(message, source=source, key=section))
        elif section not in SECTIONS:
            problems.append(ConfigError(_unknown_section(section), source=source, key=section))
        elif not isinstance(table, dict):
            message = f"must be a table: a [{section}] line with its keys below it"
            problems.append(ConfigError(message, source=source, key=section))
        else:
            keys = section_keys(section)
            for key, value in table.items():
                dotted = f"{section}.{key}"
                if key not in keys:
                    problem = _unknown_key(section, key)
                    problems.append(ConfigError(problem, source=source, key=dotted))
                    continue
                try:
                    values[section][key] = from_toml(value, keys[key], key)
                except TypeError as error:
                    problems.append(ConfigError(str(error), source=source, key=dotted))
                    continue
                origins[dotted] = source
    return problems


def _apply_environment(
    environ: Mapping[str, str], values: Values, origins: dict[str, str]
) -> list[ConfigError]:
    """Take every CONCIERGE_ variable that names a key; return a problem for each other one."""
    problems = []
    for name in sorted(environ):
        if not name.upper().startswith(ENV_PREFIX) or name.upper() == CONFIG_ENV:
            continue
        source = f"environment variable {name}"
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("_")
        if section not in SECTIONS:
            message = _unknown_section(section)
            close = _closest(section, list(SECTIONS))
            if close is not None:
                message = (
                    f"unknown section {section!r}; did you mean {ENV_PREFIX}{close.upper()}_...?"
                )
            problems.append(ConfigError(message, source=source))
            continue
        keys = section_keys(section)
        dotted = f"{section}.{key}"
        if key not in keys:
            message = _unknown_key(section, key)
            close = _closest(key, list(keys))
            if close is not None:
                message = (
                    f"unknown key; did you mean {section}.{close} ({env_name(section, close)})?"
                )
            problems.append(ConfigError(message, source=source, key=dotted))
            continue
        try:
            values[section][key] = from_env(environ[name], keys[key], key)
        except TypeError as error:
            problems.append(ConfigError(str(error), source=source, key=dotted))
            continue
        origins[dotted] = source
    return problems


def _build(
    section: str, values: dict[str, Any], origins: dict[str, str], problems: list[ConfigError]
) -> Any:
    """Construct one section, or None after adding a problem for every value its checks refuse.

    The checks stop at the first bad field, so that field goes back to its default and the
    section is tried again, until every check passes; a default that fails (another key made it
    wrong) sets aside the keys its rule names, and ends the tries if it names none.
    """
    given = dict(values)
    while True:
        try:
            return SECTIONS[section](**given)
        except SettingError as error:
            dotted = f"{section}.{error.field}"
            source = origins.get(dotted) or _section_origin(section, origins)
            problems.append(ConfigError(_refused(dotted, error), source=source, key=dotted))
            if given.pop(error.field, None) is None:
                # A default made wrong by other keys: set those aside, if the rule names them.
                named = [key for key in given if re.search(rf"\b{key}\b", error.rule)]
                if not named:
                    return None
                for key in named:
                    del given[key]
        except ValueError as error:  # a check that names no field: blame the section
            source = _section_origin(section, origins)
            problems.append(ConfigError(str(error), source=source, key=section))
            return None


def _refused(dotted: str, error: SettingError) -> str:
    """`must be between 0 and 100, got 101`; a secret value is never repeated."""
    if dotted in SECRET_KEYS:
        return f"must be {error.rule} (the value is not shown: it may hold a password)"
    return f"must be {error.rule}, got {shown(error.value)}"


def _section_origin(section: str, origins: dict[str, str]) -> str:
    """Where the section's values came from, when the bad value itself is a default."""
    sources = sorted({src for key, src in origins.items() if key.startswith(section + ".")})
    return ", ".join(sources) or "defaults"


_TOKEN_PART = re.compile(r"[A-Za-z0-9_-]+")


def load_token(settings: Settings, environ: Mapping[str, str]) -> str:
    """The bot token from `DISCORD_TOKEN`, else from the file named by `discord.token_file`.

    Raises ConfigError when it is missing, empty or cannot be a bot token. No message ever
    contains the token or any part of it.
    """
    if TOKEN_ENV in environ:
        return _checked_token(environ[TOKEN_ENV], f"environment variable {TOKEN_ENV}")
    token_file = settings.discord.token_file
    if not token_file:
        raise ConfigError(
            f"no Discord token: set {TOKEN_ENV}, or set discord.token_file "
            f"({env_name('discord', 'token_file')}) to a file that holds it"
        )
    path = Path(token_file)
    source = f"token file {path} (discord.token_file)"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", source=source) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise ConfigError(f"cannot read it: {reason}", source=source) from None
    return _checked_token(text.strip(), source)


def _checked_token(token: str, source: str) -> str:
    """Return the token if it looks like a bot token; otherwise say why, without showing it."""
    if not token.strip():
        raise ConfigError("the Discord token is empty", source=source)
    if token.lower().startswith("bot "):
        raise ConfigError("give the token alone, without the 'Bot ' prefix", source=source)
    if any(char.isspace() for char in token):
        raise ConfigError(
            "the Discord token contains whitespace (a stray space, quote or line break?)",
            source=source,
        )
    parts = token.split(".")
    if len(parts) != 3 or not all(_TOKEN_PART.fullmatch(part) for part in parts):
        raise ConfigError(
            "this does not look like a Discord bot token (three base64url parts separated by dots;"
            " copy it from the Bot page of the developer portal, not the client secret or the"
            " application id)",
            source=source,
        )
    return token

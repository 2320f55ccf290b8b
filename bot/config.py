"""Settings: config.example.toml's shape as frozen dataclasses (loading lives in `load_settings`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.model import MatchSettings


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


@dataclass(frozen=True, slots=True)
class KnowledgeSettings:
    """Where the knowledge base lives."""

    data_dir: str = "data"


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """Anti-spam limits for people asking questions."""

    user_cooldown_questions: int = 3
    user_cooldown_seconds: float = 10.0
    duplicate_window_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class AccessSettings:
    """Where mentions are answered; empty means everywhere. Slash commands are not limited."""

    guild_ids: tuple[int, ...] = ()
    channel_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    """Log level and format (text or json)."""

    level: str = "INFO"
    format: str = "text"


@dataclass(frozen=True, slots=True)
class HealthSettings:
    """The local health endpoint; an empty address turns it off."""

    address: str = "127.0.0.1:8080"


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

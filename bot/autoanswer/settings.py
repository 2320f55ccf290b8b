"""The `[autoanswer]` settings: how sure, how often, and which channels are configured by file."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import Check, between, require

MODES = ("live", "trial")
MAX_SNOWFLAKE = 2**64 - 1
# Chosen on eval/dev, chat and extra: the lowest score no wrong answer reached (docs/autoanswer.md).
DEFAULT_THRESHOLD = 94.0


def _ids(instance: object, name: str) -> Check:
    ids: tuple[int, ...] = getattr(instance, name)
    ok = all(0 < i <= MAX_SNOWFLAKE for i in ids)
    return name, ok, "a list of channel ids (positive whole numbers), like [123, 456]"


def _id_or_zero(instance: object, name: str, kind: str) -> Check:
    value: int = getattr(instance, name)
    return name, 0 <= value <= MAX_SNOWFLAKE, f"a {kind} id, or 0 for none"


@dataclass(frozen=True, slots=True)
class AutoAnswerSettings:
    """How sure an unasked answer must be, how often one may come, and file-configured channels.

    `enabled` asks Discord for the Message Content intent, which channels added with
    `/concierge autoanswer add` (kept in the store) need; naming channels here implies it.
    `channel_ids` answer live; `trial_channel_ids` post drafts to `moderators_channel_id`.
    """

    enabled: bool = False
    threshold: float = DEFAULT_THRESHOLD
    repeat_window_seconds: float = 600.0
    per_channel_per_minute: int = 6
    channel_ids: tuple[int, ...] = ()
    trial_channel_ids: tuple[int, ...] = ()
    moderators_channel_id: int = 0
    support_role_id: int = 0
    forum_tag: str = "answered"

    def __post_init__(self) -> None:
        """Reject settings that cannot work, naming the field."""
        require(
            self,
            [
                between(self, "threshold", 0, 100),
                between(self, "repeat_window_seconds", 0, 86_400),
                between(self, "per_channel_per_minute", 1, 60),
                _ids(self, "channel_ids"),
                _ids(self, "trial_channel_ids"),
                _id_or_zero(self, "moderators_channel_id", "channel"),
                _id_or_zero(self, "support_role_id", "role"),
                (
                    "moderators_channel_id",
                    not self.trial_channel_ids or self.moderators_channel_id > 0,
                    "a channel id: trial_channel_ids post their drafts there",
                ),
                ("forum_tag", len(self.forum_tag) <= 20, "a tag name, 20 characters at most"),
            ],
        )

    @property
    def configured(self) -> bool:
        """Whether these settings name any auto-answer channel."""
        return bool(self.channel_ids or self.trial_channel_ids)

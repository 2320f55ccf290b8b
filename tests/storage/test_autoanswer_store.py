"""Auto-answer channels, counts and trial grades in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.autoanswer.policy import ChannelRule
from bot.autoanswer.store import AutoAnswerStore, ChannelStats, Draft
from bot.config import StorageSettings
from bot.storage import Store, open_store

SERVER_A, SERVER_B = 111, 222
HELP_A, HELP_B, MODS_A = 1001, 2001, 1002


def draft(guild_id: int, channel_id: int, question_id: int) -> Draft:
    """A trial draft for a question in a channel."""
    url = f"https://discord.com/channels/{guild_id}/{channel_id}/{question_id}"
    return Draft(guild_id, question_id, channel_id, url, "faq-director", 97.0)


async def test_channels_survive_a_restart_and_change_in_place(
    store: Store, storage_settings: StorageSettings
) -> None:
    autoanswer = AutoAnswerStore(store)
    assert await autoanswer.add_channel(ChannelRule(SERVER_A, HELP_A), added_by=5)
    trial = ChannelRule(SERVER_A, HELP_A, "trial", MODS_A, support_role_id=77)
    assert not await autoanswer.add_channel(trial, added_by=5)
    reopened = await open_store(storage_settings)
    try:
        assert await AutoAnswerStore(reopened).channels(SERVER_A) == [trial]
    finally:
        await reopened.close()
    assert await autoanswer.remove_channel(SERVER_A, HELP_A)
    assert not await autoanswer.remove_channel(SERVER_A, HELP_A)
    assert await autoanswer.channels(SERVER_A) == []


async def test_trial_precision_is_correct_over_graded(store: Store) -> None:
    autoanswer = AutoAnswerStore(store)
    await autoanswer.add_channel(ChannelRule(SERVER_A, HELP_A, "trial", MODS_A), added_by=5)
    for question_id in (1, 2, 3):
        await autoanswer.add_draft(draft(SERVER_A, HELP_A, question_id))
    await autoanswer.count(SERVER_A, HELP_A, seen=4, answered=3)
    assert await autoanswer.grade(SERVER_A, 1, "correct", moderator_id=9)
    assert await autoanswer.grade(SERVER_A, 2, "wrong", moderator_id=9)
    assert await autoanswer.grade(SERVER_A, 2, "correct", moderator_id=8)  # regraded
    [stats] = await autoanswer.stats(SERVER_A)
    assert stats == ChannelStats(HELP_A, "trial", seen=4, answered=3, graded=2, correct=2)
    assert stats.precision == 1.0


async def test_one_server_cannot_read_or_change_anothers_settings_or_grades(
    store: Store,
) -> None:
    autoanswer = AutoAnswerStore(store)
    await autoanswer.add_channel(ChannelRule(SERVER_A, HELP_A, "trial", MODS_A), added_by=5)
    await autoanswer.add_channel(ChannelRule(SERVER_B, HELP_B), added_by=6)
    await autoanswer.add_draft(draft(SERVER_A, HELP_A, 42))

    assert [r.channel_id for r in await autoanswer.channels(SERVER_B)] == [HELP_B]
    assert not await autoanswer.remove_channel(SERVER_B, HELP_A)  # A's channel, named from B
    assert not await autoanswer.grade(SERVER_B, 42, "wrong", moderator_id=6)  # A's draft
    await autoanswer.count(SERVER_B, HELP_A, seen=100, answered=100)  # B counting A's channel
    await autoanswer.grade(SERVER_A, 42, "correct", moderator_id=5)

    [stats_a] = await autoanswer.stats(SERVER_A)
    assert (stats_a.mode, stats_a.seen, stats_a.graded, stats_a.correct) == ("trial", 0, 1, 1)
    stats_b = {s.channel_id: s for s in await autoanswer.stats(SERVER_B)}
    assert stats_b[HELP_B].mode == "live"
    assert (stats_b[HELP_A].seen, stats_b[HELP_A].graded) == (100, 0)  # B's own count only
    assert [r.channel_id for r in await autoanswer.channels(SERVER_A)] == [HELP_A]
    assert await autoanswer.guilds() == [SERVER_A, SERVER_B]

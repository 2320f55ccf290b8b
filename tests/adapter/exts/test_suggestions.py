"""/concierge suggestions: presses become proposals an admin approves, edits or rejects."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapter.client import ConciergeBot
from bot.adapter.exts.admin import NEEDS_MANAGE_SERVER
from bot.config import Settings
from bot.core import Engine, KnowledgeBase, load_knowledge_base
from bot.suggestions.store import SuggestionStore

SOURCE = """\
source: {id: demo, title: Demo Article, kind: faq}
entries:
  - {id: demo-director, kind: faq, title: 'Who directs the demo film?', text: Ann Example does.}
  - {id: demo-writer, kind: faq, title: 'Who wrote the demo film script?', text: Bo Sample.}
  - {id: demo-release, kind: faq, title: 'When is the demo film released?', text: In June.}
"""
CURATION = "# by hand\nentries:\n  demo-writer: {related: [demo-director]}\n"
UNSURE = "who made the demo film"
DIRECTOR = "Who directs the demo film?"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "demo.yaml").write_text(SOURCE, encoding="utf-8")
    (root / "curation.yaml").write_text(CURATION, encoding="utf-8")
    return root


@pytest.fixture
def kb(data_dir: Path) -> KnowledgeBase:
    return load_knowledge_base(data_dir)


@pytest.fixture
def simcord_bot(settings: Settings, kb, engine: Engine, store, data_dir: Path) -> ConciergeBot:
    return ConciergeBot(settings, kb, engine, store=store, data_dir=data_dir)


async def press_did_you_mean(world, people: int) -> None:
    """`people` members each ask the unsure question and press the director's button."""
    for n in range(people):
        person = world.guild.add_member(world.env.create_user(f"fan{n}"))
        channel = world.guild.create_text_channel(f"chat{n}")
        await person.send(channel, f"{world.mention} {UNSURE}")
        offer = channel.last_message
        shown = await person.click(offer, label=DIRECTOR)
        assert shown.ephemeral and shown.response.embeds[0].title == DIRECTOR


def text_of(result) -> str:
    message = result.response if result.response and result.response.content else None
    return (message or result.followups[0]).content


async def test_presses_are_counted_once_a_person_without_any_user_id_kept(world, store) -> None:
    await press_did_you_mean(world, 2)
    person = world.guild.add_member(world.env.create_user("twice"))
    await person.send(world.channel, f"{world.mention} {UNSURE}")
    for _ in range(2):
        await person.click(world.channel.last_message, label=DIRECTOR)

    [resolution] = await SuggestionStore(store).resolutions()
    assert (resolution.question, resolution.entry_id, resolution.count) == (
        UNSURE,
        "demo-director",
        3,
    )


async def test_an_admin_approves_and_the_next_asker_gets_the_answer(
    world, admin, store, data_dir: Path
) -> None:
    await press_did_you_mean(world, 3)

    shown = await admin.slash(world.channel, "concierge suggestions")

    assert shown.ephemeral
    embed = shown.response.embeds[0]
    assert embed.title == "Alias for “Who directs the demo film?”"
    assert "Who made the demo film?" in embed.description
    assert "3×" in embed.fields[1].value and "now unsure" in embed.fields[1].value
    assert embed.fields[0].value.startswith("✅ Passes every check")

    approved = await admin.click(shown.response, label="Approve")

    assert "approved" in text_of(approved) and "reloaded, 3 entries" in text_of(approved)
    text = (data_dir / "curation.yaml").read_text(encoding="utf-8")
    assert text.startswith("# by hand\n") and "Who made the demo film?" in text
    [decision] = await SuggestionStore(store).decisions()
    assert decision.decided_by == "admin"
    await world.env.advance_time(31)
    asker = world.guild.add_member(world.env.create_user("later"))
    await asker.send(world.channel, f"{world.mention} {UNSURE}")
    assert world.channel.last_message.embeds[0].title == DIRECTOR
    again = await admin.slash(world.channel, "concierge suggestions")
    assert "Nothing to suggest yet" in text_of(again)


async def test_edit_approves_the_admins_wording_and_reject_is_remembered(
    world, admin, store, data_dir: Path
) -> None:
    await press_did_you_mean(world, 3)
    shown = await admin.slash(world.channel, "concierge suggestions")

    form = await admin.click(shown.response, label="Edit…")
    edited = await admin.submit_modal(form, {"alias": "Who made the demo movie?"})

    assert "approved" in text_of(edited)
    assert '"Who made the demo movie?"' in (data_dir / "curation.yaml").read_text("utf-8")


async def test_a_rejected_proposal_is_not_shown_again(world, admin, store) -> None:
    await press_did_you_mean(world, 3)
    shown = await admin.slash(world.channel, "concierge suggestions")

    rejected = await admin.click(shown.response, label="Reject")

    assert "will not be proposed again" in text_of(rejected)
    again = await admin.slash(world.channel, "concierge suggestions")
    assert "Nothing to suggest yet" in text_of(again)


async def test_the_command_checks_manage_server_itself_when_a_server_opens_it_up(world) -> None:
    commands = {c.name: c for c in await world.bot.tree.fetch_commands()}
    world.guild.set_command_permissions(commands["concierge"], {world.alice: True})

    result = await world.alice.slash(world.channel, "concierge suggestions")

    assert result.ephemeral and text_of(result) == NEEDS_MANAGE_SERVER


async def test_another_pick_after_not_helpful_is_a_resolution(world, store, data_dir, kb) -> None:
    person = world.guild.add_member(world.env.create_user("voter"))
    await person.send(world.channel, f"{world.mention} who made the demo film script")
    answer = world.channel.last_message
    assert answer.embeds[0].title == "Who wrote the demo film script?"

    voted = await person.click(answer, label="Not helpful")

    assert text_of(voted).endswith("Was it one of these?")
    picked = await person.click(voted.response, label=DIRECTOR)
    assert picked.response.embeds[0].title == DIRECTOR
    [resolution] = await SuggestionStore(store).resolutions()
    assert (resolution.question, resolution.entry_id) == (
        "who made the demo film script",
        "demo-director",
    )

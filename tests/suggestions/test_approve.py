"""Approving a proposal: written, validated, recorded and reloaded; or refused with the old base
still serving and the file as it was; or, on a read-only data volume, the YAML to add by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import StorageSettings
from bot.core import Engine, KnowledgeBase, load_knowledge_base
from bot.core.checks import load_checks
from bot.core.model import Answer, MatchSettings
from bot.metrics import Metrics
from bot.reload import Reloader
from bot.storage import Store, open_store
from bot.suggestions import service
from bot.suggestions.store import SuggestionStore

ROOT = Path(__file__).resolve().parents[2]
SOURCE = """\
source: {id: demo, title: Demo Article, kind: faq}
entries:
  - {id: demo-director, kind: faq, title: 'Who directs the demo film?', text: Ann Example does.}
  - {id: demo-writer, kind: faq, title: 'Who wrote the demo film script?', text: Bo Sample.}
  - {id: demo-release, kind: faq, title: 'When is the demo film released?', text: In June.}
"""
CURATION = "# mine\nentries:\n  demo-writer:\n    tags: [crew]  # a comment\n"
CHECKS = "checks:\n  - {q: 'When is the demo film released?', entry: demo-release}\n"
UNSURE = "who made the demo film"


class Holder:
    """Stands in for the bot: the knowledge base being served and its engine."""

    def __init__(self, data_dir: Path) -> None:
        self.kb: KnowledgeBase = load_knowledge_base(data_dir)
        self.engine = Engine(self.kb)
        self.match_settings = MatchSettings()
        self.swaps = 0

    def swap_knowledge(self, kb: KnowledgeBase, engine: Engine) -> None:
        self.kb, self.engine, self.swaps = kb, engine, self.swaps + 1

    def answer(self, question: str) -> str | None:
        result = self.engine.ask(question)
        return result.entry.id if isinstance(result, Answer) else None


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "sources" / "demo.yaml").write_text(SOURCE, encoding="utf-8")
    (data / "curation.yaml").write_text(CURATION, encoding="utf-8")
    (data / "checks.yaml").write_text(CHECKS, encoding="utf-8")
    return data


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "concierge.sqlite3"


@pytest.fixture
async def store(sqlite_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(StorageSettings(sqlite_path=str(sqlite_path)))
    for _ in range(3):
        await SuggestionStore(opened).record_resolution(1, UNSURE, "demo-director")
    yield opened
    await opened.close()


async def first_proposal(store: Store, holder: Holder, data_dir: Path) -> service.Proposal:
    checks = load_checks(data_dir, holder.kb)
    [proposal] = (await service.current(store, holder.engine, checks)).aliases
    return proposal


async def test_approving_writes_validates_records_and_reloads(store, data_dir) -> None:
    holder = Holder(data_dir)
    assert holder.answer(UNSURE) is None
    proposal = await first_proposal(store, holder, data_dir)
    reloader = Reloader(holder, data_dir, Metrics())
    checks = load_checks(data_dir, holder.kb)

    outcome = await service.approve(
        store, holder.engine, checks, data_dir, proposal, "Ann", reloader=reloader
    )

    assert outcome.ok, outcome.message
    assert "reloaded, 3 entries" in outcome.message
    assert holder.swaps == 1 and holder.answer(UNSURE) == "demo-director"
    text = (data_dir / "curation.yaml").read_text(encoding="utf-8")
    assert text.startswith(CURATION), "the admin's comments and layout are kept"
    [record] = await SuggestionStore(store).decisions()
    assert (record.decision, record.decided_by, record.change) == (
        "approved",
        "Ann",
        'alias "Who made the demo film?" added to demo-director',
    )


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ("entries: [oops\n", "curation.yaml is not valid YAML at line 2"),
        ("entries:\n  no-such-entry: {tags: [crew]}\n", "does not load with it (1 problem(s))"),
    ],
)
async def test_approval_with_a_broken_curation_file_keeps_the_old_base_and_the_file(
    store, data_dir, broken: str, says: str
) -> None:
    holder = Holder(data_dir)
    proposal = await first_proposal(store, holder, data_dir)
    (data_dir / "curation.yaml").write_text(broken, encoding="utf-8")  # a hand edit gone wrong
    served = holder.kb

    outcome = await service.approve(
        store,
        holder.engine,
        (),
        data_dir,
        proposal,
        "Ann",
        reloader=Reloader(holder, data_dir, Metrics()),
    )

    assert not outcome.ok
    assert says in outcome.message
    assert (data_dir / "curation.yaml").read_text(encoding="utf-8") == broken
    assert holder.kb is served and holder.swaps == 0
    assert holder.answer("Who directs the demo film?") == "demo-director"
    assert await SuggestionStore(store).decisions() == [], "nothing was approved"


async def test_a_flagged_alias_needs_force_and_an_edited_one_is_checked_again(
    store, data_dir
) -> None:
    holder = Holder(data_dir)
    proposal = await first_proposal(store, holder, data_dir)
    checks = load_checks(data_dir, holder.kb)
    taken = "When is the demo film released?"  # another entry's title

    refused = await service.approve(
        store, holder.engine, checks, data_dir, proposal, "Ann", alias=taken
    )

    assert not refused.ok and "is flagged" in refused.message
    assert "is the title of entry 'demo-release'" in refused.message
    assert (data_dir / "curation.yaml").read_text(encoding="utf-8") == CURATION
    edited = await service.approve(
        store, holder.engine, checks, data_dir, proposal, "Ann", alias="Who made the film?"
    )
    assert edited.ok, edited.message
    assert '"Who made the film?"' in (data_dir / "curation.yaml").read_text(encoding="utf-8")


def _read_only_runner() -> list[str] | None:
    """How to run a command with the data directory read-only, as a `:ro` volume would be."""
    if os.geteuid() != 0:
        return []  # chmod is enough for anyone but root
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return None
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return ["unshare", "-m", "sh", "-c"] if probe.returncode == 0 else None


async def test_a_read_only_data_volume_says_so_and_prints_the_yaml_to_add(
    store, data_dir, sqlite_path, tmp_path
) -> None:
    runner = _read_only_runner()
    if runner is None:
        pytest.skip("cannot make a read-only mount here (root without unshare)")
    holder = Holder(data_dir)
    proposal = await first_proposal(store, holder, data_dir)
    await store.close()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CONCIERGE_")},
        "CONCIERGE_KNOWLEDGE_DATA_DIR": str(data_dir),
        "CONCIERGE_STORAGE_SQLITE_PATH": str(sqlite_path),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "bot", "suggestions", "--approve", proposal.id]
    if runner:
        quoted = " ".join(f"'{part}'" for part in command)
        script = f"mount --bind {data_dir} {data_dir} && mount -o remount,ro,bind {data_dir} && "
        done = subprocess.run(
            [*runner, script + quoted], env=env, capture_output=True, text=True, check=False
        )
    else:
        data_dir.chmod(0o555)
        (data_dir / "curation.yaml").chmod(0o444)
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        finally:
            data_dir.chmod(0o755)
            (data_dir / "curation.yaml").chmod(0o644)

    assert done.returncode == 1, done.stderr
    assert "read-only" in done.stderr or "Read-only file system" in done.stderr
    assert "add this under `entries:` in curation.yaml by hand" in done.stderr
    assert 'demo-director:\n    aliases: ["Who made the demo film?"]' in done.stdout
    assert (data_dir / "curation.yaml").read_text(encoding="utf-8") == CURATION

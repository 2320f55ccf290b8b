"""`python -m bot suggestions`: proposals as text, gap groups, rejections, and plain mistakes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import CONFIG_ENV
from bot.storage import AskedQuestion
from bot.storage.sqlite import SqliteStore
from bot.suggestions.store import SuggestionStore

SOURCE = """\
source: {id: demo, title: Demo Article, kind: faq}
entries:
  - {id: demo-director, kind: faq, title: 'Who directs the demo film?', text: Ann Example does.}
  - {id: demo-writer, kind: faq, title: 'Who wrote the demo film script?', text: Bo Sample.}
  - {id: demo-release, kind: faq, title: 'When is the demo film released?', text: In June.}
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "demo.yaml").write_text(SOURCE, encoding="utf-8")
    (root / "curation.yaml").write_text("entries: {}\n", encoding="utf-8")
    return root


@pytest.fixture
def database(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "concierge.sqlite3"
    monkeypatch.setenv("CONCIERGE_STORAGE_SQLITE_PATH", str(path))
    monkeypatch.setenv("CONCIERGE_KNOWLEDGE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("CONCIERGE_STORAGE_DATABASE_URL", raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)

    async def fill() -> None:
        store = await SqliteStore.open(path)
        for guild in (1, 2, 2):
            await SuggestionStore(store).record_resolution(
                guild, "who made the demo film", "demo-director"
            )
        for text in ["how long is the demo film"] * 4 + ["demo film how long??"] * 2:
            await store.record_question(AskedQuestion(1, "abstained", text))
        await store.close()

    asyncio.run(fill())
    return path


def test_the_proposals_are_listed_with_their_evidence(database, capsys) -> None:
    assert main(["suggestions"]) == 0

    out = capsys.readouterr().out
    assert "alias for demo-director (Who directs the demo film?): 'Who made the demo film?'" in out
    assert "[safe; 3 resolved; fixes 1 of 1]" in out
    assert "'who made the demo film'  (now: unsure)" in out
    assert "missing entry, asked 6 times" in out


def test_gap_groups_put_questions_that_mean_the_same_on_one_line(database, capsys) -> None:
    assert main(["suggestions", "--gaps", "--json"]) == 0

    [group] = json.loads(capsys.readouterr().out)
    assert group["asked"] == 6
    assert [p["text"] for p in group["phrasings"]] == [
        "how long is the demo film",
        "demo film how long",
    ]


def test_a_rejected_proposal_is_gone_and_in_the_history(database, capsys) -> None:
    main(["suggestions", "--json"])
    [alias, missing] = json.loads(capsys.readouterr().out)

    assert main(["suggestions", "--reject", missing["id"], "--by", "Ann"]) == 0
    assert "will not be proposed again" in capsys.readouterr().out
    assert main(["suggestions", "--json"]) == 0
    assert [p["id"] for p in json.loads(capsys.readouterr().out)] == [alias["id"]]
    assert main(["suggestions", "--history"]) == 0
    assert f"rejected  {missing['id']}  by Ann: missing entry for" in capsys.readouterr().out


def test_a_missing_entry_cannot_be_approved_only_written(database, capsys) -> None:
    main(["suggestions", "--json"])
    missing = json.loads(capsys.readouterr().out)[1]

    assert main(["suggestions", "--approve", missing["id"]]) == 1
    assert "is a missing entry: write it" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--approve", "a-00000000"], 1, "no open proposal 'a-00000000'"),
        (["--min-occasions", "0"], 2, "--min-occasions and --min-asked must be at least 1"),
    ],
)
def test_a_mistake_is_one_line(database, capsys, argv, code, message) -> None:
    assert main(["suggestions", *argv]) == code
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_broken_checks_file_names_the_file_and_line(database, data_dir, capsys) -> None:
    (data_dir / "checks.yaml").write_text("checks:\n  - {q: hi, entry: gone}\n", "utf-8")

    assert main(["suggestions"]) == 2
    err = capsys.readouterr().err
    assert "checks.yaml line 2, entry 'gone', field 'entry': check 1: no entry 'gone'" in err

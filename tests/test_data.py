"""The shipped knowledge base in data/: complete, regenerable, and consistently curated."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.core import load_knowledge_base

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SOURCES = DATA / "articles"
ARTICLES = {
    "wick-ballerina": "from-the-world-of-john-wick-ballerina.txt",
    "review-2024": "ballerina-2024-review.txt",
}
SIGN_OFF_START = "Message me on Social media"
TAGS = {
    "overview", "franchise", "timeline", "origin", "characters", "cast", "crew", "plot",
    "themes", "action", "visuals", "tone", "spin-offs", "fans", "release", "production", "review",
}  # fmt: skip
RELEASE_ENTRIES = {"review-2024-introduction", "wick-ballerina-whats-been-confirmed-so-far"}
# Variants this general would tag unrelated questions with a franchise concept.
TOO_GENERIC = {"it", "the", "a", "film", "movie", "about", "set", "what", "who", "when", "is"}


def norm(text: str) -> str:
    return " ".join(text.replace("**", " ").split())


def source_file(source_id: str) -> Path:
    return DATA / "sources" / f"{source_id}.yaml"


def entries_of(source_id: str) -> list[dict]:
    return yaml.safe_load(source_file(source_id).read_text(encoding="utf-8"))["entries"]


def all_entries() -> list[dict]:
    return [entry for source_id in ARTICLES for entry in entries_of(source_id)]


def article_lines(source_id: str) -> tuple[list[str], list[str]]:
    """The article's lines split into (knowledge, sign-off) at the sign-off's first line."""
    lines = [
        " ".join(line.split()) for line in (SOURCES / ARTICLES[source_id]).open(encoding="utf-8")
    ]
    lines = [line for line in lines if line and line != "-"]
    cut = next((i for i, line in enumerate(lines) if line.startswith(SIGN_OFF_START)), len(lines))
    return lines[:cut], lines[cut:]


def curation() -> dict:
    return yaml.safe_load((DATA / "curation.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("source_id", sorted(ARTICLES))
def test_every_sentence_of_the_article_is_in_some_entry(source_id):
    entries = entries_of(source_id)
    texts = [norm(entry["text"]) for entry in entries]
    titles = {norm(entry["title"]) for entry in entries} | {
        norm(entry["parent"]) for entry in entries if entry["parent"]
    }
    knowledge, _ = article_lines(source_id)
    missing = []
    for line in knowledge:
        if norm(line) in titles:
            continue
        question = re.sub(r"^Q\d+:\s*", "", line)
        if norm(question) in titles:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if not any(norm(sentence) in text for text in texts):
                missing.append(sentence)
    assert missing == []


def test_the_review_sign_off_and_social_lines_appear_nowhere():
    _, sign_off = article_lines("review-2024")
    assert len(sign_off) == 7
    shipped = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DATA.rglob("*.yaml")))
    assert "headphonesthoughts" not in shipped.casefold()
    assert "headphonestblog" not in shipped.casefold()
    for line in sign_off:
        assert norm(line) not in norm(shipped)


def test_the_rating_is_knowledge_and_is_kept():
    final = {e["id"]: e for e in entries_of("review-2024")}["review-2024-final-thoughts"]
    assert final["text"].endswith("Rating: 3.5 out of 5 stars")


def test_the_manifest_lists_every_generated_file_and_its_article_in_the_repository():
    manifest = yaml.safe_load((DATA / "sources.yaml").read_text(encoding="utf-8"))
    assert manifest["domains"] == ["film"]
    by_id = {source["id"]: source for source in manifest["sources"]}
    assert {i: Path(s["path"]).name for i, s in by_id.items()} == ARTICLES
    generated = {p.relative_to(DATA).as_posix() for p in (DATA / "sources").glob("*.yaml")}
    assert generated == {f"sources/{source_id}.yaml" for source_id in by_id}
    for source in by_id.values():
        assert (DATA / source["path"]).is_file()


def test_ingest_all_regenerates_the_shipped_files_exactly_from_any_directory(
    tmp_path, monkeypatch, capsys
):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    for generated in (copy / "sources").glob("*.yaml"):
        generated.write_text("stale: true\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "..")
    assert main(["ingest", "--all", "--data", str(copy)]) == 0, capsys.readouterr().err
    for source_id in ARTICLES:
        shipped = source_file(source_id).read_text(encoding="utf-8")
        regenerated = (copy / "sources" / f"{source_id}.yaml").read_text(encoding="utf-8")
        assert regenerated == shipped, (
            f"data/sources/{source_id}.yaml drifted from the ingester; regenerate it with: "
            "python -m bot ingest --all"
        )
    header = source_file("wick-ballerina").read_text(encoding="utf-8").split("source:")[0]
    assert "python -m bot ingest --data data --only wick-ballerina" in header
    assert "python -m bot ingest --all" in header


def test_entry_ids_are_unique_short_and_slugs():
    ids = [entry["id"] for entry in all_entries()]
    assert len(ids) == len(set(ids))
    for entry_id in ids:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", entry_id) and len(entry_id) <= 64


def test_every_entry_is_curated_and_every_curation_key_names_an_entry():
    ids = {entry["id"] for entry in all_entries()}
    curated = set(curation()["entries"])
    assert curated - ids == set(), "curation for entries that do not exist"
    assert ids - curated == set(), "entries without curation"


def test_related_ids_exist_and_are_other_entries():
    ids = {entry["id"] for entry in all_entries()}
    for entry_id, extra in curation()["entries"].items():
        related = extra.get("related", [])
        assert 1 <= len(related) <= 3, entry_id
        assert set(related) <= ids, entry_id
        assert entry_id not in related


def test_aliases_are_questions_unique_across_entries_and_not_other_titles():
    titles = {norm(e["title"]).casefold(): e["id"] for e in all_entries()}
    owner: dict[str, str] = {}
    for entry_id, extra in curation()["entries"].items():
        aliases = extra.get("aliases", [])
        # up to 8: an entry that stands first in a group also takes the questions about the group
        assert 2 <= len(aliases) <= 8, entry_id
        for alias in aliases:
            key = norm(alias).casefold()
            assert alias.endswith("?"), alias
            assert owner.setdefault(key, entry_id) == entry_id, f"{alias!r} on two entries"
            assert titles.get(key, entry_id) == entry_id, f"{alias!r} is another entry's title"


def test_tags_come_from_the_controlled_set():
    for entry_id, extra in curation()["entries"].items():
        tags = extra.get("tags", [])
        assert tags and set(tags) <= TAGS, entry_id


def test_the_release_date_disagreement_names_the_entries_that_state_a_year():
    [disagreement] = curation()["disagreements"]
    assert disagreement["about"] == "release date"
    assert set(disagreement["entries"]) == RELEASE_ENTRIES
    assert "2024" in disagreement["note"] and "June 2025" in disagreement["note"]


def test_the_knowledge_base_loads_and_attaches_the_disagreement_note():
    kb = load_knowledge_base(DATA)
    assert len(kb.entries) == len(all_entries())
    for entry_id in RELEASE_ENTRIES:
        entry = kb.get(entry_id)
        assert entry is not None
        assert any("June 2025" in note for note in entry.notes)
    assert not [e.id for e in kb.entries if e.notes and e.id not in RELEASE_ENTRIES]


def test_glossary_variants_are_specific_and_belong_to_one_term():
    glossary = yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf-8"))
    owner: dict[str, str] = {}
    for term in [*glossary["names"], *glossary["words"]]:
        canonical = term["canonical"]
        for variant in [canonical, *term.get("variants", [])]:
            key = norm(str(variant)).casefold()
            assert key not in TOO_GENERIC, variant
            assert owner.setdefault(key, canonical) == canonical, f"{variant!r} in two terms"

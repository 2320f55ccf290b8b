"""Loading reports every problem at once, each naming the file, the entry and the field."""

from pathlib import Path

import pytest

from bot.core import KnowledgeBaseError, load_knowledge_base

GOOD_SOURCE = """
source: {id: demo, title: Demo Article, kind: feature}
entries:
  - id: demo-director
    kind: section
    title: Director
    text: Directed by Someone.
  - id: demo-faq-cast
    kind: faq
    title: Who stars in it?
    text: A famous actor.
    aliases: [who is in the cast]
"""


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def problems_of(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(write(tmp_path, files))
    return [str(p) for p in caught.value.problems]


def test_a_good_knowledge_base_loads_with_curation_merged(tmp_path):
    kb = load_knowledge_base(
        write(
            tmp_path,
            {
                "sources/demo.yaml": GOOD_SOURCE,
                "curation.yaml": (
                    "entries:\n  demo-director:\n    aliases: [who made it]\n    tags: [Crew]\n"
                    "    related: [demo-faq-cast]\n"
                    "disagreements:\n  - {about: x, entries: [demo-director], note: They differ.}\n"
                ),
                "glossary.yaml": "words:\n  - {canonical: direct, variants: [filmmaker]}\n",
            },
        )
    )
    director = kb.get("demo-director")
    assert director is not None
    assert director.aliases == ("who made it",)
    assert director.tags == ("crew",)
    assert director.notes == ("They differ.",)
    assert [e.id for e in kb.related("demo-director")] == ["demo-faq-cast"]
    summary = kb.summary()
    assert (summary.entries, summary.faqs, summary.glossary_terms) == (2, 1, 1)


@pytest.mark.parametrize(
    ("entry_yaml", "expected"),
    [
        ("- {id: e1, kind: section, text: t}", "entry 'e1', field 'title': is missing"),
        ("- {id: e1, title: '', text: t}", "entry 'e1', field 'title': is empty"),
        ("- {id: e1, title: [a, b], text: t}", "entry 'e1', field 'title': must be text, not list"),
        ("- {id: e1, title: T, text: t, aliases: 5}", "field 'aliases': must be a list"),
        (
            "- {id: e1, title: T, text: t, tittle: x}",
            "field 'tittle': unknown key (did you mean 'title'?)",
        ),
        ("- {id: Bad Id!, title: T, text: t}", "field 'id': must be 1-64 characters"),
        ("- {id: e1, title: T, text: t, kind: blog}", "field 'kind': must be one of faq, section"),
        (
            "- {id: e1, title: " + "x" * 300 + ", text: t}",
            "field 'title': is 300 characters; Discord allows at most 256",
        ),
        (
            "- {id: e1, title: T, text: " + "y" * 5000 + "}",
            "field 'text': is 5000 characters; Discord allows at most 4096",
        ),
        (
            "- {id: e1, title: T, text: t}\n  - {id: e1, title: U, text: u}",
            "entry 'e1', field 'id': duplicate id",
        ),
        (
            "- {id: e1, title: T, text: t, related: [nope]}",
            "field 'related': names unknown entry 'nope'",
        ),
    ],
)
def test_each_entry_problem_names_file_entry_and_field(tmp_path, entry_yaml, expected):
    source = f"source: {{id: s, title: S, kind: review}}\nentries:\n  {entry_yaml}\n"
    found = problems_of(tmp_path, {"s.yaml": source})
    assert any(p.startswith("s.yaml, ") and expected in p for p in found), found


def test_all_problems_are_reported_at_once_across_files(tmp_path):
    found = problems_of(
        tmp_path,
        {
            "a.yaml": "source: {id: a, title: A, kind: feature}\nentries:\n  - {id: x, text: t}\n",
            "b.yaml": "source: {id: b, title: B, kind: feature}\nentries:\n  - {id: y, title: T}\n",
            "broken.yaml": "entries: [unclosed\n",
        },
    )
    assert any(p.startswith("a.yaml, entry 'x', field 'title'") for p in found)
    assert any(p.startswith("b.yaml, entry 'y', field 'text'") for p in found)
    assert any(p.startswith("broken.yaml: is not valid YAML at line") for p in found)


def test_the_same_alias_on_two_entries_is_a_problem(tmp_path):
    source = (
        "source: {id: s, title: S, kind: faq}\nentries:\n"
        "  - {id: e1, title: A, text: a, aliases: [Who made it]}\n"
        "  - {id: e2, title: B, text: b, aliases: [who  MADE it]}\n"
    )
    found = problems_of(tmp_path, {"s.yaml": source})
    assert any("entry 'e2', field 'aliases'" in p and "also on entry 'e1'" in p for p in found)


def test_curation_for_an_unknown_entry_is_a_problem(tmp_path):
    found = problems_of(
        tmp_path,
        {"s.yaml": GOOD_SOURCE, "curation.yaml": "entries:\n  ghost:\n    tags: [x]\n"},
    )
    assert "curation.yaml, entry 'ghost': names no entry in any source file" in found


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe not utf-8", "is not UTF-8 text"),
        (b"- just\n- a list\n", "must be a mapping at the top, not list"),
        (b"", "is empty"),
        (b"source: !!python/object/apply:os.system [echo hi]\n", "is not valid YAML"),
    ],
)
def test_unreadable_files_are_reported_not_raised(tmp_path, content, expected):
    (tmp_path / "bad.yaml").write_bytes(content)
    (tmp_path / "good.yaml").write_text(GOOD_SOURCE)
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(tmp_path)
    assert any(p.file == "bad.yaml" and expected in p.message for p in caught.value.problems)


def test_a_missing_directory_is_one_clear_problem(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="is not a directory"):
        load_knowledge_base(tmp_path / "nope")

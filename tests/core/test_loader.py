"""Loading reports every problem at once, each naming the file, the entry and the field."""

import re
from pathlib import Path

import pytest

from bot.core import KnowledgeBaseError, load_knowledge_base
from bot.core.loader import closest_id

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
        (
            "- {id: e1, title: [a, b], text: t}",
            "entry 'e1', field 'title': must be text, not a list",
        ),
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
    assert any(re.match(r"s\.yaml line [34], ", p) and expected in p for p in found), found


def test_all_problems_are_reported_at_once_across_files(tmp_path):
    found = problems_of(
        tmp_path,
        {
            "a.yaml": "source: {id: a, title: A, kind: feature}\nentries:\n  - {id: x, text: t}\n",
            "b.yaml": "source: {id: b, title: B, kind: feature}\nentries:\n  - {id: y, title: T}\n",
            "broken.yaml": "entries: [unclosed\n",
        },
    )
    assert any(p.startswith("a.yaml line 3, entry 'x', field 'title'") for p in found)
    assert any(p.startswith("b.yaml line 3, entry 'y', field 'text'") for p in found)
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
    assert "curation.yaml line 2, entry 'ghost': names no entry in any source file" in found


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe not utf-8", "is not UTF-8 text"),
        (b"- just\n- a list\n", "must be a mapping at the top, not a list"),
        (b"", "is empty"),
        (b"# only a comment\n", "is empty"),
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


# Problems are reported against the file that holds the mistake, with its line -------------------

CURATION = """\
# hand-written
entries:
  demo-director:
    aliases: [who made it]
    related: [demo-faq-cats]
  demo-directr:
    tags: [crew]
disagreements:
  - about: release
    entries: [demo-director, demo-nope]
    note: They differ.
"""


def test_curation_mistakes_name_curation_yaml_its_line_and_the_closest_id(tmp_path):
    found = problems_of(tmp_path, {"sources/demo.yaml": GOOD_SOURCE, "curation.yaml": CURATION})
    assert sorted(found) == [
        "curation.yaml line 10, entry 'disagreements[1]', field 'entries': "
        "names unknown entry 'demo-nope'",  # nothing close enough to name
        "curation.yaml line 5, entry 'demo-director', field 'related': "
        "names unknown entry 'demo-faq-cats'; closest: demo-faq-cast",
        "curation.yaml line 6, entry 'demo-directr': names no entry in any source file; "
        "closest: demo-director",
    ]


def test_an_alias_curated_twice_is_reported_in_curation_yaml(tmp_path):
    curation = "entries:\n  demo-director:\n    aliases: [Who is in the CAST]\n"
    found = problems_of(tmp_path, {"sources/demo.yaml": GOOD_SOURCE, "curation.yaml": curation})
    assert found == [
        "curation.yaml line 3, entry 'demo-director', field 'aliases': "
        "alias 'Who is in the CAST' is also on entry 'demo-faq-cast'"
    ]


@pytest.mark.parametrize("content", ["", "# nothing curated yet\n", "---\n"])
def test_an_empty_curation_or_glossary_is_valid(tmp_path, content):
    files = {"sources/demo.yaml": GOOD_SOURCE, "curation.yaml": content, "glossary.yaml": content}
    kb = load_knowledge_base(write(tmp_path, files))
    assert len(kb) == 2 and kb.glossary == ()


def test_curation_can_override_a_title(tmp_path):
    curation = "entries:\n  demo-director:\n    title: Who directed it?\n"
    kb = load_knowledge_base(
        write(tmp_path, {"sources/demo.yaml": GOOD_SOURCE, "curation.yaml": curation})
    )
    director = kb.get("demo-director")
    assert director is not None and director.title == "Who directed it?"
    too_long = f"entries:\n  demo-director:\n    title: {'x' * 300}\n"
    found = problems_of(tmp_path, {"sources/demo.yaml": GOOD_SOURCE, "curation.yaml": too_long})
    assert found == [
        "curation.yaml line 3, entry 'demo-director', field 'title': "
        "is 300 characters; Discord allows at most 256"
    ]


PARTS = """\
source: {id: s, title: S, kind: faq}
entries:
  - {id: s-long, title: Long (1 of 2), text: first, part: 1, parts: 2, next: s-long-2}
  - {id: s-long-2, title: Long (2 of 2), text: second, part: 2, parts: 2}
"""


def test_parts_of_a_split_answer_are_loaded_and_linked(tmp_path):
    kb = load_knowledge_base(write(tmp_path, {"s.yaml": PARTS}))
    first = kb.get("s-long")
    assert first is not None and (first.part, first.parts, first.next) == (1, 2, "s-long-2")
    second = kb.get(first.next)
    assert second is not None and (second.part, second.parts, second.next) == (2, 2, None)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("next: s-long-2", "next: s-lung-2"), "s.yaml line 3, entry 's-long', field 'next': "
         "names unknown entry 's-lung-2'; closest: s-long-2"),
        (("part: 1,", "part: 3,"), "s.yaml line 3, entry 's-long', field 'part': "
         "is 3, more than parts (2)"),
        (("part: 1,", "part: first,"), "s.yaml line 3, entry 's-long', field 'part': "
         "must be a whole number, 1 or more"),
        ((" parts: 2}", " x: 1}"), "s.yaml line 4, entry 's-long-2', field 'x': unknown key"),
    ],
)  # fmt: skip
def test_bad_parts_are_reported_with_their_line(tmp_path, change, expected):
    found = problems_of(tmp_path, {"s.yaml": PARTS.replace(*change)})
    assert any(p.startswith(expected) for p in found), found


def test_the_manifest_and_articles_are_not_source_files(tmp_path):
    files = {
        "sources/demo.yaml": GOOD_SOURCE,
        "sources.yaml": "domains: [film, game]\nsources:\n  - {id: demo, title: D, kind: feature,"
        " path: articles/demo.md}\n",
        "articles/notes.yaml": "not: a source\n",
        "articles/demo.md": "# Demo\n",
    }
    kb = load_knowledge_base(write(tmp_path, files))
    assert kb.domains == ("film", "game")
    assert "sources.yaml" not in kb.files and kb.files == ("sources/demo.yaml",)


def test_without_a_manifest_there_are_no_domains(tmp_path):
    assert load_knowledge_base(write(tmp_path, {"s.yaml": GOOD_SOURCE})).domains == ()


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        ("domains: film games\n", "item 1 ('film games') must be a short name"),
        ("domains: {film: 1}\n", "field 'domains': must be a list of domain names"),
        ("domains: [flim]\n", "unknown domain 'flim' (did you mean 'film'?)"),
        ("sources:\n  - {id: a, title: A, kind: blog, path: x.md}\n", "field 'kind': must be one"),
        ("sources:\n  - {id: a, title: A, kind: faq}\n", "needs exactly one of path"),
        ("sources:\n  - {id: a, title: A, kind: faq, path: /etc/x}\n", "must be a relative path"),
        ("sources:\n  - {id: a, title: A, kind: faq, url: ftp://x}\n", "must start with https://"),
        ("sources:\n  - {id: a, title: A, kind: faq, path: a.md, output: glossary.yaml}\n",
         "field 'output': must be a .yaml file"),
        ("sources:\n  - {id: a, title: A, kind: faq, path: a.md}\n"
         "  - {id: a, title: B, kind: faq, path: b.md}\n",
         "line 3, entry 'a', field 'id': duplicate"),
    ],
)  # fmt: skip
def test_manifest_problems_name_sources_yaml_and_the_line(tmp_path, manifest, expected):
    found = problems_of(tmp_path, {"s.yaml": GOOD_SOURCE, "sources.yaml": manifest})
    assert any(p.startswith("sources.yaml line ") and expected in p for p in found), found


@pytest.mark.parametrize(
    ("stale", "expected"),
    [
        ("wick-ballerina-cast", "wick-ballerina-cast-and-crew"),  # a heading that grew
        ("wick-ballerina-the-director", "wick-ballerina-director-and-writers"),
        ("wick-ballerina-relase-date", "wick-ballerina-release-date"),  # a typo
        ("wick-ballerina-soundtrack", None),  # nothing like it: no guess
    ],
)
def test_the_closest_id_shares_heading_words_not_just_the_source_prefix(stale, expected):
    known = [
        "wick-ballerina-introduction",
        "wick-ballerina-cast-and-crew",
        "wick-ballerina-director-and-writers",
        "wick-ballerina-release-date",
        "wick-ballerina-mentors-and-crossovers",
        "review-2024-plot-overview",
    ]
    assert closest_id(stale, known) == expected


def test_faq_entries_are_browsed_under_their_group_and_the_rest_under_the_source(tmp_path):
    source = """\
source: {id: s, title: Club FAQ, kind: faq}
entries:
  - {id: s-intro, kind: section, title: Club FAQ, text: Welcome.}
  - {id: s-rise, kind: faq, title: "Why won't it rise?", parent: Starters, text: Too cold.}
  - {id: s-feed, kind: faq, title: "How often to feed?", parent: Starters, text: Daily.}
  - {id: s-flat, kind: faq, title: "Why is it flat?", parent: Baking, text: Over-proofed.}
  - {id: s-join, kind: faq, title: "How do I join?", parent: FAQs, text: Sign up.}
  - {id: s-fee, kind: faq, title: "Is there a fee?", text: "No."}
"""
    kb = load_knowledge_base(write(tmp_path, {"s.yaml": source}))
    assert [(t.name, [e.id for e in t.entries]) for t in kb.topics()] == [
        ("Club FAQ", ["s-intro"]),
        ("Starters", ["s-rise", "s-feed"]),
        ("Baking", ["s-flat"]),
        ("FAQ · Club FAQ", ["s-join", "s-fee"]),
    ]


def test_a_manifest_path_to_no_article_is_a_problem_before_ingest_needs_it(tmp_path):
    manifest = "sources:\n  - {id: demo, title: D, kind: feature, path: articles/gone.md}\n"
    found = problems_of(tmp_path, {"s.yaml": GOOD_SOURCE, "sources.yaml": manifest})
    assert found == [
        "sources.yaml line 2, entry 'demo', field 'path': names no file 'articles/gone.md' here; "
        "ingest --all needs it"
    ]

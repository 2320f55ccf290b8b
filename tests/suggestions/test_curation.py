"""Approving an alias edits curation.yaml in place: comments and layout kept, or nothing at all."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from bot.core import KnowledgeBaseError, load_knowledge_base
from bot.suggestions.curation import CurationError, add_alias, by_hand, with_alias

DATA = Path(__file__).resolve().parents[2] / "data"
DIRECTOR = "wick-ballerina-director-and-writers"


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def test_the_shipped_curation_file_gains_one_alias_and_nothing_else_changes() -> None:
    before = (DATA / "curation.yaml").read_text(encoding="utf-8")
    after = with_alias(before, DIRECTOR, "Who made this thing?")
    changed = changed_lines(before, after)
    assert len(changed) == 2  # one line out, the same line with the alias in
    assert changed[0].startswith("-    aliases: [")
    assert changed[1] == changed[0].replace("-", "+", 1)[:-1] + ', "Who made this thing?"]'


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # an entry not curated yet gets its own aliases list, in the file's flow style
        (
            "# mine\nentries:\n  a: {tags: [x]}\n",
            '# mine\nentries:\n  a: {tags: [x]}\n  b:\n    aliases: ["Hi?"]\n',
        ),
        # a curated entry without aliases gets the list first
        (
            "entries:\n  b:\n    tags: [x]  # keep me\n",
            'entries:\n  b:\n    aliases: ["Hi?"]\n    tags: [x]  # keep me\n',
        ),
        # an alias already there is not added twice
        ('entries:\n  b:\n    aliases: ["Hi?"]\n', 'entries:\n  b:\n    aliases: ["Hi?"]\n'),
        # an empty file starts the mapping
        ("", 'entries:\n  b:\n    aliases: ["Hi?"]\n'),
    ],
)
def test_an_alias_goes_where_an_admin_would_write_it(before: str, after: str) -> None:
    assert with_alias(before, "b", "Hi?") == after


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("entries: [oops\n", "curation.yaml is not valid YAML at line 2"),
        ("- a\n", "must be a mapping with `entries:`"),
        ("entries: 3\n", "`entries` must be a mapping of entry ids"),
        ("entries:\n  b: [1]\n", "entry 'b' must be a mapping"),
        ("entries:\n  b: {aliases: hello}\n", "entry 'b': `aliases` must be a list"),
    ],
)
def test_a_file_that_cannot_take_the_alias_says_why(text: str, message: str) -> None:
    with pytest.raises(CurationError, match=message.replace("(", r"\(")):
        with_alias(text, "b", "Hi?")


def test_an_added_alias_loads_with_the_whole_knowledge_base(data_dir: Path) -> None:
    written = add_alias(data_dir, DIRECTOR, "Who made this thing?")
    entry = written.kb.get(DIRECTOR)
    assert entry is not None and "Who made this thing?" in entry.aliases
    assert "Who made this thing?" in load_knowledge_base(data_dir).get(DIRECTOR).aliases  # type: ignore[union-attr]


def test_an_alias_that_breaks_the_knowledge_base_leaves_the_file_as_it_was(
    data_dir: Path,
) -> None:
    path = data_dir / "curation.yaml"
    before = path.read_bytes()
    taken = load_knowledge_base(data_dir).get("wick-ballerina-major-stars-in-the-film")
    assert taken is not None
    with pytest.raises(KnowledgeBaseError, match="is also on entry"):
        add_alias(data_dir, DIRECTOR, taken.aliases[0])  # an alias is on one entry only
    assert path.read_bytes() == before


def test_the_yaml_to_add_by_hand_is_valid_curation() -> None:
    text = "entries:\n" + by_hand("b", 'Who said "hi"?')
    assert with_alias(text, "b", 'Who said "hi"?') == text

"""Any Markdown-ish or plain text ingests without an exception into entries the loader accepts."""

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.ingest import FORMATS, ingest_article
from bot.core.loader import load_knowledge_base
from bot.core.model import SOURCE_KINDS

LONG = "The crust browns when the oven is hot enough. " * 40  # ~1,900 characters
FRAGMENTS = [
    "\n",
    "\n\n",
    "# ",
    "## ",
    "### ",
    "#### ",
    "- ",
    "* ",
    "  - ",
    "1. ",
    "> ",
    "**",
    "__",
    "*",
    "_",
    "`",
    "```\n",
    "Q: ",
    "Q1: ",
    "A: ",
    "?",
    "!!!",
    "?!?!",
    "..:: ",
    " ::..",
    "★彡 ",
    "=== ",
    "😀🍞 ",
    "\u0301\u0302\u0303\u0304",
    "\x00",
    "\u200b",
    "<details>",
    "<summary>",
    "</summary>",
    "</details>",
    "<dl><dt>",
    "</dt><dd>",
    "</dd></dl>",
    "<script>x</script>",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "---\ntitle: x\n---\n",
    "[",
    "](",
    ")",
    "https://example.com/page",
    "Click here to read more",
    "Follow me on Instagram @baker",
    "How do I reset my password?",
    "Why is my loaf flat?",
    "- **Name**: a description of the item",
    "Term\n: Definition\n",
    "Cast and Crew",
    "FAQs",
    LONG,
    "x" * 300,
]

articles = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=80).map(
    "".join
)


def assert_loads(article_dict: dict, source_id: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "sources").mkdir()
        text = yaml.safe_dump(article_dict, allow_unicode=True, sort_keys=False)
        (root / "sources" / f"{source_id}.yaml").write_text(text, encoding="utf-8")
        kb = load_knowledge_base(root)  # raises KnowledgeBaseError on any problem
        assert len(kb.entries) == len(article_dict["entries"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=articles, kind=st.sampled_from(SOURCE_KINDS), fmt=st.sampled_from(FORMATS))
def test_any_text_ingests_into_entries_the_loader_accepts(text, kind, fmt):
    article = ingest_article(text, source_id="demo", title="Demo Article", kind=kind, fmt=fmt)
    ids = [entry.id for entry in article.entries]
    assert len(ids) == len(set(ids))
    for entry in article.entries:
        assert entry.text.strip() and entry.title.strip()
    if article.entries:
        assert_loads(article.to_dict(), "demo")


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=400), fmt=st.sampled_from(FORMATS))
def test_arbitrary_unicode_never_raises(text, fmt):
    article = ingest_article(text, source_id="demo", title="Demo", kind="faq", fmt=fmt)
    if article.entries:
        assert_loads(article.to_dict(), "demo")

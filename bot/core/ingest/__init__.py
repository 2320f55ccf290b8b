"""Article text -> knowledge-base entries: Markdown (markdown-it-py) or plain text.

Pure: a string in, a frozen `IngestedArticle` out; no I/O. The stages, each its own module:

* read: `markdown` (CommonMark through markdown-it-py, with raw `<details>`/`<dl>` HTML read by
  `html`) or `plain` (one heading a line, as pasted from a browser) turn the text into tokens:
  headings, questions, bullets, paragraphs. `fmt="auto"` reads Markdown when the text has
  Markdown structure (an ATX heading, a bold line, a link, a fence, a table, front matter, a
  `<details>` or `<dl>` block), else plain text.
* clean (`lines`): link-only lines are dropped, titles lose their decoration, and a sign-off is
  dropped from the first contact or social-media line after the last heading to the end.
* build: the tokens become a tree of headings; a heading with no text of its own is a group;
  questions with answers are FAQ entries (every heading with text is one under kind "faq"); an
  answer too long for one embed is split into parts (`split`). Ids are the source id and the
  slug of the heading (`faq-` and the question for a question that is not a heading), so they
  stay the same while the heading does.
"""

from __future__ import annotations

import re

from bot.core.ingest.build import (
    build_tree,
    clean_headings,
    cut_sign_off,
    make_entries,
)
from bot.core.ingest.lines import (
    is_link_only_line,
    is_sign_off_line,
    looks_like_heading,
    looks_like_question_line,
    normalise_space,
    slugify,
    strip_controls,
)
from bot.core.ingest.markdown import markdown_tokens
from bot.core.ingest.model import (
    ID_LIMIT,
    PART_LIMIT,
    TEXT_LIMIT,
    TITLE_LIMIT,
    IngestedArticle,
    IngestedEntry,
)
from bot.core.ingest.plain import plain_tokens
from bot.core.model import SOURCE_KINDS

__all__ = [
    "FORMATS",
    "ID_LIMIT",
    "PART_LIMIT",
    "TEXT_LIMIT",
    "TITLE_LIMIT",
    "IngestedArticle",
    "IngestedEntry",
    "detect_format",
    "ingest_article",
    "is_link_only_line",
    "is_sign_off_line",
    "looks_like_heading",
    "looks_like_question_line",
    "normalise_space",
    "slugify",
]

FORMATS = ("auto", "markdown", "text")
SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_MARKDOWN_SIGNS = re.compile(
    r"^#{1,6}(?:[ \t]|$)"  # an ATX heading
    r"|^\*\*[^*\n]{1,300}\*\*[ \t]*$|^__[^_\n]{1,300}__[ \t]*$"  # a bold line
    r"|^\*\*[^*\n]{1,300}\?\*\*"  # a bold question leading its answer
    r"|\[[^\[\]\n]{1,300}\]\([^()\s]{1,2000}\)"  # a link
    r"|^(?:```|~~~)"  # a code fence
    r"|^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|"  # a table's delimiter row
    r"|^[ \t]*<(?:details|summary|dl|dt)\b",  # an HTML FAQ block
    re.MULTILINE | re.IGNORECASE,
)


def detect_format(text: str) -> str:
    """'markdown' when the text has Markdown structure, else 'text'."""
    if text.startswith("---\n") or _MARKDOWN_SIGNS.search(text):
        return "markdown"
    return "text"


def ingest_article(
    text: str, *, source_id: str, title: str, kind: str, fmt: str = "auto"
) -> IngestedArticle:
    """Turn an article (Markdown or plain text) into entries; see the module docstring."""
    if not SOURCE_ID_PATTERN.match(source_id):
        raise ValueError(
            f"source id {source_id!r} must be 1-40 characters of a-z, 0-9 and '-' "
            "(not starting or ending with '-')"
        )
    if kind not in SOURCE_KINDS:
        raise ValueError(f"kind {kind!r} must be one of {', '.join(SOURCE_KINDS)}")
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} must be one of {', '.join(FORMATS)}")
    title = normalise_space(strip_controls(title))
    if not title:
        raise ValueError("the article title is empty")
    text = strip_controls(text)
    if fmt == "auto":
        fmt = detect_format(text)
    all_faq = kind == "faq"
    read = markdown_tokens if fmt == "markdown" else plain_tokens
    tokens, links = read(text, title, all_faq)
    tokens, cut_line = cut_sign_off(tokens)
    sign_off: tuple[str, ...] = ()
    if cut_line is not None:
        lines = (normalise_space(line) for line in text.split("\n")[cut_line - 1 :])
        sign_off = tuple(line for line in lines if line)
    nodes = build_tree(clean_headings(tokens), title)
    built = make_entries(nodes, source_id, all_faq)
    for entry in built.entries:
        if len(entry.text) > TEXT_LIMIT or len(entry.title) > TITLE_LIMIT:  # pragma: no cover
            raise AssertionError(f"{entry.id}: entry over the embed limits")
    return IngestedArticle(
        source_id=source_id,
        title=title,
        kind=kind,
        entries=tuple(built.entries),
        dropped=(*links, *sign_off),
        dropped_from_line=cut_line,
        warnings=tuple(built.warnings),
        dropped_links=tuple(links),
        groups=built.groups,
        split_answers=built.split_answers,
        split_parts=built.split_parts,
        item_lists=built.item_lists,
    )

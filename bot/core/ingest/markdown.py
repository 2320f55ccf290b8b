"""Markdown -> tokens, through markdown-it-py (CommonMark, tables, front matter, definitions).

Emphasis becomes its text, links their text, images their alt text; lists stay `- item` lines
(nested ones indented), tables become `a | b` rows, code stays in backticks or fences, and raw
HTML blocks are read for `<details>/<summary>` and `<dl>/<dt>/<dd>` questions and answers.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from bot.core.ingest.html import HtmlBlocks
from bot.core.ingest.lines import (
    is_link_only_line,
    normalise_space,
    same_title,
)
from bot.core.ingest.model import TITLE_LIMIT, Token
from bot.core.ingest.plain import FAQ_HEADING, QUESTION, QUESTION_AND_ANSWER

MAX_NESTING = 20  # markdown-it stops nesting there: deep input cannot recurse without end
_NAME_LEAD = re.compile(r"^[\s:–—-]+")
_BARE_ANCHOR = re.compile(r"[\w-]+")  # no scheme, path or extension: a heading's slug


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    return md.enable(["table", "strikethrough"]).use(front_matter_plugin).use(deflist_plugin)


def markdown_tokens(text: str, title: str, all_faq: bool) -> tuple[list[Token], list[str]]:
    """The blocks of a Markdown article, and the link-only lines left out."""
    root = SyntaxTreeNode(_parser().parse(text))
    walker = _Walker(all_faq)
    walker.blocks(root.children)
    walker.html.close()
    tokens = _skip_title(walker.tokens, title, walker.h1_count)
    return tokens, walker.links


class _Walker:
    def __init__(self, all_faq: bool) -> None:
        self.tokens: list[Token] = []
        self.links: list[str] = []
        self.all_faq = all_faq
        self.faq_level = 0  # level of the open "FAQ" heading, 0 when none
        self.h1_count = 0
        self.html = HtmlBlocks(self.tokens)

    def emit(self, token: Token) -> None:
        self.tokens.append(token)

    @property
    def in_faq(self) -> bool:
        return self.all_faq or self.faq_level > 0

    def after_question(self) -> bool:
        return bool(self.tokens) and self.tokens[-1].kind == "question"

    def blocks(self, nodes: list[SyntaxTreeNode]) -> None:
        for node in nodes:
            self.block(node)

    def block(self, node: SyntaxTreeNode) -> None:
        line = node.map[0] + 1 if node.map else 0
        kind = node.type
        if kind == "heading":
            self.heading(node, line)
        elif kind == "paragraph":
            self.paragraph(node, line)
        elif kind in ("bullet_list", "ordered_list") and _is_contents(node):
            # A table of contents ("- [Game is lagging](#game-is-lagging)") only repeats the
            # headings: as text it would match every question those headings answer.
            items = _list_items(node, 0)
            self.links.extend(line.strip() for _, text, _, _ in items for line in text.split("\n"))
        elif kind in ("bullet_list", "ordered_list"):
            for item_line, text, name, body in _list_items(node, 0):
                self.emit(Token("bullet", text, item_line or line, label=name, body=body))
        elif kind in ("fence", "code_block"):
            code = _code(node)
            if code:
                self.emit(Token("text", code, line))
        elif kind == "table":
            rows = _table_rows(node)
            if rows:
                self.emit(Token("text", "\n".join(rows), line))
        elif kind == "html_block":
            self.html.feed(node.content, line)
        elif kind == "dl":
            self.definitions(node, line)
        elif kind in ("blockquote", "root"):
            self.blocks(node.children)
        # hr, front_matter: formatting and metadata, not text

    def heading(self, node: SyntaxTreeNode, line: int) -> None:
        level = int(node.tag[1:]) if node.tag[1:].isdigit() else 1
        text = normalise_space(inline_text(node.children))
        self.h1_count += level == 1
        if self.faq_level and level <= self.faq_level:
            self.faq_level = 0
        numbered = QUESTION.match(text)
        if numbered:
            label = f"Q{numbered.group(1)}"
            self.emit(Token("question", numbered.group(2).strip(), line, level, label))
        elif self.in_faq and text.endswith("?") and len(text) <= TITLE_LIMIT:
            self.emit(Token("question", text, line, level))
        else:
            if FAQ_HEADING.match(text):
                self.faq_level = level
            self.emit(Token("heading", text, line, level))

    def paragraph(self, node: SyntaxTreeNode, line: int) -> None:
        inline = node.children
        if _only_links(inline):
            self.links.append(normalise_space(inline_text(inline)))
            return
        pending: list[str] = []
        for text, bold, lead in _inline_lines(inline):
            text = normalise_space(text)
            if not text:
                continue
            lead = normalise_space(lead)
            if lead.endswith("?") and len(lead) <= TITLE_LIMIT and text.startswith(lead):
                # "**Why is my loaf flat?** Your starter is weak.": the answer on the same line
                self._flush(pending, line)
                numbered = QUESTION.match(lead)
                label = f"Q{numbered.group(1)}" if numbered else ""
                question = numbered.group(2).strip() if numbered else lead
                self.emit(Token("question", question, line, label=label))
                text = _NAME_LEAD.sub("", text[len(lead) :], count=1)  # "A:" goes with the answer
                if not text:
                    continue
                bold = False
            both = QUESTION_AND_ANSWER.match(text)
            if both:  # "Q: Can I freeze dough? A: Yes." on one line
                self._flush(pending, line)
                label = f"Q{both.group(1)}"
                self.emit(Token("question", both.group(2).strip(), line, label=label))
                pending.append(both.group(3))
                continue
            numbered = QUESTION.match(text)
            bold_question = bold and text.endswith("?") and len(text) <= TITLE_LIMIT
            faq_line = (
                self.in_faq
                and text.endswith("?")
                and len(text) <= TITLE_LIMIT
                and not pending
                and not self.after_question()
            )
            if numbered or bold_question or faq_line:
                self._flush(pending, line)
                label = f"Q{numbered.group(1)}" if numbered else ""
                question = numbered.group(2).strip() if numbered else text
                self.emit(Token("question", question, line, label=label))
            elif is_link_only_line(text):
                self.links.append(text)
            else:
                pending.append(text)
        self._flush(pending, line)

    def _flush(self, pending: list[str], line: int) -> None:
        if pending:
            self.emit(Token("text", " ".join(pending), line))
            pending.clear()

    def definitions(self, node: SyntaxTreeNode, line: int) -> None:
        """`Term` then `: definition`: a question and its answer, or a named item."""
        term = ""
        for child in node.children:
            if child.type == "dt":
                term = normalise_space(inline_text(_inline_of(child)))
            elif child.type == "dd":
                body = " ".join(_flat_lines(child.children, 0))
                self.html.definition(term, normalise_space(body), line)


def _skip_title(tokens: list[Token], title: str, h1_count: int) -> list[Token]:
    """Drop a first heading (or line) that is the article title, or a lone leading `#`."""
    if not tokens:
        return tokens
    first = tokens[0]
    lone_h1 = first.kind == "heading" and first.level == 1 and h1_count == 1
    if first.kind in ("heading", "text") and (same_title(first.text, title) or lone_h1):
        return tokens[1:]
    return tokens


def _inline_of(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    return node.children[0].children if node.children and node.children[0].type == "inline" else []


def inline_text(nodes: list[SyntaxTreeNode]) -> str:
    """Inline Markdown as plain text: emphasis and links become their text, code keeps `ticks`."""
    return " ".join(text for text, _, _ in _inline_lines(nodes))


def _inline_lines(nodes: list[SyntaxTreeNode]) -> list[tuple[str, bool, str]]:
    """The lines of a paragraph: text, whether it is all bold, and a bold lead before more text."""
    nodes = _inline_nodes(nodes)
    lines: list[tuple[str, bool, str]] = []
    parts: list[str] = []
    bold = True
    lead = ""
    for node in nodes:
        if node.type in ("softbreak", "hardbreak"):
            joined = "".join(parts)
            lines.append((joined, bold and bool(joined.strip()), "" if bold else lead))
            parts, bold, lead = [], True, ""
            continue
        text = _inline(node)
        if node.type == "strong" and not "".join(parts).strip():
            lead = text
        if node.type != "strong" and text.strip():
            bold = False
        parts.append(text)
    joined = "".join(parts)
    lines.append((joined, bold and bool(joined.strip()), "" if bold else lead))
    return lines


def _inline(node: SyntaxTreeNode) -> str:
    kind = node.type
    if kind == "text":
        return node.content
    if kind == "code_inline":
        return f"`{node.content}`"
    if kind in ("softbreak", "hardbreak"):
        return " "
    if kind == "image":
        return node.content or ""
    if kind == "html_inline":
        return ""
    return "".join(_inline(child) for child in node.children)


def _inline_nodes(nodes: list[SyntaxTreeNode]) -> list[SyntaxTreeNode]:
    """A block's inline nodes, whether given the block's children or the inline ones."""
    return nodes[0].children if len(nodes) == 1 and nodes[0].type == "inline" else nodes


def _only_links(nodes: list[SyntaxTreeNode]) -> bool:
    nodes = _inline_nodes(nodes)
    links = _links(nodes)
    rest = [
        n for n in nodes if n.type != "link" and not (n.type == "text" and not n.content.strip())
    ]
    return bool(links) and not [n for n in rest if n.type not in ("softbreak", "hardbreak")]


def _is_contents(node: SyntaxTreeNode) -> bool:
    """Whether a list is a table of contents: each item only links within the page."""
    return bool(node.children) and all(
        _is_contents(child)
        if child.type in ("bullet_list", "ordered_list")
        else child.type == "paragraph" and _links_within_page(child.children)
        for item in node.children
        for child in item.children
    )


def _links_within_page(nodes: list[SyntaxTreeNode]) -> bool:
    """Whether a paragraph is only links, each to an anchor of the same page."""
    hrefs = [str(link.attrs.get("href", "")) for link in _links(nodes)]
    return _only_links(nodes) and all(_in_page(href) for href in hrefs)


def _in_page(href: str) -> bool:
    """An anchor on the same page: "#game-is-lagging", or one typed without its "#"."""
    return href.startswith("#") or _BARE_ANCHOR.fullmatch(href) is not None


def _links(nodes: list[SyntaxTreeNode]) -> list[SyntaxTreeNode]:
    return [n for n in _inline_nodes(nodes) if n.type == "link"]


def _list_items(node: SyntaxTreeNode, depth: int) -> list[tuple[int, str, str, str]]:
    """Each item of a list: (line, `- item` text with nested lines, name, description)."""
    out: list[tuple[int, str, str, str]] = []
    number = int(node.info) if node.type == "ordered_list" and node.info.isdigit() else 1
    for index, item in enumerate(node.children):
        marker = f"{number + index}." if node.type == "ordered_list" else "-"
        own: list[str] = []
        nested: list[str] = []
        name = body = ""
        for child in item.children:
            if child.type == "paragraph" and not nested:
                if not own:
                    name, body = _named(child.children)
                own.append(normalise_space(inline_text(child.children)))
            else:
                nested.extend(_flat_lines([child], depth + 1))
        indent = "  " * depth
        text = f"{indent}{marker} {' '.join(p for p in own if p)}".rstrip()
        lines = [text, *nested] if own or not nested else nested
        line = item.map[0] + 1 if item.map else 0
        if name and nested:
            body = "\n".join([body, *(n[2:] if n.startswith("  ") else n for n in nested)])
        out.append((line, "\n".join(lines), name, body))
    return out


def _named(nodes: list[SyntaxTreeNode]) -> tuple[str, str]:
    """`**Name**: description` -> (Name, description); ("", "") when the item has no bold name."""
    nodes = _inline_nodes(nodes)
    if not nodes or nodes[0].type != "strong":
        return "", ""
    name = normalise_space(_inline(nodes[0])).rstrip(":").strip()
    rest = normalise_space(_NAME_LEAD.sub("", "".join(_inline(n) for n in nodes[1:])))
    return (name, rest) if name and rest else ("", "")


def _flat_lines(nodes: list[SyntaxTreeNode], depth: int) -> list[str]:
    """Blocks inside a list item or a definition, as indented lines."""
    lines: list[str] = []
    indent = "  " * depth
    for node in nodes:
        if node.type in ("bullet_list", "ordered_list"):
            lines.extend(text for _, text, _, _ in _list_items(node, depth))
        elif node.type == "paragraph":
            lines.append(indent + normalise_space(inline_text(node.children)))
        elif node.type in ("fence", "code_block"):
            lines.append(_code(node))
        elif node.type == "table":
            lines.extend(indent + row for row in _table_rows(node))
        elif node.type in ("heading", "dt"):
            lines.append(indent + normalise_space(inline_text(_inline_of(node) or node.children)))
        elif node.children:
            lines.extend(_flat_lines(node.children, depth))
    return [line for line in lines if line.strip()]


def _code(node: SyntaxTreeNode) -> str:
    code = "\n".join(line.rstrip() for line in node.content.strip("\n").split("\n"))
    if not code.strip():
        return ""
    return f"```{normalise_space(node.info)}\n{code.replace('```', '`‵`')}\n```"


def _table_rows(node: SyntaxTreeNode) -> list[str]:
    """A table as text rows, cells joined by ' | ', header first."""
    rows: list[str] = []
    for section in node.children:
        for row in section.children:
            cells = [normalise_space(inline_text(_inline_of(cell))) for cell in row.children]
            if any(cells):
                rows.append(" | ".join(cells))
    return rows

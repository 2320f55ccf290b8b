"""Article text -> knowledge-base sections: Markdown headings, or plain-text heading lines.

Pure: a string in, a frozen `IngestedArticle` out; no I/O. The rules, in order:

* Markdown mode when any line is an ATX heading (`## Cast`): only those lines are headings and
  their level gives the nesting. Otherwise plain-text mode, where a heading is a short line
  (<= 80 characters, <= 12 words) without closing punctuation, in Title Case ("Who Is Ballerina?"
  counts), that is not a bullet item. A heading directly followed by another heading is a parent;
  later headings with text are its children until the next parent or a closing heading such as
  "Conclusion" or "FAQs".
* FAQ questions: `Q1: ...?` lines anywhere, and question lines under an "FAQ"/"FAQs" heading,
  become `faq` entries whose text is the answer.
* A first line equal to the article title (or a lone leading Markdown `#` title) is not a section;
  text before the first heading becomes an introduction entry titled with the article title.
* Bullets (`- item`, `* item`, or a lone `-` line followed by the item) are kept as `- item` lines.
* A heading with sub-headings but no text of its own gets its sub-sections composed as its text.
* A sign-off is dropped: from the first contact or social-media line (an @handle, an e-mail
  address, "follow me", "message me", "social media", "subscribe") after the last heading to the
  end. The dropped lines are reported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from bot.core.model import SOURCE_KINDS

ID_LIMIT = 64
TITLE_LIMIT = 256
TEXT_LIMIT = 4096
HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 12
SIGN_OFF_MAX_WORDS = 40
SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")

# Words Title Case leaves in lower case, and name particles ("Ana de Armas").
_MINOR_WORDS = frozenset(
    "a an the and but or nor for so yet as at by in of on to up via vs vs. per from into onto "
    "with than over off de da del della di du van von der den la le bin al el".split()
)
_CLOSING = ".,;:!…"
_TRAILING_WRAPPERS = "\"'”’)]*_"
_UNICODE_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff]")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,}|~{3,})$")
_BULLET = re.compile(r"^[-*•+]\s+(.*)$")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+\S")
_LONE_BULLET = frozenset("-*•+")
_QUESTION = re.compile(r"^(?:\*\*)?Q(\d*)\s*[:.)]\s*(.+?\?)(?:\*\*)?$", re.IGNORECASE)
_ANSWER_PREFIX = re.compile(r"^A\d*\s*[:.)]\s+", re.IGNORECASE)
_FAQ_HEADING = re.compile(r"^(?:faqs?|frequently asked questions)\b", re.IGNORECASE)
_CLOSING_HEADINGS = frozenset(
    (
        "conclusion",
        "conclusions",
        "in conclusion",
        "summary",
        "verdict",
        "the verdict",
        "final verdict",
        "final thoughts",
        "closing thoughts",
        "wrapping up",
        "bottom line",
        "the bottom line",
        "faq",
        "faqs",
        "frequently asked questions",
    )
)
_SIGN_OFF = re.compile(
    r"(?<![\w.@])@[A-Za-z0-9_]{2,}"  # an @handle
    r"|[\w.+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+"  # an e-mail address
    r"|\b(?:follow|message|contact|dm)\s+(?:me|us)\b"
    r"|\bsocial\s+media\b|\bsubscribe\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class IngestedEntry:
    """One generated entry: a section or an FAQ answer, as written to data/sources/*.yaml."""

    id: str
    kind: str
    title: str
    parent: str | None
    where: str
    text: str

    def to_dict(self) -> dict[str, str | None]:
        """The entry as the YAML mapping the loader reads, keys in file order."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "parent": self.parent,
            "where": self.where,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class IngestedArticle:
    """An article turned into entries, with the sign-off lines that were left out."""

    source_id: str
    title: str
    kind: str
    entries: tuple[IngestedEntry, ...]
    dropped: tuple[str, ...] = ()
    dropped_from_line: int | None = None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The `source:` and `entries:` document for a data/sources/*.yaml file."""
        return {
            "source": {"id": self.source_id, "title": self.title, "kind": self.kind},
            "entries": [entry.to_dict() for entry in self.entries],
        }


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # heading | question | bullet | text
    text: str
    line: int
    level: int = 0
    label: str = ""
    block_start: bool = True


@dataclass(slots=True)
class _Node:
    title: str
    kind: str
    level: int
    parent: _Node | None
    label: str = ""
    is_faq_heading: bool = False
    questions: int = 0
    items: list[tuple[str, str]] = field(default_factory=list)  # ("p" | "li", text)
    children: list[_Node] = field(default_factory=list)


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (tabs, no-break spaces) to one space; drop zero-width ones."""
    return _UNICODE_SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def slugify(text: str, limit: int = ID_LIMIT) -> str:
    """Lowercase a-z0-9 words joined by '-', cut at a word boundary to at most `limit` chars."""
    plain = unicodedata.normalize("NFKD", text.replace("’", "").replace("'", ""))
    ascii_text = plain.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:limit]
    return slug.strip("-")


def is_sign_off_line(line: str) -> bool:
    """True for a short contact or social-media line: an @handle, e-mail, 'follow me'..."""
    return len(line.split()) <= SIGN_OFF_MAX_WORDS and _SIGN_OFF.search(line) is not None


def looks_like_heading(line: str) -> bool:
    """True for a short Title Case line without closing punctuation (plain-text heading)."""
    if len(line) > HEADING_MAX_CHARS or not any(ch.isalpha() for ch in line):
        return False
    words = line.split()
    if len(words) > HEADING_MAX_WORDS or _BULLET.match(line) or _NUMBERED.match(line):
        return False
    if line.rstrip(_TRAILING_WRAPPERS)[-1:] in _CLOSING or line[-1] in _CLOSING:
        return False
    counted = capitalised = 0
    for position, word in enumerate(words):
        core = word.strip("\"'“”‘’()[]{}*_,;:!?.–—-")
        first = next((ch for ch in core if ch.isalpha() or ch.isdigit()), "")
        if not first or first.isdigit():
            continue
        if position > 0 and core.casefold() in _MINOR_WORDS:
            continue
        if counted == 0 and not first.isupper():
            return False
        counted += 1
        capitalised += first.isupper()
    return counted > 0 and capitalised / counted >= 0.75


def _same_title(line: str, title: str) -> bool:
    def key(text: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())

    return bool(title) and key(line) == key(title)


def _strip_emphasis(text: str) -> str:
    for mark in ("**", "__"):
        if text.startswith(mark) and text.endswith(mark) and len(text) > 2 * len(mark):
            text = text[len(mark) : -len(mark)].strip()
    return text


def _tokenise(lines: list[str], markdown: bool, skip: int | None) -> list[_Token]:
    """Classify the non-blank lines (but `skip`, the title line) in order."""
    content = [i for i, line in enumerate(lines) if line and i != skip]
    has_blank_lines = bool(content) and not all(
        lines[i] and i != skip for i in range(content[0], content[-1] + 1)
    )
    tokens: list[_Token] = []
    pending_bullet = False
    previous_blank = True
    in_faq = False
    after_question = False
    for number, line in enumerate(lines, 1):
        if not line or number - 1 == skip:
            previous_blank = True
            continue
        block_start = previous_blank or not has_blank_lines
        previous_blank = False
        if _RULE.match(line):
            continue
        if line in _LONE_BULLET:
            pending_bullet = True
            continue
        last = tokens[-1] if tokens else None
        token = _classify(
            line, number, markdown, pending_bullet, block_start, in_faq, after_question, last
        )
        pending_bullet = False
        if token.kind == "heading":
            in_faq = bool(_FAQ_HEADING.match(token.text)) or (
                in_faq and markdown and token.level > _faq_level(tokens)
            )
        after_question = token.kind == "question"
        if (
            token.kind == "text"
            and not token.block_start
            and last is not None
            and last.kind in ("text", "bullet")
        ):
            tokens[-1] = _Token(last.kind, f"{last.text} {token.text}", last.line, 0, "", False)
            continue
        tokens.append(token)
    return tokens


def _faq_level(tokens: list[_Token]) -> int:
    for token in reversed(tokens):
        if token.kind == "heading" and _FAQ_HEADING.match(token.text):
            return token.level
    return 0


def _classify(
    line: str,
    number: int,
    markdown: bool,
    pending_bullet: bool,
    block_start: bool,
    in_faq: bool,
    after_question: bool,
    last: _Token | None,
) -> _Token:
    if pending_bullet:
        return _Token("bullet", f"- {line}", number)
    bullet = _BULLET.match(line)
    if bullet:
        return _Token("bullet", f"- {bullet.group(1)}", number)
    if _NUMBERED.match(line):
        return _Token("bullet", line, number)
    heading_text: str | None = None
    level = 0
    if markdown:
        found = _MD_HEADING.match(line)
        if found:
            heading_text, level = _strip_emphasis(found.group(2)), len(found.group(1))
    question = _QUESTION.match(heading_text or _strip_emphasis(line))
    if question:
        text = question.group(2).strip()
        return _Token("question", text, number, level, f"Q{question.group(1)}".upper())
    candidate = heading_text or line
    if in_faq and candidate.endswith("?") and len(candidate) <= TITLE_LIMIT and not after_question:
        return _Token("question", _strip_emphasis(candidate), number, level)
    if heading_text is not None:
        return _Token("heading", heading_text, number, level)
    plain_heading = (
        not markdown
        and not after_question
        and (block_start or (last is not None and last.kind == "heading"))
        and looks_like_heading(line)
        and not is_sign_off_line(line)
    )
    if plain_heading:
        return _Token("heading", line, number)
    return _Token("text", line, number, block_start=block_start)


def _cut_sign_off(tokens: list[_Token]) -> tuple[list[_Token], int | None]:
    """Drop tokens from the first sign-off line after the last heading or question.

    The first line of that last section stays, so a final FAQ answer is never taken for one.
    """
    last_heading = max(
        (i for i, t in enumerate(tokens) if t.kind in ("heading", "question")), default=-2
    )
    for index in range(last_heading + 2, len(tokens)):
        if is_sign_off_line(tokens[index].text):
            return tokens[:index], tokens[index].line
    return tokens, None


def _plain_levels(tokens: list[_Token]) -> list[_Token]:
    """Give plain-text headings a level: 1 for parents and top sections, 2 for their children."""
    out: list[_Token] = []
    in_parent = False
    for index, token in enumerate(tokens):
        if token.kind != "heading":
            out.append(token)
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        closing = _heading_key(token.text) in _CLOSING_HEADINGS
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind == "heading"
            and previous.level == 1
            and in_parent
        ):
            level = 2
        elif closing:
            level, in_parent = 1, False
        elif following is not None and following.kind == "heading":
            level, in_parent = 1, True
        else:
            level = 2 if in_parent else 1
        out.append(_Token("heading", token.text, token.line, level))
    return out


def _heading_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _build_tree(tokens: list[_Token], title: str) -> list[_Node]:
    """Nodes in document order; each node knows its parent heading."""
    intro = _Node(title, "section", 0, None, label="Introduction")
    nodes: list[_Node] = [intro]
    stack: list[_Node] = []  # open headings, outermost first
    current = intro
    faq_count = 0
    for token in tokens:
        if token.kind == "heading":
            while stack and stack[-1].level >= token.level:
                stack.pop()
            parent = stack[-1] if stack else None
            node = _Node(token.text, "section", token.level, parent)
            node.is_faq_heading = bool(_FAQ_HEADING.match(token.text))
            if parent is not None:
                parent.children.append(node)
            stack.append(node)
            nodes.append(node)
            current = node
        elif token.kind == "question":
            while stack and token.level and stack[-1].level >= token.level:
                stack.pop()
            parent = stack[-1] if stack else None
            faq_count += 1
            label = token.label if token.label not in ("", "Q") else f"Q{faq_count}"
            node = _Node(token.text, "faq", 99, parent, label=label)
            if parent is not None:
                parent.questions += 1
            nodes.append(node)
            current = node
        else:
            text = token.text
            if current.kind == "faq" and not current.items:
                text = _ANSWER_PREFIX.sub("", text, count=1)
            current.items.append(("li" if token.kind == "bullet" else "p", text))
    return nodes


def _render_items(items: list[tuple[str, str]]) -> str:
    parts: list[str] = []
    previous = ""
    for kind, text in items:
        if parts:
            parts.append("\n" if kind == "li" and previous == "li" else "\n\n")
        parts.append(text)
        previous = kind
    return "".join(parts)


def _node_text(node: _Node) -> str:
    """Own text, or for a parent without text its sections composed as bold-titled blocks."""
    own = _render_items(node.items)
    if own or node.is_faq_heading or node.questions:
        return own
    blocks = []
    for child in node.children:
        text = _node_text(child)
        if text:
            blocks.append(f"**{child.title}**\n{text}")
    return "\n\n".join(blocks)


def _path(node: _Node) -> list[str]:
    names: list[str] = []
    walk: _Node | None = node
    while walk is not None:
        names.append(walk.title)
        walk = walk.parent
    return names[::-1]


def _unique_id(base: str, taken: set[str]) -> str:
    candidate = base
    counter = 1
    while candidate in taken:
        counter += 1
        suffix = f"-{counter}"
        candidate = slugify(base, ID_LIMIT - len(suffix)) + suffix
    taken.add(candidate)
    return candidate


def ingest_article(text: str, *, source_id: str, title: str, kind: str) -> IngestedArticle:
    """Turn an article (Markdown or plain text) into entries; see the module docstring."""
    if not SOURCE_ID_PATTERN.match(source_id):
        raise ValueError(
            f"source id {source_id!r} must be 1-40 characters of a-z, 0-9 and '-' "
            "(not starting or ending with '-')"
        )
    if kind not in SOURCE_KINDS:
        raise ValueError(f"kind {kind!r} must be one of {', '.join(SOURCE_KINDS)}")
    title = normalise_space(title)
    if not title:
        raise ValueError("the article title is empty")
    lines = [normalise_space(line) for line in text.replace("\r\n", "\n").split("\n")]
    markdown = any(_MD_HEADING.match(line) for line in lines)
    tokens = _tokenise(lines, markdown, _title_line(lines, title, markdown))
    tokens, cut_line = _cut_sign_off(tokens)
    dropped: tuple[str, ...] = ()
    if cut_line is not None:
        dropped = tuple(line for line in lines[cut_line - 1 :] if line)
    if not markdown:
        tokens = _plain_levels(tokens)
    nodes = _build_tree(tokens, title)

    entries: list[IngestedEntry] = []
    warnings: list[str] = []
    taken: set[str] = set()
    for node in nodes:
        body = _node_text(node)
        if not body:
            if node.kind == "faq":
                warnings.append(f"question {node.title!r} has no answer and was left out")
            elif node.level and not (node.is_faq_heading or node.questions):
                warnings.append(f"heading {node.title!r} has no text and was left out")
            continue
        path = _path(node)
        parent = node.parent.title if node.parent is not None else None
        if node.kind == "faq":
            slug = slugify(f"faq {node.title}", ID_LIMIT - len(source_id) - 1)
            where = " › ".join([*path[:-1], node.label])
        elif node.level == 0:
            slug, where = "introduction", node.label
        else:
            slug = slugify(node.title, ID_LIMIT - len(source_id) - 1) or "section"
            where = " › ".join(path)
        entry_id = _unique_id(f"{source_id}-{slug}", taken)
        if len(node.title) > TITLE_LIMIT:
            warnings.append(
                f"{entry_id}: title is {len(node.title)} characters (max {TITLE_LIMIT})"
            )
        if len(body) > TEXT_LIMIT:
            warnings.append(f"{entry_id}: text is {len(body)} characters (max {TEXT_LIMIT})")
        entries.append(IngestedEntry(entry_id, node.kind, node.title, parent, where, body))
    return IngestedArticle(
        source_id, title, kind, tuple(entries), dropped, cut_line, tuple(warnings)
    )


def _title_line(lines: list[str], title: str, markdown: bool) -> int | None:
    """Index of a first line that is the article title, or of a lone leading Markdown `#` title."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        return None
    line = lines[first]
    found = _MD_HEADING.match(line) if markdown else None
    plain = _strip_emphasis(found.group(2)) if found else line
    lone_h1 = (
        found is not None
        and len(found.group(1)) == 1
        and sum(1 for other in lines if other.startswith("# ")) == 1
    )
    return first if _same_title(plain, title) or lone_h1 else None

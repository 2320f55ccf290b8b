"""Plain text (pasted from a browser, one heading a line) -> tokens.

A heading is a short Title Case line without closing punctuation that starts a block; a
sentence-case question alone on a line ("How do I reset my password?") is a question, and so
is a `Q1:` line or a question line under an "FAQ" heading. Bullets (`- item`, `* item`, or a lone
`-` line followed by the item) are kept as `- item` lines.
"""

from __future__ import annotations

import re

from bot.core.ingest.lines import (
    is_link_only_line,
    is_sign_off_line,
    looks_like_heading,
    looks_like_question_line,
    normalise_space,
    same_title,
    strip_emphasis,
)
from bot.core.ingest.model import TITLE_LIMIT, Token

RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,}|~{3,})$")
BULLET = re.compile(r"^[-*•+]\s+(.*)$")
NUMBERED = re.compile(r"^\d{1,3}[.)]\s+\S")
QUESTION = re.compile(r"^(?:\*\*)?Q(\d*)\s*[:.)]\s*(.+?\?)(?:\*\*)?$", re.IGNORECASE)
QUESTION_AND_ANSWER = re.compile(
    r"^(?:\*\*)?Q(\d*)\s*[:.)]\s*(.+?\?)(?:\*\*)?\s+A\d*\s*[:.)]\s+(\S.*)$", re.IGNORECASE
)
FAQ_HEADING = re.compile(r"^(?:faqs?|frequently asked questions)\b", re.IGNORECASE)
_LONE_BULLET = frozenset("-*•+")


def plain_tokens(text: str, title: str, all_faq: bool) -> tuple[list[Token], list[str]]:
    """The blocks of a plain-text article, and the link-only lines left out."""
    lines = [normalise_space(line) for line in text.split("\n")]
    skip = _title_line(lines, title)
    content = [i for i, line in enumerate(lines) if line and i != skip]
    has_blank_lines = bool(content) and not all(
        lines[i] and i != skip for i in range(content[0], content[-1] + 1)
    )
    tokens: list[Token] = []
    links: list[str] = []
    pending_bullet = False
    previous_blank = True
    in_faq = all_faq
    after_question = False
    for number, line in enumerate(lines, 1):
        if not line or number - 1 == skip:
            previous_blank = True
            continue
        block_start = previous_blank or not has_blank_lines
        previous_blank = False
        if RULE.match(line):
            continue
        if line in _LONE_BULLET:
            pending_bullet = True
            continue
        if is_link_only_line(line):
            links.append(line)
            continue
        both = QUESTION_AND_ANSWER.match(line)
        if both:  # "Q: Can I freeze dough? A: Yes." on one line
            label = f"Q{both.group(1)}"
            tokens.append(Token("question", both.group(2).strip(), number, label=label))
            tokens.append(Token("text", both.group(3), number))
            after_question = False
            continue
        last = tokens[-1] if tokens else None
        token = _classify(line, number, pending_bullet, block_start, in_faq, after_question, last)
        pending_bullet = False
        if token.kind == "heading":
            in_faq = all_faq or bool(FAQ_HEADING.match(token.text))
        after_question = token.kind == "question"
        if (
            token.kind == "text"
            and not token.block_start
            and last is not None
            and last.kind in ("text", "bullet")
        ):
            tokens[-1] = Token(last.kind, f"{last.text} {token.text}", last.line, block_start=False)
            continue
        tokens.append(token)
    return _plain_levels(tokens), links


def _classify(
    line: str,
    number: int,
    pending_bullet: bool,
    block_start: bool,
    in_faq: bool,
    after_question: bool,
    last: Token | None,
) -> Token:
    if pending_bullet:
        return Token("bullet", f"- {line}", number)
    bullet = BULLET.match(line)
    if bullet:
        return Token("bullet", f"- {bullet.group(1)}", number)
    if NUMBERED.match(line):
        return Token("bullet", line, number)
    plain = strip_emphasis(line)
    question = QUESTION.match(plain)
    if question:
        return Token("question", question.group(2).strip(), number, label=f"Q{question.group(1)}")
    bold_question = plain != line and plain.endswith("?")
    faq_line = in_faq and line.endswith("?") and not after_question
    if (bold_question or faq_line) and len(plain) <= TITLE_LIMIT:
        return Token("question", plain, number)
    after_heading = last is not None and last.kind == "heading"
    fresh = not after_question and (block_start or after_heading)
    if fresh and looks_like_heading(line) and not is_sign_off_line(line):
        return Token("heading", line, number)
    if fresh and looks_like_question_line(line):
        return Token("question", line, number)
    return Token("text", line, number, block_start=block_start)


def _plain_levels(tokens: list[Token]) -> list[Token]:
    """Give plain-text headings a level: 1 for parents and top sections, 2 for their children.

    A heading directly followed by another heading is a parent; later headings are its
    children until the next parent or a closing heading such as "Conclusion" or "FAQs".
    """
    out: list[Token] = []
    in_parent = False
    for index, token in enumerate(tokens):
        if token.kind != "heading":
            out.append(token)
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        closing = _closing_key(token.text) in CLOSING_HEADINGS
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
        out.append(Token("heading", token.text, token.line, level))
    return out


CLOSING_HEADINGS = frozenset(
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


def _closing_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text[:100].casefold()).split())


def _title_line(lines: list[str], title: str) -> int | None:
    """Index of a first line that is the article title."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        return None
    return first if same_title(strip_emphasis(lines[first]), title) else None

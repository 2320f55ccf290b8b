"""Answers too long for one embed: split into parts at paragraphs, else sentences, else words."""

from __future__ import annotations

import re

from bot.core.ingest.model import PART_LIMIT

_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")
# "Name: description", "Name - description": a name of at most 60 characters before the mark
_NAMED_ITEM = re.compile(
    r"^(?:[-*•+]|\d{1,3}[.)])\s+([^:\n]{1,60}?)(?::\s+|\s+[-–—]\s+)(\S.*)$", re.S
)


def split_text(text: str, limit: int = PART_LIMIT) -> list[str]:
    """Parts of at most `limit` characters, cut where the text itself has breaks."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        for line in paragraph.split("\n"):
            if len(line) <= limit:
                pieces.append(line)
            else:
                pieces.extend(_sentences(line, limit))
    return _pack(pieces, limit)


def _pack(pieces: list[str], limit: int) -> list[str]:
    """Pieces (each within the limit) joined back into as few parts as fit."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        piece = piece.strip("\n")
        if not piece.strip():
            continue
        extra = len(piece) + (2 if current else 0)
        if current and size + extra > limit:
            parts.append("\n\n".join(current))
            current, size = [], 0
            extra = len(piece)
        current.append(piece)
        size += extra
    if current:
        parts.append("\n\n".join(current))
    return parts


def _sentences(line: str, limit: int) -> list[str]:
    """A long line cut after sentences; a sentence longer than the limit cut at words."""
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(line):
        for chunk in _hard(sentence, limit):
            if current and len(current) + 1 + len(chunk) > limit:
                out.append(current)
                current = chunk
            else:
                current = f"{current} {chunk}" if current else chunk
    if current:
        out.append(current)
    return out


def _hard(text: str, limit: int) -> list[str]:
    """Text cut at the last space before each limit, or at the limit when there is none."""
    out: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        space = text.rfind(" ", start + limit // 2, end + 1)
        if space > start:
            end = space
        out.append(text[start:end].strip())
        start = end
    out.append(text[start:].strip())
    return [chunk for chunk in out if chunk]


def named_item(line: str) -> tuple[str, str] | None:
    """A bullet that names something and describes it: (name, description), else None."""
    found = _NAMED_ITEM.match(line)
    if found is None:
        return None
    name, body = found.group(1).strip(" *_"), found.group(2).strip()
    return (name, body) if name and body and len(name.split()) <= 8 else None

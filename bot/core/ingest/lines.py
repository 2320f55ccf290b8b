"""Line-level rules shared by both parsers: spaces, slugs, titles, sign-offs, link-only lines."""

from __future__ import annotations

import re
import unicodedata

from bot.core.ingest.model import ID_LIMIT, TITLE_LIMIT

HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 12
QUESTION_MAX_CHARS = 160
QUESTION_MAX_WORDS = 25
SIGN_OFF_MAX_WORDS = 40
LINK_LINE_MAX_WORDS = 12
MAX_MARKS = 2  # combining marks kept on one letter: enough for any language, not for zalgo

# Words Title Case leaves in lower case, and name particles ("Ana de Armas").
_MINOR_WORDS = frozenset(
    "a an the and but or nor for so yet as at by in of on to up via vs vs. per from into onto "
    "with than over off de da del della di du van von der den la le bin al el".split()
)
_CLOSING = ".,;:!…"
_TRAILING_WRAPPERS = "\"'”’)]*_"
_UNICODE_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff]")
# C0/C1 controls but tab and newline, and lone surrogates: never text, and YAML refuses some.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BULLET = re.compile(r"^[-*•+]\s+(.*)$")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+\S")
_SIGN_OFF = re.compile(
    r"(?<![\w.@])@[A-Za-z0-9_]{2,}"  # an @handle
    r"|(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+"  # an e-mail address
    r"|\b(?:follow|message|contact|dm)\s+(?:me|us)\b"
    r"|\bsocial\s+media\b|\bsubscribe\b",
    re.IGNORECASE,
)
_URL = re.compile(r"<?(?:https?://|www\.)\S+", re.IGNORECASE)
_LINK_PHRASE = re.compile(
    r"^(?:click|tap)\s+here\b"
    r"|^(?:read|learn|see|find\s+out)\s+more\b"
    r"|^(?:see|visit|check|read|click|go|head|find)\b.*\b"
    r"(?:for|to\s+(?:read|learn|find\s+out))\s+more(?:\s+(?:info|information|details))?\W*$"
    r"|^(?:see|visit|check\s+out|go\s+to|head\s+over\s+to)\s+(?:our|my|this)\s+"
    r"(?:other\s+)?(?:page|article|post|site|website|guide|wiki|blog|channel)\W*$",
    re.IGNORECASE,
)
_LEAD_ORNAMENT = re.compile(r"^[=~*_\-+.:|<>#/\\·•,;]+")
_QUESTION_CLUTTER = re.compile(r"\s*[?!‽⁉⁈¿¡]+$")


def strip_controls(text: str) -> str:
    """Drop control characters (NUL...) and lone surrogates; keep tabs and newlines."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (tabs, no-break spaces) to one space; drop zero-width ones."""
    return _UNICODE_SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def slugify(text: str, limit: int = ID_LIMIT) -> str:
    """Lowercase a-z0-9 words joined by '-', cut at a word boundary to at most `limit` chars."""
    plain = unicodedata.normalize("NFKD", text[: limit * 8].replace("’", "").replace("'", ""))
    ascii_text = plain.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:limit]
    return slug.strip("-")


def is_sign_off_line(line: str) -> bool:
    """True for a short contact or social-media line: an @handle, e-mail, 'follow me'..."""
    return len(line.split(None, SIGN_OFF_MAX_WORDS)) <= SIGN_OFF_MAX_WORDS and bool(
        _SIGN_OFF.search(line)
    )


def is_link_only_line(line: str) -> bool:
    """True for a line that only points elsewhere: a bare URL, 'Click here to read more'..."""
    words = line.split(None, LINK_LINE_MAX_WORDS)
    if len(words) > LINK_LINE_MAX_WORDS:
        return False
    if all(_URL.match(word) for word in words):
        return bool(words)
    return _LINK_PHRASE.match(line.strip(" *_>([")) is not None


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


def looks_like_question_line(line: str) -> bool:
    """True for a short sentence-case question alone on a line: "How do I reset my password?"."""
    if len(line) > QUESTION_MAX_CHARS or not line.endswith("?"):
        return False
    if len(line.split()) > QUESTION_MAX_WORDS or _BULLET.match(line) or _NUMBERED.match(line):
        return False
    first = next((ch for ch in line if ch.isalnum()), "")
    # one sentence: "It broke. Why?" is an answer's text, not a question to file it under
    return first.isupper() and ". " not in line and not is_sign_off_line(line)


def same_title(line: str, title: str) -> bool:
    """Whether a line says the article title (case and punctuation aside)."""
    return bool(title) and heading_key(line) == heading_key(title)


def heading_key(text: str) -> str:
    """A heading compared without case or punctuation."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def strip_emphasis(text: str) -> str:
    """`**Bold**` or `__bold__` around a whole line, taken off."""
    for mark in ("**", "__"):
        if text.startswith(mark) and text.endswith(mark) and len(text) > 2 * len(mark):
            text = text[len(mark) : -len(mark)].strip()
    return text


def _is_ornament(ch: str) -> bool:
    """Emoji, stars, box drawing, dingbats, joiners and variation selectors."""
    category = unicodedata.category(ch)
    return category in ("So", "Sk", "Cf", "Co", "Cn") or "\ufe00" <= ch <= "\ufe0f"


def _limit_marks(text: str) -> str:
    """At most MAX_MARKS combining marks on a character: zalgo becomes its letters."""
    out: list[str] = []
    marks = 0
    for ch in text:
        if unicodedata.combining(ch):
            marks += 1
            if marks > MAX_MARKS:
                continue
        else:
            marks = 0
        out.append(ch)
    return "".join(out)


def _edge_words(words: list[str]) -> list[str]:
    """Drop ornament words at either end, and mirrored wrappers ("★彡 Rules 彡★")."""
    while words and not any(ch.isalnum() for ch in words[0]):
        words = words[1:]
    while (
        words
        and not any(ch.isalnum() for ch in words[-1])
        and not _QUESTION_CLUTTER.match(words[-1])
    ):
        words = words[:-1]
    while (
        len(words) >= 3
        and (words[0] == words[-1] or words[0] == words[-1][::-1])
        and not any(ch.isascii() and ch.isalnum() for ch in words[0])
    ):
        words = words[1:-1]
    return words


def clean_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """A heading without decoration: ornaments, emoji runs, '!!!', '?!?!' kept as one '?'."""
    text = text[: limit * 8]  # a title is read in one glance; the rest of a huge line is not one
    text = _limit_marks(unicodedata.normalize("NFC", text))
    text = normalise_space("".join(" " if _is_ornament(ch) else ch for ch in text))
    words = _edge_words(text.split())
    text = " ".join(words)
    lead = _LEAD_ORNAMENT.match(text)
    if lead and (len(lead.group()) > 1 or lead.group() not in ".#-+"):  # not ".NET", "#1"
        text = text[lead.end() :]
    text = text.rstrip("=~*_-:|<>/\\·•,;")
    clutter = _QUESTION_CLUTTER.search(text)
    if clutter:
        text = text[: clutter.start()] + ("?" if "?" in clutter.group() else "")
    text = normalise_space(text)
    if not any(ch.isalnum() for ch in text):
        return ""
    return shorten(text, limit)


def shorten(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"

"""Articles from files and web pages: fetched with limits, decoded, HTML reduced to Markdown.

This is the I/O half of ingest (the pure half is `bot.core.ingest`). Everything that can go
wrong with an input raises `InputError` with one line naming the input: a page that cannot be
fetched, a binary or empty file, text that is not UTF-8, an HTML page with no readable text.

HTML goes through trafilatura, which keeps a page's main content (headings, lists, emphasis,
tables) and drops navigation, footers, cookie banners, scripts and styles. Before it sees the
page, FAQ markup it would flatten is rewritten as headings: `<details><summary>` and `<dl>`
(`<dt>` question, `<dd>` answer), so each question stays a question.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any

import charset_normalizer
import lxml.html
import trafilatura
import trafilatura.settings
from lxml import etree

MAX_BYTES = 5 * 1024 * 1024  # an article or page larger than this is refused (documented: 5 MB)
TIMEOUT_SECONDS = 20.0  # for the whole fetch, connection to last byte
MAX_REDIRECTS = 5
USER_AGENT = "Concierge/0.1 (+knowledge-base ingest)"
# What a fetched page may be, and the format ingest reads it as.
CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
}
SUFFIX_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (perhaps a .docx or .epub)"),
    (b"\x7fELF", "a program"),
    (b"RIFF", "a media file"),
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_MIN_READABLE_CHARS = 20
# trafilatura takes a main text under 250 characters for a failed extraction and falls back to
# extractors that flatten headings; a short FAQ page is short, not failed.
_EXTRACTION = trafilatura.settings.use_config()
_EXTRACTION.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")


class InputError(Exception):
    """An article or page that cannot be used; the message is one line that names it."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A page as fetched: its final address, the format its content type means, its bytes."""

    url: str
    format: str
    data: bytes
    charset: str | None = None


def is_url(text: str) -> bool:
    """True for an http(s) address, which ingest fetches instead of reading a file."""
    return text.startswith(("https://", "http://"))


def format_for_path(name: str) -> str:
    """The format a file's suffix implies: html, markdown, text, or auto."""
    suffix = name[name.rfind(".") :].casefold() if "." in name else ""
    return SUFFIX_FORMATS.get(suffix, "auto")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Let 3xx answers through as errors, so `fetch` follows them itself and can see loops."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET a page with a deadline, a size cap and bounded redirects; only text content types."""
    if not is_url(url):
        raise InputError(f"{url}: is not an http(s) address")
    deadline = time.monotonic() + timeout
    visited = [url]
    current = url
    while True:
        location = _get(url, current, deadline, max_bytes)
        if isinstance(location, Fetched):
            return location
        target = urllib.parse.urljoin(current, location)
        if target in visited:
            loop = " → ".join([*visited[visited.index(target) :], target])
            raise InputError(f"{url}: redirects in a loop ({loop})")
        if len(visited) > max_redirects:
            raise InputError(f"{url}: more than {max_redirects} redirects; stopped at {target}")
        if not is_url(target):
            raise InputError(f"{url}: redirects to {target}, which is not an http(s) address")
        visited.append(target)
        current = target


def _get(url: str, current: str, deadline: float, max_bytes: int) -> Fetched | str:
    """One request: the page, or the Location of a redirect."""
    request = urllib.request.Request(  # noqa: S310 - fetch() lets only http(s) addresses here
        current,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html, text/markdown;q=0.9, text/plain;q=0.8",
        },
    )
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise InputError(f"{url}: timed out")
    try:
        response = _OPENER.open(request, timeout=remaining)
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location") if 300 <= error.code < 400 else None
        error.close()
        if location:
            return str(location)
        raise InputError(f"{url}: the server answered HTTP {error.code} {error.reason}") from None
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        raise InputError(f"{url}: {_network_reason(error)}") from None
    with response:
        headers: Message = response.headers
        kind = headers.get_content_type()
        page_format = CONTENT_TYPES.get(kind)
        if page_format is None:
            raise InputError(
                f"{url}: serves {kind}, not a page to read "
                "(only text/html, text/markdown and text/plain are ingested)"
            )
        length = headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise InputError(f"{url}: is {_size(int(length))}; the limit is {_size(max_bytes)}")
        data = _read_capped(response, url, deadline, max_bytes)
        return Fetched(response.geturl(), page_format, data, headers.get_content_charset())


def _read_capped(response: Any, url: str, deadline: float, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise InputError(f"{url}: timed out while reading the page")
            chunk = response.read(64 * 1024)
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > max_bytes:
                raise InputError(f"{url}: is larger than the limit of {_size(max_bytes)}")
            chunks.append(chunk)
    except (TimeoutError, OSError) as error:
        raise InputError(f"{url}: {_network_reason(error)}") from None


def _network_reason(error: BaseException) -> str:
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "timed out"
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return f"cannot be fetched: {text}"


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 100 * 1024 else f"{count} bytes"


def check_size(name: str, count: int, max_bytes: int = MAX_BYTES) -> None:
    """Refuse an input over the cap, naming it."""
    if count > max_bytes:
        raise InputError(f"{name}: is {_size(count)}; the limit is {_size(max_bytes)}")


def decode(name: str, data: bytes, declared: str | None = None, *, html: bool = False) -> str:
    """Bytes to text: UTF-8 (or a BOM's or a declared encoding); binary and other text refused."""
    if not data.strip():
        raise InputError(f"{name}: is empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name}: is {what}, not text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_as(name, data, encoding)
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: is a binary file, not text")
    if html and declared is None:
        found = _META_CHARSET.search(data[:4096])
        declared = found.group(1).decode("ascii", "replace") if found else None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if declared and declared.casefold().replace("_", "-") not in ("utf-8", "utf8"):
            return _decode_as(name, data, declared)
        guess = charset_normalizer.from_bytes(data).best()
        if guess is None:
            raise InputError(f"{name}: is a binary file, not text") from None
        raise InputError(
            f"{name}: is not UTF-8 text (byte {error.start}; it looks like {guess.encoding}); "
            f"save it as UTF-8, e.g. iconv -f {guess.encoding} -t utf-8"
        ) from None


def _decode_as(name: str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise InputError(f"{name}: declares the unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: is not valid {encoding} text ({error.reason} at byte {error.start})"
        ) from None


def looks_like_html(text: str) -> bool:
    """True when text starts like an HTML document (for inputs of unknown format)."""
    return _HTML_START.match(text) is not None


def html_to_markdown(name: str, html: str) -> str:
    """The page's main content as Markdown; InputError when nothing readable is left."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as error:
        raise InputError(f"{name}: cannot be read as HTML ({error})") from None
    _questions_as_headings(tree)
    markdown = trafilatura.extract(
        tree,
        output_format="markdown",
        include_formatting=True,
        include_links=False,  # link text is kept; addresses would only be noise in answers
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_recall=True,  # an FAQ page's short answers look like boilerplate to precision
        deduplicate=False,
        config=_EXTRACTION,
    )
    text = (markdown or "").strip()
    if len(re.sub(r"[\W_]+", "", text)) < _MIN_READABLE_CHARS:
        raise InputError(f"{name}: has no readable text (only markup, scripts or navigation)")
    return text + "\n"


def page_title(html: str) -> str | None:
    """The page's own title: its first <h1>, else its <title>; None when it has neither."""
    try:
        return _page_title(lxml.html.document_fromstring(html))
    except (etree.ParserError, ValueError):
        return None


def _page_title(tree: Any) -> str | None:
    for path in ("//h1", "//title"):
        found = tree.xpath(path)
        if found:
            text = " ".join(found[0].text_content().split())
            if text:
                return str(text)
    return None


def _questions_as_headings(tree: Any) -> None:
    """Rewrite <details>/<summary> and <dl> questions as headings with their answers after."""
    for details in list(tree.iter("details")):
        summary = details.find("summary")
        if summary is None or details.getparent() is None:
            continue
        question = " ".join(summary.text_content().split())
        summary.drop_tree()
        _replace(details, question, [details])
    for listing in list(tree.iter("dl")):
        if listing.getparent() is None:
            continue
        pairs: list[tuple[str, list[Any]]] = []
        for child in listing:
            if child.tag == "dt":
                pairs.append((" ".join(child.text_content().split()), []))
            elif child.tag == "dd" and pairs:
                pairs[-1][1].append(child)
        if pairs:
            _replace(listing, None, [], pairs)


def _replace(
    element: Any,
    question: str | None,
    bodies: list[Any],
    pairs: list[tuple[str, list[Any]]] | None = None,
) -> None:
    """Put heading + answer blocks where `element` was."""
    level = _question_level(element)
    blocks: list[Any] = []
    for text, answers in pairs if pairs is not None else [(question or "", bodies)]:
        if not text:
            continue
        heading = lxml.html.Element(f"h{level}")
        heading.text = text
        blocks.append(heading)
        for answer in answers:
            blocks.extend(_as_blocks(answer))
    parent = element.getparent()
    index = parent.index(element)
    tail = element.tail
    parent.remove(element)
    for offset, block in enumerate(blocks):
        parent.insert(index + offset, block)
    if tail and tail.strip():
        paragraph = lxml.html.Element("p")
        paragraph.text = tail
        parent.insert(index + len(blocks), paragraph)


def _as_blocks(container: Any) -> list[Any]:
    """The container's content as block elements: loose text and inline runs become <p>."""
    blocks: list[Any] = []
    inline: Any = None
    block_tags = {"p", "ul", "ol", "table", "pre", "blockquote", "div", "section", *_HEADING_TAGS}

    def paragraph() -> Any:
        nonlocal inline
        if inline is None:
            inline = lxml.html.Element("p")
            blocks.append(inline)
        return inline

    if container.text and container.text.strip():
        paragraph().text = container.text
    for child in list(container):
        if child.tag in block_tags:
            inline = None
            tail, child.tail = child.tail, None
            blocks.append(child)
            if tail and tail.strip():
                paragraph().text = tail
        else:
            paragraph().append(child)
    return blocks


def _question_level(element: Any) -> int:
    """One level below the heading before `element`, or the same level if that is a question."""
    previous = element.xpath(
        "preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]"
    )
    if not previous:
        return 2
    level = int(previous[0].tag[1])
    text = " ".join(previous[0].text_content().split())
    return level if text.endswith("?") and level > 1 else min(level + 1, 6)

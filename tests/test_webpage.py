"""Fetching and reading web pages for ingest: limits, refusals, and the main content as Markdown."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import webpage
from bot.commands._generated import render_yaml
from bot.core import load_knowledge_base
from bot.core.ingest import ingest_article
from bot.core.model import SOURCE_KINDS
from bot.webpage import InputError, decode, fetch, html_to_markdown
from tests.pages import Route, serve

FAQ_PAGE = b"""<!doctype html><html><head><title>Bread FAQ | Baker's Corner</title>
<style>body { color: red }</style><script>var tracking = "script text must vanish";</script>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul></nav>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button></div>
<main><article>
<h1>Bread Baking FAQ</h1>
<p>Answers to the questions our members ask most often about baking bread at home.</p>
<h2>Getting started</h2>
<p>Everything you need before your first loaf, from flour to ovens.</p>
<h3>How long should I knead the dough?</h3>
<p>Knead for about ten minutes, until it is <strong>smooth and elastic</strong>.
See <a href="/knead">our kneading guide</a>.</p>
<h3>Which flour is best?</h3>
<ul><li>Bread flour for loaves</li><li>All-purpose flour for rolls</li></ul>
<h2>Troubleshooting</h2>
<details><summary>Why is my loaf flat?</summary><p>Your starter may be too weak.</p></details>
<details><summary>Can I freeze bread?</summary>Yes, wrap it tightly.
<p>Thaw it slowly.</p></details>
<dl><dt>What is a levain?</dt><dd>A portion of starter built up for one bake.</dd>
<dt>What is autolyse?</dt><dd>Resting flour and water before adding salt.</dd></dl>
</article></main>
<footer><p>Copyright 2025 Baker's Corner. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def test_only_the_main_content_is_kept_with_headings_lists_and_emphasis():
    markdown = html_to_markdown("faq.html", FAQ_PAGE.decode())
    for gone in ("Home", "About us", "cookies", "script text", "color: red", "Copyright"):
        assert gone not in markdown
    assert "# Bread Baking FAQ" in markdown.splitlines()
    assert "## Getting started" in markdown.splitlines()
    assert "### How long should I knead the dough?" in markdown.splitlines()
    assert "**smooth and elastic**" in markdown
    assert "See our kneading guide." in markdown  # the link's text, not its address
    assert "- Bread flour for loaves\n- All-purpose flour for rolls" in markdown


def test_details_and_definition_lists_become_question_headings_with_their_answers():
    lines = html_to_markdown("faq.html", FAQ_PAGE.decode()).splitlines()
    for question, answer in [
        ("Why is my loaf flat?", "Your starter may be too weak."),
        ("Can I freeze bread?", "Yes, wrap it tightly."),
        ("What is a levain?", "A portion of starter built up for one bake."),
        ("What is autolyse?", "Resting flour and water before adding salt."),
    ]:
        heading = lines.index(f"### {question}")  # under "## Troubleshooting"
        assert lines[heading + 2] == answer
    assert "Thaw it slowly." in lines


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><script>" + "var a = 1;" * 5000 + "</script></head><body></body></html>",
        "<html><body><script>document.write('hi')</script><nav><a href='/'>Home</a></nav></body>",
        "<html><body><style>p{}</style><p> </p></body></html>",
    ],
)
def test_a_page_with_nothing_readable_is_refused(html):
    with pytest.raises(InputError, match=r"^page\.html: has no readable text"):
        html_to_markdown("page.html", html)


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        (b"", None, "page: is empty"),
        (b"  \n\n", None, "page: is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", None, "page: is a PNG image, not text"),
        (b"%PDF-1.7\n", None, "page: is a PDF document, not text"),
        (b"abc\x00\x01\x02def", None, "page: is a binary file, not text"),
        ("Caf\xe9 au lait, tr\xe8s bon".encode("latin-1"), None, "page: is not UTF-8 text"),
        (b"caf\xc3", "no-such-codec", "page: declares the unknown encoding 'no-such-codec'"),
    ],
)
def test_unusable_bytes_are_refused_naming_the_input(data, declared, expected):
    with pytest.raises(InputError) as caught:
        decode("page", data, declared)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "declared", "html", "expected"),
    [
        ("Café".encode(), None, False, "Café"),
        ("\ufeffCafé".encode(), None, False, "Café"),
        ("Café".encode("utf-16"), None, False, "Café"),
        ("Café".encode("latin-1"), "iso-8859-1", False, "Café"),
        (b'<meta charset="windows-1252"><p>Caf\xe9</p>', None, True, "<p>Café</p>"),
    ],
)
def test_utf8_boms_and_declared_encodings_are_decoded(data, declared, html, expected):
    assert decode("page", data, declared, html=html).endswith(expected)


# Fetching from a loopback server ------------------------------------------------------------


def test_a_page_is_fetched_with_the_concierge_user_agent():
    with serve({"/faq": Route(FAQ_PAGE)}) as site:
        page = fetch(site.url("/faq"))
    assert page.format == "html" and page.data == FAQ_PAGE and page.charset == "utf-8"
    assert site.seen[0][1]["User-Agent"] == "Concierge/0.1 (+knowledge-base ingest)"


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [("text/markdown", "markdown"), ("text/plain; charset=utf-8", "text"), ("text/html", "html")],
)
def test_the_content_type_says_how_to_read_the_page(content_type, expected):
    with serve({"/p": Route(b"# Title\n\nText.", content_type)}) as site:
        assert fetch(site.url("/p")).format == expected


def test_redirects_are_followed_to_the_page():
    routes = {
        "/old": Route(status=301, location="/newer"),
        "/newer": Route(status=302, location="/faq"),
        "/faq": Route(FAQ_PAGE),
    }
    with serve(routes) as site:
        page = fetch(site.url("/old"))
    assert page.url.endswith("/faq") and page.data == FAQ_PAGE


@pytest.mark.parametrize(
    ("routes", "start", "expected"),
    [
        ({}, "/missing", "the server answered HTTP 404"),
        ({"/e": Route(b"oops", status=500)}, "/e", "the server answered HTTP 500"),
        (
            {"/a": Route(status=302, location="/b"), "/b": Route(status=302, location="/a")},
            "/a",
            "redirects in a loop (",
        ),
        (
            {f"/{n}": Route(status=302, location=f"/{n + 1}") for n in range(10)},
            "/0",
            "more than 5 redirects",
        ),
        ({"/logo": Route(b"\x89PNG\r\n", "image/png")}, "/logo", "serves image/png, not a page"),
        (
            {"/j": Route(b"{}", "application/json")},
            "/j",
            "serves application/json, not a page",
        ),
        ({"/slow": Route(FAQ_PAGE, delay=2.0)}, "/slow", "timed out"),
    ],
)
def test_a_page_that_cannot_be_used_is_one_line_naming_the_address(routes, start, expected):
    with serve(routes) as site, pytest.raises(InputError) as caught:
        fetch(site.url(start), timeout=0.5)
    message = str(caught.value)
    assert message.startswith(f"{site.url(start)}: ") and expected in message
    assert "\n" not in message


def test_a_page_over_the_size_cap_is_refused_before_it_is_read_in_full():
    big = b"<p>" + b"x" * 50_000 + b"</p>"
    with serve({"/big": Route(big)}) as site, pytest.raises(InputError) as caught:
        fetch(site.url("/big"), max_bytes=10_000)
    assert "the limit is 10000 bytes" in str(caught.value)


def test_a_page_without_a_content_length_is_still_capped():
    big = b"<p>" + b"x" * 300_000 + b"</p>"
    with pytest.raises(InputError, match=r"^http://x/big: is larger than the limit of 100000"):
        webpage._read_capped(_Chunks(big), "http://x/big", float("inf"), 100_000)


class _Chunks:
    """A response body read in chunks, with no length announced."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int) -> bytes:
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


def test_only_http_addresses_are_fetched():
    with pytest.raises(InputError, match="is not an http"):
        fetch("file:///etc/passwd")


# Any HTML: never an exception but InputError, and what comes out passes check ---------------

HTML_PARTS = [
    "<h1>", "</h1>", "<h2>", "</h2>", "<h3>", "</h3>", "<h5>", "</h5>", "<p>", "</p>",
    "<ul><li>", "</li><li>", "</li></ul>", "<ol><li>", "<details>", "<summary>", "</summary>",
    "</details>", "<dl>", "<dt>", "</dt>", "<dd>", "</dd>", "</dl>", "<nav><a href='/'>Home</a>",
    "</nav>", "<footer>", "</footer>", "<script>var x = 1;</script>", "<style>p{}</style>",
    "<strong>", "</strong>", "<em>", "<a href='https://example.com/x'>", "</a>", "<br>",
    "<table><tr><td>", "</td><td>", "</td></tr></table>", "<div class='cookie-banner'>",
    "</div>", "<main>", "</main>", "<article>", "</article>", "<!-- c -->", "&amp;", "&lt;",
    "<img src='x.png'>", "<pre>", "</pre>", "<", ">", "?", "\n", "\x00", "😀", "\u200b",
    "Why is my loaf flat?", "How do I feed my starter?", "The dough over-proofed overnight.",
    "Knead it for ten minutes until it is smooth and elastic. " * 8,
    "The crust browns when the oven is hot enough. " * 120,
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(HTML_PARTS), max_size=60), st.sampled_from(SOURCE_KINDS))
def test_any_html_reads_into_entries_check_accepts_or_is_refused_in_one_line(parts, kind):
    html = "<html><body>" + "".join(parts) + "</body></html>"
    try:
        markdown = html_to_markdown("page.html", html)
    except InputError as error:
        assert str(error).startswith("page.html: ") and "\n" not in str(error)
        return
    article = ingest_article(markdown, source_id="page", title="Page", kind=kind, fmt="markdown")
    if not article.entries:
        return
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "page.yaml").write_text(render_yaml(article, []), encoding="utf-8")
        assert len(load_knowledge_base(scratch)) == len(article.entries)

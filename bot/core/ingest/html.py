"""Raw HTML blocks inside Markdown: `<details>/<summary>` and `<dl>/<dt>/<dd>` as questions.

Markdown ends an HTML block at a blank line, so one `<details>` often spans several blocks with
Markdown in between; the reader keeps its state from one block to the next.
"""

from __future__ import annotations

from html.parser import HTMLParser

from bot.core.ingest.lines import normalise_space
from bot.core.ingest.model import TITLE_LIMIT, Token

_BREAKS = frozenset(
    "p div br li tr table ul ol section article blockquote pre h1 h2 h3 h4 h5 h6 hr".split()
)
_SKIP = frozenset(("script", "style", "template", "noscript", "head", "title"))


class HtmlBlocks(HTMLParser):
    """Turns the HTML blocks of one document into tokens appended to `tokens`."""

    def __init__(self, tokens: list[Token]) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens = tokens
        self.line = 0
        self.buffer: list[str] = []
        self.skipping = 0
        self.target = ""  # "summary", "dt", "dd" or "" while their text is read
        self.term = ""
        self.item = False
        self.heading = 0

    def feed(self, data: str, line: int = 0) -> None:
        """Read one more HTML block; `line` is where it starts in the article."""
        self.line = line
        super().feed(data)
        if not self.target:
            self._flush()

    def definition(self, term: str, body: str, line: int) -> None:
        """A term and its definition: a question with its answer, or a named item."""
        if not body:
            return
        if term.endswith("?") and len(term) <= TITLE_LIMIT:
            self.tokens.append(Token("question", term, line))
            self.tokens.append(Token("text", body, line))
            self.tokens.append(Token("end", "", line))
        elif term:
            self.tokens.append(Token("bullet", f"- {term}: {body}", line, label=term, body=body))
        else:
            self.tokens.append(Token("text", body, line))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a tag: skipped content, a question or answer part, or a block break."""
        if tag in _SKIP:
            self.skipping += 1
        elif tag in ("summary", "dt", "dd"):
            self._flush()
            self.target = tag
        elif tag in _BREAKS and not self.target:
            self._flush()
            self.item = tag == "li"
            self.heading = int(tag[1]) if tag[0] == "h" and tag[1:].isdigit() else 0

    def handle_endtag(self, tag: str) -> None:
        """Close a tag: a summary becomes a question, a definition its answer."""
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "summary" and self.target == "summary":
            text = self._take()
            if text and len(text) <= TITLE_LIMIT:
                self.tokens.append(Token("question", text, self.line))
            elif text:
                self.tokens.append(Token("text", text, self.line))
        elif tag == "dt" and self.target == "dt":
            self.term = self._take()
        elif tag == "dd" and self.target == "dd":
            self.definition(self.term, self._take(), self.line)
            self.term = ""
        elif tag == "details":
            self._flush()
            self.tokens.append(Token("end", "", self.line))
        elif tag in _BREAKS and not self.target:
            self._flush()

    def handle_data(self, data: str) -> None:
        """Text: kept unless inside a script or style."""
        if not self.skipping:
            self.buffer.append(data)

    def close(self) -> None:
        """End of the document: whatever text is left is kept."""
        super().close()
        self.target = ""
        self._flush()

    def _take(self) -> str:
        text = normalise_space("".join(self.buffer))
        self.buffer.clear()
        self.target = ""
        return text

    def _flush(self) -> None:
        text = self._take()
        if not text:
            return
        if self.heading:
            self.tokens.append(Token("heading", text, self.line, self.heading))
        elif self.item:
            self.tokens.append(Token("bullet", f"- {text}", self.line))
        else:
            self.tokens.append(Token("text", text, self.line))
        self.heading = 0
        self.item = False

"""The visible text of an HTML page, one block per line.

Scripts, styles, navigation, page headers and footers, forms, frames and comments
are dropped; paragraphs, divisions, list items, table rows, headings and ``<br>``
end a line; whitespace inside a line collapses to one space, except that a line
break between two Chinese characters disappears (as a browser renders it: an
editor's line wrap inside a Chinese sentence is not a space). lxml parses broken
markup as leniently as a browser does; the text is collected from its parser's
events, not from a tree, so however deep broken markup nests, no text is lost.

>>> html_to_text("<html><head><style>p{color:red}</style></head><body>"
...              "<nav>首页</nav><h1>郑州</h1><p>郑州市与\\n开封市<br>签署协议<script>x=1</script>"
...              "</body></html>")
'郑州\\n郑州市与开封市\\n签署协议'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple, cast

from lxml import etree

#: Elements whose content is never visible text.
DROPPED = frozenset(
    {
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "form",
        "select",
        "option",
        "textarea",
        "button",
        "input",
        "svg",
        "canvas",
        "map",
    }
)

#: Page-level banners; kept when inside an article (where they hold its title).
PAGE_CHROME = frozenset({"header", "footer", "aside"})
CONTENT = frozenset({"article", "main"})

#: Elements that start and end a line.
BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "tr",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "blockquote",
        "pre",
        "address",
        "figure",
        "figcaption",
        "hr",
        "center",
        "body",
        "html",
        "title",
    }
)

#: Table cells: separated by a space inside their row.
CELLS = frozenset({"td", "th"})


class _Break:
    """The mark of a line end between text pieces (never confused with a text "\\n")."""


_NEWLINE = _Break()
_Piece = str | _Break
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[^\S\n]*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def _hidden(attrib: Mapping[str, str]) -> bool:
    if attrib.get("hidden") is not None or attrib.get("aria-hidden") == "true":
        return True
    if attrib.get("role") == "navigation":
        return True
    style = (attrib.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


class _Frame(NamedTuple):
    """An open element: whether its content is dropped, is inside an article, is
    preformatted, and what closing it emits (a line end for a block, a space for a cell)."""

    dropped: bool
    in_content: bool
    pre: bool
    block: bool
    cell: bool


class _Collector:
    """Parser target: text pieces in document order, with ``_NEWLINE`` marks at block edges.

    Fed by the parser's events (start tag, end tag, text), never by a tree: the
    tree builder of libxml2 stops at a nesting depth of 256 (2,048 with
    ``huge_tree``) and drops the rest of the page, while events come for every
    element however deep broken markup nests (old pages leave thousands of
    ``<font>`` tags open). Comments and processing instructions give no event.
    """

    def __init__(self) -> None:
        self.out: list[_Piece] = []
        self._open: list[_Frame] = [_Frame(False, False, False, False, False)]

    def start(self, tag: object, attrib: Mapping[str, str]) -> None:
        parent = self._open[-1]
        name = tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""
        if parent.dropped or name in DROPPED or _hidden(attrib):
            self._open.append(_Frame(True, False, False, False, False))
            return
        if name in PAGE_CHROME and not parent.in_content:
            self._open.append(_Frame(True, False, False, False, False))
            return
        if name == "br":
            self.out.append(_NEWLINE)
        block = name in BLOCKS
        if block:
            self.out.append(_NEWLINE)
        self._open.append(
            _Frame(
                False,
                parent.in_content or name in CONTENT,
                parent.pre or name == "pre",
                block,
                name in CELLS,
            )
        )

    def end(self, tag: object) -> None:
        if len(self._open) == 1:  # pragma: no cover - the parser closes what it opened
            return
        frame = self._open.pop()
        if frame.block:
            self.out.append(_NEWLINE)
        if frame.cell:
            self.out.append(" ")

    def data(self, text: str) -> None:
        frame = self._open[-1]
        if frame.dropped:
            return
        if frame.pre:  # line ends inside <pre> are real
            for i, line in enumerate(text.split("\n")):
                if i:
                    self.out.append(_NEWLINE)
                self.out.append(line)
        else:
            self.out.append(text)

    def close(self) -> list[_Piece]:
        return self.out


def _lines(pieces: list[_Piece]) -> list[str]:
    lines: list[str] = []
    current: list[str] = []
    for piece in pieces:
        if isinstance(piece, _Break):
            lines.append("".join(current))
            current = []
        else:
            current.append(piece)
    lines.append("".join(current))
    cleaned = []
    for line in lines:
        line = _BREAK_BETWEEN_CJK.sub("", line)
        line = _SPACES.sub(" ", line).strip()
        if line:
            cleaned.append(line)
    return cleaned


def html_to_text(markup: str) -> str:
    """The visible text of ``markup``, one block per line (empty when there is none)."""
    markup = _XML_DECLARATION.sub("", markup, count=1)
    if not markup.strip():
        return ""
    collector = _Collector()
    parser = etree.HTMLParser(target=cast(Any, collector), no_network=True)
    try:
        pieces = cast(list[_Piece], etree.fromstring(markup, parser))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    return "\n".join(_lines(pieces))


_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag near its start, if any.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb2312'
    """
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii").lower() if match else None

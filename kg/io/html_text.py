"""The visible text of an HTML page, one block per line.

Scripts, styles, navigation, page headers and footers, forms, frames and comments
are dropped; paragraphs, divisions, list items, table rows, headings and ``<br>``
end a line; whitespace inside a line collapses to one space, except that a line
break between two Chinese characters disappears (as a browser renders it: an
editor's line wrap inside a Chinese sentence is not a space). lxml parses broken
markup as leniently as a browser does.

>>> html_to_text("<html><head><style>p{color:red}</style></head><body>"
...              "<nav>首页</nav><h1>郑州</h1><p>郑州市与\\n开封市<br>签署协议<script>x=1</script>"
...              "</body></html>")
'郑州\\n郑州市与开封市\\n签署协议'
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

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


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if el.get("role") == "navigation":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _pieces(root: etree._Element) -> list[_Piece]:
    """Text pieces in document order, with ``_NEWLINE`` marks at block edges."""
    out: list[_Piece] = []
    # Explicit stack instead of recursion: broken pages can nest very deeply.
    # Entries: (element, inside_content) to enter, or a string to emit on the way out.
    stack: list[tuple[etree._Element, bool] | _Piece] = [(root, False)]
    while stack:
        item = stack.pop()
        if not isinstance(item, tuple):
            out.append(item)
            continue
        el, in_content = item
        tail = el.tail or ""
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment, processing instruction, entity
            out.append(tail)
            continue
        tag = tag.rsplit("}", 1)[-1].lower()
        if tag in DROPPED or (tag in PAGE_CHROME and not in_content) or _hidden(el):
            out.append(tail)
            continue
        if tag == "br":
            out.append(_NEWLINE)
            out.append(tail)
            continue
        block = tag in BLOCKS
        # Pushed in reverse: what comes out last goes in first.
        stack.append(tail)
        if tag in CELLS:
            stack.append(" ")
        if block:
            stack.append(_NEWLINE)
        child_content = in_content or tag in CONTENT
        for child in reversed(el):
            stack.append((child, child_content))
        text = el.text or ""
        if tag == "pre":  # line ends inside <pre> are real
            for i, line in enumerate(reversed(text.split("\n"))):
                if i:
                    stack.append(_NEWLINE)
                stack.append(line)
        else:
            stack.append(text)
        if block:
            stack.append(_NEWLINE)
    return out


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
    try:
        root = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    return "\n".join(_lines(_pieces(root)))


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

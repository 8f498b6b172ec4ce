"""Sentence and clause splitting with character offsets.

Offsets are half-open ``[start, end)`` into the text given, so a span can be
shown back to the reader. Whitespace at either end of a piece is left out.

>>> t = "郑州市与开封市签署了协议。双方将深化合作!"
>>> [t[s.start:s.end] for s in sentences(t)]
['郑州市与开封市签署了协议。', '双方将深化合作!']
>>> [t[s.start:s.end] for s in clauses(t, sentences(t)[0])]
['郑州市与开封市签署了协议。']
"""

from __future__ import annotations

import re

from kg.types import Span

#: Characters that end a sentence (kept with the sentence they end).
SENTENCE_END = frozenset("。!?！？;；\n")
#: Characters that end a clause inside a sentence.
CLAUSE_END = frozenset(",，:：、")
#: Closing marks that stay with the sentence before them.
CLOSERS = frozenset("”’」』)）】》")


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None


_SENTENCE_RE = re.compile(
    "["
    + re.escape("".join(sorted(SENTENCE_END)))
    + "]["
    + re.escape("".join(sorted(CLOSERS)))
    + "]*"
)
_CLAUSE_RE = re.compile(
    "["
    + re.escape("".join(sorted(CLAUSE_END - {"、"})))
    + "]["
    + re.escape("".join(sorted(CLOSERS)))
    + "]*"
)


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[Span]:
    out: list[Span] = []
    begin = start
    for m in pattern.finditer(text, start, end):
        span = _trimmed(text, begin, m.end())
        if span:
            out.append(span)
        begin = m.end()
    span = _trimmed(text, begin, end)
    if span:
        out.append(span)
    return out


#: Longest sentence kept whole; longer runs without a full stop are cut at clause ends,
#: so that per-sentence work stays bounded whatever the input.
MAX_SENTENCE = 1000


#: A news dateline opening a sentence, with the reporters credited after it
#: (红网时刻新闻10月15日讯(通讯员 何书梅), 新华社北京3月5日电(记者 王某), 本报讯).
_DATELINE = re.compile(
    r"[^\s。,，;；]{1,24}?(?:\d{1,2}日|网|报|台|社)(?:讯|电(?=[\s(（]))"
    r"(?:\s*[(（](?:记者|通讯员|实习生|见习记者|特约记者)[^)）\n]{0,40}[)）])?"
)


def _dateline(text: str, span: Span) -> list[Span]:
    """A sentence with its opening dateline as a piece of its own: the outlet and the
    reporters credited there take no part in what the sentence reports."""
    m = _DATELINE.match(text, span.start, span.end)
    if m is None:
        return [span]
    rest = _trimmed(text, m.end(), span.end)
    return [Span(span.start, m.end())] + ([rest] if rest else [])


def sentences(text: str) -> list[Span]:
    """The sentences of ``text``: split after 。!?; and at line ends; an opening news
    dateline (新华社北京3月5日电(记者 王某)) is a sentence of its own.

    A run longer than :data:`MAX_SENTENCE` characters without a sentence end is cut
    after its last clause end (comma, colon) within the limit, or at the limit.

    >>> t = "红网时刻新闻10月15日讯(通讯员 何书梅)10月14日上午,签约仪式举行。"
    >>> [t[s.start:s.end] for s in sentences(t)]
    ['红网时刻新闻10月15日讯(通讯员 何书梅)', '10月14日上午,签约仪式举行。']
    """
    out: list[Span] = []
    for whole in _split(text, 0, len(text), _SENTENCE_RE):
        for span in _dateline(text, whole):
            if span.end - span.start <= MAX_SENTENCE:
                out.append(span)
            else:
                out += _bounded(text, span)
    return out


def _bounded(text: str, span: Span) -> list[Span]:
    out: list[Span] = []
    start = span.start
    while span.end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = max(text.rfind(c, start, limit) for c in CLAUSE_END - {"、"}) + 1
        if cut <= start:
            cut = limit
        piece = _trimmed(text, start, cut)
        if piece:
            out.append(piece)
        start = cut
    piece = _trimmed(text, start, span.end)
    if piece:
        out.append(piece)
    return out


def clauses(text: str, sentence: Span) -> list[Span]:
    """The clauses of one sentence: split after commas and colons (not 、)."""
    return _split(text, sentence.start, sentence.end, _CLAUSE_RE)

"""A place's name inside an ordinary word is no place: 通道 in 交通大通道, 互助 in 互学互助.

Many counties and districts are named like common words or parts of them (通道侗族自治县,
互助土族自治县, 范县, 海城市), and a name found by its letters alone may lie inside a
longer word: 大通道, 互学互助, 示范县, 沿海城市. jieba's dictionary knows those words; where a place's name of two characters or more begins inside a word jieba
cut (示范县, 沿海城市, 绍兴县 for 兴县, 交通大通道 for 通道), the place is dropped, unless
a place's name opens that word (上海浦东新区: a chain of places cut as one word). (A name
that begins a longer word is kept: that word is as often the place's body, 广东省委,
as an ordinary word, 大通道.)

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from kg.extract import tables
from kg.types import EntityType, Mention, Span

__all__ = ["drop_places_inside_words"]


def _boundaries(spans: Sequence[Span], words: Sequence[Sequence[str]]) -> set[int]:
    """The offsets where jieba's words begin or end, over the sentences."""
    out: set[int] = set()
    for s, ws in zip(spans, words, strict=True):
        pos = s.start
        out.add(pos)
        for w in ws:
            pos += len(w)
            out.add(pos)
    return out


def drop_places_inside_words(
    text: str,
    mentions: Sequence[Mention],
    spans: Sequence[Span],
    words: Sequence[Sequence[str]],
) -> list[Mention]:
    """``mentions`` without the places whose names begin inside a word.

    >>> t = "加快建设交通大通道"
    >>> ms = [Mention(Span(7, 9), "通道", EntityType.PLACE, "gazetteer", "通道侗族自治县")]
    >>> drop_places_inside_words(t, ms, [Span(0, len(t))], [["加快", "建设", "交通", "大通道"]])
    []
    >>> ms = [Mention(Span(4, 6), "大通", EntityType.PLACE, "gazetteer", "大通区")]
    >>> t = "前往淮南大通区"
    >>> [m.surface for m in drop_places_inside_words(t, ms, [Span(0, 7)], [["前往", "淮南", "大通区"]])]
    ['大通']
    """
    cuts = _boundaries(spans, words)
    ordered = sorted(cuts)
    known = tables.place_forms()

    def inside(m: Mention) -> bool:
        a = m.span.start
        if m.type != EntityType.PLACE or m.span.end - a < 2 or a in cuts:
            return False
        i = bisect_left(ordered, a)
        start = ordered[i - 1] if i else 0
        return text[start:a] not in known  # 上海浦东新区: a chain of places, one word

    return [m for m in mentions if not inside(m)]

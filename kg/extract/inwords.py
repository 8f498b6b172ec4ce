"""A place's name inside an ordinary word is no place: 通道 in 交通大通道, 互助 in 互学互助.

Many counties and districts are named like common words or parts of them (通道侗族自治县,
互助土族自治县, 范县, 海城市), and a name found by its letters alone may lie inside a
longer word: 大通道, 互学互助, 示范县, 沿海城市. jieba's dictionary knows those words; where a place's name of two characters or more begins inside a word jieba
cut (示范县, 沿海城市, 绍兴县 for 兴县, 交通大通道 for 通道), the place is dropped, unless
a place's name opens that word (上海浦东新区: a chain of places cut as one word). (A name
that begins a longer word is kept: that word is as often the place's body, 广东省委,
as an ordinary word, 大通道.)

The names of regions, zones, clusters, meetings, agreements, plans, organisations and
companies open where a word opens (the annotators' names do so in all but 7 of 1,324
cases on the corpus): such a name the tagger opened inside a word (事关北部湾经济区 for
北部湾经济区) opens at the next word, when three characters or more are left.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from kg.extract import tables
from kg.types import EntityType, Mention, Span

__all__ = ["drop_places_inside_words"]

#: The types whose names open where a word does: the annotators' names open inside one of
#: jieba's words in 2 of 387 cases for regions, zones and clusters, 0 of 357 for meetings,
#: agreements and plans, and 5 of 580 for bodies, companies and organisations (short
#: forms of bodies inside longer names: 市政府 in 黄冈市政府, so bodies are left out).
_NAMED_AT_WORDS = frozenset(
    [
        EntityType.REGION,
        EntityType.ZONE,
        EntityType.CLUSTER,
        EntityType.EVENT,
        EntityType.AGREEMENT,
        EntityType.PLAN,
        EntityType.ORGANIZATION,
        EntityType.COMPANY,
    ]
)
#: The fewest characters a name moved to its next word keeps.
_MIN_REST = 3


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
    """``mentions`` without the places whose names begin inside a word, and with the
    other names that begin inside a word opening at the next word.

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

    out = []
    for m in mentions:
        if inside(m):
            continue
        a = m.span.start
        if m.type not in _NAMED_AT_WORDS or a in cuts:
            out.append(m)
            continue
        # a name opening inside a word (事关北部湾经济区): it opens at the next word
        i = bisect_left(ordered, a)
        k = ordered[i] if i < len(ordered) else m.span.end
        if m.span.end - k < _MIN_REST:
            out.append(m)
            continue
        out.append(
            Mention(
                Span(k, m.span.end), text[k : m.span.end], m.type, m.rule, None, None, m.confidence
            )
        )
    return out

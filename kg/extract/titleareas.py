"""The area a plan or agreement is named after: 淮河生态经济带 in 《淮河生态经济带发展规划》,
沈抚改革创新示范区 in 《沈抚改革创新示范区建设方案》.

Official writing names a plan, agreement or meeting for a region or zone by its name
and what is done for it: 《关中—天水经济区发展规划》, 《北部湾城市群发展规划》,
“宜荆荆恩”城市群一体化发展合作框架协议, 赣湘开放合作试验区合作协议. Where a title opens
with a name that ends in a region's or a zone's ending (``suffixes.tsv``, types Region
and Zone: 城市群, 经济带, 示范区, 试验区 …; and, at a title's opening only,
``grammar.tsv`` role ``title-region-ending``: 地区) and goes on with a word of
developing it (``grammar.tsv`` role ``region-title-follower``: 发展规划, 一体化, 建设 …),
that name is a Region or a Zone, by its ending, inside the title, when a proper name
comes before the ending (not common words alone: 产业园区建设方案). A title's opening
(quotation marks, a year or an ordinal) is no part of it; a title that opens with its
issuer or its subject (国务院关于…, 关于加快…: ``grammar.tsv`` role ``title-about``)
opens with no area.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.names import is_generic
from kg.extract.spans import in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "areas_opening_titles"]

#: What a mention found here carries as its rule name.
RULE = "title-area"

#: The mentions whose names open with the area they are for.
_TITLES = frozenset([EntityType.PLAN, EntityType.AGREEMENT, EntityType.EVENT])
#: A title's opening before the area: quotation marks, a year, an ordinal.
_OPENING = re.compile(r"[《〈“\"‘]*(?:\d{4}年?)?(?:第[\d一二三四五六七八九十]+[届次])?[“\"‘]*")
#: Characters an area's name never holds (a clause or another title runs on).
_NOT_IN_NAME = re.compile(r"[,,。;;:：、《》〈〉()()\s]")


#: The types of the names a title may open with, by their endings in ``suffixes.tsv``.
_OPENED = frozenset([EntityType.REGION, EntityType.ZONE])


@cache
def _endings() -> dict[str, EntityType]:
    """Each ending of a region's or zone's name and the type it makes, longest first."""
    found = {e: t for t in _OPENED for e in tables.endings(t.value)}
    found.update(dict.fromkeys(tables.grammar("title-region-ending"), EntityType.REGION))
    return dict(sorted(found.items(), key=lambda kv: -len(kv[0])))


@cache
def _pattern() -> re.Pattern[str]:
    after = tables.grammar("region-title-follower")
    return re.compile(
        rf"(?P<name>.{{2,12}}?(?P<ending>{'|'.join(map(re.escape, _endings()))}))[”\"’]?"
        rf"(?:{'|'.join(map(re.escape, after))})"
    )


def _about(name: str) -> bool:
    """Whether a title opens with its issuer or a subject (国务院关于…, 关于加快…): the
    area is then no opening of it."""
    return any(w in name for w in tables.grammar("title-about"))


def areas_opening_titles(
    text: str, mentions: Sequence[Mention], confidence: float
) -> list[Mention]:
    """``mentions`` and a Region or Zone mention for the area each title opens with.

    >>> t = "印发《黔中城市群发展规划》"
    >>> ms = [Mention(Span(3, 12), "黔中城市群发展规划", EntityType.PLAN, "title", None)]
    >>> [(m.surface, m.type.value) for m in areas_opening_titles(t, ms, 0.5)]
    [('黔中城市群发展规划', 'Plan'), ('黔中城市群', 'Region')]
    """
    have = {(m.span.start, m.span.end) for m in mentions if m.type in _OPENED}
    added: list[Mention] = []
    for t in mentions:
        if t.type not in _TITLES:
            continue
        start = _OPENING.match(text, t.span.start, t.span.end)
        a = start.end() if start else t.span.start
        m = _pattern().match(text, a, t.span.end)
        if m is None or _NOT_IN_NAME.search(m.group("name")) or _about(m.group("name")):
            continue
        modifier = m.group("name")[: -len(m.group("ending"))].strip('“”"‘’')
        if is_generic(modifier):  # 产业园区建设方案: no proper name before the ending
            continue
        if any(q in m.group("name") for q in '”"’') and text[a - 1 : a] in '“"‘':
            a -= 1  # “宜荆荆恩”城市群: the quotation opens the name
        span = (a, m.end("name"))
        if span in have:
            continue
        have.add(span)
        name = text[span[0] : span[1]]
        typ = _endings()[m.group("ending")]
        added.append(Mention(Span(*span), name, typ, RULE, None, None, confidence))
    if not added:
        return list(mentions)
    return in_text_order([*mentions, *added])

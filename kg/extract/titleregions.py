"""The region a plan or agreement is named after: 淮河生态经济带 in 《淮河生态经济带发展规划》.

Official writing names a plan, agreement or meeting for a region by the region's
name and what is done for it: 《关中—天水经济区发展规划》, 《北部湾城市群发展规划》,
“宜荆荆恩”城市群一体化发展合作框架协议. Where a title opens with a name that ends in a
region's ending (``suffixes.tsv``, type Region: 城市群, 经济带, 经济区 …; and, at a
title's opening only, ``grammar.tsv`` role ``title-region-ending``: 地区) and goes on
with a word of developing it (``grammar.tsv`` role ``region-title-follower``: 发展规划,
一体化 …), that name is a Region, inside the title. A title's opening (quotation
marks, a year or an ordinal) is no part of it; a title that opens with its issuer or
its subject (国务院关于…, 关于加快…: ``grammar.tsv`` role ``title-about``) opens with no
region.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "regions_opening_titles"]

#: What a mention found here carries as its rule name.
RULE = "title-region"

#: The mentions whose names open with the region they are for.
_TITLES = frozenset([EntityType.PLAN, EntityType.AGREEMENT, EntityType.EVENT])
#: A title's opening before the region: quotation marks, a year, an ordinal.
_OPENING = re.compile(r"[《〈“\"‘]*(?:\d{4}年?)?(?:第[\d一二三四五六七八九十]+[届次])?[“\"‘]*")
#: Characters a region's name never holds (a clause or another title runs on).
_NOT_IN_NAME = re.compile(r"[,,。;;:：、《》〈〉()()\s]")


@cache
def _pattern() -> re.Pattern[str]:
    endings = sorted(
        {r["suffix"] for r in tables.tsv("suffixes.tsv") if r["type"] == "Region"}
        | set(tables.grammar("title-region-ending")),
        key=len,
        reverse=True,
    )
    after = tables.grammar("region-title-follower")
    return re.compile(
        rf"(?P<name>.{{2,12}}?(?:{'|'.join(map(re.escape, endings))}))[”\"’]?"
        rf"(?:{'|'.join(map(re.escape, after))})"
    )


def _about(name: str) -> bool:
    """Whether a title opens with its issuer or a subject (国务院关于…, 关于加快…): the
    region is then no opening of it."""
    return any(w in name for w in tables.grammar("title-about"))


def regions_opening_titles(
    text: str, mentions: Sequence[Mention], confidence: float
) -> list[Mention]:
    """``mentions`` and a Region mention for the region each title opens with.

    >>> t = "印发《黔中城市群发展规划》"
    >>> ms = [Mention(Span(3, 12), "黔中城市群发展规划", EntityType.PLAN, "title", None)]
    >>> [(m.surface, m.type.value) for m in regions_opening_titles(t, ms, 0.5)]
    [('黔中城市群发展规划', 'Plan'), ('黔中城市群', 'Region')]
    """
    have = {(m.span.start, m.span.end) for m in mentions if m.type == EntityType.REGION}
    added: list[Mention] = []
    for t in mentions:
        if t.type not in _TITLES:
            continue
        start = _OPENING.match(text, t.span.start, t.span.end)
        a = start.end() if start else t.span.start
        m = _pattern().match(text, a, t.span.end)
        if m is None or _NOT_IN_NAME.search(m.group("name")) or _about(m.group("name")):
            continue
        if any(q in m.group("name") for q in '”"’') and text[a - 1 : a] in '“"‘':
            a -= 1  # “宜荆荆恩”城市群: the quotation opens the name
        span = (a, m.end("name"))
        if span in have:
            continue
        have.add(span)
        name = text[span[0] : span[1]]
        added.append(Mention(Span(*span), name, EntityType.REGION, RULE, None, None, confidence))
    if not added:
        return list(mentions)
    return sorted([*mentions, *added], key=lambda m: (m.span.start, -m.span.end))

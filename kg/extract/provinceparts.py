"""A province's part named by the province's abbreviation and a direction: 苏北, 皖南,
渝东北, 川西北, and with a region word after it 粤东地区, 浙南山区, 川南经济区.

Official writing names the parts of a province this way (振兴苏北, 加快渝东北、渝东南
发展, 推动川东北经济区建设). Such a name is a Region. The province's one-character
form comes from ``abbreviations.tsv`` (provinces, autonomous regions and the
municipalities, without those whose direction compounds are mostly other words or
city names: ``grammar.tsv`` role ``province-part-not``: 新中国, 台北, 京西); the
direction words are role ``province-part-direction``; a region word after the name
(role ``province-part-head`` and the Region endings of ``suffixes.tsv``) belongs to it.

It is no part of a province when

* the abbreviation is the end of a common word (江苏中轴, 天津东疆, 科技创新中心) or
  follows another province's (陕甘南部, 川滇西部: the direction qualifies both);
* the direction goes on into a word (滇西部, 东北亚: ``grammar.tsv`` role
  ``macro-region-follower``);
* the compound is a division's name (黔南, 晋中, 湘东区, 渝北区, 陕西, 云南);
* another name holds it (豫东承接产业转移示范区).

A Region the tagger began at the direction (东北 of 渝东北, 东北经济区 of 川东北经济区)
begins at the abbreviation instead. This runs after the tagger
(:func:`kg.pipeline.mentions`): none of it is a feature of the tagger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.spans import Cover, in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "province_parts"]

#: What a mention found here carries as its rule name.
RULE = "province-part"

#: The characters after a division's name that make the whole its full name (渝北区).
_LEVELS = "省市区县州旗"


@cache
def _provinces() -> frozenset[str]:
    """The one-character forms of provinces, autonomous regions and municipalities."""
    index = tables.name_index()
    return frozenset(
        a
        for a, forms in tables.abbreviations().items()
        if len(a) == 1
        and any(kind == "Place" and index.get(name, 1) % 10000 == 0 for name, kind, _ in forms)
    )


@cache
def _pattern() -> re.Pattern[str]:
    abbrs = sorted(_provinces() - set(tables.grammar("province-part-not")))
    directions = sorted(tables.grammar("province-part-direction"), key=len, reverse=True)
    heads = sorted(
        set(tables.grammar("province-part-head")) | set(tables.endings("Region")),
        key=len,
        reverse=True,
    )
    return re.compile(
        rf"(?P<abbr>[{''.join(abbrs)}])(?P<direction>{'|'.join(directions)})"
        rf"(?P<head>{'|'.join(map(re.escape, heads))})?"
    )


def _is_division(name: str) -> bool:
    forms = tables.place_forms()
    index = tables.name_index()
    return name in forms or any(name + level in index for level in _LEVELS)


def province_parts(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` with the parts of provinces named by abbreviation and direction.

    >>> t = "加快苏北振兴,推动川东北经济区建设,构建川滇西部通道,晋中市不算。"
    >>> [(m.surface, m.type.value) for m in province_parts(t, [], 0.5)]
    [('苏北', 'Region'), ('川东北经济区', 'Region')]
    """
    found = list(_pattern().finditer(text))
    if not found:
        return list(mentions)
    provinces = _provinces()
    common = tables.common_words()
    followers = tuple(sorted(tables.grammar("macro-region-follower"), key=len, reverse=True))
    out = list(mentions)
    for m in found:
        s, d = m.start(), m.start("direction")
        e = m.end()
        if s > 0 and (text[s - 1] in provinces or text[s - 1 : s + 1] in common):
            continue
        if m.group("head") is None and text.startswith(followers, e):
            continue
        if _is_division(text[s : m.end("direction")]):
            continue
        # a one-character place at the abbreviation is the province part's first character
        out = [x for x in out if not (x.span.start == s and x.span.end == d)]
        begun = [x for x in out if x.span.start == d and x.type == EntityType.REGION]
        if begun:
            x = max(begun, key=lambda x: x.span.end)
            out.remove(x)
            e = max(e, x.span.end)
        elif Cover((x.span.start, x.span.end) for x in out).overlaps(s, e):
            continue
        out.append(Mention(Span(s, e), text[s:e], EntityType.REGION, RULE, None, None, confidence))
    return in_text_order(out)

"""A venue named after its place: 银川市城市规划馆, 广东友谊剧院.

Official writing names the halls, theatres and stations where meetings are held by
their place, a proper part and the kind of venue (``grammar.tsv`` role ``venue-head``:
会堂, 宾馆, 剧院, 体育馆, 火车站 …). Where a place's mention is followed, within six
characters and no word that never stands in a name (和, 的, 关于 …), by such a head, the whole is a Zone (a named site), and a zone's name the tagger
found inside it (东亚运动会体育馆 in 澳门东亚运动会体育馆) gives way to it.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.spans import in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "venues_named_after_places"]

#: What a mention found here carries as its rule name.
RULE = "venue"


@cache
def _pattern() -> re.Pattern[str]:
    heads = "|".join(map(re.escape, tables.grammar("venue-head")))
    return re.compile(rf"[\u4e00-\u9fff]{{0,6}}?(?:{heads})")


def venues_named_after_places(
    text: str, mentions: Sequence[Mention], confidence: float
) -> list[Mention]:
    """``mentions`` and a Zone mention for each venue named after its place.

    >>> t = "会议在银川市城市规划馆举行"
    >>> ms = [Mention(Span(3, 6), "银川市", EntityType.PLACE, "gazetteer", "银川市")]
    >>> [(m.surface, m.type.value) for m in venues_named_after_places(t, ms, 0.5)][0]
    ('银川市城市规划馆', 'Zone')
    """
    starts = [m.span for m in mentions if m.type == EntityType.PLACE]
    taken = {(m.span.start, m.span.end) for m in mentions if m.type == EntityType.ZONE}
    added: list[tuple[int, int]] = []
    for s in sorted(set(starts), key=lambda sp: (sp.start, sp.end)):
        found = _pattern().match(text, s.end)
        if found is None or any(w in found.group() for w in tables.name_breaks()):
            continue
        span = (s.start, found.end())
        if span in taken:
            continue
        if any(a <= span[0] and span[1] <= b for a, b in added):
            continue
        added.append(span)
    if not added:
        return list(mentions)

    def inside(m: Mention) -> bool:
        a, b = m.span.start, m.span.end
        return m.type == EntityType.ZONE and any(
            s <= a and b <= e and (a, b) != (s, e) for s, e in added
        )

    kept = [m for m in mentions if not inside(m)]
    new = [
        Mention(Span(a, b), text[a:b], EntityType.ZONE, RULE, None, None, confidence)
        for a, b in added
    ]
    return in_text_order([*kept, *new])

"""The organisation whose meeting is named: 长江沿岸中心城市经济协调会 in
长江沿岸中心城市经济协调会第十五届市长联席会议.

Official writing names a meeting of an organisation by the organisation's name, the
session and the kind of meeting: …协调会第十一次市长联席会议, …联盟2023年年会. Where a
meeting's name opens with a name ending as an organisation's does (``suffixes.tsv``,
type Organization: 协调会, 联盟, 协会 …) and goes on with a session number or the
meeting's kind (``grammar.tsv`` role ``meeting-of-body``: 市长联席会议, 年会, 理事会 …),
the organisation is an entity too, inside the meeting's name, when a proper name comes
before its ending.

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

__all__ = ["RULE", "bodies_of_meetings"]

#: What a mention found here carries as its rule name.
RULE = "meeting-body"


@cache
def _pattern() -> re.Pattern[str]:
    endings = tables.endings("Organization")
    session = rf"(?:第?[\d{tables.numeral_chars()}]{{1,4}}[届次]|\d{{4}}年?)"
    kinds = "|".join(map(re.escape, tables.grammar("meeting-of-body")))
    return re.compile(
        rf"[“\"‘]*(?P<name>.{{2,20}}?(?P<ending>{'|'.join(map(re.escape, endings))}))"
        rf"(?:{session}|{kinds})"
    )


def bodies_of_meetings(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` and an Organization mention for the body each meeting is of.

    >>> t = "泛珠三角区域合作联盟第五届理事会在南宁召开"
    >>> n = t.index("在")
    >>> ms = [Mention(Span(0, n), t[:n], EntityType.EVENT, "tagger", None)]
    >>> [(m.surface, m.type.value) for m in bodies_of_meetings(t, ms, 0.5)][1:]
    [('泛珠三角区域合作联盟', 'Organization')]
    """
    have = {(m.span.start, m.span.end) for m in mentions if m.type == EntityType.ORGANIZATION}
    added: list[Mention] = []
    for m in mentions:
        if m.type != EntityType.EVENT:
            continue
        found = _pattern().match(text, m.span.start, m.span.end)
        if found is None or is_generic(found.group("name")[: -len(found.group("ending"))]):
            continue
        span = (found.start("name"), found.end("name"))
        if span in have or any(c in found.group("name") for c in ",,、;;。"):
            continue
        have.add(span)
        name = found.group("name")
        added.append(
            Mention(Span(*span), name, EntityType.ORGANIZATION, RULE, None, None, confidence)
        )
    if not added:
        return list(mentions)
    return in_text_order([*mentions, *added])

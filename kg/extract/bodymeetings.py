"""A meeting named after the body or government that holds it: 国务院常务会议,
省委十一届五次全会, 江苏省城市工作会议.

Official writing names the standing meetings of a body by the body (or its government's
place), perhaps a term and a sitting or a field of work, and the kind of meeting
(``grammar.tsv`` role ``body-meeting``: 常务会议, 工作会议, 全会 …): 市委经济工作会议,
国务院常务会议, 市委六届二次全会. Where a body's or a place's mention is followed, within
the clause, by such a kind, the whole is a meeting, unless a meeting's name the tagger
found holds it already or a word between never stands inside a name (关于, 的, 和 …).

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.spans import in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "meetings_of_bodies"]

#: What a mention found here carries as its rule name.
RULE = "body-meeting"
#: The mentions a body's meeting is named after.
_HOLDERS = frozenset([EntityType.AGENCY, EntityType.PLACE])


@cache
def _pattern() -> re.Pattern[str]:
    kinds = "|".join(map(re.escape, tables.grammar("body-meeting")))
    return re.compile(rf"[\u4e00-\u9fff\d]{{0,8}}?(?:{kinds})")


def meetings_of_bodies(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` and an Event mention for each meeting named after its body.

    >>> t = "贵州省委经济工作会议提出"
    >>> ms = [Mention(Span(0, 4), "贵州省委", EntityType.AGENCY, "jurisdiction", None)]
    >>> [(m.surface, m.type.value) for m in meetings_of_bodies(t, ms, 0.5)]
    [('贵州省委经济工作会议', 'Event'), ('贵州省委', 'Agency')]
    """
    events = [m.span for m in mentions if m.type == EntityType.EVENT]
    added: list[Mention] = []
    for m in mentions:
        if m.type not in _HOLDERS:
            continue
        found = _pattern().match(text, m.span.end)
        if found is None or any(w in found.group() for w in tables.name_breaks()):
            continue
        a, b = m.span.start, found.end()
        if any(e.start <= a and b <= e.end for e in events):
            continue
        events.append(Span(a, b))
        added.append(Mention(Span(a, b), text[a:b], EntityType.EVENT, RULE, None, None, confidence))
    if not added:
        return list(mentions)
    return in_text_order([*mentions, *added])

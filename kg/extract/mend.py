"""Name edges the tagger cut short, mended after it.

A compound of one-character place forms right before a meeting's, agreement's or
zone's name opens that name (京沈对口合作交流会, 川渝合作示范区): the compound
never stands alone before a name it does not belong to. When the tagger's name
starts just after such a compound, the name is moved back to include it.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of
the tagger and cannot move its other names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from kg.types import EntityType, Mention, Span

__all__ = ["open_with_compounds"]

#: The names a compound of their parties may open.
_OPENED = frozenset([EntityType.EVENT, EntityType.AGREEMENT, EntityType.ZONE])


def open_with_compounds(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with each name of :data:`_OPENED` that starts right after a run of
    compound place forms moved back to the run's start (the forms stay, inside it).

    >>> from kg.types import Mention, Span, EntityType as T
    >>> ms = [Mention(Span(0, 1), "京", T.PLACE, "compound", "北京市"),
    ...       Mention(Span(1, 2), "沈", T.PLACE, "compound", "沈阳市"),
    ...       Mention(Span(2, 9), "对口合作交流会", T.EVENT, "tagger", "对口合作交流会")]
    >>> [m.surface for m in open_with_compounds("京沈对口合作交流会", ms)]
    ['京沈对口合作交流会', '京', '沈']
    """
    ends = {
        m.span.end: m.span.start
        for m in mentions
        if m.rule == "compound" and m.type == EntityType.PLACE
    }
    if not ends:
        return list(mentions)
    out = []
    for m in mentions:
        start = m.span.start
        while m.type in _OPENED and start in ends:
            start = ends[start]
        if start != m.span.start and m.span.start - start >= 2:
            prefix = text[start : m.span.start]
            canonical = prefix + (m.canonical or m.surface)
            m = dataclasses.replace(
                m, span=Span(start, m.span.end), surface=prefix + m.surface, canonical=canonical
            )
        out.append(m)
    return sorted(out, key=lambda m: (m.span.start, -m.span.end))

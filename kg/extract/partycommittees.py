"""Committees of the democratic parties: 九三学社广东省委会, 民建郑州市委员会.

A democratic party's committee for a place is named by the party's short or full
name (``party_prefixes.tsv``), the place, and a committee word (``grammar.tsv`` role
``party-committee``: 委员会, 委会, 委). Such a name is one Organization, whatever the
tagger made of its parts: the 省委 inside 民革广东省委会 is no party committee of the
province, and 致公党广东省委 is no government body.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.spans import in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "party_committees"]

#: What a mention found here carries as its rule name.
RULE = "party-committee"

#: The types of the mentions a committee's name replaces where they overlap it.
_REPLACED = frozenset([EntityType.AGENCY, EntityType.ORGANIZATION])


@cache
def _patterns() -> tuple[re.Pattern[str], tuple[str, ...]]:
    parties = sorted(tables.column("party_prefixes.tsv", "prefix"), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, parties))), tables.grammar("party-committee")


def party_committees(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` with each democratic party's committee of a place as one Organization.

    >>> t = "民革湖南省委会、九三学社长沙市委员会:"
    >>> ms = [Mention(Span(2, 5), "湖南省", EntityType.PLACE, "gazetteer", "湖南省"),
    ...       Mention(Span(4, 6), "省委", EntityType.AGENCY, "jurisdiction", "中共湖南省委"),
    ...       Mention(Span(12, 15), "长沙市", EntityType.PLACE, "gazetteer", "长沙市")]
    >>> [(m.surface, m.type.value) for m in party_committees(t, ms, 0.5)]
    [('民革湖南省委会', 'Organization'), ('湖南省', 'Place'), ('九三学社长沙市委员会', 'Organization'), ('长沙市', 'Place')]
    """
    parties, committees = _patterns()
    places = {m.span.start: m for m in mentions if m.type == EntityType.PLACE}
    found: list[tuple[int, int]] = []
    for p in parties.finditer(text):
        place = places.get(p.end())
        if place is None:
            continue
        word = next((w for w in committees if text.startswith(w, place.span.end)), None)
        if word is not None:
            found.append((p.start(), place.span.end + len(word)))
    if not found:
        return list(mentions)

    def replaced(m: Mention) -> bool:
        a, b = m.span.start, m.span.end
        return m.type in _REPLACED and any(a < e and s < b for s, e in found)

    kept = [m for m in mentions if not replaced(m)]
    added = [
        Mention(Span(s, e), text[s:e], EntityType.ORGANIZATION, RULE, text[s:e], None, confidence)
        for s, e in found
    ]
    return in_text_order([*kept, *added])

"""The agreement a signing ceremony is named after: 洛阳—济源深度融合发展战略合作框架协议
in 洛阳—济源深度融合发展战略合作框架协议签约仪式.

Official writing names a signing ceremony by the agreement signed and the ceremony
(``grammar.tsv`` role ``signing-ceremony``: 签约仪式, 签字仪式 …). Where a meeting's
name is an agreement's name (ending as ``suffixes.tsv`` or ``titles.tsv`` ends an
Agreement: 协议, 备忘录 …) and such a word, the agreement is an entity too, inside the
meeting's name. A name joining two meetings (…座谈会暨…协议签约仪式) is left alone: what
the agreement's name is, there, is not clear.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.spans import in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "agreements_of_ceremonies"]

#: What a mention found here carries as its rule name.
RULE = "ceremony-agreement"


@cache
def _words() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    return (
        tables.grammar("signing-ceremony"),
        tables.endings("Agreement", titles=True),
        tables.grammar("meeting-joiner"),
    )


def agreements_of_ceremonies(
    text: str, mentions: Sequence[Mention], confidence: float
) -> list[Mention]:
    """``mentions`` and an Agreement mention for the agreement each signing ceremony is
    named after.

    >>> t = "遵义市与重庆市綦江区战略合作框架协议签约仪式举行"
    >>> n = t.index("举行")
    >>> ms = [Mention(Span(0, n), t[:n], EntityType.EVENT, "tagger", None)]
    >>> [(m.surface, m.type.value) for m in agreements_of_ceremonies(t, ms, 0.5)][1:]
    [('遵义市与重庆市綦江区战略合作框架协议', 'Agreement')]
    """
    ceremonies, endings, joiners = _words()
    have = {(m.span.start, m.span.end) for m in mentions if m.type == EntityType.AGREEMENT}
    added: list[Mention] = []
    for m in mentions:
        if m.type != EntityType.EVENT:
            continue
        word = next((w for w in ceremonies if m.surface.endswith(w)), None)
        if word is None:
            continue
        name = m.surface[: -len(word)]
        if not name.endswith(endings) or len(name) <= 4 or any(j in name for j in joiners):
            continue
        span = (m.span.start, m.span.start + len(name))
        if span in have:
            continue
        have.add(span)
        added.append(Mention(Span(*span), name, EntityType.AGREEMENT, RULE, None, None, confidence))
    if not added:
        return list(mentions)
    return in_text_order([*mentions, *added])

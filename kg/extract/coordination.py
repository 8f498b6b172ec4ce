"""A head shared by a counted list: one name per conjunct.

Official writing names several clusters or zones at once by listing their
modifiers and giving the head once, after a count (打造新能源汽车、新材料、
低空经济三大产业集群; 建设物流、商贸两个园区): each conjunct with the head is a
name (新能源汽车产业集群, 新材料产业集群, 低空经济产业集群). The count must
equal the number of conjuncts, and the heads are the Cluster and Zone endings of
``suffixes.tsv``.

This runs after the tagger (:func:`kg.pipeline.mentions`): the names it makes
replace what the tagger or the rules found inside the list, and they are no
feature of the tagger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.names import left_edge
from kg.extract.spans import in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["distribute_heads", "shared_heads"]

#: The types whose heads a counted list may share.
_TYPES = ("Cluster", "Zone")
#: What a mention of one of these lists carries as its rule name.
RULE = "shared-head"


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, EntityType]]:
    heads = {
        r["suffix"]: EntityType(r["type"])
        for r in tables.tsv("suffixes.tsv")
        if r["type"] in _TYPES
    }
    alts = "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
    nums = "".join(tables.numerals())
    conj = r"[\u4e00-\u9fff]{2,10}"
    return (
        re.compile(
            rf"((?:{conj}、)+{conj}(?:[和及]{conj})?)等?([{nums}]|\d{{1,2}})[大个]?({alts})"
        ),
        heads,
    )


def shared_heads(text: str, confidence: float) -> list[tuple[Span, list[Mention]]]:
    """Each counted list with a shared head: the span it covers (list, count and head)
    and one mention per conjunct, named conjunct + head.

    >>> [(m.surface, m.canonical) for _, ms in shared_heads("两省将共同打造新能源、"
    ...     "新材料、低空经济三大产业集群。", 0.9) for m in ms]
    [('新能源', '新能源产业集群'), ('新材料', '新材料产业集群'), ('低空经济', '低空经济产业集群')]
    """
    pattern, heads = _pattern()
    out: list[tuple[Span, list[Mention]]] = []
    for m in pattern.finditer(text):
        start, end = m.span(1)
        cuts = [start] + [i + 1 for i in range(start, end) if text[i] in "、和及"] + [end + 1]
        parts = [(cuts[k], cuts[k + 1] - 1) for k in range(len(cuts) - 1)]
        if tables.numerals().get(m.group(2), 0) != len(parts) and m.group(2) != str(len(parts)):
            continue
        # the first conjunct begins where a name would (打造新能源: 新能源)
        first = left_edge(text, parts[0][1], parts[0][0], scope="name")
        parts[0] = (first, parts[0][1])
        if any(b - a < 2 for a, b in parts):
            continue
        head = m.group(3)
        typ = heads[head]
        ms = [
            Mention(Span(a, b), text[a:b], typ, RULE, text[a:b] + head, None, confidence)
            for a, b in parts
        ]
        out.append((Span(first, m.end()), ms))
    return out


def distribute_heads(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` with the names of every counted list with a shared head in place of
    what was found inside the list (places and bodies inside a conjunct stay)."""
    found = shared_heads(text, confidence)
    if not found:
        return list(mentions)
    covered = {k for s, _ in found for k in range(s.start, s.end)}
    kept = [
        m
        for m in mentions
        if m.type in (EntityType.PLACE, EntityType.AGENCY) or m.span.start not in covered
    ]
    added = [m for _, ms in found for m in ms]
    return in_text_order(kept + added)

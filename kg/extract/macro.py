"""Macro-regions named bare: 东北 for 东北地区, 华南 for 华南地区; the world's regions
(东南亚, 中亚).

Official writing names the country's macro-regions by their bare direction words as
often as in full (振兴东北老工业基地, 共建东北大旅游格局, 加强与华中、华东的经济联系).
A bare form of ``macro_regions.tsv`` that lies outside every other name is a mention
of its region, unless the character before it makes it part of a smaller area
(渝东北, 川西北, 城西北: a place's abbreviation or a place word, ``grammar.tsv`` role
``macro-region-preceder``) or the words after it
make it a direction or part of another name (东北部, 东北亚, 华南理工大学, 东北三省:
``grammar.tsv`` role ``macro-region-follower``).

This runs after the tagger (:func:`kg.pipeline.mentions`): the bare forms are no
feature of it, so the table can grow without moving its other names.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.spans import Cover
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "bare_macro_regions"]

#: What a mention found here carries as its rule name.
RULE = "macro-region"


@cache
def _table() -> tuple[re.Pattern[str], dict[str, str], frozenset[str], tuple[str, ...]]:
    forms = {r["form"]: r["name"] for r in tables.tsv("macro_regions.tsv")}
    pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
    before = frozenset(tables.abbreviations()) | frozenset(tables.grammar("macro-region-preceder"))
    after = tuple(sorted(tables.grammar("macro-region-follower"), key=len, reverse=True))
    return pattern, forms, before, after


def bare_macro_regions(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` and a Region mention for each bare macro-region outside them; a
    region mention that is a bare form takes the macro-region's full name.

    >>> t = "振兴东北老工业基地,加强与华中、华东的联系,渝东北、东北亚不算。"
    >>> [(m.surface, m.canonical) for m in bare_macro_regions(t, [], 0.5)]
    [('东北', '东北地区'), ('华中', '华中地区'), ('华东', '华东地区')]
    """
    if not text:
        return list(mentions)
    pattern, forms, before, after = _table()
    covered = Cover((m.span.start, m.span.end) for m in mentions)
    out = [  # the tagger's bare 东北 is 东北地区 too
        dataclasses.replace(m, canonical=forms[m.surface])
        if m.type == EntityType.REGION and m.surface in forms and m.canonical == m.surface
        else m
        for m in mentions
    ]
    for m in pattern.finditer(text):
        s, e = m.start(), m.end()
        if s > 0 and text[s - 1] in before:
            continue
        if text.startswith(after, e):
            continue
        if covered.overlaps(s, e):
            continue
        out.append(
            Mention(
                Span(s, e), m.group(), EntityType.REGION, RULE, forms[m.group()], None, confidence
            )
        )
    return sorted(out, key=lambda x: (x.span.start, -x.span.end))

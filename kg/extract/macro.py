"""Macro-regions named bare: 东北 for 东北地区, 华南 for 华南地区; the world's regions
(东南亚, 中亚); and a macro-region named by the count of its provinces (东北三省, 中部六省).

Official writing names the country's macro-regions by their bare direction words as
often as in full (振兴东北老工业基地, 共建东北大旅游格局, 加强与华中、华东的经济联系).
A bare form of ``macro_regions.tsv`` that lies outside every other name is a mention
of its region, unless the character before it makes it part of a smaller area
(渝东北, 川西北, 城西北: a place's abbreviation or a place word, ``grammar.tsv`` role
``macro-region-preceder``) or the words after it
make it a direction or part of another name (东北部, 东北亚, 华南理工大学, 东北三省:
``grammar.tsv`` role ``macro-region-follower``).

A macro-region's form, or a part of the country that only a count makes a region
(``grammar.tsv`` role ``counted-region``: 中部, 西部), followed by a count of provinces
(三省, 六省区, not 省会) is one Region under that name (东北三省, 中部六省).

This runs after the tagger (:func:`kg.pipeline.mentions`): the bare forms are no
feature of it, so the table can grow without moving its other names.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.spans import Cover, in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "bare_macro_regions", "counted_provinces"]

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
    return in_text_order(out)


@cache
def _counted() -> re.Pattern[str]:
    words = {
        *(r["form"] for r in tables.tsv("macro_regions.tsv")),
        *tables.grammar("counted-region"),
    }
    nums = "".join(tables.numerals())
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:{alts})[{nums}]{{1,2}}省(?:区|份)?(?!会)")


def counted_provinces(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` with a Region for each macro-region named by the count of its
    provinces; a mention of its first words alone (东北 of 东北三省) gives way to it.

    >>> t = "东北三省和中部六省加强合作,中部六省会城市不算。"
    >>> [m.surface for m in counted_provinces(t, [], 0.5)]
    ['东北三省', '中部六省']
    """
    found = [(m.start(), m.end()) for m in _counted().finditer(text)]
    if not found:
        return list(mentions)
    out = list(mentions)
    for s, e in found:
        inside = [m for m in out if s <= m.span.start and m.span.end <= e]
        rest = [m for m in out if m not in inside]
        if Cover((m.span.start, m.span.end) for m in rest).overlaps(s, e):
            continue  # part of a longer name
        out = rest
        out.append(
            Mention(Span(s, e), text[s:e], EntityType.REGION, RULE, text[s:e], None, confidence)
        )
    return in_text_order(out)

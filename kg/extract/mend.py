"""Name edges the tagger cut short or ran long, mended after it.

A region's, zone's or cluster's name ends with a head of its kind (城市群, 园区, 机场,
产业集群: ``suffixes.tsv``); a tagger's name of one of these kinds that
runs past its last head into the words after it (洛阳机场至, 长江中游城市群做实,
武汉光谷科技会展中心EPC) is cut after that head, and one running on after a head into
a copula or verb (广州南沙新区为国家级新区, …园区将按照…) is cut there; a verb
never opens such a name (含西咸新区): it is cut off (``grammar.tsv`` roles
``name-breaker``, ``name-verb``).

A name never opens with a preposition of time or a modal verb (自2013年首届…会商会,
拟于第十届泛珠大会, 将使…试验区): such a word, and the date right after it, is cut off
the front of a guessed name (``grammar.tsv`` roles ``name-preposition`` and, needing
a date after them, ``name-preposition-dated``); so is a verb that takes the name as
its object (办好第15届…大会, 写进2019年…报告: ``name-opening-verb``; the date stays).

A name never starts inside a place's name (阳四市政协…座谈会 inside 资阳): its start
moves back to the place's, and a meeting's name then takes in the list of places
before it (成都、德阳、眉山、资阳四市政协…座谈会), as the rules' names do; so does a
meeting's name that opens with the count closing such a list (四市政协…座谈会).

A compound of one-character place forms right before a meeting's, agreement's or
zone's name opens that name (京沈对口合作交流会, 川渝合作示范区): the compound
never stands alone before a name it does not belong to. When the tagger's name
starts just after such a compound, the name is moved back to include it.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of
the tagger and cannot move its other names.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.names import extend_over_list
from kg.extract.spans import in_text_order
from kg.types import EntityType, Mention, Span

__all__ = [
    "cut_after_heads",
    "drop_counts",
    "open_with_compounds",
    "snap_to_places",
    "trim_prepositions",
]


def _from(text: str, m: Mention, start: int) -> Mention:
    """``m`` begun earlier, at ``start``: the text before it opens its surface and its
    canonical name."""
    prefix = text[start : m.span.start]
    return dataclasses.replace(
        m,
        span=Span(start, m.span.end),
        surface=prefix + m.surface,
        canonical=prefix + (m.canonical or m.surface),
    )


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
            m = _from(text, m, start)
        out.append(m)
    return in_text_order(out)


#: The rules whose names' edges are guesses: the tagger's, and a head's name run back
#: from its head (``suffix``).
_GUESSED = frozenset(["tagger", "suffix"])


#: The bodies a verb taking a name as its object is cut from (a preposition is not:
#: 自治区人民政府).
_BODIES = frozenset([EntityType.AGENCY, EntityType.ORGANIZATION, EntityType.COMPANY])
#: The names a preposition is cut from (not places or bodies: 自贡市, 自治区人民政府).
_TRIMMED = frozenset(
    [EntityType.EVENT, EntityType.AGREEMENT, EntityType.ZONE, EntityType.PLAN, EntityType.CLUSTER]
)


@cache
def _opening() -> re.Pattern[str]:
    date = r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?"
    words = "|".join(re.escape(w) for w in tables.grammar("name-preposition"))
    verbs = "|".join(
        re.escape(w) for w in sorted(tables.grammar("name-opening-verb"), key=len, reverse=True)
    )
    dated = "|".join(re.escape(w) for w in tables.grammar("name-preposition-dated"))
    return re.compile(rf"(?:(?:{words})(?:{date})?|(?:{dated}){date}|(?:{verbs}))")


@cache
def _opening_verb() -> re.Pattern[str]:
    verbs = sorted(tables.grammar("name-opening-verb"), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, verbs)))


def trim_prepositions(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with a preposition of time, a modal verb or a verb that takes a name
    as its object (and a date after it) cut off the front of the guessed names
    (拟于第十届…, 办好第15届…, 出席…); of a body's name, the verb alone (征求…管委会).

    >>> from kg.types import Mention, Span, EntityType as T
    >>> t = "自2013年首届长江中游城市群省会城市会商会"
    >>> [m.surface for m in trim_prepositions(t, [Mention(Span(0, len(t)), t, T.EVENT, "tagger", t)])]
    ['首届长江中游城市群省会城市会商会']
    >>> t = "写进2023年贵州省政府工作报告"
    >>> [m.surface for m in trim_prepositions(t, [Mention(Span(0, len(t)), t, T.PLAN, "suffix", t)])]
    ['2023年贵州省政府工作报告']
    """
    out = []
    for m in mentions:
        guessed = m.rule in _GUESSED
        if guessed and m.type in _TRIMMED:
            cut = _opening().match(text, m.span.start, m.span.end)
        elif guessed and m.type in _BODIES:  # 征求深汕特别合作区管委会: the verb alone
            cut = _opening_verb().match(text, m.span.start, m.span.end)
        else:
            cut = None
        if cut is not None and m.span.end - cut.end() >= 4:
            m = _cut(m, cut.end() - m.span.start, len(m.surface))
        out.append(m)
    return out


def _count_of(units: Sequence[str], digits: bool = False) -> re.Pattern[str]:
    """A count (a numeral, and a number of one or two digits when ``digits``) of one of
    ``units``, with 个 between or not (四市, 三个城市, 12个镇)."""
    nums = "".join(tables.numerals())
    number = rf"(?:[{nums}]|\d{{1,2}})" if digits else f"[{nums}]"
    alts = "|".join(re.escape(w) for w in sorted(units, key=len, reverse=True))
    return re.compile(rf"{number}个?(?:{alts})")


@cache
def _counted() -> re.Pattern[str]:
    """A count of the places just listed (四市, 两地, 三个城市)."""
    return _count_of(tables.grammar("collective-unit"))


def drop_counts(mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` without the places that are counts of places (三镇, 两市, 四个县):
    the list before them names the places; a name made of a region's name and a count of
    its places (广西北部湾经济区6市) is the region.

    >>> from kg.types import Mention, Span, EntityType as T
    >>> ms = [Mention(Span(0, 2), "三镇", T.PLACE, "tagger", "三镇"),
    ...       Mention(Span(3, 5), "东涌", T.PLACE, "township", "东涌镇")]
    >>> [m.surface for m in drop_counts(ms)]
    ['东涌']
    >>> ms = [Mention(Span(0, 8), "黔中经济区四市", T.PLACE, "tagger", "黔中经济区四市")]
    >>> [(m.surface, m.type.value) for m in drop_counts(ms)]
    [('黔中经济区', 'Region')]
    """
    out = []
    for m in mentions:
        if m.type == EntityType.PLACE and _place_count().fullmatch(m.surface):
            continue
        if m.type in (EntityType.PLACE, EntityType.REGION):
            region = _region_and_count().fullmatch(m.surface)
            if region is not None:
                name = region.group(1)
                end = m.span.start + len(name)
                m = Mention(
                    Span(m.span.start, end),
                    name,
                    EntityType.REGION,
                    m.rule,
                    None,
                    None,
                    m.confidence,
                )
        out.append(m)
    return out


@cache
def _region_and_count() -> re.Pattern[str]:
    """A region's name (its ending from ``suffixes.tsv``) and a count of its places."""
    endings = [r["suffix"] for r in tables.tsv("suffixes.tsv") if r["type"] == "Region"]
    alts = "|".join(re.escape(w) for w in sorted(endings, key=len, reverse=True))
    return re.compile(rf"(.+?(?:{alts}))(?:{_place_count().pattern})")


@cache
def _place_count() -> re.Pattern[str]:
    """A count of places or townships (三市, 四个县, 三镇, 两乡)."""
    units = [*tables.grammar("collective-unit"), *tables.grammar("township-suffix")]
    return _count_of(units, digits=True)


def snap_to_places(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with each name that starts inside a place's name moved back to the
    place's start (a meeting's also over the list of places before it).

    >>> from kg.types import Mention, Span, EntityType as T
    >>> t = "成都、德阳四市政协座谈会"
    >>> ms = [Mention(Span(0, 2), "成都", T.PLACE, "gazetteer", "成都市"),
    ...       Mention(Span(3, 5), "德阳", T.PLACE, "gazetteer", "德阳市"),
    ...       Mention(Span(4, 12), "阳四市政协座谈会", T.EVENT, "tagger", "阳四市政协座谈会")]
    >>> [m.surface for m in snap_to_places(t, ms) if m.type == T.EVENT]
    ['成都、德阳四市政协座谈会']
    >>> ms[2] = Mention(Span(5, 12), "四市政协座谈会", T.EVENT, "tagger", "四市政协座谈会")
    >>> [m.surface for m in snap_to_places(t, ms) if m.type == T.EVENT]
    ['成都、德阳四市政协座谈会']
    >>> ms[2] = Mention(Span(3, 12), "德阳四市政协座谈会", T.EVENT, "tagger", "德阳四市政协座谈会")
    >>> [m.surface for m in snap_to_places(t, ms) if m.type == T.EVENT]
    ['成都、德阳四市政协座谈会']
    """
    places = [m for m in mentions if m.type == EntityType.PLACE and len(m.span) > 1]
    if not places:
        return list(mentions)
    ends = {m.span.end: m.span.start for m in places}
    starts = {m.span.start for m in places}
    last = {m.span.start: m.span.end for m in places}
    inside: dict[int, int] = {}  # a position strictly inside a place -> the place's start
    for p in places:
        for k in range(p.span.start + 1, p.span.end):
            inside[k] = min(inside.get(k, p.span.start), p.span.start)
    out = []
    for m in mentions:
        start = m.span.start
        if m.type != EntityType.PLACE:
            if start in inside:
                start = inside[start]
                if m.type == EntityType.EVENT:
                    start = extend_over_list(text, start, ends, starts)
            elif m.type == EntityType.EVENT and start in ends and _counted().match(text, start):
                # 成都、德阳、眉山、资阳 + 四市政协…座谈会: the count closes the list
                start = extend_over_list(text, ends[start], ends, starts)
            elif (
                m.type == EntityType.EVENT
                and start in last
                and _counted().match(text, last[start])
                and text[start - 1 : start] == "、"
            ):
                # 成都、德阳、眉山 + 资阳四市政协…座谈会: the name opens with the list's last place
                start = extend_over_list(text, start, ends, starts)
        if start != m.span.start:
            m = _from(text, m, start)
        out.append(m)
    return in_text_order(out)


#: The kinds of name that end with a head of their kind (a meeting's may end with its
#: session, 联席会议第一次会议, so meetings are not among them).
_HEADED = ("Region", "Zone", "Cluster")


@cache
def _heads() -> dict[EntityType, tuple[str, ...]]:
    out: dict[EntityType, list[str]] = {}
    for r in tables.tsv("suffixes.tsv"):
        if r["type"] in _HEADED:
            out.setdefault(EntityType(r["type"]), []).append(r["suffix"])
    return {t: tuple(sorted(v, key=len, reverse=True)) for t, v in out.items()}


@cache
def _breaker() -> re.Pattern[str]:
    """A word that ends a name before it: a copula, modal or verb (为, 将, 打造…)."""
    words = sorted(tables.grammar("name-breaker"), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@cache
def _name_verb() -> re.Pattern[str]:
    """A verb, a year or an ordinal, which never open the name of a region, zone or
    cluster (含, 融入, 东连…; 2021年, 第三届: those of a meeting named after it)."""
    words = sorted(tables.grammar("name-verb"), key=len, reverse=True)
    verbs = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?:{verbs}|\d{{4}}年|第[\d一二三四五六七八九十]+[届次])+")


def cut_after_heads(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with each guessed name of a headed kind cut after the first head
    inside it that a copula or verb follows (广州南沙新区为国家级新区), else, when it
    does not end with a head of its kind, after the last head inside it; a verb that
    opens such a name (含西咸新区) is cut off its front.

    >>> from kg.types import Mention, Span, EntityType as T
    >>> t = "洛阳机场至"
    >>> [m.surface for m in cut_after_heads(t, [Mention(Span(0, 5), t, T.ZONE, "tagger", t)])]
    ['洛阳机场']
    >>> t = "含宜宾临港经济技术开发区将打造物流园区"
    >>> [m.surface for m in cut_after_heads(t, [Mention(Span(0, 19), t, T.ZONE, "tagger", t)])]
    ['宜宾临港经济技术开发区']
    >>> t = "第二届黔中城市群"
    >>> [m.surface for m in cut_after_heads(t, [Mention(Span(0, 8), t, T.REGION, "suffix", t)])]
    ['黔中城市群']
    """
    heads = _heads()
    out = []
    for m in mentions:
        own = heads.get(m.type, ()) if m.rule in _GUESSED else ()
        if not own:
            out.append(m)
            continue
        verb = _name_verb().match(m.surface)
        if verb is not None and len(m.surface) - verb.end() >= 4:
            m = _cut(m, verb.end(), len(m.surface))
        end = next(
            (
                b.start()
                for b in _breaker().finditer(m.surface, 3)
                if m.surface.endswith(own, 0, b.start())
            ),
            None,
        )
        if end is None and not m.surface.endswith(own):
            ends = [m.surface.rfind(h) + len(h) for h in own if m.surface.rfind(h) >= 0]
            end = max(ends, default=0)
        if end is not None and end >= 3:
            m = _cut(m, 0, end)
        out.append(m)
    return out


def _cut(m: Mention, start: int, end: int) -> Mention:
    """``m`` narrowed to ``[start, end)`` of its surface."""
    if (start, end) == (0, len(m.surface)):
        return m
    cut = m.surface[start:end]
    return dataclasses.replace(
        m, span=Span(m.span.start + start, m.span.start + end), surface=cut, canonical=cut
    )

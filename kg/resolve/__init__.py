"""Resolution: mentions -> one entity per real thing, with stable ids.

Places are keyed by their six-digit division code (``Place/410100``), other
things by type and normalised canonical name (``Agency/郑州市发展和改革委员会``).
The canonical name is the fullest official form among the mentions; every
surface form is an alias. Short names of companies and bodies (二十冶集团, 住建局)
join the fuller name they end or open.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.extract import tables
from kg.gcpause import without_gc
from kg.types import Document, Entity, EntityType, Mention

__all__ = ["resolve", "entity_id", "normalise_name"]

_STRIP = re.compile(r"[\s《》〈〉“”\"'‘’「」『』]")
_LEGAL = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|公司)$")
_MERGEABLE = frozenset(
    [EntityType.COMPANY, EntityType.AGENCY, EntityType.ORGANIZATION, EntityType.ZONE]
)
#: Surface forms that never become aliases (corpus convention): the words for the
#: author's own place (我市, 本省) of ``deixis.tsv``.
_NOT_ALIASES = frozenset(r["word"] for r in tables.tsv("deixis.tsv") if r["refers"] == "home")


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """The key form of a name: NFKC, without spaces and quotation marks.

    >>> normalise_name("《郑州都市圈 发展规划》")
    '郑州都市圈发展规划'
    """
    return _STRIP.sub("", unicodedata.normalize("NFKC", name))


def entity_id(m: Mention) -> str:
    """The stable id a mention resolves to."""
    if m.type == EntityType.PLACE and m.code:
        return f"Place/{m.code}"
    return f"{m.type.value}/{normalise_name(m.canonical or m.surface)}"


def _core(name: str) -> str:
    return _LEGAL.sub("", name)


@without_gc
def resolve(doc: Document, mentions: list[Mention]) -> list[Entity]:
    """Group mentions into entities: one per real thing, ids stable across documents."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(entity_id(m), []).append(m)
    names = {k: _best_name(v) for k, v in groups.items()}
    target = _short_form_targets(groups, names)
    for k, k2 in _session_targets(groups, names).items():
        target.setdefault(k, k2)
    bare = _bare_heads()
    defined, extra = _defined_short_forms(doc.norm, groups, names)
    for k, k2 in defined.items():
        target[k] = k2
    for k, k2 in _numbered_proposals(groups, names).items():
        target.setdefault(k, k2)
    for k, k2 in _bare_head_targets(groups, names, bare).items():
        target.setdefault(k, k2)
    target = {k: _final(target, k2) for k, k2 in target.items()}
    merged: dict[str, list[Mention]] = {}
    for k, ms in groups.items():
        k2 = target.get(k, k)
        if k2 == k and k not in extra and groups[k][0].type in _HEADED and names[k] in bare:
            continue  # a name's head alone (《规划》, 都市圈, 座谈会) names nothing
        merged.setdefault(k2, []).extend(ms)
    divs = tables.divisions()
    out: list[Entity] = []
    for k, ms in merged.items():
        ms = sorted(ms, key=lambda m: (m.span.start, m.span.end))
        head = groups.get(k, ms)
        typ = head[0].type
        name = names.get(k) or _best_name(head)
        code = head[0].code if typ == EntityType.PLACE else None
        lon = lat = None
        if code and code in divs:
            name = divs[code].name
            lon, lat = divs[code].longitude, divs[code].latitude
        aliases: list[str] = []
        seen: set[str] = set(_NOT_ALIASES)
        for m in ms:
            s = doc.text[m.span.start : m.span.end]
            if s not in seen:
                seen.add(s)
                aliases.append(s)
        for s in extra.get(k, ()):
            if s not in seen:
                seen.add(s)
                aliases.append(s)
        spans = tuple(dict.fromkeys(m.span for m in ms))  # ms is in text order
        conf = max(m.confidence for m in ms)
        out.append(Entity(k, name, typ, tuple(aliases), code, lon, lat, spans, conf))
    out.sort(key=lambda e: (e.mentions[0].start if e.mentions else 0, e.id))
    return out


#: Types whose names end in a head noun that alone names nothing (规划, 都市圈, 座谈会).
_HEADED = frozenset(
    [
        EntityType.PLAN,
        EntityType.AGREEMENT,
        EntityType.REGION,
        EntityType.ZONE,
        EntityType.EVENT,
        EntityType.CLUSTER,
    ]
)


@lru_cache(maxsize=1)
def _bare_heads() -> frozenset[str]:
    """Heads of names and titles that name nothing on their own (规划, 都市圈, 座谈会)."""
    return frozenset(tables.column("titles.tsv", "ending")) | frozenset(
        tables.column("suffixes.tsv", "suffix")
    )


def _bare_head_targets(
    groups: dict[str, list[Mention]], names: dict[str, str], bare: frozenset[str]
) -> dict[str, str]:
    """A head said alone after the full name (郑州都市圈 … 都市圈; 粤港澳大湾区 … 大湾区)
    is that name: the most mentioned name of the same type that ends with it."""
    out: dict[str, str] = {}
    for k, ms in groups.items():
        typ = ms[0].type
        if typ not in _HEADED or names[k] not in bare:
            continue
        full = [
            k2
            for k2, ms2 in groups.items()
            if k2 != k and ms2[0].type == typ and names[k2].endswith(names[k])
        ]
        if full:
            out[k] = max(
                full, key=lambda k2: (len(groups[k2]), -min(m.span.start for m in groups[k2]))
            )
    return out


#: A short form defined in brackets after a name: (以下简称《规划》), (下称"行动方案").
_DEFINITION = re.compile(
    r"[(（]\s*(?:以下|下文|下)?(?:简称|统称|称)(?:为)?\s*[:：]?\s*"
    r"[“\"《「『]{0,2}([^“”\"《》「」『』()（）,，、;；。]{1,30}?)[”\"》」』]{0,2}\s*[)）]"
)
_CLOSERS = '》”"」』'
#: What joins the items of a list right before its last one.
_LIST_MARKS = frozenset("、")


def _closes_list(text: str, ms: list[Mention], end: int) -> bool:
    """Whether the mention of ``ms`` that ends at ``end`` closes a list (…、崇左市)."""
    starts = [m.span.start for m in ms if m.span.end == end]
    return bool(starts) and text[starts[0] - 1 : starts[0]] in _LIST_MARKS


def _defined_short_forms(
    text: str, groups: dict[str, list[Mention]], names: dict[str, str]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Short forms defined after a name, (以下简称《规划》): every mention of the short
    form is that name (merge targets), and the short form is one of its aliases
    even where it is never used again (extra aliases by group)."""
    by_end: dict[int, str] = {}
    for k, ms in groups.items():
        for m in ms:
            if by_end.get(m.span.end) is None or len(names[k]) > len(names[by_end[m.span.end]]):
                by_end[m.span.end] = k
    short_groups: dict[str, list[str]] = {}
    for k in groups:
        short_groups.setdefault(normalise_name(names[k]), []).append(k)
        for m in groups[k]:
            short_groups.setdefault(normalise_name(m.surface), []).append(k)
    targets: dict[str, str] = {}
    extra: dict[str, list[str]] = {}
    for d in _DEFINITION.finditer(text):
        end = d.start()
        while end > 0 and text[end - 1] in _CLOSERS + " ":
            end -= 1
        owner = by_end.get(end) or by_end.get(d.start())
        if owner is None or _closes_list(text, groups[owner], end):
            continue  # A、B、C(以下统称三市): the list's collective name, not C's
        k = owner
        short = d.group(1).strip()
        extra.setdefault(k, []).append(short)
        for k2 in short_groups.get(normalise_name(short), []):
            if k2 != k and len(names[k2]) < len(names[k]):
                targets[k2] = k
    return targets, extra


_NUMBERED = re.compile(r"^第?[\d一二三四五六七八九十百零〇]+号(?:提案|建议|议案)?$")
_PROPOSAL = re.compile(r"^关于.*(?:提案|建议|议案)$")


def _numbered_proposals(groups: dict[str, list[Mention]], names: dict[str, str]) -> dict[str, str]:
    """A proposal cited by number (第41号建议) is the one proposal of the document
    named by its title (关于…的建议), when there is exactly one."""
    plans = [k for k in groups if groups[k][0].type == EntityType.PLAN]
    titled = [k for k in plans if _PROPOSAL.match(normalise_name(names[k]))]
    if len(titled) != 1:
        return {}
    return {k: titled[0] for k in plans if _NUMBERED.match(normalise_name(names[k]))}


def _final(target: dict[str, str], k: str) -> str:
    seen = {k}
    while k in target and target[k] not in seen:
        k = target[k]
        seen.add(k)
    return k


def _short_form_targets(groups: dict[str, list[Mention]], names: dict[str, str]) -> dict[str, str]:
    """Short forms join the fuller name of the same type that ends with them (住建局 ->
    …住房和城乡建设局), or that opens a company's legal name (二十冶集团 -> 二十冶集团有限公司).

    Every ending and every legal-name opening is indexed once, so each short form is
    looked up, not compared with every other name.
    """
    keys = sorted(groups, key=lambda k: -len(names[k]))
    rank = {k: i for i, k in enumerate(keys)}
    endings: dict[tuple[EntityType, str], list[str]] = {}
    openings: dict[tuple[EntityType, str], list[str]] = {}
    for k2 in keys:
        typ = groups[k2][0].type
        if typ not in _MERGEABLE:
            continue
        full = _core(names[k2])
        for i in range(len(full)):
            endings.setdefault((typ, full[i:]), []).append(k2)
        if _LEGAL.search(names[k2]):
            name2 = names[k2]
            for i in range(3, len(name2)):
                openings.setdefault((typ, name2[:i]), []).append(k2)
    target: dict[str, str] = {}
    for k in keys:
        typ = groups[k][0].type
        if typ not in _MERGEABLE:
            continue
        short = _core(names[k])
        if len(short) < 3:
            continue
        cands = endings.get((typ, short), []) + openings.get((typ, names[k]), [])
        cands = [k2 for k2 in cands if k2 != k and len(names[k2]) > len(names[k])]
        if cands:
            k2 = min(cands, key=rank.__getitem__)
            target[k] = target.get(k2, k2)
    return target


_SESSION_NO = re.compile(r"第[一二三四五六七八九十百零〇\d]{1,4}[届次]")


def _session_targets(groups: dict[str, list[Mention]], names: dict[str, str]) -> dict[str, str]:
    """An event named without its session number (…协调会市长联席会议, as in a headline)
    is the first-mentioned event of the document with that name and a number
    (…协调会第十五届市长联席会议)."""
    numbered: dict[str, tuple[int, str]] = {}
    for k, ms in groups.items():
        if ms[0].type != EntityType.EVENT or not _SESSION_NO.search(names[k]):
            continue
        first = min(m.span.start for m in ms)
        bare = _SESSION_NO.sub("", names[k])
        if bare not in numbered or first < numbered[bare][0]:
            numbered[bare] = (first, k)
    out: dict[str, str] = {}
    for k, ms in groups.items():
        if ms[0].type == EntityType.EVENT and names[k] in numbered:
            out[k] = numbered[names[k]][1]
    return out


def _best_name(ms: list[Mention]) -> str:
    """The fullest canonical form among a group's mentions."""
    cands = {m.canonical or m.surface for m in ms}
    return max(cands, key=lambda c: (len(normalise_name(c)), c))

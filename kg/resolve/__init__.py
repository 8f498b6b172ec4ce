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
#: Surface forms that never become aliases (corpus convention).
_NOT_ALIASES = frozenset(["我市", "我区", "我省", "我县", "本市"])


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
    merged: dict[str, list[Mention]] = {}
    for k, ms in groups.items():
        merged.setdefault(target.get(k, k), []).extend(ms)
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
        spans = tuple(dict.fromkeys(m.span for m in ms))  # ms is in text order
        conf = max(m.confidence for m in ms)
        out.append(Entity(k, name, typ, tuple(aliases), code, lon, lat, spans, conf))
    out.sort(key=lambda e: (e.mentions[0].start if e.mentions else 0, e.id))
    return out


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

"""Places: division names (full and short forms), countries, one-character forms in compounds."""

from __future__ import annotations

import re
from collections import Counter, deque
from functools import cache

from kg.extract import segmenter, tables
from kg.extract.context import Context
from kg.extract.matcher import Hit
from kg.extract.spans import Cover, maximal
from kg.types import EntityType, Mention, Span

#: Text between two places that makes them a list (济源、兰考; 泰顺司前).
_LINKS = frozenset(["", "、", "和", "与", "及", "至", "-", "—", "――", "以及", ",", "，"])
_RANK = {"province": 2, "city": 1, "county": 0}


def _maximal(hits: list[Hit], covers: list[Hit]) -> list[Hit]:
    """Hits not strictly inside a longer hit of ``hits`` or ``covers`` (one sort, one sweep)."""
    keep = maximal([(h.start, h.end) for h in hits], [(h.start, h.end) for h in covers])
    return [h for h, k in zip(hits, keep, strict=True) if k]


def candidates(hit: Hit) -> tuple[tuple[str, bool], ...]:
    return tables.place_forms().get(hit.surface, ())


def confident_counts(place_hits: list[Hit]) -> Counter[str]:
    """Division codes of place hits that need no context (full names, single candidates)."""
    counts: Counter[str] = Counter()
    for h in place_hits:
        code = _confident(h.surface)
        if code:
            counts[code] += 1
    return counts


@cache
def _confident(surface: str) -> str | None:
    """The division a form denotes whatever the context: a unique full name, or a city or
    province that is the form's only reading."""
    divs = tables.divisions()
    block = tables.place_blocklist()
    cands = [
        c for c in tables.place_forms().get(surface, ()) if not (c[1] is False and surface in block)
    ]
    full = [c for c, is_full in cands if is_full]
    if len(full) == 1 and surface not in block:
        return full[0]
    if len(cands) == 1 and divs[cands[0][0]].level != "county":
        return cands[0][0]
    return None


def choose(hit: Hit, ctx: Context) -> str | None:
    """The division a place hit denotes in this context, or None."""
    divs = tables.divisions()
    block = tables.place_blocklist()
    best: tuple[tuple[int, int, int, int], str] | None = None
    for code, is_full in candidates(hit):
        d = divs[code]
        inside = ctx.in_context(code)
        if hit.surface in block and d.level != "province" and not (inside and d.level == "city"):
            continue
        if not is_full and d.level == "county" and not inside:
            continue
        key = (int(inside), _RANK[d.level], int(is_full), -int(code))
        if best is None or key > best[0]:
            best = (key, code)
    return best[1] if best else None


def place_mentions(text: str, hits: dict[str, list[Hit]], ctx: Context) -> list[Mention]:
    """Place mentions from division and country hits, read in context."""
    region_names = [h for h in hits["name"] if _name_type(h.surface) == "Region"]
    countries = hits["country"]
    place_hits = _maximal(hits["place"], countries + region_names)
    # a place hit spanning exactly a region name is the region (海西)
    region_spans = {(h.start, h.end) for h in region_names}
    place_hits = [h for h in place_hits if (h.start, h.end) not in region_spans]
    # a country name inside a longer division name is no country (蒙古 in 内蒙古)
    countries = _maximal(countries, place_hits)
    foreign = foreign_mentions(text, countries, place_hits)
    if foreign:
        inside_foreign = Cover((m.span.start, m.span.end) for m in foreign)
        place_hits = [h for h in place_hits if not inside_foreign.overlaps(h.start, h.end)]
    out: list[Mention] = list(foreign)
    pending: list[Hit] = []
    chosen: dict[str, str | None] = {}
    for h in place_hits:
        if h.surface not in chosen:
            chosen[h.surface] = choose(h, ctx)
        code = chosen[h.surface]
        if code is None:
            pending.append(h)
            continue
        out.append(_mention(h, code))
    out += _listed(text, pending, out)
    for h in countries:
        name = tables.pairs("countries.tsv", "surface", "name")[h.surface]
        out.append(Mention(Span(h.start, h.end), h.surface, EntityType.PLACE, "country", name))
    return sorted(out, key=lambda m: (m.span.start, m.span.end))


#: A place abroad named after its country (加拿大埃德蒙顿市, 美国加利福尼亚州, 日本大阪府):
#: a short run of name characters ending in a division word.
_FOREIGN = re.compile(r"[\u4e00-\u9fff·]{2,6}?[市州省郡县府]")
#: Characters that never stand inside such a name (function words, 驻 as in 驻华).
_NOT_IN_FOREIGN = frozenset("和及与、,，驻在的了是为向对从由把被将等并或也还就我其该本各每此这那")


def foreign_mentions(text: str, countries: list[Hit], place_hits: list[Hit]) -> list[Mention]:
    """Places abroad named right after their country, and later bare mentions of them.

    The name is the shortest run of 2-6 name characters after the country that ends in
    市, 州, 省, 郡, 县 or 府; it is refused when it holds a function word, when it is made
    of common words (友好城市), or when a full Chinese division name lies inside it.
    Its stem (埃德蒙顿 for 埃德蒙顿市) found elsewhere in the text is the same place.

    >>> t = "加拿大埃德蒙顿市市长来访,埃德蒙顿和郑州有着广泛的合作空间。"
    >>> [(m.surface, m.canonical) for m in foreign_mentions(t, [Hit(0, 3, "加拿大", "country")], [])]
    [('埃德蒙顿市', '埃德蒙顿市'), ('埃德蒙顿', '埃德蒙顿市')]
    """
    if not countries:
        return []
    full_places = Cover((h.start, h.end) for h in place_hits if _has_full(h.surface))
    out: list[Mention] = []
    names: dict[str, str] = {}
    for c in countries:
        m = _FOREIGN.match(text, c.end)
        if not m:
            continue
        name = m.group()
        core = name[:-1]
        if (
            any(ch in _NOT_IN_FOREIGN for ch in name)
            or _common_words_only(core)
            or full_places.overlaps(m.start(), m.end())
        ):
            continue
        out.append(Mention(Span(m.start(), m.end()), name, EntityType.PLACE, "foreign", name))
        if len(core) >= 2:
            names.setdefault(core, name)
    if names:
        taken = {x.span.start for x in out}
        pattern = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
        for m in pattern.finditer(text):
            if m.start() in taken:
                continue
            stem = m.group()
            out.append(
                Mention(Span(m.start(), m.end()), stem, EntityType.PLACE, "foreign", names[stem])
            )
    return sorted(out, key=lambda x: (x.span.start, x.span.end))


def _common_words_only(core: str) -> bool:
    """Whether a run holds a frequent common word (国内, 友好, 企业), so is no
    transliterated name (清迈, 波尔多, 哈巴罗夫斯克, 埃德蒙顿)."""
    words = tables.common_words()
    for t in segmenter.cut(core):
        w = words.get(t) if len(t) > 1 else None
        if w and w[0] >= 300 and w[1] not in ("ns", "nr", "nz", "nrt", "nrfg"):
            return True
    return False


@cache
def _has_full(surface: str) -> bool:
    return any(is_full for _, is_full in tables.place_forms().get(surface, ()))


def _name_type(surface: str) -> str:
    return tables.pairs("names.tsv", "surface", "type").get(surface, "")


_TYPES = {t.value: t for t in EntityType}

#: Longest text between two listed places.
_LINK_MAX = max(len(w) for w in _LINKS)


def _listed(text: str, pending: list[Hit], accepted: list[Mention]) -> list[Mention]:
    """Short county forms listed with accepted places (济源、兰考等地), read outward.

    A pending hit joins when a place next to it (across a link of ``_LINKS``) is
    accepted; each acceptance rechecks only its own pending neighbours, so the
    work is linear in the number of hits.
    """
    if not pending:
        return []
    by_end: dict[int, list[str]] = {}
    by_start: dict[int, list[str]] = {}

    def accept(span_start: int, span_end: int, code: str) -> None:
        by_end.setdefault(span_end, []).append(code)
        by_start.setdefault(span_start, []).append(code)

    for m in accepted:
        if m.code:
            accept(m.span.start, m.span.end, m.code)
    p_end: dict[int, list[int]] = {}
    p_start: dict[int, list[int]] = {}
    for i, h in enumerate(pending):
        p_end.setdefault(h.end, []).append(i)
        p_start.setdefault(h.start, []).append(i)

    def near_codes(h: Hit) -> list[str]:
        codes: list[str] = []
        for gap in range(_LINK_MAX + 1):
            if text[h.start - gap : h.start] in _LINKS and h.start - gap >= 0:
                codes += by_end.get(h.start - gap, [])
            if text[h.end : h.end + gap] in _LINKS and h.end + gap <= len(text):
                codes += by_start.get(h.end + gap, [])
        return codes

    def neighbours(h: Hit) -> list[int]:
        got: list[int] = []
        for gap in range(_LINK_MAX + 1):
            if text[h.start - gap : h.start] in _LINKS:
                got += p_end.get(h.start - gap, [])
            if text[h.end : h.end + gap] in _LINKS:
                got += p_start.get(h.end + gap, [])
        return got

    out: list[Mention] = []
    done = [False] * len(pending)
    queue = deque(range(len(pending)))
    while queue:
        i = queue.popleft()
        if done[i]:
            continue
        h = pending[i]
        near = near_codes(h)
        if not near:
            continue
        code = _choose_any(h, near)
        if code:
            done[i] = True
            out.append(_mention(h, code))
            accept(h.start, h.end, code)
            queue.extend(j for j in neighbours(h) if not done[j])
    return out


def _choose_any(h: Hit, near_codes: list[str]) -> str | None:
    block = tables.place_blocklist()
    if h.surface in block:
        return None
    cands = [c for c, _ in candidates(h)]
    provs = {c[:2] for c in near_codes}
    same = [c for c in cands if c[:2] in provs]
    return same[0] if len(same) == 1 else None


def _mention(h: Hit, code: str) -> Mention:
    d = tables.divisions()[code]
    return Mention(Span(h.start, h.end), h.surface, EntityType.PLACE, "gazetteer", d.name, code)


def compound_mentions(
    text: str, places: list[Mention], blocked: list[tuple[int, int]], ctx: Context
) -> list[Mention]:
    """One-character forms inside compounds (郑开同城化, 成德眉资, 郑(港)汴许, 京豫合作).

    A run of 2-5 known one-character forms counts when a cooperation word or a
    region word follows it (data: ``compound_followers.tsv``), or when it opens a
    name found by a suffix rule (``blocked`` holds spans of fixed names such as 京津冀).
    """
    abbr = tables.abbreviations()
    local = initials(places)
    matches = list(_compound_pattern().finditer(text))
    if not matches:
        return []
    inside_fixed_name = Cover(blocked)
    # a run that is part of a place name is that place (南京 in 南京都市圈 is no 南+京)
    named = Cover((m.span.start, m.span.end) for m in places if m.span.end - m.span.start > 1)
    out: list[Mention] = []
    for m in matches:
        i, j = m.span(1)
        run = [p for p in range(i, j) if text[p] in abbr]
        if inside_fixed_name.covers(i) or named.overlaps(i, j):
            continue
        resolved = [_resolve_char(text[p], local, ctx) for p in run]
        if all(resolved) and len({r[0] for r in resolved if r}) == len(run):
            for p, r in zip(run, resolved, strict=True):
                assert r is not None
                name, typ, code = r
                out.append(Mention(Span(p, p + 1), text[p], _TYPES[typ], "compound", name, code))
    return out


@cache
def _compound_pattern() -> re.Pattern[str]:
    """A whole run of 2-5 one-character forms (a bracketed one counts: 郑(港)汴许), not
    preceded or followed by another, then a cooperation or region word (group 1: the run)."""
    chars = "".join(sorted(re.escape(c) for c in tables.abbreviations()))
    one = f"(?:[{chars}]|[(（][{chars}][)）])"
    words = sorted(tables.word_set("compound_followers.tsv", "word"), key=len, reverse=True)
    follow = "[“”\"'‘’]*(?:经济)?(?:" + "|".join(map(re.escape, words)) + ")"
    # the first character's class is tested first, so most positions fail at once
    first = f"[{chars}](?<![{chars}][{chars}])(?<![(（][{chars}][)）][{chars}])"
    return re.compile(f"({first}{one}{{1,4}})(?!{one})(?={follow})")


Initials = dict[str, tuple[str, str, str]]


def initials(places: list[Mention]) -> Initials:
    """First character -> (name, type, code) of the first city or county of the document
    whose name opens with it: what a one-character form denotes before any table."""
    divs = tables.divisions()
    out: Initials = {}
    for m in places:
        if m.canonical and m.code and divs[m.code].level != "province":
            out.setdefault(m.canonical[:1], (m.canonical, "Place", m.code))
    return out


def _resolve_char(ch: str, local: Initials, ctx: Context) -> tuple[str, str, str | None] | None:
    """Which place a one-character form denotes: a place of the document first."""
    if ch in local:
        return local[ch]
    rows = tables.abbreviations().get(ch, ())
    names = tables.name_index()
    near = [r for r in rows if r[2] and ctx.provinces.get(r[2] + "0000", 0) > 0]
    for name, typ, _ in near + [r for r in rows if not r[2]]:
        code = f"{names[name]:06d}" if name in names else None
        return (name, typ, code)
    return None


#: A count of townships closing a list of their names (鹅埠、赤石、小漠、鲘门四镇).
_TOWN_COUNT = re.compile(r"(等)?([两二三四五六七八九十]|\d{1,2})个?(镇|乡|街道)")
_COUNTS = {
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_ITEM_SEPARATORS = "、和及与"


def township_mentions(text: str) -> list[Mention]:
    """Townships named in a list closed by their count (鹅湖、石坪、董团三镇): each name
    is a place (鹅湖镇), without a division code (the national table stops at
    counties). The list is read leftwards from the count; the first name is as long as
    the second. A name that is a division form is left to the division rules.

    >>> [(m.surface, m.canonical) for m in township_mentions("整体划入鹅湖、石坪、董团三镇管理。")]
    [('鹅湖', '鹅湖镇'), ('石坪', '石坪镇'), ('董团', '董团镇')]
    """
    out: list[Mention] = []
    forms = tables.place_forms()
    for m in _TOWN_COUNT.finditer(text):
        n = _COUNTS.get(m.group(2)) or int(m.group(2))
        items: list[tuple[int, int]] = []
        pos = m.start()
        while len(items) < n:
            sep = max(text.rfind(c, max(0, pos - 4), pos) for c in _ITEM_SEPARATORS)
            if sep >= 0 and 2 <= pos - sep - 1 <= 3 and len(items) < n - 1:
                items.insert(0, (sep + 1, pos))
                pos = sep
                continue
            size = items[0][1] - items[0][0] if items else 2
            items.insert(0, (pos - size, pos))
            break
        if len(items) != n and not m.group(1):
            continue
        if not all(
            all("\u4e00" <= ch <= "\u9fff" for ch in text[a:b]) and a >= 0 for a, b in items
        ):
            continue
        for a, b in items:
            name = text[a:b]
            if name in forms:
                continue
            out.append(Mention(Span(a, b), name, EntityType.PLACE, "township", name + m.group(3)))
    return out

"""Places: division names (full and short forms), countries, one-character forms in compounds."""

from __future__ import annotations

from collections import Counter

from kg.extract import tables
from kg.extract.context import Context
from kg.extract.matcher import Hit
from kg.types import EntityType, Mention, Span

#: Text between two places that makes them a list (济源、兰考; 泰顺司前).
_LINKS = frozenset(["", "、", "和", "与", "及", "至", "-", "—", "――", "以及", ",", "，"])
_RANK = {"province": 2, "city": 1, "county": 0}


def _maximal(hits: list[Hit], covers: list[Hit]) -> list[Hit]:
    """Hits not strictly inside a longer hit of ``hits`` or ``covers``."""
    spans = [(h.start, h.end) for h in hits + covers]
    out = []
    for h in hits:
        if any(s <= h.start and h.end <= e and (e - s) > (h.end - h.start) for s, e in spans):
            continue
        out.append(h)
    return out


def candidates(hit: Hit) -> tuple[tuple[str, bool], ...]:
    return tables.place_forms().get(hit.surface, ())


def confident_counts(place_hits: list[Hit]) -> Counter[str]:
    """Division codes of place hits that need no context (full names, single candidates)."""
    counts: Counter[str] = Counter()
    divs = tables.divisions()
    block = tables.place_blocklist()
    for h in place_hits:
        cands = [c for c in candidates(h) if not (c[1] is False and h.surface in block)]
        full = [c for c, is_full in cands if is_full]
        if len(full) == 1 and h.surface not in block:
            counts[full[0]] += 1
        elif len(cands) == 1 and divs[cands[0][0]].level != "county":
            counts[cands[0][0]] += 1
    return counts


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
    out: list[Mention] = []
    pending: list[Hit] = []
    for h in place_hits:
        code = choose(h, ctx)
        if code is None:
            pending.append(h)
            continue
        out.append(_mention(h, code))
    # short county forms listed with accepted places (济源、兰考等地)
    changed = True
    while changed and pending:
        changed = False
        for h in list(pending):
            near = [m for m in out if _linked(text, m.span, h)]
            if not near:
                continue
            code = _choose_any(h, [m.code for m in near if m.code])
            if code:
                out.append(_mention(h, code))
                pending.remove(h)
                changed = True
    for h in _maximal(countries, []):
        name = tables.pairs("countries.tsv", "surface", "name")[h.surface]
        out.append(Mention(Span(h.start, h.end), h.surface, EntityType.PLACE, "country", name))
    return sorted(out, key=lambda m: (m.span.start, m.span.end))


def _name_type(surface: str) -> str:
    return tables.pairs("names.tsv", "surface", "type").get(surface, "")


def _linked(text: str, span: Span, h: Hit) -> bool:
    if span.end <= h.start:
        between = text[span.end : h.start]
    elif h.end <= span.start:
        between = text[h.end : span.start]
    else:
        return False
    return between in _LINKS


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
    followers = sorted(tables.word_set("compound_followers.tsv", "word"), key=len, reverse=True)
    out: list[Mention] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] not in abbr:
            i += 1
            continue
        run: list[int] = []
        j = i
        while j < n and len(run) < 6:
            if text[j] in abbr:
                run.append(j)
                j += 1
            elif text[j] in "(（" and j + 2 < n and text[j + 1] in abbr and text[j + 2] in ")）":
                run.append(j + 1)
                j += 3
            else:
                break
        start_ok = i == 0 or text[i - 1] not in abbr
        if not (2 <= len(run) <= 5 and start_ok):
            i = max(j, i + 1)
            continue
        k = j
        while k < n and text[k] in "“”\"'‘’":
            k += 1
        follows = any(text.startswith(w, k) for w in followers) or (
            text.startswith("经济", k) and any(text.startswith(w, k + 2) for w in followers)
        )
        inside_fixed = any(s <= i < e for s, e in blocked)
        if 2 <= len(run) <= 5 and start_ok and follows and not inside_fixed:
            resolved = [_resolve_char(text[p], places, ctx) for p in run]
            if all(resolved) and len({r[0] for r in resolved if r}) == len(run):
                for p, r in zip(run, resolved, strict=True):
                    assert r is not None
                    name, typ, code = r
                    out.append(
                        Mention(Span(p, p + 1), text[p], EntityType(typ), "compound", name, code)
                    )
        i = max(j, i + 1)
    return out


def _resolve_char(
    ch: str, places: list[Mention], ctx: Context
) -> tuple[str, str, str | None] | None:
    """Which place a one-character form denotes: a place of the document first."""
    divs = tables.divisions()
    for m in places:
        if (
            m.canonical
            and m.code
            and m.canonical.startswith(ch)
            and divs[m.code].level != "province"
        ):
            return (m.canonical, "Place", m.code)
    rows = tables.abbreviations().get(ch, ())
    names = tables.name_index()
    local = [r for r in rows if r[2] and ctx.provinces.get(r[2] + "0000", 0) > 0]
    for name, typ, _ in local + [r for r in rows if not r[2]]:
        code = f"{names[name]:06d}" if name in names else None
        return (name, typ, code)
    return None

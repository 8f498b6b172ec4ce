"""Mentions: typed strings found in a document, before resolution.

One pass of one Aho-Corasick automaton (:mod:`kg.extract.matcher`) finds every
table-driven pattern; the rules in :mod:`~kg.extract.places`,
:mod:`~kg.extract.names` and :mod:`~kg.extract.persons` turn the hits into
:class:`~kg.types.Mention` objects. No I/O beyond the cached data tables.
"""

from __future__ import annotations

from functools import cache, lru_cache

from kg.extract import context as _context
from kg.extract import matcher, names, persons, places, tables
from kg.extract.context import Context
from kg.extract.spans import Cover
from kg.gcpause import without_gc
from kg.types import Document, EntityType, Mention, Span

__all__ = ["find_mentions", "document_context", "scan_places"]

#: Mention types that still count when nested in another name (江苏 in 江苏省政协).
_NESTABLE = frozenset([EntityType.PLACE, EntityType.REGION])


def document_context(doc: Document) -> Context:
    """The document's provinces and own jurisdiction (from the publisher and the text)."""
    return _context_of(doc.norm, doc.metadata.get("publisher", ""), doc.metadata.get("host", ""))


@lru_cache(maxsize=1)
def _scan(norm: str) -> dict[str, list[matcher.Hit]]:
    """The one automaton pass over a document's text (shared by context and mentions)."""
    return matcher.scan(norm)


def scan_places(text: str) -> list[matcher.Hit]:
    """Every division name in ``text``, overlapping, before the rules read them."""
    return _scan(text)["place"]


@lru_cache(maxsize=8)
def _context_of(norm: str, publisher: str, host: str) -> Context:
    hits = _scan(norm)
    pub_codes: list[str] = []
    for value in (publisher, host):
        for h in matcher.scan(value)["place"]:
            cands = places.candidates(h)
            full = [c for c, is_full in cands if is_full]
            short = [c for c, _ in cands if tables.divisions()[c].level != "county"]
            pick = full[:1] or short[:1]
            pub_codes += pick
    return _context.build(pub_codes, places.confident_counts(hits["place"]))


@without_gc
def find_mentions(doc: Document) -> list[Mention]:
    """All typed mentions in ``doc``, in text order.

    >>> from kg.types import Document
    >>> t = "郑州市与开封市推进郑开同城化。"
    >>> [(m.surface, m.canonical) for m in find_mentions(Document("x", t, t)) if m.type == "Place"]
    [('郑州市', '郑州市'), ('开封市', '开封市'), ('郑', '郑州市'), ('开', '开封市')]
    """
    text = doc.norm
    hits = _scan(text)
    ctx = document_context(doc)
    found = places.place_mentions(text, hits, ctx) + places.township_mentions(text)
    known = names.known_mentions(hits["name"])
    titles = names.title_mentions(text)
    proposals = names.proposal_mentions(text)
    templates = names.template_mentions(text, found)
    suffixed = names.suffix_mentions(text, hits["suffix"], found, ctx)
    fixed = [
        (m.span.start, m.span.end) for m in known + titles + suffixed if m.type != EntityType.PLACE
    ]
    compounds = places.compound_mentions(
        text, found, [(s, e) for s, e in fixed if e - s >= 3 and text[s:e] in _fixed_names()], ctx
    )
    compounds += _compounds_opening_names(text, found, suffixed, ctx)
    jur = names.jurisdiction_mentions(text, hits["jurisdiction"], found, ctx)
    sessions = names.session_mentions(text, ctx)
    outlets = names.outlet_mentions(text) + names.included_plan_mentions(text)
    others = outlets + known + titles + proposals + templates + suffixed + jur + sessions
    others = _drop_nested(_prefer(others), text) + names.title_parts(titles)
    taken = [(m.span.start, m.span.end) for m in others + found]
    people = persons.person_mentions(text, hits["cue"], taken)
    allm = found + compounds + others + people
    # a place that is exactly a known non-place name (海西 as a region) is that name
    spans = {(m.span.start, m.span.end) for m in others}
    allm = [
        m for m in allm if not (m.type == EntityType.PLACE and (m.span.start, m.span.end) in spans)
    ]
    # EntityType is a str enum: members compare as their values
    return sorted(set(allm), key=lambda m: (m.span.start, m.span.end, m.type, m.canonical or ""))


def _place_starts(m: Mention) -> str:
    """The first two characters of a name when they open a place name, else ''."""
    forms = tables.place_forms()
    name = m.canonical or m.surface
    return (
        name[:2]
        if any(name.startswith(f) for f in (name[:2], name[:3], name[:4]) if f in forms)
        else ""
    )


@cache
def _fixed_names() -> frozenset[str]:
    return frozenset(r["surface"] for r in tables.tsv("names.tsv"))


def _compounds_opening_names(
    text: str, found: list[Mention], suffixed: list[Mention], ctx: Context
) -> list[Mention]:
    """A run of one-character forms that opens a cluster or zone name (许港精密制造产业带)."""
    out: list[Mention] = []
    abbr = tables.abbreviations()
    local = places.initials(found)
    place_starts = {p.span.start for p in found}
    for m in suffixed:
        if m.type not in (EntityType.CLUSTER, EntityType.ZONE):
            continue
        s = m.span.start
        run = 0
        while run < 5 and text[s + run : s + run + 1] in abbr:
            run += 1
        if run < 2 or s in place_starts:
            continue
        resolved = [places._resolve_char(text[s + k], local, ctx) for k in range(run)]
        if all(resolved):
            for k, r in enumerate(resolved):
                assert r is not None
                out.append(
                    Mention(
                        Span(s + k, s + k + 1),
                        text[s + k],
                        EntityType(r[1]),
                        "compound",
                        r[0],
                        r[2],
                    )
                )
    return out


_RULE_RANK = {
    "outlet": 0,
    "template": 0,
    "session": 0,
    "known": 1,
    "title": 1,
    "included": 1,
    "proposal": 1,
    "jurisdiction": 2,
    "suffix": 3,
}


def _prefer(ms: list[Mention]) -> list[Mention]:
    """One mention per span: templates and known names before suffix rules."""
    best: dict[tuple[int, int], Mention] = {}
    for m in ms:
        k = (m.span.start, m.span.end)
        if k not in best or _RULE_RANK.get(m.rule, 9) < _RULE_RANK.get(best[k].rule, 9):
            best[k] = m
    return list(best.values())


def _drop_nested(ms: list[Mention], text: str = "") -> list[Mention]:
    ms = _drop_shadowed(ms)
    return _drop_nested2(ms, named_parties(text, ms) | managed_zones(text, ms) if text else set())


_MANAGERS = ("管委会", "管理委员会", "党工委")


def managed_zones(text: str, ms: list[Mention]) -> set[tuple[int, int]]:
    """Spans of zones named in their management committee's name (三明埔岭汽车工业园区管委会):
    the zone is named there as well as the body.

    >>> t = "南宁经济技术开发区管委会与企业签约。"
    >>> from kg.types import Document
    >>> sorted(m.surface for m in find_mentions(Document("x", t, t)) if m.type == "Zone")
    ['南宁经济技术开发区']
    """
    bodies = {(m.span.start, m.span.end) for m in ms if m.type == EntityType.AGENCY}
    out: set[tuple[int, int]] = set()
    for m in ms:
        if m.type != EntityType.ZONE:
            continue
        for w in _MANAGERS:
            if text.startswith(w, m.span.end) and (m.span.start, m.span.end + len(w)) in bodies:
                out.add((m.span.start, m.span.end))
    return out


_PARTY_TYPES = frozenset([EntityType.AGENCY, EntityType.COMPANY, EntityType.ORGANIZATION])
_PARTY_JOINERS = frozenset("与和、同")


def named_parties(text: str, ms: list[Mention]) -> set[tuple[int, int]]:
    """Spans of the parties that open the name of an event or agreement, joined by 与/和/、
    (道县人民政府与五矿二十三冶建设集团有限公司合作框架协议签约仪式): two or more of them
    name the parties themselves, not an organisation inside another name.

    >>> t = "长沙市人民政府与中国建筑集团有限公司合作协议签约仪式"
    >>> from kg.types import Document
    >>> sorted(m.surface for m in find_mentions(Document("x", t, t)) if m.type == "Company")
    ['中国建筑集团有限公司']
    """
    longest: dict[int, Mention] = {}
    for m in ms:
        if m.type in _PARTY_TYPES:
            k = m.span.start
            if k not in longest or longest[k].span.end < m.span.end:
                longest[k] = m
    keep: set[tuple[int, int]] = set()
    for c in ms:
        if c.type not in (EntityType.EVENT, EntityType.AGREEMENT):
            continue
        chain: list[Mention] = []
        nxt = longest.get(c.span.start)
        while nxt is not None and nxt.span.end < c.span.end and nxt is not c:
            chain.append(nxt)
            if text[nxt.span.end : nxt.span.end + 1] not in _PARTY_JOINERS:
                break
            nxt = longest.get(nxt.span.end + 1)
        if len(chain) >= 2:
            keep |= {(n.span.start, n.span.end) for n in chain}
    return keep


def _drop_shadowed(ms: list[Mention]) -> list[Mention]:
    """A suffix-rule name that ends where a known name or title ends and swallows words
    before it (青岛市建立黄河流域 around 黄河流域) is that known name."""
    latest_start: dict[int, int] = {}
    for o in ms:
        if o.rule in ("known", "title", "template"):
            e = o.span.end
            latest_start[e] = max(latest_start.get(e, -1), o.span.start)
    return [
        m
        for m in ms
        if not (m.rule == "suffix" and latest_start.get(m.span.end, -1) > m.span.start)
    ]


def _drop_nested2(
    ms: list[Mention], parties: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset()
) -> list[Mention]:
    """Drop names inside a longer name unless places or regions (an organisation
    inside another name is not a mention of it), or the parties that open it."""
    cover = Cover((m.span.start, m.span.end) for m in ms)
    known_regions = Cover(
        (m.span.start, m.span.end) for m in ms if m.rule == "known" and m.type == EntityType.REGION
    )
    out = []
    for m in ms:
        inside = cover.inside_longer(m.span.start, m.span.end)
        if (
            inside
            and m.rule == "known"
            and m.type == EntityType.REGION
            and known_regions.inside_longer(m.span.start, m.span.end)
        ):
            continue
        if inside and (m.span.start, m.span.end) in parties:
            out.append(m)
            continue
        if inside and (
            m.type not in _NESTABLE
            or (m.rule == "suffix" and m.type == EntityType.REGION and not _place_starts(m))
        ):
            continue
        out.append(m)
    return out

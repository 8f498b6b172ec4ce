"""Document frames: what deictic and anaphoric words refer to.

Official writing names a party once and then points back at it: 我市/我省 is
the author's own place, 我局/我委/我们 the author body, 双方/两市/三地 the
parties named just before (often in the sentence before), 会上/仪式上 the
meeting just named. A relation stated with such a word has one end that no
name in the sentence holds. This module reads the words of
``data/gazetteer/deixis.tsv`` and turns each occurrence into mentions of the
entities it refers to, marked with how they were found (``via``), so that the
relation candidates see them like names.

- home: the document's own place at the level the word names (from the
  publisher and the text, :func:`kg.extract.document_context`);
- author: the body that publishes the document (metadata ``publisher``), else
  the first agency named in the document;
- parties: the most recent distinct parties (places, bodies, companies,
  organisations) named before the word, as many as its count says (all of the
  last list for 各方), at the level it names when it names one, a place never
  beside the place that contains it;
- meeting: the most recent event named before the word that the document names
  more than once or names first (not one cited in passing), else the document's
  first event.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import ahocorasick_rs

from kg.extract import document_context, tables
from kg.resolve import normalise_name
from kg.types import Document, Entity, EntityType

__all__ = ["Ref", "Deixis", "author", "deixis", "home_places", "references"]

_PARTY_TYPES = frozenset(
    [EntityType.PLACE, EntityType.AGENCY, EntityType.COMPANY, EntityType.ORGANIZATION]
)


class Deixis(NamedTuple):
    """One row of the deixis table."""

    word: str
    refers: str  # home, author, parties, meeting
    level: str  # province, city, county or ''
    number: int  # parties: how many (0: all of the last list)


class Ref(NamedTuple):
    """A deictic word at ``[start, end)`` that refers to ``entity``."""

    start: int
    end: int
    entity: Entity
    via: str


@cache
def deixis() -> tuple[ahocorasick_rs.AhoCorasick, tuple[Deixis, ...]]:
    """The deixis table and an automaton over its words (longest match first)."""
    rows: list[Deixis] = []
    for r in tables.tsv("deixis.tsv"):
        rows.append(Deixis(r["word"], r["refers"], r["level"], int(r["count"] or 0)))
    rows.sort(key=lambda d: d.word)
    ac = ahocorasick_rs.AhoCorasick(
        [d.word for d in rows], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )
    return ac, tuple(rows)


def author(doc: Document, entities: Sequence[Entity]) -> Entity | None:
    """The body that publishes ``doc`` (metadata ``publisher``), else the agency that
    signs it (a line of its own: the 落款 under a notice), else the first agency named
    in it."""
    publisher = normalise_name(doc.metadata.get("publisher", ""))
    bodies = [e for e in entities if e.type in (EntityType.AGENCY, EntityType.ORGANIZATION)]
    if publisher:
        for e in bodies:
            names = {normalise_name(e.name), *(normalise_name(a) for a in e.aliases)}
            if publisher in names:
                return e
    agencies = [e for e in bodies if e.type == EntityType.AGENCY and e.mentions]
    if not agencies:
        return None
    lines = _line_spans(doc.norm)
    signing = [e for e in agencies if any((m.start, m.end) in lines for m in e.mentions)]
    return min(signing or agencies, key=lambda e: e.mentions[0].start)


def _line_spans(text: str) -> set[tuple[int, int]]:
    """The span of each line's text without its surrounding blanks: a mention with one
    of these spans is all its line holds (a sign-off: 广西壮族自治区人民政府)."""
    out = set()
    pos = 0
    for line in text.split("\n"):
        core = line.strip()
        if core:
            start = pos + line.index(core)
            out.add((start, start + len(core)))
        pos += len(line) + 1
    return out


def _home(doc: Document, entities: Sequence[Entity]) -> dict[str, Entity]:
    ctx = document_context(doc)
    by_id = {e.id: e for e in entities}
    out: dict[str, Entity] = {}
    for level, code in ctx.home.items():
        e = by_id.get(f"Place/{code}")
        if e is not None:
            out[level] = e
    return out


def home_places(doc: Document, entities: Sequence[Entity]) -> list[Entity]:
    """The author's own places that the document speaks of only as 我市/我省 (never by
    name): entities without mentions, so that the relations those words carry have an
    end (the words themselves are never aliases)."""
    ac, rows = deixis()
    levels = {
        rows[i].level or "city"
        for i, _s, _e in ac.find_matches_as_indexes(doc.norm)
        if rows[i].refers == "home"
    }
    if not levels:
        return []
    ctx = document_context(doc)
    have = {e.id for e in entities}
    divs = tables.divisions()
    out = []
    for level in sorted(levels):
        code = ctx.home.get(level) or (ctx.home.get("city") if level == "county" else None)
        if code is None or f"Place/{code}" in have:
            continue
        d = divs[code]
        have.add(f"Place/{code}")
        out.append(
            Entity(
                f"Place/{code}",
                d.name,
                EntityType.PLACE,
                (),
                code,
                d.longitude,
                d.latitude,
                (),
                1.0,
            )
        )
    return out


def _nested(a: Entity, b: Entity) -> bool:
    return bool(
        a.code
        and b.code
        and (a.code in tables.ancestors(b.code) or b.code in tables.ancestors(a.code))
    )


def _locative_starts(text: str, spans: Sequence[tuple[int, int, Entity]]) -> frozenset[int]:
    """Starts of the places that say where something happens (在凯里, 赴吉林省延边州): a
    place right after a preposition of place, and each place chained on to one."""
    preps = tables.grammar("locative")
    out: set[int] = set()
    ends: dict[int, int] = {}
    for s, e, ent in spans:
        if ent.type != EntityType.PLACE:
            continue
        if text[max(0, s - 1) : s] in preps or (s in ends and ends[s] in out):
            out.add(s)
        ends.setdefault(e, s)
    return frozenset(out)


def references(doc: Document, entities: Sequence[Entity]) -> list[Ref]:
    """Every deictic word of ``doc`` with the entities it refers to, in text order."""
    text = doc.norm
    ac, rows = deixis()
    found = ac.find_matches_as_indexes(text)
    if not found:
        return []
    home = _home(doc, entities)
    writer = author(doc, entities)
    spans = sorted(
        ((sp.start, sp.end, e) for e in entities for sp in e.mentions),
        key=lambda t: (t[0], -t[1]),
    )
    divs = tables.divisions()
    where = _locative_starts(text, spans)
    out: list[Ref] = []
    for idx, s, e in found:
        d = rows[idx]
        if d.refers == "home":
            h = home.get(d.level) or (home.get("city") if d.level == "county" else None)
            if h is not None:
                out.append(Ref(s, e, h, "home"))
        elif d.refers == "author":
            if writer is not None:
                out.append(Ref(s, e, writer, "author"))
        elif d.refers == "meeting":
            before = [t for t in spans if t[1] <= s and t[2].type == EntityType.EVENT]
            # the meeting reported on, not one cited in passing (贯彻党的十八大精神): the
            # latest one named more than once, or the first one
            focus = [t for t in before if len(t[2].mentions) > 1 or t[2] is before[0][2]]
            if focus:
                out.append(Ref(s, e, focus[-1][2], "meeting"))
            else:
                events = [t for t in spans if t[2].type == EntityType.EVENT]
                if events:
                    out.append(Ref(s, e, events[0][2], "meeting"))
        else:
            chosen: list[Entity] = []
            for _s, _e, ent in reversed([t for t in spans if t[1] <= s]):
                if ent.type not in _PARTY_TYPES or any(c.id == ent.id for c in chosen):
                    continue
                if _s in where:  # 在凯里召开: where they met, not who
                    continue
                if d.level and (
                    ent.type != EntityType.PLACE
                    or not ent.code
                    or divs[ent.code].level != d.level
                    and not (d.level == "city" and ent.name.endswith("市"))
                ):
                    continue
                if any(_nested(c, ent) for c in chosen):
                    continue
                chosen.append(ent)
                if d.number and len(chosen) == d.number:
                    break
                if s - _e > 400:
                    break
            if d.number and len(chosen) != d.number:
                continue
            for ent in reversed(chosen):
                out.append(Ref(s, e, ent, "parties"))
    return out

"""Time and modality for the relations a document states (after :func:`find_relations`).

Each relation stated in the text gets the time its sentence gives for it
(:mod:`kg.extract.timing`) and whether the text gives it as done or as
intended (:mod:`kg.relations.modality`); gazetteer facts get neither. The
relation's words in its sentence are the span from the first to the last of its
two entities' nearest mentions there; a time or a cue inside a name counts for
nothing.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence

from kg.extract.timing import document_date, relation_time, time_mentions
from kg.relations.modality import classify, plan_like
from kg.types import Document, Entity, Relation, Source, Span

__all__ = ["annotate", "relation_core"]

#: A title in 《》: a name, whatever the extraction made of it.
_TITLE = re.compile(r"《[^《》\n]{1,80}》")


def _inside(spans: Sequence[Span], lo: int, hi: int) -> list[Span]:
    return [s for s in spans if lo <= s.start and s.end <= hi]


def _names_in(names: Sequence[Span], starts: Sequence[int], lo: int, hi: int) -> list[Span]:
    """The names (sorted by start) inside ``[lo, hi)``."""
    out = []
    for i in range(bisect.bisect_left(starts, lo), len(names)):
        s = names[i]
        if s.start >= hi:
            break
        if s.end <= hi:
            out.append(s)
    return out


def relation_core(subject: Sequence[Span], object_: Sequence[Span]) -> tuple[int, int] | None:
    """The span of a relation's words: the nearest pair of a subject and an object
    mention (``None`` unless both are there).

    >>> relation_core([Span(0, 3), Span(20, 23)], [Span(5, 8)])
    (0, 8)
    """
    best: tuple[int, int, int] | None = None
    for a in subject:
        for b in object_:
            lo, hi = min(a.start, b.start), max(a.end, b.end)
            if best is None or hi - lo < best[0]:
                best = (hi - lo, lo, hi)
    return None if best is None else (best[1], best[2])


def _title(doc: Document) -> str:
    if doc.title:
        return doc.title
    for line in doc.norm.splitlines():
        if line.strip():
            return line.strip()[:80]
    return ""


def annotate(
    doc: Document, entities: Sequence[Entity], relations: Sequence[Relation]
) -> list[Relation]:
    """``relations`` with the stated time and the modality of each stated in the text.

    >>> from kg.text.normalize import normalize
    >>> from kg.types import EntityType, Evidence, Predicate
    >>> t = "2019年1月26日,省委省政府印发了《行动计划》。"
    >>> d = Document(path="a.txt", text=t, norm=normalize(t), metadata={"published": "2019-02-01"})
    >>> p = Entity("Plan/行动计划", "行动计划", EntityType.PLAN, mentions=(Span(20, 24),))
    >>> a = Entity("Agency/省委", "省委", EntityType.AGENCY, mentions=(Span(11, 13),))
    >>> r = Relation(p.id, Predicate.ISSUED_BY, a.id, evidence=Evidence("a.txt", t, Span(0, len(t))))
    >>> [(x.time, x.modality.value) for x in annotate(d, [p, a], [r])]
    [('2019-01-26', 'accomplished')]
    """
    if not relations:
        return list(relations)
    today = document_date(doc.metadata)
    plan = plan_like(_title(doc))
    mentions = {e.id: e.mentions for e in entities}
    names = sorted({s for e in entities for s in e.mentions if len(s) > 1}, key=lambda s: s.start)
    starts = [s.start for s in names]
    times: dict[tuple[int, int], list] = {}
    out: list[Relation] = []
    text = doc.norm
    for r in relations:
        ev = r.evidence
        if r.source is not Source.TEXT or ev is None:
            out.append(r)
            continue
        lo, hi = ev.span.start, ev.span.end
        here = _names_in(names, starts, lo, hi) + [
            Span(m.start(), m.end()) for m in _TITLE.finditer(text, lo, hi)
        ]
        key = (lo, hi)
        found = times.get(key)
        if found is None:
            found = times[key] = time_mentions(text, lo, hi, today=today, names=here)
        core = relation_core(
            _inside(mentions.get(r.subject, ()), lo, hi),
            _inside(mentions.get(r.object, ()), lo, hi),
        )
        when = relation_time(found, core)
        stated = when.iso if when is not None else None
        modality = classify(
            text,
            ev.span,
            core,
            r.predicate,
            stated=stated,
            document_date=today,
            plan=plan,
            names=here,
        )
        out.append(dataclasses.replace(r, time=stated, modality=modality))
    return out

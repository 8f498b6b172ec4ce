"""The JSON form of ``kg extract``: one contract object per document (JSON Lines)."""

from __future__ import annotations

import json
from collections.abc import Container, Iterable
from typing import Any

from kg.extract.timing import document_date
from kg.graph import round_confidence
from kg.types import Extraction, Indicator, Source


def extraction_to_dict(ex: Extraction, *, display_name: bool = False) -> dict[str, Any]:
    """One document as the extraction contract's JSON object.

    ``document`` is the path exactly as given (or, with ``display_name``, the
    name relative to the input folder, as build outputs use); offsets index the
    text as read. Every entity and relation ends with its ``confidence`` (0-1,
    4 decimals): the tagger's probability for an entity (the highest of its
    mentions), the relation scorer's for a relation (1 for gazetteer facts).
    A relation stated in the text has its ``time`` (``{"document": date, "stated":
    time}``, each key present when known) and ``modality`` (``accomplished`` or
    ``planned``) before its confidence. The figures the document states follow the
    relations under ``indicators``.
    """
    doc = ex.document
    date = document_date(doc.metadata)
    obj: dict[str, Any] = {"document": doc.display_name if display_name else doc.path}
    if doc.title:
        obj["title"] = doc.title
    obj["metadata"] = dict(doc.metadata)
    obj["entities"] = [
        {
            "id": e.id,
            "name": e.name,
            "type": e.type.value,
            "aliases": list(e.aliases),
            **({"code": e.code} if e.code else {}),
            "mentions": [[m.start, m.end] for m in e.mentions],
            "confidence": round_confidence(e.confidence),
        }
        for e in ex.entities
    ]
    rels = []
    for r in ex.relations:
        rel: dict[str, Any] = {
            "subject": r.subject,
            "predicate": r.predicate.value,
            "object": r.object,
            "source": r.source.value,
        }
        if r.evidence is not None:
            rel["evidence"] = r.evidence.sentence
            rel["span"] = [r.evidence.span.start, r.evidence.span.end]
        if r.source is Source.TEXT:
            time: dict[str, str] = {}
            if date:
                time["document"] = date
            if r.time:
                time["stated"] = r.time
            rel["time"] = time
            if r.modality is not None:
                rel["modality"] = r.modality.value
        rel["confidence"] = round_confidence(r.confidence)
        rels.append(rel)
    obj["relations"] = rels
    obj["indicators"] = [indicator_to_dict(i, doc.text) for i in ex.indicators]
    return obj


def indicator_to_dict(i: Indicator, text: str) -> dict[str, Any]:
    """One figure as JSON: what is measured, value in base units, unit, as written,
    qualifier, place (entity id), period, its span and its sentence's span (keys
    whose value is unknown are left out)."""
    out: dict[str, Any] = {
        "indicator": i.name,
        "value": i.value,
        "unit": i.unit,
        "stated": i.stated,
    }
    if i.qualifier:
        out["qualifier"] = i.qualifier
    if i.place:
        out["place"] = i.place
    if i.period:
        out["period"] = i.period
    out["span"] = [i.span.start, i.span.end]
    out["sentence"] = [i.sentence.start, i.sentence.end]
    return out


#: ``json.dumps(x, ensure_ascii=False)`` with one encoder for every call (one per document).
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def to_jsonl(extractions: Iterable[Extraction], *, display_name: bool = False) -> str:
    """JSON Lines text, one line per document, UTF-8 characters kept as they are."""
    return "".join(
        _dumps(extraction_to_dict(ex, display_name=display_name)) + "\n" for ex in extractions
    )


def filter_line(line: bytes, minimum: float, kept: Container[str]) -> bytes:
    """A line of :func:`to_jsonl` (UTF-8) without what ``kg build --min-confidence``
    leaves out of the graph (see :func:`kg.graph.filter_confidence`): relations
    stated in the text below ``minimum``, entities not ``kept`` in the graph, and
    gazetteer facts about them. Keys and their order stay as they were.

    >>> line = (b'{"entities": [{"id": "A", "confidence": 0.9}, {"id": "B", "confidence": 0.2}], '
    ...         b'"relations": [{"subject": "A", "object": "B", "source": "text", "confidence": 0.3}]}')
    >>> filter_line(line, 0.5, {"A"}).decode()
    '{"entities": [{"id": "A", "confidence": 0.9}], "relations": []}\\n'
    """
    if not line:
        return line
    obj = json.loads(line)
    obj["entities"] = [e for e in obj["entities"] if e["id"] in kept]
    for i in obj.get("indicators", ()):
        if i.get("place") is not None and i["place"] not in kept:
            del i["place"]
    obj["relations"] = [
        r
        for r in obj["relations"]
        if (r["source"] != "text" or r["confidence"] >= minimum)
        and r["subject"] in kept
        and r["object"] in kept
    ]
    return (_dumps(obj) + "\n").encode("utf-8")

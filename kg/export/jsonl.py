"""The JSON form of ``kg extract``: one contract object per document (JSON Lines)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kg.types import Extraction


def extraction_to_dict(ex: Extraction, *, display_name: bool = False) -> dict[str, Any]:
    """One document as the extraction contract's JSON object.

    ``document`` is the path exactly as given (or, with ``display_name``, the
    name relative to the input folder, as build outputs use); offsets index the
    text as read.
    """
    doc = ex.document
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
        rels.append(rel)
    obj["relations"] = rels
    return obj


#: ``json.dumps(x, ensure_ascii=False)`` with one encoder for every call (one per document).
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def to_jsonl(extractions: Iterable[Extraction], *, display_name: bool = False) -> str:
    """JSON Lines text, one line per document, UTF-8 characters kept as they are."""
    return "".join(
        _dumps(extraction_to_dict(ex, display_name=display_name)) + "\n" for ex in extractions
    )

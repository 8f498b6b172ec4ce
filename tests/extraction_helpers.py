"""Helpers for the extraction tests: run the pipeline on a sentence."""

from __future__ import annotations

from kg.pipeline import extract
from kg.text.normalize import normalize
from kg.types import Document, Extraction


def run(text: str, publisher: str = "") -> Extraction:
    meta = {"publisher": publisher} if publisher else {}
    return extract(Document(path="t.txt", text=text, norm=normalize(text), metadata=meta))


def names(ex: Extraction, typ: str) -> set[str]:
    return {e.name for e in ex.entities if e.type.value == typ}


def triples(ex: Extraction, predicate: str, source: str = "text") -> set[tuple[str, str]]:
    by_id = {e.id: e.name for e in ex.entities}
    return {
        (by_id[r.subject], by_id[r.object])
        for r in ex.relations
        if r.predicate.value == predicate and r.source.value == source
    }

"""The annotated corpus as training material: documents, gold, aligned spans, features.

Reads a folder of documents and a folder of gold files (``<stem>.json`` along
the extraction contract) and, for each document, computes once what every
learned part trains on: the rules' mentions, the tagger's character features
and labels, the gold entities located in the text (:mod:`kg.train.align`) and
the document's words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import DataError
from kg.extract import find_mentions, scan_places
from kg.extract.charfeatures import sentence_features
from kg.extract.tagger import labels_of
from kg.pipeline import split
from kg.resolve import normalise_name
from kg.train.align import GoldMention, align
from kg.types import Document, Entity, EntityType, Mention, Span

__all__ = ["TrainDoc", "gold_entities", "load_corpus", "read_folds", "prepare"]


@dataclass(slots=True)
class TrainDoc:
    """One annotated document, ready for training and scoring."""

    stem: str
    doc: Document
    gold: Mapping[str, Any]
    mentions: list[Mention]
    sentences: list[Span]
    words: list[list[str]]
    features: list[list[list[str]]]  # per sentence, per character
    labels: list[list[str]]  # per sentence, per character
    aligned: list[GoldMention]
    entities: list[Entity]


def gold_entities(
    doc: Document, gold: Mapping[str, Any], aligned: Sequence[GoldMention]
) -> list[Entity]:
    """The gold entities as :class:`Entity` objects with the spans where they occur."""
    spans: dict[int, list[Span]] = {}
    for m in aligned:
        spans.setdefault(m.entity, []).append(Span(m.start, m.end))
    out = []
    for i, g in enumerate(gold.get("entities", [])):
        typ = EntityType(g["type"])
        code = g.get("code") or None
        eid = (
            f"Place/{code}"
            if typ == EntityType.PLACE and code
            else f"{typ.value}/{normalise_name(g['name'])}"
        )
        aliases = tuple(dict.fromkeys([g["name"], *(g.get("aliases") or [])]))
        ms = tuple(sorted(set(spans.get(i, [])), key=lambda s: (s.start, s.end)))
        out.append(Entity(eid, g["name"], typ, aliases, code, None, None, ms))
    return out


def prepare(doc: Document, gold: Mapping[str, Any]) -> TrainDoc:
    """Everything the learned parts train on, for one document and its gold."""
    ms = find_mentions(doc)
    parts = split(doc)
    feats = sentence_features(doc.norm, parts.spans, parts.words, ms, scan_places(doc.norm))
    singles = {m.span.start for m in ms if m.type == EntityType.PLACE and len(m.span) == 1}
    al = align(doc.text, doc.norm, gold.get("entities", []), singles)
    labels = labels_of(len(doc.norm), [(m.start, m.end, m.type) for m in al if m.top])
    per_sentence = [labels[s.start : s.end] for s in parts.spans]
    ents = gold_entities(doc, gold, al)
    return TrainDoc(
        doc.stem, doc, gold, ms, parts.spans, parts.words, feats, per_sentence, al, ents
    )


def read_folds(path: Path) -> dict[str, int]:
    """Document stem -> fold number, from a ``FOLDS.tsv`` (file, fold, region)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: cannot read the folds ({exc.strerror})") from None
    out: dict[str, int] = {}
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) < 2 or not cells[1].strip().isdigit():
            raise DataError(f"{path}:{n}: expected 'file<TAB>fold<TAB>region'")
        out[Path(cells[0]).stem] = int(cells[1])
    return out


def load_corpus(docs: Iterable[Document], gold_dir: Path) -> list[TrainDoc]:
    """Training material for every document that has a gold file, in stem order."""
    out = []
    for doc in sorted(docs, key=lambda d: d.stem):
        gf = gold_dir / f"{doc.stem}.json"
        if not gf.is_file():
            continue
        try:
            gold = json.loads(gf.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise DataError(f"{gf}: not a readable gold file ({exc})") from None
        out.append(prepare(doc, gold))
    return out

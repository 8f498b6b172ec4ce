"""The learned models the pipeline ships with, and loading them.

``kg train`` writes three files into a folder (by default this package's own,
where the shipped models live):

- ``tagger.crfsuite``: the CRF name tagger (:mod:`kg.extract.tagger`);
- ``tagger.json``: its label set and training options, and the confidence
  each rule earned for the mentions the tagger keeps from it
  (:mod:`kg.extract.combine`);
- ``relations.json``: the per-predicate relation models
  (:mod:`kg.relations.scorer`).

They are read on first use (a build's worker processes load them once each).
A folder with none of the files gives the rules alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import DataError
from kg.extract.tagger import Tagger
from kg.relations.scorer import RelationModel

__all__ = ["FILES", "Models", "SHIPPED", "load", "shipped"]

#: The folder of the shipped models.
SHIPPED = Path(__file__).resolve().parent
#: The files a model folder holds, in the order they are digested.
FILES = ("tagger.crfsuite", "tagger.json", "relations.json")
TAGGER_FORMAT = "policy-kg tagger 1"


@dataclass(frozen=True)
class Models:
    """The learned parts the pipeline uses; ``None`` for a part left to the rules.
    ``frames``: whether the rules read the document's frames (我市, lists as one
    subject); the relation model's own setting when there is one."""

    tagger: Tagger | None = None
    rule_confidence: Mapping[str, float] = field(default_factory=dict)
    relations: RelationModel | None = None
    digest: str = "rules"
    frames: bool = True

    @property
    def rules_only(self) -> bool:
        return self.tagger is None and self.relations is None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the model file ({exc})") from None
    if not isinstance(obj, dict):
        raise DataError(f"{path}: not a model file (expected a JSON object)")
    return obj


def folder_digest(folder: Path) -> str:
    """A digest of the model files of ``folder`` (names and bytes)."""
    h = hashlib.sha256()
    for name in FILES:
        p = folder / name
        data = p.read_bytes() if p.is_file() else b""
        h.update(name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def load(folder: Path) -> Models:
    """The models of a folder written by ``kg train``: the tagger when its two files are
    there, the relation models when theirs is; the rules alone for what is missing."""
    tagger: Tagger | None = None
    conf: dict[str, float] = {}
    crf, meta_path = folder / "tagger.crfsuite", folder / "tagger.json"
    if crf.is_file() != meta_path.is_file():
        missing = meta_path if crf.is_file() else crf
        raise DataError(f"{folder}: incomplete model folder (missing {missing.name}); run kg train")
    if crf.is_file():
        meta = _read_json(meta_path)
        if meta.get("format") != TAGGER_FORMAT:
            raise DataError(f"{meta_path}: not a tagger description of {TAGGER_FORMAT!r}")
        try:
            tagger = Tagger(crf)
        except OSError as exc:
            raise DataError(f"{crf}: cannot open the tagger ({exc})") from None
        conf = {str(k): float(v) for k, v in meta.get("rule_confidence", {}).items()}
    rel_path = folder / "relations.json"
    rel = RelationModel.load(rel_path) if rel_path.is_file() else None
    if tagger is None and rel is None:
        return Models()
    frames = rel.frames if rel is not None else True
    return Models(tagger, conf, rel, folder_digest(folder), frames)


@cache
def shipped() -> Models:
    """The models shipped with the package, loaded once per process."""
    return load(SHIPPED)

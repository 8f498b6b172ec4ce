"""The learned relation scorer: one logistic model per predicate, read from JSON.

``kg train`` fits the models with scikit-learn and writes their weights as
plain JSON (feature -> weight, a bias and the decision threshold chosen by
cross-validation); scoring a candidate is a sum of weights and a logistic, so
extraction needs neither scikit-learn nor numpy. A relation's confidence is
the highest probability among the candidates that state it.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import DataError
from kg.relations.candidates import Candidate
from kg.types import EntityType, Predicate

__all__ = ["RelationModel", "Scored", "best_per_relation"]

FORMAT = "policy-kg relation scorer 1"


@dataclass(frozen=True, slots=True)
class PredicateModel:
    bias: float
    threshold: float
    weights: Mapping[str, float]

    def probability(self, features: Iterable[str]) -> float:
        w = self.weights
        z = self.bias + sum(w.get(f, 0.0) for f in set(features))
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True, slots=True)
class RelationModel:
    """The per-predicate models; ``frames``: whether candidates include the document's
    frames (deictic words), as they did in training."""

    predicates: Mapping[Predicate, PredicateModel]
    frames: bool = True
    #: knots (probability, observed precision) of the out-of-fold calibration map
    calibration: tuple[tuple[float, float], ...] = ()

    def calibrated(self, p: float) -> float:
        """The observed precision of relations the model gives probability ``p`` (piecewise
        linear between the knots of the calibration map; ``p`` itself without one)."""
        knots = self.calibration
        if not knots:
            return p
        if p <= knots[0][0]:
            return knots[0][1]
        if p >= knots[-1][0]:
            return knots[-1][1]
        k = bisect_right([x for x, _ in knots], p)
        (x0, y0), (x1, y1) = knots[k - 1], knots[k]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (p - x0) / (x1 - x0)

    def cutoff(self, p: Predicate) -> float:
        """The probability below which a stated relation of ``p`` is left out."""
        m = self.predicates.get(p)
        return m.threshold if m is not None else 0.0

    def prior(self, p: Predicate, s: EntityType, o: EntityType, rule: str) -> float:
        """The probability of a relation a rule states where no candidate holds it (a
        relation of the whole document): from its types and its rule alone."""
        m = self.predicates.get(p)
        if m is None:
            return 1.0
        return m.probability(["bias", f"ts={s.value}>{o.value}", "rule=" + rule, "rule_here"])

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any], where: str = "relation model") -> RelationModel:
        if obj.get("format") != FORMAT:
            raise DataError(f"{where}: not a relation model of format {FORMAT!r}")
        preds = {}
        for name, m in obj["predicates"].items():
            preds[Predicate(name)] = PredicateModel(
                float(m["bias"]), float(m["threshold"]), dict(m["weights"])
            )
        knots = tuple((float(x), float(y)) for x, y in obj.get("calibration", []))
        return cls(preds, bool(obj.get("frames", True)), knots)

    @classmethod
    def load(cls, path: Path) -> RelationModel:
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: cannot read the relation model ({exc})") from None
        return cls.from_dict(obj, str(path))

    def score(self, cands: Iterable[Candidate]) -> Iterator[Scored]:
        """Each candidate with its probability (candidates of a predicate with no model
        are left out)."""
        for c in cands:
            m = self.predicates.get(c.predicate)
            if m is not None:
                yield Scored(c, m.probability(c.features), m.threshold)


@dataclass(frozen=True, slots=True)
class Scored:
    candidate: Candidate
    probability: float
    threshold: float


def best_per_relation(scored: Iterable[Scored]) -> list[Scored]:
    """The most probable candidate of each (subject, predicate, object), in first-seen order;
    a symmetric predicate's pair counts once whichever way round."""
    best: dict[tuple[str, str, str], Scored] = {}
    for s in scored:
        c = s.candidate
        a, b = c.subject.id, c.object.id
        if c.predicate.symmetric and b < a:
            a, b = b, a
        key = (a, c.predicate.value, b)
        if key not in best or s.probability > best[key].probability:
            best[key] = s
    return list(best.values())

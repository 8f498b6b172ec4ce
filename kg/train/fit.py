"""Fitting the learned parts: the CRF name tagger and the per-predicate relation models.

Both are deterministic: CRFsuite's L-BFGS and scikit-learn's lbfgs solver have
no random state, the training material is put in a fixed order, numerical
libraries run on one thread, and the relation weights are written rounded to
six decimals in sorted JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pycrfsuite

from kg.evaluate import normalise_name
from kg.relations import rule_relations
from kg.relations.candidates import Candidate, candidates, relation_key
from kg.relations.frames import references
from kg.relations.scorer import FORMAT
from kg.train.corpus import TrainDoc
from kg.types import Entity, Predicate, Relation, Source

__all__ = [
    "TAGGER_PARAMS",
    "SCORER_C",
    "fit_tagger",
    "fit_relation_model",
    "doc_candidates",
    "gold_keys",
    "labelled",
    "choose_cutoffs",
    "fit_calibration",
]

#: CRFsuite training options (L-BFGS with elastic-net regularisation).
TAGGER_PARAMS: dict[str, Any] = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}
#: Inverse regularisation strength of the relation models.
SCORER_C = 0.5


def fit_tagger(docs: Sequence[TrainDoc], path: Path) -> None:
    """Train the CRF on ``docs`` and write the model file to ``path``."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for d in docs:
        for f, y in zip(d.features, d.labels, strict=True):
            trainer.append(f, y)
    trainer.set_params(TAGGER_PARAMS)
    trainer.train(str(path))


def doc_candidates(
    d: TrainDoc, entities: Sequence[Entity], *, frames: bool = True
) -> tuple[list[Relation], list[Candidate]]:
    """The relations the rules state in a training document over the given entities
    (text relations only), and the candidates that hold them."""
    ents = list(entities)
    rules = rule_relations(d.doc, ents, frames=frames)
    stated = [r for r in rules if r.source == Source.TEXT]
    keys = frozenset(relation_key(r.subject, r.predicate, r.object) for r in stated)
    refs = references(d.doc, ents)
    cands = list(candidates(d.doc.norm, d.sentences, d.words, ents, refs, rules, keys))
    return stated, cands


def _names(e: Mapping[str, Any] | Entity) -> frozenset[str]:
    if isinstance(e, Entity):
        raw = [e.name, *e.aliases]
    else:
        raw = [e.get("name", ""), *(e.get("aliases") or [])]
    return frozenset(n for n in (normalise_name(x) for x in raw) if n)


def gold_keys(gold: Mapping[str, Any]) -> list[tuple[str, frozenset[str], frozenset[str]]]:
    """The gold relations as (predicate, subject names, object names), as the scorer reads them."""
    by_name: dict[str, frozenset[str]] = {}
    for g in gold.get("entities", []):
        names = _names(g)
        for n in names:
            by_name.setdefault(n, names)

    def ref(x: str) -> frozenset[str]:
        return by_name.get(normalise_name(x), frozenset({normalise_name(x)}))

    return [
        (r["predicate"], ref(r["subject"]), ref(r["object"])) for r in gold.get("relations", [])
    ]


def labelled(gold: Mapping[str, Any]) -> Callable[[Entity, Predicate, Entity], bool]:
    """A test of whether a relation between two entities is in the gold (by shared names)."""
    keys = gold_keys(gold)

    def test(s: Entity, p: Predicate, o: Entity) -> bool:
        sn, on = _names(s), _names(o)
        for gp, gs, go in keys:
            if gp != p.value:
                continue
            if (sn & gs and on & go) or (p.symmetric and sn & go and on & gs):
                return True
        return False

    return test


def _round(x: float) -> float:
    return float(f"{x:.6f}")


def fit_relation_model(
    examples: Sequence[tuple[Candidate, bool]],
    thresholds: Mapping[Predicate, float] | None = None,
) -> dict[str, Any]:
    """Fit one logistic model per predicate; the JSON-ready model."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    by_pred: dict[Predicate, list[tuple[Candidate, bool]]] = {}
    for c, y in examples:
        by_pred.setdefault(c.predicate, []).append((c, y))
    out: dict[str, Any] = {"format": FORMAT, "predicates": {}}
    for p in sorted(by_pred, key=lambda p: p.value):
        rows = by_pred[p]
        ys = [int(y) for _, y in rows]
        if sum(ys) == 0 or sum(ys) == len(ys):
            continue
        vec = DictVectorizer(sort=True)
        X = vec.fit_transform([dict.fromkeys(c.features, 1) for c, _ in rows])
        with threadpool_limits(1):
            lr = LogisticRegression(C=SCORER_C, solver="lbfgs", max_iter=2000)
            lr.fit(X, ys)
        names = vec.get_feature_names_out()
        weights = {
            str(n): _round(float(w))
            for n, w in zip(names, lr.coef_[0], strict=True)
            if abs(w) >= 1e-6
        }
        thr = (thresholds or {}).get(p, 0.0)
        out["predicates"][p.value] = {
            "bias": _round(float(lr.intercept_[0])),
            "threshold": _round(thr),
            "weights": dict(sorted(weights.items())),
        }
    return out


#: The cut-offs tried for each predicate.
CUTOFFS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def choose_cutoffs(
    scored: Iterable[tuple[Predicate, float, bool]], gold_counts: Mapping[Predicate, int]
) -> dict[Predicate, float]:
    """Per predicate, the cut-off of :data:`CUTOFFS` under which stated relations are best
    left out: the one that maximises F1 of out-of-fold predictions ``(predicate,
    probability, in the gold)``; the lowest of equals (keep what the rules say)."""
    by_pred: dict[Predicate, list[tuple[float, bool]]] = {}
    for p, prob, ok in scored:
        by_pred.setdefault(p, []).append((prob, ok))
    out: dict[Predicate, float] = {}
    for p, rows in sorted(by_pred.items(), key=lambda kv: kv[0].value):
        total = gold_counts.get(p, 0)
        best = (-1.0, 0.0)
        for c in CUTOFFS:
            kept = [ok for prob, ok in rows if prob >= c]
            tp = sum(kept)
            prec = tp / len(kept) if kept else 0.0
            rec = tp / total if total else 0.0
            f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            if f > best[0] + 1e-9:
                best = (f, c)
        out[p] = best[1]
    return out


def fit_calibration(scored: Sequence[tuple[float, bool]]) -> list[list[float]]:
    """A monotone map from model probabilities to observed precision: isotonic regression
    on out-of-fold ``(probability, right)`` pairs, as ``[x, y]`` knots (rounded)."""
    from sklearn.isotonic import IsotonicRegression

    if len({ok for _, ok in scored}) < 2:
        return []
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    iso.fit([p for p, _ in scored], [float(ok) for _, ok in scored])
    knots: list[list[float]] = []
    for x, y in zip(iso.X_thresholds_, iso.y_thresholds_, strict=True):
        pt = [_round(float(x)), _round(float(y))]
        if not knots or knots[-1] != pt:
            knots.append(pt)
    return knots

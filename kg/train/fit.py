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
from kg.relations.candidates import Candidate, candidates
from kg.relations.frames import references
from kg.relations.scorer import FORMAT, Scored, best_per_relation
from kg.train.corpus import TrainDoc
from kg.types import Entity, Predicate

__all__ = [
    "TAGGER_PARAMS",
    "SCORER_C",
    "fit_tagger",
    "fit_relation_model",
    "doc_candidates",
    "gold_keys",
    "labelled",
    "choose_thresholds",
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
) -> list[Candidate]:
    """The relation candidates of a training document over the given entities."""
    ents = list(entities)
    rules = rule_relations(d.doc, ents)
    refs = references(d.doc, ents) if frames else []
    return list(candidates(d.doc.norm, d.sentences, d.words, ents, refs, rules))


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
        thr = (thresholds or {}).get(p, 0.5)
        out["predicates"][p.value] = {
            "bias": _round(float(lr.intercept_[0])),
            "threshold": _round(thr),
            "weights": dict(sorted(weights.items())),
        }
    return out


def choose_thresholds(
    scored: Iterable[Scored], gold_counts: Mapping[Predicate, int], truth: Callable[[Scored], bool]
) -> dict[Predicate, float]:
    """Per predicate, the probability cut that maximises F1 of out-of-fold predictions.

    ``scored`` are out-of-fold relation-level predictions (one per relation and
    document), ``truth`` says whether one is in the gold, ``gold_counts`` how many
    gold relations of each predicate there are.
    """
    by_pred: dict[Predicate, list[tuple[float, bool]]] = {}
    for s in scored:
        by_pred.setdefault(s.candidate.predicate, []).append((s.probability, truth(s)))
    out: dict[Predicate, float] = {}
    for p, rows in by_pred.items():
        rows.sort(key=lambda r: -r[0])
        total = gold_counts.get(p, 0)
        best_f, best_t = -1.0, 0.5
        tp = 0
        for k, (prob, ok) in enumerate(rows, start=1):
            tp += ok
            if k < len(rows) and rows[k][0] == prob:
                continue
            prec = tp / k
            rec = tp / total if total else 0.0
            f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            if f > best_f:
                nxt = rows[k][0] if k < len(rows) else 0.0
                best_f, best_t = f, (prob + nxt) / 2
        out[p] = min(max(best_t, 0.05), 0.95)
    return out


__all__ += ["best_per_relation"]

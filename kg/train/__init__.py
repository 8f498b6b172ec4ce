"""Training the learned parts from the annotated corpus, and measuring them honestly.

- :func:`train` fits the name tagger and the relation models on a corpus and
  writes the model files (:mod:`kg.models`) into a folder, byte for byte the
  same on every run;
- :func:`cross_validate` holds out one fold (a region of the country) at a
  time, trains on the others, extracts the held-out documents with those
  models and scores them: figures on places and wording the models never saw.

The rules are the same in every fold (they were written from part of the
corpus), so rule-driven figures stay somewhat optimistic.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.evaluate import Score, score_document
from kg.export.jsonl import extraction_to_dict
from kg.extract.combine import kept_rule_mentions
from kg.models import TAGGER_FORMAT, load
from kg.pipeline import CONVENTION_RULES, conventions, extract
from kg.relations.candidates import relation_key
from kg.relations.scorer import RelationModel
from kg.train.corpus import TrainDoc
from kg.train.fit import (
    TAGGER_PARAMS,
    choose_cutoffs,
    doc_candidates,
    fit_calibration,
    fit_relation_model,
    fit_tagger,
    labelled,
)
from kg.types import Predicate

__all__ = ["ABLATIONS", "FoldResult", "cross_validate", "train"]

#: The learned parts each ablation uses: rules only, + tagger, + scorer (no frames), all.
ABLATIONS: dict[str, tuple[bool, bool, bool]] = {
    "rules": (False, False, False),
    "tagger": (True, False, False),
    "scorer": (True, True, False),
    "full": (True, True, True),
}


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def rule_confidence(docs: Sequence[TrainDoc]) -> dict[str, float]:
    """How often each rule's kept mentions (see :mod:`kg.extract.combine`) are gold, per
    rule and type, with one imagined right and one wrong mention added (Laplace); and
    likewise the names of each step after the tagger (``CONVENTION_RULES``), as the steps
    find them over the rules' names (the tagger, trained on the same documents, would
    hand them names better than it does on new ones)."""
    right: dict[str, int] = {}
    total: dict[str, int] = {}
    for d in docs:
        gold = {(m.start, m.end, m.type) for m in d.aligned}
        tops = [(m.start, m.end) for m in d.aligned if m.top]
        steps = [m for m in conventions(d.doc, d.mentions, {}) if m.rule in CONVENTION_RULES]
        for m in [*kept_rule_mentions(d.mentions, tops), *steps]:
            k = f"{m.rule}/{m.type.value}"
            total[k] = total.get(k, 0) + 1
            right[k] = right.get(k, 0) + ((m.span.start, m.span.end, m.type) in gold)
    return {k: round((right[k] + 1) / (total[k] + 2), 4) for k in sorted(total)}


def fit_relations(
    docs: Sequence[TrainDoc], folds: Mapping[str, int], frames: bool = True
) -> dict[str, Any]:
    """The relation models and each predicate's cut-off.

    The models learn, from the candidates that hold each relation the rules state
    between the gold entities, whether the gold has it. The cut-offs are chosen on
    out-of-fold predictions: each fold of ``docs`` scored by models fitted on the
    others.
    """
    stated: dict[str, list[Any]] = {}
    ex: dict[str, list[tuple[Any, bool]]] = {}
    tests = {}
    for d in docs:
        test = tests[d.stem] = labelled(d.gold)
        rels, cands = doc_candidates(d, d.entities, frames=frames)
        stated[d.stem] = rels
        ex[d.stem] = [(c, test(c.subject, c.predicate, c.object)) for c in cands]
    stems = [d.stem for d in docs]
    by_id = {d.stem: {e.id: e for e in d.entities} for d in docs}
    groups = sorted({folds.get(s, 0) for s in stems})
    oof: list[tuple[Predicate, float, bool]] = []
    for g in groups if len(groups) > 1 else []:
        inner = [e for s in stems if folds.get(s, 0) != g for e in ex[s]]
        model = RelationModel.from_dict(fit_relation_model(inner))
        for s in stems:
            if folds.get(s, 0) != g:
                continue
            best: dict[tuple[str, str, str], float] = {}
            for sc in model.score(c for c, _ in ex[s]):
                c = sc.candidate
                k = relation_key(c.subject.id, c.predicate, c.object.id)
                best[k] = max(best.get(k, 0.0), sc.probability)
            ents = by_id[s]
            for r in stated[s]:
                k = relation_key(r.subject, r.predicate, r.object)
                s_, o_ = ents[r.subject], ents[r.object]
                prob = best.get(k)
                if prob is None:
                    prob = model.prior(r.predicate, s_.type, o_.type, r.rule)
                oof.append((r.predicate, prob, tests[s](s_, r.predicate, o_)))
    counts: dict[Predicate, int] = {}
    for d in docs:
        for rel in d.gold.get("relations", []):
            p = Predicate(rel["predicate"])
            counts[p] = counts.get(p, 0) + 1
    cutoffs = choose_cutoffs(oof, counts)
    fitted = fit_relation_model([e for s in stems for e in ex[s]], cutoffs)
    fitted["calibration"] = fit_calibration([(prob, ok) for _, prob, ok in oof])
    return fitted


def train(
    docs: Sequence[TrainDoc],
    folds: Mapping[str, int],
    out: Path,
    *,
    tagger: bool = True,
    relations: bool = True,
    frames: bool = True,
) -> list[Path]:
    """Fit the learned parts on ``docs`` and write their files into ``out``; the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if tagger:
        fit_tagger(docs, out / "tagger.crfsuite")
        meta = {
            "format": TAGGER_FORMAT,
            "params": TAGGER_PARAMS,
            "rule_confidence": rule_confidence(docs),
            "documents": len(docs),
        }
        (out / "tagger.json").write_text(_dump(meta), encoding="utf-8")
        written += [out / "tagger.crfsuite", out / "tagger.json"]
    if relations:
        model = fit_relations(docs, folds, frames)
        model["frames"] = frames
        (out / "relations.json").write_text(_dump(model), encoding="utf-8")
        written.append(out / "relations.json")
    return written


@dataclass(frozen=True)
class FoldResult:
    """The figures of one held-out fold."""

    fold: int
    documents: int
    score: Score


def cross_validate(
    docs: Sequence[TrainDoc],
    folds: Mapping[str, int],
    *,
    ablation: str = "full",
    progress: Callable[[str], None] | None = None,
) -> tuple[Score, list[FoldResult], dict[str, dict[str, Any]]]:
    """Train on all folds but one, score the held-out one, for every fold.

    Returns the micro-averaged score over all held-out documents, one row per
    fold, and the held-out predictions (contract JSON by document stem).
    """
    use = ABLATIONS[ablation]
    total = Score()
    rows: list[FoldResult] = []
    preds: dict[str, dict[str, Any]] = {}
    for f in sorted({folds[d.stem] for d in docs if d.stem in folds}):
        test = [d for d in docs if folds.get(d.stem) == f]
        train_docs = [d for d in docs if folds.get(d.stem) not in (f, None)]
        if progress:
            progress(f"fold {f}: training on {len(train_docs)} documents")
        with tempfile.TemporaryDirectory(prefix="kg-cv-") as tmp:
            folder = Path(tmp)
            if any(use[:2]):
                train(train_docs, folds, folder, relations=use[1], frames=use[2])
            models = dataclasses.replace(load(folder), frames=use[2])
            score = Score()
            for d in test:
                obj = extraction_to_dict(extract(d.doc, models=models))
                preds[d.stem] = obj
                score.add(score_document(obj, d.gold))
        total.add(score)
        rows.append(FoldResult(f, len(test), score))
    return total, rows, preds

"""kg eval gives the same figures as the reference scorer, on the same input."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from kg.evaluate import Counts, format_line, score_corpus, score_document
from tests.conftest import GOLD, ROOT, run_kg

REFERENCE = ROOT / "tests" / "reference" / "score_reference.py"


def _gold() -> list[tuple[str, dict]]:
    return [
        (p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(GOLD.glob("*.json"))
    ]


def _perturb(gold: dict, rnd: random.Random) -> dict:
    """A plausible imperfect prediction: drop, retype, rename and add items."""
    ents = []
    for e in gold["entities"]:
        r = rnd.random()
        if r < 0.15:
            continue
        e = dict(e, id=f"{e['type']}/{e['name']}")
        if r < 0.25:
            e["type"] = "Organization" if e["type"] != "Organization" else "Agency"
        elif r < 0.3:
            e["name"], e["aliases"] = e["name"] + "X", []
        ents.append(e)
    ents.append({"id": "Zone/假园区", "name": "假园区", "type": "Zone", "aliases": []})
    rels = []
    for r in gold["relations"]:
        x = rnd.random()
        if x < 0.2:
            continue
        s, o = r["subject"], r["object"]
        if x < 0.3:
            s, o = o, s
        rels.append({"subject": s, "predicate": r["predicate"], "object": o, "source": "text"})
        if x > 0.9:
            rels.append(dict(rels[-1]))  # a duplicate, removed before scoring
    rels.append({"subject": "a", "predicate": "locatedIn", "object": "b", "source": "gazetteer"})
    return {"entities": ents, "relations": rels}


def _reference_line(pred_file: Path) -> str:
    out = subprocess.run(
        [sys.executable, str(REFERENCE), str(pred_file), str(GOLD)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.splitlines()[0]


def test_scores_equal_reference_on_perturbed_predictions(tmp_path: Path) -> None:
    rnd = random.Random(7)
    golds = _gold()
    preds = {}
    lines = []
    for stem, g in golds[:-2]:  # the last two have no prediction
        p = _perturb(g, rnd)
        preds[stem] = p
        lines.append(json.dumps({"document": f"docs/{stem}.txt", **p}, ensure_ascii=False))
    pred_file = tmp_path / "pred.jsonl"
    pred_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    total, rows = score_corpus(preds, golds)
    assert format_line(total) == _reference_line(pred_file)
    assert [present for _, _, present in rows][-2:] == [False, False]
    assert 0.3 < total.counts["ent"].f1 < 0.95  # the perturbation really changed something


def test_perfect_prediction_scores_one() -> None:
    _, g = _gold()[0]
    sc = score_document(g, g)
    assert all(c.f1 == 1.0 for c in sc.counts.values())


def test_cooperates_with_matches_in_either_order_but_signed_does_not() -> None:
    gold = {
        "entities": [],
        "relations": [
            {"subject": "A", "predicate": "cooperatesWith", "object": "B"},
            {"subject": "A", "predicate": "signed", "object": "X"},
        ],
    }
    pred = {
        "entities": [],
        "relations": [
            {"subject": "B", "predicate": "cooperatesWith", "object": "A"},
            {"subject": "X", "predicate": "signed", "object": "A"},
        ],
    }
    sc = score_document(pred, gold)
    assert sc.counts["rel"] == Counts(1, 2, 2)
    assert sc.counts["rel_unlabelled"] == Counts(2, 2, 2)


def test_kg_eval_agrees_with_reference_on_real_extraction(tmp_path: Path) -> None:
    docs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "data" / "docs").glob("*.txt"))
    ext = run_kg("extract", "--format", "json", *docs)
    assert ext.returncode == 0, ext.stderr
    pred_file = tmp_path / "pred.jsonl"
    pred_file.write_text(ext.stdout, encoding="utf-8")
    ev = run_kg("eval", "--gold", str(GOLD), *docs)
    assert ev.returncode == 0, ev.stderr
    assert ev.stdout.splitlines()[0] == _reference_line(pred_file)

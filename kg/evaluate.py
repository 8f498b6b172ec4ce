"""Precision, recall and F1 of extractions against gold annotations.

The matching rules are those of the extraction contract and its reference
scorer: an entity matches on type and any shared name or alias (after NFKC and
removing quotes and 《》); a relation on predicate and both ends, cooperatesWith
in either order; only relations with source ``text`` are scored; predicted
relations are deduplicated first; each gold item is matched greedily, in gold
order, to the first unused prediction. Pure functions over plain dicts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SYMMETRIC = frozenset({"cooperatesWith"})
_DROP = set("《》〈〉“”\"'‘’「」『』 \t\u3000")
#: The figures reported, in order.
MEASURES = ("ent", "ent_untyped", "rel", "rel_unlabelled")


def normalise_name(s: object) -> str:
    """NFKC, without quotes, book-title marks or spaces.

    >>> normalise_name("《郑州都市圈发展规划》")
    '郑州都市圈发展规划'
    """
    t = unicodedata.normalize("NFKC", str(s))
    return "".join(ch for ch in t if ch not in _DROP).strip()


def _names(e: Mapping[str, Any]) -> frozenset[str]:
    out = {normalise_name(e.get("name", ""))}
    out.update(normalise_name(a) for a in e.get("aliases") or [])
    out.discard("")
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, predictions and gold items of one measure."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.pred + other.pred, self.gold + other.gold)

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Score:
    """Counts per measure; documents add up (micro-averaging)."""

    counts: dict[str, Counts] = field(default_factory=lambda: {m: Counts() for m in MEASURES})

    def add(self, other: Score) -> None:
        for m in MEASURES:
            self.counts[m] = self.counts[m] + other.counts[m]


def _match_entities(
    pred: list[Mapping[str, Any]], gold: list[Mapping[str, Any]], typed: bool
) -> int:
    return len(_matched_entities(pred, gold, typed))


def _matched_entities(
    pred: list[Mapping[str, Any]], gold: list[Mapping[str, Any]], typed: bool
) -> set[int]:
    """Indices of the predictions matched, gold by gold, as the reference scorer does."""
    pred_names = [_names(p) for p in pred]
    used: set[int] = set()
    for g in gold:
        gn = _names(g)
        for i, p in enumerate(pred):
            if i in used or (typed and p.get("type") != g.get("type")):
                continue
            if pred_names[i] & gn:
                used.add(i)
                break
    return used


def _match_relations(
    pred: list[tuple[str, frozenset[str], frozenset[str]]],
    gold: list[tuple[str, frozenset[str], frozenset[str]]],
    labelled: bool,
) -> int:
    return len(_matched_relations(pred, gold, labelled))


def _matched_relations(
    pred: list[tuple[str, frozenset[str], frozenset[str]]],
    gold: list[tuple[str, frozenset[str], frozenset[str]]],
    labelled: bool,
) -> set[int]:
    used: set[int] = set()
    for gp, gs, go in gold:
        for i, (pp, ps, po) in enumerate(pred):
            if i in used:
                continue
            if labelled:
                if pp != gp:
                    continue
                ok = (ps & gs and po & go) or (gp in SYMMETRIC and ps & go and po & gs)
            else:
                ok = (ps & gs and po & go) or (ps & go and po & gs)
            if ok:
                used.add(i)
                break
    return used


_Keyed = list[tuple[str, frozenset[str], frozenset[str]]]


def _keyed(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> tuple[_Keyed, list[float], _Keyed]:
    """The predicted text relations deduplicated by (predicate, names), with the highest
    confidence of each, and the gold relations, both as the reference scorer keys them."""
    pe = list(pred.get("entities", []))
    ge = list(gold.get("entities", []))
    by_id = {e.get("id", e.get("name")): e for e in pe}
    gold_by_name: dict[str, Mapping[str, Any]] = {}
    for g in ge:
        for n in _names(g):
            gold_by_name.setdefault(n, g)

    def pnames(ref: object) -> frozenset[str]:
        e = by_id.get(ref)
        return _names(e) if e else frozenset({normalise_name(ref)})

    def gnames(ref: object) -> frozenset[str]:
        g = gold_by_name.get(normalise_name(ref))
        return _names(g) if g else frozenset({normalise_name(ref)})

    seen: dict[object, int] = {}
    prd: _Keyed = []
    conf: list[float] = []
    for r in pred.get("relations", []):
        if r.get("source", "text") != "text":
            continue
        p, s, o = r.get("predicate"), pnames(r.get("subject")), pnames(r.get("object"))
        key: object = (p, frozenset([s, o])) if p in SYMMETRIC else (p, s, o)
        c = float(r.get("confidence", 1.0))
        if key in seen:
            conf[seen[key]] = max(conf[seen[key]], c)
            continue
        seen[key] = len(prd)
        prd.append((str(p), s, o))
        conf.append(c)
    grl = [
        (g["predicate"], gnames(g["subject"]), gnames(g["object"]))
        for g in gold.get("relations", [])
    ]
    return prd, conf, grl


def score_document(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> Score:
    """Score one predicted contract object against one gold object."""
    pe = list(pred.get("entities", []))
    ge = list(gold.get("entities", []))
    prd, _, grl = _keyed(pred, gold)
    sc = Score()
    sc.counts["ent"] = Counts(_match_entities(pe, ge, True), len(pe), len(ge))
    sc.counts["ent_untyped"] = Counts(_match_entities(pe, ge, False), len(pe), len(ge))
    sc.counts["rel"] = Counts(_match_relations(prd, grl, True), len(prd), len(grl))
    sc.counts["rel_unlabelled"] = Counts(_match_relations(prd, grl, False), len(prd), len(grl))
    return sc


def outcomes(
    pred: Mapping[str, Any], gold: Mapping[str, Any]
) -> tuple[list[tuple[float, bool]], list[tuple[float, bool]]]:
    """``(confidence, right)`` of every predicted entity and text relation of a document,
    right as the reference scorer matches them (typed entities, labelled relations): what
    a calibration table counts."""
    pe = list(pred.get("entities", []))
    ge = list(gold.get("entities", []))
    ents = _matched_entities(pe, ge, True)
    prd, conf, grl = _keyed(pred, gold)
    rels = _matched_relations(prd, grl, True)
    return (
        [(float(e.get("confidence", 1.0)), i in ents) for i, e in enumerate(pe)],
        [(c, i in rels) for i, c in enumerate(conf)],
    )


#: The confidence bins of a calibration table (lower bounds).
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def calibration(items: Iterable[tuple[float, bool]]) -> list[tuple[float, float, int, int]]:
    """Per confidence bin ``[low, high)``: (low, high, items, right).

    >>> calibration([(0.97, True), (0.96, False), (0.3, False)])
    [(0.0, 0.5, 1, 0), (0.95, 1.0, 2, 1)]
    """
    counts: dict[int, list[int]] = {}
    for c, ok in items:
        b = max(i for i, low in enumerate(BINS) if c >= low)
        got = counts.setdefault(b, [0, 0])
        got[0] += 1
        got[1] += int(ok)
    out = []
    for b in sorted(counts):
        high = BINS[b + 1] if b + 1 < len(BINS) else 1.0
        out.append((BINS[b], high, counts[b][0], counts[b][1]))
    return out


def score_corpus(
    preds: Mapping[str, Mapping[str, Any]], golds: Iterable[tuple[str, Mapping[str, Any]]]
) -> tuple[Score, list[tuple[str, Score, bool]]]:
    """Micro-averaged score over gold documents, keyed by file stem, plus per-document rows.

    A gold document without a prediction counts as an empty prediction.
    """
    total = Score()
    rows = []
    for stem, gold in golds:
        pred = preds.get(stem)
        sc = score_document(pred or {"entities": [], "relations": []}, gold)
        total.add(sc)
        rows.append((stem, sc, pred is not None))
    return total, rows


def _only(obj: Mapping[str, Any], part: str, attr: str, value: str) -> dict[str, Any]:
    return {**obj, part: [x for x in obj.get(part, []) if x.get(attr) == value]}


def per_type(
    preds: Mapping[str, Mapping[str, Any]], golds: Iterable[tuple[str, Mapping[str, Any]]]
) -> tuple[dict[str, Counts], dict[str, Counts]]:
    """Typed entity and relation counts broken down by entity type and by predicate."""
    ents: dict[str, Counts] = {}
    rels: dict[str, Counts] = {}
    for stem, gold in golds:
        pred = preds.get(stem) or {"entities": [], "relations": []}
        for part, attr, measure, table in (
            ("entities", "type", "ent", ents),
            ("relations", "predicate", "rel", rels),
        ):
            values = {str(x.get(attr)) for x in (*pred.get(part, []), *gold.get(part, []))}
            for v in sorted(values):
                sc = score_document(_only(pred, part, attr, v), _only(gold, part, attr, v))
                table[v] = table.get(v, Counts()) + sc.counts[measure]
    return dict(sorted(ents.items())), dict(sorted(rels.items()))


def format_line(score: Score) -> str:
    """The summary line, in the reference scorer's format."""
    return " ".join(
        f"{m}: P={c.precision:.3f} R={c.recall:.3f} F1={c.f1:.3f}" for m, c in score.counts.items()
    )

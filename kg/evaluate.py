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


# --------------------------------------------------------------------------- modality


@dataclass(slots=True)
class ModalityScore:
    """Modality of the gold relations that the extraction found: how many it got right.

    ``matched`` counts the annotated gold relations matched by a prediction (as the
    relation score matches them), ``correct`` those whose predicted modality is the
    annotated one; ``annotated`` every annotated relation; ``confusion`` maps
    ``(annotated, predicted)`` to a count; ``errors`` lists ``(stem, subject,
    predicate, object, annotated, predicted, evidence)``.
    """

    annotated: int = 0
    matched: int = 0
    correct: int = 0
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)
    errors: list[tuple[str, str, str, str, str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.matched if self.matched else 0.0

    def baseline(self, label: str) -> float:
        """The accuracy of always answering ``label``, on the same matched relations."""
        hits = sum(n for (gold, _), n in self.confusion.items() if gold == label)
        return hits / self.matched if self.matched else 0.0


def score_modality(
    preds: Mapping[str, Mapping[str, Any]],
    golds: Mapping[str, Mapping[str, Any]],
    annotations: Mapping[str, list[tuple[str, str, str, str]]],
) -> ModalityScore:
    """Compare the predicted ``modality`` of relations with annotations.

    ``annotations`` maps a file stem to ``(subject, predicate, object, modality)``
    rows naming relations of that document's gold file (see ``data/modality``).
    Each annotated relation is matched, as :func:`score_document` matches
    relations, to the first unused predicted relation stated in the text.
    """
    out = ModalityScore()
    for stem in sorted(annotations):
        rows = annotations[stem]
        out.annotated += len(rows)
        pred = preds.get(stem) or {"entities": [], "relations": []}
        gold = golds.get(stem) or {"entities": [], "relations": []}
        by_id = {e.get("id", e.get("name")): e for e in pred.get("entities", [])}
        gold_by_name: dict[str, Mapping[str, Any]] = {}
        for g in gold.get("entities", []):
            for n in _names(g):
                gold_by_name.setdefault(n, g)

        def pnames(ref: object, by_id: dict = by_id) -> frozenset[str]:
            e = by_id.get(ref)
            return _names(e) if e else frozenset({normalise_name(ref)})

        def gnames(ref: object, table: dict = gold_by_name) -> frozenset[str]:
            g = table.get(normalise_name(ref))
            return _names(g) if g else frozenset({normalise_name(ref)})

        cands = [
            (str(r.get("predicate")), pnames(r.get("subject")), pnames(r.get("object")), r)
            for r in pred.get("relations", [])
            if r.get("source", "text") == "text"
        ]
        used: set[int] = set()
        for s, p, o, label in rows:
            gs, go = gnames(s), gnames(o)
            for i, (pp, ps, po, r) in enumerate(cands):
                if i in used or pp != p:
                    continue
                if (ps & gs and po & go) or (p in SYMMETRIC and ps & go and po & gs):
                    used.add(i)
                    got = str(r.get("modality", ""))
                    out.matched += 1
                    out.correct += got == label
                    out.confusion[(label, got)] = out.confusion.get((label, got), 0) + 1
                    if got != label:
                        ev = str(r.get("evidence", ""))
                        out.errors.append((stem, s, p, o, label, got, ev))
                    break
    return out


# --------------------------------------------------------------------------- indicators


@dataclass(slots=True)
class IndicatorScore:
    """Extracted figures against gold ones: :class:`Counts`, and of the matched ones
    how many give the gold's place and period (``place`` and ``period``: right,
    compared)."""

    counts: Counts = field(default_factory=Counts)
    place: tuple[int, int] = (0, 0)
    period: tuple[int, int] = (0, 0)
    missed: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    spurious: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)


def _shares_two(a: str, b: str) -> bool:
    a, b = normalise_name(a), normalise_name(b)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return any(a[i : i + 2] in b for i in range(len(a) - 1))


def _same_value(a: object, b: object) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return False


def score_indicators(
    preds: Mapping[str, Mapping[str, Any]], golds: Mapping[str, Mapping[str, Any]]
) -> IndicatorScore:
    """Precision and recall of the extracted ``indicators`` against gold ones.

    ``golds`` maps a file stem to a gold object ``{"indicators": [...]}`` (see
    ``data/indicators``); only those documents are scored. A predicted figure
    matches the first unused gold figure of its document with the same value and
    unit whose name shares at least two characters with it (or contains it).
    Place (by name or alias of the predicted entity) and period (by year) are
    compared on the matched ones.
    """
    out = IndicatorScore()
    tp = n_pred = n_gold = 0
    place_ok = place_n = period_ok = period_n = 0
    for stem in sorted(golds):
        gold = list(golds[stem].get("indicators", []))
        pred = preds.get(stem) or {"entities": [], "indicators": []}
        names = {e.get("id"): _names(e) for e in pred.get("entities", [])}
        got = list(pred.get("indicators", []))
        n_pred += len(got)
        n_gold += len(gold)
        used: set[int] = set()
        for p in got:
            hit = None
            for j, g in enumerate(gold):
                if j in used or g.get("unit") != p.get("unit"):
                    continue
                if _same_value(g.get("value"), p.get("value")) and _shares_two(
                    str(g.get("indicator", "")), str(p.get("indicator", ""))
                ):
                    hit = j
                    break
            if hit is None:
                out.spurious.append((stem, p))
                continue
            used.add(hit)
            tp += 1
            g = gold[hit]
            place_n += 1
            want = g.get("place")
            have = names.get(p.get("place"), frozenset()) if p.get("place") else frozenset()
            place_ok += (not want and not have) or (
                bool(want) and normalise_name(str(want)) in have
            )
            period_n += 1
            gp, pp = str(g.get("period") or "")[:4], str(p.get("period") or "")[:4]
            period_ok += gp == pp
        out.missed += [(stem, g) for j, g in enumerate(gold) if j not in used]
    out.counts = Counts(tp, n_pred, n_gold)
    out.place = (place_ok, place_n)
    out.period = (period_ok, period_n)
    return out

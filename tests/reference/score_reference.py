# Copied unchanged from the project's shared tools (tools/score.py): the reference scorer that kg eval must agree with.
#!/usr/bin/env python3
"""Score `kg extract --format json` output (JSON Lines) against gold annotations.

usage: score.py PRED.jsonl GOLD_DIR [--min-entity-f1 X] [--min-relation-f1 Y] [--verbose]

Gold: GOLD_DIR/<stem>.json with {"entities": [{name,type,aliases}], "relations": [{subject,predicate,object}],
"metadata": {...}}. A predicted document is paired with gold by the stem of its "document" field.
Entities match on type and any shared normalised name/alias; relations match on predicate and
subject/object names (cooperatesWith in either order). Only relations with source "text" (or no
source) are scored. Prints per-document rows and a final line with the micro F1 figures.
"""
import json, re, sys, unicodedata
from pathlib import Path

SYMMETRIC = {"cooperatesWith"}
QUOTES = "《》〈〉“”\"'‘’「」『』 \t\u3000"


def norm(s):
    s = unicodedata.normalize("NFKC", str(s))
    return "".join(ch for ch in s if ch not in QUOTES).strip()


def names(e):
    out = {norm(e.get("name", ""))}
    out |= {norm(a) for a in e.get("aliases", []) or []}
    out.discard("")
    return out


def prf(tp, npred, ngold):
    p = tp / npred if npred else (1.0 if not ngold else 0.0)
    r = tp / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def match_entities(pred, gold, typed=True):
    used, tp = set(), 0
    for g in gold:
        gn = names(g)
        for i, p in enumerate(pred):
            if i in used:
                continue
            if typed and p.get("type") != g.get("type"):
                continue
            if names(p) & gn:
                used.add(i)
                tp += 1
                break
    return tp


def score_doc(pred, gold):
    pe, ge = pred.get("entities", []), gold.get("entities", [])
    by_id = {e.get("id", e.get("name")): e for e in pe}
    gold_by_name = {}
    for g in ge:
        for n in names(g):
            gold_by_name.setdefault(n, g)

    def pnames(ref):
        e = by_id.get(ref)
        return names(e) if e else {norm(ref)}

    def gnames(ref):
        g = gold_by_name.get(norm(ref))
        return names(g) if g else {norm(ref)}

    pr = [r for r in pred.get("relations", []) if r.get("source", "text") == "text"]
    gr = gold.get("relations", [])
    # deduplicate predicted relations on (predicate, subject names, object names)
    seen, prd = set(), []
    for r in pr:
        key = (r.get("predicate"), frozenset(pnames(r.get("subject"))), frozenset(pnames(r.get("object"))))
        if r.get("predicate") in SYMMETRIC:
            key = (key[0], frozenset([key[1], key[2]]), None)
        if key in seen:
            continue
        seen.add(key)
        prd.append(r)
    used, rtp = set(), 0
    for g in gr:
        gs, go = gnames(g["subject"]), gnames(g["object"])
        for i, r in enumerate(prd):
            if i in used or r.get("predicate") != g["predicate"]:
                continue
            ps, po = pnames(r.get("subject")), pnames(r.get("object"))
            ok = (ps & gs and po & go) or (g["predicate"] in SYMMETRIC and ps & go and po & gs)
            if ok:
                used.add(i)
                rtp += 1
                break
    # unlabelled relation match (ignores predicate and direction)
    used2, utp = set(), 0
    for g in gr:
        gs, go = gnames(g["subject"]), gnames(g["object"])
        for i, r in enumerate(prd):
            if i in used2:
                continue
            ps, po = pnames(r.get("subject")), pnames(r.get("object"))
            if (ps & gs and po & go) or (ps & go and po & gs):
                used2.add(i)
                utp += 1
                break
    return {
        "ent": (match_entities(pe, ge, True), len(pe), len(ge)),
        "ent_untyped": (match_entities(pe, ge, False), len(pe), len(ge)),
        "rel": (rtp, len(prd), len(gr)),
        "rel_unlabelled": (utp, len(prd), len(gr)),
    }


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    opts = {}
    i = 0
    while i < len(argv):
        if argv[i].startswith("--min-"):
            opts[argv[i]] = float(argv[i + 1])
            args.remove(argv[i + 1])
            i += 2
        else:
            i += 1
    verbose = "--verbose" in argv
    pred_path, gold_dir = Path(args[0]), Path(args[1])
    preds = {}
    for line in pred_path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        obj = json.loads(line)
        preds[Path(str(obj.get("document", ""))).stem] = obj
    totals = {k: [0, 0, 0] for k in ("ent", "ent_untyped", "rel", "rel_unlabelled")}
    for gf in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gf.read_text(encoding="utf-8"))
        pred = preds.get(gf.stem, {"entities": [], "relations": []})
        s = score_doc(pred, gold)
        for k, v in s.items():
            for j in range(3):
                totals[k][j] += v[j]
        if verbose:
            row = " ".join(f"{k}={prf(*v)[2]:.2f}({v[0]}/{v[1]}p/{v[2]}g)" for k, v in s.items())
            print(f"{gf.stem}: {row}" + ("" if gf.stem in preds else "  [missing prediction]"))
    f = {k: prf(*v) for k, v in totals.items()}
    print(" ".join(f"{k}: P={v[0]:.3f} R={v[1]:.3f} F1={v[2]:.3f}" for k, v in f.items()))
    ok = True
    if "--min-entity-f1" in opts and f["ent"][2] < opts["--min-entity-f1"]:
        ok = False
    if "--min-relation-f1" in opts and f["rel"][2] < opts["--min-relation-f1"]:
        ok = False
    print(f"entity F1 {f['ent'][2]:.3f}, relation F1 {f['rel'][2]:.3f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

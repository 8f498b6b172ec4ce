"""``kg eval``: precision, recall and F1 against gold annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from kg.cli.common import input_paths


def _load_gold(gold_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    from kg.errors import KGError

    out = []
    for gf in sorted(gold_dir.glob("*.json")):
        try:
            out.append((gf.stem, json.loads(gf.read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KGError(f"{gf}: not a readable gold file ({exc})") from None
    if not out:
        raise KGError(f"{gold_dir}: no gold files (*.json) found")
    return out


def _load_modality(folder: Path) -> dict[str, list[tuple[str, str, str, str]]]:
    """``<stem>.tsv`` files of ``subject predicate object modality`` rows (see data/modality)."""
    import csv

    from kg.errors import KGError

    out: dict[str, list[tuple[str, str, str, str]]] = {}
    for f in sorted(folder.glob("*.tsv")):
        try:
            with f.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
                rows = []
                for line, r in enumerate(reader, start=2):
                    label = (r.get("modality") or "").strip()
                    if label not in ("accomplished", "planned") or not r.get("subject"):
                        raise KGError(
                            f"{f}:{line}: expected subject, predicate, object and a modality "
                            f"(accomplished or planned), not {label!r}"
                        )
                    rows.append((r["subject"], r["predicate"], r["object"], label))
        except (OSError, UnicodeDecodeError) as exc:
            raise KGError(f"{f}: cannot be read ({exc})") from None
        out[f.stem] = rows
    if not out:
        raise KGError(f"{folder}: no modality annotations (*.tsv) found")
    return out


def _report_modality(
    preds: dict[str, dict[str, Any]], golds: dict[str, dict[str, Any]], folder: Path, verbose: bool
) -> None:
    from kg.evaluate import score_modality

    annotations = _load_modality(folder)
    sc = score_modality(preds, golds, annotations)
    click.echo(
        f"modality: {sc.correct}/{sc.matched} correct, accuracy {sc.accuracy:.3f} "
        f"({sc.matched} of {sc.annotated} annotated relations found by the extraction, "
        f"{len(annotations)} documents; always 'accomplished' would score "
        f"{sc.baseline('accomplished'):.3f})"
    )
    labels = ("accomplished", "planned")
    for gold in labels:
        row = ", ".join(f"{got} {sc.confusion.get((gold, got), 0)}" for got in labels)
        click.echo(f"  annotated {gold}: predicted {row}")
    if verbose:
        for stem, s, p, o, want, got, ev in sc.errors:
            click.echo(f"  {stem}: {s} {p} {o}: annotated {want}, predicted {got}: {ev[:120]}")


def _report_indicators(preds: dict[str, dict[str, Any]], folder: Path, verbose: bool) -> None:
    from kg.errors import KGError
    from kg.evaluate import score_indicators

    golds: dict[str, dict[str, Any]] = {}
    for f in sorted(folder.glob("*.json")):
        try:
            golds[f.stem] = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KGError(f"{f}: not a readable indicator gold file ({exc})") from None
    if not golds:
        raise KGError(f"{folder}: no indicator gold files (*.json) found")
    sc = score_indicators(preds, golds)
    c = sc.counts
    click.echo(
        f"indicators: P={c.precision:.3f} R={c.recall:.3f} F1={c.f1:.3f} "
        f"({c.tp} matched, {c.pred} extracted, {c.gold} gold, {len(golds)} documents); "
        f"of the matched: place right {sc.place[0]}/{sc.place[1]}, "
        f"period right {sc.period[0]}/{sc.period[1]}"
    )
    if verbose:
        for stem, g in sc.missed:
            click.echo(f"  missed {stem}: {g.get('indicator')} {g.get('stated')}")
        for stem, p in sc.spurious:
            click.echo(f"  extra {stem}: {p.get('indicator')} {p.get('stated')}")


def _cross_validate(
    paths: tuple[str, ...], gold_dir: Path, folds_file: Path | None, ablation: str
) -> dict[str, dict[str, Any]]:
    """Held-out predictions of every document, with the per-fold rows printed."""
    from kg.builder import Skipped, process_path
    from kg.cli.common import StatusLine
    from kg.errors import KGError
    from kg.evaluate import format_line
    from kg.io import discover
    from kg.train import ABLATIONS, cross_validate
    from kg.train.corpus import load_corpus, read_folds

    folds_file = folds_file or gold_dir.parent / "FOLDS.tsv"
    if not folds_file.is_file():
        raise KGError(f"{folds_file}: no folds file for --cv (give one with --folds)")
    folds = read_folds(folds_file)
    docs = []
    for path, name in discover(list(paths)):
        res = process_path(path, name)
        if isinstance(res, Skipped):
            click.echo(f"skipped {res.path}: {res.reason}", err=True)
            continue
        docs.append(res.document)
    corpus = load_corpus(docs, gold_dir)
    missing = sorted(d.stem for d in corpus if d.stem not in folds)
    if missing:
        raise KGError(f"{folds_file}: no fold for {', '.join(missing[:5])}")
    click.echo(
        f"cross-validation by region over {len(corpus)} documents, {len(set(folds.values()))} "
        "folds: each fold scored by models trained on the others. The rules are the same "
        "in every fold (written from part of this corpus), so rule-driven figures stay "
        "somewhat optimistic."
    )
    names = list(ABLATIONS) if ablation == "all" else [ablation]
    preds: dict[str, dict[str, Any]] = {}
    for name in names:
        with StatusLine() as status:
            total, rows, preds = cross_validate(corpus, folds, ablation=name, progress=status)
        for r in rows:
            e, rel = r.score.counts["ent"], r.score.counts["rel"]
            click.echo(
                f"{name} fold {r.fold} ({r.documents} documents): "
                f"entity P {e.precision:.3f} R {e.recall:.3f} F1 {e.f1:.3f}, "
                f"relation P {rel.precision:.3f} R {rel.recall:.3f} F1 {rel.f1:.3f}"
            )
        e, rel = total.counts["ent"], total.counts["rel"]
        click.echo(f"{name} all folds: entity F1 {e.f1:.3f}, relation F1 {rel.f1:.3f}")
        if len(names) > 1 and name != names[-1]:
            click.echo(format_line(total))
    return preds


@click.command("eval")
@input_paths
@click.option(
    "--gold",
    "gold_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of gold annotations, <stem>.json per document.",
)
@click.option("--verbose", "-v", is_flag=True, help="Also print one row per document.")
@click.option("--by-type", is_flag=True, help="Also print entity and relation F1 per type.")
@click.option(
    "--calibration",
    is_flag=True,
    help="Also print, per confidence bin, how many entities and relations were "
    "predicted and how many of them are right (observed precision).",
)
@click.option(
    "--cv",
    is_flag=True,
    help="Cross-validate by region: train the learned parts on all folds but one, "
    "score the held-out fold, for every fold (see --folds).",
)
@click.option(
    "--folds",
    "folds_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="With --cv: FOLDS.tsv (file, fold, region); default: FOLDS.tsv beside the gold folder.",
)
@click.option(
    "--ablation",
    type=click.Choice(["rules", "tagger", "scorer", "full", "all"]),
    default="full",
    show_default=True,
    help="With --cv: which learned parts to use: the rules alone, + the name tagger, "
    "+ the relation scorer (without document frames), everything; 'all' prints one "
    "row for each.",
)
@click.option(
    "--modality",
    "modality_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Also score the modality of relations against a folder of annotations "
    "(<stem>.tsv: subject, predicate, object, modality), e.g. data/modality.",
)
@click.option(
    "--indicators",
    "indicator_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Also score the extracted indicators against a folder of gold figures "
    "(<stem>.json), e.g. data/indicators.",
)
def command(
    paths: tuple[str, ...],
    gold_dir: Path,
    verbose: bool,
    by_type: bool,
    cv: bool,
    folds_file: Path | None,
    ablation: str,
    modality_dir: Path | None,
    indicator_dir: Path | None,
    calibration: bool,
) -> None:
    """Extract the documents under PATHS and score them against the gold in --gold.

    Prints micro-averaged precision, recall and F1 for typed entities, untyped
    entities, relations and unlabelled relations, with the same matching rules
    and the same figures as the reference scorer. Without --cv the shipped
    models extract every document, including those they were trained on; with
    --cv every document is extracted by models that never saw its fold.
    """
    from kg.builder import Skipped, process_path
    from kg.cli.common import shown
    from kg.evaluate import format_line, per_type, score_corpus
    from kg.export.jsonl import extraction_to_dict
    from kg.io.discover import scan

    golds = _load_gold(gold_dir)
    preds: dict[str, dict[str, Any]] = {}
    if cv:
        preds = _cross_validate(paths, gold_dir, folds_file, ablation)
    else:
        listed = scan(list(paths))
        for path, _, reason in listed.skipped:
            click.echo(f"skipped {shown(path)}: {shown(reason)}", err=True)
        for path, name in listed.items:
            res = process_path(path, name)
            if isinstance(res, Skipped):
                click.echo(f"skipped {shown(res.path)}: {shown(res.reason)}", err=True)
                continue
            preds[res.document.stem] = extraction_to_dict(res)
    total, rows = score_corpus(preds, golds)
    if verbose:
        for stem, sc, present in rows:
            cells = " ".join(
                f"{m}={c.f1:.2f}({c.tp}/{c.pred}p/{c.gold}g)" for m, c in sc.counts.items()
            )
            click.echo(f"{stem}: {cells}" + ("" if present else "  [missing prediction]"))
    if by_type:
        ents, rels = per_type(preds, golds)
        for title, table in (("entity type", ents), ("relation", rels)):
            click.echo(f"{title:<16} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'pred':>5} {'gold':>5}")
            for k, c in table.items():
                click.echo(
                    f"{k:<16} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
                    f"{c.tp:5d} {c.pred:5d} {c.gold:5d}"
                )
    if calibration:
        _print_calibration(preds, golds)
    click.echo(format_line(total))
    click.echo(f"entity F1 {total.counts['ent'].f1:.3f}, relation F1 {total.counts['rel'].f1:.3f}")
    if modality_dir is not None:
        _report_modality(preds, dict(golds), modality_dir, verbose)
    if indicator_dir is not None:
        _report_indicators(preds, indicator_dir, verbose)


def _print_calibration(
    preds: dict[str, dict[str, Any]], golds: list[tuple[str, dict[str, Any]]]
) -> None:
    from kg.evaluate import calibration, outcomes

    ents: list[tuple[float, bool]] = []
    rels: list[tuple[float, bool]] = []
    for stem, gold in golds:
        e, r = outcomes(preds.get(stem) or {"entities": [], "relations": []}, gold)
        ents += e
        rels += r
    for title, items in (("entities", ents), ("relations", rels)):
        click.echo(f"calibration of {title}: confidence bin, predicted, right, observed precision")
        for low, high, n, ok in calibration(items):
            click.echo(f"  [{low:.2f}, {high:.2f}) {n:6d} {ok:6d} {ok / n:6.3f}")

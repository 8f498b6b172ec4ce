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
def command(paths: tuple[str, ...], gold_dir: Path, verbose: bool, by_type: bool) -> None:
    """Extract the documents under PATHS and score them against the gold in --gold.

    Prints micro-averaged precision, recall and F1 for typed entities, untyped
    entities, relations and unlabelled relations, with the same matching rules
    and the same figures as the reference scorer.
    """
    from kg.builder import Skipped, process_path
    from kg.cli.common import shown
    from kg.evaluate import format_line, per_type, score_corpus
    from kg.export.jsonl import extraction_to_dict
    from kg.io.discover import scan

    golds = _load_gold(gold_dir)
    preds: dict[str, dict[str, Any]] = {}
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
    click.echo(format_line(total))
    click.echo(f"entity F1 {total.counts['ent'].f1:.3f}, relation F1 {total.counts['rel'].f1:.3f}")

"""``kg train``: fit the name tagger and the relation models on the annotated corpus."""

from __future__ import annotations

import filecmp
import tempfile
from pathlib import Path

import click

from kg.cli.common import StatusLine


def _corpus(docs_dir: Path, gold_dir: Path, status: StatusLine) -> list:  # type: ignore[type-arg]
    from kg.builder import Skipped, process_path
    from kg.io import discover
    from kg.train.corpus import load_corpus

    status(f"reading {docs_dir}")
    docs = []
    for path, name in discover([str(docs_dir)]):
        res = process_path(path, name)
        if isinstance(res, Skipped):
            click.echo(f"skipped {res.path}: {res.reason}", err=True)
            continue
        docs.append(res.document)
    status(f"aligning the gold of {gold_dir} and computing features")
    return load_corpus(docs, gold_dir)


@click.command("train")
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of annotated documents (default: the sample documents, data/docs).",
)
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of gold annotations, <stem>.json per document (default: data/gold).",
)
@click.option(
    "--folds",
    "folds_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="FOLDS.tsv (file, fold, region) for choosing the relation thresholds "
    "out of fold (default: FOLDS.tsv beside the gold folder).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the model files (default: the package's shipped models).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Train afresh in a temporary folder and exit 0 only when the result equals "
    "the files in --out (the shipped models by default), byte for byte.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
def command(
    docs_dir: Path | None,
    gold_dir: Path | None,
    folds_file: Path | None,
    out_dir: Path | None,
    check: bool,
    quiet: bool,
) -> None:
    """Fit the learned parts on the annotated corpus and write the model files.

    The CRF name tagger learns from the gold names located in the text; the
    relation models (one logistic model per predicate) from the relation
    candidates between the gold entities, with thresholds chosen on
    out-of-fold predictions. The same corpus gives the same bytes on every run.
    """
    from kg.errors import KGError
    from kg.models import FILES, SHIPPED
    from kg.resources import data_dir
    from kg.train import train
    from kg.train.corpus import read_folds

    docs_dir = docs_dir or data_dir() / "docs"
    gold_dir = gold_dir or data_dir() / "gold"
    folds_file = folds_file or gold_dir.parent / "FOLDS.tsv"
    target = out_dir or SHIPPED
    if not folds_file.is_file():
        raise KGError(f"{folds_file}: no folds file (give one with --folds)")
    with StatusLine(disable=quiet) as status:
        folds = read_folds(folds_file)
        corpus = _corpus(docs_dir, gold_dir, status)
        if not corpus:
            raise KGError(f"{gold_dir}: no gold file matches a document of {docs_dir}")
        if check:
            with tempfile.TemporaryDirectory(prefix="kg-train-") as tmp:
                status(f"training on {len(corpus)} documents")
                train(corpus, folds, Path(tmp))
                differ = [
                    n
                    for n in FILES
                    if not (target / n).is_file()
                    or not filecmp.cmp(Path(tmp) / n, target / n, shallow=False)
                ]
        else:
            status(f"training on {len(corpus)} documents")
            written = train(corpus, folds, target)
    if check:
        if differ:
            click.echo(f"{target}: differs from a fresh training: {', '.join(differ)}", err=True)
            raise SystemExit(1)
        click.echo(f"{target}: equal to a fresh training on {len(corpus)} documents")
        return
    total = sum(p.stat().st_size for p in written)
    click.echo(f"wrote {len(written)} model files ({total / 1e6:.1f} MB) to {target}")

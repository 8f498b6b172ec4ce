"""``kg validate``: check an exported graph against the SHACL shapes."""

from __future__ import annotations

import sys

import click


@click.command("validate")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes checking the parts of the graph [default: one per core].",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress line on stderr.")
def command(out_dir: str, jobs: int | None, quiet: bool) -> None:
    """Validate OUT_DIR/graph.ttl against ontology/shapes.ttl (SHACL, with the ontology).

    Prints "conforms" or the list of violations (node, property, message).
    Exit code 0 when the graph conforms, 1 when it does not. The graph is checked
    in parts (the resources of a batch of documents, a batch of entities…), never
    held whole; the report is the one of the whole graph. While it works, stderr
    shows the stage and the share of documents checked: a spinner on a terminal,
    one line per stage otherwise.
    """
    import os

    from kg.cli.common import StatusLine
    from kg.validate import validate_dir

    with StatusLine(disable=quiet) as status:
        report = validate_dir(out_dir, jobs=jobs or os.cpu_count() or 1, progress=status)
    click.echo(report.text())
    sys.exit(0 if report.conforms else 1)

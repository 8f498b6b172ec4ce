"""``kg validate``: check an exported graph against the SHACL shapes."""

from __future__ import annotations

import sys

import click


@click.command("validate")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--quiet", "-q", is_flag=True, help="No progress line on stderr.")
def command(out_dir: str, quiet: bool) -> None:
    """Validate OUT_DIR/graph.ttl against ontology/shapes.ttl (SHACL, with the ontology).

    Prints "conforms" or the list of violations (node, property, message).
    Exit code 0 when the graph conforms, 1 when it does not. While it works
    (some seconds for a few thousand entities), stderr shows the stage: a spinner
    on a terminal, one line per stage otherwise.
    """
    from kg.cli.common import StatusLine
    from kg.validate import validate_dir

    with StatusLine(disable=quiet) as status:
        report = validate_dir(out_dir, progress=status)
    click.echo(report.text())
    sys.exit(0 if report.conforms else 1)

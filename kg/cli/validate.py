"""``kg validate``: check an exported graph against the SHACL shapes."""

from __future__ import annotations

import sys

import click


@click.command("validate")
@click.argument("out_dir", type=click.Path(file_okay=False))
def command(out_dir: str) -> None:
    """Validate OUT_DIR/graph.ttl against ontology/shapes.ttl (SHACL, with the ontology).

    Prints "conforms" or the list of violations (node, property, message).
    Exit code 0 when the graph conforms, 1 when it does not.
    """
    from kg.validate import validate_dir

    report = validate_dir(out_dir)
    click.echo(report.text())
    sys.exit(0 if report.conforms else 1)

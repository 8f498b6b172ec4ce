"""``kg extract``: the contract's JSON Lines for each document, on stdout."""

from __future__ import annotations

import json
import sys

import click

from kg.cli.common import input_paths


@click.command("extract")
@input_paths
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json"]),
    default="json",
    show_default=True,
    help="Output format: JSON Lines, one contract object per document.",
)
def command(paths: tuple[str, ...], fmt: str) -> None:
    """Extract entities, relations and metadata from each document under PATHS.

    Prints one JSON object per document and line (the extraction contract's
    form) on stdout; files that cannot be read are named on stderr. Exit
    status 1 when some file was skipped.
    """
    from kg.builder import Skipped, process_path
    from kg.cli.common import shown
    from kg.export.jsonl import extraction_to_dict
    from kg.io.discover import scan

    listed = scan(list(paths))
    for path, _, reason in listed.skipped:
        click.echo(f"skipped {shown(path)}: {shown(reason)}", err=True)
    skipped = len(listed.skipped)
    out = sys.stdout
    for path, name in listed.items:
        res = process_path(path, name)
        if isinstance(res, Skipped):
            click.echo(f"skipped {shown(res.path)}: {shown(res.reason)}", err=True)
            skipped += 1
            continue
        out.write(json.dumps(extraction_to_dict(res), ensure_ascii=False) + "\n")
    out.flush()
    sys.exit(1 if skipped else 0)

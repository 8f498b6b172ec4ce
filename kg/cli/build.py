"""``kg build``: documents in, knowledge graph out."""

from __future__ import annotations

import sys

import click

from kg.cli.common import input_paths, progress_bar


@click.command("build")
@input_paths
@click.option(
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for graph.ttl, graph.trig, graph.jsonld, graph.nq, graph.html, report.md.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def command(paths: tuple[str, ...], out_dir: str, quiet: bool) -> None:
    """Build the knowledge graph of the documents under PATHS (files or folders).

    Reads .txt (any common Chinese encoding), .html/.htm and .docx files,
    recursively. Files that cannot be read are named on stderr with the reason
    and skipped; the others are still processed. Exit status: 0 when every file
    was read, 1 when some were skipped, 2 for usage errors.
    """
    from kg.builder import build
    from kg.export.outputs import write_outputs
    from kg.io import discover

    items = discover(list(paths))
    with progress_bar(len(items), "reading", disable=quiet) as bar:
        result = build(paths, items=items, progress=bar.update)
    for s in result.skipped:
        click.echo(f"skipped {s.path}: {s.reason}", err=True)
    written = write_outputs(result, out_dir)
    if not quiet:
        ents, rels = result.graph.counts()
        click.echo(
            f"documents: {result.read} read, {len(result.skipped)} skipped; "
            f"entities: {len(result.graph.nodes)}; relations: {len(result.graph.edges)}",
            err=True,
        )
        click.echo("entities by type: " + ", ".join(f"{k} {v}" for k, v in ents.items()), err=True)
        click.echo("relations by type: " + ", ".join(f"{k} {v}" for k, v in rels.items()), err=True)
        click.echo(f"wrote {len(written)} files to {out_dir}/", err=True)
    sys.exit(1 if result.skipped else 0)

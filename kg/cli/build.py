"""``kg build``: documents in, knowledge graph out."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

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
    help="Folder for the outputs: graph.ttl/.trig/.jsonld/.nq (RDF), graph.html, "
    "graph.json, graph.graphml, graph.gexf, nodes.csv, edges.csv, extractions.jsonl, "
    "report.md, build.json.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for reading and extraction "
    "[default: one per core; small inputs run in this process].",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of the per-document extraction cache [default: OUT/.cache].",
)
@click.option("--no-cache", is_flag=True, help="Extract every document afresh; keep no cache.")
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where extraction runs: worker processes here, or a Dask cluster.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Dask scheduler address (tcp://HOST:PORT) for --executor dask "
    "[default: start a local cluster of --jobs workers].",
)
@click.option(
    "--shards",
    type=click.IntRange(min=1),
    default=None,
    help="Also write the graph as N N-Quads files, OUT/shards/part-0000.nq …, for bulk loading.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def command(
    paths: tuple[str, ...],
    out_dir: str,
    jobs: int | None,
    cache_dir: str | None,
    no_cache: bool,
    executor: str,
    scheduler: str | None,
    shards: int | None,
    quiet: bool,
) -> None:
    """Build the knowledge graph of the documents under PATHS (files or folders).

    Reads .txt (any common Chinese encoding), .html/.htm and .docx files,
    recursively. Files that cannot be read are named on stderr with the reason
    and skipped; the others are still processed. Exit status: 0 when every file
    was read, 1 when some were skipped, 2 for usage errors.

    Extraction runs in parallel and each document's extraction is cached
    (in OUT/.cache unless --cache or --no-cache), so a rebuild re-extracts only
    the documents that changed. Neither changes a byte of the outputs.
    """
    from kg.io import discover

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    if no_cache and cache_dir:
        raise click.UsageError("--cache and --no-cache exclude each other")
    items = discover(list(paths))
    if executor == "local":
        from kg.executors import start_worker_server_for

        # first of all: the workers' tables load while the rest is imported
        start_worker_server_for(len(items), jobs)

    from kg.builder import build
    from kg.cache import DEFAULT_DIRNAME
    from kg.export.outputs import prepare, write_outputs

    cache = None if no_cache else (cache_dir or str(Path(out_dir) / DEFAULT_DIRNAME))
    with progress_bar(len(items), "reading", disable=quiet) as bar:
        result = build(
            paths,
            items=items,
            progress=bar.update,
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
            cache_dir=cache,
            meanwhile=functools.partial(prepare, cache),
        )
    if executor == "local":
        from kg.executors import stop_worker_server_soon

        # this process only writes and ends now: the server the workers were
        # forked from ends meanwhile, not after it
        stop_worker_server_soon()
    for s in result.skipped:
        click.echo(f"skipped {s.path}: {s.reason}", err=True)
    written = write_outputs(result, out_dir, fragments=cache)
    if shards:
        from kg.export.shards import write_shards

        written += write_shards(result.graph, Path(out_dir) / "shards", shards)
    if not quiet:
        ents, rels = result.graph.counts()
        click.echo(
            f"documents: {result.read} read, {len(result.skipped)} skipped; "
            f"entities: {len(result.graph.nodes)}; relations: {len(result.graph.edges)}",
            err=True,
        )
        click.echo("entities by type: " + ", ".join(f"{k} {v}" for k, v in ents.items()), err=True)
        click.echo("relations by type: " + ", ".join(f"{k} {v}" for k, v in rels.items()), err=True)
        if result.cache is not None:
            click.echo(str(result.cache), err=True)
        click.echo(f"wrote {len(written)} files to {out_dir}/", err=True)
        page = Path(out_dir) / "graph.html"
        if page in written or any(Path(w) == page for w in written):
            click.echo(f"open {page} in a browser to explore the graph", err=True)
    sys.exit(1 if result.skipped else 0)

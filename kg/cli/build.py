"""``kg build``: documents in, knowledge graph out."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli.common import input_paths, progress_bar, shown, stop_signals_interrupt
from kg.export.files import OUTPUT_FORMATS

#: Exit statuses of ``kg build``.
EXIT_OK = 0  # every input read, outputs written
EXIT_SKIPPED = 1  # some inputs skipped (named on stderr), outputs complete
EXIT_USAGE = 2  # a usage error (click's)
EXIT_FAILED = 3  # the build failed; the previous outputs are intact
EXIT_INTERRUPTED = 130  # Ctrl-C, SIGTERM or SIGHUP; the previous outputs are intact


def _min_confidence(ctx: click.Context, param: click.Parameter, value: str) -> float:
    """``--min-confidence``: a number from 0 to 1, else a usage error that says so."""
    try:
        x = float(value)
    except ValueError:
        x = float("nan")
    if not 0.0 <= x <= 1.0:  # NaN too
        raise click.BadParameter(f"must be a number from 0 to 1, not {value!r}", ctx, param)
    return x


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    """``--formats``: known output names, else a usage error that lists them."""
    from kg.errors import KGError
    from kg.export.files import parse_formats

    try:
        return parse_formats(value)
    except KGError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@click.command("build")
@input_paths
@click.option(
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the outputs: graph.ttl/.trig/.jsonld/.nq (RDF), store/ (SPARQL), "
    "graph.html, graph.json, graph.graphml, graph.gexf, nodes.csv, edges.csv, "
    "indicators.csv, extractions.jsonl, report.md (those --formats chooses), build.json.",
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
@click.option(
    "--formats",
    metavar="LIST",
    default="all",
    show_default=True,
    callback=_formats,
    help="The outputs to write, comma-separated: " + ", ".join(OUTPUT_FORMATS) + " "
    "(store: the SPARQL store kg query and kg serve open; build.json is always written).",
)
@click.option(
    "--compress",
    is_flag=True,
    help="Write every output but build.json gzip-compressed, as NAME.gz (the same bytes "
    "on every run); kg query, serve, validate, export, report, viz and kg.load read them.",
)
@click.option(
    "--min-confidence",
    "min_confidence",
    metavar="X",
    default="0",
    callback=_min_confidence,
    help="Leave out relations stated in a text with a confidence below X (0 to 1), then "
    "entities left with no such relation whose own confidence is below X too, and gazetteer "
    "facts about them; every output follows (the extraction cache keeps everything) "
    "[default: 0, keep everything].",
)
@click.option(
    "--follow-links",
    is_flag=True,
    help="Follow symbolic links that lead outside the input folders "
    "[default: name them as skipped].",
)
@click.option(
    "--corrections",
    "corrections_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    default=None,
    help="Apply the researcher's corrections in FILE (a TSV: action, target, value, note; "
    "actions merge, rename, retype, drop-entity, drop-relation, add-relation) after "
    "extraction [default: corrections.tsv beside an input folder, when there is one].",
)
@click.option(
    "--no-corrections", is_flag=True, help="Apply no corrections, not even a corrections.tsv."
)
@click.option(
    "--since",
    type=click.IntRange(1000, 9999),
    default=None,
    metavar="YEAR",
    help="Keep only what is stated for YEAR or later (the year a sentence states, else its "
    "document's); statements without a year are left out.",
)
@click.option(
    "--until",
    type=click.IntRange(1000, 9999),
    default=None,
    metavar="YEAR",
    help="Keep only what is stated for YEAR or earlier: the network as it stood then.",
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
    formats: tuple[str, ...],
    compress: bool,
    min_confidence: float,
    follow_links: bool,
    corrections_file: str | None,
    no_corrections: bool,
    since: int | None,
    until: int | None,
    quiet: bool,
) -> None:
    """Build the knowledge graph of the documents under PATHS (files or folders).

    Reads .txt (any common Chinese encoding), .html/.htm and .docx files,
    recursively. Every file and folder is either read or named on stderr with
    the reason it is not (unreadable, unsupported, too large, a link leading
    outside the input, a named pipe); the others are still processed. The
    output folder, and any folder holding a build.json of policy-kg, is never
    read as input.

    The outputs replace the previous ones in OUT together, once all are
    written; on any error the previous ones stay as they were. One build at a
    time writes into a folder: a second one is refused.

    Exit status: 0 when every file was read, 1 when some were skipped (the
    outputs are complete), 2 for usage errors, 3 when the build failed (the
    previous outputs are intact), 130 when interrupted (Ctrl-C, SIGTERM,
    SIGHUP; the previous outputs are intact).

    Extraction runs in parallel and each document's extraction is cached
    (in OUT/.cache unless --cache or --no-cache), so a rebuild re-extracts only
    the documents that changed. Neither changes a byte of the outputs.

    Every entity and relation carries a confidence from 0 to 1 (the tagger's
    probability for a name, the relation scorer's for a relation, 1 for
    gazetteer facts). --min-confidence X keeps a relation stated in a text
    when its confidence is X or more, an entity when its own confidence is X
    or more or it takes part in a kept relation stated in a text, and a
    gazetteer fact when both its entities are kept.

    Corrections (--corrections FILE, or a corrections.tsv in the folder that
    holds an input folder) are applied after extraction on every build; each is
    recorded in the RDF (kgo:Correction) and report.md, and one that no longer
    matches anything is listed there as stale. A malformed line is an error
    naming the file and line.
    """
    from kg.errors import KGError

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    if no_cache and cache_dir:
        raise click.UsageError("--cache and --no-cache exclude each other")
    if no_corrections and corrections_file:
        raise click.UsageError("--corrections and --no-corrections exclude each other")
    if since is not None and until is not None and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}")
    try:
        with stop_signals_interrupt():
            code = _build(
                paths,
                out_dir,
                jobs,
                cache_dir,
                no_cache,
                executor,
                scheduler,
                shards,
                min_confidence,
                follow_links,
                quiet,
                None if no_corrections else (corrections_file or ""),
                (since, until),
                formats,
                compress,
            )
    except KGError as exc:
        _fail(f"{exc}", out_dir)
    except OSError as exc:  # a full disk, a folder that cannot be written
        where = exc.filename or out_dir
        _fail(f"{where}: {exc.strerror or exc}", out_dir)
    except MemoryError:
        _fail("out of memory", out_dir)
    except KeyboardInterrupt as exc:
        why = "interrupted" if not str(exc) else f"stopped by {exc}"
        click.echo(f"Error: {why}; {_intact(out_dir)}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(code)


def _intact(out_dir: str) -> str:
    return f"the previous outputs in {shown(out_dir)} are unchanged"


def _fail(message: str, out_dir: str) -> None:
    click.echo(f"Error: {shown(message)}; {_intact(out_dir)}", err=True)
    sys.exit(EXIT_FAILED)


def _build(
    paths: tuple[str, ...],
    out_dir: str,
    jobs: int | None,
    cache_dir: str | None,
    no_cache: bool,
    executor: str,
    scheduler: str | None,
    shards: int | None,
    min_confidence: float,
    follow_links: bool,
    quiet: bool,
    corrections_file: str | None = "",
    years: tuple[int | None, int | None] = (None, None),
    formats: tuple[str, ...] | None = None,
    compress: bool = False,
) -> int:
    """The build itself (:func:`kg.run.run_build`), its events shown on stderr; returns
    the exit status. ``corrections_file`` ``""`` looks for a corrections.tsv beside the
    input folders, ``None`` applies none."""
    from kg.cache import DEFAULT_DIRNAME
    from kg.run import BuildEvent, run_build

    cache = None if no_cache else (cache_dir or str(Path(out_dir) / DEFAULT_DIRNAME))
    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def show(event: BuildEvent) -> None:
            """One event of the build, as a message or the progress bar."""
            if event.kind == "corrections" and not quiet:
                click.echo(f"applying the corrections in {shown(event.name)}", err=True)
            elif event.kind == "note":
                click.echo(f"note: {shown(event.message)}", err=True)
            elif event.kind == "listed":
                bars.append(
                    stack.enter_context(progress_bar(event.count, "reading", disable=quiet))
                )
            elif event.kind == "read" and bars:
                bars[0].update(event.count)
            elif event.kind == "extracted" and bars:
                bars[0].close()
            elif event.kind == "skipped":
                click.echo(f"skipped {shown(event.name)}: {shown(event.message)}", err=True)
            elif event.kind == "warning":
                click.echo(f"warning {shown(event.name)}: {shown(event.message)}", err=True)

        run = run_build(
            paths,
            out_dir=out_dir,
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
            cache_dir=cache,
            min_confidence=min_confidence,
            corrections=corrections_file or None,
            find_corrections=corrections_file == "",
            since=years[0],
            until=years[1],
            follow_links=follow_links,
            shards=shards,
            formats=formats,
            compress=compress,
            on_event=show,
        )
    result, written = run.result, run.written
    if not quiet:
        ents, rels = result.graph.counts()
        click.echo(
            f"documents: {result.read} read, {len(result.skipped)} skipped; "
            f"entities: {len(result.graph.nodes)}; relations: {len(result.graph.edges)}"
            + (f" (confidence {min_confidence:g} or more)" if min_confidence > 0 else ""),
            err=True,
        )
        click.echo("entities by type: " + ", ".join(f"{k} {v}" for k, v in ents.items()), err=True)
        click.echo("relations by type: " + ", ".join(f"{k} {v}" for k, v in rels.items()), err=True)
        if result.cache is not None:
            click.echo(str(result.cache), err=True)
        if result.graph.corrections:
            applied = sum(c.status == "applied" for c in result.graph.corrections)
            stale = len(result.graph.corrections) - applied
            click.echo(
                f"corrections: {applied} applied, {stale} stale (listed in report.md)", err=True
            )
        click.echo(f"wrote {len(written)} files to {shown(out_dir)}/", err=True)
        page = Path(out_dir) / "graph.html"
        if page in written or any(Path(w) == page for w in written):
            click.echo(f"open {shown(page)} in a browser to explore the graph", err=True)
    return EXIT_SKIPPED if result.skipped else EXIT_OK

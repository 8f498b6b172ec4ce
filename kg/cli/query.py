"""``kg query``: SPARQL over an exported graph, ad hoc or saved."""

from __future__ import annotations

import contextlib
import sys
from typing import BinaryIO

import click

from kg.errors import KGError
from kg.query import FORMATS


def _list() -> str:
    from kg.query import saved_queries

    queries = saved_queries()
    width = max(len(n) for n in queries)
    lines = []
    for name, q in queries.items():
        params = " ".join(f"{p.name}={p.default or '…'}" for p in q.params)
        lines.append(f"{name.ljust(width)}  {q.description}")
        if params:
            lines.append(f"{' ' * width}    --param {params}")
    return "\n".join(lines)


@click.command("query")
@click.argument("out_dir", required=False, type=click.Path(file_okay=False))
@click.argument("sparql", required=False)
@click.option("--saved", "saved", metavar="NAME", help="Run a saved query (see --list).")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the saved query, bound as a typed RDF term; repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table (aligned, prefixed IRIs), csv (lexical values) or json (SPARQL 1.1 results).",
)
@click.option("--list", "list_", is_flag=True, help="List the saved queries and exit.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a query still running after this long.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let SERVICE clauses query other endpoints [default: refused].",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Write at most N rows (after --offset).",
)
@click.option(
    "--offset",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Skip the first N rows (page through a long answer with --limit).",
)
def command(
    out_dir: str | None,
    sparql: str | None,
    saved: str | None,
    params: tuple[str, ...],
    fmt: str,
    list_: bool,
    timeout: float,
    allow_service: bool,
    limit: int | None,
    offset: int,
) -> None:
    """Run a SPARQL query over the graph kg build wrote to OUT_DIR.

    The query runs on OUT_DIR/store, the SPARQL store kg build writes (a folder
    without one has graph.trig loaded into memory, with a note). Its default
    graph is the merged graph: the union of the named graphs (one per document,
    plus the entities and the gazetteer), each statement once. kgo:, rdfs:,
    skos:, prov:, dcterms:, geo: and the other usual prefixes are predeclared.
    The answer is written as it comes, whatever its size.

    A saved query's entity parameters take a canonical name, an alias or an id
    (party=郑州, party=郑州市 and party=Place/410100 are the same); a name that
    denotes nothing is an error listing the closest names.

    \b
    kg query out 'SELECT ?p WHERE { ?p a kgo:Place } LIMIT 5'
    kg query out --saved cooperation-partners --param party=郑州市
    kg query --list

    A query with a SERVICE clause is refused unless --allow-service; a query
    still running after --timeout seconds is given up; Ctrl-C stops one.
    """
    if list_:
        click.echo(_list())
        return
    if out_dir is None:
        raise click.UsageError("give OUT_DIR (the folder kg build wrote), or --list")
    if (sparql is None) == (saved is None):
        raise click.UsageError("give either a SPARQL query or --saved NAME")
    from kg.query import (
        Answer,
        bindings,
        check_not_a_name,
        empty_note,
        open_graph_store,
        parse_params,
        saved_query,
        stream,
    )

    values = parse_params(params)
    q = None
    if saved is not None:
        q = saved_query(saved)
    else:
        check_not_a_name(sparql or "")
        if values:
            raise click.UsageError("--param works with --saved queries only")
    try:
        store, note = open_graph_store(out_dir)
        if note:
            click.echo(note, err=True)
        if q is not None:
            text, terms = q.text, bindings(q, values, store)
        else:
            text, terms = sparql or "", {}
        answer = Answer(
            store,
            text,
            terms,
            timeout=timeout,
            allow_service=allow_service,
            limit=limit,
            offset=offset,
        )
        sys.stdout.flush()
        written = stream(answer, fmt, _stdout())
    except KeyboardInterrupt:
        click.echo("Error: interrupted", err=True)
        sys.exit(130)  # the query's thread ends with the process
    except BrokenPipeError:
        _quiet_stdout()
        click.echo("Error: the output was closed before the whole answer was written", err=True)
        sys.exit(1)
    except OSError as exc:
        raise KGError(f"cannot write the answer: {exc.strerror or exc}") from exc
    if q is not None and q.params and written.boolean is None and not written.rows and not offset:
        click.echo(empty_note(q, values, terms), err=True)


def _stdout() -> BinaryIO:
    """Where the answer goes: standard output, as bytes."""
    return sys.stdout.buffer


def _quiet_stdout() -> None:
    """Standard output was closed by its reader: point it at nothing, so that the final
    flush of the interpreter does not fail again."""
    import os

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)

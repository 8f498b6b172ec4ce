"""``kg query``: SPARQL over an exported graph, ad hoc or saved."""

from __future__ import annotations

import sys

import click

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
def command(
    out_dir: str | None,
    sparql: str | None,
    saved: str | None,
    params: tuple[str, ...],
    fmt: str,
    list_: bool,
    timeout: float,
    allow_service: bool,
) -> None:
    """Run a SPARQL query over OUT_DIR/graph.trig.

    The default graph is the union of the named graphs (one per document, plus
    the entities and the gazetteer); kgo:, rdfs:, skos:, prov:, dcterms:, geo:
    and the other usual prefixes are predeclared.

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
        bindings,
        check_not_a_name,
        empty_note,
        format_result,
        load_store,
        parse_params,
        run,
        saved_query,
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
        store = load_store(out_dir)
        if q is not None:
            text, terms = q.text, bindings(q, values, store)
        else:
            text, terms = sparql or "", {}
        result = run(store, text, terms, timeout=timeout, allow_service=allow_service)
    except KeyboardInterrupt:
        click.echo("Error: interrupted", err=True)
        sys.exit(130)  # the query's thread ends with the process
    click.echo(format_result(result, fmt))
    if q is not None and q.params and result.boolean is None and not result.rows:
        click.echo(empty_note(q, values, terms), err=True)

"""``kg push``: load a built dataset into a SPARQL server (Graph Store Protocol)."""

from __future__ import annotations

import os

import click


@click.command("push")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="SPARQL query endpoint (Oxigraph: http://HOST:PORT/query).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    default=None,
    help="Graph Store Protocol endpoint (Oxigraph: http://HOST:PORT/store) "
    "[default: the query endpoint].",
)
@click.option("--user", default=None, help="User name for HTTP basic authentication.")
@click.option(
    "--password",
    default=None,
    help="Password for HTTP basic authentication [default: $KG_PUSH_PASSWORD].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a request the server has not answered after this long.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar on stderr.")
def command(
    out_dir: str,
    endpoint: str,
    graph_store: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    quiet: bool,
) -> None:
    """Push OUT_DIR/graph.nq into a SPARQL server, one named graph per document.

    A document's graph is replaced when it changed since the last push, graphs of
    documents that are gone are deleted, and graphs this command never pushed are
    left alone (it keeps a small bookkeeping graph on the server). Example with an
    Oxigraph server:

    \b
        kg push out --endpoint http://127.0.0.1:7878/query \\
                    --graph-store http://127.0.0.1:7878/store

    Apache Jena Fuseki: --endpoint http://HOST:3030/DS/sparql --graph-store
    http://HOST:3030/DS/data. GraphDB: --endpoint http://HOST:7200/repositories/R
    --graph-store http://HOST:7200/repositories/R/rdf-graphs/service.
    """
    from tqdm import tqdm

    from kg.push import Target, push

    target = Target(
        endpoint,
        graph_store,
        user,
        password if password is not None else os.environ.get("KG_PUSH_PASSWORD"),
        timeout,
    )
    tqdm.monitor_interval = 0  # no monitor thread (see kg.cli.common.progress_bar)
    with tqdm(desc="pushing", unit="graph", disable=quiet, leave=False) as bar:

        def step(_iri: str, _n: int) -> None:
            bar.update(1)

        report = push(out_dir, target, progress=step)
    click.echo(report.text())

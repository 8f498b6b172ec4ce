"""``kg serve``: a SPARQL endpoint (Oxigraph server) over an exported graph."""

from __future__ import annotations

import click

from kg.cli.common import shown, stop_signals_interrupt


@click.command("serve")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option(
    "--port",
    default=7878,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="TCP port (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; keep the loopback address unless others must reach it.",
)
@click.option(
    "--writable",
    is_flag=True,
    help="Accept SPARQL Update and Graph Store writes (default: read-only).",
)
@click.option(
    "--store",
    "store",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep the Oxigraph store in this folder [default: a temporary folder].",
)
@click.option(
    "--cors", is_flag=True, help="Allow cross-origin requests (for web clients such as YASGUI)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Stop a request (a query) still running after this long.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let SERVICE clauses query other endpoints [default: refused].",
)
def command(
    out_dir: str,
    port: int,
    host: str,
    writable: bool,
    store: str | None,
    cors: bool,
    timeout: float,
    allow_service: bool,
) -> None:
    """Serve OUT_DIR/graph.trig over SPARQL 1.1 HTTP until Ctrl-C (or SIGTERM, SIGHUP).

    Loads the graph into an Oxigraph store and runs the Oxigraph server, the
    default graph being the union of the named graphs. Query endpoint:
    http://HOST:PORT/query (point YASGUI or any SPARQL client at it).

    Requests addressed to another host name than HOST (DNS rebinding) and
    queries with SERVICE (unless --allow-service) are refused; a query running
    longer than --timeout is stopped. On exit the server stops and a temporary
    store is removed.
    """
    from kg.serve import start, wait

    with stop_signals_interrupt():
        try:
            server = start(
                out_dir,
                host=host,
                port=port,
                writable=writable,
                store=store,
                cors=cors,
                query_timeout=timeout,
                allow_service=allow_service,
            )
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
            return
        for warning in server.warnings:
            click.echo(f"warning: {shown(warning)}", err=True)
        mode = "read-write" if writable else "read-only"
        click.echo(f"SPARQL endpoint ({mode}): {server.endpoint}")
        if writable:
            click.echo(f"SPARQL update: {server.url}/update   Graph Store: {server.url}/store")
        click.echo("Press Ctrl-C to stop.")
        code = wait(server)
    click.echo("stopped")
    if code not in (0, -2, -15):
        raise SystemExit(1)

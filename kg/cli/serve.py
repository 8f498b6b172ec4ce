"""``kg serve``: a SPARQL endpoint (Oxigraph server) over an exported graph."""

from __future__ import annotations

import click


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
def command(
    out_dir: str, port: int, host: str, writable: bool, store: str | None, cors: bool
) -> None:
    """Serve OUT_DIR/graph.trig over SPARQL 1.1 HTTP until Ctrl-C.

    Loads the graph into an Oxigraph store and runs the Oxigraph server, the
    default graph being the union of the named graphs. Query endpoint:
    http://HOST:PORT/query (point YASGUI or any SPARQL client at it).
    """
    from kg.serve import free_port, start, wait

    if port == 0:
        port = free_port(host)
    server = start(out_dir, host=host, port=port, writable=writable, store=store, cors=cors)
    mode = "read-write" if writable else "read-only"
    click.echo(f"SPARQL endpoint ({mode}): {server.endpoint}")
    if writable:
        click.echo(f"SPARQL update: {server.url}/update   Graph Store: {server.url}/store")
    click.echo("Press Ctrl-C to stop.")
    code = wait(server)
    click.echo("stopped")
    if code not in (0, -2, -15):
        raise SystemExit(1)

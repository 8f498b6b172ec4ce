"""``kg viz``: the interactive HTML graph of a build, whole or around one entity."""

from __future__ import annotations

from pathlib import Path

import click

from kg.errors import KGError

#: The graph ``kg build`` leaves in its output folder, read by this command.
GRAPH_JSON = "graph.json"


@click.command("viz")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--focus",
    metavar="ENTITY",
    help="Draw only the neighbourhood of this entity (its id, name or alias).",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="With --focus: how many relation steps from the entity to include.",
)
@click.option(
    "--types",
    metavar="TYPE,...",
    help="Draw only entities of these types, comma-separated (e.g. Place,Agreement).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Page to write [default: OUT_DIR/graph.html, or OUT_DIR/view.html with --focus/--types].",
)
def command(
    out_dir: Path, focus: str | None, depth: int, types: str | None, out_path: Path | None
) -> None:
    """Write an interactive, self-contained HTML graph of the build in OUT_DIR.

    Reads OUT_DIR/graph.json (written by ``kg build``). The page works offline:
    search by name or alias, filter by entity type, relation and document, click
    an entity for its documents and the evidence sentences of its relations, and
    switch places to a geographic layout.

    Example: ``kg viz out --focus 郑州市 --depth 2 --out zz.html``
    """
    from kg.export.files import find_output
    from kg.export.graphjson import read_graph_json
    from kg.export.html import select, write_html

    type_list = [t for t in (types or "").split(",") if t.strip()] if types is not None else None
    if types is not None and not type_list:
        raise click.BadParameter("give at least one entity type", param_hint="--types")
    if out_path is None:
        restricted = focus is not None or type_list is not None
        out_path = out_dir / ("view.html" if restricted else "graph.html")
    try:
        graph = read_graph_json(find_output(out_dir, GRAPH_JSON))
        view = select(graph, focus=focus, depth=depth, types=type_list)
        write_html(graph, out_path, focus=focus, depth=depth, types=type_list)
    except KGError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {out_path}: {len(view.nodes)} entities, {len(view.edges)} relations")

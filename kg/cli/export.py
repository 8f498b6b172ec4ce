"""``kg export``: the built graph in a format for another tool (Gephi, yEd, spreadsheets)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.export.netformats import FORMATS


@click.command("export")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--format",
    "-f",
    "fmt",
    required=True,
    type=click.Choice(sorted(FORMATS)),
    help="graphml (yEd, Cytoscape, Gephi), gexf (Gephi), csv (nodes.csv and edges.csv), "
    "indicators (indicators.csv: the figures the documents state) or yearly-csv (one edge "
    "list per year, yearly/edges-YEAR.csv, and yearly/years.csv).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output file (graphml, gexf, indicators) or folder (csv, yearly-csv). Default: "
    "graph.graphml, graph.gexf, nodes.csv and edges.csv, indicators.csv or yearly/ in OUT_DIR.",
)
def command(out_dir: Path, fmt: str, out: Path | None) -> None:
    """Export the graph that `kg build` wrote to OUT_DIR (read from OUT_DIR/graph.json).

    Nodes carry label, type, aliases, division code and coordinates; edges the
    relation, whether it comes from the text or the gazetteer, the document and
    the evidence sentence. CSV files are UTF-8 with a byte-order mark so that
    spreadsheet software shows the Chinese names.
    """
    from kg.export.files import find_output
    from kg.export.graphjson import read_graph_json
    from kg.export.netformats import write_format

    graph = read_graph_json(find_output(out_dir, "graph.json"))
    for path in write_format(graph, fmt, out_dir, out):
        click.echo(str(path))

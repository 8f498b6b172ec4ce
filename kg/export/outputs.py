"""Write every output of a build into one folder, each file atomically."""

from __future__ import annotations

from pathlib import Path

from kg.builder import BuildResult
from kg.export.buildinfo import BuildInfo


def write_outputs(
    result: BuildResult, out_dir: str | Path, *, info: BuildInfo | None = None
) -> list[Path]:
    """Write RDF, graph JSON, the HTML graph, network formats, the extractions and the report.

    Besides the RDF and HTML files: ``graph.json`` (node-link JSON),
    ``build.json`` (documents read and skipped), ``graph.graphml`` and
    ``graph.gexf`` (Gephi, yEd, Cytoscape), ``nodes.csv`` and ``edges.csv``
    (spreadsheets), ``extractions.jsonl`` and ``report.md``. ``info`` overrides
    what ``result`` says of documents read and skipped (a graph reloaded from
    ``graph.json`` has no extractions). Returns the written paths, sorted.
    """
    from kg.export.atomic import write_text
    from kg.export.buildinfo import from_result, write_build_info
    from kg.export.graphjson import write_graph_json
    from kg.export.html import write_html
    from kg.export.jsonl import to_jsonl
    from kg.export.netformats import write_csv, write_gexf, write_graphml
    from kg.export.rdf import write_rdf
    from kg.export.report import render

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    graph = result.graph
    info = info or from_result(result)
    written: list[Path] = []
    written += write_rdf(graph, out)
    written.append(write_graph_json(graph, out / "graph.json"))
    written.append(write_build_info(info, out / "build.json"))
    written.append(write_html(graph, out / "graph.html"))
    written += write_graphml(graph, out / "graph.graphml")
    written += write_gexf(graph, out / "graph.gexf")
    written += write_csv(graph, out)
    if result.extractions or not graph.documents:  # a reloaded graph has none to write
        jsonl = out / "extractions.jsonl"
        ordered = sorted(result.extractions, key=lambda x: x.document.display_name)
        write_text(jsonl, to_jsonl(ordered, display_name=True))
        written.append(jsonl)
    report = out / "report.md"
    write_text(report, render(graph, info))
    written.append(report)
    return sorted(written)

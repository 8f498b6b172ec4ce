"""Write every output of a build into one folder, each file atomically."""

from __future__ import annotations

from pathlib import Path

from kg.builder import BuildResult


def write_outputs(result: BuildResult, out_dir: str | Path) -> list[Path]:
    """Write RDF, graph JSON, the HTML graph, the extractions and the report.

    Returns the written paths, sorted.
    """
    from kg.export.atomic import write_text
    from kg.export.graphjson import write_graph_json
    from kg.export.html import write_html
    from kg.export.jsonl import to_jsonl
    from kg.export.rdf import write_rdf
    from kg.export.report import render_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    written += write_rdf(result.graph, out)
    graph_json = out / "graph.json"
    write_graph_json(result.graph, graph_json)
    written.append(graph_json)
    written.append(write_html(result.graph, out / "graph.html"))
    jsonl = out / "extractions.jsonl"
    write_text(
        jsonl,
        to_jsonl(
            sorted(result.extractions, key=lambda x: x.document.display_name), display_name=True
        ),
    )
    written.append(jsonl)
    report = out / "report.md"
    write_text(report, render_report(result))
    written.append(report)
    return sorted(written)

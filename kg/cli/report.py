"""``kg report``: regenerate report.md of a build folder without rebuilding."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("report")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the report instead of writing it.")
def command(out_dir: Path, to_stdout: bool) -> None:
    """Regenerate OUT_DIR/report.md from OUT_DIR/graph.json and OUT_DIR/build.json
    (report.md.gz where the build was compressed).

    The report lists the documents read and skipped (with reasons), entities and
    relations by type, the most-mentioned entities, place-like names without a
    division code, entities seen in one document only, and every document with
    its metadata. Without build.json the skipped files are reported as unknown.
    """
    from kg.export.atomic import write_text
    from kg.export.buildinfo import read_build_info
    from kg.export.files import compress_file, find_output
    from kg.export.graphjson import read_graph_json
    from kg.export.report import render

    graph = read_graph_json(find_output(out_dir, "graph.json"))
    info_path = out_dir / "build.json"
    info = read_build_info(info_path) if info_path.exists() else None
    text = render(graph, info)
    if to_stdout:
        click.echo(text, nl=False)
        return
    path = out_dir / "report.md"
    write_text(path, text)
    if (out_dir / "report.md.gz").is_file():  # a build with --compress: keep its form
        path = compress_file(path)
    click.echo(str(path))

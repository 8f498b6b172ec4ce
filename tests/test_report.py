"""report.md: what a build read, skipped and found; regenerated identically by `kg report`."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.builder import BuildResult, Skipped
from kg.errors import OutputError
from kg.export.buildinfo import BuildInfo, from_result, read_build_info, write_build_info
from kg.export.graphjson import write_graph_json
from kg.export.report import SINGLE_DOC_CAP, TOP, render, render_report
from kg.graph import KnowledgeGraph, Node
from kg.types import EntityType
from tests.conftest import run_kg
from tests.handmade import extractions, graph

SKIPS = [
    Skipped("/abs/input/random.bin", "binary file", name="input/random.bin"),
    Skipped("input/empty.txt", "empty file"),
]


@pytest.fixture()
def result() -> BuildResult:
    return BuildResult(graph=graph(), extractions=extractions(), skipped=list(SKIPS))


def section(report: str, title: str) -> str:
    """The body of the section whose heading starts with ``title``."""
    start = next(i for i, ln in enumerate(report.splitlines()) if ln.startswith(f"## {title}"))
    lines = report.splitlines()[start + 1 :]
    end = next((i for i, ln in enumerate(lines) if ln.startswith("## ")), len(lines))
    return "\n".join(lines[:end])


def test_summary_counts_documents_entities_and_relations(result) -> None:
    rep = render_report(result)
    assert "- documents read: 3\n- documents skipped: 2\n" in rep
    assert f"- entities: {len(result.graph.nodes)}\n" in rep
    assert "- relations: 7 (5 stated in the text, 2 from the gazetteer)" in rep


def test_skipped_documents_are_listed_with_their_reasons_sorted(result) -> None:
    body = section(render_report(result), "Skipped documents")
    assert body.index("| input/empty.txt | empty file |") < body.index(
        "| input/random.bin | binary file |"
    )
    assert "/abs/" not in body  # the display name, not the path as given


def test_relations_by_type_split_text_and_gazetteer(result) -> None:
    body = section(render_report(result), "Relations by type")
    assert "| cooperatesWith | 3 | 0 | 3 |" in body
    assert "| partOf | 0 | 2 | 2 |" in body
    assert "| signed | 2 | 0 | 2 |" in body


def test_most_mentioned_entities_come_first_and_are_capped() -> None:
    g = KnowledgeGraph()
    for i in range(TOP + 5):
        g.nodes[f"Place/{i}"] = Node(f"Place/{i}", f"地{i}市", EntityType.PLACE, mentions=i)
    body = section(render(g, BuildInfo(0)), f"The {TOP} most-mentioned")
    rows = [ln for ln in body.splitlines() if ln.startswith("| 地")]
    assert len(rows) == TOP
    assert rows[0].startswith(f"| 地{TOP + 4}市 |") and rows[-1].startswith("| 地5市 |")


def test_place_like_names_without_a_code(result) -> None:
    body = section(render_report(result), "Place-like names")
    assert "- places without a division code: 1" in body  # 埃德蒙顿市
    assert "- place-like names typed otherwise: 1" in body  # 兰考县 typed Organization
    assert "| 埃德蒙顿市 | Place | 1 |" in body
    assert "| 兰考县 | Organization | 1 |" in body
    assert "郑州市 |" not in body  # resolved, with its code


def test_entities_seen_in_one_document_are_counted_and_capped() -> None:
    g = KnowledgeGraph()
    for i in range(SINGLE_DOC_CAP + 7):
        g.nodes[f"Person/{i:03}"] = Node(
            f"Person/{i:03}", f"人{i:03}", EntityType.PERSON, documents=["k"]
        )
    body = section(render(g, BuildInfo(1)), "Entities seen in one document only")
    total = SINGLE_DOC_CAP + 7
    assert f"{total} of {total} entities occur in a single document" in body
    assert len([ln for ln in body.splitlines() if ln.startswith("| 人")]) == SINGLE_DOC_CAP


def test_documents_are_listed_with_their_metadata(result) -> None:
    rep = render_report(result)
    docs = section(rep, "Documents")
    assert "| 017.txt | 郑开同城化 | 郑州市发展和改革委员会 | 2024-09-21 | 5 | 1 |" in docs
    meta = section(rep, "Document metadata")
    assert "### 002.txt" in meta and "- publisher: 中原网" in meta
    assert "/abs/input" not in rep


def test_report_is_independent_of_the_order_of_skips_and_extractions(result) -> None:
    shuffled = BuildResult(
        graph=graph(), extractions=extractions()[::-1], skipped=list(reversed(SKIPS))
    )
    assert render_report(shuffled) == render_report(result)


def test_kg_report_regenerates_the_same_report(result, tmp_path: Path) -> None:
    write_graph_json(result.graph, tmp_path / "graph.json")
    write_build_info(from_result(result), tmp_path / "build.json")
    res = run_kg("report", str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "report.md").read_text(encoding="utf-8") == render_report(result)
    res = run_kg("report", str(tmp_path), "--stdout")
    assert res.stdout == render_report(result)


def test_kg_report_without_build_json_says_skips_are_unknown(result, tmp_path: Path) -> None:
    write_graph_json(result.graph, tmp_path / "graph.json")
    res = run_kg("report", str(tmp_path), "--stdout")
    assert res.returncode == 0, res.stderr
    assert "- documents skipped: not recorded (no build.json)" in res.stdout


def test_kg_report_on_an_empty_folder_names_the_missing_file(tmp_path: Path) -> None:
    res = run_kg("report", str(tmp_path))
    assert res.returncode == 1
    assert (
        res.stderr.strip()
        == f"Error: {tmp_path / 'graph.json'}: not found (run `kg build` to write it)"
    )


def test_build_info_round_trips_and_rejects_other_json(tmp_path: Path) -> None:
    info = BuildInfo(5, (("empty.txt", "empty file"),))
    p = write_build_info(info, tmp_path / "build.json")
    assert read_build_info(p) == info
    p.write_text('{"format": "policy-kg graph", "version": 1}', encoding="utf-8")
    with pytest.raises(OutputError, match="not a policy-kg build.json"):
        read_build_info(p)

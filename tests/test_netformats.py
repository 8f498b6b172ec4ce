"""GraphML, GEXF and CSV exports: readable by networkx, flat attributes, identical bytes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import UnknownNameError
from kg.export import netformats
from kg.export.graphjson import write_graph_json
from tests.conftest import DOCS, run_kg
from tests.handmade import AGR, EDM, KF, ZZ, graph


@pytest.fixture()
def g():
    return graph()


def read_gexf(data: io.BytesIO | Path) -> nx.MultiDiGraph:
    """The GEXF file read by networkx, which reads no mixed graph: its undirected
    edges (cooperatesWith) are read as directed ones; ``viz`` and the time ``spells``
    are left out (see test_gexf_spells_date_statements_and_entities)."""
    raw = data.read_bytes() if isinstance(data, Path) else data.read()
    text = raw.replace(b' type="undirected"', b"")
    h = nx.read_gexf(io.BytesIO(text))
    for _, d in h.nodes(data=True):
        d.pop("viz", None)
        d.pop("spells", None)
    for _, _, d in h.edges(data=True):
        d.pop("spells", None)
    return h


READERS = {
    "graphml": (netformats.graphml_bytes, nx.read_graphml),
    "gexf": (netformats.gexf_bytes, read_gexf),
}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_networkx_reads_back_every_node_and_edge(g, fmt: str) -> None:
    write, read = READERS[fmt]
    h = read(io.BytesIO(write(g)))
    assert h.is_directed() and h.is_multigraph()
    assert h.number_of_nodes() == len(g.nodes)
    assert h.number_of_edges() == len(g.edges)
    # 郑州市 and 开封市 cooperate in two documents: two parallel edges, kept apart
    assert h.number_of_edges(ZZ, EDM) == 1 and h.number_of_edges(ZZ, KF) == 2


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_node_attributes_are_scalars_with_label_type_code_and_coordinates(g, fmt: str) -> None:
    write, read = READERS[fmt]
    h = read(io.BytesIO(write(g)))
    zz = h.nodes[ZZ]
    assert zz["label"] == "郑州市"
    assert zz["type"] == "Place"
    assert zz["code"] == "410100"
    assert zz["longitude"] == pytest.approx(113.62) and zz["latitude"] == pytest.approx(34.75)
    assert zz["aliases"] == "郑"
    assert sorted(zz["documents"].split(netformats.SEP)) == ["002.txt", "017.txt", "030.txt"]
    assert zz["document_count"] == 3
    # no coordinates and no code: the attributes are absent, not "None"
    edm = h.nodes[EDM]
    assert "code" not in edm and "longitude" not in edm
    for _, data in h.nodes(data=True):
        assert all(isinstance(v, str | int | float) for v in data.values()), data
        assert "None" not in data.values()


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_edges_carry_relation_document_and_evidence(g, fmt: str) -> None:
    write, read = READERS[fmt]
    h = read(io.BytesIO(write(g)))
    signed = [d for u, v, d in h.edges(data=True) if (u, v) == (ZZ, AGR)]
    assert len(signed) == 1
    d = signed[0]
    assert d.get("relation") == "signed"
    assert d.get("source_kind") == "text"
    assert d.get("document") == "002.txt"
    assert "签署了建立友好城市关系意向书" in d["evidence"]
    gaz = [d for _, _, d in h.edges(data=True) if d.get("source_kind") == "gazetteer"]
    assert len(gaz) == 2 and all("document" not in d for d in gaz)


def test_gexf_header_has_no_date_and_two_exports_are_identical(g) -> None:
    a, b = netformats.gexf_bytes(g), netformats.gexf_bytes(graph())
    assert a == b
    assert b"lastmodifieddate" not in a
    assert b"NetworkX" not in a
    assert netformats.graphml_bytes(g) == netformats.graphml_bytes(graph())


def test_csv_files_start_with_a_bom_and_have_the_documented_columns(g) -> None:
    nodes, edges = netformats.nodes_csv(g), netformats.edges_csv(g)
    assert nodes.startswith(b"\xef\xbb\xbf") and edges.startswith(b"\xef\xbb\xbf")
    n_rows = list(csv.DictReader(io.StringIO(nodes.decode("utf-8-sig"))))
    e_rows = list(csv.DictReader(io.StringIO(edges.decode("utf-8-sig"))))
    assert tuple(n_rows[0]) == netformats.NODE_COLUMNS
    assert tuple(e_rows[0]) == netformats.EDGE_COLUMNS
    assert len(n_rows) == len(g.nodes) and len(e_rows) == len(g.edges)
    zz = next(r for r in n_rows if r["id"] == ZZ)
    assert (zz["label"], zz["code"], zz["longitude"]) == ("郑州市", "410100", "113.62")
    edm = next(r for r in n_rows if r["id"] == EDM)
    assert edm["code"] == "" and edm["longitude"] == ""
    coop = [r for r in e_rows if r["relation"] == "cooperatesWith"]
    assert {(r["source"], r["target"], r["document"]) for r in coop} == {
        (ZZ, EDM, "002.txt"),
        (ZZ, KF, "017.txt"),
        (ZZ, KF, "030.txt"),
    }
    # an evidence sentence holding the separator and a comma survives the round trip
    assert any("," in r["evidence"] for r in coop)


def test_unknown_format_names_the_valid_ones(g, tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="valid: csv, gexf, graphml, indicators, yearly-csv"):
        netformats.write_format(g, "pajek", tmp_path)


@pytest.mark.parametrize(
    ("fmt", "names"),
    [("graphml", ["graph.graphml"]), ("gexf", ["graph.gexf"]), ("csv", ["edges.csv", "nodes.csv"])],
)
def test_kg_export_writes_the_format_next_to_graph_json(g, tmp_path: Path, fmt, names) -> None:
    write_graph_json(g, tmp_path / "graph.json")
    res = run_kg("export", str(tmp_path), "--format", fmt)
    assert res.returncode == 0, res.stderr
    assert sorted(Path(p).name for p in res.stdout.split()) == names
    for n in names:
        assert (tmp_path / n).stat().st_size > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_kg_export_to_an_explicit_path(g, tmp_path: Path) -> None:
    write_graph_json(g, tmp_path / "graph.json")
    target = tmp_path / "gephi" / "zhengzhou.gexf"
    res = run_kg("export", str(tmp_path), "-f", "gexf", "--out", str(target))
    assert res.returncode == 0, res.stderr
    assert read_gexf(target).number_of_nodes() == len(g.nodes)


def test_kg_export_without_a_build_says_what_is_missing(tmp_path: Path) -> None:
    res = run_kg("export", str(tmp_path), "--format", "csv")
    assert res.returncode == 1
    assert (
        res.stderr.strip()
        == f"Error: {tmp_path / 'graph.json'}: not found (run `kg build` to write it)"
    )


def test_kg_export_rejects_an_unknown_format(tmp_path: Path) -> None:
    res = run_kg("export", str(tmp_path), "--format", "pajek")
    assert res.returncode == 2
    assert "pajek" in res.stderr and "graphml" in res.stderr


def test_graph_json_and_exports_agree_on_counts(g, tmp_path: Path) -> None:
    write_graph_json(g, tmp_path / "graph.json")
    data = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    h = nx.read_graphml(io.BytesIO(netformats.graphml_bytes(g)))
    assert (h.number_of_nodes(), h.number_of_edges()) == (len(data["nodes"]), len(data["edges"]))


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kg build`` of the sample corpus."""
    out = tmp_path_factory.mktemp("sample") / "out"
    res = run_kg("build", str(DOCS), "--out", str(out), "--quiet")
    assert res.returncode == 0, res.stderr
    return out


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_sample_build_exports_every_node_and_edge_of_the_graph(sample_build: Path, fmt) -> None:
    data = json.loads((sample_build / "graph.json").read_text(encoding="utf-8"))
    h = READERS[fmt][1](sample_build / f"graph.{fmt}")
    assert h.number_of_nodes() == len(data["nodes"]) > 100
    assert h.number_of_edges() == len(data["edges"]) > 100
    assert h.nodes["Place/410100"]["label"] == "郑州市"
    assert h.nodes["Place/410100"]["code"] == "410100"


def test_sample_build_csv_rows_match_the_graph(sample_build: Path) -> None:
    data = json.loads((sample_build / "graph.json").read_text(encoding="utf-8"))
    for name, key in (("nodes.csv", "nodes"), ("edges.csv", "edges")):
        text = (sample_build / name).read_bytes().decode("utf-8-sig")
        assert len(list(csv.DictReader(io.StringIO(text)))) == len(data[key]), name


@pytest.mark.parametrize(("fmt", "name"), [("graphml", "graph.graphml"), ("gexf", "graph.gexf")])
def test_kg_export_rewrites_the_build_file_byte_for_byte(sample_build, tmp_path, fmt, name) -> None:
    res = run_kg("export", str(sample_build), "--format", fmt, "--out", str(tmp_path / name))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / name).read_bytes() == (sample_build / name).read_bytes()


def test_kg_report_regenerates_the_build_report(sample_build: Path) -> None:
    res = run_kg("report", str(sample_build), "--stdout")
    assert res.returncode == 0, res.stderr
    assert res.stdout == (sample_build / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_markup_quotes_line_breaks_and_control_characters_survive_the_xml(g, fmt: str) -> None:
    """GraphML and GEXF are written as text: every character that XML escapes comes back."""
    from dataclasses import replace

    name = '<b>郑州&开封</b> "同城化"\t'
    g.nodes[ZZ].name = name
    sentence = '第一行\n第二行 & <第三行> "引号"\r\x01'
    g.edges[0] = replace(g.edges[0], sentence=sentence)
    write, read = READERS[fmt]
    h = read(io.BytesIO(write(g)))
    assert h.nodes[ZZ]["label"] == name
    evidence = [
        d["evidence"] for _, _, d in h.edges(data=True) if "第一行" in d.get("evidence", "")
    ]
    # \x01 cannot appear in XML 1.0 at all: it becomes U+FFFD, everything else is kept
    assert evidence == [sentence.replace("\x01", "\ufffd")]
    assert h.number_of_edges() == len(g.edges)


def test_an_empty_graph_is_valid_in_every_format(tmp_path: Path) -> None:
    from kg.graph import KnowledgeGraph

    empty = KnowledgeGraph()
    for write, read in READERS.values():
        h = read(io.BytesIO(write(empty)))
        assert (h.number_of_nodes(), h.number_of_edges()) == (0, 0)
    rows = netformats.nodes_csv(empty).decode("utf-8-sig").splitlines()
    assert rows == [",".join(netformats.NODE_COLUMNS)]


def test_gexf_draws_types_as_viz_colours_at_positions_and_cooperation_undirected(g) -> None:
    from lxml import etree

    from kg.export.html import type_styles

    root = etree.fromstring(netformats.gexf_bytes(g))
    ns = {"g": "http://www.gexf.net/1.2draft", "viz": "http://www.gexf.net/1.2draft/viz"}
    nodes = root.findall(".//g:node", ns)
    assert len(nodes) == len(g.nodes)
    places = set()
    for node in nodes:
        color = node.find("viz:color", ns)
        pos = node.find("viz:position", ns)
        assert color is not None and pos is not None
        rgb = "#{:02x}{:02x}{:02x}".format(*(int(color.get(c)) for c in "rgb"))
        assert rgb == type_styles()[g.nodes[node.get("id")].type.value].color
        places.add((float(pos.get("x")), float(pos.get("y"))))
    assert len(places) == len(nodes)  # every node has its own position
    kinds = {}
    for edge in root.findall(".//g:edge", ns):
        relation = edge.get("label")
        kinds.setdefault(relation, set()).add(edge.get("type", "directed"))
    assert kinds["cooperatesWith"] == {"undirected"}
    assert all(k == {"directed"} for r, k in kinds.items() if r != "cooperatesWith")


def test_gexf_spells_date_statements_and_entities() -> None:
    """Gephi's timeline: a dated statement holds from its year on, an entity from the
    first year a dated document or statement gives it; what has no year, always."""
    from kg.graph import Edge, KnowledgeGraph, Node
    from kg.types import EntityType, Predicate, Source

    k = KnowledgeGraph(
        nodes={i: Node(i, i, EntityType.PLACE) for i in ("A", "B", "C")},
        edges=[
            Edge("A", Predicate.COOPERATES_WITH, "B", Source.TEXT, "d", "s", 0, 1, time="2019"),
            Edge("B", Predicate.COOPERATES_WITH, "C", Source.TEXT, "d", "s", 0, 1, time="2023-05"),
            Edge("A", Predicate.PART_OF, "C", Source.GAZETTEER, "d", None, None, None),
        ],
    )
    raw = netformats.gexf_bytes(k).replace(b' type="undirected"', b"")
    assert b'mode="dynamic" timeformat="date"' in raw
    h = nx.read_gexf(io.BytesIO(raw))

    def starts(d: dict) -> list[str] | None:  # a spell's start (it has no end)
        return [s[0] for s in d["spells"]] if "spells" in d else None

    spells = {(u, v): starts(d) for u, v, d in h.edges(data=True)}
    assert spells[("A", "B")] == ["2019-01-01"]
    assert spells[("B", "C")] == ["2023-01-01"]
    assert spells[("A", "C")] is None  # background knowledge: no year
    assert starts(h.nodes["A"]) == ["2019-01-01"]
    assert starts(h.nodes["B"]) == ["2019-01-01"]  # its first statement
    assert starts(h.nodes["C"]) == ["2023-01-01"]  # the gazetteer fact has no year
    assert b"<spell start" in raw and b'end="' not in raw

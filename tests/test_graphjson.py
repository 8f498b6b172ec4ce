"""graph.json: the knowledge graph as node-link JSON, written and read back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from html_fixtures import PROBES, QD, ZZ, sample_graph

from kg.errors import OutputError
from kg.export.graphjson import dumps, read_graph_json, write_graph_json


def test_round_trip_keeps_every_node_edge_and_document(tmp_path: Path) -> None:
    graph = sample_graph()
    back = read_graph_json(write_graph_json(graph, tmp_path / "graph.json"))
    assert back.nodes == graph.nodes
    assert back.edges == graph.edges
    assert back.documents == graph.documents
    assert back.nodes[ZZ].longitude == pytest.approx(113.6254)
    assert back.document(graph.documents[1].key).title == "《" + PROBES[0] + PROBES[1] + "》"


def test_output_is_deterministic_sorted_and_readable_utf8(tmp_path: Path) -> None:
    graph = sample_graph()
    a = write_graph_json(graph, tmp_path / "a.json").read_bytes()
    b = write_graph_json(read_graph_json(tmp_path / "a.json"), tmp_path / "b.json").read_bytes()
    assert a == b
    text = a.decode("utf-8")
    assert "郑州市" in text and "\\u90d1" not in text
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert list(data["nodes"][0]) == sorted(data["nodes"][0])


def test_networkx_reads_it_as_a_multidigraph() -> None:
    data = json.loads(dumps(sample_graph()))
    g = nx.node_link_graph(data, source="subject", target="object", edges="edges")
    assert isinstance(g, nx.MultiDiGraph)
    assert g.nodes[ZZ]["name"] == "郑州市"
    assert any(d["predicate"] == "cooperatesWith" for d in g.get_edge_data(ZZ, QD).values())
    assert g.number_of_edges() == len(sample_graph().edges)


def test_missing_file_says_to_build_first(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as info:
        read_graph_json(tmp_path / "graph.json")
    assert str(info.value) == f"{tmp_path / 'graph.json'}: not found (run `kg build` to write it)"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not valid JSON: line 1"),
        ("[]", "not a policy-kg graph.json: top level is not a JSON object"),
        ('{"graph": {"format": "other"}}', "not a policy-kg graph.json: format is 'other'"),
    ],
)
def test_malformed_file_is_an_output_error_naming_it(
    tmp_path: Path, text: str, reason: str
) -> None:
    p = tmp_path / "graph.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(OutputError) as info:
        read_graph_json(p)
    assert str(info.value).startswith(f"{p}: {reason}")


def test_unknown_entity_type_or_dangling_edge_is_refused(tmp_path: Path) -> None:
    data = json.loads(dumps(sample_graph()))
    data["nodes"][0]["type"] = "City"
    p = tmp_path / "graph.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(OutputError, match="'City' is not a valid EntityType"):
        read_graph_json(p)
    data = json.loads(dumps(sample_graph()))
    data["edges"][0]["object"] = "Place/999999"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(OutputError, match="unknown node 'Place/999999'"):
        read_graph_json(p)


def test_an_empty_graph_round_trips(tmp_path: Path) -> None:
    from kg.graph import KnowledgeGraph

    path = write_graph_json(KnowledgeGraph(), tmp_path / "graph.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["nodes"], data["edges"], data["graph"]["documents"]) == ([], [], [])
    back = read_graph_json(path)
    assert (back.nodes, back.edges, back.documents) == ({}, [], [])


def test_the_file_is_written_as_dumps_says_and_dumps_is_valid_json(tmp_path: Path) -> None:
    graph = sample_graph()
    text = write_graph_json(graph, tmp_path / "graph.json").read_text(encoding="utf-8")
    assert text == dumps(graph)
    data = json.loads(text)
    assert len(data["edges"]) == len(graph.edges) and len(data["nodes"]) == len(graph.nodes)
    # one node or edge per line: a diff of two builds shows the records that changed
    assert text.count("\n") >= len(graph.edges) + len(graph.nodes)


def test_a_sentence_of_several_relations_is_written_once(tmp_path: Path) -> None:
    """Each document's sentences are stored once (``sentences``: start, end, text); its
    edges refer to them by offsets and read back with their sentence."""
    from rdf_graphs import SIGN
    from rdf_graphs import sample_graph as rdf_sample

    graph = rdf_sample()
    said = [e for e in graph.edges if e.sentence == SIGN]
    assert len(said) >= 4
    path = write_graph_json(graph, tmp_path / "graph.json")
    text = path.read_text(encoding="utf-8")
    assert text.count(SIGN) == 1
    data = json.loads(text)
    [doc] = [d for d in data["graph"]["documents"] if d["key"] == said[0].document]
    assert [said[0].start, said[0].end, SIGN] in doc["sentences"]
    assert not any("sentence" in e for e in data["edges"])
    assert read_graph_json(path).edges == graph.edges

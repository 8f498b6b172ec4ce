"""pyvis: the graph as a pyvis Network, and networkx graphs that pyvis can read."""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from html_fixtures import PROBE_IDS, PROBES, QD, SIGNED, ZZ, sample_graph
from pyvis.network import Network

import kg
from kg.export.html import relation_styles, type_styles


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.scripts += tag == "script"


@pytest.fixture(scope="module")
def g() -> kg.Graph:
    return kg.Graph(sample_graph())


def test_graph_pyvis_is_a_network_with_types_as_colours_and_shapes(g: kg.Graph) -> None:
    net = g.pyvis()
    assert isinstance(net, Network)
    nodes = {n["id"]: n for n in net.nodes}
    assert set(nodes) == {n.id for n in g.entities}
    for n in g.entities:
        style = type_styles()[n.type.value]
        assert nodes[n.id]["shape"] == style.shape
        assert nodes[n.id]["color"]["background"] == style.color
        assert nodes[n.id]["label"] == n.name


def test_graph_pyvis_edges_carry_escaped_evidence_and_direction(g: kg.Graph) -> None:
    net = g.pyvis()
    edges = {(e["from"], e["predicate"], e["to"]): e for e in net.edges}
    coop = edges.get((ZZ, "cooperatesWith", QD)) or edges[(QD, "cooperatesWith", ZZ)]
    assert SIGNED[:40] in coop["title"]
    assert coop["color"] == relation_styles()["cooperatesWith"].color
    assert coop["arrows"] == {"to": {"enabled": False}}  # symmetric: no arrow
    assert edges[(ZZ, "signed", PROBE_IDS[0])]["arrows"] == "to"
    titles = [n["title"] for n in net.nodes] + [e["title"] for e in net.edges]
    for probe in PROBES:
        assert not any(probe in t for t in titles), "a raw probe reached a title"
        assert any(html.escape(probe, quote=False) in t for t in titles)


def test_graph_pyvis_focus_and_network_options(g: kg.Graph) -> None:
    net = g.pyvis(focus="青岛", depth=1, height="500px", heading="青岛市")
    assert {n["id"] for n in net.nodes} == {QD, ZZ}
    assert net.height == "500px" and net.heading == "青岛市"


def test_pyvis_page_is_one_offline_file(g: kg.Graph, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    net = g.pyvis(heading="<b>" + PROBES[1])
    net.write_html("graph.html")
    assert sorted(os.listdir(tmp_path)) == ["graph.html"]  # no lib/ folder
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page, re.I)
    assert "Content-Security-Policy" in page and "connect-src 'none'" in page
    assert "new vis.Network" in page
    tags = Tags()
    tags.feed(page)
    assert tags.scripts == 2  # vis-network and the drawing, both inline
    for probe in PROBES:
        assert probe not in page
    assert "&lt;b&gt;" in page


def test_network_from_nx_reads_the_networkx_graph(g: kg.Graph) -> None:
    G = g.networkx()
    net = Network(directed=True)
    net.from_nx(G)  # no edge attribute collides with add_edge's arguments
    assert len(net.nodes) == G.number_of_nodes()
    assert len(net.edges) == G.number_of_edges()
    edge = next(e for e in net.edges if {e["from"], e["to"]} == {ZZ, QD})
    assert edge["predicate"] == "cooperatesWith" and edge["source_kind"] == "text"


def test_networkx_and_entities_name_documents_by_file_name(g: kg.Graph) -> None:
    G = g.networkx()
    names = {d.name for d in g.documents}
    assert set(G.nodes[ZZ]["documents"]) == names  # 郑州市 is in both documents
    assert {d["document"] for _, _, d in G.edges(data=True)} <= names
    zz = g.entity("郑州市")
    assert zz.documents == ["000_ab73ab1b96b1d70f.txt", "probe.txt"]
    assert {e.document for e in g.relations_of("郑州市")} <= names
    # the graph itself still keys documents by content
    assert g.graph.nodes[ZZ].documents != zz.documents

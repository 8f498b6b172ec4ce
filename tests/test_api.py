"""The Python API (kg.build, kg.load, kg.Graph) and the README's example that uses it."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset

import kg
from kg.errors import KGError, UnknownNameError
from kg.export.report import render
from tests.conftest import ROOT
from tests.handmade import AGR, EDM, KF, ZZ, graph

README = ROOT / "README.md"


@pytest.fixture()
def g() -> kg.Graph:
    return kg.Graph(graph(), skipped=[("input/empty.txt", "empty file")], read=3)


def test_entity_lookup_by_name_alias_and_type(g) -> None:
    zz = g.entity("郑州市")
    assert (zz.id, zz.code, zz.type) == (ZZ, "410100", "Place")
    assert g.entity("郑", type="Place").id == ZZ  # an alias
    assert [n.id for n in g.find("建立友好城市关系意向书")] == [AGR]
    with pytest.raises(UnknownNameError, match="close matches: .*郑州市"):
        g.entity("郑州")
    with pytest.raises(KGError, match="no entity"):
        g.entity("郑州市", type="Agency")


def test_entities_relations_and_skipped(g) -> None:
    assert [n.id for n in g.entities] == sorted(graph().nodes)
    assert len(g.relations) == len(graph().edges)
    assert g.skipped == [("input/empty.txt", "empty file")]
    assert {e.object for e in g.relations_of("郑州市", "cooperatesWith")} == {EDM, KF}
    assert repr(g) == "<kg.Graph: 3 documents, 7 entities, 7 relations, 1 skipped>"


def test_networkx_and_rdf_conversions(g) -> None:
    G = g.networkx()
    assert isinstance(G, nx.MultiDiGraph)
    assert G.number_of_edges(ZZ, KF) == 2
    ds = g.rdf()
    assert isinstance(ds, Dataset)
    assert len(list(ds.graphs())) > 3  # one named graph per document, and more


def test_query_saved_and_raw_sparql(g) -> None:
    rows = g.query("cooperation-partners", party="郑州市")
    assert {r["partnerName"] for r in rows} == {"埃德蒙顿市", "开封市"}
    assert len(rows) == 2  # each partner once, however many documents state the tie
    kaifeng = next(r for r in rows if r["partnerName"] == "开封市")
    assert (kaifeng["documents"], kaifeng["document"]) == (2, "017.txt")  # 017 and 030
    between = g.query("statements-between", a="郑州市", b="开封市")
    assert {r["document"] for r in between} == {"017.txt", "030.txt"}
    count = g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s kgo:cooperatesWith ?o }")
    assert count == [{"n": 2}]  # an integer; each statement once, though 017 and 030 both state one
    code = g.query('SELECT ?c WHERE { ?p rdfs:label "开封市"@zh ; kgo:divisionCode ?c }')
    assert code == [{"c": "410200"}]
    assert g.query("ASK { ?s kgo:signed ?o }") is True
    with pytest.raises(KGError, match="keyword parameters are for saved queries"):
        g.query("SELECT * WHERE { ?s ?p ?o }", party="郑州市")
    with pytest.raises(KGError, match="syntax"):
        g.query("SELECT WHERE")


def test_saved_queries_are_listed_with_descriptions() -> None:
    saved = kg.saved_queries()
    assert "cooperation-partners" in saved
    assert all(desc and not desc.startswith("#") for desc in saved.values())


def test_write_then_load_gives_the_same_graph_and_report(g, tmp_path: Path) -> None:
    paths = g.write(tmp_path / "out")
    names = {p.name for p in paths}
    assert {"graph.json", "build.json", "graph.graphml", "graph.gexf", "report.md"} <= names
    again = kg.load(tmp_path / "out")
    assert again.graph == g.graph
    assert again.skipped == g.skipped and again.read == 3
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert report == render(g.graph, g._info()) == again.report()
    assert "documents skipped: 1" in report


def test_to_html_and_export(g, tmp_path: Path) -> None:
    page = g.to_html(tmp_path / "ego.html", focus="郑州市", depth=1)
    assert page.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    (gexf,) = g.export("gexf", tmp_path / "g.gexf")
    assert b"<node " in gexf.read_bytes() and gexf.read_bytes().count(b"<node ") == 7
    assert sorted(p.name for p in g.export("csv", tmp_path / "tables")) == [
        "edges.csv",
        "nodes.csv",
    ]


def readme_examples() -> str:
    """The ```pycon blocks of the README's "For researchers" section."""
    text = README.read_text(encoding="utf-8")
    m = re.search(r"^## For researchers\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, "README has no '## For researchers' section"
    blocks = re.findall(r"^```pycon\n(.*?)^```", m.group(1), re.S | re.M)
    assert blocks, "the section has no ```pycon example"
    return "\n".join(blocks)


def test_readme_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the example reads data/docs relative to the repository
    source = readme_examples()
    test = doctest.DocTestParser().get_doctest(source, {}, "README.md", str(README), 0)
    assert len(test.examples) >= 6
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=print)
    assert runner.summarize(verbose=False).failed == 0

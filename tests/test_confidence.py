"""Confidence on every entity and relation, through every output, and --min-confidence.

Exact checks run on small graphs built by hand; on the sample corpus, whose
extraction changes as the models do, only properties are checked (every
confidence in [0, 1]; filtering by X removes exactly what holds less than X).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import RDF, XSD

import kg
from kg.builder import build
from kg.errors import KGError
from kg.export import netformats
from kg.export.graphjson import dumps as graph_json
from kg.export.graphjson import read_graph_json, write_graph_json
from kg.export.html import page_data
from kg.export.jsonl import extraction_to_dict
from kg.export.outputs import write_outputs
from kg.export.rdf import write_rdf
from kg.export.report import render
from kg.graph import (
    KnowledgeGraph,
    build_graph,
    filter_confidence,
    merge,
    round_confidence,
    summarize,
)
from kg.types import (
    Document,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    Predicate,
    Relation,
    Source,
    Span,
)
from kg.vocab import KGO
from tests.conftest import DOCS, run_kg

# ---------------------------------------------------------------------------
# A small corpus built by hand: three documents, confidences chosen for the checks

ZZ, KF, LY, HN = "Place/410100", "Place/410200", "Place/410300", "Place/410000"
AGR = "Agreement/郑开同城化合作协议"
EVENT = "Event/郑洛合作座谈会"

T1 = "郑州市与开封市签署了《郑开同城化合作协议》。"
T2 = "郑州市与洛阳市召开郑洛合作座谈会。"
T3 = "郑州市、开封市深化合作。"


def _doc(name: str, text: str) -> Document:
    return Document(path=f"/in/{name}", text=text, norm=text, name=name)


def _ev(doc: Document) -> Evidence:
    return Evidence(doc.path, doc.text, Span(0, len(doc.text)))


def _place(code: str, name: str, conf: float) -> Entity:
    return Entity(f"Place/{code}", name, EntityType.PLACE, (name,), code, confidence=conf)


def extractions() -> list[Extraction]:
    d1, d2, d3 = _doc("a.txt", T1), _doc("b.txt", T2), _doc("c.txt", T3)
    hn = _place("410000", "河南省", 0.2)
    ex1 = Extraction(
        d1,
        (
            _place("410100", "郑州市", 0.97),
            _place("410200", "开封市", 0.61),
            Entity(AGR, "郑开同城化合作协议", EntityType.AGREEMENT, confidence=0.88),
            hn,
        ),
        (
            Relation(ZZ, Predicate.SIGNED, AGR, Source.TEXT, _ev(d1), "scorer", 0.91),
            Relation(KF, Predicate.SIGNED, AGR, Source.TEXT, _ev(d1), "scorer", 0.45),
            Relation(ZZ, Predicate.COOPERATES_WITH, KF, Source.TEXT, _ev(d1), "scorer", 0.7),
            Relation(ZZ, Predicate.LOCATED_IN, HN, Source.GAZETTEER, None, "gazetteer"),
            Relation(KF, Predicate.LOCATED_IN, HN, Source.GAZETTEER, None, "gazetteer"),
        ),
    )
    ex2 = Extraction(
        d2,
        (
            _place("410100", "郑州市", 0.99),
            _place("410300", "洛阳市", 0.3),
            Entity(EVENT, "郑洛合作座谈会", EntityType.EVENT, confidence=0.123456),
        ),
        (
            Relation(ZZ, Predicate.PARTICIPATES_IN, EVENT, Source.TEXT, _ev(d2), "scorer", 0.52),
            Relation(LY, Predicate.PARTICIPATES_IN, EVENT, Source.TEXT, _ev(d2), "scorer", 0.33),
            Relation(LY, Predicate.LOCATED_IN, HN, Source.GAZETTEER, None, "gazetteer"),
        ),
    )
    ex3 = Extraction(
        d3,
        (_place("410100", "郑州市", 0.9), _place("410200", "开封市", 0.95)),
        (Relation(ZZ, Predicate.COOPERATES_WITH, KF, Source.TEXT, _ev(d3), "scorer", 0.58),),
    )
    return [ex1, ex2, ex3]


@pytest.fixture()
def g() -> KnowledgeGraph:
    return build_graph(extractions())


def _text_confidences(graph: KnowledgeGraph) -> list[tuple[str, str, str, str, float]]:
    names = {d.key: d.name for d in graph.documents}
    return sorted(
        (names[e.document], e.subject, e.predicate.value, e.object, e.confidence)
        for e in graph.edges
        if e.source is Source.TEXT
    )


# ---------------------------------------------------------------------------
# kg extract --format json


def test_every_entity_and_relation_of_the_json_has_its_confidence_last() -> None:
    obj = extraction_to_dict(extractions()[1])
    assert [e["confidence"] for e in obj["entities"]] == [0.99, 0.3, 0.1235]  # 4 decimals
    assert [r["confidence"] for r in obj["relations"]] == [0.52, 0.33, 1.0]
    for item in obj["entities"] + obj["relations"]:
        assert list(item)[-1] == "confidence"


def test_kg_extract_gives_confidences_in_0_1_on_the_sample(sample_docs: list[Path]) -> None:
    res = run_kg("extract", "--format", "json", *map(str, sample_docs[:6]))
    assert res.returncode == 0, res.stderr
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(lines) == 6
    items = [x for obj in lines for x in obj["entities"] + obj["relations"]]
    assert items and all(isinstance(x["confidence"], float) for x in items)
    assert all(0 <= x["confidence"] <= 1 for x in items)
    assert all(x["confidence"] == round(x["confidence"], 4) for x in items)
    gazetteer = [r for obj in lines for r in obj["relations"] if r["source"] == "gazetteer"]
    assert all(r["confidence"] == 1.0 for r in gazetteer)
    again = run_kg("extract", "--format", "json", *map(str, sample_docs[:6]))
    assert again.stdout == res.stdout


# ---------------------------------------------------------------------------
# The merged graph


def test_an_entity_holds_its_highest_confidence_and_an_edge_its_own(g: KnowledgeGraph) -> None:
    assert g.nodes[ZZ].confidence == 0.99
    assert g.nodes[KF].confidence == 0.95
    assert g.nodes[EVENT].confidence == 0.1235  # rounded as every output shows it
    assert _text_confidences(g) == sorted(
        [
            ("a.txt", KF, "signed", AGR, 0.45),
            ("a.txt", ZZ, "cooperatesWith", KF, 0.7),
            ("a.txt", ZZ, "signed", AGR, 0.91),
            ("b.txt", LY, "participatesIn", EVENT, 0.33),
            ("b.txt", ZZ, "participatesIn", EVENT, 0.52),
            ("c.txt", ZZ, "cooperatesWith", KF, 0.58),
        ]
    )
    assert all(e.confidence == 1.0 for e in g.edges if e.source is Source.GAZETTEER)


def test_confidences_do_not_depend_on_the_order_of_documents() -> None:
    exs = extractions()
    first = graph_json(build_graph(exs))
    for order in itertools.permutations(exs):
        assert graph_json(build_graph(list(order))) == first


def test_a_relation_stated_twice_with_the_same_evidence_is_one_edge_at_its_best() -> None:
    ex = extractions()[2]
    r = ex.relations[0]
    twice = replace(ex, relations=(replace(r, confidence=0.2), r, replace(r, confidence=0.4)))
    [edge] = build_graph([twice]).edges
    assert edge.confidence == 0.58


def test_summaries_carry_the_confidences() -> None:
    ex = extractions()[1]
    s = summarize(ex)
    assert [row[-1] for row in s[5]] == [0.99, 0.3, 0.1235]
    # an edge row's confidence comes before its stated time and modality
    assert sorted(row[9] for row in s[6]) == [0.33, 0.52, 1.0]
    assert merge([s]).nodes[LY].confidence == 0.3


def test_round_confidence_keeps_four_decimals() -> None:
    assert round_confidence(0.98765) == 0.9877
    assert round_confidence(1) == 1.0 and isinstance(round_confidence(1), float)


def test_an_entry_of_the_previous_cache_format_is_never_read(tmp_path: Path) -> None:
    from kg import cache

    data = cache.pack(extractions()[0])
    assert cache.split(data)[0] == summarize(extractions()[0])
    old = b"KGE5" + data[4:]  # the same bytes under the previous format's mark
    with pytest.raises(ValueError, match="another format"):
        cache.split(old)
    store = cache.ExtractionCache(tmp_path)
    store.put_many([("k", old)])
    assert store.get("k") is None and store.stats.corrupt == 1
    store.close()


# ---------------------------------------------------------------------------
# Filtering: the rule


def test_filtering_keeps_what_holds_at_the_minimum(g: KnowledgeGraph) -> None:
    kept = filter_confidence(g, 0.6)
    # relations stated in a text: only those of 0.6 or more
    assert _text_confidences(kept) == sorted(
        [("a.txt", ZZ, "cooperatesWith", KF, 0.7), ("a.txt", ZZ, "signed", AGR, 0.91)]
    )
    # entities: their own confidence of 0.6 or more (开封市 0.95, the agreement 0.88),
    # or an end of a kept relation; 洛阳市 (0.3), 河南省 (0.2) and the event (0.12) go
    assert sorted(kept.nodes) == sorted([AGR, ZZ, KF])
    # gazetteer facts go with their entities: 河南省 is not kept, nor are facts about it
    assert [e for e in kept.edges if e.source is Source.GAZETTEER] == []
    # every document stays
    assert [d.name for d in kept.documents] == ["a.txt", "b.txt", "c.txt"]


def test_an_entity_below_the_minimum_stays_for_a_kept_relation(g: KnowledgeGraph) -> None:
    kept = filter_confidence(g, 0.5)
    # the event (0.12) takes part in 郑州市 participatesIn (0.52): kept
    assert EVENT in kept.nodes and LY not in kept.nodes
    # 河南省 (0.2) has only gazetteer facts: left out, and the facts with it
    assert HN not in kept.nodes
    assert all(e.source is Source.TEXT for e in kept.edges)


def test_a_gazetteer_fact_between_kept_entities_stays() -> None:
    exs = extractions()
    hn = next(e for e in exs[0].entities if e.id == HN)
    sure = replace(exs[0], entities=(*exs[0].entities[:3], replace(hn, confidence=0.8)))
    kept = filter_confidence(build_graph([sure, *exs[1:]]), 0.6)
    facts = [(e.subject, e.object) for e in kept.edges if e.source is Source.GAZETTEER]
    assert sorted(facts) == sorted([(KF, HN), (ZZ, HN)])  # 洛阳市 (0.3) is not kept: nor its fact


@pytest.mark.parametrize("minimum", [0.0, 0.33, 0.52, 0.91, 1.0])
def test_filtering_removes_exactly_the_relations_below_the_minimum(
    g: KnowledgeGraph, minimum: float
) -> None:
    kept = filter_confidence(g, minimum)
    text = [e for e in g.edges if e.source is Source.TEXT]
    assert [e for e in kept.edges if e.source is Source.TEXT] == [
        e for e in text if e.confidence >= minimum
    ]
    if minimum == 0.0:
        assert kept is g


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "x", None, True])
def test_a_minimum_outside_0_1_is_an_error(bad: object) -> None:
    with pytest.raises(KGError, match="min_confidence must be a number from 0 to 1"):
        build([str(DOCS / "000_ab73ab1b96b1d70f.txt")], min_confidence=bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# The exports


def test_graph_json_keeps_confidences_and_reads_them_back(
    g: KnowledgeGraph, tmp_path: Path
) -> None:
    path = write_graph_json(g, tmp_path / "graph.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["graph"]["version"] == 4
    assert {n["id"]: n["confidence"] for n in data["nodes"]}[ZZ] == 0.99
    assert sorted(e["confidence"] for e in data["edges"]) == sorted(e.confidence for e in g.edges)
    back = read_graph_json(path)
    assert back.nodes == g.nodes and back.edges == g.edges


def test_a_graph_json_of_the_previous_version_asks_for_a_rebuild(
    g: KnowledgeGraph, tmp_path: Path
) -> None:
    from kg.errors import OutputError

    path = write_graph_json(g, tmp_path / "graph.json")
    # version 3 kept each edge's sentence on the edge, not once in its document
    path.write_text(path.read_text(encoding="utf-8").replace('"version": 4', '"version": 3'))
    with pytest.raises(OutputError, match=r"version 3 is not supported .*kg build"):
        read_graph_json(path)


def test_networkx_graph_carries_confidences(g: KnowledgeGraph) -> None:
    h = g.networkx()
    assert h.nodes[EVENT]["confidence"] == 0.1235
    assert sorted(c for _, _, c in h.edges(data="confidence")) == sorted(
        e.confidence for e in g.edges
    )


def test_the_api_exposes_confidences(g: KnowledgeGraph) -> None:
    api = kg.Graph(g)
    assert {n.id: n.confidence for n in api.entities}[LY] == 0.3
    assert sorted(r.confidence for r in api.relations if r.source is Source.TEXT) == [
        0.33,
        0.45,
        0.52,
        0.58,
        0.7,
        0.91,
    ]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_carry_a_confidence_on_nodes_and_edges(
    g: KnowledgeGraph, fmt: str
) -> None:
    from tests.test_netformats import READERS

    write, read = READERS[fmt]
    h = read(io.BytesIO(write(g)))
    assert {n: d["confidence"] for n, d in h.nodes(data=True)} == {
        i: n.confidence for i, n in g.nodes.items()
    }
    assert sorted(d["confidence"] for _, _, d in h.edges(data=True)) == sorted(
        e.confidence for e in g.edges
    )
    assert isinstance(next(iter(h.nodes(data="confidence")))[1], float)


def test_csv_files_have_a_confidence_column(g: KnowledgeGraph, tmp_path: Path) -> None:
    netformats.write_csv(g, tmp_path)
    nodes = list(csv.DictReader(io.StringIO((tmp_path / "nodes.csv").read_text("utf-8-sig"))))
    edges = list(csv.DictReader(io.StringIO((tmp_path / "edges.csv").read_text("utf-8-sig"))))
    assert list(nodes[0])[-1] == "confidence" and list(edges[0])[-1] == "confidence"
    assert {r["id"]: float(r["confidence"]) for r in nodes}[EVENT] == 0.1235
    assert sorted(float(r["confidence"]) for r in edges) == sorted(e.confidence for e in g.edges)


def _rdf(path: Path) -> Graph:
    """Every statement of an RDF file, named graphs merged."""
    fmt = {".ttl": "turtle", ".jsonld": "json-ld", ".trig": "trig", ".nq": "nquads"}[path.suffix]
    if fmt in ("trig", "nquads"):
        ds = Dataset()
        ds.parse(path, format=fmt)
        merged = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    return Graph().parse(path, format=fmt)


@pytest.mark.parametrize("name", ["graph.ttl", "graph.trig", "graph.jsonld", "graph.nq"])
def test_rdf_evidence_holds_one_decimal_confidence_in_every_format(
    g: KnowledgeGraph, tmp_path: Path, name: str
) -> None:
    write_rdf(g, tmp_path)
    rdf = _rdf(tmp_path / name)
    found = []
    evidence = set(rdf.subjects(RDF.type, KGO.Evidence))
    for ev in evidence:
        [conf] = list(rdf.objects(ev, KGO.confidence))
        assert isinstance(conf, Literal) and conf.datatype == XSD.decimal
        found.append(conf)
    assert sorted(float(c) for c in found) == sorted(
        e.confidence for e in g.edges if e.source is Source.TEXT
    )
    assert all(len(str(c).split(".")[1]) == 4 for c in found)  # a fixed form: 4 decimals
    # entities carry theirs too (the highest of their mentions')
    zz = next(s for s in rdf.subjects(KGO.confidence, None) if str(s).endswith("place/410100"))
    assert str(rdf.value(zz, KGO.confidence)) == "0.9900"
    assert len(set(rdf.subjects(KGO.confidence, None))) == len(evidence) + len(g.nodes)


def test_rdf_confidence_is_written_with_four_decimals(g: KnowledgeGraph, tmp_path: Path) -> None:
    write_rdf(g, tmp_path)
    nq = (tmp_path / "graph.nq").read_text(encoding="utf-8")
    assert (
        '<https://w3id.org/policykg/ontology#confidence> "0.4500"^^<http://www.w3.org/2001/XMLSchema#decimal>'
        in nq
    )
    assert "kgo:confidence 0.4500" in (tmp_path / "graph.trig").read_text(encoding="utf-8")


def test_the_page_data_carries_confidences(g: KnowledgeGraph) -> None:
    data = page_data(g)
    assert {n["id"]: n["kgConfidence"] for n in data["nodes"]}[EVENT] == 0.1235
    coop = next(e for e in data["edges"] if e["kgPredicate"] == "cooperatesWith")
    # one line for the relation stated in two documents: the best of its statements
    assert coop["kgConfidence"] == 0.7
    assert sorted(ev[3] for ev in coop["kgEvidence"]) == [0.58, 0.7]


def test_the_report_bins_the_confidences_of_each_relation(g: KnowledgeGraph) -> None:
    text = render(g, None)
    assert "| relation | < 0.5 | 0.5–0.8 | ≥ 0.8 |" in text
    assert "| cooperatesWith | 0 | 2 | 0 |" in text
    assert "| participatesIn | 1 | 1 | 0 |" in text
    assert "| signed | 1 | 0 | 1 |" in text
    assert "| locatedIn |" not in text.split("## Confidence")[1].split("##")[0]  # gazetteer only


# ---------------------------------------------------------------------------
# kg build --min-confidence on the sample corpus


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def unfiltered() -> KnowledgeGraph:
    return build([str(DOCS)], jobs=1).graph


def test_min_confidence_removes_exactly_the_relations_below_it(
    unfiltered: KnowledgeGraph, tmp_path: Path
) -> None:
    x = 0.7
    every = [e for e in unfiltered.edges if e.source is Source.TEXT]
    assert all(0 <= e.confidence <= 1 for e in unfiltered.edges)
    assert all(0 <= n.confidence <= 1 for n in unfiltered.nodes.values())
    assert any(e.confidence < x for e in every) and any(e.confidence >= x for e in every)
    result = build([str(DOCS)], jobs=1, min_confidence=x, cache_dir=tmp_path / "cache")
    kept = result.graph
    assert [e for e in kept.edges if e.source is Source.TEXT] == [
        e for e in every if e.confidence >= x
    ]
    ends = {i for e in kept.edges if e.source is Source.TEXT for i in (e.subject, e.object)}
    assert set(kept.nodes) == {
        i for i, n in unfiltered.nodes.items() if n.confidence >= x or i in ends
    }
    assert [e for e in kept.edges if e.source is Source.GAZETTEER] == [
        e
        for e in unfiltered.edges
        if e.source is Source.GAZETTEER and e.subject in kept.nodes and e.object in kept.nodes
    ]
    assert kept.documents == unfiltered.documents
    # extractions.jsonl follows; the extraction cache keeps every relation
    write_outputs(result, tmp_path / "out")
    lines = [
        json.loads(line)
        for line in (tmp_path / "out" / "extractions.jsonl").read_text("utf-8").splitlines()
    ]
    assert all(
        r["confidence"] >= x for obj in lines for r in obj["relations"] if r["source"] == "text"
    )
    assert {e["id"] for obj in lines for e in obj["entities"]} == set(kept.nodes)
    again = build([str(DOCS)], jobs=1, cache_dir=tmp_path / "cache")
    assert again.cache is not None and again.cache.hits == len(again.extractions)
    assert again.graph.edges == unfiltered.edges


def test_min_confidence_outputs_are_the_same_bytes_fresh_rebuilt_and_in_parallel(
    tmp_path: Path,
) -> None:
    fresh, parallel, kept = tmp_path / "fresh", tmp_path / "parallel", tmp_path / "kept"
    args = ("--quiet", "--min-confidence", "0.7")
    for out, jobs in ((fresh, "1"), (parallel, "2")):
        res = run_kg("build", str(DOCS), "--out", str(out), "--no-cache", "--jobs", jobs, *args)
        assert res.returncode == 0, res.stderr
    expected = _files(fresh)
    assert _files(parallel) == expected
    # a build at another minimum first: its kept parts must not leak into the next
    assert run_kg("build", str(DOCS), "--out", str(kept), "--quiet").returncode == 0
    unfiltered = _files(kept)
    for _ in range(2):  # a rebuild, then a rebuild of it
        res = run_kg("build", str(DOCS), "--out", str(kept), *args)
        assert res.returncode == 0, res.stderr
        again = _files(kept)
        assert again.keys() == expected.keys()
        for name, data in expected.items():
            assert again[name] == data, f"{name} differs"
    assert unfiltered["graph.trig"] != again["graph.trig"]
    info = json.loads((fresh / "build.json").read_text(encoding="utf-8"))
    assert info["min_confidence"] == 0.7
    report = (fresh / "report.md").read_text(encoding="utf-8")
    assert "- minimum confidence: 0.7" in report
    # kg report and the API regenerate the same report from graph.json and build.json
    assert run_kg("report", str(fresh)).returncode == 0
    assert (fresh / "report.md").read_text(encoding="utf-8") == report
    loaded = kg.load(fresh)
    assert loaded.min_confidence == 0.7 and loaded.report() == report


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "abc"])
def test_a_minimum_outside_0_1_is_a_usage_error(value: str, tmp_path: Path) -> None:
    res = run_kg("build", str(DOCS), "--out", str(tmp_path / "o"), "--min-confidence", value)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines()[-1] == (
        f"Error: Invalid value for '--min-confidence': must be a number from 0 to 1, not '{value}'"
    )
    assert not (tmp_path / "o").exists()


def test_the_networkx_graph_of_a_filtered_build_is_the_filtered_graph(
    unfiltered: KnowledgeGraph,
) -> None:
    x = 0.9
    api = kg.build(str(DOCS), jobs=1, min_confidence=x)
    h = api.networkx()
    assert isinstance(h, nx.MultiDiGraph)
    text = [d for _, _, d in h.edges(data=True) if d["source_kind"] == "text"]
    assert text and all(d["confidence"] >= x for d in text)
    assert len(text) == sum(e.source is Source.TEXT and e.confidence >= x for e in unfiltered.edges)
    assert all(r.confidence >= x for r in api.relations if r.source is Source.TEXT)


def test_kg_viz_draws_the_confidences_of_graph_json(g: KnowledgeGraph, tmp_path: Path) -> None:
    write_graph_json(g, tmp_path / "graph.json")
    res = run_kg("viz", str(tmp_path))
    assert res.returncode == 0, res.stderr
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1))
    assert {n["id"]: n["kgConfidence"] for n in data["nodes"]} == {
        i: n.confidence for i, n in g.nodes.items()
    }
    assert sorted(ev[3] for e in data["edges"] for ev in e["kgEvidence"]) == sorted(
        e.confidence for e in g.edges
    )
    assert 'id="kg-confidence"' in page  # the slider


def test_shards_carry_the_evidence_confidences(g: KnowledgeGraph, tmp_path: Path) -> None:
    from kg.export.shards import write_shards

    paths = write_shards(g, tmp_path / "shards", 2)
    text = "".join(p.read_text(encoding="utf-8") for p in paths if p.suffix == ".nq")
    assert text.count("ontology#confidence>") == len(g.nodes) + sum(
        e.source is Source.TEXT for e in g.edges
    )


def test_a_step_after_the_tagger_gives_its_names_the_confidence_fitted_for_it() -> None:
    from kg.models import Models
    from kg.pipeline import CONVENTION_RULES, mentions
    from kg.text.normalize import normalize
    from kg.types import Document

    t = "会议提出,深入推进东北振兴,加快苏北发展。"
    doc = Document(path="x.txt", text=t, norm=normalize(t))
    fitted = {"macro-region/Region": 0.8123}
    got = {m.surface: m.confidence for m in mentions(doc, Models(rule_confidence=fitted))}
    assert got["东北"] == 0.8123
    assert got["苏北"] == 0.5  # no fitted figure for the province-part step: the default
    assert {"macro-region", "province-part", "name-list"} <= CONVENTION_RULES


def test_kg_train_fits_a_confidence_for_the_steps_after_the_tagger() -> None:
    from kg.models import SHIPPED

    conf = json.loads((SHIPPED / "tagger.json").read_text(encoding="utf-8"))["rule_confidence"]
    steps = {k: v for k, v in conf.items() if k.split("/")[0] in {"macro-region", "venue"}}
    assert steps and all(0 < v < 1 for v in steps.values())

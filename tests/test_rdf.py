"""RDF export: IRIs, labels, places, documents, evidence, named graphs, formats, determinism."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdf_graphs import AGREEMENTS, SIGN, sample_graph
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.export.rdf import (
    CORRECTIONS_GRAPH,
    ENTITIES_GRAPH,
    GAZETTEER_GRAPH,
    INDICATORS_GRAPH,
    RDF_FILES,
    document_iri,
    entity_iri,
    iri_segment,
    merged_graph,
    to_dataset,
    write_rdf,
)
from kg.vocab import GEO, ID_NS, KGO

ROOT = Path(__file__).resolve().parent.parent
ZZ_IRI = URIRef(ID_NS + "place/410100")


@pytest.fixture(scope="module")
def kg():
    return sample_graph()


@pytest.fixture(scope="module")
def ds(kg) -> Dataset:
    return to_dataset(kg)


@pytest.fixture(scope="module")
def written(kg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rdf")
    write_rdf(kg, out)
    return out


# --- IRIs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node_id", "code", "expected"),
    [
        ("Place/410100", "410100", "place/410100"),
        ("Place/埃德蒙顿市", None, "place/埃德蒙顿市"),
        ("Agency/郑州市发展和改革委员会", None, "agency/郑州市发展和改革委员会"),
        ("Zone/中国(河南)自由贸易试验区", None, "zone/中国%28河南%29自由贸易试验区"),
        ("Agreement/黄河流域“9+1”城市陆海联动", None, "agreement/黄河流域“9%2B1”城市陆海联动"),
        ("Company/Foxconn Tech", None, "company/Foxconn%20Tech"),
        ("Organization/a/b%c", None, "organization/a%2Fb%25c"),
        ('Event/<x>"{y}\n', None, "event/%3Cx%3E%22%7By%7D%0A"),
    ],
)
def test_entity_iris_are_readable_and_valid(node_id, code, expected):
    iri = entity_iri(node_id, code)
    assert str(iri) == ID_NS + expected
    ox.NamedNode(str(iri))  # raises on an invalid IRI


def test_long_names_are_cut_and_stay_unique():
    a = iri_segment("黄河流域" * 40 + "甲")
    b = iri_segment("黄河流域" * 40 + "乙")
    assert a != b
    assert len(a) <= 96
    assert a.startswith("黄河流域")


def test_place_without_valid_code_keeps_its_name_key():
    assert str(entity_iri("Place/兰考县", "41022")) == ID_NS + "place/兰考县"


# --- entities ---------------------------------------------------------------


def test_place_has_label_aliases_pinyin_code_and_geometry(ds):
    labels = set(ds.objects(ZZ_IRI, RDFS.label))
    assert Literal("郑州市", lang="zh") in labels
    pinyin = [lit for lit in labels if lit.language and lit.language.lower() == "zh-latn-pinyin"]
    assert [str(p) for p in pinyin] == ["zhèng zhōu shì"]
    assert set(ds.objects(ZZ_IRI, SKOS.altLabel)) == {Literal("郑州", lang="zh")}
    assert list(ds.objects(ZZ_IRI, KGO.divisionCode)) == [Literal("410100")]
    types = set(ds.objects(ZZ_IRI, RDF.type))
    assert {KGO.Place, KGO.AdministrativeDivision, KGO.City} <= types
    geom = ds.value(ZZ_IRI, GEO.hasGeometry)
    assert ds.value(geom, GEO.asWKT) == Literal(
        "POINT(113.625368 34.7466)", datatype=GEO.wktLiteral
    )


@pytest.mark.parametrize(
    ("iri", "cls"),
    [
        ("place/410000", KGO.Province),
        ("place/350982", KGO.County),
        ("place/管阳镇", KGO.Township),
        ("place/加拿大", KGO.ForeignPlace),
        ("place/埃德蒙顿市", KGO.ForeignPlace),  # located in 加拿大, per the text
    ],
)
def test_place_kinds(ds, iri, cls):
    assert (URIRef(ID_NS + iri), RDF.type, cls) in ds


def test_entity_descriptions_live_in_the_entities_graph(ds):
    g = ds.graph(ENTITIES_GRAPH)
    assert (ZZ_IRI, RDFS.label, Literal("郑州市", lang="zh")) in g
    assert len(ds.graph(DATASET_DEFAULT_GRAPH_ID)) == 0  # everything is in a named graph


# --- documents and evidence -------------------------------------------------


def _doc_iri(kg, name: str) -> URIRef:
    return document_iri(next(d.key for d in kg.documents if d.name == name))


def test_one_named_graph_per_document_plus_entities_and_gazetteer(kg, ds):
    names = {c.identifier for c in ds.graphs() if len(c)}
    docs = {document_iri(d.key) for d in kg.documents}
    assert names == docs | {ENTITIES_GRAPH, GAZETTEER_GRAPH}


def test_document_metadata_uses_dublin_core(kg, ds):
    d = _doc_iri(kg, "000.txt")
    g = ds.graph(d)
    assert (d, RDF.type, KGO.Document) in g
    assert g.value(d, DCTERMS.identifier) == Literal("000.txt")
    assert g.value(d, DCTERMS.issued) == Literal("2024-09-21", datatype=XSD.date)
    assert g.value(d, DCTERMS.created) is None  # "2024-09-2x" is not a date
    assert g.value(d, DCTERMS.publisher) == Literal("郑州市发展和改革委员会", lang="zh")
    assert g.value(d, KGO.indexNumber) == Literal("005252100/2024-00211")
    assert g.value(d, KGO.proposalNumber) == Literal("20240289")
    assert (d, KGO.mentions, ZZ_IRI) in g


def test_text_relation_is_in_its_document_graph_with_evidence(kg, ds):
    d = _doc_iri(kg, "000.txt")
    g = ds.graph(d)
    agr = entity_iri(f"Agreement/{AGREEMENTS[2]}")
    assert (ZZ_IRI, KGO.signed, agr) in g
    evs = [
        e
        for e in g.subjects(RDF.subject, ZZ_IRI)
        if g.value(e, RDF.predicate) == KGO.signed and g.value(e, RDF.object) == agr
    ]
    assert len(evs) == 1
    ev = evs[0]
    assert (ev, RDF.type, KGO.Evidence) in g
    assert g.value(ev, PROV.wasDerivedFrom) == d
    said = g.value(ev, KGO.inSentence)
    assert (said, RDF.type, KGO.Sentence) in g
    assert str(g.value(said, KGO.text)) == SIGN
    assert g.value(said, PROV.wasDerivedFrom) == d
    doc = next(x for x in kg.documents if x.name == "000.txt")
    start, end = int(g.value(said, KGO.startOffset)), int(g.value(said, KGO.endOffset))
    assert end - start == len(SIGN)
    assert start < end <= doc.length
    assert str(said) == f"{ID_NS}sentence/{str(d).rsplit('/', 1)[1]}-{start}-{end}"


def test_a_sentence_stating_several_relations_is_stored_once(kg, ds, written):
    """The sentence of the three agreements and the tie with 青岛市 is one kgo:Sentence
    that every evidence of it points to: its text is written once in each RDF file."""
    g = ds.graph(_doc_iri(kg, "000.txt"))
    [said] = [s for s in g.subjects(KGO.text, None) if str(g.value(s, KGO.text)) == SIGN]
    assert len(set(g.subjects(KGO.inSentence, said))) >= 4
    assert not list(ds.subjects(KGO.sentence, None))  # the evidence holds no text of its own
    for name in RDF_FILES:
        assert (written / name).read_text(encoding="utf-8").count(SIGN) == 1, name


def test_gazetteer_facts_have_their_own_graph_and_no_evidence(ds):
    hn = URIRef(ID_NS + "place/410000")
    assert (ZZ_IRI, KGO.partOf, hn) in ds.graph(GAZETTEER_GRAPH)
    assert not list(ds.subjects(RDF.object, hn))


# --- formats ----------------------------------------------------------------


def test_write_rdf_writes_the_four_files(written):
    assert sorted(p.name for p in written.iterdir()) == sorted(RDF_FILES)


@pytest.mark.parametrize("name", ["graph.ttl", "graph.jsonld"])
def test_round_trip_merged_formats(kg, written, name):
    fmt = {"graph.ttl": "turtle", "graph.jsonld": "json-ld"}[name]
    back = Graph().parse(written / name, format=fmt)
    assert len(back) == len(merged_graph(kg))
    assert isomorphic(back, merged_graph(kg))


@pytest.mark.parametrize("name", ["graph.trig", "graph.nq"])
def test_round_trip_dataset_formats(kg, ds, written, name):
    fmt = {"graph.trig": "trig", "graph.nq": "nquads"}[name]
    back = Dataset()
    back.parse(written / name, format=fmt)
    want = {c.identifier: c for c in ds.graphs() if len(c)}
    got = {c.identifier: c for c in back.graphs() if len(c)}
    assert set(got) == set(want)
    for name_, g in want.items():
        assert isomorphic(got[name_], g), name_


def test_jsonld_embeds_its_context_and_survives_a_move(kg, written, tmp_path):
    data = json.loads((written / "graph.jsonld").read_text(encoding="utf-8"))
    assert isinstance(data["@context"], dict)
    assert data["@context"]["kgo"] == "https://w3id.org/policykg/ontology#"
    moved = tmp_path / "elsewhere" / "g.jsonld"
    moved.parent.mkdir()
    shutil.copy(written / "graph.jsonld", moved)
    assert isomorphic(Graph().parse(moved, format="json-ld"), merged_graph(kg))


def test_same_graph_gives_identical_bytes_in_other_processes(written, tmp_path):
    """Two processes with different hash seeds write the same bytes."""
    code = (
        "import sys; sys.path.insert(0, 'tests');"
        "from rdf_graphs import sample_graph; from kg.export.rdf import write_rdf;"
        "write_rdf(sample_graph(), sys.argv[1])"
    )
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env=env, check=True)
        for name in RDF_FILES:
            assert (out / name).read_bytes() == (written / name).read_bytes(), (seed, name)


def test_outputs_hold_no_absolute_paths(written):
    for name in RDF_FILES:
        text = (written / name).read_text(encoding="utf-8")
        assert str(ROOT) not in text
        assert "/tmp/" not in text


def test_turtle_is_the_union_of_the_named_graphs(kg, ds, written):
    ttl = Graph().parse(written / "graph.ttl", format="turtle")
    union = {t for c in ds.graphs() for t in c}
    assert set(ttl) == union
    assert (ZZ_IRI, KGO.signed, entity_iri(f"Agreement/{AGREEMENTS[0]}")) in ttl


# --- sample corpus ----------------------------------------------------------


def test_sample_build_is_byte_identical_from_another_folder(sample_rdf, tmp_path):
    """Copy the documents elsewhere, build again: every RDF file has the same bytes."""
    from kg.builder import build

    docs = tmp_path / "elsewhere" / "docs"
    shutil.copytree(ROOT / "data" / "docs", docs)
    out = tmp_path / "out"
    write_rdf(build([str(docs)]).graph, out)
    for name in RDF_FILES:
        assert (out / name).read_bytes() == (sample_rdf / name).read_bytes(), name


def test_sample_build_has_one_document_and_graph_per_file(sample_rdf):
    store = ox.Store()
    store.load(path=sample_rdf / "graph.trig", format=ox.RdfFormat.TRIG)
    n_files = len(list((ROOT / "data" / "docs").iterdir()))
    docs = {
        s["d"].value
        for s in store.query(
            "SELECT ?d WHERE { GRAPH ?d { ?d a <https://w3id.org/policykg/ontology#Document> } }"
        )
    }
    assert len(docs) == n_files
    graphs = {g.value for g in store.named_graphs()}
    assert docs <= graphs
    shared = (ENTITIES_GRAPH, GAZETTEER_GRAPH, INDICATORS_GRAPH, CORRECTIONS_GRAPH)
    assert graphs - docs <= {str(g) for g in shared}
    # the sample states figures: their dataset has a graph of its own
    assert str(INDICATORS_GRAPH) in graphs


# --- writing without rdflib --------------------------------------------------


def test_write_rdf_builds_no_rdflib_graph(kg, tmp_path, monkeypatch):
    """The files are written from pyoxigraph terms and text; rdflib is for the API only."""
    import rdflib

    def refuse(*args, **kwargs):
        raise AssertionError("write_rdf must not build an rdflib graph")

    monkeypatch.setattr(rdflib.Graph, "add", refuse)
    monkeypatch.setattr(rdflib.Graph, "serialize", refuse)
    write_rdf(kg, tmp_path)
    assert all((tmp_path / name).stat().st_size > 0 for name in RDF_FILES)


def test_turtle_and_trig_hold_the_statements_of_the_n_quads(written):
    """Written as text, Turtle and TriG parse (pyoxigraph) to the statements of graph.nq."""
    quads = set(ox.parse(path=written / "graph.nq", format=ox.RdfFormat.N_QUADS))
    trig = set(ox.parse(path=written / "graph.trig", format=ox.RdfFormat.TRIG))
    assert trig == quads
    ttl = {q.triple for q in ox.parse(path=written / "graph.ttl", format=ox.RdfFormat.TURTLE)}
    assert ttl == {q.triple for q in quads}


def test_an_empty_graph_gives_empty_but_valid_files(tmp_path):
    from kg.graph import KnowledgeGraph

    write_rdf(KnowledgeGraph(), tmp_path)
    assert len(Graph().parse(tmp_path / "graph.jsonld", format="json-ld")) == 0
    for name in ("graph.ttl", "graph.trig", "graph.nq"):
        assert (tmp_path / name).read_bytes() == b"", name


def test_the_merged_graph_written_in_pieces_is_the_same_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.export.rdf as rdf_module
    from kg.builder import build
    from tests.conftest import DOCS

    graph = build([str(DOCS)], jobs=1).graph
    whole = rdf_module.write_rdf(graph, tmp_path / "whole")
    pieces = rdf_module._by_subject
    monkeypatch.setattr(rdf_module, "_by_subject", lambda st: pieces(st, size=7))
    small = rdf_module.write_rdf(graph, tmp_path / "small")
    for a, b in zip(whole, small, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name

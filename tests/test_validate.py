"""SHACL validation: the sample graphs conform; broken graphs are reported."""

from __future__ import annotations

import re

import pytest
from conftest import run_kg
from rdf_graphs import sample_graph
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, SH, XSD

from kg.export.rdf import merged_graph, write_rdf
from kg.graph import Edge, Node
from kg.types import EntityType, Modality, Predicate, Source
from kg.validate import validate_dir, validate_file, validate_graph
from kg.vocab import ID_NS, KGO


def test_hand_built_graph_conforms():
    report = validate_graph(merged_graph(sample_graph()))
    assert report.conforms, report.text()
    assert report.text().startswith("conforms")


def test_place_lacking_a_code_is_reported():
    kg = sample_graph()
    kg.nodes["Place/兰考县"] = Node("Place/兰考县", "兰考县", EntityType.PLACE)
    report = validate_graph(merged_graph(kg))
    assert not report.conforms
    [v] = report.violations
    assert v.focus == "id:place/兰考县"
    assert "division code" in v.message


def test_administrative_division_without_code_is_reported():
    g = merged_graph(sample_graph())
    zz = URIRef(ID_NS + "place/410100")
    g.remove((zz, KGO.divisionCode, None))
    report = validate_graph(g)
    assert not report.conforms
    assert {v.focus for v in report.violations} == {"id:place/410100"}


def test_malformed_code_is_reported():
    g = merged_graph(sample_graph())
    zz = URIRef(ID_NS + "place/410100")
    g.set((zz, KGO.divisionCode, Literal("4101")))
    report = validate_graph(g)
    assert any(v.path == "kgo:divisionCode" for v in report.violations)


def test_relation_with_wrong_range_is_reported():
    kg = sample_graph()
    # 郑州市 signed 青岛市: a place is not an agreement
    kg.edges.append(
        Edge(
            "Place/410100",
            Predicate.SIGNED,
            "Place/370200",
            Source.TEXT,
            kg.documents[0].key,
            "郑州市与青岛市签署。",
            0,
            10,
            modality=Modality.ACCOMPLISHED,
        )
    )
    report = validate_graph(merged_graph(kg))
    assert not report.conforms
    msgs = [v for v in report.violations if v.path == "kgo:signed"]
    assert msgs and "kgo:Agreement" in msgs[0].message
    assert msgs[0].value == "id:place/370200"


def test_relation_with_wrong_domain_is_reported():
    kg = sample_graph()
    kg.nodes["Person/霍传富"] = Node("Person/霍传富", "霍传富", EntityType.PERSON)
    agr = next(i for i, n in kg.nodes.items() if n.type is EntityType.AGREEMENT)
    kg.edges.append(
        Edge(
            "Person/霍传富",
            Predicate.SIGNED,
            agr,
            Source.TEXT,
            kg.documents[0].key,
            "x",
            0,
            1,
            modality=Modality.ACCOMPLISHED,
        )
    )
    report = validate_graph(merged_graph(kg))
    assert [v.focus for v in report.violations] == ["id:person/霍传富"]


def test_evidence_without_document_is_reported():
    g = merged_graph(sample_graph())
    ev = next(g.subjects(RDF.type, KGO.Evidence))
    g.remove((ev, PROV.wasDerivedFrom, None))
    report = validate_graph(g)
    assert [v.path for v in report.violations] == ["prov:wasDerivedFrom"]


def test_evidence_of_an_unstated_relation_is_reported():
    g = merged_graph(sample_graph())
    ev = next(g.subjects(RDF.type, KGO.Evidence))
    g.remove((g.value(ev, RDF.subject), g.value(ev, RDF.predicate), g.value(ev, RDF.object)))
    report = validate_graph(g)
    assert any("does not state" in v.message for v in report.violations)


@pytest.mark.parametrize(
    "confidence",
    [
        None,
        Literal("1.5", datatype=XSD.decimal),
        Literal("-0.1", datatype=XSD.decimal),
        Literal("0.5"),
        "twice",
    ],
    ids=["missing", "above-1", "below-0", "a-string", "twice"],
)
def test_evidence_needs_exactly_one_decimal_confidence_from_0_to_1(confidence):
    g = merged_graph(sample_graph())
    ev = next(g.subjects(RDF.type, KGO.Evidence))
    assert g.value(ev, KGO.confidence).datatype == XSD.decimal
    if confidence == "twice":
        g.add((ev, KGO.confidence, Literal("0.25", datatype=XSD.decimal)))
    else:
        g.remove((ev, KGO.confidence, None))
        if confidence is not None:
            g.add((ev, KGO.confidence, confidence))
    report = validate_graph(g)
    assert [v.path for v in report.violations] == ["kgo:confidence"]
    assert "confidence" in report.violations[0].message


def test_entity_confidence_is_a_decimal_from_0_to_1():
    g = merged_graph(sample_graph())
    zz = URIRef(ID_NS + "place/410100")
    assert g.value(zz, KGO.confidence).datatype == XSD.decimal
    g.set((zz, KGO.confidence, Literal("2", datatype=XSD.decimal)))
    report = validate_graph(g)
    assert [(v.focus, v.path) for v in report.violations] == [("id:place/410100", "kgo:confidence")]


def test_document_date_must_be_xsd_date():
    g = merged_graph(sample_graph())
    doc = next(g.subjects(RDF.type, KGO.Document))
    g.add((doc, URIRef("http://purl.org/dc/terms/issued"), Literal("2024年9月21日")))
    report = validate_graph(g)
    assert any(v.path == "dcterms:issued" for v in report.violations)
    assert XSD.date  # the datatype the shape asks for


def test_label_in_chinese_is_required():
    g = merged_graph(sample_graph())
    zz = URIRef(ID_NS + "place/410100")
    g.remove(
        (zz, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("郑州市", lang="zh"))
    )
    report = validate_graph(g)
    assert any(v.focus == "id:place/410100" and "label" in v.message for v in report.violations)


# --- command line -------------------------------------------------------------


def test_cli_conforming(tmp_path):
    write_rdf(sample_graph(), tmp_path)
    r = run_kg("validate", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("conforms")


def test_cli_not_conforming(tmp_path):
    kg = sample_graph()
    kg.nodes["Place/兰考县"] = Node("Place/兰考县", "兰考县", EntityType.PLACE)
    write_rdf(kg, tmp_path)
    r = run_kg("validate", str(tmp_path))
    assert r.returncode == 1
    assert "does not conform: 1 violation(s)" in r.stdout
    assert "id:place/兰考县" in r.stdout


def test_cli_missing_graph(tmp_path):
    r = run_kg("validate", str(tmp_path / "nothing"))
    assert r.returncode == 1
    assert r.stderr.startswith("Error: ") and "graph.ttl" in r.stderr


@pytest.mark.parametrize("args", [("validate",), ("validate", "a", "b")])
def test_cli_usage_errors(args):
    assert run_kg(*args).returncode == 2


def test_cli_says_what_it_is_doing_on_stderr(tmp_path):
    write_rdf(sample_graph(), tmp_path)
    r = run_kg("validate", str(tmp_path))
    assert r.returncode == 0, r.stderr
    stages = r.stderr.splitlines()
    assert stages[0].startswith(f"reading {tmp_path / 'graph.ttl'} (")
    assert any(s.startswith("checked the resources of 3 of 3 documents") for s in stages)
    assert run_kg("validate", "--quiet", str(tmp_path)).stderr == ""


def test_kg_validate_gives_pyshacls_verdict_under_rdfs_entailment_on_the_sample(
    sample_rdf, monkeypatch
):
    """``kg validate`` is pySHACL with the ontology and RDFS inference: on the sample
    build, whose documents have index numbers (which entailment makes dcterms:identifier
    values too: kgo:indexNumber is a sub-property), pySHACL called that way conforms,
    and ``kg validate`` gives that verdict (one run per part, each with those
    arguments, together covering every statement)."""
    import pyshacl
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from kg.validate import ontology_graph, shapes_graph

    data = Graph().parse(sample_rdf / "graph.ttl", format="turtle")
    assert set(data.subjects(KGO.indexNumber, None))  # documents with an index number
    calls = []
    real = pyshacl.validate

    def spy(data_graph, **kw):
        result = real(data_graph, **kw)
        calls.append((data_graph, kw, result[0]))
        return result

    monkeypatch.setattr(pyshacl, "validate", spy)
    ours = validate_dir(sample_rdf)
    assert len(calls) >= 2  # the documents' resources, then the rest
    named = {s for s in shapes_graph().subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    seen = Graph()
    for graph, kw, conforms in calls:
        assert kw["inference"] == "rdfs"
        assert isomorphic(kw["ont_graph"], ontology_graph())
        # the shapes of ontology/shapes.ttl (pySHACL adds to the graph it is given)
        assert named and named <= set(kw["shacl_graph"].subjects(RDF.type, SH.NodeShape))
        assert conforms is True
        seen += graph
    assert all(t in seen for t in data)
    assert ours.conforms is True, ours.text()


def test_a_second_display_identifier_breaks_both_verdicts_alike():
    """A document with two identifiers besides its index number: neither pySHACL under
    RDFS entailment nor ``kg validate`` lets it pass."""
    from pyshacl import validate
    from rdflib.namespace import DCTERMS

    from kg.validate import ontology_graph, shapes_graph

    g = merged_graph(sample_graph())
    doc = next(iter(sorted(g.subjects(KGO.indexNumber, None))))
    g.add((doc, DCTERMS.identifier, Literal("another name")))
    conforms, _, _ = validate(
        g, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="rdfs"
    )
    report = validate_graph(g)
    assert conforms is False and report.conforms is False
    assert any("one identifier besides its index number" in v.message for v in report.violations)


# --- validation in parts ----------------------------------------------------


def _blocks(text: str) -> list[tuple[int, str]]:
    """The start of every subject's block of a graph.ttl that ``kg build`` wrote
    (a line that does not begin with a tab), with its subject."""
    out, at = [], 0
    for line in text.splitlines(keepends=True):
        if line.startswith("<"):
            out.append((at, line.split(" ", 1)[0]))
        at += len(line)
    return out


def _subjects(text: str, kind: str) -> list[str]:
    """The subjects of the blocks whose IRI is under ``id/<kind>/``, in file order."""
    return [s for _, s in _blocks(text) if s.startswith(f"<{ID_NS}{kind}/")]


def _block(text: str, subject: str) -> str:
    """The block (``subject … .``) of ``subject``."""
    found = re.search(f"\n{re.escape(subject)}[ \n]", text)
    assert found is not None, subject
    start = found.start() + 1
    end = text.index(" .\n", start) + 3
    return text[start:end]


def _break(text: str) -> tuple[str, set[str]]:
    """The graph.ttl of the sample build with violations injected in different
    documents' resources and in the shared part; returns it and the focus nodes
    (short forms) each injection must be reported on."""
    expect: set[str] = set()
    docs = _subjects(text, "document")
    evidence = _subjects(text, "evidence")
    sentences = _subjects(text, "sentence")

    def doc_of(subject: str) -> str:
        block = _block(text, subject)
        return block.split("prov:wasDerivedFrom ", 1)[1].split(" ", 1)[0]

    def edit(subject: str, old: str, new: str) -> None:
        nonlocal text
        block = _block(text, subject)
        assert old in block, (subject, old)
        text = text.replace(block, block.replace(old, new, 1), 1)

    def short_of(subject: str) -> str:
        return "id:" + subject[len(ID_NS) + 1 : -1]

    # 1. an evidence's confidence above 1 (the first document's resources)
    ev1 = evidence[0]
    conf = _block(text, ev1).split("kgo:confidence ", 1)[1].split(" ", 1)[0]
    edit(ev1, f"kgo:confidence {conf} ", "kgo:confidence 1.5000 ")
    expect.add(short_of(ev1))
    # 2. an evidence without the date of its dated document: the document's
    # DatedEvidence constraint (another document)
    ev2 = next(
        e for e in evidence if doc_of(e) != doc_of(ev1) and "dcterms:date" in _block(text, e)
    )
    used = {doc_of(ev1), doc_of(ev2)}
    expect.add(short_of(doc_of(ev2)))
    line = _block(text, ev2).split("\n", 1)[0]
    edit(ev2, line, line.split(" dcterms:date ", 1)[0])
    # 3. a sentence with an empty text (a third document)
    sen = next(s for s in sentences if doc_of(s) not in used)
    said = _block(text, sen).split("kgo:text ", 1)[1].rsplit("@zh", 1)[0]
    edit(sen, f"kgo:text {said}@zh", 'kgo:text ""@zh')
    expect.add(short_of(sen))
    used.add(doc_of(sen))
    # 4. a document that mentions an entity the graph does not describe: the
    # entity (no Chinese label) is checked with the shared part
    doc4 = next(d for d in docs if d not in used and "kgo:mentions " in _block(text, d))
    nobody = f"<{ID_NS}agency/无名机构>"
    edit(doc4, "kgo:mentions ", f"kgo:mentions {nobody} , ")
    expect.add(short_of(nobody))
    used.add(doc4)
    # 5. a relation an evidence names, stated otherwise in the shared part (the
    # party takes part in the agreement rather than signing it): the evidence (a
    # document's resource) names a relation the graph does not state
    for ev in evidence:
        block = _block(text, ev)
        if doc_of(ev) in used or "kgo:signed" not in block:
            continue
        s = block.split("rdf:subject ", 1)[1].split(" ", 1)[0]
        o = block.split("rdf:object ", 1)[1].split(" ", 1)[0]
        entity = _block(text, s)
        if f"\tkgo:signed {o} .\n" in entity:
            edit(s, f"\tkgo:signed {o} .", f"\tkgo:participatesIn {o} .")
            expect.add(short_of(ev))
            break
    else:
        raise AssertionError("no relation to change")
    # 6. the shared part: a malformed division code and a place of two types
    zz = f"<{ID_NS}place/410100>"
    edit(zz, 'kgo:divisionCode "410100"', 'kgo:divisionCode "4101"')
    edit(f"<{ID_NS}place/410200>", "\n\ta kgo:", "\n\ta kgo:Agreement , kgo:")
    expect |= {"id:place/410100", "id:place/410200"}
    return text, expect


def test_parts_give_the_whole_graphs_report_on_the_sample_build(sample_rdf):
    """On the sample build, the validation in parts reports what pySHACL reports
    for the whole graph (it conforms), and checks every document's resources."""
    from rdflib import Graph

    stages: list[str] = []
    parts = validate_file(sample_rdf / "graph.ttl", progress=stages.append)
    whole = validate_graph(Graph().parse(sample_rdf / "graph.ttl", format="turtle"))
    assert parts == whole
    assert parts.conforms, parts.text()
    assert any(s.startswith("checked the resources of 125 of 125 documents") for s in stages)
    assert not any("whole graph" in s for s in stages), stages


def test_parts_give_the_whole_graphs_report_on_a_broken_build(sample_rdf, tmp_path):
    """Violations injected in five documents' resources and in the shared part
    (some seen only across parts: a document's evidence without the document's
    date, evidence naming a relation gone from the shared part, an undescribed
    entity a document mentions) are reported alike by the validation in parts and
    by pySHACL on the whole graph."""
    from rdflib import Graph

    text, expect = _break((sample_rdf / "graph.ttl").read_text(encoding="utf-8"))
    broken = tmp_path / "graph.ttl"
    broken.write_text(text, encoding="utf-8")
    stages: list[str] = []
    parts = validate_file(broken, jobs=2, progress=stages.append)  # in two processes
    assert not any("whole graph" in s for s in stages), stages
    whole = validate_graph(Graph().parse(broken, format="turtle"))
    assert parts.violations == whole.violations
    assert parts == whole
    assert not parts.conforms
    assert expect <= {v.focus for v in parts.violations}, parts.text()


def test_a_graph_the_parts_cannot_answer_is_validated_whole(tmp_path):
    """A graph.ttl that states schema of its own (which would change what the
    ontology entails in every part) is validated whole, with a note; the report is
    the same."""
    from rdflib.namespace import RDFS

    g = merged_graph(sample_graph())
    g.add((KGO.Place, RDFS.subClassOf, KGO.Entity))
    g.set((URIRef(ID_NS + "place/410100"), KGO.divisionCode, Literal("4101")))
    path = tmp_path / "graph.ttl"
    g.serialize(path, format="turtle")
    stages: list[str] = []
    report = validate_file(path, progress=stages.append)
    assert any("whole graph" in s for s in stages)
    assert report == validate_graph(g)
    assert not report.conforms

"""The ontology, the closed vocabulary, the shapes and the JSON-LD context stay in step."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from kg.types import EntityType, Predicate
from kg.vocab import (
    GEO,
    KGO,
    KGO_NS,
    ONTOLOGY_IRI,
    ORG,
    entity_class,
    ontology_dir,
    relation_property,
)

PROV_ENTITY = URIRef("http://www.w3.org/ns/prov#Entity")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ontology_dir() / "policykg.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def _declared(onto: Graph) -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
    return {
        str(s)[len(KGO_NS) :]
        for k in kinds
        for s in onto.subjects(RDF.type, k)
        if isinstance(s, URIRef) and str(s).startswith(KGO_NS)
    }


def test_vocabulary_and_ontology_declare_the_same_terms(onto):
    in_code = set(KGO.__annotations__)
    assert in_code == _declared(onto)


def test_misspelt_term_is_an_error():
    with pytest.raises(AttributeError):
        _ = KGO.Plase


def test_ontology_metadata(onto):
    o = URIRef(ONTOLOGY_IRI)
    assert (o, RDF.type, OWL.Ontology) in onto
    assert onto.value(o, OWL.versionInfo) is not None
    assert onto.value(o, DCTERMS.license) is not None
    langs = {lit.language for lit in onto.objects(o, DCTERMS.description)}
    assert {"en", "zh"} <= langs


def _labels(onto: Graph, term: URIRef) -> set[str | None]:
    return {lit.language for lit in onto.objects(term, RDFS.label) if isinstance(lit, Literal)}


@pytest.mark.parametrize("t", list(EntityType))
def test_every_entity_type_is_a_documented_class(onto, t):
    cls = entity_class(t)
    assert (cls, RDF.type, OWL.Class) in onto
    assert {"zh", "en"} <= _labels(onto, cls)
    assert onto.value(cls, SKOS.definition) is not None
    assert onto.value(cls, RDFS.comment) is not None
    assert (cls, RDFS.subClassOf, KGO.Entity) in onto


@pytest.mark.parametrize("p", list(Predicate))
def test_every_relation_is_a_documented_object_property(onto, p):
    prop = relation_property(p)
    assert (prop, RDF.type, OWL.ObjectProperty) in onto
    assert {"zh", "en"} <= _labels(onto, prop)
    assert onto.value(prop, SKOS.definition) is not None
    assert onto.value(prop, RDFS.domain) is not None
    assert onto.value(prop, RDFS.range) is not None


def test_only_cooperation_is_symmetric(onto):
    symmetric = set(onto.subjects(RDF.type, OWL.SymmetricProperty))
    assert symmetric == {KGO.cooperatesWith}
    assert {p for p in Predicate if p.symmetric} == {Predicate.COOPERATES_WITH}


def test_union_ranges_list_their_classes(onto):
    rng = onto.value(KGO.locatedIn, RDFS.range)
    members = set(onto.items(onto.value(rng, OWL.unionOf)))
    assert members == {KGO.Place, KGO.Region, KGO.Zone}


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (KGO.Agency, ORG.FormalOrganization),
        (KGO.Organization, ORG.Organization),
        (KGO.Place, GEO.Feature),
        (KGO.Evidence, PROV_ENTITY),
        (KGO.Document, PROV_ENTITY),
        (KGO.City, KGO.AdministrativeDivision),
        (KGO.AdministrativeDivision, KGO.Place),
    ],
)
def test_alignments(onto, cls, parent):
    assert (cls, RDFS.subClassOf, parent) in onto


def test_every_relation_has_a_domain_and_range_shape(shapes):
    targeted = set(shapes.objects(None, SH.targetSubjectsOf))
    assert targeted == {relation_property(p) for p in Predicate}


def test_every_entity_class_is_a_shape_target(shapes):
    targets = set(shapes.objects(None, SH.targetClass))
    assert {entity_class(t) for t in EntityType} <= targets
    assert {KGO.Document, KGO.Evidence} <= targets


def test_shapes_use_only_ontology_terms(shapes, onto):
    declared = _declared(onto)
    used = {
        str(t)[len(KGO_NS) :]
        for triple in shapes
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(KGO_NS)
    }
    assert used <= declared


def test_context_terms_exist():
    ctx = json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert ctx["kgo"] == KGO_NS
    for spec in ctx.values():
        if isinstance(spec, dict) and spec["@id"].startswith("kgo:"):
            getattr(KGO, spec["@id"][4:])  # AttributeError if not in the vocabulary

"""The closed vocabulary of the policy-kg ontology (``ontology/policykg.ttl``).

Every ontology term the code uses is an attribute of :class:`KGO`; a misspelt
term raises ``AttributeError`` instead of minting a new IRI, and
``tests/test_ontology.py`` keeps this list and the ontology file in step.

>>> str(KGO.Place)
'https://w3id.org/policykg/ontology#Place'
>>> KGO.Plase
Traceback (most recent call last):
...
AttributeError: term 'Plase' not in namespace 'https://w3id.org/policykg/ontology#'
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

from kg.resources import ontology_dir as ontology_dir  # where the ontology files are
from kg.types import EntityType, Predicate

#: Namespace of the ontology's terms.
KGO_NS = "https://w3id.org/policykg/ontology#"
#: Base of every entity, document and evidence IRI.
ID_NS = "https://w3id.org/policykg/id/"
#: The IRI of the ontology itself.
ONTOLOGY_IRI = "https://w3id.org/policykg/ontology"

GEO = Namespace("http://www.opengis.net/ont/geosparql#")
QB = Namespace("http://purl.org/linked-data/cube#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")


class KGO(DefinedNamespace):
    """policy-kg ontology: classes and properties (see ``ontology/policykg.ttl``)."""

    _NS = Namespace(KGO_NS)
    _fail = True

    # entity classes (the scored set) and their superclass
    Entity: URIRef
    Place: URIRef
    Region: URIRef
    Agency: URIRef
    Company: URIRef
    Organization: URIRef
    Agreement: URIRef
    Plan: URIRef
    Cluster: URIRef
    Zone: URIRef
    Event: URIRef
    Person: URIRef
    # finer classes
    AdministrativeDivision: URIRef
    Province: URIRef
    City: URIRef
    County: URIRef
    Township: URIRef
    ForeignPlace: URIRef
    Proposal: URIRef
    # provenance classes
    Document: URIRef
    Evidence: URIRef
    Sentence: URIRef
    Gazetteer: URIRef
    # curation: corrections and the statements they add or remove
    Correction: URIRef
    CuratedStatement: URIRef
    # modality of a statement and its two values
    Modality: URIRef
    Accomplished: URIRef
    Planned: URIRef
    # indicators: the data structure of their observations, qualifiers
    IndicatorStructure: URIRef
    Qualifier: URIRef
    MoreThan: URIRef
    LessThan: URIRef
    Approximately: URIRef

    # relations (the scored set) and their super-property
    relation: URIRef
    signed: URIRef
    cooperatesWith: URIRef
    locatedIn: URIRef
    partOf: URIRef
    issuedBy: URIRef
    participatesIn: URIRef
    establishedBy: URIRef

    # provenance properties
    mentions: URIRef
    sentence: URIRef
    inSentence: URIRef
    text: URIRef
    startOffset: URIRef
    endOffset: URIRef
    mentionCount: URIRef
    confidence: URIRef
    # time and modality of a statement
    statedTime: URIRef
    year: URIRef
    modality: URIRef
    # corrections
    action: URIRef
    correctionTarget: URIRef
    correctionValue: URIRef
    sourceLine: URIRef
    status: URIRef
    # indicators (RDF Data Cube components)
    indicator: URIRef
    refPlace: URIRef
    refPeriod: URIRef
    value: URIRef
    unit: URIRef
    statedValue: URIRef
    qualifier: URIRef

    # descriptive properties
    divisionCode: URIRef
    indexNumber: URIRef
    proposalNumber: URIRef
    category: URIRef
    addressee: URIRef
    hostingUnit: URIRef
    address: URIRef
    characterCount: URIRef


#: Prefixes used in every serialisation and in saved queries.
PREFIXES: dict[str, str] = {
    "kgo": KGO_NS,
    "id": ID_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "geo": str(GEO),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "qb": str(QB),
}


def entity_class(t: EntityType) -> URIRef:
    """The ontology class of an entity type (same local name)."""
    return URIRef(KGO_NS + t.value)


def relation_property(p: Predicate) -> URIRef:
    """The ontology property of a relation type (same local name)."""
    return URIRef(KGO_NS + p.value)

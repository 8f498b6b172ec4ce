"""RDF export: the knowledge graph as an RDF dataset with provenance.

Layout of the dataset (every resource has an IRI, there are no blank nodes):

- ``id:graph/entities``: what the build knows of each entity, merged over all
  documents: its classes, ``rdfs:label "…"@zh``, ``skos:altLabel`` per alias, a
  pinyin label ``@zh-Latn-pinyin``, its ``kgo:confidence`` (the highest of its
  mentions', ``xsd:decimal``), and for places ``kgo:divisionCode``, a
  GeoSPARQL geometry and schema.org coordinates.
- ``id:document/<key>`` (one named graph per document, named by the document's
  IRI): the document as a ``kgo:Document`` with Dublin Core metadata, the
  entities it mentions (``kgo:mentions``), every relation it states, and for each
  relation a ``kgo:Evidence`` resource (``prov:wasDerivedFrom`` the document,
  ``kgo:inSentence`` its sentence, ``rdf:subject``/``rdf:predicate``/``rdf:object``,
  and ``kgo:confidence``, the relation scorer's probability as an ``xsd:decimal``
  of four decimals), and each sentence that states relations once, as a
  ``kgo:Sentence`` (``kgo:text``, ``kgo:startOffset``/``kgo:endOffset``,
  ``prov:wasDerivedFrom`` the document), however many relations it states.
- ``id:graph/gazetteer``: relations known from the gazetteer, not from a text.

The default graph is empty, so that stores that hide it under a union default
graph (Fuseki) and stores that include it (Oxigraph) answer alike. Turtle and
JSON-LD hold the merged graph (the union of the named graphs); TriG and N-Quads
hold the dataset.

Writing streams: the statements are built directly as pyoxigraph terms (each
IRI and short literal once), one named graph at a time, documents in the order
of their IRIs and each graph's statements sorted once, and written to the four
files together, as text. So
memory holds the merged entity descriptions and one document's graph, never the
dataset, and the files are byte-identical for the same graph. rdflib is used only
on demand (:func:`to_dataset`, :func:`merged_graph`), never by :func:`write_rdf`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import hashlib
import itertools
import json
import re
import string
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import OutputError
from kg.extract import tables
from kg.extract.timing import fact_year
from kg.graph import CorrectionRecord, DocumentInfo, Edge, KnowledgeGraph, Node, Observation
from kg.types import EntityType, Modality, Predicate, Source
from kg.vocab import (
    GEO,
    ID_NS,
    KGO,
    PREFIXES,
    QB,
    SCHEMA,
    entity_class,
    ontology_dir,
    relation_property,
)

if TYPE_CHECKING:
    from kg.export.fragments import Fragments, KeptFile
    from kg.export.store import StoreWriter

#: Named graph of the merged entity descriptions.
ENTITIES_GRAPH = URIRef(ID_NS + "graph/entities")
#: Named graph of the gazetteer's facts.
GAZETTEER_GRAPH = URIRef(ID_NS + "graph/gazetteer")
#: Named graph of the corrections applied (and found stale) and the relations they added.
CORRECTIONS_GRAPH = URIRef(ID_NS + "graph/corrections")
#: Named graph describing the dataset of indicator observations.
INDICATORS_GRAPH = URIRef(ID_NS + "graph/indicators")
#: The RDF Data Cube dataset every observation belongs to.
INDICATOR_DATASET = ID_NS + "dataset/indicators"
#: The files :func:`write_rdf` writes, in this order.
RDF_FILES: tuple[str, ...] = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.nq")

Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]
#: An object term of a statement, as pyoxigraph builds it.
Term = ox.NamedNode | ox.Literal
#: One statement: its N-Triples forms ``(subject, predicate, object)`` (the sort key,
#: unique per statement) and its pyoxigraph terms.
Statement = tuple[tuple[str, str, str], tuple[ox.NamedNode, ox.NamedNode, Term]]

_SAFE_ASCII = frozenset(string.ascii_letters + string.digits + "-._~")
_MAX_SEGMENT = 96
_CODE_RE = re.compile(r"^[0-9]{6}$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")

# metadata field -> (property, is a date)
_METADATA: dict[str, tuple[URIRef, bool]] = {
    "title": (DCTERMS.title, False),
    "subtitle": (DCTERMS.alternative, False),
    "publisher": (DCTERMS.publisher, False),
    "written": (DCTERMS.created, True),
    "published": (DCTERMS.issued, True),
    "signed_date": (DCTERMS.dateAccepted, True),
    "index_number": (KGO.indexNumber, False),
    "proposal_number": (KGO.proposalNumber, False),
    "category": (KGO.category, False),
    "addressee": (KGO.addressee, False),
    "host": (KGO.hostingUnit, False),
    "address": (KGO.address, False),
}
# fields whose value is Chinese text (tagged @zh); the others are codes and numbers
_ZH_FIELDS = frozenset(
    {"title", "subtitle", "publisher", "category", "addressee", "host", "address"}
)


# ---------------------------------------------------------------------------
# IRIs
# ---------------------------------------------------------------------------


def iri_segment(key: str) -> str:
    """One IRI path segment for ``key``: readable where safe, percent-encoded elsewhere.

    Letters, digits and punctuation beyond ASCII (Chinese characters, 《》) stay as
    they are, which IRIs allow; ASCII characters other than ``A-Za-z0-9-._~``,
    spaces and control characters are percent-encoded (UTF-8). Very long keys are
    cut and followed by a hash of the whole key, so the segment stays unique.

    >>> iri_segment("郑州市发展和改革委员会")
    '郑州市发展和改革委员会'
    >>> iri_segment("中国(河南)自由贸易试验区 A/B")
    '中国%28河南%29自由贸易试验区%20A%2FB'
    """
    key = unicodedata.normalize("NFC", key)
    out: list[str] = []
    for ch in key:
        if ch in _SAFE_ASCII or (
            ord(ch) >= 0xA0 and ord(ch) < 0xFFF0 and unicodedata.category(ch)[0] in "LMNPS"
        ):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    seg = "".join(out)
    if len(seg) > _MAX_SEGMENT:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
        seg = seg[: _MAX_SEGMENT - 13].rstrip("%0123456789ABCDEF") + "-" + digest
    return seg or "_"


#: The kind of a place's id (``Place/…``): its IRI holds its division code.
_PLACE = EntityType.PLACE.value


def _split_id(node_id: str) -> tuple[str, str]:
    head, sep, tail = node_id.partition("/")
    if sep and head in EntityType._value2member_map_:
        return head, tail
    return "Entity", node_id


def entity_iri(node_id: str, code: str | None = None) -> URIRef:
    """The IRI of an entity: ``id/place/<division code>`` or ``id/<type>/<key>``.

    >>> str(entity_iri("Place/410100", "410100"))
    'https://w3id.org/policykg/id/place/410100'
    >>> str(entity_iri("Agency/郑州市发展和改革委员会"))
    'https://w3id.org/policykg/id/agency/郑州市发展和改革委员会'
    """
    return URIRef(_entity_iri(node_id, code))


def _entity_iri(node_id: str, code: str | None = None) -> str:
    """:func:`entity_iri` as a string (no rdflib term: built for every entity of a build)."""
    kind, key = _split_id(node_id)
    if kind == _PLACE and code and _CODE_RE.match(code):
        key = code
    return f"{ID_NS}{kind.lower()}/{iri_segment(key)}"


def document_iri(key: str) -> URIRef:
    """The IRI of a document (and of its named graph), by its content key."""
    return URIRef(f"{ID_NS}document/{iri_segment(key)}")


def _time_literal(iso: str) -> tuple[str, str]:
    """A stated time's lexical form and datatype: ``xsd:gYear``, ``xsd:gYearMonth``
    or ``xsd:date`` by its precision.

    >>> [_time_literal(x)[1].rsplit("#", 1)[1] for x in ("2024", "2024-01", "2024-01-15")]
    ['gYear', 'gYearMonth', 'date']
    """
    kind = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(iso), XSD.date)
    return iso, str(kind)


def _observation_iri(o: Observation, doc_segment: str) -> str:
    raw = "\x1f".join((o.name, o.value, o.unit, str(o.start), str(o.end)))
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
    return f"{ID_NS}observation/{doc_segment}-{digest}"


def _correction_iri(c: CorrectionRecord) -> str:
    raw = "\x1f".join((c.file, str(c.line), c.action, c.target, c.value))
    return f"{ID_NS}correction/{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:16]}"


def _statement_iri(kind: str, s: str, p: str, o: str, doc: str) -> str:
    raw = "\x1f".join((s, p, o, doc))
    return f"{ID_NS}{kind}/{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:16]}"


_QUALIFIER_IRIS = {
    "more than": str(KGO.MoreThan),
    "less than": str(KGO.LessThan),
    "approximately": str(KGO.Approximately),
}
_MODALITY_IRIS = {Modality.ACCOMPLISHED: str(KGO.Accomplished), Modality.PLANNED: str(KGO.Planned)}


def _sentence_iri(edge: Edge, doc_segment: str) -> str:
    """The IRI of the sentence stating a relation: its document's and its offsets
    (a digest of its text when it has none)."""
    if edge.start is not None and edge.end is not None:
        return f"{ID_NS}sentence/{doc_segment}-{edge.start}-{edge.end}"
    digest = hashlib.sha256((edge.sentence or "").encode("utf-8")).hexdigest()[:16]
    return f"{ID_NS}sentence/{doc_segment}-{digest}"


def _evidence_iri(edge: Edge, doc_segment: str) -> str:
    """The IRI of a relation's evidence; ``doc_segment`` is ``iri_segment(edge.document)``."""
    raw = "\x1f".join(
        (edge.subject, edge.predicate.value, edge.object, str(edge.start), str(edge.end))
    )
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
    return f"{ID_NS}evidence/{doc_segment}-{digest}"


# ---------------------------------------------------------------------------
# Building the statements
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    from kg.resources import data_file

    # the gazetteer's table of places abroad (countries, and cities named as such)
    names: set[str] = set()
    with data_file("gazetteer", "countries.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            names.update((row["name"], row["surface"]))
    return frozenset(names)


def _abroad(graph: KnowledgeGraph) -> set[str]:
    """Ids of code-less places abroad: countries, and places located in or part of one."""
    places = {i for i, n in graph.nodes.items() if n.type is EntityType.PLACE and not n.code}
    countries = _countries()
    abroad = {i for i in places if graph.nodes[i].name in countries}
    links = [
        (e.subject, e.object)
        for e in graph.edges
        if e.predicate in (Predicate.LOCATED_IN, Predicate.PART_OF) and e.subject in places
    ]
    changed = True
    while changed:
        changed = False
        for s, o in links:
            if o in abroad and s not in abroad:
                abroad.add(s)
                changed = True
    return abroad


def _place_classes(node: Node, abroad: bool) -> list[URIRef]:
    code = node.code
    if code and _CODE_RE.match(code):
        if code.endswith("0000"):
            level = KGO.Province
        elif code.endswith("00"):
            level = KGO.City
        else:
            level = KGO.County
        return [KGO.AdministrativeDivision, level]
    if code:
        return []
    if abroad:
        return [KGO.ForeignPlace]
    if node.name.endswith(tables.grammar("township-suffix")):
        return [KGO.Township]
    return []


def _pinyin(name: str) -> str | None:
    if not _CJK_RE.search(name):
        return None
    from pypinyin import Style, lazy_pinyin

    return " ".join(s for s in lazy_pinyin(name, style=Style.TONE) if s.strip())


#: Libraries whose output the RDF files' kept parts hold.
_RDF_PACKAGES = ("pyoxigraph", "rdflib")


def warm() -> None:
    """Load the pinyin tables (most of a second) before they are needed."""
    _pinyin("郑州")


def _number(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _decimal(x: float) -> str:
    """A confidence as the lexical form of an ``xsd:decimal``: four decimals, always.

    >>> _decimal(0.5), _decimal(1.0), _decimal(0.12345)
    ('0.5000', '1.0000', '0.1235')
    """
    return f"{x:.4f}"


def _is_date(value: str) -> bool:
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


# ---------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------

_XSD_STRING = str(XSD.string)
_NNI = str(XSD.nonNegativeInteger)
_DECIMAL = str(XSD.decimal)


class _Terms:
    """pyoxigraph terms paired with their N-Triples form, repeated ones built once.

    IRIs and short literals (names, codes, numbers) are cached; evidence
    sentences are not, so the cache stays proportional to the entities, not to
    the text of the corpus.
    """

    def __init__(self) -> None:
        self._iris: dict[str, tuple[str, ox.NamedNode]] = {}
        self._lits: dict[tuple[str, str | None, str | None], tuple[str, ox.Literal]] = {}

    def iri(self, value: str) -> tuple[str, ox.NamedNode]:
        hit = self._iris.get(value)
        if hit is None:
            node = ox.NamedNode(value)
            hit = self._iris[value] = (str(node), node)
        return hit

    def lit(
        self, value: str, *, lang: str | None = None, datatype: str | None = None
    ) -> tuple[str, ox.Literal]:
        key = (value, lang, datatype)
        hit = self._lits.get(key)
        if hit is None:
            hit = self._lits[key] = self.fresh_lit(value, lang=lang, datatype=datatype)
        return hit

    @staticmethod
    def fresh_iri(value: str) -> tuple[str, ox.NamedNode]:
        node = ox.NamedNode(value)
        return str(node), node

    @staticmethod
    def fresh_lit(
        value: str, *, lang: str | None = None, datatype: str | None = None
    ) -> tuple[str, ox.Literal]:
        if lang:
            lit = ox.Literal(value, language=lang)
        elif datatype and datatype != _XSD_STRING:
            lit = ox.Literal(value, datatype=ox.NamedNode(datatype))
        else:
            lit = ox.Literal(value)
        return str(lit), lit


Pair = tuple[str, Any]  # (N-Triples form, pyoxigraph term)
_Statements = dict[tuple[str, str, str], tuple[Any, Any, Any]]


def _add(out: _Statements, s: Pair, p: Pair, o: Pair) -> None:
    out[(s[0], p[0], o[0])] = (s[1], p[1], o[1])


def _sorted(out: _Statements) -> list[Statement]:
    """The statements in canonical order (by N-Triples form); keys are unique, so
    terms are never compared (the keys alone are sorted: quicker than the pairs)."""
    get = out.__getitem__
    return [(k, get(k)) for k in sorted(out)]


# ---------------------------------------------------------------------------
# Building the statements, one named graph at a time
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamedGraph:
    """One named graph of the dataset: its IRI, its statements (sorted, unique) and,
    for a document's graph, the document's key."""

    iri: str
    term: ox.NamedNode
    statements: list[Statement]
    document: str | None = None

    @property
    def key(self) -> str:
        """The graph name in N-Quads form (``<iri>``)."""
        return f"<{self.iri}>"


class _DatasetBuilder:
    """The dataset of a knowledge graph, built graph by graph on demand.

    Holds what every graph needs (entity IRIs, each document's relations and
    mentioned entities: references into the knowledge graph, not copies) and
    builds one document's statements at a time.
    """

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph
        self._entities: NamedGraph | None = None
        #: The pinyin of a name (replaced by a memo when fragments are kept).
        self.pinyin: Callable[[str], str | None] = _pinyin
        t = self.t = _Terms()
        self.iris: dict[str, Pair] = {}
        for nid, n in graph.nodes.items():
            code = n.code if n.type is EntityType.PLACE else None
            self.iris[nid] = t.iri(_entity_iri(nid, code))
        self.by_doc: dict[str, list[Edge]] = {}
        self.gazetteer: list[Edge] = []
        self.curated: list[Edge] = []
        edges = graph.edges
        ends = {e.subject for e in edges}
        ends.update(e.object for e in edges)
        for nid in sorted(ends.difference(self.iris)):  # ids of no node (rare)
            self.iris[nid] = t.iri(_entity_iri(nid))
        gazetteer, curated = Source.GAZETTEER, Source.CURATED
        # a graph's edges come document by document: a list per run of them
        for (doc, source), run in itertools.groupby(edges, key=lambda e: (e.document, e.source)):
            if source is gazetteer:
                self.gazetteer.extend(run)
            elif source is curated:
                self.curated.extend(run)
            else:
                self.by_doc.setdefault(doc, []).extend(run)
        self.observations: dict[str, list[Observation]] = {}
        for o in graph.observations:
            self.observations.setdefault(o.document, []).append(o)
        self.dates = {d.key: d.date for d in graph.documents}
        self.mentioned: dict[str, list[str]] = {}
        for nid, node in graph.nodes.items():
            for key in node.documents:
                self.mentioned.setdefault(key, []).append(nid)
        self.props = {p: t.iri(str(relation_property(p))) for p in Predicate}
        self.relation_keys = frozenset(k for k, _ in self.props.values())
        iri = t.iri
        self.rdf_type = iri(str(RDF.type))
        self.label, self.alt = iri(str(RDFS.label)), iri(str(SKOS.altLabel))
        self.ev = {
            name: iri(str(term))
            for name, term in (
                ("Evidence", KGO.Evidence),
                ("subject", RDF.subject),
                ("predicate", RDF.predicate),
                ("object", RDF.object),
                ("derived", PROV.wasDerivedFrom),
                ("sentence", KGO.sentence),
                ("Sentence", KGO.Sentence),
                ("inSentence", KGO.inSentence),
                ("text", KGO.text),
                ("start", KGO.startOffset),
                ("end", KGO.endOffset),
                ("mentions", KGO.mentions),
                ("confidence", KGO.confidence),
                ("date", DCTERMS.date),
                ("statedTime", KGO.statedTime),
                ("year", KGO.year),
                ("modality", KGO.modality),
            )
        }

    # -- the shared graphs -------------------------------------------------

    def entity_graph(self) -> NamedGraph:
        if self._entities is not None:
            return self._entities
        out: _Statements = {}
        abroad = _abroad(self.graph)
        for nid, node in self.graph.nodes.items():
            self._entity(out, node, self.iris[nid], nid in abroad)
        self._entities = self._named(str(ENTITIES_GRAPH), out)
        return self._entities

    def _entity(self, out: _Statements, node: Node, s: Pair, abroad: bool) -> None:
        t, iri = self.t, self.t.iri
        _add(out, s, self.rdf_type, iri(str(entity_class(node.type))))
        if node.type is EntityType.PLACE:
            for cls in _place_classes(node, abroad):
                _add(out, s, self.rdf_type, iri(str(cls)))
        _add(out, s, self.label, t.lit(node.name, lang="zh"))
        for alias in node.aliases:
            if alias != node.name:
                _add(out, s, self.alt, t.lit(alias, lang="zh"))
        py = self.pinyin(node.name)
        if py:
            # BCP 47 tags are case-insensitive; lower case is what pyoxigraph writes back
            _add(out, s, self.label, t.lit(py, lang="zh-latn-pinyin"))
        if node.code:
            _add(out, s, iri(str(KGO.divisionCode)), t.lit(node.code))
        if node.longitude is not None and node.latitude is not None:
            lon, lat = _number(node.longitude), _number(node.latitude)
            geom = iri(f"{s[1].value}/geometry")
            _add(out, s, iri(str(GEO.hasGeometry)), geom)
            _add(out, geom, self.rdf_type, iri(str(GEO.Geometry)))
            wkt = t.fresh_lit(f"POINT({lon} {lat})", datatype=str(GEO.wktLiteral))
            _add(out, geom, iri(str(GEO.asWKT)), wkt)
            dec = str(XSD.decimal)
            _add(out, s, iri(str(SCHEMA.longitude)), t.lit(lon, datatype=dec))
            _add(out, s, iri(str(SCHEMA.latitude)), t.lit(lat, datatype=dec))
        count = t.lit(str(node.mentions), datatype=_NNI)
        _add(out, s, iri(str(KGO.mentionCount)), count)
        conf = t.lit(_decimal(node.confidence), datatype=_DECIMAL)
        _add(out, s, self.ev["confidence"], conf)

    def gazetteer_graph(self) -> NamedGraph | None:
        if not self.gazetteer:
            return None
        t = self.t
        g = t.iri(str(GAZETTEER_GRAPH))
        out: _Statements = {}
        _add(out, g, self.rdf_type, t.iri(str(KGO.Gazetteer)))
        label = t.lit("national administrative-division table", lang="en")
        _add(out, g, self.label, label)
        for e in self.gazetteer:
            _add(out, self.iris[e.subject], self.props[e.predicate], self.iris[e.object])
        return self._named(str(GAZETTEER_GRAPH), out)

    def corrections_graph(self) -> NamedGraph | None:
        """The corrections (applied and stale), what they changed, and the relations
        researchers added (each also stated in this graph)."""
        if not self.graph.corrections and not self.curated:
            return None
        t, iri, lit = self.t, self.t.iri, self.t.lit
        out: _Statements = {}
        typ = self.rdf_type
        docs = {d.key: d for d in self.graph.documents}

        def iri_of(nid: str) -> Pair:
            hit = self.iris.get(nid)
            return hit if hit is not None else iri(_entity_iri(nid))

        for c in self.graph.corrections:
            x = t.fresh_iri(_correction_iri(c))
            _add(out, x, typ, iri(str(KGO.Correction)))
            _add(out, x, iri(str(KGO.action)), lit(c.action))
            _add(out, x, iri(str(KGO.correctionTarget)), t.fresh_lit(c.target))
            if c.value:
                _add(out, x, iri(str(KGO.correctionValue)), t.fresh_lit(c.value))
            _add(
                out,
                x,
                iri(str(KGO.sourceLine)),
                lit(str(c.line), datatype=str(XSD.positiveInteger)),
            )
            _add(out, x, iri(str(DCTERMS.source)), t.fresh_lit(c.file))
            _add(out, x, iri(str(KGO.status)), lit(c.status))
            if c.note:
                _add(out, x, iri(str(SKOS.note)), t.fresh_lit(c.note))
            if c.detail:
                _add(out, x, iri(str(RDFS.comment)), t.fresh_lit(c.detail, lang="en"))
            if c.by:
                _add(out, x, iri(str(DCTERMS.creator)), t.fresh_lit(c.by))
            if c.date and _is_date(c.date):
                _add(out, x, iri(str(DCTERMS.date)), lit(c.date, datatype=str(XSD.date)))
            for nid in c.changed:
                _add(out, x, iri(str(PROV.used)), iri_of(nid))
            for s_, p_, o_, doc in c.relations:
                if c.action == "add-relation":
                    continue  # the curated statement itself, below
                gone = t.fresh_iri(_statement_iri("statement", s_, p_, o_, doc))
                _add(out, gone, typ, iri(str(RDF.Statement)))
                _add(out, gone, self.ev["subject"], iri_of(s_))
                _add(out, gone, self.ev["predicate"], iri(str(relation_property(Predicate(p_)))))
                _add(out, gone, self.ev["object"], iri_of(o_))
                if doc in docs:
                    _add(out, gone, self.ev["derived"], t.fresh_iri(str(document_iri(doc))))
                _add(out, x, iri(str(PROV.invalidated)), gone)
        by_line = {(c.file, c.line): c for c in self.graph.corrections}
        for e in self.curated:
            subj, pred, obj = iri_of(e.subject), self.props[e.predicate], iri_of(e.object)
            _add(out, subj, pred, obj)
            added = t.fresh_iri(
                _statement_iri("curated", e.subject, e.predicate.value, e.object, e.document)
            )
            _add(out, added, typ, iri(str(KGO.CuratedStatement)))
            _add(out, added, self.ev["subject"], subj)
            _add(out, added, self.ev["predicate"], pred)
            _add(out, added, self.ev["object"], obj)
            if e.document in docs:
                _add(out, added, self.ev["derived"], t.fresh_iri(str(document_iri(e.document))))
            file, _, line = (e.note or "").rpartition(":")
            made = by_line.get((file, int(line))) if line.isdigit() else None
            if made is not None:
                by = t.fresh_iri(_correction_iri(made))
                _add(out, added, iri(str(PROV.wasGeneratedBy)), by)
                _add(out, by, iri(str(PROV.generated)), added)
        return self._named(str(CORRECTIONS_GRAPH), out)

    def indicators_graph(self) -> NamedGraph | None:
        """The dataset the documents' indicator observations belong to (when there are any)."""
        if not self.graph.observations:
            return None
        t = self.t
        out: _Statements = {}
        ds = t.iri(INDICATOR_DATASET)
        _add(out, ds, self.rdf_type, t.iri(str(QB.DataSet)))
        _add(out, ds, t.iri(str(QB.structure)), t.iri(str(KGO.IndicatorStructure)))
        _add(out, ds, self.label, t.lit("indicators stated in the documents", lang="en"))
        _add(out, ds, self.label, t.lit("文件所述指标", lang="zh"))
        return self._named(str(INDICATORS_GRAPH), out)

    def relations(self) -> _Statements:
        """The relations stated in the texts, without their evidence (each once)."""
        out: _Statements = {}
        for edges in self.by_doc.values():
            for e in edges:
                _add(out, self.iris[e.subject], self.props[e.predicate], self.iris[e.object])
        return out

    def merged(self) -> list[Statement]:
        """The merged graph's statements except the documents' own (document and
        evidence resources): entity descriptions, gazetteer facts and relations."""
        out: _Statements = {}
        for ng in (
            self.entity_graph(),
            self.gazetteer_graph(),
            self.corrections_graph(),
            self.indicators_graph(),
        ):
            if ng is not None:
                out.update(ng.statements)
        out.update(self.relations())
        return _sorted(out)

    # -- documents -----------------------------------------------------------

    def documents(self) -> list[DocumentInfo]:
        """The documents in the order of their graphs' IRIs."""
        # the IRIs share their beginning: the segments decide
        return sorted(self.graph.documents, key=lambda d: iri_segment(d.key))

    def document_graph(self, doc: DocumentInfo) -> NamedGraph:
        t = self.t
        seg = iri_segment(doc.key)
        d_iri = f"{ID_NS}document/{seg}"
        dk, dt = t.fresh_iri(d_iri)
        # statements stored straight into the dict (key: N-Triples forms, value:
        # terms): thousands of documents, a hundred statements each
        out: _Statements = {}
        iri, lit = t.iri, t.lit
        (tk, tt), (ck, ct) = self.rdf_type, iri(str(KGO.Document))
        out[(dk, tk, ck)] = (dt, tt, ct)
        for (pk, pt), (ok, ot) in (
            (iri(str(DCTERMS.identifier)), t.fresh_lit(doc.name)),
            (iri(str(KGO.characterCount)), lit(str(doc.length), datatype=_NNI)),
        ):
            out[(dk, pk, ok)] = (dt, pt, ot)
        for field_name, value in doc.metadata:
            spec = _METADATA.get(field_name)
            value = value.strip()
            if spec is None or not value:
                continue
            prop, is_date = spec
            if is_date:
                if not _is_date(value):
                    continue
                ok, ot = lit(value, datatype=str(XSD.date))
            elif field_name in _ZH_FIELDS:
                ok, ot = t.fresh_lit(value, lang="zh")
            else:
                ok, ot = t.fresh_lit(value)
            pk, pt = iri(str(prop))
            out[(dk, pk, ok)] = (dt, pt, ot)
        iris = self.iris
        mk, mt = self.ev["mentions"]
        for nid in self.mentioned.get(doc.key, ()):
            ok, ot = iris[nid]
            out[(dk, mk, ok)] = (dt, mt, ot)
        ev = self.ev
        (ek, et), (sk_, st_), (pk_, pt_), (ok_, ot_) = (
            ev["Evidence"],
            ev["subject"],
            ev["predicate"],
            ev["object"],
        )
        (fk, ft), (zk, zt), (ak, at), (bk, bt), (qk, qt) = (
            ev["derived"],
            ev["text"],
            ev["start"],
            ev["end"],
            ev["confidence"],
        )
        (sck, sct), (ik, it) = ev["Sentence"], ev["inSentence"]
        props = self.props
        fresh_iri, fresh_lit = t.fresh_iri, t.fresh_lit
        date = self.dates.get(doc.key)
        date_pair = lit(date, datatype=str(XSD.date)) if date else None
        (dak, dat), (stk, stt), (yk, yt), (mok, mot) = (
            ev["date"],
            ev["statedTime"],
            ev["year"],
            ev["modality"],
        )
        integer = str(XSD.integer)
        for e in self.by_doc.get(doc.key, ()):
            (sk, st), (pk, pt), (ok, ot) = iris[e.subject], props[e.predicate], iris[e.object]
            out[(sk, pk, ok)] = (st, pt, ot)
            xk, xt = fresh_iri(_evidence_iri(e, seg))
            out[(xk, tk, ek)] = (xt, tt, et)
            out[(xk, sk_, sk)] = (xt, st_, st)
            out[(xk, pk_, pk)] = (xt, pt_, pt)
            out[(xk, ok_, ok)] = (xt, ot_, ot)
            out[(xk, fk, dk)] = (xt, ft, dt)
            if e.sentence is not None:
                # the sentence once, however many relations it states
                nk, nt = fresh_iri(_sentence_iri(e, seg))
                out[(xk, ik, nk)] = (xt, it, nt)
                if (nk, tk, sck) not in out:
                    out[(nk, tk, sck)] = (nt, tt, sct)
                    out[(nk, fk, dk)] = (nt, ft, dt)
                    vk, vt = fresh_lit(e.sentence, lang="zh")
                    out[(nk, zk, vk)] = (nt, zt, vt)
                    if e.start is not None:
                        vk, vt = lit(str(e.start), datatype=_NNI)
                        out[(nk, ak, vk)] = (nt, at, vt)
                    if e.end is not None:
                        vk, vt = lit(str(e.end), datatype=_NNI)
                        out[(nk, bk, vk)] = (nt, bt, vt)
            vk, vt = lit(_decimal(e.confidence), datatype=_DECIMAL)
            out[(xk, qk, vk)] = (xt, qt, vt)
            if date_pair is not None:
                out[(xk, dak, date_pair[0])] = (xt, dat, date_pair[1])
            if e.time:
                value, datatype = _time_literal(e.time)
                vk, vt = lit(value, datatype=datatype)
                out[(xk, stk, vk)] = (xt, stt, vt)
            year = fact_year(e.time, date)
            if year is not None:
                vk, vt = lit(str(year), datatype=integer)
                out[(xk, yk, vk)] = (xt, yt, vt)
            if e.modality is not None:
                mk, mt = iri(_MODALITY_IRIS[e.modality])
                out[(xk, mok, mk)] = (xt, mot, mt)
        for o in self.observations.get(doc.key, ()):
            self._observation(out, o, seg, (dk, dt))
        return self._named(d_iri, out, document=doc.key)

    def _observation(self, out: _Statements, o: Observation, seg: str, doc: Pair) -> None:
        """One figure as a ``qb:Observation`` in its document's graph."""
        t, iri, lit = self.t, self.t.iri, self.t.lit
        x = t.fresh_iri(_observation_iri(o, seg))
        _add(out, x, self.rdf_type, iri(str(QB.Observation)))
        _add(out, x, iri(str(QB.dataSet)), iri(INDICATOR_DATASET))
        _add(out, x, iri(str(KGO.indicator)), lit(o.name, lang="zh"))
        _add(out, x, iri(str(KGO.value)), lit(o.value, datatype=_DECIMAL))
        _add(out, x, iri(str(KGO.unit)), lit(o.unit))
        _add(out, x, iri(str(KGO.statedValue)), lit(o.stated, lang="zh"))
        if o.qualifier in _QUALIFIER_IRIS:
            _add(out, x, iri(str(KGO.qualifier)), iri(_QUALIFIER_IRIS[o.qualifier]))
        if o.place is not None and o.place in self.iris:
            _add(out, x, iri(str(KGO.refPlace)), self.iris[o.place])
        if o.period:
            value, datatype = _time_literal(o.period)
            _add(out, x, iri(str(KGO.refPeriod)), lit(value, datatype=datatype))
        _add(out, x, self.ev["sentence"], t.fresh_lit(o.sentence, lang="zh"))
        _add(out, x, self.ev["start"], lit(str(o.start), datatype=_NNI))
        _add(out, x, self.ev["end"], lit(str(o.end), datatype=_NNI))
        _add(out, x, self.ev["derived"], doc)

    def _named(self, iri: str, out: _Statements, document: str | None = None) -> NamedGraph:
        return NamedGraph(iri, ox.NamedNode(iri), _sorted(out), document)

    def document_inputs(self, doc: DocumentInfo) -> tuple[object, ...]:
        """Everything :meth:`document_graph` reads for ``doc``, as plain values.

        For a document with a digest of its summary (see
        :class:`kg.graph.DocumentInfo`), that digest stands for all the document
        gave the graph (its name, metadata, entities and relations), and the IRIs
        of its places are added: a place's IRI holds the division code merged
        from every document. Other entities' IRIs follow from their ids.
        """
        iris = self.iris
        if doc.digest:
            edges = self.by_doc.get(doc.key, ())
            ids = {*self.mentioned.get(doc.key, ()), *(e.subject for e in edges)}
            ids.update(e.object for e in edges)
            places = (i for i in ids if _split_id(i)[0] == _PLACE)
            return (doc.digest, sorted((i, iris[i][0]) for i in places))
        return (
            (doc.key, doc.name, doc.metadata, doc.length),
            [(nid, iris[nid][0]) for nid in self.mentioned.get(doc.key, ())],
            [
                (e.subject, iris[e.subject][0], e.predicate.value, e.object, iris[e.object][0])
                + (e.source.value, e.sentence, e.start, e.end, e.confidence)
                + (e.time, str(e.modality))
                for e in self.by_doc.get(doc.key, ())
            ],
            [
                (o.name, o.value, o.unit, o.stated, o.start, o.end, o.sentence, o.qualifier)
                + (o.place, iris[o.place][0] if o.place in iris else None, o.period)
                for o in self.observations.get(doc.key, ())
            ],
        )

    def shared_graphs(self) -> list[NamedGraph]:
        """The entity and the gazetteer graph (when not empty), in the order of their IRIs."""
        # ``id/graph/entities`` and ``id/graph/gazetteer`` sort after every ``id/document/…``
        shared = (
            self.entity_graph(),
            self.gazetteer_graph(),
            self.corrections_graph(),
            self.indicators_graph(),
        )
        return sorted((g for g in shared if g is not None and g.statements), key=_iri_of)

    def graphs(self) -> Iterator[NamedGraph]:
        """Every non-empty named graph, in the order of the graphs' IRIs."""
        for doc in self.documents():
            yield self.document_graph(doc)
        yield from self.shared_graphs()


def _iri_of(g: NamedGraph) -> str:
    return g.iri


def iter_graphs(graph: KnowledgeGraph) -> Iterator[NamedGraph]:
    """The dataset one named graph at a time: documents' graphs, the entity and the
    gazetteer graph, in the order of their IRIs, each graph's statements sorted.

    Only one document's graph is built at a time.
    """
    return _DatasetBuilder(graph).graphs()


def ox_quads(graph: KnowledgeGraph) -> Iterator[ox.Quad]:
    """Every statement of the dataset as a pyoxigraph quad, in canonical order, unique."""
    for ng in iter_graphs(graph):
        g = ng.term
        for _, (s, p, o) in ng.statements:
            yield ox.Quad(s, p, o, g)


def _rdflib_term(t: ox.NamedNode | ox.Literal) -> URIRef | Literal:
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    if t.datatype.value != _XSD_STRING:
        return Literal(t.value, datatype=URIRef(t.datatype.value))
    return Literal(t.value)


def iter_quads(graph: KnowledgeGraph) -> Iterator[Quad]:
    """Every statement of the dataset as rdflib terms ``(subject, predicate, object, graph)``.

    Canonical order, no duplicates (see :func:`iter_graphs`).
    """
    cache: dict[str, URIRef | Literal] = {}

    def conv(key: str, term: ox.NamedNode | ox.Literal) -> Any:
        hit = cache.get(key)
        if hit is None:
            hit = _rdflib_term(term)
            if len(cache) < 200_000:
                cache[key] = hit
        return hit

    for ng in iter_graphs(graph):
        g = URIRef(ng.iri)
        for (sk, pk, ok), (s, p, o) in ng.statements:
            yield conv(sk, s), conv(pk, p), conv(ok, o), g


def to_dataset(graph: KnowledgeGraph) -> Dataset:
    """The knowledge graph as an rdflib :class:`~rdflib.Dataset` (one named graph per document).

    Built on demand (the API's ``Graph.rdf()``); ``kg build`` never builds it.

    >>> from kg.graph import KnowledgeGraph, Node
    >>> from kg.types import EntityType
    >>> kg = KnowledgeGraph(nodes={"Place/410100": Node("Place/410100", "郑州市",
    ...     EntityType.PLACE, code="410100")})
    >>> ds = to_dataset(kg)
    >>> sorted(str(o) for o in ds.objects(None, KGO.divisionCode))
    ['410100']
    """
    ds = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    for s, p, o, g in iter_quads(graph):
        ds.graph(g).add((s, p, o))
    return ds


def merged_graph(graph: KnowledgeGraph) -> Graph:
    """The union of the dataset's named graphs, as one rdflib :class:`~rdflib.Graph`."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for s, p, o, _ in iter_quads(graph):
        g.add((s, p, o))
    return g


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def load_context() -> dict:
    """The JSON-LD context (``ontology/context.jsonld``) as a dict (its ``@context``)."""
    path = ontology_dir() / "context.jsonld"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as exc:
        raise OutputError(f"{path}: cannot read the JSON-LD context: {exc}") from exc


def _prefixes() -> dict[str, str]:
    # ``id:`` is left out: entity local names hold "/", which prefixed names cannot
    return {k: v for k, v in PREFIXES.items() if k not in ("id",)}


_LOCAL_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_DECIMAL_RE = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_ID_KEY = f"<{ID_NS}"
_RDF_TYPE_KEY = f"<{RDF.type}>"
_XSD_DECIMAL = str(XSD.decimal)


class _TurtleText:
    """Turtle and TriG written as text from the statements' N-Triples forms.

    The N-Triples form of a term is valid Turtle; IRIs in a known namespace with
    a plain local name become prefixed names (``kgo:Agency``), ``rdf:type`` is
    ``a``, typed literals name their datatype by prefix and decimals are bare
    numbers. Subjects are grouped (``;``), then objects (``,``), as pyoxigraph
    writes them. Entity, document and evidence IRIs stay whole: their local
    names hold characters prefixed names cannot.
    """

    def __init__(self) -> None:
        self.prefixes = _prefixes()
        self._ns = sorted(self.prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self._cache: dict[str, str] = {}

    def header(self) -> str:
        return "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(self.prefixes.items()))

    def _iri(self, iri: str) -> str:
        for prefix, ns in self._ns:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                if _LOCAL_RE.fullmatch(local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"

    def term(self, key: str) -> str:
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if key[0] == "<":
            if key.startswith(_ID_KEY):
                hit = key
        elif key[-1] != ">":  # a plain or language-tagged literal
            hit = key
        if hit is None:
            if key[0] == "<":
                hit = self._iri(key[1:-1])
            else:
                lexical, _, datatype = key[:-1].rpartition('"^^<')
                if datatype == _XSD_DECIMAL and _DECIMAL_RE.fullmatch(lexical[1:]):
                    hit = lexical[1:]
                else:
                    hit = f'{lexical}"^^{self._iri(datatype)}'
        if len(key) <= 120 and len(self._cache) < 200_000:  # not the sentences
            self._cache[key] = hit
        return hit

    def block(self, statements: list[Statement], indent: str = "") -> str:
        """Subjects with their predicates and objects, grouped, one subject per block."""
        out: list[str] = []
        term = self.term
        prev_s = prev_p = ""
        for (sk, pk, ok), _ in statements:
            if sk != prev_s:
                if prev_s:
                    out.append(" .\n")
                pred = "a" if pk == _RDF_TYPE_KEY else term(pk)
                out.append(f"{indent}{term(sk)} {pred} {term(ok)}")
                prev_s, prev_p = sk, pk
            elif pk != prev_p:
                pred = "a" if pk == _RDF_TYPE_KEY else term(pk)
                out.append(f" ;\n{indent}\t{pred} {term(ok)}")
                prev_p = pk
            else:
                out.append(f" , {term(ok)}")
        if prev_s:
            out.append(" .\n")
        return "".join(out)

    def graph(self, name_key: str, statements: list[Statement]) -> str:
        """One named graph in TriG."""
        if not statements:
            return ""
        return f"{name_key} {{\n{self.block(statements, chr(9))}}}\n"


#: ``json.dumps(x, ensure_ascii=False, sort_keys=True)`` with one encoder for every
#: call (``json.dumps`` with options builds an encoder each time: thousands of nodes).
_JSON_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


class _JsonLd:
    """Compacted JSON-LD written node by node, with the embedded context's terms.

    A property is written under its term when the context defines one and the
    value fits the term's coercion (``@id``, or the datatype); otherwise under
    its compact IRI with an explicit value object. Keys are sorted, values in
    canonical order; a single value is written bare. One node object per line.
    """

    def __init__(self, f: IO[bytes] | KeptFile, ctx: dict) -> None:
        self.f = f
        self.ctx = ctx
        self.prefixes = {k: v for k, v in ctx.items() if isinstance(v, str)}
        self.terms: dict[str, tuple[str, str | None]] = {}
        for name, spec in ctx.items():
            if isinstance(spec, dict) and "@id" in spec:
                coerce = spec.get("@type")
                if coerce is not None and coerce != "@id":
                    coerce = self._expand(coerce)
                self.terms[self._expand(spec["@id"])] = (name, coerce)
        self._compact: dict[str, str] = {}
        self._memo: dict[tuple[str, str], tuple[str, Any]] = {}
        self.first = True

    def _expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def compact(self, iri: str) -> str:
        hit = self._compact.get(iri)
        if hit is None:
            best = ""
            for prefix, ns in self.prefixes.items():
                if iri.startswith(ns) and len(iri) > len(ns) and len(ns) > len(best):
                    best, hit = ns, f"{prefix}:{iri[len(ns) :]}"
            if hit is None or hit.split(":", 1)[1].startswith("//"):
                hit = iri
            self._compact[iri] = hit
        return hit

    def value(self, o: ox.NamedNode | ox.Literal) -> Any:
        if isinstance(o, ox.NamedNode):
            return {"@id": o.value}
        if o.language:
            return {"@language": o.language, "@value": o.value}
        dt = o.datatype.value
        if dt == _XSD_STRING:
            return o.value
        return {"@type": self.compact(dt), "@value": o.value}

    def entry(self, p: str, o: ox.NamedNode | ox.Literal) -> tuple[str, Any]:
        term = self.terms.get(p)
        if term is not None:
            name, coerce = term
            if coerce is None:
                return name, self.value(o)
            if coerce == "@id":
                if isinstance(o, ox.NamedNode):
                    return name, o.value
            elif isinstance(o, ox.Literal) and not o.language and o.datatype.value == coerce:
                return name, o.value
        return self.compact(p), self.value(o)

    def begin(self) -> None:
        ctx = json.dumps(self.ctx, ensure_ascii=False, indent=1, sort_keys=True)
        self.f.write(('{\n "@context": ' + ctx.replace("\n", "\n ") + ',\n "@graph": [').encode())

    def nodes(self, statements: list[Statement]) -> None:
        """Write the node objects of ``statements`` (sorted, so grouped by subject)."""
        self.write(self.text(statements).encode("utf-8"))

    def lead(self) -> bytes:
        """What goes before the next node object: the opening of the list, or a comma."""
        return b"\n  " if self.first else b",\n  "

    def write(self, text: bytes) -> None:
        """Write node objects made by :meth:`text` (in UTF-8)."""
        if text:
            self.f.write(self.lead())
            self.f.write(text)
            self.first = False

    def text(self, statements: list[Statement]) -> str:
        """The node objects of ``statements``, one per line, separated by commas."""
        # what a (predicate, object) pair becomes, by their N-Triples forms: the
        # same pairs recur in every document (types, links to entities, offsets)
        memo = self._memo
        chunk: list[str] = []
        i, n = 0, len(statements)
        while i < n:
            sk = statements[i][0][0]
            node: dict[str, Any] = {"@id": sk[1:-1]}  # a subject is an IRI: <…>
            types: list[str] = []
            props: dict[str, list[Any]] = {}
            while i < n and statements[i][0][0] == sk:
                (_, pk, ok), (_, p, o) = statements[i]
                i += 1
                hit = memo.get((pk, ok))
                if hit is None:
                    if pk == _RDF_TYPE_KEY and isinstance(o, ox.NamedNode):
                        hit = ("@type", self.compact(o.value))
                    else:
                        hit = self.entry(p.value, o)
                    if len(ok) <= 120 and len(memo) < 200_000:  # not the sentences
                        memo[(pk, ok)] = hit
                key, val = hit
                if key == "@type":
                    types.append(val)
                else:
                    props.setdefault(key, []).append(val)
            if types:
                node["@type"] = types[0] if len(types) == 1 else sorted(types)
            for key, vals in props.items():
                node[key] = vals[0] if len(vals) == 1 else vals
            chunk.append(_JSON_SORTED(node))
        return ",\n  ".join(chunk)

    def end(self) -> None:
        self.f.write(b"]\n}\n" if self.first else b"\n ]\n}\n")


def _by_subject(statements: list[Statement], size: int = 20_000) -> Iterator[list[Statement]]:
    """``statements`` (sorted) in consecutive pieces of about ``size``, never splitting
    one subject's statements (Turtle and JSON-LD group them).

    >>> [len(c) for c in _by_subject([(("a", "p", "1"), 0), (("a", "p", "2"), 0),
    ...                                (("b", "p", "1"), 0)], size=1)]
    [2, 1]
    """
    start, n = 0, len(statements)
    while start < n:
        end = min(start + size, n)
        while end < n and statements[end][0][0] == statements[end - 1][0][0]:
            end += 1
        yield statements[start:end]
        start = end


def write_rdf(
    graph: KnowledgeGraph,
    out_dir: str | Path,
    *,
    fragments: Fragments | None = None,
    store: StoreWriter | None = None,
) -> list[Path]:
    """Write ``graph.ttl``, ``graph.trig``, ``graph.jsonld`` and ``graph.nq`` into ``out_dir``.

    The files are written streaming, in one pass over the documents: each
    document's named graph is built once and written to the four files (its
    own resources only to Turtle and JSON-LD, which begin with the merged
    graph's entity descriptions and relations; the dataset's shared graphs end
    TriG and N-Quads). The same graph gives byte-identical files on every run
    and machine. With ``fragments`` (a cache folder), each document's part of
    the files is kept and reused by the next build while its inputs stay the
    same (see :mod:`kg.export.fragments`); the files are the same either way.
    With ``store``, the SPARQL store is written alongside (see
    :class:`kg.export.store.StoreWriter`: it is given each named graph as it is
    built, and the files once complete; its folder is not among the paths returned).
    Returns the written paths in the order of :data:`RDF_FILES`.
    """
    from kg.export.fragments import code_digest, digest, kept_file, kept_parts, open_store

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder: {exc}") from exc
    ttl, trig, jsonld, nq = paths = [out / name for name in RDF_FILES]
    builder = _DatasetBuilder(graph)
    turtle = _TurtleText()
    rel = builder.relation_keys
    try:
        with contextlib.ExitStack() as stack:
            # written in UTF-8 bytes: parts of the previous build's files are copied
            f_ttl, f_json, f_trig, f_nq = (
                stack.enter_context(kept_file(p, fragments)) for p in (ttl, jsonld, trig, nq)
            )
            ctx = load_context()
            # the parts hold pyoxigraph's N-Triples forms of terms and, in JSON-LD,
            # names from the context: both count
            code = code_digest(__name__, "kg.vocab", "kg.export.fragments", packages=_RDF_PACKAGES)
            code_merged = digest(code, json.dumps(ctx, sort_keys=True))
            code_dataset = digest(code, None)
            if fragments:
                # pypinyin takes most of a second to load: names seen before skip it
                kept = stack.enter_context(open_store(fragments, "pinyin"))
                by_name = code_digest(__name__, packages=("pypinyin",))

                def pinyin(name: str) -> str | None:
                    py = kept.fetch(digest(by_name, name), lambda: (_pinyin(name) or "",))[0]
                    return py.decode("utf-8") or None

                builder.pinyin = pinyin
            documents = builder.documents()
            if store is not None:
                store.begin(builder, documents)
            # a document's named graph, built once for the four files and the
            # store (if at all)
            graph_of = lru_cache(maxsize=1)(builder.document_graph)
            w_json = _JsonLd(f_json, ctx)
            w_json.begin()
            # Turtle and JSON-LD: the merged graph, entity descriptions (with their
            # relations) first, then each document's own resources
            statements = builder.merged()
            if statements or graph.documents:
                f_ttl.write(turtle.header().encode())
            for chunk in _by_subject(statements):  # a large graph's text never whole
                f_ttl.write(turtle.block(chunk).encode("utf-8"))
                w_json.nodes(chunk)
            del statements
            # TriG and N-Quads: each document's graph, then the shared ones; the
            # prefixes come first when any graph is written (a document's graph
            # has its type at least)
            shared = [_dataset_texts(turtle, ng) for ng in builder.shared_graphs()]
            if documents or any(trig_text for trig_text, _ in shared):
                f_trig.write(turtle.header().encode())
            for doc in documents:
                inputs = builder.document_inputs(doc) if fragments else None
                key = digest(code_dataset, inputs) if fragments else b""

                def dataset(doc: DocumentInfo = doc) -> tuple[str, str]:
                    """The document's named graph in TriG and N-Quads."""
                    return _dataset_texts(turtle, graph_of(doc))

                kept_parts((f_trig, f_nq), key, dataset)
                # a document has statements of its own (its type at least)
                lead = w_json.lead()
                key = digest(code_merged, inputs, lead) if fragments else b""

                def own(doc: DocumentInfo = doc, lead: bytes = lead) -> tuple[bytes, bytes]:
                    """The document's own resources (no relations) in Turtle and JSON-LD
                    (after ``lead``, the separator of node objects)."""
                    mine = [x for x in graph_of(doc).statements if x[0][1] not in rel]
                    return turtle.block(mine).encode(), lead + w_json.text(mine).encode()

                kept_parts((f_ttl, f_json), key, own)
                w_json.first = False
                if store is not None:
                    store.document(doc, graph_of)
            if store is not None:
                store.shared(builder.shared_graphs(), (str(ENTITIES_GRAPH), str(GAZETTEER_GRAPH)))
            for trig_text, quads in shared:
                f_trig.write(trig_text.encode("utf-8"))
                f_nq.write(quads.encode("utf-8"))
            w_json.end()
        if store is not None:
            store.finish(nq, ttl)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write RDF: {exc}") from exc
    return paths


def _dataset_texts(turtle: _TurtleText, ng: NamedGraph) -> tuple[str, str]:
    """A named graph in TriG and in N-Quads."""
    gk, st = ng.key, ng.statements
    return turtle.graph(gk, st), "".join([f"{sk} {pk} {ok} {gk} .\n" for (sk, pk, ok), _ in st])

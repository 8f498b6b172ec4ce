"""RDF export: the knowledge graph as an RDF dataset with provenance.

Layout of the dataset (every resource has an IRI, there are no blank nodes):

- ``id:graph/entities``: what the build knows of each entity, merged over all
  documents: its classes, ``rdfs:label "…"@zh``, ``skos:altLabel`` per alias, a
  pinyin label ``@zh-Latn-pinyin``, and for places ``kgo:divisionCode``, a
  GeoSPARQL geometry and schema.org coordinates.
- ``id:document/<key>`` (one named graph per document, named by the document's
  IRI): the document as a ``kgo:Document`` with Dublin Core metadata, the
  entities it mentions (``kgo:mentions``), every relation it states, and for each
  relation a ``kgo:Evidence`` resource (``prov:wasDerivedFrom`` the document,
  ``kgo:sentence``, ``kgo:startOffset``/``kgo:endOffset``, ``rdf:subject``/
  ``rdf:predicate``/``rdf:object``).
- ``id:graph/gazetteer``: relations known from the gazetteer, not from a text.

The default graph is empty, so that stores that hide it under a union default
graph (Fuseki) and stores that include it (Oxigraph) answer alike. Turtle and
JSON-LD hold the merged graph (the union of the named graphs); TriG and N-Quads
hold the dataset. The quad-based formats are written with pyoxigraph (fast), JSON-LD
with rdflib, all in a canonical order so that the files are byte-identical for the
same graph.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import json
import re
import string
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import OutputError
from kg.graph import DocumentInfo, Edge, KnowledgeGraph, Node
from kg.types import EntityType, Predicate, Source
from kg.vocab import (
    GEO,
    ID_NS,
    KGO,
    PREFIXES,
    SCHEMA,
    entity_class,
    ontology_dir,
    relation_property,
)

#: Named graph of the merged entity descriptions.
ENTITIES_GRAPH = URIRef(ID_NS + "graph/entities")
#: Named graph of the gazetteer's facts.
GAZETTEER_GRAPH = URIRef(ID_NS + "graph/gazetteer")
#: The files :func:`write_rdf` writes, in this order.
RDF_FILES: tuple[str, ...] = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.nq")

Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]

_SAFE_ASCII = frozenset(string.ascii_letters + string.digits + "-._~")
_MAX_SEGMENT = 96
_CODE_RE = re.compile(r"^[0-9]{6}$")
_TOWNSHIP_SUFFIXES = ("镇", "乡", "街道", "苏木")
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
    kind, key = _split_id(node_id)
    if kind == EntityType.PLACE.value and code and _CODE_RE.match(code):
        key = code
    return URIRef(f"{ID_NS}{kind.lower()}/{iri_segment(key)}")


def document_iri(key: str) -> URIRef:
    """The IRI of a document (and of its named graph), by its content key."""
    return URIRef(f"{ID_NS}document/{iri_segment(key)}")


def _evidence_iri(edge: Edge) -> URIRef:
    raw = "\x1f".join(
        (edge.subject, edge.predicate.value, edge.object, str(edge.start), str(edge.end))
    )
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{ID_NS}evidence/{iri_segment(edge.document)}-{digest}")


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
    if node.name.endswith(_TOWNSHIP_SUFFIXES):
        return [KGO.Township]
    return []


def _pinyin(name: str) -> str | None:
    if not _CJK_RE.search(name):
        return None
    from pypinyin import Style, lazy_pinyin

    return " ".join(s for s in lazy_pinyin(name, style=Style.TONE) if s.strip())


def _number(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _entity_quads(node: Node, iri: URIRef, abroad: bool) -> Iterator[Quad]:
    g = ENTITIES_GRAPH
    yield iri, RDF.type, entity_class(node.type), g
    if node.type is EntityType.PLACE:
        for cls in _place_classes(node, abroad):
            yield iri, RDF.type, cls, g
    yield iri, RDFS.label, Literal(node.name, lang="zh"), g
    for alias in node.aliases:
        if alias != node.name:
            yield iri, SKOS.altLabel, Literal(alias, lang="zh"), g
    py = _pinyin(node.name)
    if py:
        # BCP 47 tags are case-insensitive; lower case is what pyoxigraph writes back
        yield iri, RDFS.label, Literal(py, lang="zh-latn-pinyin"), g
    if node.code:
        yield iri, KGO.divisionCode, Literal(node.code), g
    if node.longitude is not None and node.latitude is not None:
        lon, lat = _number(node.longitude), _number(node.latitude)
        geom = URIRef(f"{iri}/geometry")
        yield iri, GEO.hasGeometry, geom, g
        yield geom, RDF.type, GEO.Geometry, g
        yield geom, GEO.asWKT, Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral), g
        yield iri, SCHEMA.longitude, Literal(lon, datatype=XSD.decimal), g
        yield iri, SCHEMA.latitude, Literal(lat, datatype=XSD.decimal), g
    yield iri, KGO.mentionCount, Literal(node.mentions, datatype=XSD.nonNegativeInteger), g


def _is_date(value: str) -> bool:
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def _document_quads(doc: DocumentInfo) -> Iterator[Quad]:
    d = document_iri(doc.key)
    yield d, RDF.type, KGO.Document, d
    yield d, DCTERMS.identifier, Literal(doc.name), d
    yield d, KGO.characterCount, Literal(doc.length, datatype=XSD.nonNegativeInteger), d
    for field_name, value in doc.metadata:
        spec = _METADATA.get(field_name)
        value = value.strip()
        if spec is None or not value:
            continue
        prop, is_date = spec
        if is_date:
            if _is_date(value):
                yield d, prop, Literal(value, datatype=XSD.date), d
        elif field_name in _ZH_FIELDS:
            yield d, prop, Literal(value, lang="zh"), d
        else:
            yield d, prop, Literal(value), d


def _edge_quads(edge: Edge, iris: dict[str, URIRef]) -> Iterator[Quad]:
    s, o = iris[edge.subject], iris[edge.object]
    p = relation_property(edge.predicate)
    if edge.source is Source.GAZETTEER:
        yield s, p, o, GAZETTEER_GRAPH
        return
    d = document_iri(edge.document)
    yield s, p, o, d
    ev = _evidence_iri(edge)
    yield ev, RDF.type, KGO.Evidence, d
    yield ev, RDF.subject, s, d
    yield ev, RDF.predicate, p, d
    yield ev, RDF.object, o, d
    yield ev, PROV.wasDerivedFrom, d, d
    if edge.sentence is not None:
        yield ev, KGO.sentence, Literal(edge.sentence, lang="zh"), d
    if edge.start is not None:
        yield ev, KGO.startOffset, Literal(edge.start, datatype=XSD.nonNegativeInteger), d
    if edge.end is not None:
        yield ev, KGO.endOffset, Literal(edge.end, datatype=XSD.nonNegativeInteger), d


def _node_iris(graph: KnowledgeGraph) -> dict[str, URIRef]:
    iris = {
        nid: entity_iri(nid, n.code if n.type is EntityType.PLACE else None)
        for nid, n in graph.nodes.items()
    }
    for e in graph.edges:
        for nid in (e.subject, e.object):
            if nid not in iris:
                iris[nid] = entity_iri(nid)
    return iris


def iter_quads(graph: KnowledgeGraph) -> Iterator[Quad]:
    """Every statement of the dataset as ``(subject, predicate, object, graph)``.

    The order follows the knowledge graph (deterministic); duplicates may occur.
    """
    iris = _node_iris(graph)
    abroad = _abroad(graph)
    for nid, node in graph.nodes.items():
        yield from _entity_quads(node, iris[nid], nid in abroad)
    if any(e.source is Source.GAZETTEER for e in graph.edges):
        yield GAZETTEER_GRAPH, RDF.type, KGO.Gazetteer, GAZETTEER_GRAPH
        yield (
            GAZETTEER_GRAPH,
            RDFS.label,
            Literal("national administrative-division table", lang="en"),
            GAZETTEER_GRAPH,
        )
    for doc in graph.documents:
        yield from _document_quads(doc)
    mentioned: dict[str, list[str]] = {}
    for nid, node in graph.nodes.items():
        for key in node.documents:
            mentioned.setdefault(key, []).append(nid)
    for doc in graph.documents:
        d = document_iri(doc.key)
        for nid in mentioned.get(doc.key, ()):
            yield d, KGO.mentions, iris[nid], d
    for edge in graph.edges:
        yield from _edge_quads(edge, iris)


def to_dataset(graph: KnowledgeGraph) -> Dataset:
    """The knowledge graph as an rdflib :class:`~rdflib.Dataset` (one named graph per document).

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


def _ox_term(t: URIRef | Literal) -> ox.NamedNode | ox.Literal:
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None and t.datatype != XSD.string:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    return ox.NamedNode(str(t))


def _ox_quads(quads: Iterable[Quad]) -> list[ox.Quad]:
    """Quads as pyoxigraph terms, without duplicates, in canonical order."""
    seen: set[ox.Quad] = set()
    for s, p, o, g in quads:
        seen.add(
            ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)), _ox_term(o), ox.NamedNode(str(g)))
        )
    return sorted(
        seen, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )


def _ox_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    triples = {q.triple for q in quads}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def load_context() -> dict:
    """The JSON-LD context (``ontology/context.jsonld``) as a dict (its ``@context``)."""
    path = ontology_dir() / "context.jsonld"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as exc:
        raise OutputError(f"{path}: cannot read the JSON-LD context: {exc}") from exc


def _canonical(value: object) -> object:
    """JSON-LD with sets in a canonical order (node objects by ``@id``, values sorted)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(
            items,
            key=lambda v: (
                v.get("@id", "") if isinstance(v, dict) else "",
                json.dumps(v, ensure_ascii=False, sort_keys=True),
            ),
        )
    return value


def jsonld_text(g: Graph) -> str:
    """The merged graph as compacted JSON-LD, with the context embedded, canonically ordered."""
    ctx = load_context()
    raw = g.serialize(format="json-ld", context=ctx, auto_compact=True)
    data = json.loads(raw)
    if isinstance(data, list):  # nothing to compact
        data = {"@graph": data}
    data["@context"] = ctx  # embedded, so the file stays valid wherever it is moved
    body = {k: _canonical(v) for k, v in data.items() if k != "@context"}
    out = {"@context": ctx, **dict(sorted(body.items()))}
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"


def _prefixes() -> dict[str, str]:
    # ``id:`` is left out: entity local names hold "/", which prefixed names cannot
    return {k: v for k, v in PREFIXES.items() if k not in ("id",)}


def _serialize(items: list, fmt: ox.RdfFormat) -> bytes:
    """Serialise with pyoxigraph, ``@prefix`` lines sorted (their order is not specified)."""
    data = ox.serialize(items, format=fmt, prefixes=_prefixes()) or b""
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    return b"\n".join(sorted(lines[:n]) + lines[n:])


def write_rdf(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``graph.ttl``, ``graph.trig``, ``graph.jsonld`` and ``graph.nq`` into ``out_dir``.

    The same graph gives byte-identical files on every run and machine.
    Returns the written paths in the order of :data:`RDF_FILES`.
    """
    from kg.export.atomic import write_bytes, write_text

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder: {exc}") from exc
    statements = list(iter_quads(graph))
    quads = _ox_quads(statements)
    triples = _ox_triples(quads)
    paths = [out / name for name in RDF_FILES]
    ttl, trig, jsonld, nq = paths
    try:
        write_bytes(ttl, _serialize(triples, ox.RdfFormat.TURTLE))
        write_bytes(trig, _serialize(quads, ox.RdfFormat.TRIG))
        write_bytes(nq, ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
        merged = Graph()
        for prefix, ns in PREFIXES.items():
            merged.bind(prefix, ns)
        for s, p, o, _ in statements:
            merged.add((s, p, o))
        write_text(jsonld, jsonld_text(merged))
    except OSError as exc:
        raise OutputError(f"{out}: cannot write RDF: {exc}") from exc
    return paths

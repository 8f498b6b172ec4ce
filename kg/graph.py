"""Merge per-document extractions into one knowledge graph.

The :class:`KnowledgeGraph` is the single in-memory form every exporter reads:
entities merged by id across documents (aliases united, documents counted),
relations kept per document with their evidence, and document metadata. It is
built in a deterministic order whatever order the extractions arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.gcpause import without_gc
from kg.types import EntityType, Extraction, Predicate, Relation, Source

if TYPE_CHECKING:
    import networkx as nx


@dataclass(slots=True)
class Node:
    """An entity merged across documents."""

    id: str
    name: str
    type: EntityType
    aliases: list[str] = field(default_factory=list)
    code: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    documents: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the graph keeps of a document: its key, display name and metadata."""

    key: str
    name: str
    metadata: tuple[tuple[str, str], ...]
    length: int

    @property
    def meta(self) -> dict[str, str]:
        return dict(self.metadata)

    @property
    def title(self) -> str | None:
        return self.meta.get("title")


@dataclass(frozen=True, slots=True)
class Edge:
    """A relation stated in one document (or known from the gazetteer)."""

    subject: str
    predicate: Predicate
    object: str
    source: Source
    document: str  # DocumentInfo.key
    sentence: str | None
    start: int | None
    end: int | None

    def sort_key(self) -> tuple[str, str, str, str, str, int, int]:
        return (
            self.document,
            self.subject,
            self.predicate.value,
            self.object,
            self.source.value,
            self.start if self.start is not None else -1,
            self.end if self.end is not None else -1,
        )


@dataclass(slots=True)
class KnowledgeGraph:
    """Entities, relations and documents of a whole build."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    documents: list[DocumentInfo] = field(default_factory=list)

    def document(self, key: str) -> DocumentInfo:
        for d in self.documents:
            if d.key == key:
                return d
        raise KeyError(key)

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Entities by type and relations by predicate (sorted by name)."""
        ents: dict[str, int] = {}
        for n in self.nodes.values():
            ents[n.type.value] = ents.get(n.type.value, 0) + 1
        rels: dict[str, int] = {}
        for e in self.edges:
            rels[e.predicate.value] = rels.get(e.predicate.value, 0) + 1
        return dict(sorted(ents.items())), dict(sorted(rels.items()))

    def networkx(self) -> nx.MultiDiGraph:
        """The graph as a networkx ``MultiDiGraph``.

        Nodes carry ``name``, ``type``, ``aliases``, ``code``, ``longitude``,
        ``latitude``, ``documents`` and ``mentions``; edges carry ``predicate``,
        ``source``, ``document``, ``sentence``, ``start`` and ``end``; the edge key
        is the predicate.
        """
        import networkx as nx

        g = nx.MultiDiGraph()
        for n in self.nodes.values():
            g.add_node(
                n.id,
                name=n.name,
                type=n.type.value,
                aliases=list(n.aliases),
                code=n.code,
                longitude=n.longitude,
                latitude=n.latitude,
                documents=list(n.documents),
                mentions=n.mentions,
            )
        for e in self.edges:
            g.add_edge(
                e.subject,
                e.object,
                key=f"{e.predicate.value}|{e.document}|{e.start}",
                predicate=e.predicate.value,
                source=e.source.value,
                document=e.document,
                sentence=e.sentence,
                start=e.start,
                end=e.end,
            )
        return g


#: What the graph takes of one entity of a document: id, name, type, aliases, code,
#: longitude, latitude and number of mentions.
EntityRow = tuple[str, str, str, tuple[str, ...], str | None, float | None, float | None, int]

#: An edge's fields in the order edges are sorted (see :meth:`Edge.sort_key`), then
#: what tells two edges apart beyond it: document, subject, predicate, object,
#: source, start and end (-1 when none), "no sentence", sentence.
EdgeRow = tuple[str, str, str, str, str, int, int, bool, str]

#: What the graph takes of one document's extraction, in plain values (quick to
#: store and read back): display name, key, metadata, length, encoding,
#: entities and edges.
DocSummary = tuple[
    str, str, tuple[tuple[str, str], ...], int, str, tuple[EntityRow, ...], tuple[EdgeRow, ...]
]


def summarize(ex: Extraction) -> DocSummary:
    """All :func:`merge` needs of one extraction, as plain values.

    >>> from kg.types import Document
    >>> s = summarize(Extraction(Document(path="a.txt", text="郑州", norm="郑州"), (), ()))
    >>> s[0], s[2:5]
    ('a.txt', ((), 2, 'utf-8'))
    """
    doc = ex.document
    key = doc.key  # a hash of the text: computed once per document
    return (
        doc.display_name,
        key,
        tuple(sorted(doc.metadata.items())),
        len(doc.text),
        doc.encoding,
        tuple(
            (
                e.id,
                e.name,
                e.type._value_,
                tuple(e.aliases),
                e.code,
                e.longitude,
                e.latitude,
                len(e.mentions),
            )
            for e in ex.entities
        ),
        tuple(_edge_row(rel, key) for rel in ex.relations),
    )


def _merge_entity(
    nodes: dict[str, Node], known: dict[str, set[str]], row: EntityRow, doc_key: str
) -> None:
    """Merge one document's entity into its node; ``known`` mirrors each node's aliases
    as a set (a constant-time membership test)."""
    eid, name, typ, ent_aliases, code, lon, lat, n = row
    node = nodes.get(eid)
    if node is None:
        node = Node(id=eid, name=name, type=_TYPES[typ], code=code)
        nodes[eid] = node
        known[eid] = set()
    aliases, seen = node.aliases, known[eid]
    # the fullest name wins; ties break by string order so that the result does
    # not depend on the order documents arrive in
    if name != node.name and (len(name), name) > (len(node.name), node.name):
        if node.name not in seen:
            aliases.append(node.name)
            seen.add(node.name)
        node.name = name
    for a in ent_aliases:
        if a != node.name and a not in seen:
            aliases.append(a)
            seen.add(a)
    if name != node.name and name not in seen:
        aliases.append(name)
        seen.add(name)
    if not node.code:
        node.code = code
    if node.longitude is None and lon is not None:
        node.longitude, node.latitude = lon, lat
    # a document's entities are merged one after another, so a repeat of this
    # document can only be the last one listed (a constant-time check, where
    # ``in`` would make the merge quadratic in the number of documents)
    docs = node.documents
    if not docs or docs[-1] != doc_key:
        docs.append(doc_key)
    node.mentions += n if n > 1 else 1


def _edge_row(rel: Relation, doc_key: str) -> EdgeRow:
    ev = rel.evidence
    if ev is None:
        start, end, sentence = -1, -1, None
    else:
        start, end, sentence = ev.span.start, ev.span.end, ev.sentence
    return (
        doc_key,
        rel.subject,
        rel.predicate._value_,
        rel.object,
        rel.source._value_,
        start,
        end,
        sentence is None,
        sentence or "",
    )


_TYPES = {t.value: t for t in EntityType}
_PREDICATES = {p.value: p for p in Predicate}
_SOURCES = {s.value: s for s in Source}


def _edge_of(k: EdgeRow) -> Edge:
    doc, s, p, o, src, start, end, no_sentence, sentence = k
    return Edge(
        subject=s,
        predicate=_PREDICATES[p],
        object=o,
        source=_SOURCES[src],
        document=doc,
        sentence=None if no_sentence else sentence,
        start=None if start < 0 else start,
        end=None if end < 0 else end,
    )


def build_graph(extractions: Iterable[Extraction]) -> KnowledgeGraph:
    """Merge extractions into one :class:`KnowledgeGraph`, independent of their order.

    When ``extractions`` carries their summaries (an attribute ``summaries``,
    as the builder's do), those are merged without reading the extractions.

    >>> from kg.types import Document, Entity, EntityType, Extraction
    >>> d = Document(path="a.txt", text="郑州", norm="郑州")
    >>> e = Entity(id="Place/410100", name="郑州市", type=EntityType.PLACE, aliases=("郑州",))
    >>> g = build_graph([Extraction(d, (e,), ())])
    >>> g.nodes["Place/410100"].name, g.nodes["Place/410100"].aliases
    ('郑州市', ['郑州'])
    """
    summaries = getattr(extractions, "summaries", None)
    if summaries is None:
        summaries = [summarize(ex) for ex in extractions]
    return merge(summaries)


@without_gc  # tens of thousands of acyclic objects; see kg.gcpause
def merge(summaries: Iterable[DocSummary]) -> KnowledgeGraph:
    """Merge documents' summaries (see :func:`summarize`) into one graph, in any order."""
    items = sorted(summaries, key=lambda x: (x[0], x[1]))
    kg = KnowledgeGraph()
    seen_docs: set[str] = set()
    known: dict[str, set[str]] = {}
    edges: set[EdgeRow] = set()
    for name, key, metadata, length, _, entities, rows in items:
        if key in seen_docs:  # the same text twice: one document
            continue
        seen_docs.add(key)
        kg.documents.append(DocumentInfo(key=key, name=name, metadata=metadata, length=length))
        for row in entities:
            _merge_entity(kg.nodes, known, row, key)
        edges.update(rows)
    for node in kg.nodes.values():
        node.aliases.sort()
        node.documents.sort()
    kg.nodes = dict(sorted(kg.nodes.items()))
    # gazetteer facts are background knowledge: keep one copy, not one per document
    gaz: dict[tuple[str, str, str], EdgeRow] = {}
    text_edges = []
    gazetteer = Source.GAZETTEER.value
    for k in sorted(edges):
        if k[4] == gazetteer:
            gaz.setdefault((k[1], k[2], k[3]), k)
        else:
            text_edges.append(k)
    kg.edges = [_edge_of(k) for k in text_edges] + [_edge_of(k) for k in sorted(gaz.values())]
    return kg

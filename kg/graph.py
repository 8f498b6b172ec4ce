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

from kg.types import Entity, EntityType, Extraction, Predicate, Relation, Source

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


def _merge_entity(nodes: dict[str, Node], ent: Entity, doc_key: str) -> None:
    node = nodes.get(ent.id)
    if node is None:
        node = Node(id=ent.id, name=ent.name, type=ent.type, code=ent.code)
        nodes[ent.id] = node
    # the fullest name wins; ties break by string order so that the result does
    # not depend on the order documents arrive in
    if (len(ent.name), ent.name) > (len(node.name), node.name):
        if node.name not in node.aliases:
            node.aliases.append(node.name)
        node.name = ent.name
    for a in (*ent.aliases, ent.name):
        if a != node.name and a not in node.aliases:
            node.aliases.append(a)
    node.code = node.code or ent.code
    if node.longitude is None and ent.longitude is not None:
        node.longitude, node.latitude = ent.longitude, ent.latitude
    # a document's entities are merged one after another, so a repeat of this
    # document can only be the last one listed (a constant-time check, where
    # ``in`` would make the merge quadratic in the number of documents)
    if not node.documents or node.documents[-1] != doc_key:
        node.documents.append(doc_key)
    node.mentions += max(1, len(ent.mentions))


def _edge(rel: Relation, doc_key: str) -> Edge:
    ev = rel.evidence
    return Edge(
        subject=rel.subject,
        predicate=rel.predicate,
        object=rel.object,
        source=rel.source,
        document=doc_key,
        sentence=ev.sentence if ev else None,
        start=ev.span.start if ev else None,
        end=ev.span.end if ev else None,
    )


def build_graph(extractions: Iterable[Extraction]) -> KnowledgeGraph:
    """Merge extractions into one :class:`KnowledgeGraph`, independent of their order.

    >>> from kg.types import Document, Entity, EntityType, Extraction
    >>> d = Document(path="a.txt", text="郑州", norm="郑州")
    >>> e = Entity(id="Place/410100", name="郑州市", type=EntityType.PLACE, aliases=("郑州",))
    >>> g = build_graph([Extraction(d, (e,), ())])
    >>> g.nodes["Place/410100"].name, g.nodes["Place/410100"].aliases
    ('郑州市', ['郑州'])
    """
    items = sorted(extractions, key=lambda x: (x.document.display_name, x.document.key))
    kg = KnowledgeGraph()
    seen_docs: set[str] = set()
    edges: set[Edge] = set()
    for ex in items:
        doc = ex.document
        key = doc.key  # a hash of the text: computed once per document
        if key in seen_docs:  # the same text twice: one document
            continue
        seen_docs.add(key)
        kg.documents.append(
            DocumentInfo(
                key=key,
                name=doc.display_name,
                metadata=tuple(sorted(doc.metadata.items())),
                length=len(doc.text),
            )
        )
        for ent in ex.entities:
            _merge_entity(kg.nodes, ent, key)
        for rel in ex.relations:
            edges.add(_edge(rel, key))
    for node in kg.nodes.values():
        node.aliases.sort()
        node.documents.sort()
    kg.nodes = dict(sorted(kg.nodes.items()))
    # gazetteer facts are background knowledge: keep one copy, not one per document
    gaz: dict[tuple[str, str, str], Edge] = {}
    text_edges = []
    for e in sorted(edges, key=Edge.sort_key):
        if e.source is Source.GAZETTEER:
            gaz.setdefault((e.subject, e.predicate.value, e.object), e)
        else:
            text_edges.append(e)
    kg.edges = text_edges + sorted(gaz.values(), key=Edge.sort_key)
    return kg

"""Merge per-document extractions into one knowledge graph.

The :class:`KnowledgeGraph` is the single in-memory form every exporter reads:
entities merged by id across documents (aliases united, documents counted),
relations kept per document with their evidence, and document metadata. It is
built in a deterministic order whatever order the extractions arrive in.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kg.gcpause import without_gc
from kg.types import EntityType, Extraction, Indicator, Modality, Predicate, Relation, Source

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
    #: The highest confidence of its mentions in any document (0-1).
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the graph keeps of a document: its key, display name and metadata.

    ``digest`` (when the graph was merged from summaries) is a digest of all the
    document gave the graph, its summary: the outputs find the parts they kept
    of the document by it. Not compared: the same document with or without it.
    """

    key: str
    name: str
    metadata: tuple[tuple[str, str], ...]
    length: int
    digest: bytes = field(default=b"", compare=False)

    @property
    def meta(self) -> dict[str, str]:
        return dict(self.metadata)

    @property
    def title(self) -> str | None:
        return self.meta.get("title")

    @property
    def date(self) -> str | None:
        """The document's date (ISO): published, else signed, else written."""
        from kg.extract.timing import document_date

        return document_date(self.metadata)


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
    #: The relation scorer's probability that the text states it (1 for gazetteer facts).
    confidence: float = 1.0
    #: The time the sentence states (``2024``, ``2024-01``, ``2024-01-15``), if any.
    time: str | None = None
    #: Whether the text gives it as done or as intended (``None`` for gazetteer facts).
    modality: Modality | None = None
    #: For a relation a researcher added (source ``curated``): the correction's line.
    note: str | None = None

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


@dataclass(frozen=True, slots=True)
class Observation:
    """A figure stated in one document (see :class:`kg.types.Indicator`): what is
    measured, its value in base units and unit, the figure as written, its qualifier,
    the place (an entity id) and period it is given for, and where it is stated."""

    document: str  # DocumentInfo.key
    name: str
    value: str
    unit: str
    stated: str
    start: int
    end: int
    sentence: str
    qualifier: str | None = None
    place: str | None = None
    period: str | None = None


@dataclass(frozen=True, slots=True)
class CorrectionRecord:
    """What one line of a corrections file did to the graph (see :mod:`kg.corrections`).

    ``status`` is ``applied`` or ``stale`` (it matched nothing: ``detail`` says why);
    ``changed`` the ids of the entities it changed or removed, ``relations`` the
    relations it removed or added as ``(subject, predicate, object, document key)``.
    """

    file: str
    line: int
    action: str
    target: str
    value: str
    note: str
    status: str
    detail: str
    changed: tuple[str, ...] = ()
    relations: tuple[tuple[str, str, str, str], ...] = ()
    by: str = ""
    date: str = ""


@dataclass(slots=True)
class KnowledgeGraph:
    """Entities, relations and documents of a whole build, the figures the documents
    state (``observations``) and what a corrections file did (``corrections``)."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    documents: list[DocumentInfo] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    corrections: list[CorrectionRecord] = field(default_factory=list)

    def edge_years(self) -> list[int | None]:
        """The year each edge counts for in yearly views (see
        :func:`kg.extract.timing.fact_year`), in the order of :attr:`edges`;
        ``None`` for a gazetteer fact and an undated statement."""
        from kg.extract.timing import fact_year

        dates = {d.key: d.date for d in self.documents}
        return [
            None if e.source is Source.GAZETTEER else fact_year(e.time, dates.get(e.document))
            for e in self.edges
        ]

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
        ``latitude``, ``documents`` (file names), ``mentions`` and ``confidence``;
        edges carry ``predicate``, ``source_kind`` (``text`` or ``gazetteer``),
        ``document`` (file name), ``sentence``, ``start``, ``end``,
        ``confidence``, ``time`` (stated), ``date`` (the document's), ``year`` (see
        :meth:`edge_years`) and ``modality``; the edge key is
        ``predicate|document key|start``. No attribute is named like an argument
        of pyvis' ``add_node``/``add_edge`` (``source``, ``to``…), so
        ``pyvis.network.Network().from_nx(g.networkx())`` works.
        """
        import networkx as nx

        names = {d.key: d.name for d in self.documents}
        dates = {d.key: d.date for d in self.documents}
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
                documents=sorted(names.get(k, k) for k in n.documents),
                mentions=n.mentions,
                confidence=n.confidence,
            )
        for e, year in zip(self.edges, self.edge_years(), strict=True):
            g.add_edge(
                e.subject,
                e.object,
                key=f"{e.predicate.value}|{e.document}|{e.start}",
                predicate=e.predicate.value,
                source_kind=e.source.value,
                document=names.get(e.document, e.document),
                sentence=e.sentence,
                start=e.start,
                end=e.end,
                confidence=e.confidence,
                time=e.time,
                date=dates.get(e.document) if e.source is Source.TEXT else None,
                year=year,
                modality=e.modality.value if e.modality is not None else None,
            )
        return g


#: What the graph takes of one entity of a document: id, name, type, aliases, code,
#: longitude, latitude, number of mentions and confidence.
EntityRow = tuple[
    str, str, str, tuple[str, ...], str | None, float | None, float | None, int, float
]

#: An edge's fields in the order edges are sorted (see :meth:`Edge.sort_key`), then
#: what tells two edges apart beyond it: document, subject, predicate, object,
#: source, start and end (-1 when none), "no sentence", sentence; then its confidence,
#: its stated time and its modality ("" when none).
EdgeRow = tuple[str, str, str, str, str, int, int, bool, str, float, str, str]

#: What the graph takes of one figure a document states: name, value, unit, as
#: written, start, end, sentence, qualifier, place and period ("" when none).
IndicatorRow = tuple[str, str, str, str, int, int, str, str, str, str]

#: What the graph takes of one document's extraction, in plain values (quick to
#: store and read back): display name, key, metadata, length, encoding,
#: entities, edges and figures.
DocSummary = tuple[
    str,
    str,
    tuple[tuple[str, str], ...],
    int,
    str,
    tuple[EntityRow, ...],
    tuple[EdgeRow, ...],
    tuple[IndicatorRow, ...],
]


def summarize(ex: Extraction) -> DocSummary:
    """All :func:`merge` needs of one extraction, as plain values.

    >>> from kg.types import Document
    >>> s = summarize(Extraction(Document(path="a.txt", text="郑州", norm="郑州"), (), ()))
    >>> s[0], s[2:5]
    ('a.txt', ((), 2, 'utf-8'))
    """
    doc = ex.document
    text = doc.text
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
                e.type.value,
                tuple(e.aliases),
                e.code,
                e.longitude,
                e.latitude,
                len(e.mentions),
                round_confidence(e.confidence),
            )
            for e in ex.entities
        ),
        tuple(_edge_row(rel, key) for rel in ex.relations),
        tuple(_indicator_row(i, text) for i in ex.indicators),
    )


def _indicator_row(i: Indicator, text: str) -> IndicatorRow:
    return (
        i.name,
        i.value,
        i.unit,
        i.stated,
        i.span.start,
        i.span.end,
        text[i.sentence.start : i.sentence.end],
        i.qualifier or "",
        i.place or "",
        i.period or "",
    )


def _edge_row(rel: Relation, doc_key: str) -> EdgeRow:
    ev = rel.evidence
    if ev is None:
        start, end, sentence = -1, -1, None
    else:
        start, end, sentence = ev.span.start, ev.span.end, ev.sentence
    return (
        doc_key,
        rel.subject,
        rel.predicate.value,
        rel.object,
        rel.source.value,
        start,
        end,
        sentence is None,
        sentence or "",
        round_confidence(rel.confidence),
        rel.time or "",
        rel.modality.value if rel.modality is not None else "",
    )


def round_confidence(value: float) -> float:
    """A confidence as the graph and every output keep it: rounded to 4 decimals.

    >>> round_confidence(0.123456), round_confidence(1)
    (0.1235, 1.0)
    """
    return round(float(value), CONFIDENCE_DECIMALS)


#: Decimals a confidence is kept to (in the graph and in every output).
CONFIDENCE_DECIMALS = 4


_TYPES = {t.value: t for t in EntityType}
_PREDICATES = {p.value: p for p in Predicate}
_SOURCES = {s.value: s for s in Source}
_MODALITIES = {m.value: m for m in Modality}


def _edge_of(k: EdgeRow) -> Edge:
    doc, s, p, o, src, start, end, no_sentence, sentence, conf, time, modality = k
    return Edge(
        subject=s,
        predicate=_PREDICATES[p],
        object=o,
        source=_SOURCES[src],
        document=doc,
        sentence=None if no_sentence else sentence,
        start=None if start < 0 else start,
        end=None if end < 0 else end,
        confidence=conf,
        time=time or None,
        modality=_MODALITIES.get(modality),
    )


def _observation_of(doc: str, k: IndicatorRow) -> Observation:
    name, value, unit, stated, start, end, sentence, qualifier, place, period = k
    return Observation(
        doc,
        name,
        value,
        unit,
        stated,
        start,
        end,
        sentence,
        qualifier or None,
        place or None,
        period or None,
    )


def build_graph(
    extractions: Iterable[Extraction], *, min_confidence: float = 0.0
) -> KnowledgeGraph:
    """Merge extractions into one :class:`KnowledgeGraph`, independent of their order.

    When ``extractions`` carries their summaries (an attribute ``summaries``,
    as the builder's do), those are merged without reading the extractions, or,
    merged already as they came (an attribute ``merger``, a :class:`Merger`),
    the merge is finished. ``min_confidence`` leaves out what holds at a lower
    confidence (see :func:`filter_confidence`).

    >>> from kg.types import Document, Entity, EntityType, Extraction
    >>> d = Document(path="a.txt", text="郑州", norm="郑州")
    >>> e = Entity(id="Place/410100", name="郑州市", type=EntityType.PLACE, aliases=("郑州",))
    >>> g = build_graph([Extraction(d, (e,), ())])
    >>> g.nodes["Place/410100"].name, g.nodes["Place/410100"].aliases
    ('郑州市', ['郑州'])
    """
    merger = getattr(extractions, "merger", None)
    if isinstance(merger, Merger):  # merged as they came (see kg.builder.extract_paths)
        graph = merger.graph()
    else:
        summaries = getattr(extractions, "summaries", None)
        if summaries is None:
            summaries = [summarize(ex) for ex in extractions]
        graph = merge(summaries)
    return filter_confidence(graph, min_confidence)


def check_min_confidence(value: float) -> float:
    """``value`` as a minimum confidence: a number from 0 to 1, else :class:`KGError`.

    >>> check_min_confidence(0.5)
    0.5
    >>> check_min_confidence(1.5)
    Traceback (most recent call last):
    ...
    kg.errors.KGError: min_confidence must be a number from 0 to 1, not 1.5
    """
    from kg.errors import KGError

    try:
        x = float(value)
    except (TypeError, ValueError):
        x = float("nan")
    if isinstance(value, bool) or not 0.0 <= x <= 1.0:  # NaN fails too
        raise KGError(f"min_confidence must be a number from 0 to 1, not {value!r}")
    return x


def filter_confidence(graph: KnowledgeGraph, minimum: float) -> KnowledgeGraph:
    """The part of ``graph`` that holds at confidence ``minimum`` or more.

    The rule: a relation stated in a text is kept when its confidence is at least
    ``minimum``; an entity is kept when its own confidence (the highest of its
    mentions) is at least ``minimum`` or it takes part in a kept relation stated
    in a text; a gazetteer fact (confidence 1) is kept when both its entities
    are. Every document stays. ``minimum`` 0 keeps everything (``graph`` itself
    is returned).

    Each document's digest (see :class:`DocumentInfo`) then also covers
    ``minimum`` and the entities kept of it, so that outputs kept from an
    earlier build are reused only for the same result.

    >>> from kg.types import EntityType, Predicate, Source
    >>> g = KnowledgeGraph(
    ...     nodes={i: Node(i, i, EntityType.PLACE, confidence=c)
    ...            for i, c in (("A", 0.9), ("B", 0.3), ("C", 0.2), ("D", 0.1))},
    ...     edges=[Edge("A", Predicate.COOPERATES_WITH, "B", Source.TEXT, "d", "…", 0, 1, 0.8),
    ...            Edge("A", Predicate.COOPERATES_WITH, "C", Source.TEXT, "d", "…", 0, 1, 0.4),
    ...            Edge("D", Predicate.LOCATED_IN, "A", Source.GAZETTEER, "d", None, None, None)])
    >>> kept = filter_confidence(g, 0.5)
    >>> sorted(kept.nodes), [(e.subject, e.object) for e in kept.edges]
    (['A', 'B'], [('A', 'B')])
    """
    if minimum <= 0.0:
        return graph
    text = Source.TEXT
    edges = [e for e in graph.edges if e.source is not text or e.confidence >= minimum]
    ends = {x for e in edges if e.source is text for x in (e.subject, e.object)}
    nodes = {i: n for i, n in graph.nodes.items() if n.confidence >= minimum or i in ends}
    dropped = graph.nodes.keys() - nodes.keys()
    edges = [e for e in edges if e.subject not in dropped and e.object not in dropped]
    kept_of: dict[str, list[str]] = {}
    for i, n in nodes.items():
        for key in n.documents:
            kept_of.setdefault(key, []).append(i)
    documents = [
        d
        if not d.digest
        else replace(
            d,
            digest=hashlib.blake2b(
                marshal.dumps((d.digest, minimum, kept_of.get(d.key, [])), 2),  # type: ignore[arg-type]
                digest_size=16,
            ).digest(),
        )
        for d in graph.documents
    ]
    observations = [
        o if o.place is None or o.place in nodes else replace(o, place=None)
        for o in graph.observations
    ]
    return KnowledgeGraph(
        nodes=nodes,
        edges=edges,
        documents=documents,
        observations=observations,
        corrections=list(graph.corrections),
    )


def merge(summaries: Iterable[DocSummary]) -> KnowledgeGraph:
    """Merge documents' summaries (see :func:`summarize`) into one graph, in any order."""
    merger = Merger()
    merger.add(summaries)
    return merger.graph()


class _Entity:
    """One entity's contributions from the documents merged so far."""

    __slots__ = ("first", "names", "aliases", "code", "coords", "docs", "mentions", "confidence")

    def __init__(self, first: tuple[tuple[str, str], str]) -> None:
        self.first = first  # (order of the document, type) of the first document
        self.names: set[str] = set()
        self.aliases: set[str] = set()
        self.code: tuple[tuple[str, str], str] | None = None
        self.coords: tuple[tuple[str, str], float, float | None] | None = None
        self.docs: set[str] = set()
        self.mentions = 0
        self.confidence = 0.0


class Merger:
    """Documents' summaries merged into one graph, in any order and in as many steps
    as wanted: a build merges the documents it read from its cache while a worker
    still extracts the changed ones, then those.

    The result never depends on the order: each document has its place in the
    order of (display name, key), and where documents disagree the first in
    that order wins (an entity's type, division code and coordinates); the
    fullest name wins (longest, then by string order); every other name and
    alias of the entity becomes an alias; a text read twice (the same key) is
    one document, the first in that order.

    >>> m = Merger()
    >>> from kg.types import Document, Entity, EntityType
    >>> def doc(name: str, text: str, entity_name: str) -> DocSummary:
    ...     d = Document(path=name, text=text, norm=text)
    ...     e = Entity(id="Place/410100", name=entity_name, type=EntityType.PLACE, code="410100")
    ...     return summarize(Extraction(d, (e,), ()))
    >>> m.add([doc("b.txt", "郑州市", "郑州市")])
    >>> m.add([doc("a.txt", "郑州", "郑州")])
    >>> node = m.graph().nodes["Place/410100"]
    >>> node.name, node.aliases, node.documents == sorted(node.documents), node.mentions
    ('郑州市', ['郑州'], True, 2)
    """

    def __init__(self) -> None:
        #: Each document's summary, by key: the first in order for a text read twice.
        self._docs: dict[str, DocSummary] = {}
        self._digests: dict[str, bytes] = {}
        self._origins: dict[str, str | None] = {}
        self._entities: dict[str, _Entity] = {}
        #: Each document's relations stated in its text, as edges in their order.
        self._text_edges: dict[str, list[Edge]] = {}
        #: Each document's figures, in text order.
        self._observations: dict[str, list[Observation]] = {}
        self._gazetteer: set[EdgeRow] = set()
        #: Set when a document replaced another of the same text after merging: the
        #: graph is then merged again from the documents kept.
        self._stale = False

    @without_gc
    def add(
        self, summaries: Iterable[DocSummary], origins: Iterable[str | None] | None = None
    ) -> None:
        """Merge these documents' summaries.

        ``origins``, one per summary where known, names everything a summary was
        made from (the extraction cache's key: the file's bytes, its name, the
        versions of the pipeline and its tables); a document's digest (see
        :class:`DocumentInfo`) is then made of it and the name, quicker than of
        the whole summary.
        """
        docs, entities, gazetteer = self._docs, self._entities, self._gazetteer
        gaz = Source.GAZETTEER.value
        summaries = list(summaries)
        of = list(origins) if origins is not None else [None] * len(summaries)
        for summary, origin in zip(summaries, of, strict=True):
            name, key = summary[0], summary[1]
            known = docs.get(key)
            if known is not None:
                if (name, key) >= (known[0], key):
                    continue  # a later copy of a text merged already
                self._stale = True  # an earlier copy: what the later one added must go
            docs[key] = summary
            self._origins[key] = origin
            if self._stale:
                continue
            if origin is not None:
                data = f"{origin}\0{name}".encode()
            else:  # marshal format 2 writes every value in full: equal summaries, equal bytes
                data = marshal.dumps(summary, 2)  # type: ignore[arg-type]  # plain values
            self._digests[key] = hashlib.blake2b(data, digest_size=16).digest()
            order = (name, key)
            for eid, ename, typ, ent_aliases, code, lon, lat, n, conf in summary[5]:
                ent = entities.get(eid)
                if ent is None:
                    ent = entities[eid] = _Entity((order, typ))
                elif order < ent.first[0]:
                    ent.first = (order, typ)
                ent.names.add(ename)
                ent.aliases.update(ent_aliases)
                if code and (ent.code is None or order < ent.code[0]):
                    ent.code = (order, code)
                if lon is not None and (ent.coords is None or order < ent.coords[0]):
                    ent.coords = (order, lon, lat)
                ent.docs.add(key)
                ent.mentions += n if n > 1 else 1
                if conf > ent.confidence:
                    ent.confidence = conf
            # a document's edges in their final order now (the graph's are sorted by
            # document first): the merge at the end only puts documents in order
            text: set[EdgeRow] = set()
            for row in summary[6]:
                (gazetteer if row[4] == gaz else text).add(row)
            rows = sorted(text)
            # the same relation stated twice with the same evidence: once, at its
            # highest confidence (the last of its rows, sorted by confidence last)
            rows = [r for i, r in enumerate(rows) if i + 1 == len(rows) or rows[i + 1][:9] != r[:9]]
            self._text_edges[key] = [_edge_of(row) for row in rows]
            figures = summary[7] if len(summary) > 7 else ()
            self._observations[key] = [_observation_of(key, row) for row in figures]

    @without_gc
    def graph(self) -> KnowledgeGraph:
        """The graph of every document merged so far."""
        if self._stale:  # merge again, from the documents kept
            docs, origins = list(self._docs.values()), self._origins
            self._docs, self._entities, self._digests, self._stale = {}, {}, {}, False
            self._text_edges, self._gazetteer, self._origins = {}, set(), {}
            self._observations = {}
            self.add(docs, [origins[d[1]] for d in docs])
        kg = KnowledgeGraph()
        digests = self._digests
        kg.documents = [
            DocumentInfo(key, name, metadata, length, digests[key])
            for name, key, metadata, length, *_ in sorted(
                self._docs.values(), key=lambda x: (x[0], x[1])
            )
        ]
        for eid in sorted(self._entities):
            ent = self._entities[eid]
            name = max(ent.names, key=lambda x: (len(x), x))
            node = Node(id=eid, name=name, type=_TYPES[ent.first[1]])
            node.aliases = sorted((ent.names | ent.aliases) - {name})
            if ent.code is not None:
                node.code = ent.code[1]
            if ent.coords is not None:
                node.longitude, node.latitude = ent.coords[1], ent.coords[2]
            node.documents = sorted(ent.docs)
            node.mentions = ent.mentions
            node.confidence = ent.confidence
            kg.nodes[eid] = node
        # gazetteer facts are background knowledge: keep one copy, not one per document
        # (the first document's, at the highest confidence any document gives it)
        gaz: dict[tuple[str, str, str], EdgeRow] = {}
        for k in sorted(self._gazetteer):
            fact = (k[1], k[2], k[3])
            known = gaz.get(fact)
            if known is None:
                gaz[fact] = k
            elif k[9] > known[9]:
                gaz[fact] = (*known[:9], k[9], *known[10:])
        kg.edges = [e for key in sorted(self._text_edges) for e in self._text_edges[key]]
        kg.edges += [_edge_of(k) for k in sorted(gaz.values())]
        kg.observations = [o for key in sorted(self._observations) for o in self._observations[key]]
        return kg


def slice_years(
    graph: KnowledgeGraph, since: int | None = None, until: int | None = None
) -> KnowledgeGraph:
    """The part of ``graph`` stated for the years ``since`` to ``until`` (either open).

    A statement (from a text, or added by a correction) counts for the year of
    :meth:`KnowledgeGraph.edge_years`: it is kept when that year is in the range,
    and left out when it has none. An entity is kept when a document of a year in
    the range mentions it or it takes part in a kept statement; a gazetteer fact
    when both its entities are kept; a figure when its period (else its
    document's date) is in the range. Every document stays listed. With neither
    bound, ``graph`` itself is returned.

    >>> from kg.types import EntityType, Predicate, Source
    >>> g = KnowledgeGraph(
    ...     nodes={i: Node(i, i, EntityType.PLACE) for i in "ABC"},
    ...     edges=[Edge("A", Predicate.COOPERATES_WITH, "B", Source.TEXT, "d", "…", 0, 1,
    ...                 time="2019"),
    ...            Edge("A", Predicate.COOPERATES_WITH, "C", Source.TEXT, "d", "…", 0, 1,
    ...                 time="2023")])
    >>> [(e.subject, e.object) for e in slice_years(g, until=2020).edges]
    [('A', 'B')]
    >>> sorted(slice_years(g, since=2021).nodes)
    ['A', 'C']
    """
    if since is None and until is None:
        return graph
    lo = since if since is not None else -(10**9)
    hi = until if until is not None else 10**9

    def inside(year: int | None) -> bool:
        return year is not None and lo <= year <= hi

    doc_year: dict[str, int | None] = {}
    for d in graph.documents:
        date = d.date
        doc_year[d.key] = int(date[:4]) if date else None
    gaz = Source.GAZETTEER
    kept = [
        e
        for e, year in zip(graph.edges, graph.edge_years(), strict=True)
        if e.source is gaz or inside(year)
    ]
    ends = {x for e in kept if e.source is not gaz for x in (e.subject, e.object)}
    nodes = {
        i: n
        for i, n in graph.nodes.items()
        if i in ends or any(inside(doc_year.get(k)) for k in n.documents)
    }
    edges = [e for e in kept if e.subject in nodes and e.object in nodes]
    observations = [
        o if o.place is None or o.place in nodes else replace(o, place=None)
        for o in graph.observations
        if inside(int(o.period[:4]) if o.period else doc_year.get(o.document))
    ]
    mark = f"{since}-{until}".encode()
    documents = [
        d
        if not d.digest
        else replace(d, digest=hashlib.blake2b(d.digest + mark, digest_size=16).digest())
        for d in graph.documents
    ]
    return KnowledgeGraph(
        nodes=nodes,
        edges=edges,
        documents=documents,
        observations=observations,
        corrections=list(graph.corrections),
    )

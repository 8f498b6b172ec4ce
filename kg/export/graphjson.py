"""The knowledge graph as node-link JSON (``graph.json``), and back.

``kg build`` writes it next to the RDF so that later commands (``kg viz``) can
reload the merged graph without rebuilding it. The form follows networkx's
node-link JSON, with the field names of :mod:`kg.graph`::

    {"directed": true, "multigraph": true,
     "graph": {"format": "policy-kg graph", "version": 4,
               "documents": [{"key": "...", ..., "sentences": [[10, 52, "..."]]}]},
     "nodes": [{"id": "Place/410100", "name": "郑州市", "type": "Place", ...,
                "confidence": 0.9987}],
     "edges": [{"subject": "...", "predicate": "signed", "object": "...",
                "source": "text", "document": "...",
                "start": 10, "end": 52, "key": "signed|<document>|10",
                "confidence": 0.8312}]}

A sentence is stored once, in its document's ``sentences`` (start, end, text),
however many relations it states; an edge refers to it by its document and
offsets (an edge whose sentence cannot be referred to so carries ``sentence``).

so ``networkx.node_link_graph(data, source="subject", target="object",
edges="edges")`` loads it too. Output is deterministic: keys sorted, nodes and
edges in the graph's own (sorted) order, one document, node or edge per line,
UTF-8 without ``\\u`` escapes. It is written piece by piece, never held whole.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import OutputError
from kg.graph import CorrectionRecord, DocumentInfo, Edge, KnowledgeGraph, Node, Observation
from kg.types import EntityType, Modality, Predicate, Source

if TYPE_CHECKING:
    from kg.export.fragments import Fragments, Part

FORMAT = "policy-kg graph"
#: 2: nodes and edges carry their ``confidence``; 3: edges their ``time`` and
#: ``modality``, the graph its ``observations`` (figures) and ``corrections``; 4: the
#: documents their ``sentences``, which edges refer to by offsets.
VERSION = 4

#: A document's sentences that state relations: (start, end) -> text.
Sentences = dict[tuple[int, int], str]


def _stated(edges: Iterable[Edge]) -> dict[str, Sentences]:
    """The sentences of the edges, by document: the first edge's text for each
    document and pair of offsets."""
    out: dict[str, Sentences] = {}
    for e in edges:
        if e.sentence is not None and e.start is not None and e.end is not None:
            out.setdefault(e.document, {}).setdefault((e.start, e.end), e.sentence)
    return out


def _document(d: DocumentInfo, sentences: Sentences | None = None) -> dict[str, Any]:
    return {
        "key": d.key,
        "name": d.name,
        "metadata": dict(d.metadata),
        "length": d.length,
        "sentences": [[a, b, text] for (a, b), text in sorted((sentences or {}).items())],
    }


def _node(n: Node) -> dict[str, Any]:
    return {
        "id": n.id,
        "name": n.name,
        "type": n.type.value,
        "aliases": list(n.aliases),
        "code": n.code,
        "longitude": n.longitude,
        "latitude": n.latitude,
        "documents": list(n.documents),
        "mentions": n.mentions,
        "confidence": n.confidence,
    }


def _edge(e: Edge, sentences: dict[str, Sentences]) -> dict[str, Any]:
    """An edge's fields; its sentence only when its document's ``sentences`` do not
    hold it at its offsets."""
    predicate = e.predicate.value
    inline = e.sentence is not None and (
        e.start is None
        or e.end is None
        or sentences.get(e.document, {}).get((e.start, e.end)) != e.sentence
    )
    return {
        "subject": e.subject,
        "predicate": predicate,
        "object": e.object,
        "source": e.source.value,
        "document": e.document,
        **({"sentence": e.sentence} if inline else {}),
        "start": e.start,
        "end": e.end,
        "key": f"{predicate}|{e.document}|{e.start}",
        "confidence": e.confidence,
        "time": e.time,
        "modality": e.modality.value if e.modality is not None else None,
        **({"note": e.note} if e.note is not None else {}),
    }


def _observation(o: Observation) -> dict[str, Any]:
    return {
        "document": o.document,
        "indicator": o.name,
        "value": o.value,
        "unit": o.unit,
        "stated": o.stated,
        "start": o.start,
        "end": o.end,
        "sentence": o.sentence,
        "qualifier": o.qualifier,
        "place": o.place,
        "period": o.period,
    }


def _correction(c: CorrectionRecord) -> dict[str, Any]:
    return {
        "file": c.file,
        "line": c.line,
        "action": c.action,
        "target": c.target,
        "value": c.value,
        "note": c.note,
        "status": c.status,
        "detail": c.detail,
        "changed": list(c.changed),
        "relations": [list(r) for r in c.relations],
        "by": c.by,
        "date": c.date,
    }


def graph_to_data(graph: KnowledgeGraph) -> dict[str, Any]:
    """The node-link form of ``graph`` as plain JSON-able data."""
    stated = _stated(graph.edges)
    return {
        "directed": True,
        "multigraph": True,
        "graph": {
            "format": FORMAT,
            "version": VERSION,
            "documents": [_document(d, stated.get(d.key)) for d in graph.documents],
            "observations": [_observation(o) for o in graph.observations],
            "corrections": [_correction(c) for c in graph.corrections],
        },
        "nodes": [_node(n) for n in graph.nodes.values()],
        "edges": [_edge(e, stated) for e in graph.edges],
    }


def _array(items: Iterable[dict[str, Any]], indent: str, batch: int = 2000) -> Iterator[str]:
    """A JSON array, one item per line (keys sorted), in pieces."""
    inner = indent + " "
    first, buf = True, []
    for item in items:
        text = _dump(item)
        buf.append(("[\n" if first else ",\n") + inner + text)
        first = False
        if len(buf) >= batch:
            yield "".join(buf)
            buf.clear()
    yield "".join(buf) + ("[]" if first else "\n" + indent + "]")


def _edge_array(graph: KnowledgeGraph, fragments: Fragments | None) -> Iterator[str | Part]:
    """The edges as :func:`_array` writes them, one document's edges at a time
    (parts kept in ``fragments``, each with the separator before it)."""
    from kg.export.fragments import Part, digest, edge_parts  # noqa: F811 - at run time

    sep = ",\n  "

    def text(run: list[Edge], start: int) -> str:
        # a run is one document's edges: its sentences are those of the run
        stated = _stated(run)
        return sep.join([_dump(_edge(e, stated)) for e in run])

    def led(lead: str, make: Callable[[], str]) -> str:
        return lead + make()

    first = True
    for part in edge_parts(graph, fragments, __name__, text):
        lead = "[\n  " if first else sep
        key = digest(part.key, lead) if part.key else b""
        yield Part(key, functools.partial(led, lead, part.make))
        first = False
    yield "[]" if first else "\n ]"


#: ``json.dumps(item, ensure_ascii=False, sort_keys=True)``, one encoder for every call
#: (``json.dumps`` with options builds an encoder each time: one per edge).
_dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def iter_json(graph: KnowledgeGraph, fragments: Fragments | None = None) -> Iterator[str]:
    """The text of :func:`dumps` in pieces (see :func:`_json_pieces`)."""
    from kg.export.fragments import text_pieces

    yield from text_pieces(_json_pieces(graph, fragments))


def _json_pieces(graph: KnowledgeGraph, fragments: Fragments | None) -> Iterator[str | Part]:
    """The text of :func:`dumps` in pieces, without the whole graph's data in memory.

    Keys in sorted order at every level (directed, edges, graph, multigraph,
    nodes); each document, node and edge on one line. With ``fragments``, each
    document's edges are formatted once and kept (see :mod:`kg.export.fragments`).
    """
    yield '{\n "directed": true,\n "edges": '
    yield from _edge_array(graph, fragments)
    yield ',\n "graph": {\n  "corrections": '
    yield from _array((_correction(c) for c in graph.corrections), "  ")
    yield ',\n  "documents": '
    stated = _stated(graph.edges)
    yield from _array((_document(d, stated.get(d.key)) for d in graph.documents), "  ")
    del stated
    yield f',\n  "format": {json.dumps(FORMAT)},\n  "observations": '
    yield from _array((_observation(o) for o in graph.observations), "  ")
    yield f',\n  "version": {json.dumps(VERSION)}\n }}'
    yield ',\n "multigraph": true,\n "nodes": '
    yield from _array((_node(n) for n in graph.nodes.values()), " ")
    yield "\n}\n"


def dumps(graph: KnowledgeGraph) -> str:
    """``graph`` as a deterministic JSON text (sorted keys, UTF-8, final newline)."""
    return "".join(iter_json(graph))


def write_graph_json(
    graph: KnowledgeGraph, path: str | Path, *, fragments: Fragments | None = None
) -> Path:
    """Write ``graph`` to ``path`` as node-link JSON, atomically, streaming; return the path."""
    from kg.export.fragments import kept_file, write_pieces

    path = Path(path)
    with kept_file(path, fragments) as out:
        write_pieces(out, _json_pieces(graph, fragments))
    return path


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def _opt_int(v: Any) -> int | None:
    return None if v is None else int(v)


def _confidence(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
        raise ValueError(f"confidence {v!r} is not a number from 0 to 1")
    return float(v)


def data_to_graph(data: Any) -> KnowledgeGraph:
    """Rebuild a :class:`KnowledgeGraph` from :func:`graph_to_data`'s form.

    Raises ``ValueError``, ``KeyError`` or ``TypeError`` on malformed data.
    """
    if not isinstance(data, dict):
        raise TypeError("top level is not a JSON object")
    meta = data["graph"]
    if meta.get("format") != FORMAT:
        raise ValueError(f"format is {meta.get('format')!r}, expected {FORMAT!r}")
    if meta.get("version") != VERSION:
        raise ValueError(
            f"version {meta.get('version')!r} is not supported (expected {VERSION}; "
            "run `kg build` again)"
        )
    graph = KnowledgeGraph()
    stated: dict[str, Sentences] = {}
    for d in meta["documents"]:
        stated[str(d["key"])] = {(int(a), int(b)): str(t) for a, b, t in d.get("sentences", [])}
        graph.documents.append(
            DocumentInfo(
                key=str(d["key"]),
                name=str(d["name"]),
                metadata=tuple(sorted((str(k), str(v)) for k, v in d["metadata"].items())),
                length=int(d["length"]),
            )
        )
    for n in data["nodes"]:
        node = Node(
            id=str(n["id"]),
            name=str(n["name"]),
            type=EntityType(n["type"]),
            aliases=[str(a) for a in n["aliases"]],
            code=None if n.get("code") is None else str(n["code"]),
            longitude=_opt_float(n.get("longitude")),
            latitude=_opt_float(n.get("latitude")),
            documents=[str(k) for k in n["documents"]],
            mentions=int(n["mentions"]),
            confidence=_confidence(n["confidence"]),
        )
        if node.id in graph.nodes:
            raise ValueError(f"node {node.id!r} appears twice")
        graph.nodes[node.id] = node
    for e in data["edges"]:
        start, stop = _opt_int(e.get("start")), _opt_int(e.get("end"))
        sentence = e.get("sentence")
        if sentence is None and start is not None and stop is not None:
            sentence = stated.get(str(e["document"]), {}).get((start, stop))
        edge = Edge(
            subject=str(e["subject"]),
            predicate=Predicate(e["predicate"]),
            object=str(e["object"]),
            source=Source(e["source"]),
            document=str(e["document"]),
            sentence=None if sentence is None else str(sentence),
            start=start,
            end=stop,
            confidence=_confidence(e["confidence"]),
            time=None if e.get("time") is None else str(e["time"]),
            modality=None if e.get("modality") is None else Modality(e["modality"]),
            note=None if e.get("note") is None else str(e["note"]),
        )
        for end in (edge.subject, edge.object):
            if end not in graph.nodes:
                raise ValueError(f"edge {edge.predicate.value} refers to unknown node {end!r}")
        graph.edges.append(edge)
    for o in meta.get("observations", []):
        graph.observations.append(
            Observation(
                document=str(o["document"]),
                name=str(o["indicator"]),
                value=str(o["value"]),
                unit=str(o["unit"]),
                stated=str(o["stated"]),
                start=int(o["start"]),
                end=int(o["end"]),
                sentence=str(o["sentence"]),
                qualifier=None if o.get("qualifier") is None else str(o["qualifier"]),
                place=None if o.get("place") is None else str(o["place"]),
                period=None if o.get("period") is None else str(o["period"]),
            )
        )
    for c in meta.get("corrections", []):
        graph.corrections.append(
            CorrectionRecord(
                file=str(c["file"]),
                line=int(c["line"]),
                action=str(c["action"]),
                target=str(c["target"]),
                value=str(c["value"]),
                note=str(c["note"]),
                status=str(c["status"]),
                detail=str(c["detail"]),
                changed=tuple(str(x) for x in c.get("changed", [])),
                relations=tuple(
                    (str(a), str(b), str(d), str(k)) for a, b, d, k in c.get("relations", [])
                ),
                by=str(c.get("by", "")),
                date=str(c.get("date", "")),
            )
        )
    return graph


def read_graph_json(path: str | Path) -> KnowledgeGraph:
    """Read a ``graph.json`` written by :func:`write_graph_json`.

    A missing, unreadable or malformed file raises :class:`OutputError` naming it.

    >>> import tempfile, pathlib
    >>> from kg.graph import KnowledgeGraph, Node
    >>> from kg.types import EntityType
    >>> g = KnowledgeGraph(nodes={"Place/410100": Node("Place/410100", "郑州市", EntityType.PLACE)})
    >>> p = write_graph_json(g, pathlib.Path(tempfile.mkdtemp()) / "graph.json")
    >>> read_graph_json(p).nodes["Place/410100"].name
    '郑州市'
    """
    from kg.export.files import read_output

    path = Path(path)
    try:
        text = read_output(path).decode("utf-8")  # graph.json or graph.json.gz
    except FileNotFoundError:
        raise OutputError(f"{path}: not found (run `kg build` to write it)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"{path}: cannot be read: {exc}") from exc
    try:
        return data_to_graph(json.loads(text))
    except json.JSONDecodeError as exc:
        raise OutputError(f"{path}: not valid JSON: line {exc.lineno}: {exc.msg}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise OutputError(f"{path}: not a policy-kg graph.json: {detail}") from exc

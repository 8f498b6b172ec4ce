"""The graph for network-analysis tools: GraphML, GEXF (Gephi) and CSV node and edge lists.

Every format carries the same flat attributes, since these tools read scalars
only: lists are joined with ``|`` and missing values are left out.

Nodes
    ``label`` (the canonical name), ``type``, ``aliases``, ``code`` (division
    code of a place), ``longitude``, ``latitude``, ``documents`` (names of the
    documents that mention it), ``document_count`` and ``mentions``.
Edges
    ``label`` and ``relation`` (the predicate), ``source_kind`` (``text`` or
    ``gazetteer``), ``document`` (the document that states it; empty for
    gazetteer facts) and ``evidence`` (the sentence).

Edge ids are ``e0``, ``e1``, … in the graph's own order, so files are
byte-identical from one build to the next; the GEXF header carries no date.
CSV files are UTF-8 with a byte-order mark, so spreadsheet software shows the
Chinese names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import UnknownNameError
from kg.export.atomic import write_bytes
from kg.graph import Edge, KnowledgeGraph, Node
from kg.types import Source

if TYPE_CHECKING:
    import networkx as nx

#: Separator of list values (aliases, documents) inside one attribute or cell.
SEP = "|"
#: Column names of ``nodes.csv`` and ``edges.csv``.
NODE_COLUMNS = ("id", "label", "type", "code", "longitude", "latitude", "aliases", "documents")
EDGE_COLUMNS = ("source", "target", "relation", "source_kind", "document", "evidence")


def _doc_names(graph: KnowledgeGraph) -> dict[str, str]:
    return {d.key: d.name for d in graph.documents}


def node_attributes(node: Node, doc_names: dict[str, str]) -> dict[str, Any]:
    """The flat attributes of one node (no ``None``, no lists).

    >>> from kg.types import EntityType
    >>> n = Node("Place/410100", "郑州市", EntityType.PLACE, aliases=["郑", "郑州"],
    ...          code="410100", longitude=113.62, latitude=34.75, documents=["k1"])
    >>> a = node_attributes(n, {"k1": "002.txt"})
    >>> a["label"], a["aliases"], a["code"], a["documents"], a["longitude"]
    ('郑州市', '郑|郑州', '410100', '002.txt', 113.62)
    """
    attrs: dict[str, Any] = {"label": node.name, "type": node.type.value}
    if node.aliases:
        attrs["aliases"] = SEP.join(node.aliases)
    if node.code is not None:
        attrs["code"] = node.code
    if node.longitude is not None and node.latitude is not None:
        attrs["longitude"] = float(node.longitude)
        attrs["latitude"] = float(node.latitude)
    docs = [doc_names.get(k, k) for k in node.documents]
    if docs:
        attrs["documents"] = SEP.join(docs)
    attrs["document_count"] = len(docs)
    attrs["mentions"] = int(node.mentions)
    return attrs


def edge_attributes(edge: Edge, doc_names: dict[str, str]) -> dict[str, Any]:
    """The flat attributes of one edge (no ``None``)."""
    attrs: dict[str, Any] = {
        "label": edge.predicate.value,
        "relation": edge.predicate.value,
        "source_kind": edge.source.value,
    }
    if edge.source is Source.TEXT and edge.document:
        attrs["document"] = doc_names.get(edge.document, edge.document)
    if edge.sentence:
        attrs["evidence"] = edge.sentence
    return attrs


def to_networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """A ``MultiDiGraph`` with only scalar attributes, as GraphML and GEXF need.

    Edge keys are ``e0``, ``e1``, … in the order of ``graph.edges``.
    """
    import networkx as nx

    names = _doc_names(graph)
    g = nx.MultiDiGraph()
    for node in graph.nodes.values():
        g.add_node(node.id, **node_attributes(node, names))
    for i, edge in enumerate(graph.edges):
        g.add_edge(edge.subject, edge.object, key=f"e{i}", **edge_attributes(edge, names))
    return g


def graphml_bytes(graph: KnowledgeGraph) -> bytes:
    """The graph as GraphML (UTF-8)."""
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(to_networkx(graph), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def gexf_bytes(graph: KnowledgeGraph) -> bytes:
    """The graph as GEXF 1.2 for Gephi (UTF-8), with a fixed header: no date, no version."""
    from networkx.readwrite.gexf import GEXFWriter

    g = to_networkx(graph)
    # GEXF ids must be unique per file: give every edge its key as id
    for _, _, key, data in g.edges(keys=True, data=True):
        data["id"] = key
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "policy-kg"
    writer.add_graph(g)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _csv_bytes(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _num(v: float | None) -> str:
    return "" if v is None else repr(float(v))


def nodes_csv(graph: KnowledgeGraph) -> bytes:
    """``nodes.csv``: one row per entity, columns :data:`NODE_COLUMNS`, UTF-8 with BOM."""
    names = _doc_names(graph)
    rows = []
    for n in graph.nodes.values():
        has_xy = n.longitude is not None and n.latitude is not None
        rows.append(
            [
                n.id,
                n.name,
                n.type.value,
                n.code or "",
                _num(n.longitude) if has_xy else "",
                _num(n.latitude) if has_xy else "",
                SEP.join(n.aliases),
                SEP.join(names.get(k, k) for k in n.documents),
            ]
        )
    return _csv_bytes(NODE_COLUMNS, rows)


def edges_csv(graph: KnowledgeGraph) -> bytes:
    """``edges.csv``: one row per relation, columns :data:`EDGE_COLUMNS`, UTF-8 with BOM."""
    names = _doc_names(graph)
    rows = []
    for e in graph.edges:
        a = edge_attributes(e, names)
        rows.append(
            [
                e.subject,
                e.object,
                e.predicate.value,
                e.source.value,
                a.get("document", ""),
                a.get("evidence", ""),
            ]
        )
    return _csv_bytes(EDGE_COLUMNS, rows)


def write_graphml(graph: KnowledgeGraph, path: str | Path) -> list[Path]:
    """Write ``graph.graphml`` to ``path`` atomically."""
    path = Path(path)
    write_bytes(path, graphml_bytes(graph))
    return [path]


def write_gexf(graph: KnowledgeGraph, path: str | Path) -> list[Path]:
    """Write ``graph.gexf`` to ``path`` atomically."""
    path = Path(path)
    write_bytes(path, gexf_bytes(graph))
    return [path]


def write_csv(graph: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``nodes.csv`` and ``edges.csv`` into the folder ``out_dir`` atomically."""
    out = Path(out_dir)
    nodes, edges = out / "nodes.csv", out / "edges.csv"
    write_bytes(nodes, nodes_csv(graph))
    write_bytes(edges, edges_csv(graph))
    return [edges, nodes]


#: Writers by format name, each with its default output (file or folder) in a build folder.
FORMATS: dict[str, tuple[Callable[[KnowledgeGraph, str | Path], list[Path]], str]] = {
    "csv": (write_csv, "."),
    "gexf": (write_gexf, "graph.gexf"),
    "graphml": (write_graphml, "graph.graphml"),
}


def write_format(
    graph: KnowledgeGraph, fmt: str, out_dir: str | Path, out: str | Path | None = None
) -> list[Path]:
    """Write ``graph`` in format ``fmt`` to ``out`` (default: its usual name in ``out_dir``).

    For ``csv`` the target is a folder that receives ``nodes.csv`` and ``edges.csv``.
    An unknown format raises :class:`UnknownNameError` naming the valid ones.
    """
    try:
        writer, default = FORMATS[fmt]
    except KeyError:
        raise UnknownNameError("export format", fmt, tuple(FORMATS)) from None
    target = Path(out) if out is not None else Path(out_dir) / default
    return writer(graph, target)

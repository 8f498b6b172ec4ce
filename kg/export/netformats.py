"""The graph for network-analysis tools: GraphML, GEXF (Gephi) and CSV node and edge lists.

Every format carries the same flat attributes, since these tools read scalars
only: lists are joined with ``|`` and missing values are left out.

Nodes
    ``label`` (the canonical name), ``type``, ``aliases``, ``code`` (division
    code of a place), ``longitude``, ``latitude``, ``documents`` (names of the
    documents that mention it), ``document_count``, ``mentions`` and
    ``confidence`` (the highest of its mentions', 0-1).
Edges
    ``label`` and ``relation`` (the predicate), ``source_kind`` (``text`` or
    ``gazetteer``), ``document`` (the document that states it; empty for
    gazetteer facts), ``evidence`` (the sentence) and ``confidence`` (the
    relation scorer's, 0-1; 1 for gazetteer facts).

Edge ids are stable: ``e<document key>-<n>`` for the n-th relation stated in a
document (``g…`` for gazetteer facts), so an edge keeps its id while its
document is unchanged, and files are byte-identical from one build to the
next; the GEXF header carries no date.

GEXF also carries what Gephi draws: each node's ``viz`` colour and shape (those
of its type on the HTML page), size (grows with its documents) and position (the
HTML page's whole-graph layout, seeded); relations that go both ways
(``cooperatesWith``) are ``type="undirected"`` edges in an otherwise directed
graph, which Gephi reads as a mixed graph. (networkx reads no mixed GEXF: read
``graph.graphml`` there, or ``graph.json``.)
CSV files are UTF-8 with a byte-order mark, so spreadsheet software shows the
Chinese names; a cell a spreadsheet would evaluate as a formula (it starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and is not a plain number)
gets a leading apostrophe (:func:`neutralise`, OWASP's rule against CSV injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.errors import UnknownNameError
from kg.export.atomic import atomic_open
from kg.export.fragments import (
    Fragments,
    Part,
    edge_parts,
    kept_file,
    text_pieces,
    write_pieces,
)
from kg.graph import Edge, KnowledgeGraph, Node
from kg.types import Source

if TYPE_CHECKING:
    import networkx as nx

#: Separator of list values (aliases, documents) inside one attribute or cell.
SEP = "|"
#: Column names of ``nodes.csv`` and ``edges.csv``.
NODE_COLUMNS = (
    "id",
    "label",
    "type",
    "code",
    "longitude",
    "latitude",
    "aliases",
    "documents",
    "confidence",
)
EDGE_COLUMNS = ("source", "target", "relation", "source_kind", "document", "evidence", "confidence")


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
    attrs["confidence"] = float(node.confidence)
    return attrs


def edge_attributes(edge: Edge, doc_names: dict[str, str]) -> dict[str, Any]:
    """The flat attributes of one edge (no ``None``)."""
    predicate = edge.predicate.value
    attrs: dict[str, Any] = {
        "label": predicate,
        "relation": predicate,
        "source_kind": edge.source.value,
    }
    if edge.source is Source.TEXT and edge.document:
        attrs["document"] = doc_names.get(edge.document, edge.document)
    if edge.sentence:
        attrs["evidence"] = edge.sentence
    attrs["confidence"] = float(edge.confidence)
    return attrs


def to_networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """A ``MultiDiGraph`` with only scalar attributes, as GraphML and GEXF need.

    Edge keys are those of the GraphML and GEXF files (see :func:`edge_ids`).
    """
    import networkx as nx

    names = _doc_names(graph)
    g = nx.MultiDiGraph()
    for node in graph.nodes.values():
        g.add_node(node.id, **node_attributes(node, names))
    for edge, key in zip(graph.edges, edge_ids(graph.edges), strict=True):
        g.add_edge(edge.subject, edge.object, key=key, **edge_attributes(edge, names))
    return g


def edge_ids(edges: list[Edge]) -> list[str]:
    """Stable, unique ids of ``edges``: ``e<document key>-<n>`` for the n-th relation
    of the list stated in that document, ``g<document key>-<n>`` for gazetteer facts
    (kept with the first document that brought them).

    A document's edges are consecutive in a graph, so an id depends on that
    document's edges alone: it stays the same while the document does.

    >>> from kg.types import Predicate
    >>> def edge(source: Source) -> Edge:
    ...     return Edge("A", Predicate.PART_OF, "B", source, "d1", None, None, None)
    >>> edge_ids([edge(Source.TEXT), edge(Source.TEXT), edge(Source.GAZETTEER)])
    ['ed1-0', 'ed1-1', 'gd1-0']
    """
    counts: dict[tuple[bool, str], int] = {}
    out = []
    for e in edges:
        base = (e.source is Source.GAZETTEER, e.document)
        n = counts.get(base, 0)
        counts[base] = n + 1
        out.append(f"{'g' if base[0] else 'e'}{e.document}-{n}")
    return out


# --------------------------------------------------------------------------- XML
#
# GraphML and GEXF are written as text, element by element, in the graph's own
# order (nodes, then edges), so a large graph is never held as an XML
# tree. The element layout is the one networkx writes and reads back.

# characters XML 1.0 cannot hold at all (not even as references): replaced by U+FFFD
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# anything that needs escaping or replacing (the common case is none)
_TEXT_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTR_SPECIAL = re.compile('[&<>"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def _str(value: object) -> str:
    if type(value) is str:
        return value
    return repr(value) if isinstance(value, float) else str(value)


def _text(value: object) -> str:
    """Escaped element text."""
    text = _str(value)
    if not _TEXT_SPECIAL.search(text):
        return text
    text = _XML_INVALID.sub("\ufffd", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")  # a raw CR would be read back as a line feed


def _attr(value: object) -> str:
    """Escaped attribute value (without the quotes)."""
    text = _str(value)
    if not _ATTR_SPECIAL.search(text):
        return text
    text = _XML_INVALID.sub("\ufffd", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
    return text.replace("\t", "&#09;")


def _xml_type(kind: type) -> str:
    return {int: "long", float: "double"}.get(kind, "string")


#: Attributes and their types, in the order of declaration.
NODE_ATTRIBUTES: tuple[tuple[str, type], ...] = (
    ("label", str),
    ("type", str),
    ("documents", str),
    ("document_count", int),
    ("mentions", int),
    ("aliases", str),
    ("code", str),
    ("longitude", float),
    ("latitude", float),
    ("confidence", float),
)
EDGE_ATTRIBUTES: tuple[tuple[str, type], ...] = (
    ("label", str),
    ("relation", str),
    ("source_kind", str),
    ("document", str),
    ("evidence", str),
    ("confidence", float),
)

_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def _edge_parts(
    graph: KnowledgeGraph, fragments: Fragments | None, edge: Callable[[Edge, str], str]
) -> Iterator[Part]:
    """The edges in the text ``edge`` formats (given each edge and its id), one
    document's edges at a time (parts kept in ``fragments``).

    A part's ids depend on its own edges only when each document's edges are
    consecutive, as in every merged graph; otherwise no part is kept.
    """
    ids = edge_ids(graph.edges)
    if not _grouped(graph.edges):
        fragments = None

    def text(run: list[Edge], start: int) -> str:
        ids_of_run = ids[start : start + len(run)]
        return "".join([edge(e, i) for e, i in zip(run, ids_of_run, strict=True)])

    return edge_parts(graph, fragments, __name__, text)


def _grouped(edges: list[Edge]) -> bool:
    """Whether the edges of each document (and kind) are consecutive."""
    done: set[tuple[bool, str]] = set()
    last: tuple[bool, str] | None = None
    for e in edges:
        key = (e.source is Source.GAZETTEER, e.document)
        if key != last:
            if key in done:
                return False
            if last is not None:
                done.add(last)
            last = key
    return True


def iter_graphml(graph: KnowledgeGraph, fragments: Fragments | None = None) -> Iterator[str]:
    """The graph as GraphML text, in pieces (see :func:`_graphml_pieces`)."""
    return text_pieces(_graphml_pieces(graph, fragments))


def _graphml_pieces(
    graph: KnowledgeGraph, fragments: Fragments | None
) -> Iterator[str | bytes | Part]:
    """The graph as GraphML text, in pieces (nodes, then edges).

    With ``fragments``, each document's edges are formatted once and kept.
    """
    names = _doc_names(graph)
    node_keys = {name: f"d{i}" for i, (name, _) in enumerate(NODE_ATTRIBUTES)}
    edge_keys = {name: f"d{i + len(node_keys)}" for i, (name, _) in enumerate(EDGE_ATTRIBUTES)}

    def pieces() -> Iterator[str | bytes | Part]:
        yield _GRAPHML_HEAD
        for kind, spec, keys in (
            ("node", NODE_ATTRIBUTES, node_keys),
            ("edge", EDGE_ATTRIBUTES, edge_keys),
        ):
            for name, typ in spec:
                yield (
                    f'<key id="{keys[name]}" for="{kind}" attr.name="{name}" '
                    f'attr.type="{_xml_type(typ)}"/>\n'
                )
        yield '<graph edgedefault="directed">\n'
        for node in graph.nodes.values():
            data = "".join(
                f'  <data key="{node_keys[k]}">{_text(v)}</data>\n'
                for k, v in node_attributes(node, names).items()
            )
            yield f'<node id="{_attr(node.id)}">\n{data}</node>\n'
        yield from _edge_parts(graph, fragments, edge)
        yield "</graph>\n</graphml>\n"

    def edge(e: Edge, edge_id: str) -> str:
        data = "".join(
            f'  <data key="{edge_keys[k]}">{_text(v)}</data>\n'
            for k, v in edge_attributes(e, names).items()
        )
        return (
            f'<edge source="{_attr(e.subject)}" target="{_attr(e.object)}" '
            f'id="{_attr(edge_id)}">\n{data}</edge>\n'
        )

    return pieces()


def graphml_bytes(graph: KnowledgeGraph) -> bytes:
    """The graph as GraphML (UTF-8)."""
    return "".join(iter_graphml(graph)).encode("utf-8")


_GEXF_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<gexf xmlns="http://www.gexf.net/1.2draft" '
    'xmlns:viz="http://www.gexf.net/1.2draft/viz" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.gexf.net/1.2draft '
    'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
    "  <meta>\n    <creator>policy-kg</creator>\n  </meta>\n"
    '  <graph defaultedgetype="directed" mode="dynamic" timeformat="date" name="">\n'
)


#: GEXF's viz shapes for the page's vis-network shapes (GEXF has disc, square,
#: triangle, diamond and image).
_GEXF_SHAPES = {
    "dot": "disc",
    "square": "square",
    "triangle": "triangle",
    "triangleDown": "triangle",
    "diamond": "diamond",
}


def iter_gexf(graph: KnowledgeGraph, fragments: Fragments | None = None) -> Iterator[str]:
    """The graph as GEXF 1.2 text, in pieces (see :func:`_gexf_pieces`)."""
    return text_pieces(_gexf_pieces(graph, fragments))


def _gexf_pieces(
    graph: KnowledgeGraph, fragments: Fragments | None
) -> Iterator[str | bytes | Part]:
    """The graph as GEXF 1.2 text, in pieces; no date in the header.

    Node and edge labels are the ``label`` attribute of their elements; every
    edge's id is its key (see :func:`edge_ids`), also given as ``networkx_key`` so
    that networkx reads the same keys back. With ``fragments``, each document's
    edges are formatted once and kept.

    The graph is dynamic, for Gephi's timeline: a statement dated to a year (see
    :meth:`~kg.graph.KnowledgeGraph.edge_years`) holds from the first day of that
    year on (a ``<spell start="YEAR-01-01">``), an entity from the first year a
    dated document or statement gives it; what has no year holds throughout.
    """
    names = _doc_names(graph)
    edge_year = dict(zip(map(id, graph.edges), graph.edge_years(), strict=True))
    node_year = _first_years(graph)

    def spell(year: int | None, pad: str) -> str:
        if year is None:
            return ""
        return f'{pad}<spells>\n{pad}  <spell start="{year:04d}-01-01" />\n{pad}</spells>\n'

    node_ids = {name: str(i) for i, (name, _) in enumerate(NODE_ATTRIBUTES[1:])}
    edge_spec = (*EDGE_ATTRIBUTES[1:], ("networkx_key", str))
    attr_ids = {name: str(i + len(node_ids)) for i, (name, _) in enumerate(edge_spec)}

    def declare(kind: str, spec: tuple[tuple[str, type], ...], ids: dict[str, str]) -> str:
        rows = "".join(
            f'      <attribute id="{ids[name]}" title="{name}" type="{_xml_type(typ)}" />\n'
            for name, typ in spec
        )
        return f'    <attributes mode="static" class="{kind}">\n{rows}    </attributes>\n'

    def attvalues(attrs: dict[str, Any], ids: dict[str, str], pad: str) -> str:
        rows = "".join(
            f'{pad}  <attvalue for="{ids[k]}" value="{v if k == "networkx_key" else _attr(v)}" />\n'
            for k, v in attrs.items()
            if k != "label"
        )
        return f"{pad}<attvalues>\n{rows}{pad}</attvalues>\n" if rows else ""

    def pieces() -> Iterator[str | bytes | Part]:
        from kg.export.html import _node_size, type_styles
        from kg.export.layout import graph_layout

        styles = type_styles()
        pos = graph_layout(graph)
        yield _GEXF_HEAD
        yield declare("edge", edge_spec, attr_ids)
        yield declare("node", NODE_ATTRIBUTES[1:], node_ids)
        yield "    <nodes>\n"
        for node in graph.nodes.values():
            attrs = node_attributes(node, names)
            st = styles[node.type.value]
            r, g_, b = (int(st.color[i : i + 2], 16) for i in (1, 3, 5))
            x, y = pos[node.id]
            viz = (
                f'        <viz:color r="{r}" g="{g_}" b="{b}" />\n'
                f'        <viz:size value="{_node_size(len(node.documents))}" />\n'
                f'        <viz:shape value="{_GEXF_SHAPES.get(st.shape, "disc")}" />\n'
                f'        <viz:position x="{x}" y="{-y}" z="0.0" />\n'
            )
            yield (
                f'      <node id="{_attr(node.id)}" label="{_attr(attrs["label"])}">\n'
                f"{attvalues(attrs, node_ids, '        ')}"
                f"{spell(node_year.get(node.id), '        ')}{viz}      </node>\n"
            )
        yield "    </nodes>\n    <edges>\n"
        yield from _edge_parts(graph, fragments, edge)
        yield "    </edges>\n  </graph>\n</gexf>\n"

    def edge(e: Edge, edge_id: str) -> str:
        attrs = edge_attributes(e, names)
        attrs["networkx_key"] = edge_id = _attr(edge_id)  # the same id again
        kind = ' type="undirected"' if e.predicate.symmetric else ""
        return (
            f'      <edge source="{_attr(e.subject)}" target="{_attr(e.object)}" '
            f'id="{edge_id}"{kind} label="{_attr(attrs["label"])}">\n'
            f"{attvalues(attrs, attr_ids, '        ')}"
            f"{spell(edge_year.get(id(e)), '        ')}      </edge>\n"
        )

    return pieces()


def _first_years(graph: KnowledgeGraph) -> dict[str, int]:
    """Each entity's first year: of a dated statement it takes part in, or of a dated
    document that mentions it (entities of neither have none)."""
    first: dict[str, int] = {}

    def see(nid: str, year: int) -> None:
        if nid not in first or year < first[nid]:
            first[nid] = year

    for e, year in zip(graph.edges, graph.edge_years(), strict=True):
        if year is not None:
            see(e.subject, year)
            see(e.object, year)
    doc_year = {d.key: int(d.date[:4]) for d in graph.documents if d.date}
    for n in graph.nodes.values():
        for k in n.documents:
            if k in doc_year:
                see(n.id, doc_year[k])
    return first


def gexf_bytes(graph: KnowledgeGraph) -> bytes:
    """The graph as GEXF 1.2 for Gephi (UTF-8), with a fixed header: no date, no version."""
    return "".join(iter_gexf(graph)).encode("utf-8")


# --------------------------------------------------------------------------- CSV

#: What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet shows it without evaluating it: a cell that starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe
    (the OWASP rule), unless it is a plain number (a negative longitude stays a number).

    >>> neutralise("=HYPERLINK(A1)"), neutralise("-12.5"), neutralise("郑州市")
    ("'=HYPERLINK(A1)", '-12.5', '郑州市')
    >>> neutralise("@SUM(A1)"), neutralise("-1+2")
    ("'@SUM(A1)", "'-1+2")
    """
    if cell.startswith(FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _safe(row: list[str]) -> list[str]:
    return [neutralise(c) for c in row]


def _num(v: float | None) -> str:
    return "" if v is None else repr(float(v))


def _node_rows(graph: KnowledgeGraph) -> Iterator[list[str]]:
    names = _doc_names(graph)
    for n in graph.nodes.values():
        has_xy = n.longitude is not None and n.latitude is not None
        yield _safe(
            [
                n.id,
                n.name,
                n.type.value,
                n.code or "",
                _num(n.longitude) if has_xy else "",
                _num(n.latitude) if has_xy else "",
                SEP.join(n.aliases),
                SEP.join(names.get(k, k) for k in n.documents),
                _num(n.confidence),
            ]
        )


def _edge_row(e: Edge, names: dict[str, str]) -> list[str]:
    a = edge_attributes(e, names)  # the relation and its kind, read once
    return _safe(
        [
            e.subject,
            e.object,
            a["relation"],
            a["source_kind"],
            a.get("document", ""),
            a.get("evidence", ""),
            _num(e.confidence),
        ]
    )


def _edge_rows(graph: KnowledgeGraph) -> Iterator[list[str]]:
    names = _doc_names(graph)
    for e in graph.edges:
        yield _edge_row(e, names)


def _edge_lines(graph: KnowledgeGraph, fragments: Fragments | None) -> Iterator[Part]:
    """The rows of ``edges.csv``, one document's edges at a time (kept in ``fragments``)."""
    names = _doc_names(graph)

    def rows(run: list[Edge], start: int) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows([_edge_row(e, names) for e in run])
        return buf.getvalue()

    return edge_parts(graph, fragments, __name__, rows)


def _write_rows(f: IO[str], header: tuple[str, ...], rows: Iterator[list[str]]) -> None:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)


def _csv_bytes(header: tuple[str, ...], rows: Iterator[list[str]]) -> bytes:
    buf = io.StringIO()
    _write_rows(buf, header, rows)
    return buf.getvalue().encode("utf-8-sig")


def nodes_csv(graph: KnowledgeGraph) -> bytes:
    """``nodes.csv``: one row per entity, columns :data:`NODE_COLUMNS`, UTF-8 with BOM."""
    return _csv_bytes(NODE_COLUMNS, _node_rows(graph))


def edges_csv(graph: KnowledgeGraph) -> bytes:
    """``edges.csv``: one row per relation, columns :data:`EDGE_COLUMNS`, UTF-8 with BOM."""
    return _csv_bytes(EDGE_COLUMNS, _edge_rows(graph))


def _write_pieces(
    path: Path, pieces: Iterator[str | bytes | Part], fragments: Fragments | None
) -> None:
    with kept_file(path, fragments) as out:
        write_pieces(out, pieces)


def write_graphml(
    graph: KnowledgeGraph, path: str | Path, *, fragments: Fragments | None = None
) -> list[Path]:
    """Write ``graph.graphml`` to ``path`` atomically, streaming (``fragments``: see
    :mod:`kg.export.fragments`)."""
    path = Path(path)
    _write_pieces(path, _graphml_pieces(graph, fragments), fragments)
    return [path]


def write_gexf(
    graph: KnowledgeGraph, path: str | Path, *, fragments: Fragments | None = None
) -> list[Path]:
    """Write ``graph.gexf`` to ``path`` atomically, streaming (``fragments``: see
    :mod:`kg.export.fragments`)."""
    path = Path(path)
    _write_pieces(path, _gexf_pieces(graph, fragments), fragments)
    return [path]


def write_csv(
    graph: KnowledgeGraph, out_dir: str | Path, *, fragments: Fragments | None = None
) -> list[Path]:
    """Write ``nodes.csv`` and ``edges.csv`` into the folder ``out_dir`` atomically, streaming
    (``fragments``: see :mod:`kg.export.fragments`)."""
    out = Path(out_dir)
    nodes, edges = out / "nodes.csv", out / "edges.csv"
    with atomic_open(nodes, "w", encoding="utf-8-sig") as f:
        _write_rows(f, NODE_COLUMNS, _node_rows(graph))
    head = io.StringIO()
    _write_rows(head, EDGE_COLUMNS, iter(()))
    with kept_file(edges, fragments) as kept:
        kept.write(head.getvalue().encode("utf-8-sig"))  # with the byte-order mark
        write_pieces(kept, _edge_lines(graph, fragments))
    return [edges, nodes]


#: Writers by format name, each with its default output (file or folder) in a build folder.
def _write_indicators(graph: KnowledgeGraph, path: str | Path) -> list[Path]:
    from kg.export.indicators import write_indicators_csv

    return write_indicators_csv(graph, path)


def _write_yearly(graph: KnowledgeGraph, path: str | Path) -> list[Path]:
    from kg.export.yearly import write_yearly_csv

    return write_yearly_csv(graph, path)


FORMATS: dict[str, tuple[Callable[[KnowledgeGraph, str | Path], list[Path]], str]] = {
    "csv": (write_csv, "."),
    "gexf": (write_gexf, "graph.gexf"),
    "graphml": (write_graphml, "graph.graphml"),
    "indicators": (_write_indicators, "indicators.csv"),
    "yearly-csv": (_write_yearly, "yearly"),
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

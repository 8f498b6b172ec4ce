"""The knowledge graph as one self-contained, offline, interactive HTML page.

The page draws the graph with vis-network (the copy that ships inside pyvis,
inlined), and adds our own controls: a search box, filters by entity type,
relation and document, a side panel with the evidence sentences of a node's
relations, and a geographic layout for places with coordinates.

pyvis supplies vis-network and the node and edge records (:class:`pyvis.node.Node`,
:class:`pyvis.edge.Edge`); the page template is ours (``assets/graph.html``),
because pyvis' own templates load Bootstrap and vis-network from a CDN, insert the
heading as raw HTML and write a ``lib/`` folder into the working directory.

Safety: every string from a document reaches the page only as JSON data inside a
``<script type="application/json">`` element, with ``<``, ``>``, ``&``, U+2028 and
U+2029 escaped, and the page's script shows them with ``textContent`` (never
``innerHTML``); vis-network draws labels on a canvas and shows string tooltips as
text. The page title is HTML-escaped. Nothing is loaded from the network.
"""

from __future__ import annotations

import csv
import difflib
import html
import json
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import DataError, KGError, UnknownNameError
from kg.export.atomic import write_text
from kg.export.layout import edge_groups, layout
from kg.graph import KnowledgeGraph, Node
from kg.types import EntityType, Predicate, Source

if TYPE_CHECKING:
    from kg.export.fragments import Fragments

#: Graphs with at most this many nodes settle with live physics, which then stops;
#: larger ones keep their precomputed layout and open without any simulation.
PHYSICS_MAX = 300
#: The first view draws this many of the most connected entities (all of a smaller
#: graph); the page lays out live any drawn part up to LIVE_LAYOUT_MAX entities.
CORE_MAX = 40
LIVE_LAYOUT_MAX = 600
#: Above this many drawn edges, edge labels are left to the tooltips and the panel.
EDGE_LABEL_MAX = 1500
#: The fonts tried, in order, for Chinese labels.
CJK_FONTS = (
    '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
)
#: Evidence sentences kept per drawn edge (the rest are counted, not shown).
EVIDENCE_MAX = 20


class UnknownEntityError(UnknownNameError):
    """A focus entity that matches no id, name or alias of the graph."""

    def __init__(self, name: str, close: list[str]) -> None:
        super().__init__("entity", name, close)
        hint = f"; close matches: {', '.join(close)}" if close else ""
        self.args = (f"unknown entity {name!r}: no entity has this id, name or alias{hint}",)


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True, slots=True)
class TypeStyle:
    shape: str
    color: str
    label: str


@dataclass(frozen=True, slots=True)
class RelationStyle:
    label: str
    color: str


def _asset(name: str) -> str:
    return resources.files("kg.export").joinpath("assets", name).read_text(encoding="utf-8")


def _tsv(name: str) -> list[dict[str, str]]:
    lines = [ln for ln in _asset(name).splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@cache
def type_styles() -> dict[str, TypeStyle]:
    """Shape, colour and label of each entity type, from ``assets/types.tsv``."""
    rows = {r["type"]: TypeStyle(r["shape"], r["color"], r["label"]) for r in _tsv("types.tsv")}
    missing = sorted(set(EntityType) - set(rows))
    if missing:
        raise DataError(f"assets/types.tsv: no style for entity types {', '.join(missing)}")
    return rows


@cache
def relation_styles() -> dict[str, RelationStyle]:
    """Label and colour of each relation, from ``assets/relations.tsv``."""
    rows = {r["predicate"]: RelationStyle(r["label"], r["color"]) for r in _tsv("relations.tsv")}
    missing = sorted(set(Predicate) - set(rows))
    if missing:
        raise DataError(f"assets/relations.tsv: no style for relations {', '.join(missing)}")
    return rows


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, as shipped inside the pyvis package."""
    from kg.export.pyvis_records import package_dir

    lib = package_dir() / "templates" / "lib" / "vis-9.1.2"
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"vis-network is missing from the pyvis package: {exc}") from exc
    return js, css


# --------------------------------------------------------------------------- selection


def _bare(name: str) -> str:
    return name.strip().strip('《》“”"').strip()


def find_entities(graph: KnowledgeGraph, query: str) -> list[str]:
    """Ids of the entities that ``query`` names: by id, else canonical name, else alias.

    Titles match with or without their 《》. An unknown name raises
    :class:`UnknownEntityError` with the closest names.

    >>> from kg.graph import Node
    >>> g = KnowledgeGraph(nodes={"Place/410100": Node("Place/410100", "郑州市",
    ...     EntityType.PLACE, aliases=["郑州"])})
    >>> find_entities(g, "郑州")
    ['Place/410100']
    """
    q = query.strip()
    levels = (
        lambda n: n.id == q,
        lambda n: n.name == q,
        lambda n: q in n.aliases,
        lambda n: _bare(q) in {_bare(n.name), *map(_bare, n.aliases)},
    )
    for match in levels:
        found = sorted(n.id for n in graph.nodes.values() if match(n))
        if found:
            return found
    names = sorted(
        {n.name for n in graph.nodes.values()}
        | {a for n in graph.nodes.values() for a in n.aliases}
    )
    close = [nm for nm in names if q and q in nm][:5]
    close += [nm for nm in difflib.get_close_matches(q, names, n=5, cutoff=0.5) if nm not in close]
    raise UnknownEntityError(query, close[:5])


def _check_types(types: Iterable[str]) -> set[EntityType]:
    valid = {t.value.lower(): t for t in EntityType}
    out = set()
    for t in types:
        key = t.strip().lower()
        if key not in valid:
            raise UnknownNameError("entity type", t.strip(), [v.value for v in EntityType])
        out.add(valid[key])
    return out


def select(
    graph: KnowledgeGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    types: Collection[str] | None = None,
) -> KnowledgeGraph:
    """The part of ``graph`` to draw.

    ``types`` keeps only entities of those types (the focus entity is always kept);
    ``focus`` (an id, name or alias) then keeps the entities within ``depth`` steps
    of it along relations of either direction, among those kept. Edges are kept
    when both ends are; documents when a kept entity or edge cites them.

    >>> from kg.graph import Node, Edge
    >>> from kg.types import Predicate, Source
    >>> ns = {i: Node(i, i[2:], EntityType.PLACE) for i in ("P/a", "P/b", "P/c")}
    >>> es = [Edge("P/a", Predicate.COOPERATES_WITH, "P/b", Source.TEXT, "d", None, None, None),
    ...       Edge("P/b", Predicate.COOPERATES_WITH, "P/c", Source.TEXT, "d", None, None, None)]
    >>> sorted(select(KnowledgeGraph(ns, es), focus="a", depth=1).nodes)
    ['P/a', 'P/b']
    """
    if depth < 0:
        raise KGError(f"depth must be 0 or more, not {depth}")
    keep = set(graph.nodes)
    seeds: list[str] = []
    if focus is not None:
        seeds = find_entities(graph, focus)
    if types is not None:
        wanted = _check_types(types)
        keep = {i for i, n in graph.nodes.items() if n.type in wanted} | set(seeds)
    if seeds:
        adj: dict[str, set[str]] = {i: set() for i in keep}
        for e in graph.edges:
            if e.subject in keep and e.object in keep:
                adj[e.subject].add(e.object)
                adj[e.object].add(e.subject)
        reached = set(seeds)
        frontier = set(seeds)
        for _ in range(depth):
            frontier = {nb for u in frontier for nb in adj[u]} - reached
            if not frontier:
                break
            reached |= frontier
        keep = reached
    if keep == set(graph.nodes):
        return graph
    nodes = {i: n for i, n in graph.nodes.items() if i in keep}
    edges = [e for e in graph.edges if e.subject in keep and e.object in keep]
    cited = {d for n in nodes.values() for d in n.documents} | {e.document for e in edges}
    documents = [d for d in graph.documents if d.key in cited]
    return KnowledgeGraph(nodes=nodes, edges=edges, documents=documents)


# --------------------------------------------------------------------------- page data


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element.

    ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\u`` escapes, so no
    string can close the element or open a comment; the JSON value is unchanged.

    >>> script_json({"t": "</script><script>alert(1)</script>"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, esc in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text


def _node_size(n_docs: int) -> float:
    return round(min(44.0, 12.0 + 8.0 * math.sqrt(max(n_docs, 1) - 1 + 0.0)), 1)


def _node_tooltip(node: Node, style: TypeStyle) -> str:
    lines = [node.name, f"{style.label} {node.type.value}"]
    if node.aliases:
        lines.append("别名: " + "、".join(node.aliases))
    if node.code:
        lines.append(f"区划代码: {node.code}")
    lines.append(f"{len(node.documents)} 篇文件 · 置信度 {node.confidence:.4f}")
    return "\n".join(lines)


_edge_groups = edge_groups


def page_data(
    graph: KnowledgeGraph, *, focus_ids: Collection[str] = (), fragments: Fragments | None = None
) -> dict[str, Any]:
    """Everything the page's script needs, as JSON-able data (nodes, edges, legend, options).

    With ``fragments``, the layout of each part of the graph is kept for the next build.
    """
    from kg.export.fragments import open_store
    from kg.export.pyvis_records import Edge as VisEdge
    from kg.export.pyvis_records import Node as VisNode

    tstyles, rstyles = type_styles(), relation_styles()
    doc_index = {d.key: i for i, d in enumerate(graph.documents)}
    documents = [{"name": d.name, "title": d.title or ""} for d in graph.documents]
    groups = _edge_groups(graph)
    with open_store(fragments, "layout") as kept:
        remember = kept.fetch if fragments is not None else None
        pos = layout(list(graph.nodes), [(k[0], k[2]) for k in groups], remember=remember)
    physics = len(graph.nodes) <= PHYSICS_MAX

    nodes = []
    for n in graph.nodes.values():
        st = tstyles[n.type.value]
        extra: dict[str, Any] = {}
        if n.id in focus_ids:  # the focus stands out by a dark, thick border
            extra = {"borderWidth": 4, "color": _node_color(st.color, border="#111111")}
        vn = VisNode(
            n.id,
            st.shape,
            label=n.name,
            group=n.type.value,  # colour from the type's group (see _vis_options)
            size=_node_size(len(n.documents)),
            **extra,
            x=pos[n.id][0],
            y=pos[n.id][1],
            title=_node_tooltip(n, st),
            # our own fields, read by the page's script (vis-network ignores them);
            # kgConfidence is filtered by the confidence slider (state.min)
            kgName=n.name,
            kgType=n.type.value,
            kgAliases=list(n.aliases),
            kgCode=n.code,
            kgLon=n.longitude,
            kgLat=n.latitude,
            kgDocs=sorted(doc_index[d] for d in n.documents if d in doc_index),
            kgConfidence=n.confidence,
        )
        nodes.append(vn.options)

    labelled = len(groups) <= EDGE_LABEL_MAX
    predicates = {p.value: p for p in Predicate}
    pair_count: dict[frozenset[str], int] = {}
    edges = []
    #: the evidence sentences of the page, each once: an evidence holds its index
    sentence_index: dict[str, int] = {}
    # the year each statement counts for (the time slider): its line's is the first
    year_of = dict(zip(map(id, graph.edges), graph.edge_years(), strict=True))
    all_years = [y for y in year_of.values() if y is not None]
    for i, ((s, pred, o), members) in enumerate(groups.items()):
        p = predicates[pred]
        rs = rstyles[pred]
        pair = frozenset((s, o))
        k = pair_count.get(pair, 0)
        pair_count[pair] = k + 1
        evidence = []
        for e in members[:EVIDENCE_MAX]:
            said = -1
            if e.sentence:  # each sentence once in the page, however many lines it states
                said = sentence_index.setdefault(e.sentence, len(sentence_index))
            evidence.append([doc_index.get(e.document, -1), said, e.source.value, e.confidence])
        gazetteer_only = all(e.source is Source.GAZETTEER for e in members)
        # a line stands for every statement of the relation: it holds as well as the best
        confidence = max(e.confidence for e in members)
        name_s, name_o = graph.nodes[s].name, graph.nodes[o].name
        arrow = "—" if p.symmetric else "→"
        tip = (
            f"{name_s} {arrow}{rs.label}{arrow} {name_o}\n{pred} · {len(members)} 条证据"
            f" · 置信度 {confidence:.4f}"
        )
        options: dict[str, Any] = {
            "id": f"e{i}",
            "title": tip,
            "color": rs.color,
            "dashes": gazetteer_only,
            "width": round(1.0 + min(4.0, math.log2(len(members))), 2),
            "kgPredicate": pred,
            "kgEvidence": evidence,
            "kgEvidenceCount": len(members),
            "kgDocs": sorted({doc_index[e.document] for e in members if e.document in doc_index}),
            "kgConfidence": confidence,
            "kgYear": min(
                (y for e in members if (y := year_of.get(id(e))) is not None), default=None
            ),
        }
        if labelled:
            options["label"] = rs.label
        if k:  # further edges between the same two nodes curve away from the first
            options["smooth"] = {
                "enabled": True,
                "type": "curvedCW" if k % 2 else "curvedCCW",
                "roundness": round(0.2 * ((k + 1) // 2), 2),
            }
        ve = VisEdge(s, o, directed=not p.symmetric, **options)
        if p.symmetric:
            ve.options["arrows"] = {"to": {"enabled": False}}
        edges.append(ve.options)

    type_counts: dict[str, int] = {}
    for n in graph.nodes.values():
        type_counts[n.type.value] = type_counts.get(n.type.value, 0) + 1
    line_counts: dict[str, int] = {}
    for _, pred, _ in groups:
        line_counts[pred] = line_counts.get(pred, 0) + 1
    pred_counts: dict[str, int] = {}  # statements, as kg build counts them
    for e in graph.edges:
        pred_counts[e.predicate.value] = pred_counts.get(e.predicate.value, 0) + 1
    legend_types = [
        {
            "type": t.value,
            "label": tstyles[t.value].label,
            "shape": tstyles[t.value].shape,
            "color": tstyles[t.value].color,
            "count": type_counts[t.value],
        }
        for t in EntityType
        if t.value in type_counts
    ]
    legend_relations = [
        {
            "predicate": p.value,
            "label": rstyles[p.value].label,
            "color": rstyles[p.value].color,
            "directed": not p.symmetric,
            "count": pred_counts[p.value],
            "lines": line_counts[p.value],
        }
        for p in Predicate
        if p.value in pred_counts
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "documents": documents,
        "sentences": list(sentence_index),
        "types": legend_types,
        "relations": legend_relations,
        "focus": sorted(focus_ids),
        "physics": physics,
        "physicsMax": LIVE_LAYOUT_MAX,
        "core": CORE_MAX,
        "counts": {"entities": len(nodes), "relations": len(graph.edges), "lines": len(groups)},
        "outlines": _outlines(graph),
        "years": [min(all_years), max(all_years)] if all_years else None,
        "options": _vis_options(
            physics=physics, large=not labelled or len(nodes) > 1000, types=legend_types
        ),
    }


def _outlines(graph: KnowledgeGraph) -> list[dict[str, Any]]:
    """Province outlines for the geographic layout, when some place has coordinates."""
    from kg.export.outlines import page_outlines

    if not any(n.longitude is not None and n.latitude is not None for n in graph.nodes.values()):
        return []
    return page_outlines()


def _node_color(fill: str, *, border: str = "#ffffff") -> dict[str, Any]:
    return {
        "background": fill,
        "border": border,
        "highlight": {"background": fill, "border": "#000000"},
        "hover": {"background": fill, "border": "#333333"},
    }


def _vis_options(*, physics: bool, large: bool, types: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "groups": {
            t["type"]: {"shape": t["shape"], "color": _node_color(t["color"])} for t in types
        },
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "nodes": {
            "font": {
                "face": CJK_FONTS,
                "size": 14,
                "color": "#1a1a1a",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "borderWidthSelected": 3,
        },
        "edges": {
            "font": {
                "face": CJK_FONTS,
                "size": 11,
                "color": "#555555",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
                "align": "middle",
            },
            "smooth": {"enabled": False}
            if large
            else {"enabled": True, "type": "continuous", "roundness": 0.2},
            "arrows": {"to": {"scaleFactor": 0.6}},
            "color": {"opacity": 0.85, "inherit": False},
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "navigationButtons": False,
            "keyboard": False,
            "multiselect": False,
        },
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "springLength": 110,
                "springConstant": 0.06,
                "avoidOverlap": 0.4,
            },
            "stabilization": {
                "enabled": physics,
                "iterations": 400,
                "updateInterval": 50,
                "fit": True,
            },
        },
    }


# --------------------------------------------------------------------------- page


_PLACEHOLDER = re.compile(r"\{\{(TITLE|HEADING|VIS_CSS|CSS|VIS_JS|JS|DATA)\}\}")


def _inline(text: str, tag: str) -> str:
    """Code to put inside <script> or <style>: no closing tag, comment opener or source map.

    ``<\\/script`` and ``<\\!--`` mean the same inside JavaScript strings and
    regular expressions, and keep the HTML parser in plain script data.
    """
    text = re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)
    text = text.replace("<!--", "<\\!--")
    return re.sub(r"^[ \t]*(//|/\*)# sourceMappingURL=.*$", "", text, flags=re.MULTILINE)


def _heading(
    graph: KnowledgeGraph, focus_ids: Collection[str], depth: int, types: Collection[str] | None
) -> str:
    parts = ["政策知识图谱"]
    if focus_ids:
        names = "、".join(graph.nodes[i].name for i in sorted(focus_ids))
        parts.append(f"{names} 周边 {depth} 层")
    if types:
        parts.append("类型: " + ", ".join(sorted({t.strip() for t in types})))
    return " · ".join(parts)


def render_html(
    graph: KnowledgeGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    types: Collection[str] | None = None,
    fragments: Fragments | None = None,
) -> str:
    """The page for ``graph`` (restricted as :func:`select` says), as a string."""
    view = select(graph, focus=focus, depth=depth, types=types)
    focus_ids = find_entities(graph, focus) if focus is not None else []
    data = page_data(view, focus_ids=focus_ids, fragments=fragments)
    heading = _heading(graph, focus_ids, depth, types)
    vis_js, vis_css = _vis_assets()
    values = {
        "TITLE": html.escape(heading),
        "HEADING": html.escape(heading),
        "VIS_CSS": _inline(vis_css, "style"),
        "CSS": _inline(_asset("graph.css"), "style"),
        "VIS_JS": _inline(vis_js, "script"),
        "JS": _inline(_asset("graph.js"), "script"),
        "DATA": script_json(data),
    }
    # one pass, so that no inserted text is ever read as a placeholder
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _asset("graph.html"))


def write_html(
    graph: KnowledgeGraph,
    path: str | Path,
    *,
    focus: str | None = None,
    depth: int = 2,
    types: Collection[str] | None = None,
    fragments: Fragments | None = None,
) -> Path:
    """Write the interactive page of ``graph`` to ``path`` (atomically); return the path.

    ``focus``, ``depth`` and ``types`` restrict what is drawn (see :func:`select`).
    The page is one file: scripts and styles inlined, nothing fetched; nothing else
    is written (no ``lib/`` folder). ``fragments`` keeps the layout for the next build.
    """
    path = Path(path)
    write_text(path, render_html(graph, focus=focus, depth=depth, types=types, fragments=fragments))
    return path

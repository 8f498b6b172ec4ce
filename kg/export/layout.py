"""Node positions for the HTML graph, computed once in Python, deterministically.

Each connected component is laid out on its own and the components are packed
in rows, largest first. A component of up to :data:`SPRING_MAX` nodes gets a
networkx spring layout with a fixed seed; a larger one gets a radial layout
(breadth-first rings around its best-connected node), which costs linear time
and keeps a 5,000-node graph quick to write and to open. Coordinates are in
canvas pixels, rounded to one decimal so that the output is byte-stable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

from kg.graph import Edge, KnowledgeGraph
from kg.types import Predicate

#: Components larger than this get the linear-time radial layout.
SPRING_MAX = 400
#: Fixed seed of the spring layout.
SEED = 7
#: Canvas pixels per node, roughly: a component of n nodes spans about SPACING * sqrt(n).
SPACING = 90.0


def _components(nodes: Sequence[Hashable], adj: Mapping[Hashable, list[Hashable]]) -> list[list]:
    seen: set[Hashable] = set()
    comps: list[list] = []
    for start in nodes:
        if start in seen:
            continue
        seen.add(start)
        comp = [start]
        i = 0
        while i < len(comp):
            for nb in adj[comp[i]]:
                if nb not in seen:
                    seen.add(nb)
                    comp.append(nb)
            i += 1
        comps.append(comp)
    # largest first; ties keep the order of the first node (deterministic)
    comps.sort(key=len, reverse=True)
    return comps


def _spring(comp: list, adj: Mapping[Hashable, list[Hashable]]) -> dict:
    import networkx as nx

    if len(comp) == 1:
        return {comp[0]: (0.0, 0.0)}
    g = nx.Graph()
    g.add_nodes_from(comp)
    for u in comp:
        for v in adj[u]:
            g.add_edge(u, v)
    k = 1.6 / math.sqrt(len(comp))
    pos = nx.spring_layout(g, k=k, seed=SEED, iterations=80)
    radius = SPACING * math.sqrt(len(comp)) / 1.6
    return {n: (float(p[0]) * radius, float(p[1]) * radius) for n, p in pos.items()}


def _radial(comp: list, adj: Mapping[Hashable, list[Hashable]]) -> dict:
    """A radial tree: breadth-first rings around the best-connected node.

    Each node gets an angular wedge in proportion to the size of its breadth-first
    subtree, and its children share that wedge, so branches stay apart.
    """
    order = {n: i for i, n in enumerate(comp)}
    root = max(comp, key=lambda n: (len(adj[n]), -order[n]))
    depth = {root: 0}
    children: dict = {n: [] for n in comp}
    queue = [root]
    for u in queue:
        for v in sorted(adj[u], key=order.__getitem__):
            if v not in depth:
                depth[v] = depth[u] + 1
                children[u].append(v)
                queue.append(v)
    weight = {n: 1.0 for n in comp}
    for u in reversed(queue):  # leaves first
        for v in children[u]:
            weight[u] += weight[v]
    per_ring: dict[int, int] = {}
    for d in depth.values():
        per_ring[d] = per_ring.get(d, 0) + 1
    # ring radii: far enough apart, and long enough for the ring's nodes
    radius = {0: 0.0}
    for d in range(1, max(per_ring) + 1):
        radius[d] = max(radius[d - 1] + SPACING * 1.5, per_ring[d] * SPACING * 0.55 / math.pi)
    pos = {}
    wedge = {root: (0.0, 2 * math.pi)}
    for u in queue:
        lo, hi = wedge[u]
        a = (lo + hi) / 2
        pos[u] = (radius[depth[u]] * math.cos(a), radius[depth[u]] * math.sin(a))
        total = sum(weight[v] for v in children[u])
        start = lo
        for v in children[u]:
            share = (hi - lo) * weight[v] / total
            wedge[v] = (start, start + share)
            start += share
    return pos


#: ``fetch(key, make)`` of a :class:`kg.export.fragments.FragmentStore`: kept text by key.
Remember = Callable[[bytes, Callable[[], tuple[str, ...]]], tuple[bytes, ...]]


def _remembered_spring(
    comp: list, adj: Mapping[Hashable, list[Hashable]], remember: Remember
) -> dict:
    """:func:`_spring`, kept under a digest of the component (its nodes and their
    neighbours, in order: all the layout depends on) for the next build."""
    from kg.export.fragments import code_digest, digest

    key = digest(
        code_digest(__name__, packages=("networkx", "numpy")),
        [str(n) for n in comp],
        [[str(v) for v in adj[u]] for u in comp],
    )

    def make() -> tuple[str]:
        pos = _spring(comp, adj)
        return (";".join(f"{pos[n][0]!r},{pos[n][1]!r}" for n in comp),)

    (text,) = remember(key, make)
    xy = [p.split(",") for p in text.decode("ascii").split(";")]
    return {n: (float(x), float(y)) for n, (x, y) in zip(comp, xy, strict=True)}


def layout(
    nodes: Sequence[Hashable],
    edges: Iterable[tuple[Hashable, Hashable]],
    *,
    remember: Remember | None = None,
) -> dict[Hashable, tuple[float, float]]:
    """Positions ``{node: (x, y)}`` for ``nodes`` joined by ``edges`` (direction ignored).

    ``remember`` keeps spring layouts between builds (see :mod:`kg.export.fragments`);
    a component laid out before gets the same positions without the work.

    >>> pos = layout(["a", "b", "c"], [("a", "b")])
    >>> sorted(pos) == ["a", "b", "c"] and pos["a"] != pos["b"]
    True
    """
    adj: dict[Hashable, list[Hashable]] = {n: [] for n in nodes}
    seen_pairs: set[frozenset] = set()
    for u, v in edges:
        pair = frozenset((u, v))
        if u == v or u not in adj or v not in adj or pair in seen_pairs:
            continue
        seen_pairs.add(pair)
        adj[u].append(v)
        adj[v].append(u)
    placed: dict[Hashable, tuple[float, float]] = {}
    boxes = []
    for comp in _components(list(nodes), adj):
        if len(comp) == 1:
            local = {comp[0]: (0.0, 0.0)}
        elif len(comp) > SPRING_MAX:
            local = _radial(comp, adj)
        elif remember is not None:
            local = _remembered_spring(comp, adj, remember)
        else:
            local = _spring(comp, adj)
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        boxes.append((comp, local, min(xs), min(ys), max(xs), max(ys)))
    # shelf packing: rows of components, as wide as the whole graph is tall, roughly
    area = sum((b[4] - b[2] + SPACING) * (b[5] - b[3] + SPACING) for b in boxes)
    row_width = max(math.sqrt(area) * 1.2, (boxes[0][4] - boxes[0][2] + SPACING) if boxes else 0)
    x = y = row_h = 0.0
    for comp, local, x0, y0, x1, y1 in boxes:
        w, h = x1 - x0 + SPACING, y1 - y0 + SPACING
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for n in comp:
            px, py = local[n]
            placed[n] = (round(x + px - x0, 1), round(y + py - y0, 1))
        x += w
        row_h = max(row_h, h)
    # centre the whole drawing on the origin
    if placed:
        cx = (min(p[0] for p in placed.values()) + max(p[0] for p in placed.values())) / 2
        cy = (min(p[1] for p in placed.values()) + max(p[1] for p in placed.values())) / 2
        placed = {n: (round(p[0] - cx, 1), round(p[1] - cy, 1)) for n, p in placed.items()}
    return placed


def edge_groups(graph: KnowledgeGraph) -> dict[tuple[str, str, str], list[Edge]]:
    """Edges drawn as one line each: per (subject, predicate, object), symmetric ones
    unordered (the smaller id first); sorted."""
    groups: dict[tuple[str, str, str], list[Edge]] = {}
    symmetric = {p for p in Predicate if p.symmetric}
    for e in graph.edges:
        s, o = e.subject, e.object
        p = e.predicate
        if p in symmetric and o < s:
            s, o = o, s
        groups.setdefault((s, p.value, o), []).append(e)
    return dict(sorted(groups.items()))


def graph_layout(
    graph: KnowledgeGraph, *, remember: Remember | None = None
) -> dict[Hashable, tuple[float, float]]:
    """:func:`layout` of a knowledge graph's entities, joined by its drawn lines
    (the positions of the HTML page's whole-graph view and of GEXF's ``viz``)."""
    groups = edge_groups(graph)
    return layout(list(graph.nodes), [(k[0], k[2]) for k in groups], remember=remember)

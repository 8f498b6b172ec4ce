"""The knowledge graph as a pyvis ``Network``, for notebooks and scripts that use pyvis.

:func:`to_pyvis` draws what the HTML page draws (one line per subject, relation and
object; types as colours and shapes; relations as colours, arrows for the directed
ones; dashed lines for gazetteer knowledge) into a :class:`pyvis.network.Network`
that the caller can change further (``net.add_node``, ``net.set_options``…) and write
with ``net.write_html(path)`` or ``net.generate_html()``.

The network renders with this project's template (``assets/pyvis.html``), not
pyvis' own: vis-network is inlined from the pyvis package, so the page loads nothing
from the network and ``write_html`` writes no ``lib/`` folder; a
Content-Security-Policy forbids every request. Every string from a document
(names, aliases, evidence sentences, titles) is HTML-escaped in the node and edge
titles, so a template that renders titles as HTML shows them as text too.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from kg.export.html import (
    EVIDENCE_MAX,
    _edge_groups,
    _node_color,
    _node_size,
    _node_tooltip,
    relation_styles,
    select,
    type_styles,
)
from kg.graph import KnowledgeGraph
from kg.types import Predicate, Source

if TYPE_CHECKING:
    from pyvis.network import Network

#: What :func:`to_pyvis` passes to ``Network`` unless told otherwise.
DEFAULTS: dict[str, Any] = {
    "height": "750px",
    "width": "100%",
    "directed": True,
    "cdn_resources": "in_line",
}
#: The template, in ``kg/export/assets``.
TEMPLATE = "pyvis.html"


def _template_dirs() -> list[str]:
    from importlib import resources

    from kg.export.pyvis_records import package_dir

    assets = resources.files("kg.export").joinpath("assets")
    return [str(assets), str(package_dir() / "templates")]


def to_pyvis(
    graph: KnowledgeGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    types: Collection[str] | None = None,
    **options: Any,
) -> Network:
    """A :class:`pyvis.network.Network` of ``graph`` (restricted as :func:`select` says).

    ``options`` go to ``Network(...)`` (``height``, ``width``, ``heading``,
    ``bgcolor``…) over :data:`DEFAULTS`; ``cdn_resources`` other than ``"in_line"``
    keeps pyvis' own template, which loads scripts from a CDN.
    """
    from pyvis.network import Network

    view = select(graph, focus=focus, depth=depth, types=types)
    settings = {**DEFAULTS, **options}
    net = Network(**settings)
    if settings["cdn_resources"] == "in_line":
        net.set_template_dir(_template_dirs(), TEMPLATE)  # type: ignore[arg-type]
    tstyles, rstyles = type_styles(), relation_styles()
    names = {d.key: d.name for d in view.documents}
    for n in view.nodes.values():
        st = tstyles[n.type.value]
        net.add_node(
            n.id,
            label=n.name,
            shape=st.shape,
            color=_node_color(st.color),
            title=html.escape(_node_tooltip(n, st), quote=False),
            type=n.type.value,  # not "group": pyvis drops the colour of grouped nodes
            size=_node_size(len(n.documents)),
            confidence=n.confidence,
        )
    predicates = {p.value: p for p in Predicate}
    for (s, pred, o), members in _edge_groups(view).items():
        p, rs = predicates[pred], rstyles[pred]
        arrow = "—" if p.symmetric else "→"
        lines = [f"{view.nodes[s].name} {arrow}{rs.label}{arrow} {view.nodes[o].name} ({pred})"]
        for e in members[:EVIDENCE_MAX]:
            where = names.get(e.document, "")
            said = e.sentence or "地名表知识 gazetteer"
            lines.append(
                f"· {said}" + (f" — {where}" if where else "") + f" · 置信度 {e.confidence:.4f}"
            )
        if len(members) > EVIDENCE_MAX:
            lines.append(f"另有 {len(members) - EVIDENCE_MAX} 条证据")
        net.add_edge(
            s,
            o,
            title=html.escape("\n".join(lines), quote=False),
            label=rs.label,
            color=rs.color,
            dashes=all(e.source is Source.GAZETTEER for e in members),
            arrows="to" if not p.symmetric else {"to": {"enabled": False}},
            width=min(5, len(members)),
            predicate=pred,
            evidence_count=len(members),
            confidence=max(e.confidence for e in members),
        )
    net.set_options(
        """{
          "nodes": {"font": {"face": "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif",
                             "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"}},
          "edges": {"font": {"size": 10, "color": "#555555", "strokeWidth": 3},
                    "smooth": {"enabled": true, "type": "continuous"}},
          "physics": {"solver": "forceAtlas2Based",
                      "stabilization": {"enabled": true, "iterations": 300}},
          "interaction": {"hover": true, "tooltipDelay": 150}
        }"""
    )
    return net

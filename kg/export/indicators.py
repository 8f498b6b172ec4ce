"""``indicators.csv``: the figures the documents state, one row each, for spreadsheets.

The same figures are ``qb:Observation`` resources in the RDF (see :mod:`kg.export.rdf`)
and the graph JSON's ``observations``. UTF-8 with a byte-order mark (so that a
spreadsheet reads the Chinese), rows in document order, then text order.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.export.atomic import write_bytes
from kg.graph import KnowledgeGraph

#: Column names of ``indicators.csv``.
COLUMNS = (
    "document",
    "indicator",
    "place_id",
    "place",
    "period",
    "value",
    "unit",
    "qualifier",
    "stated",
    "start",
    "end",
    "sentence",
)


def indicators_csv(graph: KnowledgeGraph) -> bytes:
    """``indicators.csv`` as bytes: one row per figure, columns :data:`COLUMNS`.

    ``value`` is in base units (亿元 as 元, 万人 as 人), ``stated`` the figure as
    written; ``place`` is the canonical name of ``place_id``.

    >>> indicators_csv(KnowledgeGraph()).decode("utf-8-sig").splitlines()[0].split(",")[:3]
    ['document', 'indicator', 'place_id']
    """
    names = {d.key: d.name for d in graph.documents}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for o in graph.observations:
        node = graph.nodes.get(o.place) if o.place else None
        w.writerow(
            [
                names.get(o.document, o.document),
                o.name,
                o.place if node is not None else "",
                node.name if node is not None else "",
                o.period or "",
                o.value,
                o.unit,
                o.qualifier or "",
                o.stated,
                o.start,
                o.end,
                o.sentence,
            ]
        )
    return buf.getvalue().encode("utf-8-sig")


def write_indicators_csv(graph: KnowledgeGraph, path: str | Path) -> list[Path]:
    """Write ``indicators.csv`` to ``path`` atomically."""
    path = Path(path)
    write_bytes(path, indicators_csv(graph))
    return [path]

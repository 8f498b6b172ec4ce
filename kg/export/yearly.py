"""``yearly/edges-YEAR.csv``: the relations stated in the texts, one edge list per year.

For UCINET, networkx or a spreadsheet: each file lists the statements that count for
that year (see :func:`kg.extract.timing.fact_year`: the year the sentence states,
else the document's) with their modality; ``new`` is 1 where the tie between the
two entities (whatever the direction of a symmetric relation) is stated for the first
time that year. ``yearly/years.csv`` sums each year up: statements, ties, new ties,
entities and the density of the cooperation network (cooperatesWith ties among the
entities that have one, counted up to that year). Gazetteer facts have no year and
are left out; so are statements without a date.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.export.atomic import write_bytes
from kg.graph import Edge, KnowledgeGraph
from kg.types import Predicate, Source

#: Column names of each ``edges-YEAR.csv``.
COLUMNS = (
    "source",
    "target",
    "source_label",
    "target_label",
    "relation",
    "modality",
    "year",
    "stated_time",
    "new",
    "source_kind",
    "document",
    "evidence",
)
#: Column names of ``years.csv``.
SUMMARY_COLUMNS = (
    "year",
    "statements",
    "ties",
    "new_ties",
    "cooperation_ties_so_far",
    "cooperation_density_so_far",
)


def _tie(e: Edge) -> tuple[str, str, str]:
    ends = sorted((e.subject, e.object)) if e.predicate.symmetric else [e.subject, e.object]
    return ends[0], e.predicate.value, ends[1]


def dated_edges(graph: KnowledgeGraph) -> list[tuple[int, Edge]]:
    """``(year, edge)`` for every statement that counts for a year, by year (stable)."""
    pairs = [
        (year, e)
        for e, year in zip(graph.edges, graph.edge_years(), strict=True)
        if year is not None and e.source is not Source.GAZETTEER
    ]
    return sorted(pairs, key=lambda p: p[0])


def yearly_tables(graph: KnowledgeGraph) -> dict[str, bytes]:
    """File name -> bytes (UTF-8 with BOM) of each year's edge list and of ``years.csv``."""
    names = {d.key: d.name for d in graph.documents}
    seen: set[tuple[str, str, str]] = set()
    coop: set[tuple[str, str, str]] = set()
    by_year: dict[int, list[Edge]] = {}
    for year, e in dated_edges(graph):
        by_year.setdefault(year, []).append(e)
    files: dict[str, bytes] = {}
    summary = io.StringIO()
    sw = csv.writer(summary, lineterminator="\r\n")
    sw.writerow(SUMMARY_COLUMNS)
    for year in sorted(by_year):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(COLUMNS)
        ties: set[tuple[str, str, str]] = set()
        new_ties = 0
        for e in by_year[year]:
            tie = _tie(e)
            new = tie not in seen and tie not in ties
            new_ties += new
            ties.add(tie)
            s, o = graph.nodes.get(e.subject), graph.nodes.get(e.object)
            w.writerow(
                [
                    e.subject,
                    e.object,
                    s.name if s is not None else "",
                    o.name if o is not None else "",
                    e.predicate.value,
                    e.modality.value if e.modality is not None else "",
                    year,
                    e.time or "",
                    int(new),
                    e.source.value,
                    names.get(e.document, e.document),
                    e.sentence or "",
                ]
            )
        seen |= ties
        coop |= {t for t in ties if t[1] == Predicate.COOPERATES_WITH.value}
        members = {x for t in coop for x in (t[0], t[2])}
        n = len(members)
        density = 2 * len(coop) / (n * (n - 1)) if n > 1 else 0.0
        sw.writerow([year, len(by_year[year]), len(ties), new_ties, len(coop), f"{density:.4f}"])
        files[f"edges-{year}.csv"] = buf.getvalue().encode("utf-8-sig")
    files["years.csv"] = summary.getvalue().encode("utf-8-sig")
    return files


def write_yearly_csv(graph: KnowledgeGraph, out: str | Path) -> list[Path]:
    """Write the yearly edge lists and ``years.csv`` into the folder ``out`` (made if
    needed; files of years no longer stated are removed)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables = yearly_tables(graph)
    for old in folder.glob("edges-*.csv"):
        if old.name not in tables:
            old.unlink()
    written = []
    for name in sorted(tables):
        write_bytes(folder / name, tables[name])
        written.append(folder / name)
    return written

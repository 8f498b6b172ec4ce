"""``report.md``: what a build read, skipped and found, for a person to read first.

The report is a pure function of the graph and the build's :class:`BuildInfo`
(documents read, files skipped with reasons), so ``kg report`` regenerates it
from ``graph.json`` and ``build.json`` byte for byte. Deterministic: no
timestamps, no absolute paths, every list sorted.
"""

from __future__ import annotations

from collections import Counter

from kg.export.buildinfo import BuildInfo, from_result
from kg.graph import Edge, KnowledgeGraph, Node
from kg.result import BuildResult
from kg.types import METADATA_FIELDS, EntityType, Source

#: How many entities the "most mentioned" table lists.
TOP = 20
#: At most this many rows in the list of entities seen in one document only.
SINGLE_DOC_CAP = 50
#: Name endings of administrative divisions (省, 市, 县, 区, 旗, 盟, 州, 镇, 乡).
PLACE_SUFFIXES = ("省", "市", "县", "区", "旗", "盟", "州", "镇", "乡")
#: Bounds of the confidence bins of relations: below 0.5, 0.5 to 0.8, 0.8 and above.
CONFIDENCE_BINS = (0.5, 0.8)
#: Types whose names end like a division legitimately (示范区, 经济区, 城市群…).
_PLACE_LIKE_EXEMPT = frozenset({EntityType.PLACE, EntityType.ZONE, EntityType.REGION})


def _cell(s: object) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ").strip()


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]], align: str = "") -> list[str]:
    """A Markdown table; ``align`` has one letter per column, ``r`` for right-aligned."""
    seps = ["---:" if (align[i : i + 1] == "r") else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(seps) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def place_like(node: Node) -> bool:
    """A node of another type whose name reads like a division (郑州市, 兰考县) without a code.

    >>> n = Node("Agency/郑州市", "郑州市", EntityType.AGENCY)
    >>> place_like(n), place_like(Node("Zone/x", "郑东新区", EntityType.ZONE))
    (True, False)
    """
    if node.type in _PLACE_LIKE_EXEMPT or node.code:
        return False
    name = node.name
    return 2 <= len(name) <= 8 and name.endswith(PLACE_SUFFIXES)


def _confidence_bins(edges: list[Edge]) -> list[str]:
    """How many relations stated in the text fall in each confidence bin, per relation."""
    low, high = CONFIDENCE_BINS
    bins: dict[str, list[int]] = {}
    for e in edges:
        counts = bins.setdefault(e.predicate.value, [0, 0, 0])
        counts[0 if e.confidence < low else 1 if e.confidence < high else 2] += 1
    if not bins:
        return []
    lines = [
        "## Confidence of relations stated in the text",
        "",
        "The relation scorer's probability that the sentence states the relation.",
        "",
    ]
    return lines + _table(
        ("relation", f"< {low}", f"{low}–{high}", f"≥ {high}"),
        [(p, *c) for p, c in sorted(bins.items())],
        "lrrr",
    )


def render(graph: KnowledgeGraph, info: BuildInfo | None) -> str:
    """The Markdown report of ``graph``; ``info`` is ``None`` when the build left none."""
    ents, _ = graph.counts()
    docs = {d.key: d for d in graph.documents}
    text_edges = [e for e in graph.edges if e.source is Source.TEXT]
    gaz_edges = [e for e in graph.edges if e.source is Source.GAZETTEER]
    lines = ["# policy-kg build report", ""]
    if info is None:
        lines += [
            f"- documents read: {len(graph.documents)}",
            "- documents skipped: not recorded (no build.json)",
        ]
    else:
        lines += [
            f"- documents read: {info.read}",
            f"- documents skipped: {len(info.skipped)}",
        ]
        if info.warnings:
            lines.append(f"- documents read with a warning: {len(info.warnings)}")
        if info.read != len(graph.documents):
            lines.append(f"- distinct documents (same text counted once): {len(graph.documents)}")
        if info.min_confidence > 0:
            lines.append(
                f"- minimum confidence: {info.min_confidence:g} (relations stated with less, "
                "and entities left without relations below it, are left out)"
            )
    if info is not None and (info.since is not None or info.until is not None):
        years = f"{info.since if info.since is not None else '…'} to " + (
            f"{info.until if info.until is not None else '…'}"
        )
        lines.append(f"- years: {years} (what is stated for other years, or for none, is left out)")
    lines += [
        f"- entities: {len(graph.nodes)}",
        f"- relations: {len(graph.edges)} ({len(text_edges)} stated in the text, "
        f"{len(gaz_edges)} from the gazetteer)",
        "",
    ]
    if graph.corrections:
        lines += _corrections(graph)
    if info is not None and info.skipped:
        lines += ["## Skipped documents", ""]
        lines += _table(("file", "reason"), list(info.skipped))
    if info is not None and info.warnings:
        lines += ["## Documents read with a warning", ""]
        lines += _table(("file", "warning"), list(info.warnings))

    lines += ["## Entities by type", ""]
    lines += _table(("type", "count"), list(ents.items()), "lr")

    by_pred: dict[str, Counter[str]] = {}
    for e in graph.edges:
        by_pred.setdefault(e.predicate.value, Counter())[e.source.value] += 1
    rows: list[tuple[object, ...]] = [
        (p, c[Source.TEXT.value], c[Source.GAZETTEER.value], sum(c.values()))
        for p, c in sorted(by_pred.items())
    ]
    header: tuple[str, ...] = ("relation", "from text", "from gazetteer", "total")
    if any(e.source is Source.CURATED for e in graph.edges):  # added by corrections
        rows = [(*r[:3], by_pred[str(r[0])][Source.CURATED.value], r[3]) for r in rows]
        header = ("relation", "from text", "from gazetteer", "added by hand", "total")
    lines += ["## Relations by type", ""]
    lines += _table(header, rows, "lrrrr")
    lines += _confidence_bins(text_edges)

    top = sorted(graph.nodes.values(), key=lambda n: (-n.mentions, -len(n.documents), n.id))[:TOP]
    lines += [f"## The {TOP} most-mentioned entities", ""]
    lines += _table(
        ("entity", "type", "code", "documents", "mentions"),
        [(n.name, n.type.value, n.code or "", len(n.documents), n.mentions) for n in top],
        "lllrr",
    )

    uncoded = [n for n in graph.nodes.values() if n.type is EntityType.PLACE and not n.code]
    suspects = [n for n in graph.nodes.values() if place_like(n)]
    lines += [
        "## Place-like names without a division code",
        "",
        "What the graph shows of places left unresolved: places without a division code, and",
        "entities of other types whose name ends like a division (省, 市, 县, 区, …) and has no",
        "code. Mentions the extraction dropped before they became entities are not counted here.",
        "",
        f"- places without a division code: {len(uncoded)}",
        f"- place-like names typed otherwise: {len(suspects)}",
        "",
    ]
    if uncoded or suspects:
        lines += _table(
            ("name", "type", "documents"),
            [(n.name, n.type.value, len(n.documents)) for n in (*uncoded, *suspects)],
            "llr",
        )

    single = [n for n in graph.nodes.values() if len(n.documents) == 1]
    single.sort(key=lambda n: (n.type.value, n.name, n.id))
    lines += [
        "## Entities seen in one document only",
        "",
        f"{len(single)} of {len(graph.nodes)} entities occur in a single document"
        + (
            f"; the first {SINGLE_DOC_CAP} by type and name:"
            if len(single) > SINGLE_DOC_CAP
            else ":"
        ),
        "",
    ]
    if single:
        lines += _table(
            ("entity", "type", "document"),
            [
                (n.name, n.type.value, docs[n.documents[0]].name if n.documents[0] in docs else "")
                for n in single[:SINGLE_DOC_CAP]
            ],
        )

    ent_count: Counter[str] = Counter(k for n in graph.nodes.values() for k in n.documents)
    rel_count: Counter[str] = Counter(e.document for e in text_edges)
    lines += ["## Documents", ""]
    lines += _table(
        ("document", "title", "publisher", "published", "entities", "relations"),
        [
            (
                d.name,
                d.meta.get("title", ""),
                d.meta.get("publisher", ""),
                d.meta.get("published", ""),
                ent_count[d.key],
                rel_count[d.key],
            )
            for d in graph.documents
        ],
        "llllrr",
    )
    lines += ["## Document metadata", ""]
    known = set(METADATA_FIELDS)
    for d in graph.documents:
        meta = d.meta
        lines += [f"### {_cell(d.name)}", "", f"- characters: {d.length}"]
        fields = [f for f in METADATA_FIELDS if f in meta]
        fields += sorted(k for k in meta if k not in known)
        lines += [f"- {f}: {_cell(meta[f])}" for f in fields]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _corrections(graph: KnowledgeGraph) -> list[str]:
    """The corrections applied, then those that matched nothing (stale), by file and line."""
    applied = [c for c in graph.corrections if c.status == "applied"]
    stale = [c for c in graph.corrections if c.status != "applied"]
    lines = [
        "## Corrections",
        "",
        f"- applied: {len(applied)}",
        f"- stale (matched nothing in this build; edit or remove them): {len(stale)}",
        "",
    ]
    header = ("line", "action", "target", "value", "note", "by")
    if applied:
        lines += ["### Applied", ""]
        lines += _table(
            header,
            [(f"{c.file}:{c.line}", c.action, c.target, c.value, c.note, c.by) for c in applied],
        )
    if stale:
        lines += ["### Stale", ""]
        lines += _table(
            (*header[:4], "why"),
            [(f"{c.file}:{c.line}", c.action, c.target, c.value, c.detail) for c in stale],
        )
    return lines


def render_report(result: BuildResult) -> str:
    """The Markdown report of a build (deterministic: no timestamps, no absolute paths)."""
    return render(result.graph, from_result(result))

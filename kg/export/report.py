"""``report.md``: what a build read, skipped and found, for a person to read first."""

from __future__ import annotations

from kg.builder import BuildResult


def _cell(s: object) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def render_report(result: BuildResult) -> str:
    """The Markdown report of a build (deterministic: no timestamps, no absolute paths)."""
    g = result.graph
    ents, rels = g.counts()
    lines = ["# policy-kg build report", ""]
    lines += [
        f"- documents read: {result.read}",
        f"- documents skipped: {len(result.skipped)}",
        f"- entities: {len(g.nodes)}",
        f"- relations: {len(g.edges)}",
        "",
    ]
    if result.skipped:
        lines += ["## Skipped documents", "", "| file | reason |", "|---|---|"]
        lines += [
            f"| {_cell(s.path)} | {_cell(s.reason)} |" for s in sorted(result.skipped, key=str)
        ]
        lines.append("")
    lines += ["## Entities by type", "", "| type | count |", "|---|---:|"]
    lines += [f"| {t} | {n} |" for t, n in ents.items()]
    lines += ["", "## Relations by type", "", "| relation | count |", "|---|---:|"]
    lines += [f"| {p} | {n} |" for p, n in rels.items()]
    top = sorted(g.nodes.values(), key=lambda n: (-len(n.documents), -n.mentions, n.id))[:20]
    lines += ["", "## Most-mentioned entities", "", "| entity | type | documents | mentions |"]
    lines += ["|---|---|---:|---:|"]
    lines += [
        f"| {_cell(n.name)} | {n.type.value} | {len(n.documents)} | {n.mentions} |" for n in top
    ]
    lines += [
        "",
        "## Documents",
        "",
        "| document | title | publisher | published |",
        "|---|---|---|---|",
    ]
    for d in g.documents:
        m = d.meta
        lines.append(
            f"| {_cell(d.name)} | {_cell(m.get('title', ''))} | {_cell(m.get('publisher', ''))} "
            f"| {_cell(m.get('published', ''))} |"
        )
    return "\n".join(lines) + "\n"

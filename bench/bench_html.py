"""How long a large HTML graph takes to write and to become interactive in Chromium.

Builds a synthetic, seeded knowledge graph (5,000 entities by default, about two
relations each, with evidence sentences), writes the page, opens it from
file:// in headless Chromium (Debian's, at /usr/bin/chromium) with every other
request blocked, and prints the seconds until the page sets ``window.kgReady``
(layout settled, first frame drawn, controls live).

    .venv/bin/python bench/bench_html.py [--nodes 5000] [--edges-per-node 2] [--runs 3]

Not a unit test: a figure to report. Exits 1 if a load exceeds ``--limit`` seconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.export.html import write_html
from kg.graph import DocumentInfo, Edge, KnowledgeGraph, Node
from kg.types import EntityType, Predicate, Source

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHARS = "郑州开封洛阳许昌新乡焦作濮阳安阳鹤壁商丘周口信阳南阳平顶山漯河三门峡济源兰考巩义登封中牟"
SUFFIX = {
    EntityType.PLACE: "市",
    EntityType.REGION: "都市圈",
    EntityType.AGENCY: "发展和改革委员会",
    EntityType.COMPANY: "集团有限公司",
    EntityType.ORGANIZATION: "协会",
    EntityType.AGREEMENT: "合作框架协议",
    EntityType.PLAN: "发展规划",
    EntityType.CLUSTER: "产业集群",
    EntityType.ZONE: "示范区",
    EntityType.EVENT: "对接会",
    EntityType.PERSON: "",
}


def synthetic_graph(n_nodes: int, edges_per_node: float, seed: int = 42) -> KnowledgeGraph:
    """A seeded random graph shaped like a large build: hubs, many documents, evidence."""
    rng = random.Random(seed)
    n_docs = max(1, n_nodes // 20)
    docs = [
        DocumentInfo(f"{i:016x}", f"docs/{i:04d}.txt", (("title", f"关于第{i}号提案的答复"),), 5000)
        for i in range(n_docs)
    ]
    types = list(EntityType)
    weights = [30, 3, 20, 12, 8, 6, 6, 5, 6, 3, 1]
    nodes: dict[str, Node] = {}
    for i in range(n_nodes):
        t = rng.choices(types, weights)[0]
        name = "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 5))) + SUFFIX[t] + str(i)
        node = Node(
            id=f"{t.value}/{i}",
            name=name,
            type=t,
            aliases=[name[:2]] if rng.random() < 0.4 else [],
            code=f"{410000 + i}" if t is EntityType.PLACE else None,
            longitude=round(rng.uniform(110.5, 116.5), 4) if t is EntityType.PLACE else None,
            latitude=round(rng.uniform(31.5, 36.3), 4) if t is EntityType.PLACE else None,
            documents=sorted({docs[rng.randrange(n_docs)].key for _ in range(rng.randint(1, 4))}),
            mentions=rng.randint(1, 9),
        )
        nodes[node.id] = node
    ids = list(nodes)
    # preferential attachment: a few hubs (the big cities) and a long tail
    targets = ids[: max(1, n_nodes // 50)]
    edges: list[Edge] = []
    for _ in range(int(n_nodes * edges_per_node)):
        s = rng.choice(ids)
        o = rng.choice(targets) if rng.random() < 0.5 else rng.choice(ids)
        if s == o:
            continue
        p = rng.choice(list(Predicate))
        d = rng.choice(nodes[s].documents)
        sentence = (
            f"{nodes[s].name}与{nodes[o].name}共同推进区域协调发展,签署合作协议并建立联席会议制度。"
        )
        edges.append(Edge(s, p, o, Source.TEXT, d, sentence, 0, len(sentence)))
        targets.append(o)
    return KnowledgeGraph(nodes=nodes, edges=edges, documents=docs)


def load_seconds(browser: object, page_path: Path) -> tuple[float, float, list[str]]:
    """(wall seconds from navigation to kgReady, in-page seconds, blocked or error messages)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    problems: list[str] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith("file:"):
            r.continue_()  # type: ignore[attr-defined]
        else:
            problems.append(f"request {url}")
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(f"error {e}"))
    t0 = time.perf_counter()
    page.goto(page_path.as_uri(), wait_until="commit")
    page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=120_000)
    wall = time.perf_counter() - t0
    in_page = page.evaluate("window.kgReadyTime") / 1000
    n = page.evaluate("window.kgNodes.length")
    # interactive: a search answers at once
    t1 = time.perf_counter()
    page.evaluate("window.kgSearch(window.kgNodes.get()[0].label)")
    search_s = time.perf_counter() - t1
    print(f"  nodes in page {n}; first search {search_s:.2f} s")
    context.close()
    return wall, in_page, problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--edges-per-node", type=float, default=2.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=float, default=5.0, help="seconds allowed per load")
    ap.add_argument("--keep", type=Path, help="also copy the page here")
    args = ap.parse_args()

    graph = synthetic_graph(args.nodes, args.edges_per_node)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.html"
        t0 = time.perf_counter()
        write_html(graph, path)
        write_s = time.perf_counter() - t0
        size = path.stat().st_size
        print(
            f"graph: {len(graph.nodes)} nodes, {len(graph.edges)} edges; "
            f"write_html {write_s:.2f} s; page {size / 1e6:.1f} MB"
        )
        if args.keep:
            args.keep.write_bytes(path.read_bytes())

        from playwright.sync_api import sync_playwright

        walls = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for i in range(args.runs):
                wall, in_page, problems = load_seconds(browser, path)
                walls.append(wall)
                print(f"run {i + 1}: ready after {wall:.2f} s (in-page clock {in_page:.2f} s)")
                for p in problems:
                    print(f"  problem: {p}")
                if problems:
                    return 1
            browser.close()
    print(f"median ready time: {statistics.median(walls):.2f} s (limit {args.limit:.1f} s)")
    return 0 if max(walls) <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())

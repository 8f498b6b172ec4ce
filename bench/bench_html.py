"""How long a large HTML graph takes to write and to become interactive in Chromium.

Takes the page of a synthetic, seeded knowledge graph (5,000 entities by default,
about two relations each, with evidence sentences), or of the benchmark corpus
of ``bench_build.py`` built by ``kg build --formats html`` (``--docs N``: the
corpus and the build go to ``--work``, where a second run finds them), or given
pages (``--page``; several are opened in turn, run after run, so that a shared
machine's load falls on each alike). Each page is opened from file:// in
headless Chromium (Debian's, at /usr/bin/chromium) with every other request
blocked; the figures are the page's size, its first paint (first contentful
paint), the seconds until the page sets ``window.kgReady`` (layout settled,
first frame drawn, controls live), and how long a search takes to draw an
entity with its neighbours (on the overview page of a large graph, the best
connected entity outside the overview); medians of the runs.

    .venv/bin/python bench/bench_html.py [--nodes 5000] [--edges-per-node 2] [--runs 3]
    .venv/bin/python bench/bench_html.py --docs 20000 --work /tmp/kg-html --runs 7
    .venv/bin/python bench/bench_html.py --page before.html --page out/graph.html

Not a unit test: a figure to report. Exits 1 if a load exceeds ``--limit`` seconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from kg.export.html import LARGE_FROM, write_html
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


#: The name of an entity to search: outside the overview on a large graph's page (the
#: best connected such), else the first drawn.
SEARCH_TARGET = """() => {
    const over = window.kgOverview;
    if (!over) { return window.kgNodes.get()[0].kgName; }
    const d = JSON.parse(document.getElementById("kg-data").textContent).index;
    const inside = new Set(over.map(String));
    const degree = {};
    d.lines.forEach(l => { degree[l[0]] = (degree[l[0]] || 0) + 1; degree[l[1]] = (degree[l[1]] || 0) + 1; });
    let best = null;
    d.entities.forEach((e, i) => {
        if (!inside.has(e[0]) && degree[i] && (best === null || degree[i] > degree[best])) { best = i; }
    });
    return best === null ? window.kgNodes.get()[0].kgName : d.entities[best][1];
}"""


class Load(NamedTuple):
    """One opening of a page."""

    ready: float  # wall seconds from navigation to kgReady
    paint: float  # first contentful paint, seconds after navigation
    search: float  # seconds for kgSearch to draw an entity with its neighbours
    problems: list[str]  # requests blocked, page errors


def load(browser: object, page_path: Path) -> Load:
    """Open the page once and time it."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
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
    paint = page.evaluate(
        "(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime"
    )
    target = page.evaluate(SEARCH_TARGET)
    t1 = time.perf_counter()
    page.evaluate("q => window.kgSearch(q)", target)
    search_s = time.perf_counter() - t1
    context.close()
    return Load(wall, paint / 1000, search_s, problems)


def built_page(docs: int, work: Path) -> Path:
    """The page of the benchmark corpus of ``docs`` documents, built (or found) in ``work``."""
    from bench_build import make_corpus, write_corpus

    src, out = work / f"corpus{docs}", work / f"out{docs}"
    if not src.exists():
        write_corpus(src, make_corpus(docs, 1))
    kg = Path(sys.executable).parent / "kg"
    cmd = [str(kg), "build", str(src), "--out", str(out), "--formats", "html", "--quiet"]
    print("$", " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    if subprocess.run(cmd, check=False).returncode not in (0, 1):
        raise SystemExit("kg build failed")
    print(f"built in {time.perf_counter() - t0:.0f} s")
    return out / "graph.html"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000, help="entities of the synthetic graph")
    ap.add_argument("--edges-per-node", type=float, default=2.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=float, default=5.0, help="seconds allowed per load")
    ap.add_argument("--keep", type=Path, help="also copy the synthetic graph's page here")
    ap.add_argument(
        "--large-from", type=int, default=LARGE_FROM, help="entities above which: overview page"
    )
    ap.add_argument("--docs", type=int, help="time the page of the benchmark corpus this large")
    ap.add_argument("--work", type=Path, help="with --docs: where the corpus and build go")
    ap.add_argument("--page", type=Path, action="append", help="time this page (repeatable)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.page:
            pages = [p.resolve() for p in args.page]
        elif args.docs:
            pages = [built_page(args.docs, args.work or Path(tmp))]
        else:
            graph = synthetic_graph(args.nodes, args.edges_per_node)
            path = Path(tmp) / "graph.html"
            t0 = time.perf_counter()
            write_html(graph, path, large_from=args.large_from)
            print(
                f"graph: {len(graph.nodes)} nodes, {len(graph.edges)} edges; "
                f"write_html {time.perf_counter() - t0:.2f} s"
            )
            if args.keep:
                args.keep.write_bytes(path.read_bytes())
            pages = [path]

        from playwright.sync_api import sync_playwright

        loads: dict[Path, list[Load]] = {p: [] for p in pages}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(args.runs):
                for p in pages:
                    one = load(browser, p)
                    loads[p].append(one)
                    for problem in one.problems:
                        print(f"  problem in {p}: {problem}")
                    if one.problems:
                        return 1
            browser.close()
        worst = 0.0
        for p, runs in loads.items():
            ready = [r.ready for r in runs]
            worst = max(worst, *ready)
            print(
                f"{p}: {p.stat().st_size / 1e6:.1f} MB; first paint "
                f"{statistics.median(r.paint for r in runs):.2f} s, ready "
                f"{statistics.median(ready):.2f} s (runs: {', '.join(f'{x:.2f}' for x in ready)}), "
                f"search {statistics.median(r.search for r in runs):.2f} s"
            )
    print(f"limit {args.limit:.1f} s: {'kept' if worst <= args.limit else 'exceeded'}")
    return 0 if worst <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())

"""kg push: a built dataset loaded into a real Oxigraph server (its own process and store,
on 127.0.0.1) over the Graph Store Protocol; changed graphs replaced, gone ones deleted,
foreign graphs left alone."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DOCS, run_kg

from kg.push import MANIFEST, PushError, dataset_graphs
from kg.serve import free_port, oxigraph_binary

FOREIGN = "http://example.org/someone-elses-graph"


@pytest.fixture()
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """A real Oxigraph server (read-write) with its own store; its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(oxigraph_binary()),
            "serve",
            "--location",
            str(tmp_path / "server-store"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the oxigraph server did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _select(base: str, query: str) -> list[dict[str, str]]:
    url = base + "/query?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        rows = json.loads(resp.read())["results"]["bindings"]
    return [{k: v["value"] for k, v in r.items()} for r in rows]


def _server_graphs(base: str) -> dict[str, int]:
    """Each named graph on the server (but the push's bookkeeping) and its statement count."""
    rows = _select(
        base,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    )
    return {r["g"]: int(r["n"]) for r in rows if r["g"] != MANIFEST}


def _dataset(out: Path) -> dict[str, int]:
    return {iri: body.count(b"\n") for iri, body in dataset_graphs(out / "graph.nq")}


def _push(out: Path, base: str) -> str:
    res = run_kg(
        "push", str(out), "--endpoint", base + "/query", "--graph-store", base + "/store", "-q"
    )
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def test_push_sends_changed_graphs_deletes_gone_ones_and_leaves_others(
    tmp_path: Path, oxigraph: str
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    names = sorted(p.name for p in DOCS.glob("*.txt"))[:3]
    for name in names:
        shutil.copy(DOCS / name, docs / name)
    out = tmp_path / "out"
    assert run_kg("build", str(docs), "--out", str(out), "-q").returncode == 0

    # a graph somebody else keeps on the same server
    req = urllib.request.Request(
        oxigraph + "/store?" + urllib.parse.urlencode({"graph": FOREIGN}),
        data=b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(req, timeout=10).close()

    first = _dataset(out)
    assert sum(1 for g in first if "/document/" in g) == 3
    assert _push(out, oxigraph) == f"{len(first)} graphs sent, 0 unchanged, 0 deleted"
    assert _server_graphs(oxigraph) == first | {FOREIGN: 1}

    # nothing changed: nothing sent
    assert _push(out, oxigraph) == f"0 graphs sent, {len(first)} unchanged, 0 deleted"

    # one document removed, one edited: its graph (and the merged entities) replaced,
    # the removed document's graph deleted, the foreign graph kept
    (docs / names[0]).unlink()
    edited = docs / names[1]
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\n江西省南昌市与湖南省长沙市签署了合作框架协议。\n",
        encoding="utf-8",
    )
    assert run_kg("build", str(docs), "--out", str(out), "-q").returncode == 0
    second = _dataset(out)
    gone = sorted(set(first) - set(second))
    assert len(gone) >= 1
    changed = [g for g in second if first.get(g) != second[g] or g not in first]
    report = _push(out, oxigraph)
    sent = int(report.split()[0])
    assert len(changed) <= sent < len(second)
    assert report.endswith(f"{len(gone)} deleted")
    assert _server_graphs(oxigraph) == second | {FOREIGN: 1}


def test_push_errors_are_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "out"
    empty.mkdir()
    url = f"http://127.0.0.1:{free_port()}/query"
    res = run_kg("push", str(empty), "--endpoint", url, "-q")
    assert res.returncode == 1
    assert (
        res.stderr.strip()
        == f"Error: {empty / 'graph.nq'}: no such file (build the graph first: kg build DOCS --out OUT)"
    )
    (empty / "graph.nq").write_text("<http://e/a> <http://e/p> <http://e/b> <http://e/g> .\n")
    res = run_kg("push", str(empty), "--endpoint", url, "-q")  # nothing listens there
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: POST " + url), res.stderr


def test_graphs_split_in_the_file_are_refused(tmp_path: Path) -> None:
    nq = tmp_path / "graph.nq"
    nq.write_text(
        "<http://e/a> <http://e/p> <http://e/b> <http://e/g1> .\n"
        "<http://e/a> <http://e/p> <http://e/c> <http://e/g2> .\n"
        "<http://e/a> <http://e/p> <http://e/d> <http://e/g1> .\n",
        encoding="utf-8",
    )
    with pytest.raises(PushError, match="split"):
        list(dataset_graphs(nq))
    with pytest.raises(PushError, match="no such file"):
        list(dataset_graphs(tmp_path / "missing.nq"))

"""The SPARQL store kg build writes (OUT/store): its content, a rebuild's, and what answers
from it (kg query, Graph.query, kg serve); every saved question answers each fact once."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import DOCS, run_kg
from outputs import store_quads

import kg
from kg.export.store import STORE_DIR, memory_store, open_store
from kg.query import bindings, run, saved_queries, standalone
from kg.serve import query, start


def _expected_quads(out: Path) -> bytes:
    """graph.nq's quads, and graph.ttl's triples in the default graph, as the store holds."""
    store = ox.Store()
    store.load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    store.load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    return "\n".join(sorted(str(q) + " ." for q in store)).encode("utf-8")


def test_the_store_holds_the_named_graphs_and_the_merged_graph(sample_build: Path) -> None:
    assert store_quads(sample_build) == _expected_quads(sample_build)


def test_the_default_graph_states_each_fact_once(sample_build: Path) -> None:
    store = open_store(sample_build)
    assert store is not None
    text = "SELECT ?s ?o WHERE { ?s kgo:cooperatesWith ?o }"
    rows = run(store, text).rows
    assert rows and len(rows) == len(set(rows))
    in_graphs = run(store, "SELECT ?s ?o WHERE { GRAPH ?g { ?s kgo:cooperatesWith ?o } }").rows
    assert set(in_graphs) == set(rows) and len(in_graphs) > len(rows)  # several documents


def test_a_rebuild_updates_the_store_to_what_a_fresh_build_writes(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    out = tmp_path / "out"
    assert run_kg("build", str(docs), "--out", str(out)).returncode == 0
    first = sorted(docs.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n郑州市与洛阳市签署了合作协议。\n")
    (sorted(docs.glob("*.txt"))[1]).unlink()
    res = run_kg("build", str(docs), "--out", str(out))
    assert res.returncode == 0, res.stderr
    fresh = tmp_path / "fresh"
    assert run_kg("build", str(docs), "--out", str(fresh), "--no-cache").returncode == 0
    assert store_quads(out) == store_quads(fresh) == _expected_quads(fresh)


def _csv_rows(text: str) -> list[tuple[str, ...]]:
    return [tuple(r) for r in csv.reader(io.StringIO(text))][1:]


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_every_saved_question_answers_each_answer_once(sample_build: Path, name: str) -> None:
    res = run_kg("query", str(sample_build), "--saved", name, "--format", "csv")
    assert res.returncode == 0, res.stderr
    rows = _csv_rows(res.stdout)
    assert rows, f"{name} answered nothing on the sample"
    assert len(rows) == len(set(rows)), f"{name} repeats answers"


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_the_store_and_graph_trig_in_memory_answer_alike(sample_build: Path, name: str) -> None:
    """A folder without a store has graph.trig loaded, in the same layout."""
    on_disk = open_store(sample_build)
    assert on_disk is not None
    in_memory = memory_store(sample_build)
    q = saved_queries()[name]
    a = run(on_disk, q.text, bindings(q, {}, on_disk))
    b = run(in_memory, q.text, bindings(q, {}, in_memory))
    assert a.variables == b.variables
    assert len(a.rows) == len(b.rows)
    assert [r[0] for r in a.rows] == [r[0] for r in b.rows]


def test_a_store_of_another_build_is_not_used(sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(sample_build, out)
    with (out / "graph.nq").open("a", encoding="utf-8") as f:
        f.write("<urn:a> <urn:b> <urn:c> <urn:g> .\n")
    assert open_store(out) is None
    res = run_kg("query", str(out), "ASK { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    assert res.returncode == 0, res.stderr
    assert res.stdout == "false\n"  # graph.trig, loaded instead, is the build's


def test_graph_query_of_a_loaded_build_uses_its_store(
    sample_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(graph: object) -> ox.Store:
        raise AssertionError("the graph was loaded into memory")

    monkeypatch.setattr("kg.export.store.graph_store", refused)
    g = kg.load(sample_build)
    rows = g.query("cooperation-partners", party="郑州")
    assert {"青岛市", "开封市"} <= {r["partnerName"] for r in rows}
    assert len({r["partner"] for r in rows}) == len(rows)


def test_serve_answers_from_the_build_store_in_place(sample_build: Path) -> None:
    with start(sample_build, port=0) as server:
        assert server.store == sample_build / STORE_DIR
        text = standalone("SELECT ?s ?o WHERE { ?s kgo:cooperatesWith ?o }")
        answer = query(server.endpoint, text)
        rows = [(b["s"]["value"], b["o"]["value"]) for b in answer["results"]["bindings"]]
        assert rows and len(rows) == len(set(rows))
    assert (sample_build / STORE_DIR).is_dir()  # served, never removed
    assert open_store(sample_build) is not None


def test_a_writable_server_writes_to_a_copy(sample_build: Path) -> None:
    with start(sample_build, port=0, writable=True) as server:
        assert server.store != sample_build / STORE_DIR
        copy = server.store
    assert not copy.exists()
    assert open_store(sample_build) is not None  # the build's store is as it was written

"""N-Quads shards: together exactly graph.nq, each document whole in the shard of its key."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.builder import BuildResult, build
from kg.export.rdf import document_iri, write_rdf
from kg.export.shards import shard_of, write_shards
from tests.conftest import DOCS


@pytest.fixture(scope="module")
def result() -> BuildResult:
    return build([str(DOCS)], jobs=1)


def _quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("n", [1, 3, 8])
def test_shards_hold_exactly_the_dataset(result: BuildResult, tmp_path: Path, n: int) -> None:
    write_rdf(result.graph, tmp_path)
    paths = write_shards(result.graph, tmp_path / "shards", n)
    assert [p.name for p in paths] == [f"part-{i:04d}.nq" for i in range(n)]
    whole = _quads(tmp_path / "graph.nq")
    parts = [_quads(p) for p in paths]
    assert sum(len(p) for p in parts) == len(whole)  # no quad twice
    assert {q for p in parts for q in p} == set(whole)
    for i, part in enumerate(parts):
        assert (paths[i].read_bytes() == b"") == (not part)


def test_a_document_lies_whole_in_the_shard_of_its_key(result: BuildResult, tmp_path: Path) -> None:
    n = 4
    paths = write_shards(result.graph, tmp_path, n)
    graphs_in = [{str(q.graph_name.value) for q in _quads(p)} for p in paths]
    assert len(result.graph.documents) > n
    for doc in result.graph.documents:
        iri = str(document_iri(doc.key))
        holders = [i for i, names in enumerate(graphs_in) if iri in names]
        assert holders == [shard_of(doc.key, n)], doc.name
    assert sum(1 for names in graphs_in if names) > 1  # the documents are spread


def test_shards_are_deterministic_and_stale_ones_go(result: BuildResult, tmp_path: Path) -> None:
    a = write_shards(result.graph, tmp_path / "a", 3)
    write_shards(result.graph, tmp_path / "b", 5)
    b = write_shards(result.graph, tmp_path / "b", 3)
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [p.name for p in b]
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_shard_of_is_stable_and_in_range() -> None:
    keys = [f"{i:016x}" for i in range(200)]
    for n in (1, 2, 7):
        got = [shard_of(k, n) for k in keys]
        assert all(0 <= s < n for s in got)
        assert len(set(got)) == n  # every shard gets some of 200 keys
    assert shard_of("ab73ab1b96b1d70f", 7) == shard_of("ab73ab1b96b1d70f", 7)
    with pytest.raises(ValueError):
        shard_of("x", 0)

"""write_outputs: the RDF files written in a forked process are the same bytes as in this one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kg.builder import BuildResult, build
from kg.errors import OutputError
from kg.export.outputs import write_outputs
from tests.conftest import DOCS

needs_fork = pytest.mark.skipif(
    sys.platform != "linux", reason="parallel RDF writing is Linux only"
)


@pytest.fixture(scope="module")
def result() -> BuildResult:
    return build([str(DOCS)], jobs=1)


@needs_fork
def test_parallel_and_sequential_outputs_are_identical(result: BuildResult, tmp_path: Path) -> None:
    seq = write_outputs(result, tmp_path / "seq", parallel=False)
    par = write_outputs(result, tmp_path / "par", parallel=True)
    assert [p.name for p in seq] == [p.name for p in par]
    assert {"graph.ttl", "graph.trig", "graph.jsonld", "graph.nq"} <= {p.name for p in par}
    for a, b in zip(seq, par, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert not [p.name for p in (tmp_path / "par").iterdir() if p.name.startswith(".")]


@needs_fork
def test_an_error_in_the_rdf_process_reaches_the_caller(
    result: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.export.rdf

    def broken(*args: object, **kwargs: object) -> list[Path]:
        raise ValueError("the Turtle writer broke")

    monkeypatch.setattr(kg.export.rdf, "write_rdf", broken)  # inherited by the fork
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="cannot write RDF: the Turtle writer broke"):
        write_outputs(result, out, parallel=True)
    # the other outputs were written meanwhile, into the staging folder, which is gone:
    # none replaced the (here: missing) previous ones
    assert list(out.iterdir()) == []


def test_a_folder_in_the_way_of_an_output_fails_before_any_output_is_replaced(
    result: BuildResult, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "graph.ttl").mkdir(parents=True)  # a folder where the Turtle file should go
    with pytest.raises(OutputError, match="graph.ttl: a folder is in the way"):
        write_outputs(result, out, parallel=False)
    assert [p.name for p in out.iterdir()] == ["graph.ttl"]

"""write_outputs: the RDF files written in a forked process are the same bytes as in this one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.builder import BuildResult, build
from kg.errors import OutputError
from kg.export.outputs import write_outputs
from tests.conftest import DOCS, ROOT
from tests.outputs import output_files

needs_fork = pytest.mark.skipif(
    sys.platform != "linux", reason="parallel RDF writing is Linux only"
)


@pytest.fixture(scope="module")
def result() -> BuildResult:
    return build([str(DOCS)], jobs=1)


@needs_fork
def test_parallel_and_sequential_outputs_are_identical(result: BuildResult, tmp_path: Path) -> None:
    # the forked writer runs in a fresh process (this one may have opened a store on
    # disk, after which a build never forks: see kg.export.store.opened_on_disk)
    script = (
        "import sys, pathlib\n"
        "from kg.builder import build\n"
        "from kg.export.outputs import write_outputs\n"
        "write_outputs(build([sys.argv[1]], jobs=1), pathlib.Path(sys.argv[2]), parallel=True)\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(DOCS), str(tmp_path / "par")], check=True, cwd=ROOT
    )
    seq = write_outputs(result, tmp_path / "seq", parallel=False)
    assert {"graph.ttl", "graph.trig", "graph.jsonld", "graph.nq"} <= {p.name for p in seq}
    assert output_files(tmp_path / "seq") == output_files(tmp_path / "par")
    assert not [p.name for p in (tmp_path / "par").iterdir() if p.name.startswith(".")]


@needs_fork
def test_an_error_in_the_rdf_process_reaches_the_caller(
    result: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.export.rdf
    import kg.export.store

    def broken(*args: object, **kwargs: object) -> list[Path]:
        raise ValueError("the Turtle writer broke")

    monkeypatch.setattr(kg.export.rdf, "write_rdf", broken)  # inherited by the fork
    # earlier tests in this process may have opened a store on disk, which turns the
    # forked writer off; this one opens none (the broken writer fails at once), so the
    # fork is safe here and the error path through it is what is tested
    monkeypatch.setattr(kg.export.store, "_opened_on_disk", False)
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

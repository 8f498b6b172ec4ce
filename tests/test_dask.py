"""The Dask executor: documents extracted on a cluster give the same outputs as a local build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DOCS, run_kg
from tests.outputs import output_files

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        processes=True,
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_a_dask_build_equals_a_single_process_build(scheduler: str, tmp_path: Path) -> None:
    from kg.builder import build
    from kg.export.outputs import write_outputs

    local, remote = tmp_path / "local", tmp_path / "dask"
    write_outputs(build([str(DOCS)], jobs=1), local)  # what `kg build --jobs 1` writes
    res = run_kg(  # a relative path: the workers' own working folder does not matter
        "build",
        "docs",
        "--out",
        str(remote),
        "--executor",
        "dask",
        "--scheduler",
        scheduler,
        "--no-cache",
        cwd=DOCS.parent,
    )
    assert res.returncode == 0, res.stderr
    a, b = output_files(local), output_files(remote)
    assert len(a) > 5 and sorted(a) == sorted(b)
    for name, data in a.items():
        assert b[name] == data, f"{name} differs between the Dask and the local build"


def test_a_dask_build_fills_and_uses_the_cache(scheduler: str, tmp_path: Path) -> None:
    from kg.builder import build

    n = len(list(DOCS.glob("*.txt")))
    first = build([str(DOCS)], executor="dask", scheduler=scheduler, cache_dir=tmp_path / "c")
    assert first.cache is not None and first.cache.written == n
    second = build([str(DOCS)], jobs=1, cache_dir=tmp_path / "c")
    assert second.cache is not None and second.cache.hits == n
    assert second.extractions == first.extractions


def test_an_unreachable_scheduler_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "1s")
    res = run_kg(
        "build",
        str(DOCS),
        "--out",
        str(tmp_path / "o"),
        "--executor",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
        "--no-cache",
        timeout=120,
    )
    assert res.returncode == 3  # the build failed (the previous outputs, if any, intact)
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("Error: ")]
    assert len(errors) == 1
    assert errors[0].startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert "Traceback" not in res.stderr

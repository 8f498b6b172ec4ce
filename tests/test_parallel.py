"""Parallel extraction: any number of workers gives the same outputs, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.builder import extract_paths
from kg.errors import KGError, UnknownNameError
from kg.executors import InProcess, ProcessPool, batch_size, batches, get_executor
from tests.conftest import DOCS, run_kg
from tests.outputs import output_files


def _items(folder: Path) -> list[tuple[str, str]]:
    from kg.io import discover

    return list(discover([str(folder)]))


@pytest.mark.parametrize(("n", "workers"), [(0, 2), (1, 2), (33, 2), (2000, 2), (20000, 16)])
def test_batches_cover_every_item_once_in_order(n: int, workers: int) -> None:
    size = batch_size(n, workers, max_batch=64)
    assert 1 <= size <= 64
    parts = batches(list(range(n)), size)
    assert [i for b in parts for i in b] == list(range(n))
    if n >= workers * 4:  # enough batches to keep every worker busy
        assert len(parts) >= workers


def test_executor_names() -> None:
    assert isinstance(get_executor("local", jobs=1), InProcess)
    assert isinstance(get_executor("local", jobs=3), ProcessPool)
    with pytest.raises(UnknownNameError, match="valid: dask, local"):
        get_executor("spark")
    with pytest.raises(KGError, match="--executor dask"):
        get_executor("local", scheduler="tcp://127.0.0.1:8786")


def test_a_process_pool_returns_every_batch() -> None:
    work = batches(list(range(50)), 7)
    with ProcessPool(2) as pool:
        got = dict(pool.map_unordered(sum, work))
    assert got == {i: sum(b) for i, b in enumerate(work)}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample documents with unreadable files among them."""
    d = tmp_path_factory.mktemp("mixed") / "docs"
    shutil.copytree(DOCS, d)
    (d / "empty.txt").write_bytes(b"")
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    return d


def test_worker_processes_give_the_same_extractions_in_the_same_order(mixed: Path) -> None:
    items = _items(mixed)
    serial = extract_paths(items, jobs=1)
    parallel = extract_paths(items, jobs=2)
    assert parallel == serial
    assert len(serial[1]) == 2  # the two bad files, named in input order


@pytest.mark.parametrize("options", [(), ("--min-confidence", "0.7")], ids=["all", "min-0.7"])
def test_jobs_1_and_jobs_2_outputs_are_byte_identical(
    mixed: Path, tmp_path: Path, options: tuple[str, ...]
) -> None:
    outs, skipped = {}, {}
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}"
        res = run_kg("build", str(mixed), "--out", str(out), "--jobs", jobs, "--no-cache", *options)
        assert res.returncode == 1, res.stderr  # two files skipped
        assert "Traceback" not in res.stderr
        skipped[jobs] = [ln for ln in res.stderr.splitlines() if ln.startswith("skipped ")]
        outs[jobs] = output_files(out)
    assert [ln.split(":")[0].rsplit("/", 1)[-1] for ln in skipped["2"]] == [
        "empty.txt",
        "image.txt",
    ]
    assert skipped["1"] == skipped["2"]
    assert len(outs["1"]) > 5
    assert sorted(outs["1"]) == sorted(outs["2"])
    for name, data in outs["1"].items():
        assert outs["2"][name] == data, f"{name} differs between --jobs 1 and --jobs 2"


@pytest.mark.parametrize("jobs", [1, 2])
def test_meanwhile_runs_once_while_documents_are_extracted(mixed: Path, jobs: int) -> None:
    calls: list[int] = []
    extractions, _ = extract_paths(_items(mixed), jobs=jobs, meanwhile=lambda: calls.append(1))
    assert calls == [1] and len(extractions) > 0


def test_a_few_changed_documents_go_to_a_worker_while_many_are_read_from_the_cache(
    tmp_path: Path,
) -> None:
    from kg.builder import _runner

    # few to extract and few cached: this process; many cached: a worker overlaps the reading
    assert isinstance(_runner("local", None, None, 1, 10), InProcess)
    assert isinstance(_runner("local", None, None, 1, 5000), ProcessPool)
    assert isinstance(_runner("local", 1, None, 1, 5000), InProcess)  # --jobs 1 means no workers
    assert isinstance(_runner("local", None, None, 0, 5000), InProcess)

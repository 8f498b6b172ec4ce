"""kg build --formats (which outputs are written) and --compress (gzip, deterministic),
and the readers that take either form."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

import kg
from kg.errors import OutputError
from kg.export.files import OUTPUT_FORMATS, files_of, find_output, parse_formats
from tests.conftest import DOCS, run_kg


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few sample documents (a small build: quick)."""
    src = tmp_path_factory.mktemp("formats") / "docs"
    src.mkdir()
    for p in sorted(DOCS.glob("*.txt"))[:6]:
        shutil.copy(p, src / p.name)
    return src


@pytest.fixture(scope="module")
def plain(docs: Path) -> Path:
    out = docs.parent / "plain"
    res = run_kg("build", str(docs), "--out", str(out), "--no-cache", "-q")
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def packed(docs: Path) -> Path:
    out = docs.parent / "packed"
    res = run_kg("build", str(docs), "--out", str(out), "--no-cache", "-q", "--compress")
    assert res.returncode == 0, res.stderr
    return out


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_the_chosen_formats_and_only_those_are_written(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run_kg("build", str(docs), "--out", str(out), "--no-cache", "--formats", "ttl,csv,json")
    assert res.returncode == 0, res.stderr
    assert _names(out) == {"graph.ttl", "nodes.csv", "edges.csv", "graph.json", "build.json"}
    assert "wrote 5 files" in res.stderr


def test_the_default_writes_every_format(plain: Path) -> None:
    assert _names(plain) == set(files_of(OUTPUT_FORMATS))


def test_the_chosen_files_are_the_bytes_of_the_full_build(docs: Path, plain: Path, tmp_path):
    out = tmp_path / "out"
    res = run_kg("build", str(docs), "--out", str(out), "--no-cache", "--formats", "nq,html,jsonl")
    assert res.returncode == 0, res.stderr
    for name in ("graph.nq", "graph.html", "extractions.jsonl", "build.json"):
        assert (out / name).read_bytes() == (plain / name).read_bytes(), name


def test_an_unknown_format_is_a_usage_error_naming_the_valid_ones(docs: Path, tmp_path) -> None:
    res = run_kg("build", str(docs), "--out", str(tmp_path / "out"), "--formats", "ttl,xml")
    assert res.returncode == 2
    assert "unknown output format 'xml'; valid: all, csv, gexf, graphml, html" in res.stderr
    assert not (tmp_path / "out").exists()


def test_compressed_outputs_decompress_to_the_plain_build(plain: Path, packed: Path) -> None:
    names = _names(packed)
    assert "build.json" in names and "store" in names  # never compressed
    for name in names - {"build.json", "store"}:
        assert name.endswith(".gz"), name
        original = plain / name[: -len(".gz")]
        assert gzip.decompress((packed / name).read_bytes()) == original.read_bytes(), name
    assert {n.removesuffix(".gz") for n in names} == _names(plain)
    assert (packed / "build.json").read_bytes() == (plain / "build.json").read_bytes()


def test_compressed_builds_are_byte_identical(docs: Path, packed: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    args = ["build", str(docs), "--out", str(out), "-q", "--compress"]
    for _ in range(2):  # a fresh build, then a rebuild with the cache and kept parts
        res = run_kg(*args)
        assert res.returncode == 0, res.stderr
        for name in _names(packed) - {"store"}:
            assert (out / name).read_bytes() == (packed / name).read_bytes(), name
    head = (out / "graph.ttl.gz").read_bytes()[:10]
    assert head[4:8] == b"\0\0\0\0"  # mtime 0
    assert not head[3] & 0x08  # no file name


def test_a_build_of_other_formats_removes_what_an_earlier_one_left(docs: Path, tmp_path) -> None:
    out = tmp_path / "out"
    assert run_kg("build", str(docs), "--out", str(out), "-q").returncode == 0
    res = run_kg("build", str(docs), "--out", str(out), "-q", "--formats", "json", "--compress")
    assert res.returncode == 0, res.stderr
    assert _names(out) == {"graph.json.gz", "build.json", ".cache"}


def test_the_readers_take_the_compressed_outputs(plain: Path, packed: Path) -> None:
    a, b = kg.load(plain), kg.load(packed)
    assert (len(a.entities), len(a.relations)) == (len(b.entities), len(b.relations)) > (0, 0)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    shutil.rmtree(packed.parent / "nostore", ignore_errors=True)
    nostore = shutil.copytree(packed, packed.parent / "nostore")
    shutil.rmtree(nostore / "store")  # graph.trig.gz is loaded instead
    assert kg.load(nostore).query(count) == a.query(count)
    res = run_kg("query", str(nostore), count, "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert res.stdout == run_kg("query", str(plain), count, "--format", "csv").stdout
    res = run_kg("validate", str(packed))
    assert res.returncode == 0, res.stderr
    assert "graph.ttl.gz" in res.stderr


def test_a_reader_of_a_format_left_out_says_how_to_get_it(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_kg("build", str(docs), "--out", str(out), "--formats", "json").returncode == 0
    res = run_kg("query", str(out), "SELECT * WHERE { ?s ?p ?o }")
    assert res.returncode != 0
    assert res.stderr.strip().splitlines()[-1] == (
        f"Error: {out}/graph.trig: not written by the build there (its --formats left out "
        f"store and trig); run 'kg build DOCS --out {out} --formats ...' with store or trig "
        "among them (the default writes every format)"
    )
    with pytest.raises(OutputError, match="left out ttl"):
        find_output(out, "graph.ttl")
    assert kg.load(out).read == 6  # graph.json is there


def test_format_lists_are_parsed_in_order_once_each() -> None:
    assert parse_formats("json, ttl,json") == ("json", "ttl")
    assert parse_formats(None) == parse_formats("all") == tuple(OUTPUT_FORMATS)
    assert parse_formats("json,all") == tuple(OUTPUT_FORMATS)
    with pytest.raises(OutputError, match="no output format given"):
        parse_formats(" , ")


def test_kg_report_keeps_a_compressed_folder_compressed(packed: Path, tmp_path: Path) -> None:
    out = tmp_path / "packed"
    shutil.copytree(packed, out)
    before = (out / "report.md.gz").read_bytes()
    res = run_kg("report", str(out))
    assert res.returncode == 0, res.stderr
    assert not (out / "report.md").exists()
    assert (out / "report.md.gz").read_bytes() == before

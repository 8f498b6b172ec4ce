"""The per-document extraction cache: only changed documents are re-extracted."""

from __future__ import annotations

import copy
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg.builder import build
from kg.cache import (
    DB_NAME,
    ExtractionCache,
    SkipEntry,
    cache_key,
    dumps,
    loads,
    tables_digest,
)
from kg.export.outputs import write_outputs
from kg.types import Extraction
from tests.conftest import DATA, DOCS
from tests.outputs import output_files


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    shutil.copytree(DOCS, d)
    return d


def _n_docs() -> int:
    return len(list(DOCS.glob("*.txt")))


def _rows(cache: Path) -> dict[str, bytes]:
    """Every entry of the cache database in folder ``cache``, by key."""
    with sqlite3.connect(cache / DB_NAME) as db:
        rows = dict(db.execute("SELECT key, value FROM entries"))
    db.close()
    return rows


def _set_row(cache: Path, key: str, value: bytes) -> None:
    with sqlite3.connect(cache / DB_NAME) as db:
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (value, key))
    db.close()


@pytest.fixture(scope="module")
def sample() -> list[Extraction]:
    """The sample corpus, extracted once."""
    return build([str(DOCS)], jobs=1).extractions


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((b"text", "a.txt", "1"), (b"text", "a.txt", "2")),  # pipeline version
        ((b"text", "a.txt", "1"), (b"text", "b.txt", "1")),  # display name
        ((b"text", "a.txt", "1"), (b"text!", "a.txt", "1")),  # bytes
        ((b"ab", "c.txt", "1"), (b"a", "bc.txt", "1")),  # no ambiguity at the seams
    ],
)
def test_the_key_changes_with_version_name_and_bytes(a: tuple, b: tuple) -> None:
    assert cache_key(*a) != cache_key(*b)
    assert cache_key(*a) == cache_key(*a)


def test_garbage_is_not_an_entry() -> None:
    for data in (b"", b"not a pickle", dumps(SkipEntry("empty"))[:-3]):
        with pytest.raises(ValueError):
            loads(data)
    assert loads(dumps(SkipEntry("empty"))) == SkipEntry("empty")


def test_a_rebuild_extracts_only_the_changed_document(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    n = _n_docs()
    first = build([str(docs)], jobs=1, cache_dir=cache)
    assert first.cache is not None
    assert (first.cache.hits, first.cache.misses, first.cache.written) == (0, n, n)

    again = build([str(docs)], jobs=1, cache_dir=cache)
    assert again.cache is not None
    assert (again.cache.hits, again.cache.misses, again.cache.written) == (n, 0, 0)
    assert again.extractions == first.extractions

    # change one document: append a sentence of another one
    target = docs / "209.txt"
    extra = (DOCS / "217.txt").read_text(encoding="utf-8").split("\n")[0]
    target.write_text(target.read_text(encoding="utf-8") + "\n" + extra + "\n", encoding="utf-8")
    third = build([str(docs)], jobs=1, cache_dir=cache)
    assert third.cache is not None
    assert (third.cache.hits, third.cache.misses, third.cache.written) == (n - 1, 1, 1)
    fresh = build([str(docs)], jobs=1)
    assert third.extractions == fresh.extractions
    assert fresh.cache is None


def test_a_corrupt_entry_is_ignored_and_rebuilt(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    n = _n_docs()
    first = build([str(docs)], jobs=1, cache_dir=cache)
    rows = _rows(cache)
    assert len(rows) == n
    keys = sorted(rows)
    _set_row(cache, keys[0], b"\x80\x05garbage")
    _set_row(cache, keys[1], rows[keys[1]][:40])  # truncated
    second = build([str(docs)], jobs=1, cache_dir=cache)
    assert second.cache is not None
    assert (second.cache.hits, second.cache.misses, second.cache.corrupt) == (n - 2, 2, 2)
    assert second.cache.written == 2
    assert second.extractions == first.extractions
    assert loads(_rows(cache)[keys[0]]) in first.extractions  # rewritten: readable again
    third = build([str(docs)], jobs=1, cache_dir=cache)
    assert third.cache is not None
    assert (third.cache.hits, third.cache.corrupt) == (n, 0)


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_bytes(b"this is not a database" * 100),
        lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000),  # damaged header
        lambda p: sqlite3.connect(p).execute("CREATE TABLE entries (x INTEGER)").connection.close(),
    ],
    ids=["garbage", "damaged", "another-layout"],
)
def test_an_unreadable_database_is_replaced(make, docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    make(cache / DB_NAME)
    n = _n_docs()
    first = build([str(docs)], jobs=1, cache_dir=cache)
    assert first.cache is not None
    assert (first.cache.hits, first.cache.misses, first.cache.written) == (0, n, n)
    assert first.extractions == build([str(docs)], jobs=1).extractions
    assert len(_rows(cache)) == n
    again = build([str(docs)], jobs=1, cache_dir=cache)
    assert again.cache is not None and again.cache.hits == n
    assert sorted(p.name for p in cache.iterdir()) == [DB_NAME]  # no journal left behind


def test_a_garbage_database_does_not_fail_a_parallel_build(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / DB_NAME).write_bytes(b"\0" * 4096 + b"garbage")
    first = build([str(docs)], jobs=2, cache_dir=cache)
    assert first.cache is not None and first.cache.written == _n_docs()
    again = build([str(docs)], jobs=2, cache_dir=cache)
    assert again.cache is not None and again.cache.hits == _n_docs()
    assert again.extractions == first.extractions


def test_entries_round_trip_equal_to_the_extraction(
    sample: list[Extraction], tmp_path: Path
) -> None:
    assert sum(len(e.relations) for e in sample) > 0
    with ExtractionCache(tmp_path / "c") as cache:
        keys = [f"k{i}" for i in range(len(sample))]
        cache.put_many((k, dumps(e)) for k, e in zip(keys, sample, strict=True))
    with ExtractionCache(tmp_path / "c") as cache:
        back = cache.get_many(list(reversed(keys)) + keys[:1] + ["absent"])
        assert (cache.stats.hits, cache.stats.misses) == (len(sample) + 1, 1)
    assert back[: len(sample)] == list(reversed(sample))
    assert back[-2:] == [sample[0], None]
    for got, want in zip(reversed(back[: len(sample)]), sample, strict=True):
        assert isinstance(got, Extraction) and got is not want
        pairs = zip(got.entities + got.relations, want.entities + want.relations, strict=True)
        for a, b in pairs:
            assert type(a) is type(b) and a == b
        assert type(got.document.metadata) is type(want.document.metadata)
    assert copy.deepcopy(sample[0]) == sample[0]  # copying goes through __reduce__ too


def test_puts_in_a_batch_are_written_together(tmp_path: Path) -> None:
    cache = ExtractionCache(tmp_path / "c")
    with cache.batch():
        cache.put("a", SkipEntry("empty"))
        cache.put_bytes("b", dumps(SkipEntry("binary")))
        assert cache.stats.written == 0
        assert ExtractionCache(tmp_path / "c").get("a") is None  # not yet visible
    assert cache.stats.written == 2
    with pytest.raises(RuntimeError), cache.batch():
        cache.put("c", SkipEntry("lost"))
        raise RuntimeError
    other = ExtractionCache(tmp_path / "c")
    assert other.get_many(["a", "b", "c"]) == [SkipEntry("empty"), SkipEntry("binary"), None]
    assert cache.stats.written == 2


def test_two_caches_share_a_folder(tmp_path: Path) -> None:
    a, b = ExtractionCache(tmp_path / "c"), ExtractionCache(tmp_path / "c")
    a.put("one", SkipEntry("1"))
    assert b.get("one") == SkipEntry("1")
    b.put("two", SkipEntry("2"))
    assert a.get_many(["two", "one"]) == [SkipEntry("2"), SkipEntry("1")]
    # a writer waits for another build's transaction to end
    holder = sqlite3.connect(
        tmp_path / "c" / DB_NAME, isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO entries VALUES ('three', ?)", (dumps(SkipEntry("3")),))
    timer = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    timer.start()
    a.put("four", SkipEntry("4"))  # blocks until the commit
    timer.join()
    holder.close()
    assert a.stats.written == 2
    assert b.get_many(["three", "four"]) == [SkipEntry("3"), SkipEntry("4")]


def test_a_database_locked_too_long_costs_entries_not_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kg.cache.BUSY_TIMEOUT_S", 0.2)
    cache = ExtractionCache(tmp_path / "c")
    cache.put("one", SkipEntry("1"))
    holder = sqlite3.connect(tmp_path / "c" / DB_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        cache.put("two", SkipEntry("2"))
        assert cache.stats.written == 1
        assert cache.get("one") is None  # readers are shut out too
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert cache.get_many(["one", "two"]) == [SkipEntry("1"), None]
    assert (tmp_path / "c" / DB_NAME).stat().st_size > 0  # kept, not replaced


def test_the_key_changes_with_the_data_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    same, edited = tmp_path / "same", tmp_path / "edited"
    for d in (same, edited):
        shutil.copytree(DATA / "gazetteer", d / "gazetteer")
    table = edited / "gazetteer" / "place_blocklist.tsv"
    table.write_bytes(table.read_bytes().replace(b"\t", b"\t ", 1))
    assert tables_digest(same) == tables_digest(DATA)  # where the folder is does not count
    assert tables_digest(edited) != tables_digest(DATA)
    keys = {}
    for d in (same, edited):
        monkeypatch.setenv("KG_DATA_DIR", str(d))
        keys[d.name] = cache_key(b"text", "a.txt")
    monkeypatch.delenv("KG_DATA_DIR")
    assert keys["same"] == cache_key(b"text", "a.txt") != keys["edited"]


def test_an_edited_data_table_invalidates_every_entry(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    n = _n_docs()
    data = tmp_path / "data"
    shutil.copytree(DATA / "gazetteer", data / "gazetteer")
    env = {**os.environ, "KG_DATA_DIR": str(data)}

    def kg_build() -> str:
        """A build in a new process (the digest of the tables is computed once per process)."""
        cmd = [sys.executable, "-m", "kg.cli", "build", str(docs), "--out", str(tmp_path / "out")]
        res = subprocess.run(
            [*cmd, "--cache", str(cache), "--jobs", "1"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert res.returncode == 0, res.stderr
        return res.stderr

    assert f"cache: 0 hits, {n} misses, {n} written" in kg_build()
    assert f"cache: {n} hits, 0 misses, 0 written" in kg_build()
    table = data / "gazetteer" / "titles.tsv"
    table.write_bytes(table.read_bytes() + b"\n")
    assert f"cache: 0 hits, {n} misses, {n} written" in kg_build()


def test_cached_outputs_equal_fresh_outputs_from_another_folder(docs: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build([str(docs)], jobs=1, cache_dir=cache)
    moved = tmp_path / "elsewhere" / "docs"
    shutil.copytree(docs, moved)
    cached = build([str(moved)], jobs=1, cache_dir=cache)
    assert cached.cache is not None and cached.cache.misses == 0
    assert cached.extractions == build([str(moved)], jobs=1).extractions  # paths, evidence
    a, b = tmp_path / "a", tmp_path / "b"
    write_outputs(cached, a)
    write_outputs(build([str(moved)], jobs=1), b)
    assert output_files(a) == output_files(b)


def test_skipped_files_are_cached_with_their_reason(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(DOCS / "209.txt", d / "good.txt")
    (d / "empty.txt").write_bytes(b"")
    cache = tmp_path / "cache"
    first = build([str(d)], jobs=1, cache_dir=cache)
    second = build([str(d)], jobs=1, cache_dir=cache)
    assert second.cache is not None and second.cache.hits == 2
    assert second.skipped == first.skipped
    assert [s.path for s in second.skipped] == [str(d / "empty.txt")]


def _kg(*args: str) -> tuple[int, str]:
    """Run the command line in this process (fast): exit code and stderr."""
    from click.testing import CliRunner

    from kg.cli import main

    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.stderr


def test_cli_keeps_the_cache_in_the_hidden_out_cache_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    n = _n_docs()
    code, err = _kg("build", str(DOCS), "--out", str(out), "--jobs", "1")
    assert code == 0, err
    assert f"cache: 0 hits, {n} misses, {n} written" in err
    assert len(_rows(out / ".cache")) == n
    before = output_files(out)
    code, err = _kg("build", str(DOCS), "--out", str(out), "--jobs", "1")
    assert code == 0, err
    assert f"cache: {n} hits, 0 misses, 0 written" in err
    assert output_files(out) == before


def test_cli_no_cache_and_an_explicit_cache_folder(tmp_path: Path) -> None:
    one = str(DOCS / "209.txt")
    code, err = _kg("build", one, "--out", str(tmp_path / "a"), "--no-cache")
    assert code == 0, err
    assert not (tmp_path / "a" / ".cache").exists()
    assert "cache:" not in err
    code, err = _kg("build", one, "--out", str(tmp_path / "b"), "--cache", str(tmp_path / "c"))
    assert code == 0, err
    assert "cache: 0 hits, 1 misses, 1 written" in err
    assert not (tmp_path / "b" / ".cache").exists()
    assert len(_rows(tmp_path / "c")) == 1
    code, err = _kg("build", one, "--out", str(tmp_path / "d"), "--no-cache", "--cache", "x")
    assert code == 2
    assert "exclude each other" in err


def test_a_rebuild_from_the_cache_merges_the_graph_without_reading_extractions(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.builder

    cache = tmp_path / "cache"
    first = build([str(docs)], jobs=1, cache_dir=cache)
    write_outputs(first, tmp_path / "first", fragments=cache, parallel=False)
    read: list[str] = []
    real = kg.builder.unpickle

    def counting(data: bytes):
        entry = real(data)
        read.append(getattr(getattr(entry, "document", None), "name", ""))
        return entry

    monkeypatch.setattr(kg.builder, "unpickle", counting)
    again = build([str(docs)], jobs=1, cache_dir=cache)
    assert again.cache is not None and again.cache.hits == _n_docs()
    # the graph, and the outputs whose parts are kept, read no extraction
    write_outputs(again, tmp_path / "again", fragments=cache, parallel=False)
    assert read == []
    assert output_files(tmp_path / "again") == output_files(tmp_path / "first")
    # the extractions are still all there, read when asked for, equal to fresh ones
    assert again.extractions == first.extractions
    assert len(read) == _n_docs()
    assert again.extractions[1:3] == list(first.extractions)[1:3]
    assert len(read) == _n_docs() + 2  # read each time, not kept (memory stays the pickles')

"""The per-document extraction cache: only changed documents are re-extracted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.builder import build
from kg.cache import SkipEntry, cache_key, dumps, loads
from kg.export.outputs import write_outputs
from tests.conftest import DOCS


def _outputs(out: Path) -> dict[str, bytes]:
    """Every output file under ``out`` by relative name, the cache folder left out."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(out).parts
    }


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    shutil.copytree(DOCS, d)
    return d


def _n_docs() -> int:
    return len(list(DOCS.glob("*.txt")))


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
    entries = sorted(cache.rglob("*.pkl"))
    assert len(entries) == n
    entries[0].write_bytes(b"\x80\x05garbage")
    entries[1].write_bytes(entries[1].read_bytes()[:40])  # truncated
    second = build([str(docs)], jobs=1, cache_dir=cache)
    assert second.cache is not None
    assert (second.cache.hits, second.cache.misses, second.cache.corrupt) == (n - 2, 2, 2)
    assert second.extractions == first.extractions
    loads(entries[0].read_bytes())  # rewritten: readable again
    third = build([str(docs)], jobs=1, cache_dir=cache)
    assert third.cache is not None and third.cache.hits == n


def test_a_new_pipeline_version_invalidates_every_entry(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    n = _n_docs()
    build([str(docs)], jobs=1, cache_dir=cache)
    monkeypatch.setattr("kg.pipeline.PIPELINE_VERSION", "changed-for-test")
    res = build([str(docs)], jobs=1, cache_dir=cache)
    assert res.cache is not None
    assert (res.cache.hits, res.cache.misses) == (0, n)


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
    assert _outputs(a) == _outputs(b)


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
    assert len(list((out / ".cache").rglob("*.pkl"))) == n
    before = _outputs(out)
    code, err = _kg("build", str(DOCS), "--out", str(out), "--jobs", "1")
    assert code == 0, err
    assert f"cache: {n} hits, 0 misses, 0 written" in err
    assert _outputs(out) == before


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
    assert len(list((tmp_path / "c").rglob("*.pkl"))) == 1
    code, err = _kg("build", one, "--out", str(tmp_path / "d"), "--no-cache", "--cache", "x")
    assert code == 2
    assert "exclude each other" in err

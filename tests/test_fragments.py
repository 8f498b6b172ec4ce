"""Kept output parts: a rebuild that reuses them writes the bytes a fresh build writes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from kg.builder import build
from kg.export.fragments import (
    DIRNAME,
    Fragments,
    FragmentStore,
    code_digest,
    digest,
    index_path,
    kept_file,
)
from kg.export.outputs import write_outputs
from tests.conftest import DOCS

# ---------------------------------------------------------------------------
# The store


def _fill(path: Path, items: dict[bytes, tuple[str, ...]]) -> FragmentStore:
    with FragmentStore(path) as s:
        for key, parts in items.items():
            assert s.fetch(key, lambda p=parts: p) == tuple(p.encode() for p in parts)
    return s


def test_a_store_gives_back_what_it_kept_and_makes_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "s.bin"
    first = _fill(path, {b"a" * 16: ("郑州市", ""), b"b" * 16: ("x\n", "y")})
    assert (first.hits, first.misses) == (0, 2)
    made: list[bytes] = []
    with FragmentStore(path) as s:
        assert s.fetch(b"a" * 16, lambda: made.append(b"a") or ("other",)) == (
            "郑州市".encode(),
            b"",
        )
        assert s.fetch(b"c" * 16, lambda: made.append(b"c") or ("new",)) == (b"new",)
    assert made == [b"c"] and (s.hits, s.misses) == (1, 1)
    # "b" was not used by the second build: it is not carried over
    with FragmentStore(path) as s:
        assert s.fetch(b"b" * 16, lambda: ("made again",)) == (b"made again",)
        assert s.fetch(b"c" * 16, lambda: ("not used",)) == (b"new",)


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"garbage"),
        lambda p: p.write_bytes(p.read_bytes()[:-3]),  # truncated footer
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(b"\0" * 100 + p.read_bytes()[-16:]),  # index offset past data
    ],
    ids=["garbage", "truncated", "empty", "bad-index"],
)
def test_a_damaged_store_is_read_as_empty_and_replaced(tmp_path: Path, damage) -> None:
    path = tmp_path / "s.bin"
    _fill(path, {b"k" * 16: ("text",)})
    damage(path)
    again = _fill(path, {b"k" * 16: ("text",)})
    assert (again.hits, again.misses) == (0, 1)
    third = _fill(path, {b"k" * 16: ("text",)})
    assert (third.hits, third.misses) == (1, 0)
    assert [p.name for p in tmp_path.iterdir()] == ["s.bin"]  # no temporary file left


def test_an_error_inside_the_block_keeps_the_previous_store(tmp_path: Path) -> None:
    path = tmp_path / "s.bin"
    _fill(path, {b"k" * 16: ("kept",)})
    with pytest.raises(RuntimeError), FragmentStore(path) as s:
        s.fetch(b"z" * 16, lambda: ("z",))
        raise RuntimeError("interrupted")
    with FragmentStore(path) as s:
        assert s.fetch(b"k" * 16, lambda: ("lost",)) == (b"kept",)
    assert [p.name for p in tmp_path.iterdir()] == ["s.bin"]


def test_digests_tell_inputs_and_code_apart() -> None:
    assert digest("a", (1, None)) != digest("a", (1, ""))
    assert code_digest("kg.export.rdf") != code_digest("kg.export.netformats")


# ---------------------------------------------------------------------------
# Output files written part by part


def _write(path: Path, keep: Path | None, parts: list[tuple[bytes, str]]) -> list[bytes]:
    """Write ``parts`` (key, text) to ``path`` with a header; returns the keys made."""
    made: list[bytes] = []
    with kept_file(path, Fragments(keep) if keep else None) as out:
        out.write(b"head\n")
        for key, text in parts:
            out.part(key, lambda k=key, t=text: made.append(k) or t)
        out.write(b"tail\n")
    return made


PARTS = [(bytes([i]) * 16, f"第{i}部分\n" * (i + 1)) for i in range(6)]


def _text(parts: list[tuple[bytes, str]]) -> bytes:
    return b"head\n" + "".join(t for _, t in parts).encode() + b"tail\n"


@pytest.mark.parametrize("kernel_copy", [True, False], ids=["copy_file_range", "pread"])
def test_a_kept_file_copies_unchanged_parts_from_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_copy: bool
) -> None:
    import os

    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    path, keep = tmp_path / "out" / "f.txt", tmp_path / "keep"
    assert _write(path, keep, PARTS) == [k for k, _ in PARTS]
    assert path.read_bytes() == _text(PARTS)
    # one part changed, one removed, one added, two swapped
    new = [PARTS[0], (b"n" * 16, "新的\n"), PARTS[3], PARTS[2], PARTS[4], PARTS[5]]
    new[4] = (b"c" * 16, "改了\n")
    assert _write(path, keep, new) == [b"n" * 16, b"c" * 16]
    assert path.read_bytes() == _text(new)
    # the same again: every part copied
    assert _write(path, keep, new) == []
    assert path.read_bytes() == _text(new)


@pytest.mark.parametrize(
    "change",
    [
        lambda p, idx: p.write_bytes(p.read_bytes().replace("部".encode(), "分".encode())),
        lambda p, idx: p.unlink(),
        lambda p, idx: idx.write_bytes(b"garbage"),
        lambda p, idx: idx.write_bytes(idx.read_bytes()[:-5]),
    ],
    ids=["file-edited", "file-removed", "index-garbage", "index-truncated"],
)
def test_a_changed_output_or_index_makes_every_part_again(tmp_path: Path, change) -> None:
    path, keep = tmp_path / "f.txt", tmp_path / "keep"
    _write(path, keep, PARTS)
    change(path, index_path(keep, path))
    assert _write(path, keep, PARTS) == [k for k, _ in PARTS]
    assert path.read_bytes() == _text(PARTS)
    assert _write(path, keep, PARTS) == []  # and kept again


def test_an_error_while_writing_keeps_the_previous_file_and_index(tmp_path: Path) -> None:
    path, keep = tmp_path / "f.txt", tmp_path / "keep"
    _write(path, keep, PARTS)
    with pytest.raises(RuntimeError), kept_file(path, Fragments(keep)) as out:
        out.part(b"z" * 16, lambda: "半")
        raise RuntimeError("interrupted")
    assert path.read_bytes() == _text(PARTS)
    assert _write(path, keep, PARTS) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt", "keep"]  # no temporary file


def test_without_a_cache_folder_every_part_is_made(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    assert len(_write(path, None, PARTS)) == len(PARTS)
    assert len(_write(path, None, PARTS)) == len(PARTS)
    assert path.read_bytes() == _text(PARTS)


# ---------------------------------------------------------------------------
# Whole builds


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("parallel", [False, True] if sys.platform == "linux" else [False])
def test_a_rebuild_with_kept_parts_writes_what_a_fresh_build_writes(
    tmp_path: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.export.fragments as fr

    src = tmp_path / "docs"
    shutil.copytree(DOCS, src)
    keep, out = tmp_path / "keep", tmp_path / "out"
    (keep / DIRNAME).mkdir(parents=True)
    for name in fr.Fragments.OBSOLETE:  # stores of an earlier version: removed
        fr.store_path(keep, name).write_bytes(b"old")
    first = build([str(src)], jobs=1)
    write_outputs(first, out, fragments=keep, parallel=parallel)
    written = _files(out)
    kept = sorted(p.name for p in (keep / DIRNAME).iterdir())
    assert {
        f"{name}.idx"
        for name in written
        if name not in ("graph.html", "report.md", "nodes.csv", "indicators.csv", "build.json")
    } <= set(kept)
    assert {"layout.bin", "pinyin.bin"} <= set(kept)
    assert not any(fr.store_path(keep, name).exists() for name in fr.Fragments.OBSOLETE)

    # change one document, remove one, add one
    names = sorted(p.name for p in src.glob("*.txt"))
    changed = src / names[1]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n郑州市与开封市签署了合作框架协议。\n",
        encoding="utf-8",
    )
    (src / names[2]).unlink()
    (src / "new.txt").write_text("洛阳市与三门峡市签订文旅合作协议。\n", encoding="utf-8")

    copied: list[int] = []
    real = fr.KeptFile.finish

    def counting(self: fr.KeptFile) -> None:
        copied.append(self.hits)
        real(self)

    monkeypatch.setattr(fr.KeptFile, "finish", counting)
    second = build([str(src)], jobs=1)
    write_outputs(second, out, fragments=keep, parallel=parallel)
    write_outputs(second, tmp_path / "fresh", parallel=parallel)
    again, fresh = _files(out), _files(tmp_path / "fresh")
    assert again.keys() == fresh.keys()
    for name in fresh:
        assert again[name] == fresh[name], name
    # the first build's outputs differ: the rebuild did not copy stale parts
    assert written["graph.nq"] != again["graph.nq"]
    if not parallel:  # (the forked writer's counts stay in its process)
        assert sum(copied) > len(names)  # and it did copy parts


def test_kept_parts_are_reused(tmp_path: Path) -> None:
    from kg.export.netformats import write_graphml

    result = build([str(DOCS)], jobs=1)
    keep = Fragments(tmp_path / "keep")
    path = tmp_path / "graph.graphml"
    write_graphml(result.graph, path, fragments=keep)
    text = path.read_bytes()
    calls: list[int] = []

    import kg.export.netformats as nf

    original = nf.edge_attributes

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    nf.edge_attributes = counting
    try:
        write_graphml(result.graph, path, fragments=Fragments(tmp_path / "keep"))
        again = path.read_bytes()
        fresh = nf.graphml_bytes(result.graph)
    finally:
        nf.edge_attributes = original
    assert again == text == fresh
    # the second pass formatted no edge; the pass without kept parts formatted every one
    assert len(calls) == len(result.graph.edges) > 0


def test_kept_layouts_are_the_layouts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.export import layout as lay

    nodes = [f"n{i}" for i in range(40)] + ["lone"]
    edges = [(f"n{i}", f"n{(i * 7 + 3) % 40}") for i in range(40)]
    fresh = lay.layout(nodes, edges)
    with FragmentStore(tmp_path / "layout.bin") as s:
        first = lay.layout(nodes, edges, remember=s.fetch)
    assert s.misses > 0

    def no_spring(*args: object) -> dict:
        raise AssertionError("laid out again")

    monkeypatch.setattr(lay, "_spring", no_spring)
    with FragmentStore(tmp_path / "layout.bin") as s:
        again = lay.layout(nodes, edges, remember=s.fetch)
    assert again == first == fresh
    assert s.misses == 0 and s.hits > 0


def test_kept_rdf_parts_follow_the_json_ld_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.export.rdf as rdf
    from kg.export.fragments import Fragments

    graph = build([str(DOCS)], jobs=1).graph
    rdf.write_rdf(graph, tmp_path / "out", fragments=Fragments(tmp_path / "keep"))
    first = (tmp_path / "out" / "graph.jsonld").read_bytes()
    ctx = rdf.load_context()
    # the same context with a term of every document's evidence renamed
    edited = {("renamedStartOffset" if k == "startOffset" else k): v for k, v in ctx.items()}
    monkeypatch.setattr(rdf, "load_context", lambda: edited)
    again = rdf.write_rdf(graph, tmp_path / "out", fragments=Fragments(tmp_path / "keep"))
    fresh = rdf.write_rdf(graph, tmp_path / "fresh")
    assert first != fresh[2].read_bytes()
    for a, b in zip(again, fresh, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_kept_document_part_follows_a_place_code_merged_from_another_document(
    tmp_path: Path,
) -> None:
    """A document's part is kept under its summary's digest and the IRIs of its places:
    a division code that another document brings changes the place's IRI, so the part
    is made again though the document did not change."""
    import kg.export.rdf as rdf
    from kg.graph import merge

    def summary(name: str, key: str, place: str, code: str | None) -> tuple:
        entity = ("Place/洛阳", place, "Place", (), code, None, None, 1, 1.0)
        return (name, key, (), 10, "utf-8", (entity,), ())

    alone = merge([summary("a.txt", "ka", "洛阳", None)])
    both = merge([summary("a.txt", "ka", "洛阳", None), summary("b.txt", "kb", "洛阳市", "410300")])
    keep, out = Fragments(tmp_path / "keep"), tmp_path / "out"
    rdf.write_rdf(alone, out, fragments=keep)
    assert "place/410300" not in (out / "graph.nq").read_text(encoding="utf-8")
    again = rdf.write_rdf(both, out, fragments=keep)
    fresh = rdf.write_rdf(both, tmp_path / "fresh")
    for a, b in zip(again, fresh, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    doc_a = [
        line
        for line in (out / "graph.nq").read_text(encoding="utf-8").splitlines()
        if "document/ka" in line and "mentions" in line
    ]
    assert doc_a and all("place/410300" in line for line in doc_a)

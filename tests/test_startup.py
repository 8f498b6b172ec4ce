"""The fast start-up of extraction (kg.extract.segmenter) gives what jieba's own loading gives."""

from __future__ import annotations

import marshal
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from kg import derived_cache
from kg.extract import segmenter, tables
from kg.text import normalize as normalize_module
from kg.text.segment import sentences

DOCS = Path(__file__).resolve().parent.parent / "data" / "docs"
DOC_PATHS = sorted(DOCS.glob("*.txt"))

jieba = segmenter.import_jieba()
DICT_PATH = Path(jieba.__file__).parent / "dict.txt"


def _old_common_words(text: str) -> dict[str, tuple[int, str]]:
    """The table as it was parsed before it was kept between runs."""
    line = re.compile(r"^(\S{2,3}) (\d+) (\S+)\r?$", re.MULTILINE)
    return {w: (int(n), tag) for w, n, tag in line.findall(text)}


@pytest.fixture(scope="module")
def reference_words() -> dict[str, tuple[int, str]]:
    return _old_common_words(DICT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """A tokenizer whose cache file is truncated: it must fall back to jieba's own
    initialisation, which builds the dictionary from dict.txt and writes the cache."""
    folder = tmp_path_factory.mktemp("jieba")
    real = Path(tempfile.gettempdir()) / "jieba.cache"
    segmenter.load_default_tokenizer()  # makes sure jieba's own cache file exists
    (folder / "jieba.cache").write_bytes(real.read_bytes()[:1000])
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(folder)
    segmenter.load_default_tokenizer(tk)
    return tk, folder


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("jieba's own initialisation was called")


# ------------------------------------------------------------------ the tokenizer


def test_a_truncated_jieba_cache_falls_back_to_jiebas_own_build(rebuilt: tuple[Any, Path]) -> None:
    tk, folder = rebuilt
    assert tk.initialized
    assert (folder / "jieba.cache").stat().st_size > 1_000_000  # rewritten whole by jieba
    assert tk.FREQ["郑州"] > 0 and tk.total > 0


def test_the_fast_load_equals_jiebas_build_from_the_dictionary(rebuilt: tuple[Any, Path]) -> None:
    tk, _ = rebuilt
    fast = segmenter.load_default_tokenizer(jieba.Tokenizer())
    assert fast.total == tk.total
    assert fast.FREQ == tk.FREQ


def test_a_valid_cache_is_read_without_jiebas_initialisation(
    rebuilt: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    tk, folder = rebuilt
    again = jieba.Tokenizer()
    again.tmp_dir = str(folder)
    monkeypatch.setattr(again, "initialize", _never)
    segmenter.load_default_tokenizer(again)
    assert again.initialized
    assert again.FREQ == tk.FREQ and again.total == tk.total


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00garbage", marshal.dumps(("FREQ", 1)), marshal.dumps(({"郑州": 1}, 1.5))],
    ids=["empty", "garbage", "not-a-dict", "float-total"],
)
def test_an_unusable_cache_is_left_to_jieba(
    content: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "jieba.cache").write_bytes(content)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(tmp_path)
    calls: list[object] = []
    monkeypatch.setattr(tk, "initialize", lambda *a: calls.append(a))
    segmenter.load_default_tokenizer(tk)
    assert calls == [()]
    assert not tk.initialized and tk.FREQ == {}


def test_another_dictionary_is_left_to_jieba(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = tmp_path / "words.txt"
    words.write_text("郑州 100 ns\n", encoding="utf-8")
    (tmp_path / "jieba.cache").write_bytes(marshal.dumps(({"郑州": 1}, 1)))
    tk = jieba.Tokenizer(str(words))
    tk.tmp_dir = str(tmp_path)
    calls: list[object] = []
    monkeypatch.setattr(tk, "initialize", lambda *a: calls.append(a))
    segmenter.load_default_tokenizer(tk)
    assert calls == [()]


def test_a_missing_cache_folder_still_gives_a_tokenizer(
    rebuilt: tuple[Any, Path], tmp_path: Path
) -> None:
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(tmp_path / "missing")  # jieba cannot read nor write its cache here
    segmenter.load_default_tokenizer(tk)
    assert tk.initialized and tk.total == rebuilt[0].total
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("path", DOC_PATHS, ids=[p.name for p in DOC_PATHS])
def test_sentences_are_cut_as_jieba_cuts_them(path: Path, rebuilt: tuple[Any, Path]) -> None:
    tk, _ = rebuilt
    text = path.read_text(encoding="utf-8")
    pieces = [text[s.start : s.end] for s in sentences(text)]
    # the name checks cut short runs: every run of up to eight characters of a sentence
    pieces += [p[i : i + n] for p in pieces[:20] for n in (2, 4, 8) for i in range(len(p) - n)]
    assert pieces
    assert [segmenter.cut(p) for p in pieces] == [tk.lcut(p, HMM=False) for p in pieces]


def test_the_default_tokenizer_is_its_own_and_leaves_jiebas_global_one_alone() -> None:
    tk = segmenter._default_tokenizer()
    assert tk is not jieba.dt and isinstance(tk.FREQ, segmenter.SortedFreq)
    assert segmenter.cut("郑开同城化合作协议") == jieba.lcut("郑开同城化合作协议", HMM=False)
    assert type(jieba.dt.FREQ) is dict  # jieba.lcut keeps its own dictionary


def test_the_sorted_prefixes_are_jiebas_dictionary(rebuilt: tuple[Any, Path]) -> None:
    reference, _ = rebuilt
    tk = segmenter._default_tokenizer()
    assert tk.total == reference.total
    assert len(tk.FREQ) == len(reference.FREQ) > 300_000
    assert dict(tk.FREQ.items()) == reference.FREQ
    assert "郑州" in tk.FREQ and "郑州x" not in tk.FREQ and tk.FREQ.get("郑州x") is None


def test_kept_prefixes_are_read_back_and_damaged_ones_derived_again(
    tmp_path: Path, rebuilt: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    reference, _ = rebuilt
    first = segmenter.load_sorted_tokenizer(str(tmp_path))
    (kept,) = tmp_path.glob("*jieba-prefixes*.marshal")
    real = segmenter._sorted_prefixes
    monkeypatch.setattr(segmenter, "_sorted_prefixes", _never)
    again = segmenter.load_sorted_tokenizer(str(tmp_path))  # read back, not derived
    assert list(again.FREQ.items()) == list(first.FREQ.items())
    kept.write_bytes(_flip(kept.read_bytes()))
    with pytest.raises(AssertionError, match="initialisation was called"):
        segmenter.load_sorted_tokenizer(str(tmp_path))  # damaged: derived again
    monkeypatch.setattr(segmenter, "_sorted_prefixes", real)
    third = segmenter.load_sorted_tokenizer(str(tmp_path))
    assert third.total == reference.total and len(third.FREQ) == len(reference.FREQ)
    text = "郑州航空港经济综合实验区管理委员会"
    assert third.lcut(text, HMM=False) == reference.lcut(text, HMM=False)


def test_jieba_is_imported_silenced_and_reads_its_own_dictionary() -> None:
    script = (
        "import logging\n"
        "from kg.extract import segmenter\n"
        "jieba = segmenter.import_jieba()\n"
        "print(jieba.default_logger.level)\n"
        "with jieba.get_dict_file() as f:\n"
        "    print(f.name)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "60"
    assert os.path.samefile(out[1], DICT_PATH)


# ------------------------------------------------------------------ the common words


def test_the_common_words_equal_the_parsed_dictionary(
    reference_words: dict[str, tuple[int, str]],
) -> None:
    assert len(reference_words) > 100_000
    assert tables.common_words() == reference_words
    assert list(tables.common_words()) == list(reference_words)


def test_the_kept_table_is_read_back_without_parsing(
    tmp_path: Path, reference_words: dict[str, tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    with DICT_PATH.open("rb") as f:
        first = segmenter.load_common_words(f, "v", str(tmp_path))
    assert len(list(tmp_path.glob("*.marshal"))) == 1
    monkeypatch.setattr(segmenter, "parse_common_words", _never)
    with DICT_PATH.open("rb") as f:
        second = segmenter.load_common_words(f, "v", str(tmp_path))
    assert first == second == reference_words


def _truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _flip(data: bytes) -> bytes:
    k = len(data) - 1000  # inside the table, past the checksum
    return data[:k] + bytes([data[k] ^ 0x01]) + data[k + 1 :]


def _empty(data: bytes) -> bytes:
    return b""


def _other_key(data: bytes) -> bytes:
    fmt, key, digest, payload = marshal.loads(data)
    return marshal.dumps((fmt, key + "x", digest, payload))


@pytest.mark.parametrize("damage", [_truncate, _flip, _empty, _other_key])
def test_a_damaged_kept_table_is_parsed_again(
    damage: Any,
    tmp_path: Path,
    reference_words: dict[str, tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with DICT_PATH.open("rb") as f:
        segmenter.load_common_words(f, "v", str(tmp_path))
    (kept,) = tmp_path.glob("*.marshal")
    kept.write_bytes(damage(kept.read_bytes()))
    with DICT_PATH.open("rb") as f:
        assert segmenter.load_common_words(f, "v", str(tmp_path)) == reference_words
    monkeypatch.setattr(segmenter, "parse_common_words", _never)
    with DICT_PATH.open("rb") as f:  # it was written again, whole
        assert segmenter.load_common_words(f, "v", str(tmp_path)) == reference_words


def test_an_unwritable_folder_still_gives_the_table(
    tmp_path: Path, reference_words: dict[str, tuple[int, str]]
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    with DICT_PATH.open("rb") as f:
        assert segmenter.load_common_words(f, "v", str(not_a_folder)) == reference_words
    assert list(tmp_path.iterdir()) == [not_a_folder]


def test_a_changed_dictionary_is_parsed_again(tmp_path: Path) -> None:
    words = tmp_path / "dict.txt"
    shutil.copyfile(DICT_PATH, words)
    with words.open("rb") as f:
        before = segmenter.load_common_words(f, "v", str(tmp_path))
    assert "郑开" not in before
    with words.open("ab") as f:
        f.write("郑开 30 ns\n".encode())
    with words.open("rb") as f:
        after = segmenter.load_common_words(f, "v", str(tmp_path))
    assert after["郑开"] == (30, "ns")
    with words.open("rb") as f:
        assert after == _old_common_words(f.read().decode("utf-8"))


# ------------------------------------------------------------------ pyvis' records


def test_the_html_page_needs_no_pyvis_import() -> None:
    script = (
        "import sys\n"
        "import kg.export.html\n"
        "from kg.export import pyvis_records\n"
        "pyvis_records.Node('a', 'dot', label='a'), pyvis_records.Edge('a', 'b')\n"
        "kg.export.html._vis_assets()\n"
        "print(sorted(m for m in ('pyvis', 'IPython', 'jinja2') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


NODE_ARGS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("Place/410100", "dot", "郑州市"), {"group": "Place", "size": 12, "x": 1.5, "y": -2}),
    (("Agency/郑州市人民政府", "box", "郑州市人民政府"), {"font_color": "#111111"}),
    (("Person/张三", "dot", "张三"), {"borderWidth": 4, "color": {"border": "#111111"}}),
]
EDGE_ARGS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a", "b"), {}),
    (("a", "b"), {"directed": True, "width": 2}),
    (("a", "b"), {"directed": True, "arrows": {"to": {"enabled": False}}}),
    (("b", "a"), {"directed": False, "title": "合作"}),
]


def test_the_records_loaded_from_the_files_are_pyvis_own(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyvis
    from pyvis.edge import Edge
    from pyvis.node import Node

    from kg.export import pyvis_records

    assert pyvis_records.package_dir() == Path(pyvis.__file__).parent
    # once pyvis is imported, its own modules are used
    assert pyvis_records._module("node") is sys.modules["pyvis.node"]
    monkeypatch.delitem(sys.modules, "pyvis.node")
    monkeypatch.delitem(sys.modules, "pyvis.edge")
    node, edge = pyvis_records._module("node"), pyvis_records._module("edge")
    assert node.Node is not Node and edge.Edge is not Edge
    assert "pyvis.node" not in sys.modules
    for args, kwargs in NODE_ARGS:
        assert node.Node(*args, **dict(kwargs)).options == Node(*args, **dict(kwargs)).options
    for args, kwargs in EDGE_ARGS:
        assert edge.Edge(*args, **dict(kwargs)).options == Edge(*args, **dict(kwargs)).options


# ------------------------------------------------------------------ the normalisation tables


@pytest.fixture(scope="module")
def derived_t2s() -> tuple[list[int], dict[str, list[tuple[int, str, str]]]]:
    return normalize_module._derive_tables()


def _tables_in(folder: Path | None, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(
        derived_cache, "default_folder", lambda: None if folder is None else str(folder)
    )
    return normalize_module._Tables().ready()


def test_the_normalisation_tables_in_use_equal_derived_ones(derived_t2s: Any) -> None:
    tables = normalize_module._TABLES.ready()
    assert (tables.flat, tables.by_trigger) == derived_t2s
    assert tables.flat[ord("鄭")] == ord("郑") and tables.by_trigger


def test_kept_normalisation_tables_are_read_back_without_deriving(
    tmp_path: Path, derived_t2s: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _tables_in(tmp_path, monkeypatch)
    assert [p.name for p in tmp_path.iterdir()] == ["policy-kg.normalize-t2s.marshal"]
    monkeypatch.setattr(normalize_module, "_derive_tables", _never)
    second = _tables_in(tmp_path, monkeypatch)
    assert (first.flat, first.by_trigger) == (second.flat, second.by_trigger) == derived_t2s
    assert first.triggers.pattern == second.triggers.pattern


@pytest.mark.parametrize("damage", [_truncate, _flip, _empty, _other_key])
def test_damaged_normalisation_tables_are_derived_again(
    damage: Any, tmp_path: Path, derived_t2s: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tables_in(tmp_path, monkeypatch)
    (kept,) = tmp_path.iterdir()
    kept.write_bytes(damage(kept.read_bytes()))
    again = _tables_in(tmp_path, monkeypatch)
    assert (again.flat, again.by_trigger) == derived_t2s


def test_normalisation_tables_without_a_temporary_folder(
    derived_t2s: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = _tables_in(None, monkeypatch)
    assert (tables.flat, tables.by_trigger) == derived_t2s


def test_the_kept_table_key_names_the_deriving_source(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text("A = 1\n", encoding="utf-8")
    before = derived_cache.file_key([source]) + derived_cache.source_digest(source)
    source.write_text("A = 2\n", encoding="utf-8")
    assert derived_cache.file_key([source]) + derived_cache.source_digest(source) != before


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs to give a file to another user"
)
def test_a_kept_table_of_another_user_is_not_trusted(tmp_path: Path) -> None:
    table = {"郑州": (1, "ns")}
    kept = derived_cache.kept_path(tmp_path, "t")
    assert derived_cache.write(kept, "k", table)
    assert derived_cache.load("t", "k", _never, folder=tmp_path) == table
    os.chown(kept, os.getuid() + 1, -1)
    assert derived_cache.read(kept, "k") is None
    derived = {"郑州": (2, "n")}
    assert derived_cache.load("t", "k", lambda: derived, folder=tmp_path) == derived

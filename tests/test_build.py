"""kg build end to end: bad input, complete outputs, determinism, the contract's JSON."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA, DOCS, run_kg
from tests.outputs import output_files

SEED = DOCS / "000_ab73ab1b96b1d70f.txt"
with (DATA / "gazetteer" / "countries.tsv").open(encoding="utf-8") as _f:
    ABROAD = {row["name"] for row in csv.DictReader(_f, delimiter="\t")}
OUTPUTS = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.nq", "graph.html", "report.md")

HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知</title>
<style>.nav {{ color: red; }} body {{ font-family: SimSun; }}</style>
<script>var trackingCode = "UA-12345"; document.write("广告");</script></head>
<body><nav><a href="/">首页</a> | <a href="/zwgk">政务公开</a></nav>
<div class="content"><p>{p1}</p><p>{p2}</p></div>
<footer>版权所有</footer></body></html>"""


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The issue's bad-input folder: good documents mixed with broken files."""
    d = tmp_path_factory.mktemp("bad") / "input"
    d.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    shutil.copy(SEED, d / "seed.txt")
    (d / "gbk.txt").write_bytes((DOCS / "217.txt").read_text(encoding="utf-8").encode("gbk"))
    (d / "bom.txt").write_bytes(b"\xef\xbb\xbf" + (DOCS / "209.txt").read_bytes())
    p1, p2 = (DOCS / "211.txt").read_text(encoding="utf-8").split("\n", 1)
    (d / "page.html").write_text(HTML_PAGE.format(p1=p1, p2=p2), encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "random.bin").write_bytes(os.urandom(4096))
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    sentence = "郑州市与开封市深化郑开同城化合作,共同建设郑开科创走廊。\n"
    n = 8 * 1024 * 1024 // len(sentence.encode("utf-8")) + 1
    (d / "huge.txt").write_text(sentence * n, encoding="utf-8")
    assert seed
    return d


@pytest.fixture(scope="module")
def bad_build(bad_folder: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("badout") / "out"
    res = run_kg("build", str(bad_folder), "--out", str(out))
    return res, out


def test_bad_files_are_named_with_a_reason_and_no_traceback(bad_build, bad_folder) -> None:
    res, _ = bad_build
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    skipped = [ln for ln in res.stderr.splitlines() if ln.startswith("skipped ")]
    named = sorted(Path(ln.split(" ", 1)[1].split(":", 1)[0]).name for ln in skipped)
    assert named == ["empty.txt", "image.txt", "random.bin"]
    for ln in skipped:
        assert len(ln.split(": ", 1)[1]) > 5  # a real reason follows the file name


def test_good_files_are_all_in_the_graph(bad_build) -> None:
    res, out = bad_build
    assert "documents: 5 read, 3 skipped" in res.stderr
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    for name in ("郑州市", "成都都市圈", "牡丹江市", "芜湖市"):  # seed, gbk, bom, html
        assert f'"{name}"@zh' in ttl, name
    for leak in ("trackingCode", "font-family", "UA-12345", "政务公开", "版权所有"):
        assert leak not in ttl, leak


def test_outputs_are_complete_and_no_temporary_files_remain(bad_build) -> None:
    _, out = bad_build
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    # the one hidden entry is the extraction cache (kg.cache), itself free of temporary files
    assert not [
        p.name
        for p in out.iterdir()
        if (p.name.startswith(".") and p.name != ".cache") or p.suffix == ".tmp"
    ]
    assert not [p.name for p in (out / ".cache").rglob("*") if p.name.startswith(".")]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "documents skipped: 3" in report


def test_clean_sample_build_exits_zero(tmp_path: Path) -> None:
    res = run_kg("build", str(DOCS), "--out", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    assert "skipped" not in res.stderr.split("documents:")[0]
    # the last line names the page to open
    assert res.stderr.rstrip().splitlines()[-1] == (
        f"open {tmp_path / 'out' / 'graph.html'} in a browser to explore the graph"
    )


def test_two_builds_from_different_folders_are_byte_identical(tmp_path: Path) -> None:
    outs = []
    for name in ("first", "second/nested"):
        src = tmp_path / name / "docs"
        shutil.copytree(DOCS, src)
        out = tmp_path / name / "out"
        res = run_kg("build", "docs", "--out", "out", cwd=src.parent)
        assert res.returncode == 0, res.stderr
        outs.append(out)
    files = [output_files(out) for out in outs]
    assert sorted(files[0]) == sorted(files[1])
    assert "store (quads)" in files[0]
    for f, a in files[0].items():
        assert a == files[1][f], f"{f} differs between the two builds"
        assert str(tmp_path).encode() not in a, f"{f} holds an absolute path"


def test_extract_prints_one_contract_object_per_document() -> None:
    docs = sorted(DOCS.glob("*.txt"))
    res = run_kg("extract", "--format", "json", *map(str, docs))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == len(docs)
    for line, doc in zip(lines, docs, strict=True):
        obj = json.loads(line)
        assert obj["document"] == str(doc)
        assert isinstance(obj["metadata"], dict)
        ids = {e["id"] for e in obj["entities"]}
        assert obj["entities"], doc.name
        text = doc.read_text(encoding="utf-8")
        located = {r["subject"] for r in obj["relations"] if r["predicate"] == "locatedIn"}
        for e in obj["entities"]:
            assert set(e) >= {"id", "name", "type", "aliases", "mentions"}
            if e["type"] == "Place" and "code" in e:
                assert re.fullmatch(r"[0-9]{6}", e["code"]) and e["id"] == f"Place/{e['code']}"
            elif e["type"] == "Place":  # abroad (a country, or a place the text puts in
                # one) or a township (the division table stops at counties)
                township = e["name"].endswith(("镇", "乡", "街道", "苏木"))
                assert e["name"] in ABROAD or e["id"] in located or township, e
            for s, t in e["mentions"]:
                assert 0 <= s < t <= len(text)
        for r in obj["relations"]:
            assert r["subject"] in ids and r["object"] in ids, r
            assert r["source"] in ("text", "gazetteer")
            if r["source"] == "text":
                s, t = r["span"]
                assert text[s:t] == r["evidence"]

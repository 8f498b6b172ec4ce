"""Robust reading: no text dropped from deeply nested HTML, sizes checked before reading,
the encodings an adversarial run found doubtful, clear size messages, safe exports
(issue 18, 'robust reading' and 'safe exports')."""

from __future__ import annotations

import csv
import io
import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.export.netformats import neutralise
from kg.io import read_document
from tests.conftest import DOCS, ROOT, run_kg

SEED = DOCS / "000_ab73ab1b96b1d70f.txt"

# ---------------------------------------------------------------------------- HTML


def test_four_hundred_unclosed_font_tags_keep_every_paragraph(tmp_path: Path) -> None:
    body = "".join(f"<p><font color=red>郑州市与开封市签署第{i}号合作协议。" for i in range(400))
    path = tmp_path / "cms.html"
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    doc = read_document(path)
    assert doc.text.count("合作协议") == 400
    assert "第399号合作协议" in doc.text


@pytest.mark.parametrize("depth", [300, 3000])
def test_text_after_deeply_nested_divs_is_kept(tmp_path: Path, depth: int) -> None:
    markup = (
        "<html><body>"
        + "<div>" * depth
        + "<p>深处：开封市</p>"
        + "</div>" * depth
        + "<p>浅处：郑州市与洛阳市签署合作协议。</p></body></html>"
    )
    path = tmp_path / "deep.html"
    path.write_text(markup, encoding="utf-8")
    assert read_document(path).text.split("\n") == [
        "深处：开封市",
        "浅处：郑州市与洛阳市签署合作协议。",
    ]


# ---------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, codec: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "utf16.txt"
    path.write_bytes(text.encode(codec))  # no BOM
    doc = read_document(path)
    assert doc.text == text and doc.encoding == codec


def test_utf16_without_bom_and_without_ascii_is_read(tmp_path: Path) -> None:
    text = "郑州市与开封市签署合作协议推进同城化发展" * 20  # no NUL byte in the file at all
    path = tmp_path / "u.txt"
    path.write_bytes(text.encode("utf-16-le"))
    assert read_document(path).text == text


@pytest.mark.parametrize("text", ["經濟", "鄭州", "臺北市", "開封", "協議書"])
def test_a_short_big5_file_is_read_as_big5(tmp_path: Path, text: str) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode("big5"))
    doc = read_document(path)
    assert (doc.text, doc.encoding) == (text, "big5")


@pytest.mark.parametrize("text", ["经济", "郑州市", "开封", "协议书"])
def test_a_short_gb_file_is_still_read_as_gb18030(tmp_path: Path, text: str) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode("gb18030"))
    assert read_document(path).text == text


def test_five_stray_bytes_in_utf8_are_replaced_and_their_offsets_reported(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    spots = []  # three places where a character starts
    for at in (1000, 2500, 4000):
        while data[at] & 0xC0 == 0x80:  # a continuation byte: move on
            at += 1
        spots.append(at)
    # five stray bytes: two, one and two, put in between characters
    damaged = data[: spots[0]] + b"\xff\xfe" + data[spots[0] : spots[1]]
    damaged += b"\x80" + data[spots[1] : spots[2]] + b"\xc0\xaf" + data[spots[2] :]
    expected = [spots[0], spots[0] + 1, spots[1] + 2, spots[2] + 3, spots[2] + 4]
    path = tmp_path / "docs" / "damaged.txt"
    path.parent.mkdir()
    path.write_bytes(damaged)
    doc = read_document(path)
    assert doc.text.count("\ufffd") == 5
    assert doc.text.replace("\ufffd", "") == SEED.read_text(encoding="utf-8")
    note = "invalid UTF-8 bytes replaced by U+FFFD at byte offsets " + ", ".join(map(str, expected))
    # the whole build: read (exit 0), the offsets in stderr, build.json and report.md
    out = tmp_path / "out"
    res = run_kg("build", str(path.parent), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert f"warning docs/damaged.txt: {note}" in res.stderr.splitlines()
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert info["warnings"] == [{"path": "docs/damaged.txt", "warning": note}]
    assert f"| docs/damaged.txt | {note} |" in (out / "report.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- sizes


def test_a_size_just_over_the_limit_says_so_in_bytes(tmp_path: Path) -> None:
    path = tmp_path / "edge.txt"
    with path.open("wb") as f:  # sparse: nothing is written, and nothing may be read
        f.truncate(50_000_001)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert err.value.reason == "file too large (50,000,001 bytes > 50,000,000 bytes)"


def _peak_rss_of_a_build(folder: Path, out: Path) -> tuple[subprocess.CompletedProcess, int]:
    """Run kg build in a process of its own and measure the peak memory of the build."""
    script = (
        "import resource, subprocess, sys\n"
        "res = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stderr.write(res.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(res.returncode)\n"
    )
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            sys.executable,
            "-m",
            "kg.cli",
            "build",
            str(folder),
            "--out",
            str(out),
            "-j",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return res, int(res.stdout.strip().splitlines()[-1]) * 1024


def test_huge_files_are_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "seed.txt").write_bytes(SEED.read_bytes())
    for name in ("movie.mp4", "huge.txt", "page.html"):
        with (docs / name).open("wb") as f:
            f.truncate(3_000_000_000)  # 3 GB, sparse
    res, peak = _peak_rss_of_a_build(docs, tmp_path / "out")
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr and "MemoryError" not in res.stderr
    lines = res.stderr.splitlines()
    assert f"skipped {docs / 'movie.mp4'}: unsupported file type .mp4; supported: " in " ".join(
        lines
    )
    assert f"skipped {docs / 'huge.txt'}: file too large (3000 MB > 50 MB)" in lines
    assert f"skipped {docs / 'page.html'}: file too large (3000 MB > 50 MB)" in lines
    assert peak < 1_000_000_000, f"the build held {peak / 1e9:.1f} GB"


def _docx_with(document_xml_size: int) -> bytes:
    """A Word file whose body part is ``document_xml_size`` bytes once unzipped (spaces)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"/>',
        )
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b" " * (1 << 20)
            left = document_xml_size
            while left > 0:
                f.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    return buf.getvalue()


def test_a_docx_zip_bomb_is_refused_on_its_unzipped_size(tmp_path: Path) -> None:
    data = _docx_with(300_000_000)  # 300 MB of spaces, about 0.3 MB zipped
    assert len(data) < 1_000_000
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bomb.docx").write_bytes(data)
    (docs / "seed.txt").write_bytes(SEED.read_bytes())
    res, peak = _peak_rss_of_a_build(docs, tmp_path / "out")
    assert res.returncode == 1, res.stderr
    line = f"skipped {docs / 'bomb.docx'}: too large once unzipped (300 MB > 50 MB)"
    assert line in res.stderr.splitlines()
    assert peak < 1_000_000_000, f"the build held {peak / 1e9:.1f} GB"


def test_a_docx_declaring_a_huge_part_is_refused_without_unzipping_it(tmp_path: Path) -> None:
    data = bytearray(_docx_with(1000))
    # the central directory's uncompressed size of word/document.xml: 3 GB
    at = data.find(b"PK\x01\x02", data.find(b"word/document.xml") + 1)
    while data[at + 46 : at + 46 + 17] != b"word/document.xml":
        at = data.find(b"PK\x01\x02", at + 1)
    struct.pack_into("<I", data, at + 24, 3_000_000_000)
    path = tmp_path / "declared.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as err:
        read_document(path)
    assert err.value.reason == "too large once unzipped (3000 MB > 50 MB)"


# ---------------------------------------------------------------------------- exports


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+SUM(A1:A2)", "'+SUM(A1:A2)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-113.5", "-113.5"),
        ("郑州市", "郑州市"),
        ("a=b", "a=b"),
    ],
)
def test_csv_cells_a_spreadsheet_would_evaluate_get_an_apostrophe(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown


def test_csv_exports_carry_no_live_formula(tmp_path: Path) -> None:
    # a file given by name is shown by its file name: the document column of its edges
    doc = tmp_path / "=HYPERLINK(1).txt"
    doc.write_text(
        "-郑州市与开封市签署了《郑开同城化合作协议》。\n@洛阳市与三门峡市签署合作协议。\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = run_kg("build", str(doc), "--out", str(out))
    assert res.returncode == 0, res.stderr
    cells = []
    for name in ("nodes.csv", "edges.csv"):
        rows = list(csv.reader(io.StringIO((out / name).read_text(encoding="utf-8-sig"))))
        cells += [c for row in rows[1:] for c in row]
    assert "'=HYPERLINK(1).txt" in cells
    for c in cells:
        assert not c.startswith(("=", "+", "@", "\t", "\r")), c
        assert not c.startswith("-") or c.lstrip("-").replace(".", "", 1).isdigit(), c


def test_names_printed_on_the_terminal_are_escaped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "seed.txt").write_bytes(SEED.read_bytes())
    (docs / "red\x1b[31mALERT\x07.bin").write_bytes(b"\x00\x01")
    res = run_kg("build", str(docs), "--out", str(tmp_path / "out"))
    assert res.returncode == 1, res.stderr
    assert "\x1b" not in res.stderr and "\x07" not in res.stderr
    assert "red\\x1b[31mALERT\\x07.bin: unsupported file type .bin" in res.stderr

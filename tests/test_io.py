"""Reading documents: encodings, HTML, docx, bad input, discovery."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from opencc import OpenCC

from kg.errors import InputError
from kg.io import discover, read_document
from kg.text.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "data" / "docs"
SAMPLES = sorted(DOCS.glob("*.txt"))


def _encodable(text: str, encoding: str) -> str:
    """``text`` without the characters ``encoding`` cannot hold."""
    return "".join(ch for ch in text if ch.encode(encoding, errors="ignore"))


# ------------------------------------------------------------------ the corpus


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_reads_as_utf8(path: Path) -> None:
    doc = read_document(path)
    assert doc.text == path.read_text(encoding="utf-8")
    assert doc.encoding == "utf-8"
    assert doc.path == str(path)
    assert doc.name == path.name
    assert doc.norm == normalize(doc.text)


def test_name_is_the_display_name_given() -> None:
    doc = read_document(str(SAMPLES[0]), name="docs/x.txt")
    assert doc.name == "docs/x.txt" and doc.display_name == "docs/x.txt"


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize("sample", ["000_ab73ab1b96b1d70f.txt", "205.txt", "215.txt"])
@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("gb2312", "gb18030"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-be-bom", "utf-16"),
        ("utf-8", "utf-8"),
    ],
)
def test_chinese_encodings_read_back(
    tmp_path: Path, sample: str, codec: str, expected: str
) -> None:
    text = (DOCS / sample).read_text(encoding="utf-8")
    if codec == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        # gb2312 maps U+2014 and U+2015 onto one code; keep what round-trips in gb18030.
        text = _encodable(text, codec)
        if codec == "gb2312":
            text = text.replace("—", "").replace("―", "").replace("·", "")
        data = text.encode(codec)
    path = tmp_path / f"{codec}.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.text == text
    assert doc.encoding == expected


@pytest.mark.parametrize("sample", ["022.txt", "215.txt", "219.txt"])
def test_big5_copy_of_a_sample_reads_back(tmp_path: Path, sample: str) -> None:
    simplified = (DOCS / sample).read_text(encoding="utf-8")
    traditional = OpenCC("s2t").convert(simplified)
    assert traditional.encode("big5", errors="strict")  # every character fits
    path = tmp_path / "big5.txt"
    path.write_bytes(traditional.encode("big5"))
    doc = read_document(path)
    assert doc.encoding == "big5"
    assert doc.text == traditional
    assert len(doc.norm) == len(doc.text)
    # norm is the simplified original, except where s2t chose a phrase form whose
    # character is also a simplified one (答覆): such characters stay as they are.
    assert all(n in (s, t) for n, s, t in zip(doc.norm, simplified, traditional, strict=True))
    assert sum(n != s for n, s in zip(doc.norm, simplified, strict=True)) < len(simplified) // 50


def test_crlf_text_keeps_its_line_ends_and_norm_keeps_length(tmp_path: Path) -> None:
    text = SAMPLES[1].read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.encode("gb18030"))
    doc = read_document(path)
    assert doc.text == text
    assert "\r" not in doc.norm and len(doc.norm) == len(doc.text)


def test_suffixless_and_markdown_files_are_text(tmp_path: Path) -> None:
    (tmp_path / "README").write_text("郑州市与开封市", encoding="utf-8")
    (tmp_path / "a.md").write_text("# 郑州", encoding="utf-8")
    (tmp_path / "b.TXT").write_bytes("开封".encode("gbk"))
    assert read_document(tmp_path / "README").text == "郑州市与开封市"
    assert read_document(tmp_path / "a.md").text == "# 郑州"
    assert read_document(tmp_path / "b.TXT").text == "开封"


def test_eight_megabytes_of_one_sentence_are_read(tmp_path: Path) -> None:
    sentence = "郑州市与开封市签署了《郑开同城化合作协议》。"
    path = tmp_path / "big.txt"
    path.write_bytes((sentence * (8_000_000 // len(sentence.encode()) + 1)).encode("utf-8"))
    assert path.stat().st_size > 8_000_000
    doc = read_document(path)
    assert doc.text.startswith(sentence) and len(doc.norm) == len(doc.text)


def test_eight_megabytes_in_gbk_are_read(tmp_path: Path) -> None:
    sentence = "郑州都市圈与开封市共同推进中原城市群一体化发展。\n"
    path = tmp_path / "big-gbk.txt"
    path.write_bytes((sentence * 200_000).encode("gbk"))
    doc = read_document(path)
    assert doc.encoding == "gb18030" and doc.text.startswith(sentence)
    assert len(doc.text) == len(sentence) * 200_000


# ------------------------------------------------------------------ HTML

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>网页标题</title>
<style>body {{ color: red; }} .nav {{ display: block }}</style>
<script>var tracker = "window.alert";</script>
</head>
<body>
<header><div class="logo">郑州市人民政府</div><ul><li>首页</li><li>政务公开</li></ul></header>
<nav><a href="/">首页</a> | <a href="/news">新闻中心</a></nav>
<div class="content">
<table><tr><td>索引号:</td><td>005252100/2024-00211</td></tr>
<tr><td>发布机构:</td><td>郑州市发展和改革委员会</td></tr></table>
<h1>关于在郑州都市圈建设中推进中原城市群一体化的提案的答复</h1>
<p>民建郑州市委员会:</p>
<p>你们提出的提案收悉，
经过认真调查研究，<b>现答复</b>如下：
<p>郑州市与开封市签署<span>了</span>合作协议<br>双方将深化合作。
<div>未闭合的段落<span>内容
<!-- 注释不应出现 -->
<noscript>请启用脚本</noscript>
<form><select><option>选项一</option></select><input value="输入"></form>
<iframe src="x">框架文字</iframe>
<p>2024年9月21日</p>
</div>
<footer>版权所有 郑州市人民政府 <script>document.write("footer js")</script></footer>
</body></html>
"""


def test_html_page_gives_visible_paragraphs_only(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format().encode("gbk"))
    doc = read_document(path)
    lines = doc.text.split("\n")
    assert doc.encoding == "gb18030"
    assert lines == [
        "索引号: 005252100/2024-00211",
        "发布机构: 郑州市发展和改革委员会",
        "关于在郑州都市圈建设中推进中原城市群一体化的提案的答复",
        "民建郑州市委员会:",
        "你们提出的提案收悉，经过认真调查研究，现答复如下：",
        "郑州市与开封市签署了合作协议",
        "双方将深化合作。",
        "未闭合的段落内容",
        "2024年9月21日",
    ]
    for hidden in ("color", "tracker", "首页", "新闻中心", "注释", "请启用脚本", "选项", "框架"):
        assert hidden not in doc.text
    assert "版权所有" not in doc.text and "footer js" not in doc.text
    assert doc.metadata["index_number"] == "005252100/2024-00211"
    assert doc.metadata["publisher"] == "郑州市发展和改革委员会"
    assert doc.metadata["addressee"] == "民建郑州市委员会"
    assert doc.metadata["signed_date"] == "2024-09-21"


def test_html_without_charset_is_detected_and_article_header_kept(tmp_path: Path) -> None:
    markup = (
        "<html><body><header>站点导航</header><article><header><h1>闽粤经济合作区</h1>"
        "</header><p>福建、广东两省将规划建设闽粤经济合作区。</p></article></body></html>"
    )
    path = tmp_path / "page.htm"
    path.write_bytes(markup.encode("gb18030"))
    doc = read_document(path)
    assert doc.text == "闽粤经济合作区\n福建、广东两省将规划建设闽粤经济合作区。"
    assert doc.metadata["title"] == "闽粤经济合作区"


def test_html_declaring_gb2312_but_sent_as_utf8(tmp_path: Path) -> None:
    markup = '<?xml version="1.0" encoding="gb2312"?><html><head><meta charset="gb2312"></head>'
    markup += "<body><p>郑州市</p></body></html>"
    path = tmp_path / "page.html"
    path.write_bytes(markup.encode("utf-8"))
    doc = read_document(path)
    assert doc.text == "郑州市" and doc.encoding == "utf-8"


def test_broken_html_still_parses(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text("<p>第一段<p>第二段</div></span><td>单元格<<>>", encoding="utf-8")
    doc = read_document(path)
    assert doc.text.split("\n")[:2] == ["第一段", "第二段"]
    assert "单元格" in doc.text


def test_html_with_no_visible_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><script>x()</script></head><body></body></html>", "utf-8")
    with pytest.raises(InputError) as err:
        read_document(path)
    assert err.value.reason == "no visible text in the page"


# ------------------------------------------------------------------ docx


def test_docx_paragraphs_and_table_cells(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("关于市政协十五届二次会议第20240289号提案的回复")
    document.add_paragraph("")
    document.add_paragraph("民建郑州市委员会:")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "索引号:"
    table.cell(0, 1).text = "005252100/2024-00211"
    table.cell(1, 0).merge(table.cell(1, 1))
    table.cell(1, 0).text = "郑州市与开封市"
    document.add_paragraph("2024年9月21日")
    path = tmp_path / "reply.docx"
    document.save(str(path))
    doc = read_document(path)
    assert doc.text.split("\n") == [
        "关于市政协十五届二次会议第20240289号提案的回复",
        "民建郑州市委员会:",
        "索引号:",
        "005252100/2024-00211",
        "郑州市与开封市",
        "2024年9月21日",
    ]
    assert doc.encoding == "docx"
    assert doc.metadata["title"] == "关于市政协十五届二次会议第20240289号提案的回复"
    assert doc.metadata["proposal_number"] == "20240289"


# ------------------------------------------------------------------ bad input


def _zip_without_word(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a word document")


BAD_INPUTS = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\t\n", "empty file"),
    ("nul.txt", "郑州".encode() + b"\x00\x01\x02" + b"text" * 10, "binary file, not text"),
    ("png.txt", b"\x89PNG\r\n\x1a\n" + b"IHDR" * 20, "binary file, not text"),
    ("zip.txt", b"PK\x03\x04" + b"x" * 40, "binary file, not text"),
    ("pdf.txt", b"%PDF-1.7\n" + "郑州".encode() * 10, "binary file, not text"),
    ("controls.txt", b"\x01\x02\x03\x04\x05\x06" * 40 + "郑州".encode(), "binary file, not text"),
    ("utf16-binary.txt", b"\xff\xfe" + b"\x01\x00\x02\x00" * 50, "binary file, not text"),
    ("undecodable.txt", b"\xff\x80\xfe\x80abc\x80\x80\xff" * 20, "cannot detect the text encoding"),
    ("empty.html", b"", "empty file"),
    ("notzip.docx", "这不是 Word 文件".encode(), "not a valid .docx file"),
    ("empty.docx", b"", "empty file"),
    ("data.xyz", b"hello", "unsupported file type .xyz; supported: .txt, .html, .htm, .docx"),
    (
        "old.doc",
        b"\xd0\xcf\x11\xe0",
        "unsupported file type .doc; supported: .txt, .html, .htm, .docx",
    ),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_raises_input_error_with_reason(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert err.value.reason == reason
    assert err.value.path == str(path)
    assert str(err.value) == f"{path}: {reason}"


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    _zip_without_word(path)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert err.value.reason == "not a valid .docx file"


def test_too_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes("郑州".encode() * 1_000_000)  # 6 MB
    with pytest.raises(InputError) as err:
        read_document(path, max_bytes=2_500_000)
    assert err.value.reason == "file too large (6 MB > 2.5 MB)"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_document(tmp_path / "nope.txt")
    assert err.value.reason == "no such file"
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(InputError) as err:
        read_document(tmp_path / "dir.txt")
    assert err.value.reason == "is a folder, not a file"


def test_reading_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    read_document(SAMPLES[0])
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00")
    with pytest.raises(InputError):
        read_document(tmp_path / "bad.txt")
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


# ------------------------------------------------------------------ discover


def _tree(root: Path) -> Path:
    docs = root / "data" / "docs"
    for rel in ("b.txt", "a.html", "sub/c.docx", "sub/a.txt", "z/y.md", "README"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text("x", encoding="utf-8")
    (docs / ".hidden.txt").write_text("x", encoding="utf-8")
    (docs / ".git").mkdir()
    (docs / ".git" / "x.txt").write_text("x", encoding="utf-8")
    (docs / "notes.json").write_text("{}", encoding="utf-8")
    (docs / "sub" / "image.png").write_bytes(b"\x89PNG")
    return docs


EXPECTED_NAMES = [
    "docs/README",
    "docs/a.html",
    "docs/b.txt",
    "docs/notes.json",  # listed, so that reading it reports the unsupported type
    "docs/sub/a.txt",
    "docs/sub/c.docx",
    "docs/sub/image.png",
    "docs/z/y.md",
]


def test_discover_folder_order_and_display_names(tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    items = discover([str(docs)])
    assert [name for _, name in items] == EXPECTED_NAMES
    assert [path for path, _ in items] == [
        os.path.join(str(docs), *n.split("/")[1:]) for n in EXPECTED_NAMES
    ]


def test_discover_names_do_not_depend_on_where_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _tree(tmp_path)
    runs = []
    for cwd, arg in [
        (tmp_path, "data/docs"),
        (tmp_path / "data", "docs"),
        (docs, "."),
        (docs / "sub", ".."),
        (tmp_path, str(docs)),
    ]:
        monkeypatch.chdir(cwd)
        items = discover([arg])
        runs.append([name for _, name in items])
        for path, _ in items:
            assert os.path.isfile(path) and (path.startswith(arg) or arg == ".")
    assert all(run == EXPECTED_NAMES for run in runs)


def test_discover_files_keep_their_path_and_show_their_name(tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    b = str(docs / "b.txt")
    c = str(docs / "sub" / "c.docx")
    items = discover([c, b, str(docs / "notes.json"), b])
    assert items == [(c, "c.docx"), (b, "b.txt"), (str(docs / "notes.json"), "notes.json")]


def test_discover_mixed_arguments_keep_argument_order(tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    items = discover([str(docs / "z"), str(docs / "b.txt")])
    assert [name for _, name in items] == ["z/y.md", "b.txt"]


def test_discover_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        discover([str(tmp_path / "nope")])
    assert err.value.reason == "no such file or folder"


def test_discover_the_sample_corpus() -> None:
    items = discover([str(DOCS)])
    assert [name for _, name in items] == [f"docs/{p.name}" for p in SAMPLES]
    assert all(not os.path.isabs(name) for _, name in items)


@pytest.mark.parametrize(
    "module",
    [
        "kg.io.encoding",
        "kg.io.html_text",
        "kg.io.readers",
        "kg.io.discover",
        "kg.io.metadata",
        "kg.io.dates",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0

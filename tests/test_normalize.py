"""Normalisation keeps the length and maps traditional, full-width and odd spaces."""

from __future__ import annotations

import csv
import random
import re
import time
from pathlib import Path

import pytest
from opencc import OpenCC

from kg.text.normalize import OffsetMap, normalize

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "data" / "docs").glob("*.txt"))


def _traditional_only() -> frozenset[str]:
    """Characters only traditional script writes, by OpenCC's own character tables: a
    ``t2s`` key that is neither among its own simplified forms nor an ``s2t`` key."""
    import opencc

    folder = Path(opencc.__file__).resolve().parent / "dictionary"
    t2s, s2t = {}, set()
    with open(folder / "TSCharacters.txt", encoding="utf-8") as f:
        for line in f:
            key, _, values = line.rstrip("\n").partition("\t")
            t2s[key] = values.split()
    with open(folder / "STCharacters.txt", encoding="utf-8") as f:
        s2t = {line.partition("\t")[0] for line in f}
    return frozenset(k for k, v in t2s.items() if len(k) == 1 and k not in v and k not in s2t)


TRADITIONAL_ONLY = _traditional_only()
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _traditional_share(text: str) -> float:
    """The share of the Chinese characters of ``text`` that only traditional script writes."""
    han = _HAN.findall(text)
    return sum(c in TRADITIONAL_ONLY for c in han) / len(han) if han else 0.0


#: The corpus by script, learnt from each text: simplified documents write no
#: traditional-only character at all; traditional ones write a good share of them.
SHARES = {p: _traditional_share(p.read_text(encoding="utf-8")) for p in DOCS}
SIMPLIFIED = [p for p in DOCS if SHARES[p] == 0]
TRADITIONAL = [p for p in DOCS if SHARES[p] >= 0.2]


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("鄭州市與開封市簽署協議", "郑州市与开封市签署协议"),
        ("國務院關於廣州南沙新區發展規劃的批復", "国务院关于广州南沙新区发展规划的批复"),
        ("長江沿岸中心城市經濟協調會", "长江沿岸中心城市经济协调会"),
        ("閩粵經濟合作區", "闽粤经济合作区"),
        ("蘭州、烏魯木齊與廣東省簽訂戰略合作協議。", "兰州、乌鲁木齐与广东省签订战略合作协议。"),
        # OpenCC phrases of unchanged length override character by character conversion.
        ("陝西省乾縣", "陕西省乾县"),
        ("關於建議的答覆", "关于建议的答复"),
        # 乾 and 於 are simplified characters too: converted only inside phrases.
        ("乾燥的天氣", "干燥的天气"),
        ("乾安縣位於吉林省", "乾安县位于吉林省"),
        ("乾坤", "乾坤"),
    ],
)
def test_traditional_sentences_become_simplified(traditional: str, simplified: str) -> None:
    assert normalize(traditional) == simplified


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("（郑州）：２０２４年，", "(郑州):2024年,"),
        ("\uff01\uff5e", "!~"),
        ("第\u3000一", "第 一"),
        ("郑州\u00a0市", "郑州 市"),
        ("行一\r\n行二\r", "行一\n\n行二\n"),
        ("plain ascii\r\n", "plain ascii\n\n"),
    ],
)
def test_width_spaces_and_line_ends(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_every_corpus_document_is_in_one_script() -> None:
    """The script of each document is clear from its text (no document mixes them)."""
    assert SIMPLIFIED and TRADITIONAL
    assert len(SIMPLIFIED) + len(TRADITIONAL) == len(DOCS)


@pytest.mark.parametrize("path", SIMPLIFIED, ids=lambda p: p.name)
def test_simplified_corpus_text_is_left_alone(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert normalize(text) == text


@pytest.mark.parametrize("path", TRADITIONAL, ids=lambda p: p.name)
def test_traditional_corpus_text_becomes_simplified(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    norm = normalize(text)
    assert len(norm) == len(text)
    assert _traditional_share(norm) == 0
    assert normalize(norm) == norm


def test_division_names_are_kept() -> None:
    """Every division name of the national table, and its traditional form, normalises
    to the name itself (乾县 is not 干县)."""
    s2t = OpenCC("s2t")
    with open(ROOT / "data" / "gazetteer" / "adcodes.csv", encoding="utf-8", newline="") as f:
        names = sorted({row["name"] for row in csv.DictReader(f)})
    assert "乾县" in names and len(names) > 3000
    assert [n for n in names if normalize(n) != n] == []
    assert [n for n in names if normalize(s2t.convert(n)) != n] == []


def test_normalising_twice_keeps_a_simplified_character() -> None:
    """Regression: normalising twice turned the county 乾縣 into 干县."""
    once = normalize("陝西省咸陽市乾縣")
    assert once == "陕西省咸阳市乾县"
    assert normalize(once) == once


@pytest.mark.parametrize("path", SIMPLIFIED, ids=lambda p: p.name)
def test_traditional_copy_keeps_length_and_comes_back_mostly(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    traditional = OpenCC("s2t").convert(text)
    norm = normalize(traditional)
    assert len(norm) == len(traditional)
    # Per-character conversion cannot undo every phrase-level choice of s2t (答覆 has
    # a character that is also simplified): where the result differs from the
    # original, the character was left as it was, never converted to a wrong one.
    if len(traditional) == len(text):
        for ours, original, trad in zip(norm, text, traditional, strict=True):
            assert ours in (original, trad)


def test_length_is_kept_for_any_characters() -> None:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x20, 0x3000)] + [chr(c) for c in range(0x4E00, 0xA000)]
    alphabet += [chr(c) for c in range(0xFF00, 0xFFF0)] + ["\U00020000", "\U0002a6d6", "\r"]
    for _ in range(50):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        assert len(normalize(s)) == len(s)


def test_normalising_is_idempotent_on_the_corpus() -> None:
    text = "".join(OpenCC("s2t").convert(p.read_text(encoding="utf-8")) for p in DOCS)
    once = normalize(text)
    assert normalize(once) == once


def test_normalising_is_idempotent_on_every_opencc_entry() -> None:
    """Every key and candidate of OpenCC's dictionaries, in either direction, is a fixed
    point once normalised (a character map that maps into itself, phrases that convert
    to what the map leaves alone)."""
    import opencc

    folder = Path(opencc.__file__).resolve().parent / "dictionary"
    words: set[str] = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt", "STCharacters.txt", "STPhrases.txt"):
        with open(folder / name, encoding="utf-8") as f:
            for line in f:
                key, _, values = line.rstrip("\n").partition("\t")
                words.add(key)
                words.update(values.split())
    assert len(words) > 50_000
    changed = [w for w in sorted(words) if normalize(normalize(w)) != normalize(w)]
    assert changed == []


def test_ten_megabytes_take_seconds_not_minutes() -> None:
    sample = "".join(p.read_text(encoding="utf-8") for p in DOCS)
    sample += OpenCC("s2t").convert(sample)
    big = (sample * (10_000_000 // len(sample) + 1))[:10_000_000]
    normalize("warm up the table 鄭")
    start = time.perf_counter()
    out = normalize(big)
    elapsed = time.perf_counter() - start
    assert len(out) == len(big)
    assert elapsed < 10, f"normalising 10 MB took {elapsed:.1f} s"


# ------------------------------------------------------------------ OffsetMap


def test_offset_map_of_deletions_and_expansions() -> None:
    text = "郑州　市，開封"
    new, m = OffsetMap.apply(text, [(2, 3, ""), (4, 5, ", ")])
    assert new == "郑州市, 開封"
    assert m.length == len(new) and m.original_length == len(text)
    assert text[slice(*m.span_to_original(0, 3))] == "郑州　市"
    assert text[slice(*m.span_to_original(5, 7))] == "開封"
    # A span inside an expansion maps to the whole replaced range.
    assert m.span_to_original(3, 4) == (4, 5)


def test_offset_map_keeps_unchanged_characters_in_place() -> None:
    rng = random.Random(3)
    for _ in range(200):
        text = "".join(rng.choice("郑州开封abc ,") for _ in range(rng.randint(0, 40)))
        edits = []
        pos = 0
        while pos < len(text):
            start = pos + rng.randint(0, 5)
            end = min(len(text), start + rng.randint(0, 3))
            if start > len(text):
                break
            edits.append((start, end, "#" * rng.randint(0, 3)))
            pos = end + 1
        new, m = OffsetMap.apply(text, edits)
        assert m.length == len(new)
        edited_new = set()
        for (start, end, _rep), seg in zip(edits, m._segments, strict=True):
            assert (seg[2], seg[3]) == (start, end)
            edited_new.update(range(seg[0], seg[1]))
        for i, ch in enumerate(new):
            if i not in edited_new:
                assert text[m.to_original(i)] == ch
        assert m.to_original(len(new)) == len(text)
        for i in range(len(new)):
            for j in range(i + 1, len(new) + 1):
                start, end = m.span_to_original(i, j)
                assert 0 <= start <= end <= len(text)


def test_offset_map_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        OffsetMap(3, [(2, 1, 0)])
    with pytest.raises(ValueError):
        OffsetMap.apply("abc", [(1, 2, "x"), (0, 1, "y")])
    with pytest.raises(ValueError):
        OffsetMap.identity(3).to_original(4)


def test_docstring_examples_run() -> None:
    import doctest

    import kg.text.normalize

    result = doctest.testmod(kg.text.normalize)
    assert result.attempted > 0 and result.failed == 0

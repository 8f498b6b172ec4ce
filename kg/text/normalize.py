"""Normalise text for matching, keeping every offset in place.

:func:`normalize` maps each character to at most one character, so the result has
exactly the length of its input and an offset into one is an offset into the other:

- traditional Chinese characters become simplified ones (OpenCC ``t2s``), but only
  where OpenCC maps one character to one character, and never a character that is
  itself simplified: one that OpenCC lists among its own simplified forms (乾 -> 干 or
  乾, 於 -> 于 or 於) or that is a key of its simplified-to-traditional table. Such a
  character is converted only inside a phrase that OpenCC lists with it: a ``t2s``
  phrase entry, or an ``s2t`` phrase entry read backwards (乾燥 <- 干燥). Simplified
  text is therefore left as it is (乾县, 乾安县 stay), and normalising twice gives
  what normalising once gives;
- full-width ASCII forms (U+FF01..U+FF5E) become ASCII, U+3000 (ideographic space)
  and U+00A0 (no-break space) become a space;
- ``\\r`` becomes ``\\n``, so ``\\r\\n`` becomes ``\\n\\n`` (same length).

>>> normalize("鄭州市與開封市簽署協議")
'郑州市与开封市签署协议'
>>> normalize("ＡＢＣ１２３，（郑州）\\u3000好\\r\\n")
'ABC123,(郑州) 好\\n\\n'

Transformations that change the length (deleting or expanding characters) carry an
:class:`OffsetMap` that takes offsets in the result back to the input.
"""

from __future__ import annotations

import json
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable
from pathlib import Path

from kg import derived_cache

__all__ = ["OffsetMap", "fold_width", "normalize"]

#: Characters below this code point are looked up in a flat list (fast ``str.translate``);
#: it covers the Basic Multilingual Plane and CJK extension B, where OpenCC's table lives.
_TABLE_SIZE = 0x30000


def _base_map() -> dict[int, int]:
    """The fixed, non-OpenCC part of the character map."""
    table = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII forms
    table[0x3000] = 0x20  # ideographic space
    table[0x00A0] = 0x20  # no-break space
    table[0x0D] = 0x0A  # carriage return
    return table


_WIDTH = _base_map()


def fold_width(text: str) -> str:
    """Only the width and space part of :func:`normalize`: full-width ASCII forms become
    ASCII and odd spaces a space; the script is kept as written.

    >>> fold_width("（乾縣）：２０２４\u3000年")
    '(乾縣):2024 年'
    """
    return text.translate(_WIDTH)


def _opencc_entries(config: str) -> dict[str, list[str]]:
    """Every entry of the dictionaries of one OpenCC configuration (``t2s``, ``s2t``):
    key -> its candidates, the preferred one first.

    The dictionary files are named in OpenCC's own ``<config>.json``; a character that
    is a key in none of the ``t2s`` files is left alone by OpenCC.
    """
    import opencc

    root = Path(opencc.__file__).resolve().parent
    conf = json.loads((root / "config" / f"{config}.json").read_text(encoding="utf-8"))
    files: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "txt" and isinstance(node.get("file"), str):
                files.append(node["file"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(conf.get("conversion_chain"))
    entries: dict[str, list[str]] = {}
    for name in files:
        with open(root / "dictionary" / name, encoding="utf-8") as f:
            for line in f:
                key, _, values = line.rstrip("\n").partition("\t")
                key = key.strip()
                if key:
                    entries.setdefault(key, values.split())
    return entries


class _Tables:
    """The character map and the phrase fixes, built once on first use (a tenth of a
    second; kept between runs by :mod:`kg.derived_cache`).

    ``flat[cp]`` is the code point that ``cp`` becomes. Phrases are OpenCC phrase
    entries whose conversion keeps their length but differs from converting their
    characters one by one (乾燥 -> 干燥, 答覆 -> 答复); ``triggers`` finds
    the characters where the two differ, and ``by_trigger`` lists, for each such
    character, ``(offset in the phrase, phrase, conversion)``, longest phrase first.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built = False
        self.flat: list[int] = []
        self.triggers: re.Pattern[str] | None = None
        self.by_trigger: dict[str, list[tuple[int, str, str]]] = {}

    def ready(self) -> _Tables:
        if not self._built:
            with self._lock:
                if not self._built:
                    self._build()
                    self._built = True
        return self

    def _build(self) -> None:
        try:
            key, folder = _tables_key(), derived_cache.default_folder()
        except OSError:  # OpenCC's files cannot be listed: derive without keeping
            key, folder = "", None
        flat, by_trigger = derived_cache.load(
            "normalize-t2s", key, _derive_tables, folder=folder, valid=_valid_tables
        )
        self.flat = flat
        self.by_trigger = by_trigger
        if by_trigger:
            self.triggers = re.compile("[" + "".join(map(re.escape, sorted(by_trigger))) + "]")


#: Part of the key of the kept tables (bump it to derive them afresh).
_TABLES_FORMAT = "policy-kg normalize-t2s 2"

_Derived = tuple[list[int], dict[str, list[tuple[int, str, str]]]]


def _tables_key() -> str:
    """What the tables are derived from: OpenCC's code, configuration and dictionaries,
    and this module's source (see :mod:`kg.derived_cache`)."""
    import opencc

    root = Path(opencc.__file__).resolve().parent
    files = sorted(p for sub in ("config", "dictionary") for p in (root / sub).iterdir())
    files += sorted(root.glob("*.py"))
    return "\n".join(
        [
            _TABLES_FORMAT,
            f"size {_TABLE_SIZE}",
            derived_cache.file_key(p for p in files if p.is_file()),
            derived_cache.source_digest(__file__),
        ]
    )


def _valid_tables(tables: object) -> bool:
    return (
        type(tables) is tuple
        and len(tables) == 2
        and type(tables[0]) is list
        and len(tables[0]) == _TABLE_SIZE
        and type(tables[1]) is dict
    )


def _derive_tables() -> _Derived:
    """The character map and the phrase fixes by trigger (see :class:`_Tables`), from OpenCC."""
    from opencc import OpenCC

    converter = OpenCC("t2s")
    t2s = _opencc_entries("t2s")
    s2t = _opencc_entries("s2t")
    # A character that simplified text uses as it is: OpenCC offers it as one of its
    # own simplified forms, or converts it to traditional (it is a simplified key).
    simplified = {k for k, v in t2s.items() if len(k) == 1 and k in v}
    simplified |= {k for k in s2t if len(k) == 1}
    flat = list(range(_TABLE_SIZE))
    for ch in sorted(k for k in t2s if len(k) == 1):
        if ch in simplified or ord(ch) >= _TABLE_SIZE:
            continue
        converted = converter.convert(ch)
        # Keep only one-to-one conversions: the length must never change.
        if len(converted) == 1 and converted != ch:
            flat[ord(ch)] = ord(converted)
    # A character is mapped only to one that stays as it is (normalising is idempotent).
    for cp in range(_TABLE_SIZE):
        target = flat[cp]
        if target != cp and target < _TABLE_SIZE and flat[target] != target:
            flat[cp] = cp
    for src, dst in _base_map().items():
        flat[src] = dst
    phrases: dict[str, str] = {}
    for phrase in sorted(k for k in t2s if len(k) > 1):
        phrases[phrase] = converter.convert(phrase)
    # s2t phrases read backwards decide the characters left out of the map above (乾燥
    # <- 干燥); a traditional phrase two simplified ones give is left undecided.
    backwards: dict[str, set[str]] = {}
    for simple, candidates in s2t.items():
        if len(simple) > 1:
            for trad in candidates:
                if len(trad) == len(simple) and any(c in simplified for c in trad):
                    backwards.setdefault(trad, set()).add(simple)
    for trad, simples in sorted(backwards.items()):
        if len(simples) != 1 or trad in phrases:
            continue
        (simple,) = simples
        per_char = trad.translate(flat)
        if all(a == b or t in simplified for a, b, t in zip(per_char, simple, trad, strict=True)):
            phrases[trad] = simple
    by_trigger: dict[str, list[tuple[int, str, str]]] = {}
    for phrase, converted in sorted(phrases.items()):
        per_char = phrase.translate(flat)
        if len(converted) != len(phrase) or converted == per_char:
            continue
        if converted.translate(flat) != converted:
            continue  # a conversion that normalising would change again
        for i, (a, b) in enumerate(zip(per_char, converted, strict=True)):
            if a != b:
                by_trigger.setdefault(phrase[i], []).append((i, phrase, converted))
    for entries in by_trigger.values():
        entries.sort(key=lambda e: (-len(e[1]), e[1], e[0]))
    return flat, by_trigger


_TABLES = _Tables()


def _phrase_fixes(text: str, tables: _Tables) -> list[tuple[int, str]]:
    """``(start, conversion)`` of the phrases in ``text`` that per-character conversion gets wrong."""
    fixes: list[tuple[int, str]] = []
    if tables.triggers is None:
        return fixes
    done = 0
    for m in tables.triggers.finditer(text):
        i = m.start()
        if i < done:
            continue
        for offset, phrase, converted in tables.by_trigger[m.group()]:
            start = i - offset
            if start >= done and text.startswith(phrase, start):
                fixes.append((start, converted))
                done = start + len(phrase)
                break
    return fixes


def normalize(text: str) -> str:
    """Return ``text`` normalised for matching, with exactly the same length.

    >>> s = "鄭州市與開封市簽署協議"
    >>> n = normalize(s)
    >>> n, len(n) == len(s)
    ('郑州市与开封市签署协议', True)
    >>> normalize("郑州市 ２０２４年")
    '郑州市 2024年'
    >>> normalize("乾縣的答覆")
    '乾县的答复'
    """
    if text.isascii():
        return text.replace("\r", "\n")
    tables = _TABLES.ready()
    # str.translate with a list never raises KeyError for characters in range, which
    # makes it several times faster than a dict; characters beyond it stay as they are.
    out = text.translate(tables.flat)
    fixes = _phrase_fixes(text, tables)
    if not fixes:
        return out
    pieces: list[str] = []
    last = 0
    for start, converted in fixes:
        pieces.append(out[last:start])
        pieces.append(converted)
        last = start + len(converted)
    pieces.append(out[last:])
    return "".join(pieces)


class OffsetMap:
    """Maps offsets in a transformed text back to offsets in the original text.

    The map is built from edits: non-overlapping ``(start, end, replacement)``
    triples on the original text, sorted by ``start``. Offsets outside every edit
    shift by the length change of the edits before them; an offset inside a
    replacement maps to the start of the replaced range (or, with ``end=True``, to
    its end), so a span never grows past what was replaced.

    >>> text = "郑州　市，開封"
    >>> new, m = OffsetMap.apply(text, [(2, 3, ""), (4, 5, ", ")])
    >>> new
    '郑州市, 開封'
    >>> m.to_original(3), m.to_original(5)
    (4, 5)
    >>> m.span_to_original(0, 3)
    (0, 4)
    >>> text[slice(*m.span_to_original(5, 7))]
    '開封'
    >>> OffsetMap.identity(4).to_original(2)
    2
    """

    __slots__ = ("_new_starts", "_segments", "original_length", "length")

    def __init__(self, original_length: int, edits: Iterable[tuple[int, int, int]] = ()) -> None:
        """``edits`` are ``(start, end, new_length)`` on the original text, sorted."""
        self.original_length = original_length
        # Each segment: (new_start, new_end, orig_start, orig_end) of one edit.
        segments: list[tuple[int, int, int, int]] = []
        shift = 0
        last = 0
        for start, end, new_len in edits:
            if start < last or end < start or end > original_length or new_len < 0:
                raise ValueError(f"bad edit ({start}, {end}, {new_len})")
            new_start = start + shift
            segments.append((new_start, new_start + new_len, start, end))
            shift += new_len - (end - start)
            last = end
        self._segments = segments
        self._new_starts = [s[0] for s in segments]
        self.length = original_length + shift

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """The map of a transformation that changed nothing."""
        return cls(length)

    @classmethod
    def apply(cls, text: str, edits: Iterable[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
        """Apply ``(start, end, replacement)`` edits to ``text``; return the result and its map.

        >>> OffsetMap.apply("abc", [(1, 2, "XY")])[0]
        'aXYc'
        """
        pieces: list[str] = []
        triples: list[tuple[int, int, int]] = []
        pos = 0
        for start, end, replacement in edits:
            if start < pos:
                raise ValueError("edits must be sorted and must not overlap")
            pieces.append(text[pos:start])
            pieces.append(replacement)
            triples.append((start, end, len(replacement)))
            pos = end
        pieces.append(text[pos:])
        return "".join(pieces), cls(len(text), triples)

    def to_original(self, offset: int, *, end: bool = False) -> int:
        """The original offset of ``offset`` in the transformed text.

        >>> m = OffsetMap(5, [(1, 3, 0)])  # two characters deleted at 1..3
        >>> [m.to_original(i) for i in range(4)]
        [0, 3, 4, 5]
        """
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} outside 0..{self.length}")
        i = bisect_right(self._new_starts, offset) - 1
        if i < 0:
            return offset
        new_start, new_end, orig_start, orig_end = self._segments[i]
        if offset > new_end or (offset == new_end and (offset > new_start or not end)):
            return orig_end + (offset - new_end)  # after the edit
        if end and offset > new_start:
            return orig_end  # a span ending inside a replacement covers all of it
        return orig_start

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original half-open span of ``[start, end)`` in the transformed text."""
        return self.to_original(start), self.to_original(end, end=True)

"""Decide whether bytes are text, and in which encoding.

The order of tests:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) settles the encoding;
2. UTF-16 without a mark: bytes that are not UTF-8 (or hold NUL bytes) and decode,
   little- or big-endian, to text made of the characters Chinese documents use;
3. signatures of common binary formats (PNG, ZIP, PDF, ...), NUL bytes or a high
   share of control characters mean the file is not text;
4. strict UTF-8 (most files are UTF-8, and random bytes are almost never valid UTF-8);
5. UTF-8 with a few invalid bytes (at most :data:`MAX_REPLACED_SHARE` of the
   non-ASCII characters): read with each invalid byte replaced by U+FFFD, the
   encoding saying where (see :func:`replaced_positions`);
6. otherwise the Chinese legacy encodings (GB18030 and its subsets GBK/GB2312,
   Big5 and its extensions): charset-normalizer chooses, but for short texts
   (under :data:`SHORT_TEXT` bytes, too little for it), which are decided by how
   common their characters are in each encoding (see :func:`commonness`); GBK
   and GB2312 are decoded as GB18030, their superset, so a rare character
   outside GBK does not fail.

Every failure is an :class:`~kg.errors.InputError` with a short reason.

>>> decode_bytes("郑州市".encode("gb18030"), "x.txt")
('郑州市', 'gb18030')
>>> decode_bytes(b"\\xef\\xbb\\xbfok", "x.txt")
('ok', 'utf-8-sig')
"""

from __future__ import annotations

import codecs
import re

from kg.errors import InputError

#: Reasons given to users (tests assert them exactly).
EMPTY = "empty file"
BINARY = "binary file, not text"
UNDECODABLE = "cannot detect the text encoding"

#: Leading bytes of binary formats that are never text.
BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"PK\x03\x04",  # zip, docx, xlsx, jar
    b"PK\x05\x06",  # empty zip
    b"%PDF-",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE: .doc, .xls
    b"\x7fELF",
    b"\x1f\x8b",  # gzip
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
)

#: Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Encodings charset-normalizer may choose from once UTF-8 has failed.
CHINESE_ENCODINGS: tuple[str, ...] = ("gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs")

#: Detected encodings decoded with a superset instead.
SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "hz": "gb18030"}

#: Control bytes that plain text does contain: tab, line feed, vertical tab, form
#: feed, carriage return, escape (terminal colours) and SUB (an old end-of-file mark).
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b\x1a")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"
#: More than this share of control bytes in the sample means binary.
CONTROL_SHARE = 0.05
#: Share of common characters a fallback decoding needs (see :func:`plausible`).
PLAUSIBLE_SHARE = 0.95
#: How many leading bytes the binary test looks at.
SAMPLE_SIZE = 65536
#: Texts shorter than this (in bytes) are decided between GB18030 and Big5 by
#: :func:`commonness`: charset-normalizer needs more text to judge.
SHORT_TEXT = 256
#: A file that is not valid UTF-8 is still read as UTF-8 when its invalid bytes are
#: at most this share of its non-ASCII characters (and it has
#: :data:`MIN_UTF8_CHARS` of them): a few damaged bytes, not another encoding.
MAX_REPLACED_SHARE = 0.02
MIN_UTF8_CHARS = 20
#: Share of :func:`commonness` a reading as UTF-16 without a byte-order mark needs
#: (every sample document, simplified or traditional, has more than 0.96).
COMMON_SHARE = 0.9
#: How many positions of replaced bytes the encoding names at most.
MAX_POSITIONS_SHOWN = 10


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` names, if any.

    >>> bom_encoding(b"\\xff\\xfeA\\x00"), bom_encoding(b"plain")
    ('utf-16', None)
    """
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None


def looks_binary(data: bytes) -> bool:
    """True when ``data`` (without a byte-order mark) is not text.

    >>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n...."), looks_binary("郑州".encode())
    (True, False)
    """
    if data.startswith(BINARY_SIGNATURES):
        return True
    sample = data[:SAMPLE_SIZE]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > CONTROL_SHARE * len(sample)


def canonical_name(encoding: str) -> str:
    """Python's canonical name of an encoding (``GBK`` -> ``gbk``, ``utf_8`` -> ``utf-8``)."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


def plausible(text: str) -> bool:
    """True when nearly all of ``text`` is characters Chinese documents are made of.

    Used to accept a strict decoding that charset-normalizer had no opinion on
    (very short texts): random bytes decoded as GB18030 give rare symbols.

    >>> plausible("郑州市, 2024年。"), plausible("\u0e01\u0e02\u0e03\u0e04abc")
    (True, False)
    """
    if not text:
        return False
    common = sum(1 for ch in text if _common(ord(ch)))
    return common >= PLAUSIBLE_SHARE * len(text)


def _common(cp: int) -> bool:
    return (
        0x20 <= cp < 0x7F
        or cp in (0x09, 0x0A, 0x0D)
        or 0x4E00 <= cp <= 0x9FFF  # CJK unified ideographs
        or 0x3000 <= cp <= 0x303F  # CJK punctuation
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms
        or 0x2000 <= cp <= 0x206F  # general punctuation (quotes, dashes)
        or cp in (0xB7, 0xD7, 0xA0)
    )


def _hanzi(cp: int) -> bool:
    return 0x4E00 <= cp <= 0x9FFF


def _plain(cp: int) -> bool:
    return (
        0x20 <= cp < 0x7F
        or cp in (0x09, 0x0A, 0x0D)
        or 0x3000 <= cp <= 0x303F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x2000 <= cp <= 0x206F
    )


def _common_in(ch: str, encoding: str) -> bool:
    """Whether the Chinese character ``ch`` is among the common characters of ``encoding``:
    level 1 of GB 2312 (the 3,755 most used simplified characters, rows B0-D7) for
    GB18030, the 5,401 frequent characters of Big5 (A440-C67E) for Big5."""
    try:
        b = ch.encode("gb2312" if encoding == "gb18030" else "big5")
    except UnicodeEncodeError:
        return False
    if len(b) != 2:
        return False
    if encoding == "gb18030":
        return 0xB0 <= b[0] <= 0xD7
    return 0xA4 <= b[0] <= 0xC6 and not (b[0] == 0xC6 and b[1] > 0x7E)


def commonness(text: str, encoding: str) -> float:
    """The share of ``text`` that is plain (ASCII, CJK punctuation, full-width forms) or a
    common Chinese character of ``encoding`` (``gb18030`` or ``big5``).

    The bytes of a short Big5 text decoded as GB18030 (or the reverse) give rare
    characters, the right decoding common ones:

    >>> data = "經濟".encode("big5")
    >>> commonness(data.decode("big5"), "big5"), commonness(data.decode("gb18030"), "gb18030")
    (1.0, 0.5)
    """
    if not text:
        return 0.0
    good = sum(
        1 for ch in text if _plain(ord(ch)) or (_hanzi(ord(ch)) and _common_in(ch, encoding))
    )
    return good / len(text)


def _short_chinese(data: bytes) -> str | None:
    """GB18030 or Big5 for a short text: the decoding with the more common characters
    (GB18030 on a tie), if it looks like Chinese text at all."""
    best: tuple[float, str] | None = None
    for name in ("gb18030", "big5"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if not plausible(text):
            continue
        score = commonness(text, name)
        if best is None or score > best[0]:
            best = (score, name)
    return None if best is None else best[1]


def detect_chinese(data: bytes) -> str | None:
    """The most likely Chinese legacy encoding of ``data`` (strictly decodable), or None.

    A text under :data:`SHORT_TEXT` bytes is decided by :func:`commonness`.
    Longer ones: charset-normalizer ranks the candidates by how messy their decodings look; on a
    tie the GB family wins over Big5 (GB bytes are also valid Big5 surprisingly
    often in short texts). When it finds nothing (texts of a few characters), a
    strict decoding that looks like Chinese text is accepted.
    """
    if len(data) < SHORT_TEXT:
        short = _short_chinese(data)
        if short is not None:
            return short
    from charset_normalizer import from_bytes

    matches = from_bytes(
        data,
        cp_isolation=list(CHINESE_ENCODINGS),
        preemptive_behaviour=False,
        explain=False,
    )
    ranked: list[tuple[float, float, int, str]] = []
    for match in matches:
        name = canonical_name(match.encoding)
        name = SUPERSETS.get(name, name)
        preference = CHINESE_ENCODINGS.index(name) if name in CHINESE_ENCODINGS else 99
        ranked.append((round(match.chaos, 2), -round(match.coherence, 2), preference, name))
    for *_, name in sorted(ranked):
        try:
            data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        return name
    for name in ("gb18030", "big5"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if plausible(text):
            return name
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data``, which has no byte-order mark, is
    UTF-16 text: of even length, not UTF-8 (or holding NUL bytes, as UTF-16 of ASCII
    does), and decoding to characters Chinese documents use in one byte order only;
    without NUL bytes (no ASCII character at all), only when no GB18030 or Big5
    reading of the bytes looks like text.

    >>> text = "郑州市与开封市签署合作协议。"
    >>> utf16_without_bom(text.encode("utf-16-le")), utf16_without_bom(text.encode("utf-16-be"))
    ('utf-16-le', 'utf-16-be')
    >>> utf16_without_bom(text.encode("utf-8")) is None
    True
    """
    if len(data) < 2 or len(data) % 2:
        return None
    nul = b"\x00" in data[:SAMPLE_SIZE]
    if not nul:
        try:
            data.decode("utf-8")
            return None  # valid UTF-8 (ASCII pairs would read as Chinese characters)
        except UnicodeDecodeError:
            pass
        for name in ("gb18030", "big5"):  # a short legacy text can read as UTF-16 too
            try:
                if plausible(data.decode(name)):
                    return None
            except UnicodeDecodeError:
                continue
    found = []
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if plausible(text) and _common_text(text):
            found.append(name)
    return found[0] if len(found) == 1 else None


def _common_text(text: str) -> bool:
    """Whether ``text`` is made of common characters (of either script) nearly throughout:
    bytes of another kind read as UTF-16 give rare characters."""
    return max(commonness(text, "gb18030"), commonness(text, "big5")) >= COMMON_SHARE


_INVALID = re.compile("[\udc80-\udcff]")
_REPLACED = " (invalid bytes replaced at "


def utf8_with_replacements(data: bytes) -> tuple[str, list[int]] | None:
    """The text of ``data`` read as UTF-8 with each invalid byte replaced by U+FFFD, and
    the byte offsets of the replaced bytes, when they are few (see
    :data:`MAX_REPLACED_SHARE`); None when ``data`` is not mostly UTF-8.

    >>> data = ("郑州市与开封市签署合作协议。" * 4).encode()
    >>> text, positions = utf8_with_replacements(data[:30] + b"\\xff" + data[30:])
    >>> positions, text[9:12]
    ([30], '合\ufffd作')
    """
    escaped = data.decode("utf-8", "surrogateescape")
    bad = [m.start() for m in _INVALID.finditer(escaped)]
    if not bad:
        return None
    wide = sum(1 for ch in escaped if ord(ch) >= 0x80) - len(bad)
    if wide < MIN_UTF8_CHARS or len(bad) > MAX_REPLACED_SHARE * wide:
        return None
    positions = []
    at, done = 0, 0  # byte offset of character ``done``
    for i in bad:
        at += len(escaped[done:i].encode("utf-8", "surrogateescape"))
        positions.append(at)
        done = i
    return _INVALID.sub("\ufffd", escaped), positions


def replaced_encoding(positions: list[int]) -> str:
    """The encoding named for a UTF-8 text whose bytes at ``positions`` were replaced.

    >>> replaced_encoding([3, 40])
    'utf-8 (invalid bytes replaced at 3, 40)'
    """
    shown = ", ".join(str(p) for p in positions[:MAX_POSITIONS_SHOWN])
    more = (
        f" and {len(positions) - MAX_POSITIONS_SHOWN} more"
        if len(positions) > MAX_POSITIONS_SHOWN
        else ""
    )
    return f"utf-8{_REPLACED}{shown}{more})"


def replaced_positions(encoding: str) -> str | None:
    """What a reader should be told of a text read with replaced bytes (see
    :func:`replaced_encoding`), or None for a text read as it is.

    >>> replaced_positions("utf-8 (invalid bytes replaced at 3, 40)")
    'invalid UTF-8 bytes replaced by U+FFFD at byte offsets 3, 40'
    >>> replaced_positions("gb18030") is None
    True
    """
    if _REPLACED not in encoding:
        return None
    where = encoding.split(_REPLACED, 1)[1].rstrip(")")
    return f"invalid UTF-8 bytes replaced by U+FFFD at byte offsets {where}"


def decode_bytes(data: bytes, path: str, *, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` read from ``path``; return ``(text, encoding)``.

    ``declared`` is an encoding the file states about itself (an HTML meta charset);
    it is tried after a byte-order mark and strict UTF-8, before detection, and
    ignored when the bytes do not decode with it.

    >>> decode_bytes("鄭州".encode("big5") * 20, "x.txt")[1]
    'big5'
    """
    if not data:
        raise InputError(path, EMPTY)
    bom = bom_encoding(data)
    if bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError:
            raise InputError(path, UNDECODABLE) from None
        # The codec strips the mark; control characters left in UTF-16/32 mean binary.
        if bom in ("utf-16", "utf-32") and looks_binary(text.encode("utf-8", "surrogatepass")):
            raise InputError(path, BINARY)
        return text, bom
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16), utf16
    if looks_binary(data):
        raise InputError(path, BINARY)
    # Valid UTF-8 is taken as UTF-8 even against a declaration: legacy bytes are
    # almost never valid UTF-8, while pages often declare gb2312 and serve UTF-8.
    candidates = ["utf-8"]
    if declared:
        name = canonical_name(declared)
        candidates.append(SUPERSETS.get(name, name))
    for name in candidates:
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    damaged = utf8_with_replacements(data)
    if damaged is not None:
        text, positions = damaged
        return text, replaced_encoding(positions)
    detected = detect_chinese(data)
    if detected is None:
        raise InputError(path, UNDECODABLE)
    return data.decode(detected), detected

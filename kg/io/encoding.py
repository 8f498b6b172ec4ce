"""Decide whether bytes are text, and in which encoding.

The order of tests:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) settles the encoding;
2. signatures of common binary formats (PNG, ZIP, PDF, ...), NUL bytes or a high
   share of control characters mean the file is not text;
3. strict UTF-8 (most files are UTF-8, and random bytes are almost never valid UTF-8);
4. otherwise charset-normalizer chooses among the Chinese encodings (GB18030 and its
   subsets GBK/GB2312, Big5 and its extensions); GBK and GB2312 are decoded as
   GB18030, their superset, so a rare character outside GBK does not fail.

Every failure is an :class:`~kg.errors.InputError` with a short reason.

>>> decode_bytes("郑州市".encode("gb18030"), "x.txt")
('郑州市', 'gb18030')
>>> decode_bytes(b"\\xef\\xbb\\xbfok", "x.txt")
('ok', 'utf-8-sig')
"""

from __future__ import annotations

import codecs

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


def detect_chinese(data: bytes) -> str | None:
    """The most likely Chinese legacy encoding of ``data`` (strictly decodable), or None.

    charset-normalizer ranks the candidates by how messy their decodings look; on a
    tie the GB family wins over Big5 (GB bytes are also valid Big5 surprisingly
    often in short texts). When it finds nothing (texts of a few characters), a
    strict decoding that looks like Chinese text is accepted.
    """
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
    detected = detect_chinese(data)
    if detected is None:
        raise InputError(path, UNDECODABLE)
    return data.decode(detected), detected

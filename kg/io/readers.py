"""Read one file into a :class:`~kg.types.Document`, choosing the reader by suffix.

Every way a file can be unreadable ends in :class:`~kg.errors.InputError` with a
short reason; no other exception escapes :func:`read_document`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from kg.errors import InputError
from kg.io.docx_text import NOT_DOCX, NotDocxError, UnzippedTooLarge, docx_to_text
from kg.io.encoding import EMPTY, decode_bytes
from kg.io.html_text import declared_charset, html_to_text
from kg.io.metadata import parse_metadata
from kg.text.normalize import normalize
from kg.types import Document

#: Suffixes read as plain text ("" is a file without a suffix).
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
HTML_SUFFIXES = frozenset({".html", ".htm"})
DOCX_SUFFIXES = frozenset({".docx"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES

#: The default size limit of one input file.
MAX_BYTES = 50_000_000

NO_VISIBLE_TEXT = "no visible text in the page"
NO_TEXT = "no text in the document"


def unsupported_reason(suffix: str) -> str:
    """The reason given for a file whose suffix no reader handles."""
    return f"unsupported file type {suffix}; supported: .txt, .html, .htm, .docx"


def too_large_reason(size: int, limit: int, what: str = "file too large") -> str:
    """The reason given for a file over the size limit, in megabytes (10^6 bytes), or in
    bytes where megabytes would show two equal numbers.

    >>> too_large_reason(60_500_000, 50_000_000)
    'file too large (60.5 MB > 50 MB)'
    >>> too_large_reason(50_000_001, 50_000_000)
    'file too large (50,000,001 bytes > 50,000,000 bytes)'
    """
    size_mb, limit_mb = _mb(size), _mb(limit)
    if size_mb == limit_mb:
        return f"{what} ({size:,} bytes > {limit:,} bytes)"
    return f"{what} ({size_mb} MB > {limit_mb} MB)"


def _mb(n: int) -> str:
    value = round(n / 1_000_000, 1)
    return f"{value:g}" if value >= 0.1 or n == 0 else f"{n / 1_000_000:.2g}"


#: What a file that is not a regular file is, by its ``stat`` mode.
_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def not_regular_reason(mode: int) -> str | None:
    """The reason given for a path that is neither a regular file nor a folder, or None.

    >>> not_regular_reason(stat.S_IFIFO | 0o644)
    'not a regular file (a named pipe)'
    """
    for test, kind in _KINDS:
        if test(mode):
            return f"not a regular file ({kind})"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "not a regular file"
    return None


def check_file(path: str, max_bytes: int) -> os.stat_result:
    """The ``stat`` of the file at ``path``, once it is known to be a regular file within
    the size limit; :class:`~kg.errors.InputError` otherwise (nothing is opened)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        broken = os.path.islink(path)
        raise InputError(path, "broken symbolic link" if broken else "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read the file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, "is a folder, not a file")
    reason = not_regular_reason(st.st_mode)
    if reason is not None:
        raise InputError(path, reason)
    if st.st_size > max_bytes:
        raise InputError(path, too_large_reason(st.st_size, max_bytes))
    return st


def suffix_of(path: str | Path) -> str:
    """The lower-case suffix of ``path`` (``""`` when it has none)."""
    return Path(path).suffix.lower()


def _read_bytes(path: str, max_bytes: int) -> bytes:
    check_file(path, max_bytes)
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read the file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # grew since stat, or a special file
        raise InputError(path, too_large_reason(len(data), max_bytes))
    if not data:
        raise InputError(path, EMPTY)
    return data


def _text(path: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    text, encoding = decode_bytes(data, path)
    if not text.strip():
        raise InputError(path, EMPTY)
    return text, encoding


def _html(path: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    markup, encoding = decode_bytes(data, path, declared=declared_charset(data))
    if not markup.strip():
        raise InputError(path, EMPTY)
    text = html_to_text(markup)
    if not text:
        raise InputError(path, NO_VISIBLE_TEXT)
    return text, encoding


def _docx(path: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    try:
        text = docx_to_text(data, max_bytes=max_bytes)
    except NotDocxError:
        raise InputError(path, NOT_DOCX) from None
    except UnzippedTooLarge as exc:
        reason = too_large_reason(exc.size, max_bytes, "too large once unzipped")
        raise InputError(path, reason) from None
    if not text.strip():
        raise InputError(path, NO_TEXT)
    return text, "docx"


_READERS: dict[str, Callable[[str, bytes, int], tuple[str, str]]] = {
    **{s: _text for s in TEXT_SUFFIXES},
    **{s: _html for s in HTML_SUFFIXES},
    **{s: _docx for s in DOCX_SUFFIXES},
}


def read_document(
    path: str | Path, *, name: str | None = None, max_bytes: int = MAX_BYTES
) -> Document:
    """Read the file at ``path`` into a :class:`~kg.types.Document`.

    ``name`` is the display name used in outputs (default: the file name);
    ``max_bytes`` the size limit. ``.txt``, ``.text``, ``.md`` and files without a
    suffix are text in any common Chinese encoding; ``.html``/``.htm`` give their
    visible text; ``.docx`` its paragraphs and table cells (the limit applies to its
    parts once unzipped too). Raises :class:`~kg.errors.InputError` for anything
    unreadable: checked before a byte is read, a file that is not a regular one
    (a named pipe, a device) or over the limit is never opened.
    """
    path_str = str(path)
    suffix = suffix_of(path_str)
    reader = _READERS.get(suffix)
    if reader is None:
        raise InputError(path_str, unsupported_reason(suffix))
    data = _read_bytes(path_str, max_bytes)
    text, encoding = reader(path_str, data, max_bytes)
    norm = normalize(text)
    return Document(
        path=path_str,
        text=text,
        norm=norm,
        metadata=parse_metadata(text, norm=norm),
        encoding=encoding,
        name=name if name is not None else Path(path_str).name,
    )

"""The text of a Word ``.docx`` file: paragraphs and table cells, one per line.

Body paragraphs and tables are read in document order; a table gives one line per
cell, row by row (a merged cell once), and nested tables are read inside their
cell. Empty paragraphs are left out.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: The reason given for a file that is not a Word document.
NOT_DOCX = "not a valid .docx file"


class NotDocxError(ValueError):
    """The file is not a readable ``.docx`` package."""


class UnzippedTooLarge(ValueError):
    """The parts of a ``.docx`` package hold more than the size limit once unzipped."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes once unzipped")
        self.size = size


def unzipped_size(stream: str | io.BytesIO, limit: int) -> int:
    """The size of every member of the zip ``stream`` once unzipped, checked against
    ``limit`` before anything is kept in memory: first the sizes the archive declares,
    then the bytes each member really gives, read in pieces and counted (a zip bomb
    stops at the limit, never at its full size). Raises :class:`UnzippedTooLarge`
    over the limit, :class:`NotDocxError` for a damaged archive.
    """
    try:
        with zipfile.ZipFile(stream) as z:
            members = z.infolist()
            declared = sum(m.file_size for m in members)
            if declared > limit:
                raise UnzippedTooLarge(declared)
            total = 0
            for m in members:
                with z.open(m) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        if total > limit:
                            raise UnzippedTooLarge(total)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        EOFError,
    ) as exc:
        raise NotDocxError(NOT_DOCX) from exc
    except UnzippedTooLarge:
        raise
    except (RuntimeError, ValueError) as exc:  # encrypted members, bad headers
        raise NotDocxError(NOT_DOCX) from exc
    return total


def docx_to_text(source: str | Path | bytes, *, max_bytes: int | None = None) -> str:
    """The text of a ``.docx`` file (its path or its bytes).

    Raises :class:`NotDocxError` when it is not a Word document and, with
    ``max_bytes``, :class:`UnzippedTooLarge` when its parts hold more once
    unzipped (checked before the document is parsed).
    """
    stream: str | io.BytesIO = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    if not zipfile.is_zipfile(stream):
        raise NotDocxError(NOT_DOCX)
    if max_bytes is not None:
        unzipped_size(stream, max_bytes)
        if isinstance(stream, io.BytesIO):
            stream.seek(0)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(stream)
        lines = [line for line in _block_lines(document) if line]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise NotDocxError(NOT_DOCX) from exc
    except Exception as exc:  # lxml and python-docx raise many kinds on broken parts
        raise NotDocxError(NOT_DOCX) from exc
    return "\n".join(lines)


def _block_lines(parent: Any) -> Iterator[str]:
    """Lines of the paragraphs and tables directly inside ``parent``, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in parent.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text.strip()
        elif isinstance(block, Table):
            yield from _table_lines(block)


def _table_lines(table: Any) -> Iterator[str]:
    seen: list[Any] = []  # the cells' XML elements (kept alive, compared by identity)
    for row in table.rows:
        for cell in row.cells:
            element = cell._tc
            if any(element is other for other in seen):  # merged: once per column spanned
                continue
            seen.append(element)
            yield from _block_lines(cell)

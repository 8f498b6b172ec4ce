"""Write output files atomically: to a temporary file in the same folder, then rename.

An interrupted build never leaves a half-written output behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(
    path: str | Path,
    mode: str = "w",
    encoding: str | None = "utf-8",
    *,
    durable: bool = True,
    mode_bits: int = 0o644,
) -> Iterator[IO]:
    """Open ``path`` for writing through a temporary sibling that replaces it on success.

    ``durable=False`` skips the ``fsync`` before the rename: still never a
    half-written file for readers, but after a power failure the file may be
    empty. For caches that detect and rebuild bad entries, where one ``fsync``
    per small file would cost more than the work saved. ``mode_bits`` are the
    file's permissions (``0o600`` for a cache only its owner may trust).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_open(p) as f:
    ...     _ = f.write("ok")
    >>> p.read_text()
    'ok'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(
            fd, mode, encoding=None if binary else encoding, newline=None if binary else "\n"
        ) as f:
            yield f
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.chmod(tmp, mode_bits)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically."""
    with atomic_open(path, "w") as f:
        f.write(text)


def write_bytes(path: str | Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_open` for ``durable``)."""
    with atomic_open(path, "wb", encoding=None, durable=durable) as f:
        f.write(data)

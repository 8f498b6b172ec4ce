"""Write output files atomically: to a temporary file in the same folder, then rename.

An interrupted build never leaves a half-written output behind. A temporary
file's name holds the id of the process writing it (``.graph.ttl.kg1234.x7q_ab3k.tmp``),
so that :func:`remove_stale_temps` can tell the leftovers of a killed process from
the files of one still writing.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

#: A temporary file of :func:`atomic_open`: ``.<name>.kg<pid>.<random>.tmp``.
_TEMP = re.compile(r"^\..+\.kg(\d+)\.[a-z0-9_]{8}\.tmp$")
#: A temporary file of earlier versions, without a process id: ``.<name>.<random>.tmp``.
_OLD_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
#: Such a file older than this (seconds) is a leftover.
OLD_TEMP_AGE_S = 3600.0


def temp_prefix(name: str) -> str:
    """The start of the name of a temporary file written for ``name`` by this process."""
    return f".{name}.kg{os.getpid()}."


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (one of another user counts as running)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # pragma: no cover - no such call here
        return True
    return True


def remove_stale_temps(folder: str | Path, *, prefix: str = "", legacy: bool = True) -> list[Path]:
    """Delete the temporary files that killed processes left in ``folder`` (only this
    user's: those of a process that no longer runs, and, with ``legacy``, ones of
    earlier versions without a process id older than :data:`OLD_TEMP_AGE_S`), of
    outputs whose names start with ``prefix``; returns them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith("." + prefix) and name.endswith(".tmp")):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_file(follow_symlinks=False) or (uid is not None and st.st_uid != uid):
            continue
        m = _TEMP.match(name)
        if m is not None:
            if process_alive(int(m.group(1))):
                continue
        elif not legacy or not _OLD_TEMP.match(name) or now - st.st_mtime < OLD_TEMP_AGE_S:
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


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
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
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

"""Tables derived from installed data files, kept between runs to shorten start-up.

Some lookup tables take a tenth of a second or more to derive from the files of
an installed package (jieba's dictionary, OpenCC's tables) and are derived again
by every process. :func:`load` keeps such a table as a :mod:`marshal` file in the
temporary folder (as jieba keeps its own cache there) and reads it back in one
read. A kept file is used only when it is whole (a SHA-256 checksum covers the
table) and was made under the same key. The key names everything the table is
derived from: the files' paths, sizes and modification times (:func:`file_key`)
and the source of the code that derives it (:func:`source_digest`), so editing
either derives it afresh. A missing, damaged or foreign file is derived again and
rewritten atomically (one file per table: a new key replaces the old file); a
folder that cannot be written is no error, the table is then derived every time.
The kept file never changes a result, only its cost.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     first = load("example", "key 1", lambda: {"郑州": (1, "ns")}, folder=folder)
...     again = load("example", "key 1", lambda: {}, folder=folder)  # read back, not derived
...     other = load("example", "key 2", lambda: {}, folder=folder)
>>> first == again, other
(True, {})
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from kg.gcpause import paused

__all__ = ["default_folder", "file_key", "kept_path", "load", "read", "source_digest", "write"]

T = TypeVar("T")

#: Bumped when the layout of a kept file changes.
FORMAT = "policy-kg derived table 1"


def default_folder() -> str | None:
    """The temporary folder, or None when there is no usable one."""
    try:
        return tempfile.gettempdir()
    except OSError:
        return None


def file_key(paths: Iterable[str | os.PathLike[str]]) -> str:
    """A key naming each file by absolute path, size and modification time."""
    parts = []
    for p in paths:
        st = os.stat(p)
        parts.append(f"{os.path.abspath(p)}\t{st.st_size}\t{st.st_mtime_ns}")
    return "\n".join(parts)


def source_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes (of the module that derives a table, say)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def kept_path(folder: str | os.PathLike[str], name: str) -> Path:
    """Where the table ``name`` is kept in ``folder`` (one file per table: a table
    derived under a new key replaces the old one)."""
    return Path(folder) / f"policy-kg.{name}.marshal"


def read(path: Path, key: str) -> Any:
    """The table kept in ``path`` under ``key``; None when the file is missing,
    truncated, damaged, was made under another key or belongs to another user."""
    try:
        with path.open("rb") as f:
            if hasattr(os, "getuid") and os.fstat(f.fileno()).st_uid != os.getuid():
                return None  # another user's file in a shared folder: not trusted
            data = f.read()
        fmt, k, digest, payload = marshal.loads(data)
        if fmt != FORMAT or k != key or type(payload) is not bytes:
            return None
        if hashlib.sha256(payload).hexdigest() != digest:
            return None
        with paused():  # the cyclic collector would walk the growing table again and again
            return marshal.loads(payload)
    except Exception:  # unreadable, truncated or not ours: derive the table again
        return None


def write(path: Path, key: str, table: Any) -> bool:
    """Keep ``table`` (built of marshal's types) in ``path`` under ``key``, atomically;
    False when it cannot be written."""
    from kg.export.atomic import atomic_open, remove_stale_temps

    # what processes killed while writing a table left (this project's files only)
    remove_stale_temps(path.parent, prefix="policy-kg.", legacy=False)
    payload = marshal.dumps(table)
    data = marshal.dumps((FORMAT, key, hashlib.sha256(payload).hexdigest(), payload))
    try:
        # only this user may write it (read() trusts no one else's file)
        with atomic_open(path, "wb", encoding=None, durable=False, mode_bits=0o600) as out:
            out.write(data)
    except OSError:
        return False
    return True


def load(
    name: str,
    key: str,
    derive: Callable[[], T],
    *,
    folder: str | os.PathLike[str] | None,
    valid: Callable[[Any], bool] = lambda table: table is not None,
) -> T:
    """The table ``name`` derived under ``key``: the kept one when it is there, whole
    and ``valid``, else ``derive()``, which is then kept in ``folder`` (None: never
    kept, always derived)."""
    path = kept_path(folder, name) if folder is not None else None
    if path is not None:
        table = read(path, key)
        if table is not None and valid(table):
            return table  # type: ignore[no-any-return]
    table = derive()
    if path is not None:
        write(path, key, table)
    return table

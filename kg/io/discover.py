"""Expand the files and folders a user names into the documents to read.

Each document comes with a display name that never depends on where the command
ran: a file given by itself is shown by its file name, a file found in a folder by
its path relative to the folder's parent (``kg build data/docs`` shows
``docs/002.txt``; ``kg build .`` inside ``docs`` shows the same).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from kg.errors import InputError


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _folder_files(folder: str) -> list[str]:
    """Relative POSIX paths of the files under ``folder``, sorted, hidden ones skipped.

    Files of an unsupported type are listed too, so that reading them names each
    one with its reason instead of passing over it in silence.
    """
    found: list[tuple[str, ...]] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        rel_root = os.path.relpath(root, folder)
        parts = () if rel_root == os.curdir else tuple(Path(rel_root).parts)
        for name in files:
            if _hidden(name):
                continue
            if not os.path.isfile(os.path.join(root, name)):
                continue
            found.append((*parts, name))
    return ["/".join(parts) for parts in sorted(found)]


def discover(paths: Sequence[str]) -> list[tuple[str, str]]:
    """``(path, display_name)`` for every document named by ``paths``, in order.

    Files are kept as given. Folders are searched recursively, in sorted order,
    skipping hidden files and folders; a file of an unsupported type is listed
    all the same and reported with its reason when it is read. The path is the
    folder argument joined with the file's relative path. A file named twice is
    listed once. A path that does not exist raises :class:`~kg.errors.InputError`.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "docs"
    >>> (d / "sub").mkdir(parents=True)
    >>> for n in ("b.txt", "a.html", "sub/c.txt", ".hidden.txt", "notes.json"):
    ...     _ = (d / n).write_text("x")
    >>> [name for _, name in discover([str(d)])]
    ['docs/a.html', 'docs/b.txt', 'docs/notes.json', 'docs/sub/c.txt']
    """
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for arg in paths:
        arg = str(arg)
        if os.path.isdir(arg):
            base = Path(arg).resolve().name
            for rel in _folder_files(arg):
                path = os.path.join(arg, *rel.split("/"))
                name = f"{base}/{rel}" if base else rel
                _add(out, seen, path, name)
        elif os.path.exists(arg):
            _add(out, seen, arg, Path(arg).name)
        else:
            raise InputError(arg, "no such file or folder")
    return out


def _add(out: list[tuple[str, str]], seen: set[str], path: str, name: str) -> None:
    key = os.path.realpath(path)
    if key not in seen:
        seen.add(key)
        out.append((path, name))

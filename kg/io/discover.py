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


def _folder_files(folder: str) -> list[tuple[str, bool]]:
    """Relative POSIX paths of the files under ``folder``, sorted, hidden ones skipped,
    each with whether it is a symbolic link (folders that are links are not entered).

    Files of an unsupported type are listed too, so that reading them names each
    one with its reason instead of passing over it in silence.
    """
    found: list[tuple[tuple[str, ...], bool]] = []

    def walk(where: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(where) as it:
                entries = list(it)
        except OSError:  # an unreadable folder: nothing to list (as os.walk)
            return
        for entry in entries:
            if _hidden(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, (*parts, entry.name))
            elif entry.is_file():  # a link to a file counts (not one to a folder)
                found.append(((*parts, entry.name), entry.is_symlink()))

    walk(folder, ())
    found.sort()
    return [("/".join(parts), link) for parts, link in found]


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
            real = os.path.realpath(arg)
            base = Path(real).name
            for rel, link in _folder_files(arg):
                parts = rel.split("/")
                path = os.path.join(arg, *parts)
                name = f"{base}/{rel}" if base else rel
                # inside a folder walked without following links, only a file
                # that is itself a link has another real path
                _add(out, seen, path, name, None if link else os.path.join(real, *parts))
        elif os.path.exists(arg):
            _add(out, seen, arg, Path(arg).name)
        else:
            raise InputError(arg, "no such file or folder")
    return out


def _add(
    out: list[tuple[str, str]], seen: set[str], path: str, name: str, real: str | None = None
) -> None:
    key = real if real is not None else os.path.realpath(path)
    if key not in seen:
        seen.add(key)
        out.append((path, name))

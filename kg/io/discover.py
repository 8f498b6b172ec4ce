"""Expand the files and folders a user names into the documents to read.

Each document comes with a display name that never depends on where the command
ran: a file given by itself is shown by its file name, a file found in a folder by
its path relative to the folder's parent (``kg build data/docs`` shows
``docs/002.txt``; ``kg build .`` inside ``docs`` shows the same).

Every entry of a folder is accounted for: listed to be read, or named with the
reason it is not (:attr:`Listing.skipped`), except hidden ones (``.git``,
``.cache``). Folders are walked without recursion, so no depth is too deep, and
a folder that cannot be listed is named, never passed over. Symbolic links:

- a link to a file or folder inside the input folders: the file is read (once,
  however many links lead to it), the folder's files are read where they are;
- a link leading outside the input folders is not followed (named, with the
  advice ``--follow-links``) unless ``follow_links``; followed folders are
  entered once each, so links that lead back cannot loop;
- a broken link, a link loop, a link to a named pipe, socket or device: named.

A folder given in ``exclude`` (the output folder of the build) or holding a
``build.json`` written by policy-kg is never read as input: its outputs are not
documents. Such a folder inside the input is mentioned in :attr:`Listing.notes`.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

#: Reasons given for entries of a folder that are not read (tests assert them).
LINK_OUTSIDE = "symbolic link leading outside the input folder, not followed (use --follow-links)"
LINK_LOOP = "symbolic link loop"
LINK_BROKEN = "broken symbolic link"

#: The file that marks a folder written by ``kg build`` (see :mod:`kg.export.buildinfo`).
BUILD_FILE = "build.json"
BUILD_FORMAT = "policy-kg build"


@dataclass
class Listing:
    """What :func:`scan` found: the documents to read, as ``(path, display_name)``
    pairs in order; the entries not read, as ``(path, display_name, reason)``; and
    notes on folders left out on purpose (output folders inside the input)."""

    items: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _kind_reason(mode: int) -> str:
    from kg.io.readers import not_regular_reason

    return not_regular_reason(mode) or "not a regular file"


def _error_reason(exc: OSError, what: str) -> str:
    if exc.errno == errno.ELOOP:
        return LINK_LOOP
    return f"cannot read the {what} ({exc.strerror or exc})"


def is_build_folder(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` holds a ``build.json`` written by policy-kg (an output folder).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "build.json").write_text('{"format": "policy-kg build", "version": 1}')
    >>> is_build_folder(d), is_build_folder(d.parent)
    (True, False)
    """
    try:
        with open(os.path.join(folder, BUILD_FILE), "rb") as f:
            head = f.read(65536)
        data = json.loads(head.decode("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == BUILD_FORMAT


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _inside(real: str, roots: Iterable[str]) -> bool:
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


class _Walk:
    """The walk of one folder argument (see :func:`scan`)."""

    def __init__(
        self,
        listing: Listing,
        roots: list[str],
        follow_links: bool,
        excluded: set[tuple[int, int]],
    ) -> None:
        self.listing = listing
        self.roots = roots
        self.follow_links = follow_links
        self.excluded = excluded
        #: (display name parts, path, is a link, real path) of every file found
        self.files: list[tuple[tuple[str, ...], str, bool, str | None]] = []
        self.skips: list[tuple[tuple[str, ...], str, str]] = []

    def skip(self, parts: tuple[str, ...], path: str, reason: str) -> None:
        self.skips.append((parts, path, reason))

    def leave_out(self, parts: tuple[str, ...], path: str) -> bool:
        """Whether the folder at ``path`` is an output folder (and noted as such)."""
        ident = _identity(path)
        name = "/".join(parts)
        if ident is not None and ident in self.excluded:
            self.listing.notes.append(f"{name}: the output folder, not read as input")
            return True
        if is_build_folder(path):
            self.listing.notes.append(
                f"{name}: an output folder of policy-kg (it holds {BUILD_FILE}), not read as input"
            )
            return True
        return False

    def run(self, top: str, base: tuple[str, ...]) -> None:
        entered: set[tuple[int, int]] = set()
        ident = _identity(top)
        if ident is not None:
            entered.add(ident)
        stack: list[tuple[str, tuple[str, ...], bool]] = [(top, base, False)]
        while stack:
            where, parts, via_link = stack.pop()
            try:
                with os.scandir(where) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.skip(parts, where, _error_reason(exc, "folder"))
                continue
            for entry in reversed(entries):  # popped in sorted order (not needed, but tidy)
                if _hidden(entry.name):
                    continue
                self.entry(entry, (*parts, entry.name), via_link, stack, entered)

    def entry(
        self,
        entry: os.DirEntry[str],
        parts: tuple[str, ...],
        via_link: bool,
        stack: list[tuple[str, tuple[str, ...], bool]],
        entered: set[tuple[int, int]],
    ) -> None:
        path = entry.path
        try:
            link = entry.is_symlink()
            own = entry.stat(follow_symlinks=False)
        except OSError as exc:
            self.skip(parts, path, _error_reason(exc, "entry"))
            return
        if not link:
            if stat.S_ISDIR(own.st_mode):
                if not self.leave_out(parts, path):
                    entered.add((own.st_dev, own.st_ino))
                    stack.append((path, parts, via_link))
            elif stat.S_ISREG(own.st_mode):
                self.files.append((parts, path, via_link, None))
            else:
                self.skip(parts, path, _kind_reason(own.st_mode))
            return
        # a symbolic link: where does it lead?
        try:
            target = os.stat(path)
        except FileNotFoundError:
            self.skip(parts, path, LINK_BROKEN)
            return
        except OSError as exc:
            self.skip(parts, path, _error_reason(exc, "link"))
            return
        real = os.path.realpath(path)
        inside = _inside(real, self.roots)
        if stat.S_ISDIR(target.st_mode):
            if inside:  # its files are read where they are (entering it could loop)
                return
            if not self.follow_links:
                self.skip(parts, path, LINK_OUTSIDE)
                return
            ident = (target.st_dev, target.st_ino)
            if ident in entered:  # a folder entered already: a loop through links
                return
            if self.leave_out(parts, path):
                return
            entered.add(ident)
            stack.append((path, parts, True))
        elif stat.S_ISREG(target.st_mode):
            if not inside and not self.follow_links:
                self.skip(parts, path, LINK_OUTSIDE)
                return
            self.files.append((parts, path, True, real))
        else:
            self.skip(parts, path, _kind_reason(target.st_mode))


def scan(
    paths: Sequence[str | os.PathLike[str]],
    *,
    follow_links: bool = False,
    exclude: Sequence[str | os.PathLike[str]] = (),
) -> Listing:
    """Every document named by ``paths``, in order, and every entry not read, with why.

    Files are kept as given (a named pipe or device given by name is named as
    not read). Folders are searched in sorted order, skipping hidden files and
    folders; a file of an unsupported type is listed all the same and reported
    with its reason when it is read. The path is the folder argument joined with
    the file's relative path. A file named twice (or reached by several links)
    is listed once. ``follow_links`` follows links leading outside the input
    folders; ``exclude`` names folders never read (the build's output folder).
    A path that does not exist raises :class:`~kg.errors.InputError`; nothing
    else does.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "docs"
    >>> (d / "sub").mkdir(parents=True)
    >>> _ = (d / "a.txt").write_text("x")
    >>> (d / "gone.txt").symlink_to(d / "missing.txt")
    >>> found = scan([str(d)])
    >>> [name for _, name in found.items], [(n, r) for _, n, r in found.skipped]
    (['docs/a.txt'], [('docs/gone.txt', 'broken symbolic link')])
    """
    listing = Listing()
    seen: set[str] = set()
    args = [str(p) for p in paths]
    roots = [os.path.realpath(a) for a in args if os.path.isdir(a)]
    excluded = {i for e in exclude if (i := _identity(str(e))) is not None}
    for arg in args:
        try:
            st = os.stat(arg)
        except FileNotFoundError:
            if os.path.islink(arg):
                listing.skipped.append((arg, Path(arg).name, LINK_BROKEN))
                continue
            raise InputError(arg, "no such file or folder") from None
        except OSError as exc:
            listing.skipped.append((arg, Path(arg).name, _error_reason(exc, "file")))
            continue
        if stat.S_ISDIR(st.st_mode):
            real = os.path.realpath(arg)
            base = Path(real).name
            walk = _Walk(listing, roots, follow_links, excluded)
            top = (base,) if base else ()
            if walk.leave_out(top or (arg,), arg):
                continue
            walk.run(arg, top)
            found = []
            for parts, path, link, real_path in sorted(walk.files):
                # inside a folder walked without following links, only a file
                # that is itself a link (or lies under one) has another real path
                key = real_path if link else os.path.join(real, *parts[len(top) :])
                if link and real_path is None:
                    key = os.path.realpath(path)
                found.append((parts, path, link, key))
            # a file also reached through a link is read under its own name
            own = {key for _, _, link, key in found if not link}
            for parts, path, link, key in found:
                if link and key in own:
                    continue
                _add(listing.items, seen, path, "/".join(parts), key)
            for parts, path, reason in sorted(walk.skips):
                listing.skipped.append((path, "/".join(parts), reason))
        elif stat.S_ISREG(st.st_mode):
            _add(listing.items, seen, arg, Path(arg).name)
        else:
            listing.skipped.append((arg, Path(arg).name, _kind_reason(st.st_mode)))
    listing.notes.sort()
    return listing


def discover(paths: Sequence[str]) -> list[tuple[str, str]]:
    """``(path, display_name)`` for every document named by ``paths``, in order.

    The documents of :func:`scan` (which also says what it did not list, and why).
    A path that does not exist raises :class:`~kg.errors.InputError`.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "docs"
    >>> (d / "sub").mkdir(parents=True)
    >>> for n in ("b.txt", "a.html", "sub/c.txt", ".hidden.txt", "notes.json"):
    ...     _ = (d / n).write_text("x")
    >>> [name for _, name in discover([str(d)])]
    ['docs/a.html', 'docs/b.txt', 'docs/notes.json', 'docs/sub/c.txt']
    """
    return scan(paths).items


def _add(
    out: list[tuple[str, str]], seen: set[str], path: str, name: str, real: str | None = None
) -> None:
    key = real if real is not None else os.path.realpath(path)
    if key not in seen:
        seen.add(key)
        out.append((path, name))

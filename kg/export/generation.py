"""A build's outputs as one generation: they replace the previous set whole, or not at all.

A build writes every output into a staging folder inside the output folder
(``OUT/.kg-staging-<pid>``: the same file system, whatever is mounted where)
while the previous outputs stay in place, readable, and are the source of the
parts a rebuild copies (:mod:`kg.export.fragments`). Only when every file is
written and flushed to disk does the build switch: it writes a mark listing
the new files into the staging folder, moves each file over its previous
version (each move is one atomic rename: no reader ever sees half a file), and
removes the staging folder. On any error before the switch, a full disk
included, the staging folder is removed and the previous outputs are untouched.

A build that is killed leaves its staging folder behind; the next build into
the folder cleans it before it starts: a staging folder with the mark was
killed while switching, and its switch is finished (the newer set is whole);
one without it is deleted. Temporary files of killed processes are deleted too
(:func:`kg.export.atomic.remove_stale_temps`).

A lock (``flock`` on the output folder itself, released by the system when
the process ends, however it ends) lets one build at a time write into a
folder: a second one is refused with :class:`OutputBusy`, at once.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "out"
>>> with Generation(out) as gen:
...     _ = (gen.staging / "a.txt").write_text("new")
...     [p.name for p in gen.commit([gen.staging / "a.txt"])]
['a.txt']
>>> (out / "a.txt").read_text(), [p.name for p in out.iterdir()]
('new', ['a.txt'])
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from kg.errors import OutputError

#: The staging folder of process ``pid`` inside the output folder: ``.kg-staging-<pid>``.
STAGING_PREFIX = ".kg-staging-"
_STAGING = re.compile(r"^\.kg-staging-(\d+)$")
#: The mark of a staging folder whose files are all written (a JSON list of their names).
COMPLETE = ".kg-complete"
#: A previous sub-folder (``shards``) set aside while the new one takes its place.
_ASIDE = ".kg-old-"


class OutputBusy(OutputError):
    """Another build is writing into the same output folder."""


_held: dict[tuple[int, int], tuple[int, int]] = {}  # folder identity -> (fd, depth)


def _identity(folder: Path) -> tuple[int, int]:
    st = os.stat(folder)
    return (st.st_dev, st.st_ino)


@contextlib.contextmanager
def output_lock(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the lock of the output folder ``out`` (created if missing) for the block.

    Raises :class:`OutputBusy` at once when another process holds it; taken again
    by the same process (a build, then the writing of its outputs), it is held
    until the outermost block ends.
    """
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        key = _identity(folder)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the output folder ({exc.strerror})") from exc
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
        try:
            yield folder
        finally:
            fd, depth = _held[key]
            _held[key] = (fd, depth - 1)
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield folder
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise OutputBusy(
            f"{folder}: another kg build is writing into this folder; "
            "run this one when it has finished, or give another --out"
        ) from None
    _held[key] = (fd, 1)
    try:
        yield folder
    finally:
        del _held[key]
        os.close(fd)  # releases the lock


def fsync_folder(folder: Path) -> None:
    """Make the renames inside ``folder`` durable (where folders can be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems without it
        pass
    finally:
        os.close(fd)


def _move(staging: Path, out: Path, name: str) -> None:
    """Move ``staging/name`` over ``out/name``: a file in one rename, a folder by setting
    the previous one aside first (then removing it)."""
    src, dst = staging / name, out / name
    if not os.path.lexists(src):  # moved already (a switch being finished)
        return
    if src.is_dir() and not src.is_symlink():
        aside = None
        if os.path.lexists(dst):
            aside = out / f"{_ASIDE}{name}-{os.getpid()}"
            if aside.exists():
                shutil.rmtree(aside, ignore_errors=True)
            os.replace(dst, aside)
        os.replace(src, dst)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
    else:
        os.replace(src, dst)


def _finish_switch(staging: Path, out: Path) -> bool:
    """Finish the switch of a staging folder whose mark says it is complete; returns
    whether it was (otherwise its files are a build that did not end)."""
    try:
        names = json.loads((staging / COMPLETE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return False
    for name in names:
        if "/" in name or name in ("", ".", ".."):
            continue
        _move(staging, out, name)
    fsync_folder(out)
    return True


def clean_leftovers(out: str | os.PathLike[str]) -> list[str]:
    """Clean what killed builds left in the output folder ``out`` (call with its lock
    held): finish a switch that was under way, delete unfinished staging folders,
    folders set aside and temporary files of dead processes. Returns what was done,
    one line each."""
    from kg.export.atomic import remove_stale_temps

    folder = Path(out)
    done: list[str] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return done
    for entry in entries:
        m = _STAGING.match(entry.name)
        if m is not None and entry.is_dir(follow_symlinks=False):
            pid = int(m.group(1))
            staging = Path(entry.path)
            if _finish_switch(staging, folder):
                done.append(f"finished the switch to the outputs of an interrupted build ({pid})")
            else:
                done.append(f"removed the unfinished outputs of an interrupted build ({pid})")
            shutil.rmtree(staging, ignore_errors=True)
        elif entry.name.startswith(_ASIDE) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
    for sub in (folder, folder / "shards"):
        for path in remove_stale_temps(sub):
            done.append(f"removed the temporary file {path.name} of an interrupted process")
    return done


class Generation:
    """The writing of one set of outputs into ``out``: use as a context manager, write
    into :attr:`staging`, then :meth:`commit` the files written. Leaving the block
    without committing (an error) removes the staging folder and leaves ``out`` as
    it was. Holds the folder's lock (:func:`output_lock`) for the block and cleans
    the leftovers of killed builds first (:func:`clean_leftovers`)."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = Path(out)
        self.staging = self.out / f"{STAGING_PREFIX}{os.getpid()}"
        self.cleaned: list[str] = []
        self._lock: contextlib.ExitStack | None = None
        self._committed = False

    def __enter__(self) -> Generation:
        stack = contextlib.ExitStack()
        stack.enter_context(output_lock(self.out))
        try:
            self.cleaned = clean_leftovers(self.out)
            if self.staging.exists():  # pragma: no cover - this process, killed before
                shutil.rmtree(self.staging)
            self.staging.mkdir()
        except OSError as exc:
            stack.close()
            raise OutputError(f"{self.out}: cannot write the outputs ({exc.strerror})") from exc
        except BaseException:
            stack.close()
            raise
        self._lock = stack
        return self

    def commit(
        self, written: Sequence[str | os.PathLike[str]], *, remove: Sequence[str] = ()
    ) -> list[Path]:
        """Switch to the files ``written`` into :attr:`staging`; returns their paths in
        the output folder, sorted. The names in ``remove`` (outputs of an earlier build
        that this one does not write) are then removed from the output folder."""
        names: list[str] = []
        final: list[Path] = []
        for p in written:
            rel = Path(p).relative_to(self.staging)
            final.append(self.out / rel)
            if rel.parts[0] not in names:
                names.append(rel.parts[0])
        for name in names:  # what a rename cannot replace: refused before any is made
            src, dst = self.staging / name, self.out / name
            if os.path.lexists(dst) and not dst.is_symlink() and dst.is_dir() != src.is_dir():
                kind = "a folder" if dst.is_dir() else "a file"
                raise OutputError(f"{dst}: {kind} is in the way of the output {name}")
        from kg.export.atomic import write_text

        write_text(self.staging / COMPLETE, json.dumps(sorted(names)))
        fsync_folder(self.staging)
        for name in sorted(names):
            _move(self.staging, self.out, name)
        for name in remove:
            if name in names or "/" in name or name in ("", ".", ".."):
                continue
            dst = self.out / name
            if dst.is_dir() and not dst.is_symlink():
                shutil.rmtree(dst, ignore_errors=True)
            elif os.path.lexists(dst):
                dst.unlink()
        fsync_folder(self.out)
        self._committed = True
        shutil.rmtree(self.staging, ignore_errors=True)
        return sorted(final)

    def __exit__(self, *exc: object) -> None:
        try:
            if not self._committed:
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            if self._lock is not None:
                self._lock.close()
                self._lock = None

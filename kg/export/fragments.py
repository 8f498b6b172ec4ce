"""Pieces of output text kept between builds, found again by a digest of what made them.

Most of an output file is one document's part after another: its named graph
in the RDF files, its edges in the network formats, its line in
``extractions.jsonl``. After one document of thousands changes, a rebuild
would format every other document's part again, to the same text. Each part
has a key, a digest of everything that went into it (the document's own data
and the source of the code that formats it), so a part whose key is unchanged
is, by construction, the text the formatter would write: the outputs are the
same bytes whether parts are kept or made.

The previous build's output file is itself the store of its parts: a
:class:`KeptFile` writes the new file part by part, copying the parts whose
keys the previous file holds from that file (by the kernel, without passing
through Python where the platform allows) and making only the others. The
index of each file (key -> offset, length and CRC-32 of the part's bytes) lives
in the cache folder (``<cache>/fragments/<file name>.idx``, itself under a
checksum). Nothing kept is trusted: before a part is copied, its bytes in the
previous file are checked against the CRC-32 the index holds, so a part of an
output edited in place (even with its modification time kept) is made again,
never copied forward; a damaged index counts as none.

A :class:`FragmentStore` keeps other made pieces by key in a file of their
own (``<cache>/fragments/<name>.bin``): the pinyin of names and the layout of
the HTML graph's components. A build reads the previous store and writes a
new one through a temporary file renamed at the end; a store that cannot be
read is treated as empty and replaced, and an entry whose bytes no longer
match its CRC-32 is made again.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import itertools
import marshal
import os
import struct
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from kg.types import Source

if TYPE_CHECKING:
    from kg.graph import Edge, KnowledgeGraph

#: The last 20 bytes of a store: the offset of its index, the CRC-32 of the index's
#: bytes, then this mark.
_MAGIC = b"kgfrag02"
_FOOTER = struct.Struct("<QI8s")

#: The folder of the stores inside the cache folder.
DIRNAME = "fragments"

Parts = tuple[str, ...]
Encoded = tuple[bytes, ...]


@functools.lru_cache(maxsize=64)
def code_digest(*modules: ModuleType | str, packages: tuple[str, ...] = ()) -> bytes:
    """A digest of the source files of ``modules`` (modules or module names), of the
    installed versions of ``packages`` (distributions whose output the parts hold,
    such as pyoxigraph's N-Triples forms) and of Python's version.

    Part of every fragment's digest, so that a change to the code that formats
    a part makes the stored parts of the old code unused. Computed once per
    process for the same arguments.

    >>> code_digest("kg.export.fragments") == code_digest("kg.export.fragments")
    True
    >>> code_digest("kg.export.fragments") == code_digest(
    ...     "kg.export.fragments", packages=("networkx",))
    False
    """
    import importlib
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.blake2b(digest_size=16)
    for m in modules:
        mod = importlib.import_module(m) if isinstance(m, str) else m
        path = getattr(mod, "__file__", None)
        h.update(mod.__name__.encode("utf-8") + b"\0")
        if path:
            h.update(Path(path).read_bytes())
        h.update(b"\0")
    for package in packages:
        try:
            h.update(f"{package}=={version(package)}\0".encode())
        except PackageNotFoundError:  # pragma: no cover - a dependency
            h.update(f"{package}\0".encode())
    h.update(sys.version.encode("ascii", "replace"))  # repr() and json may differ by version
    return h.digest()


def digest(*parts: object) -> bytes:
    """The digest of ``parts``: strings, numbers, ``None``, bytes and tuples or lists of those.

    Serialised with :mod:`marshal` format 2, which writes every value in full
    (no references to objects seen before), so equal values give equal bytes
    whichever objects hold them.

    >>> digest("a", 1) == digest("a", 1), digest("a", 1) == digest("a", 2)
    (True, False)
    >>> digest(("a", None)) == digest(["a", None])
    False
    """
    data = marshal.dumps(parts, 2)  # type: ignore[arg-type]  # values as documented
    return hashlib.blake2b(data, digest_size=16).digest()


def _pread(f: IO[bytes], n: int, offset: int) -> bytes:
    """``n`` bytes of ``f`` from ``offset`` (``os.pread`` where there is one)."""
    if hasattr(os, "pread"):
        return os.pread(f.fileno(), n, offset)
    f.seek(offset)  # pragma: no cover - Windows
    return f.read(n)


class FragmentStore:
    """The parts of one kind of output, as the previous build left them, and the new file.

    Use as a context manager: parts are looked up with :meth:`fetch`, which
    makes the missing ones; leaving the block without an error replaces the
    file with the parts fetched during the block. ``hits`` and ``misses`` count
    parts found and made.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.hits = 0
        self.misses = 0
        self._old: dict[bytes, tuple[int, tuple[int, ...], int]] = {}
        self._file: IO[bytes] | None = None
        self._new: dict[bytes, tuple[int, tuple[int, ...], int]] = {}
        self._writing = contextlib.ExitStack()
        self._out: IO[bytes] | None = None
        self._pos = 0

    # -- reading the previous build's parts -----------------------------------

    def _open_old(self) -> None:
        try:
            f = open(self.path, "rb")  # noqa: SIM115 - kept open for the reads
        except OSError:
            return
        try:
            size = os.fstat(f.fileno()).st_size
            if size < _FOOTER.size:
                raise ValueError("too short")
            at, crc, magic = _FOOTER.unpack(_pread(f, _FOOTER.size, size - _FOOTER.size))
            if magic != _MAGIC or at > size - _FOOTER.size:
                raise ValueError("not a fragment store")
            raw = _pread(f, size - _FOOTER.size - at, at)
            if zlib.crc32(raw) != crc:
                raise ValueError("damaged index")
            index = marshal.loads(raw)
            if not isinstance(index, dict):
                raise ValueError("bad index")
            for offset, lengths, _ in index.values():
                if offset < 0 or any(n < 0 for n in lengths) or offset + sum(lengths) > at:
                    raise ValueError("index points past the data")
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            f.close()
            return
        self._file, self._old = f, index

    def _read_old(self, key: bytes) -> tuple[tuple[bytes, ...], bytes, tuple[int, ...], int] | None:
        """The parts under ``key`` (UTF-8), with their bytes as stored, their lengths and
        the CRC-32 of those bytes; None when absent or damaged (the CRC-32 differs).

        Read with ``pread``, not through a memory map: the pages of a large
        store would otherwise count as the build's memory.
        """
        hit = self._old.get(key)
        if hit is None or self._file is None:
            return None
        offset, lengths, crc = hit
        total = sum(lengths)
        try:
            raw = _pread(self._file, total, offset)
        except OSError:
            return None
        if len(raw) != total or zlib.crc32(raw) != crc:
            return None
        out = []
        at = 0
        for n in lengths:
            out.append(raw[at : at + n])
            at += n
        return tuple(out), raw, lengths, crc

    # -- writing this build's parts -------------------------------------------

    def __enter__(self) -> FragmentStore:
        from kg.export.atomic import atomic_open

        self._open_old()
        try:
            self._out = self._writing.enter_context(
                atomic_open(self.path, "wb", encoding=None, durable=False, mode_bits=0o600)
            )
        except OSError:  # a read-only cache: parts are still found, none kept
            self._out = None
        return self

    def fetch(self, key: bytes, make: Callable[[], Parts]) -> Encoded:
        """The parts stored under ``key``, or ``make()``'s (kept for the next build), in UTF-8.

        Parts found again are given as stored: never decoded, they go to the
        output files as they are.
        """
        old = self._read_old(key)
        if old is None:
            encoded = tuple(p.encode("utf-8") for p in make())
            self.misses += 1
        else:
            encoded = old[0]
            self.hits += 1
        if self._out is not None and key not in self._new:
            if old is None:
                lengths = tuple(len(b) for b in encoded)
                raw = b"".join(encoded)
                crc = zlib.crc32(raw)
            else:
                _, raw, lengths, crc = old
            try:
                self._out.write(raw)
            except OSError as exc:
                self._drop(exc)
            else:
                self._new[key] = (self._pos, lengths, crc)
                self._pos += len(raw)
        return encoded

    def _drop(self, exc: BaseException) -> None:
        """Give up the new file (the temporary file is removed; the old store stays)."""
        self._out = None
        self._writing.__exit__(type(exc), exc, exc.__traceback__)

    def __exit__(self, exc_type: type[BaseException] | None, exc: Any, tb: Any) -> None:
        if self._file is not None:
            self._file.close()
        self._file = None
        if self._out is None:
            return
        if exc is not None:
            self._drop(exc)
            return
        try:
            index = marshal.dumps(self._new)
            self._out.write(index)
            self._out.write(_FOOTER.pack(self._pos, zlib.crc32(index), _MAGIC))
        except OSError as err:  # the store is only a help: the outputs are written anyway
            self._drop(err)
            return
        self._out = None
        with contextlib.suppress(OSError):
            self._writing.close()  # renames the new file over the old


# ---------------------------------------------------------------------------
# Output files written part by part, copying the previous build's parts


#: The mark of an output file's index (see :class:`KeptFile`).
_INDEX_MAGIC = "kgkept02"

#: Errors that mean "this kernel or file system cannot copy between these files".
_NO_COPY_RANGE = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM}

#: An index entry: offset, length and CRC-32 of a part's bytes.
_Entry = tuple[int, int, int]


def read_index(path: Path) -> tuple[int, dict[bytes, _Entry]] | None:
    """The size of the file an index describes and its parts, or None when the index is
    missing, damaged (its checksum differs) or of another format."""
    try:
        magic, crc, payload = marshal.loads(path.read_bytes())
        if magic != _INDEX_MAGIC or type(payload) is not bytes or zlib.crc32(payload) != crc:
            return None
        size, parts = marshal.loads(payload)
        if type(size) is not int or not isinstance(parts, dict):
            return None
        for key, (offset, n, part_crc) in parts.items():
            if type(key) is not bytes or not (type(offset) is type(n) is type(part_crc) is int):
                return None
            if offset < 0 or n < 0 or offset + n > size:
                return None
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return size, parts


def write_index(path: Path, size: int, parts: dict[bytes, _Entry]) -> None:
    """Keep the index of a file of ``size`` bytes (see :func:`read_index`), atomically."""
    from kg.export.atomic import atomic_open

    payload = marshal.dumps((size, parts))
    with atomic_open(path, "wb", encoding=None, durable=False, mode_bits=0o600) as f:
        f.write(marshal.dumps((_INDEX_MAGIC, zlib.crc32(payload), payload)))


def verified(src: IO[bytes], parts: dict[bytes, _Entry]) -> dict[bytes, _Entry]:
    """The parts of ``parts`` whose bytes in ``src`` still have their CRC-32 (read in
    file order; a part edited since it was written is left out, to be made again)."""
    good: dict[bytes, _Entry] = {}
    for key, entry in sorted(parts.items(), key=lambda kv: kv[1][0]):
        offset, n, crc = entry
        crc_now, at = 0, offset
        while at < offset + n:
            chunk = _pread(src, min(offset + n - at, 1 << 22), at)
            if not chunk:
                break
            crc_now = zlib.crc32(chunk, crc_now)
            at += len(chunk)
        if at == offset + n and crc_now == crc:
            good[key] = entry
    return good


class KeptFile:
    """An output file written part by part, each part under a key (a :func:`digest`
    of everything that makes it); a part that the previous build wrote to this
    file under the same key is copied from the previous file instead of made again.

    The previous file is ``previous`` (default: the one at the output's path when
    writing starts; a build writing into a staging folder names the one in the
    output folder). Its index (key -> offset, length and CRC-32, in ``index``, a
    file of the cache folder) is used only for a file of the size it records,
    and a part only when its bytes there still have their CRC-32 (every kept
    part is read once and checked before the writing starts): a damaged index,
    a changed or removed file, an edited part are made again, never copied.
    Consecutive copied parts are copied in one piece, by the kernel where it
    can (``os.copy_file_range``), so unchanged parts never pass through Python
    a second time.

    Use through :func:`kept_file`, which writes the new index once the new file
    has replaced the old one.
    """

    def __init__(
        self, f: IO[bytes], path: Path, index: Path | None, previous: Path | None = None
    ) -> None:
        self.f = f
        self.path = path
        self.previous = previous if previous is not None else path
        self.index = index
        self.hits = 0
        self.misses = 0
        self._pos = 0
        self._old: dict[bytes, _Entry] = {}
        self._src: IO[bytes] | None = None
        self._new: dict[bytes, _Entry] = {}
        self._run: tuple[int, int] | None = None  # a copy not made yet: (offset, length)
        self._copy_range = hasattr(os, "copy_file_range")
        if index is not None:
            self._open_old()

    def _open_old(self) -> None:
        assert self.index is not None
        found = read_index(self.index)
        if found is None:
            return
        size, parts = found
        try:
            src = open(self.previous, "rb")  # noqa: SIM115 - kept open for the copies
        except OSError:
            return
        try:
            if os.fstat(src.fileno()).st_size != size:
                raise ValueError("the file changed since its index was written")
            good = verified(src, parts)
        except (OSError, ValueError):
            src.close()
            return
        self._src, self._old = src, good

    def has(self, key: bytes) -> bool:
        """Whether the previous file holds the part ``key``."""
        return key in self._old

    def write(self, data: bytes) -> None:
        """Write bytes that are no kept part (headers, separators)."""
        if self._run is not None:
            self._copy()
        self.f.write(data)
        self._pos += len(data)

    def part(self, key: bytes, make: Callable[[], str | bytes]) -> None:
        """Write the part ``key``: copied from the previous file, or ``make()``'s text."""
        hit = self._old.get(key)
        if hit is None:
            made = make()
            self.add(key, made.encode("utf-8") if isinstance(made, str) else made)
            return
        self.hits += 1
        offset, n, crc = hit
        if self._run is not None and self._run[0] + self._run[1] == offset:
            self._run = (self._run[0], self._run[1] + n)
        else:
            if self._run is not None:
                self._copy()
            self._run = (offset, n)
        self._new.setdefault(key, (self._pos, n, crc))
        self._pos += n

    def add(self, key: bytes, data: bytes) -> None:
        """Write ``data`` as the part ``key`` (made by the caller)."""
        self.misses += 1
        start = self._pos
        self.write(data)
        self._new.setdefault(key, (start, len(data), zlib.crc32(data)))

    def _copy(self) -> None:
        """Copy the pending run of parts from the previous file."""
        assert self._run is not None and self._src is not None
        offset, n = self._run
        self._run = None
        self.f.flush()
        dst = self.f.fileno()
        at = self.f.tell()
        while n > 0 and self._copy_range:
            try:
                done = os.copy_file_range(self._src.fileno(), dst, n, offset, at)
            except OSError as exc:
                if exc.errno not in _NO_COPY_RANGE:
                    raise
                self._copy_range = False
                break
            if done <= 0:
                break
            offset, at, n = offset + done, at + done, n - done
        self.f.seek(at)
        while n > 0:  # no copy in the kernel: through this process, in pieces
            chunk = _pread(self._src, min(n, 1 << 20), offset)
            if not chunk:
                raise OSError(errno.EIO, f"{self.previous}: the previous file ended early")
            self.f.write(chunk)
            offset, n = offset + len(chunk), n - len(chunk)

    def finish(self) -> None:
        """Write what is pending; the file is then complete."""
        if self._run is not None:
            self._copy()

    def close_old(self) -> None:
        if self._src is not None:
            self._src.close()
            self._src = None

    def save_index(self) -> None:
        """Keep the index of the new file for the next build."""
        if self.index is None:
            return
        with contextlib.suppress(OSError):
            write_index(self.index, os.stat(self.path).st_size, self._new)


def index_path(folder: str | os.PathLike[str], output: str | os.PathLike[str]) -> Path:
    """Where the index of the output file ``output`` is kept in the cache folder ``folder``."""
    return Path(folder) / DIRNAME / f"{Path(output).name}.idx"


@contextlib.contextmanager
def kept_file(path: str | os.PathLike[str], fragments: Fragments | None) -> Iterator[KeptFile]:
    """Write the output ``path`` atomically as a :class:`KeptFile` (without ``fragments``,
    a cache folder, every part is made and no index is kept). The previous file is
    the one at ``path``, or in ``fragments.previous`` when the outputs are staged."""
    from kg.export.atomic import atomic_open

    path = Path(path)
    index = index_path(fragments.folder, path) if fragments is not None else None
    previous = fragments.previous_of(path) if fragments is not None else None
    with atomic_open(path, "wb", encoding=None) as f:
        out = KeptFile(f, path, index, previous)
        try:
            yield out
            out.finish()
        finally:
            out.close_old()
    out.save_index()


def kept_parts(
    files: Sequence[KeptFile], key: bytes, make: Callable[[], Sequence[str | bytes]]
) -> None:
    """Write the part ``key`` of each of ``files`` (one output each), made together:
    ``make()`` gives one text per file, called only when some file lacks its part."""
    if all(f.has(key) for f in files):
        for f in files:
            f.part(key, _unreachable)
        return
    for f, made in zip(files, make(), strict=True):
        f.add(key, made.encode("utf-8") if isinstance(made, str) else made)


def _unreachable() -> bytes:  # pragma: no cover - only called for a part not kept
    raise AssertionError("a kept part was made again")


class _NoStore:
    """A stand-in that makes every part (no cache folder)."""

    hits = misses = 0

    def fetch(self, key: bytes, make: Callable[[], Parts]) -> Encoded:
        return tuple(p.encode("utf-8") for p in make())


def store_path(folder: str | os.PathLike[str], name: str) -> Path:
    """Where the store ``name`` of the cache folder ``folder`` lives."""
    return Path(folder) / DIRNAME / f"{name}.bin"


def edge_runs(graph: KnowledgeGraph, keyed: bool = True) -> list[tuple[int, int, bytes]]:
    """``(start, end, digest)`` for each run of ``graph.edges`` stated in one document.

    The digest covers every field of the run's edges and the document's name:
    all that an edge list's formatter reads of them (without ``keyed``, the
    digests are left empty). The edges of one document are consecutive, since
    edges are sorted by document first.
    """
    names = {d.key: d.name for d in graph.documents}
    dates = {d.key: d.date for d in graph.documents}
    digests = {d.key: d.digest for d in graph.documents if d.digest}
    edges = graph.edges
    out = []
    for doc, start, end in runs(e.document for e in edges):
        if not keyed:
            out.append((start, end, b""))
            continue
        run = edges[start:end]
        if doc in digests and all(e.source is Source.TEXT for e in run):
            # all the relations the document states (they are consecutive): its
            # summary's digest covers them and its name
            out.append((start, end, digest("text", digests[doc], end - start)))
            continue
        rows = [
            (e.subject, e.predicate.value, e.object, e.source.value)
            + (e.sentence, e.start, e.end, e.confidence, e.time, str(e.modality), e.note)
            for e in run
        ]
        out.append((start, end, digest(doc, names.get(doc), dates.get(doc), rows)))
    return out


class Fragments:
    """A build's parts kept in ``folder``, and what every edge list shares: the runs of edges.

    :meth:`edge_runs` computes the runs (with their digests) once for all
    formats of one graph. A build that writes its outputs into a ``staging``
    folder finds the previous build's files in ``previous`` (the output folder).
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        staging: str | os.PathLike[str] | None = None,
        previous: str | os.PathLike[str] | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.staging = Path(staging) if staging is not None else None
        self.previous = Path(previous) if previous is not None else None
        self._runs: tuple[KnowledgeGraph, list[tuple[int, int, bytes]]] | None = None

    def previous_of(self, path: Path) -> Path:
        """The previous build's file of the output written at ``path``: in
        :attr:`previous` when ``path`` lies in the staging folder, else ``path`` itself."""
        if self.staging is not None and self.previous is not None:
            with contextlib.suppress(ValueError):
                return self.previous / path.relative_to(self.staging)
        return path

    #: Stores that earlier versions kept output parts in (now kept in the outputs).
    OBSOLETE = ("rdf-ttl", "rdf-trig", "json", "graphml", "gexf", "csv", "jsonl")

    def remove_obsolete(self) -> None:
        """Delete the stores of earlier versions (see :data:`OBSOLETE`), if any."""
        for name in self.OBSOLETE:
            with contextlib.suppress(OSError):
                store_path(self.folder, name).unlink()

    def edge_runs(self, graph: KnowledgeGraph) -> list[tuple[int, int, bytes]]:
        if self._runs is None or self._runs[0] is not graph:
            self._runs = (graph, edge_runs(graph))
        return self._runs[1]


@contextlib.contextmanager
def open_store(fragments: Fragments | None, name: str) -> Iterator[FragmentStore | _NoStore]:
    """The store ``name`` of ``fragments``, or one that keeps nothing."""
    if fragments is None:
        yield _NoStore()
        return
    with FragmentStore(store_path(fragments.folder, name)) as s:
        yield s


class Part(NamedTuple):
    """A piece of an output that is one document's part: its key (empty: not kept)
    and the function that makes its text."""

    key: bytes
    make: Callable[[], str]


def edge_parts(
    graph: KnowledgeGraph,
    fragments: Fragments | None,
    module: str,
    text: Callable[[list[Edge], int], str],
) -> Iterator[Part]:
    """For each run of edges stated in one document, in order: a :class:`Part` made
    by ``text(run, index of its first edge)``, keyed by the run's digest and the
    source of ``module`` (the formatter's) when ``fragments`` keeps parts."""
    edges = graph.edges

    def make(start: int, end: int) -> str:
        return text(edges[start:end], start)

    if fragments is None:
        for start, end, _ in edge_runs(graph, keyed=False):
            yield Part(b"", functools.partial(make, start, end))
        return
    code = code_digest(module, __name__)
    for start, end, key in fragments.edge_runs(graph):
        yield Part(digest(code, key), functools.partial(make, start, end))


def write_pieces(out: KeptFile, pieces: Iterable[str | bytes | Part], batch: int = 2000) -> None:
    """Write ``pieces`` to ``out``: text (in UTF-8, joined in batches), bytes, and parts
    (copied from the previous file when kept there)."""
    buf: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            buf.append(piece)
            if len(buf) < batch:
                continue
        if buf:
            out.write("".join(buf).encode("utf-8"))
            buf.clear()
        if isinstance(piece, Part):
            out.part(piece.key, piece.make)
        elif isinstance(piece, bytes):
            out.write(piece)
    if buf:
        out.write("".join(buf).encode("utf-8"))


def text_pieces(pieces: Iterable[str | bytes | Part]) -> Iterator[str]:
    """``pieces`` as text, every part made."""
    for piece in pieces:
        if isinstance(piece, Part):
            yield piece.make()
        elif isinstance(piece, bytes):
            yield piece.decode("utf-8")
        else:
            yield piece


def runs(keys: Iterable[str]) -> Iterator[tuple[str, int, int]]:
    """``(key, start, end)`` for each run of equal consecutive keys.

    >>> list(runs(["a", "a", "b"]))
    [('a', 0, 2), ('b', 2, 3)]
    """
    start = 0
    for key, group in itertools.groupby(keys):
        end = start + sum(1 for _ in group)
        yield key, start, end
        start = end

"""Pieces of output text kept between builds, found again by a digest of what made them.

Most of an output file is one document's part after another: its named graph
in the RDF files, its edges in the network formats, its line in
``extractions.jsonl``. After one document of thousands changes, a rebuild
would format every other document's part again, to the same text. A
:class:`FragmentStore` keeps each part under a digest of everything that
went into it (the document's own data and the source of the code that formats
it), so a rebuild formats only the parts whose inputs changed and copies the
rest. A part found again is, by construction, the text the formatter would
write; the outputs are the same bytes with or without the store.

One store is one file (``<cache>/fragments/<name>.bin``): the parts one after
another, then an index of digest -> offset and lengths. A build reads the
previous file and writes a new one, through a temporary file renamed at the
end, holding only the index in memory; a part not used by the build is not
carried over, so the file stays the size of the last build's outputs. A file
that cannot be read is treated as empty and replaced.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import marshal
import os
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.graph import Edge, KnowledgeGraph

#: The last 16 bytes of a store: the offset of its index, then this mark.
_MAGIC = b"kgfrag01"
_FOOTER = struct.Struct("<Q8s")

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
        self._old: dict[bytes, tuple[int, tuple[int, ...]]] = {}
        self._file: IO[bytes] | None = None
        self._new: dict[bytes, tuple[int, tuple[int, ...]]] = {}
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
            at, magic = _FOOTER.unpack(_pread(f, _FOOTER.size, size - _FOOTER.size))
            if magic != _MAGIC or at > size - _FOOTER.size:
                raise ValueError("not a fragment store")
            index = marshal.loads(_pread(f, size - _FOOTER.size - at, at))
            if not isinstance(index, dict):
                raise ValueError("bad index")
            for offset, lengths in index.values():
                if offset + sum(lengths) > at:
                    raise ValueError("index points past the data")
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            f.close()
            return
        self._file, self._old = f, index

    def _read_old(self, key: bytes) -> tuple[tuple[bytes, ...], bytes, tuple[int, ...]] | None:
        """The parts under ``key`` (UTF-8), with their bytes as stored and their lengths.

        Read with ``pread``, not through a memory map: the pages of a large
        store would otherwise count as the build's memory.
        """
        hit = self._old.get(key)
        if hit is None or self._file is None:
            return None
        offset, lengths = hit
        total = sum(lengths)
        try:
            raw = _pread(self._file, total, offset)
        except OSError:
            return None
        if len(raw) != total:
            return None
        out = []
        at = 0
        for n in lengths:
            out.append(raw[at : at + n])
            at += n
        return tuple(out), raw, lengths

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
            else:
                _, raw, lengths = old
            try:
                self._out.write(raw)
            except OSError as exc:
                self._drop(exc)
            else:
                self._new[key] = (self._pos, lengths)
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
            self._out.write(marshal.dumps(self._new))
            self._out.write(_FOOTER.pack(self._pos, _MAGIC))
        except OSError as err:  # the store is only a help: the outputs are written anyway
            self._drop(err)
            return
        self._out = None
        with contextlib.suppress(OSError):
            self._writing.close()  # renames the new file over the old


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
    edges = graph.edges
    out = []
    for doc, start, end in runs(e.document for e in edges):
        if keyed:
            rows = [
                (e.subject, e.predicate.value, e.object, e.source.value, e.sentence, e.start, e.end)
                for e in edges[start:end]
            ]
            out.append((start, end, digest(doc, names.get(doc), rows)))
        else:
            out.append((start, end, b""))
    return out


class Fragments:
    """A build's parts kept in ``folder``, and what every edge list shares: the runs of edges.

    :meth:`edge_runs` computes the runs (with their digests) once for all
    formats of one graph.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._runs: tuple[KnowledgeGraph, list[tuple[int, int, bytes]]] | None = None

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


def edge_parts(
    graph: KnowledgeGraph,
    fragments: Fragments | None,
    name: str,
    module: str,
    text: Callable[[list[Edge]], str],
) -> Iterator[tuple[int, bytes]]:
    """For each run of edges stated in one document, in order: the index of its
    first edge and ``text(run)`` in UTF-8, kept in the store ``name`` of
    ``fragments`` (under the run's digest and the source of ``module``, the
    formatter's)."""
    code = code_digest(module, __name__) if fragments is not None else b""
    edges = graph.edges
    runs = fragments.edge_runs(graph) if fragments is not None else edge_runs(graph, keyed=False)

    def make(start: int, end: int) -> tuple[str]:
        return (text(edges[start:end]),)

    with open_store(fragments, name) as kept:
        for start, end, key in runs:
            yield start, kept.fetch(digest(code, key), functools.partial(make, start, end))[0]


def numbered(text: bytes, first: int, per_item: int = 1, mark: bytes = b"\x00") -> bytes:
    """``text`` with each ``mark`` replaced by ``e<n>``, counting items from ``first``.

    Each item holds ``per_item`` marks; parts of positional output (edge ids
    ``e0``, ``e1``, …) are kept with marks and numbered where they are written.

    >>> numbered(b"<a id=#/><b id=#/>", 7, mark=b"#")
    b'<a id=e7/><b id=e8/>'
    """
    pieces = text.split(mark)
    out = [pieces[0]]
    for k, piece in enumerate(pieces[1:]):
        out.append(b"e%d" % (first + k // per_item))
        out.append(piece)
    return b"".join(out)


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

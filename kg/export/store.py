"""The SPARQL store: the RDF dataset in an on-disk Oxigraph store, ``OUT/store``.

``kg build`` writes it beside the RDF files, as part of the same generation
(:mod:`kg.export.generation`): it is built in the staging folder and switched
with the other outputs, or not at all. ``kg query``, ``kg serve`` and
``Graph.query`` open it read-only instead of parsing ``graph.trig``, so a
question starts at once whatever the size of the graph.

What it holds:

- every quad of ``graph.nq`` in its named graph (one per document, plus the
  entity and gazetteer graphs), so ``GRAPH ?doc { … }`` reaches what one
  document states;
- the merged graph (``graph.ttl``: the union of the named graphs, each
  statement once) as the store's default graph. A query without ``GRAPH`` sees
  each fact once, however many documents state it; the documents and evidence
  sentences that state it are reached through the evidence resources
  (``prov:wasDerivedFrom``).

The store is a folder of binary files (RocksDB), not byte-identical between
builds; what is guaranteed is its content: exactly the quads of ``graph.nq``
plus the triples of ``graph.ttl`` in the default graph, whether it was
written afresh or updated.

Beside Oxigraph's files, the folder holds :data:`MANIFEST` (the files of the
store with their sizes and CRC-32s, and the sizes of the RDF files it mirrors)
and :data:`GRAPHS` (a key per named graph: a digest of everything the graph is
made from). A rebuild copies the previous store, checking every file against
the manifest (a store changed since, by a writable server say, is not reused),
and updates only the named graphs whose keys changed, keeping the default
graph the union of the named graphs; when many graphs changed (more than
:data:`INCREMENTAL_MAX_SHARE` of the documents), or when the previous store
cannot be trusted, the store is loaded afresh from ``graph.nq`` and
``graph.ttl`` instead, in a thread of its own (Oxigraph's loader releases the
interpreter, so the other outputs are written meanwhile).
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import threading
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import OutputError
from kg.export.generation import fsync_folder

if TYPE_CHECKING:
    from kg.export.rdf import NamedGraph, _DatasetBuilder
    from kg.graph import DocumentInfo, KnowledgeGraph

#: The store's folder in an output folder.
STORE_DIR = "store"
#: The manifest of a store folder (JSON): format, files, the RDF files it mirrors.
MANIFEST = "kg-store.json"
#: The key of each named graph of the store (a marshalled dict, CRC-32 in the manifest).
GRAPHS = "kg-store-graphs.bin"
#: The layout of the store; another value means another layout (the store is rewritten).
FORMAT = 1
#: A rebuild updates the previous store when at most this share of the documents'
#: graphs changed (or were added or removed), else loads the store afresh.
INCREMENTAL_MAX_SHARE = 0.2
#: The RDF files the store mirrors.
MIRRORS = ("graph.nq", "graph.ttl")

_CHUNK = 1 << 20

#: Whether this process has opened a store on disk: RocksDB then runs threads of its
#: own, whose locks a forked child would inherit held (see :func:`opened_on_disk`).
_opened_on_disk = False


def _disk_store(folder: Path, *, read_only: bool = False) -> ox.Store:
    """A store on disk (RocksDB), noted as opened in this process."""
    global _opened_on_disk
    _opened_on_disk = True
    return ox.Store.read_only(str(folder)) if read_only else ox.Store(str(folder))


def opened_on_disk() -> bool:
    """Whether this process has opened a store on disk: forking it is then unsafe
    (a child would wait forever on a lock one of RocksDB's threads held at the fork),
    so the build writes its RDF files without a forked writer."""
    return _opened_on_disk


class StoreError(OutputError):
    """The SPARQL store cannot be written or opened."""


def _crc_file(path: Path) -> tuple[int, int]:
    """Size and CRC-32 of a file, read in pieces."""
    crc, size = 0, 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
    return size, crc


def _fsync(path: Path) -> None:
    """Make a file's bytes durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems without it
        pass
    finally:
        os.close(fd)


def read_manifest(folder: Path, dir_fd: int | None = None) -> dict[str, Any] | None:
    """The manifest of a store folder, or None when missing, unreadable or of another format."""
    try:
        if dir_fd is not None:
            fd = os.open(MANIFEST, os.O_RDONLY, dir_fd=dir_fd)
            with os.fdopen(fd, "rb") as f:
                data = json.loads(f.read())
        else:
            data = json.loads((folder / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    files = data.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(v, list) and len(v) == 2 and all(type(x) is int for x in v)
        for v in files.values()
    ):
        return None
    return data


def _read_graph_keys(folder: Path, manifest: dict[str, Any]) -> dict[str, bytes] | None:
    entry = manifest["files"].get(GRAPHS)
    try:
        raw = (folder / GRAPHS).read_bytes()
    except OSError:
        return None
    if entry is None or [len(raw), zlib.crc32(raw)] != entry:
        return None
    try:
        keys = marshal.loads(raw)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(keys, dict):
        return None
    return keys


def copy_store(src: Path, dst: Path, manifest: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Copy the store folder ``src`` to ``dst`` (which must not exist), checking each file
    against ``manifest``: the same files, sizes and CRC-32s, else :class:`StoreError`
    (the store changed since it was written). Returns, for each copied file of the
    store, its size, CRC-32 and modification time in ``dst``.
    """
    files: dict[str, list[int]] = manifest["files"]
    try:
        present = {e.name for e in os.scandir(src)} - {MANIFEST}
    except OSError as exc:
        raise StoreError(f"{src}: cannot read the previous store: {exc.strerror}") from exc
    if present != set(files):
        raise StoreError(f"{src}: the previous store's files are not those it was written with")
    dst.mkdir(parents=True)
    copied: dict[str, tuple[int, int, int]] = {}
    for name in sorted(files):
        if name == GRAPHS:
            continue
        size_want, crc_want = files[name]
        crc, size = 0, 0
        with open(src / name, "rb") as f, open(dst / name, "wb") as g:
            while chunk := f.read(_CHUNK):
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                g.write(chunk)
        if [size, crc] != [size_want, crc_want]:
            raise StoreError(f"{src / name}: changed since the store was written")
        st = os.stat(dst / name)
        copied[name] = (size, crc, st.st_mtime_ns)
    return copied


def _finish_folder(
    folder: Path,
    keys: dict[str, bytes],
    mirrors: dict[str, int],
    known: dict[str, tuple[int, int, int]] | None = None,
) -> None:
    """Write the graph keys and the manifest of a closed store in ``folder``, every
    file on disk. ``known`` holds the size, CRC-32 and modification time of files
    whose CRC-32 is known already (copied from the previous store, unchanged)."""
    raw = marshal.dumps(keys)
    with open(folder / GRAPHS, "wb") as f:
        f.write(raw)
        f.flush()
        os.fsync(f.fileno())
    files: dict[str, list[int]] = {GRAPHS: [len(raw), zlib.crc32(raw)]}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name in (MANIFEST, GRAPHS) or not entry.is_file(follow_symlinks=False):
            continue
        path = Path(entry.path)
        st = entry.stat(follow_symlinks=False)
        hit = (known or {}).get(entry.name)
        if hit is not None and hit[0] == st.st_size and hit[2] == st.st_mtime_ns:
            files[entry.name] = [hit[0], hit[1]]
        else:
            size, crc = _crc_file(path)
            files[entry.name] = [size, crc]
        _fsync(path)
    manifest = {"format": FORMAT, "files": files, "mirrors": mirrors}
    with open(folder / MANIFEST, "w", encoding="utf-8") as f:
        json.dump(manifest, f, sort_keys=True, indent=1)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    fsync_folder(folder)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _statement_key(statements: Iterable[tuple[tuple[str, str, str], Any]]) -> bytes:
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    for (s, p, o), _ in statements:
        h.update(f"{s} {p} {o}\n".encode())
    return h.digest()


def _nt(q: ox.Quad) -> tuple[str, str, str]:
    return (str(q.subject), str(q.predicate), str(q.object))


class StoreWriter:
    """Writes the store of one build into ``folder`` (a staging folder's ``store``).

    :func:`kg.export.rdf.write_rdf` drives it while it writes the RDF files: it
    calls :meth:`begin` with the dataset's builder, :meth:`document` for each
    document (with a way to build its named graph, which is built only when the
    store needs it), :meth:`shared` with the entity and gazetteer graphs, and
    :meth:`finish` once the RDF files are complete. :meth:`wait` then returns the
    store's folder when it is written (a fresh load runs in a thread meanwhile).
    """

    def __init__(self, folder: str | os.PathLike[str], previous: str | os.PathLike[str] | None):
        self.folder = Path(folder)
        self.previous = Path(previous) if previous is not None else None
        self.keys: dict[str, bytes] = {}
        self.incremental = False
        #: What was done: "updated N of M graphs" or "loaded afresh (why)".
        self.how = ""
        self._old: dict[str, bytes] = {}
        self._store: ox.Store | None = None
        self._known: dict[str, tuple[int, int, int]] = {}
        self._code = b""
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._changed = 0

    # -- driven by write_rdf ----------------------------------------------------

    def begin(self, builder: _DatasetBuilder, documents: list[DocumentInfo]) -> None:
        """Compute every document graph's key and choose between an update of the
        previous store and a fresh load; for an update, copy the previous store."""
        from kg.export.fragments import code_digest, digest

        self._code = code_digest(
            "kg.export.rdf", "kg.vocab", __name__, packages=("pyoxigraph", "pypinyin")
        )
        code = self._code
        doc_keys = {f"{_doc_iri(d)}": digest(code, builder.document_inputs(d)) for d in documents}
        self.keys.update(doc_keys)
        why = self._previous_usable(doc_keys)
        if why:
            self.how = f"loaded afresh ({why})"
            return
        try:
            assert self.previous is not None
            manifest = read_manifest(self.previous)
            assert manifest is not None
            self._known = copy_store(self.previous, self.folder, manifest)
            self._store = _disk_store(self.folder)
        except (StoreError, OSError) as exc:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)
            self._store = None
            self.how = f"loaded afresh (the previous store cannot be reused: {exc})"
            return
        self.incremental = True

    def _previous_usable(self, doc_keys: dict[str, bytes]) -> str:
        """Why the previous store cannot be updated (empty when it can)."""
        if self.previous is None or not self.previous.is_dir():
            return "no previous store"
        manifest = read_manifest(self.previous)
        if manifest is None:
            return "the previous store has no manifest of this version"
        old = _read_graph_keys(self.previous, manifest)
        if old is None:
            return "the previous store's graph keys are damaged"
        self._old = old
        changed = sum(1 for k, v in doc_keys.items() if old.get(k) != v)
        changed += sum(1 for k in old if k not in self.keys and _is_document(k))
        if changed > INCREMENTAL_MAX_SHARE * max(len(doc_keys), 1):
            return f"{changed} of {len(doc_keys)} documents' graphs changed"
        return ""

    def document(self, doc: DocumentInfo, graph_of: Callable[[DocumentInfo], NamedGraph]) -> None:
        """A document of the dataset; its graph is built (``graph_of``) only when the store
        is updated and the document's key changed."""
        if not self.incremental:
            return
        iri = _doc_iri(doc)
        if self._old.get(iri) == self.keys[iri]:
            return
        self._replace(iri, graph_of(doc).statements)

    def shared(self, graphs: list[NamedGraph], names: Iterable[str]) -> None:
        """The dataset's shared graphs (built already); ``names`` are the IRIs of every
        shared graph there may be (an empty one is left out of ``graphs``)."""
        by_iri = {g.iri: g for g in graphs}
        for iri in names:
            ng = by_iri.get(iri)
            if ng is not None:
                self.keys[iri] = _statement_key(ng.statements)
            if self.incremental and self._old.get(iri) != self.keys.get(iri):
                self._replace(iri, ng.statements if ng is not None else [])

    def finish(self, nq: Path, ttl: Path) -> None:
        """The RDF files are complete: finish the update, or start the fresh load."""
        mirrors = {p.name: os.stat(p).st_size for p in (nq, ttl)}
        if self.incremental:
            assert self._store is not None
            for iri in sorted(self._old):  # graphs of documents no longer there
                if iri not in self.keys:
                    self._replace(iri, [])
            total = len(self.keys)
            self._store.flush()
            self._store = None  # closed: every reference is gone
            _finish_folder(self.folder, self.keys, mirrors, self._known)
            self.how = f"updated {self._changed} of {total} graphs"
            return

        def load() -> None:
            try:
                _load_fresh(self.folder, nq, ttl)
                _finish_folder(self.folder, self.keys, mirrors)
            except BaseException as exc:  # noqa: BLE001 - raised by wait()
                self._error = exc

        self._thread = threading.Thread(target=load, name="kg-store-load", daemon=True)
        self._thread.start()

    def wait(self) -> list[Path]:
        """The store's folder, once written; raises what went wrong."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            exc, self._error = self._error, None
            if isinstance(exc, OutputError | KeyboardInterrupt):
                raise exc
            raise StoreError(f"{self.folder}: cannot write the SPARQL store: {exc}") from exc
        return [self.folder]

    def abort(self) -> None:
        """Give up (an error elsewhere): wait for a load under way, drop the store."""
        with contextlib.suppress(BaseException):
            self.wait()
        self._store = None

    # -- updating one graph ----------------------------------------------------

    def _replace(
        self, iri: str, statements: list[tuple[tuple[str, str, str], tuple[Any, Any, Any]]]
    ) -> None:
        """Make the named graph ``iri`` hold ``statements``, keeping the default graph
        the union of the named graphs."""
        store = self._store
        assert store is not None
        g = ox.NamedNode(iri)
        old = {_nt(q): q for q in store.quads_for_pattern(None, None, None, g)}
        new = {k: terms for k, terms in statements}
        gone = [q for k, q in old.items() if k not in new]
        for q in gone:
            store.remove(q)
        default = ox.DefaultGraph()
        for q in gone:
            others = store.quads_for_pattern(q.subject, q.predicate, q.object, None)
            if not any(not isinstance(o.graph_name, ox.DefaultGraph) for o in others):
                store.remove(ox.Quad(q.subject, q.predicate, q.object, default))
        added = [terms for k, terms in new.items() if k not in old]
        store.extend(ox.Quad(s, p, o, g) for s, p, o in added)
        store.extend(ox.Quad(s, p, o, default) for s, p, o in added)
        if gone or added:
            self._changed += 1


def _is_document(iri: str) -> bool:
    from kg.vocab import ID_NS

    return iri.startswith(f"{ID_NS}document/")


def _doc_iri(doc: DocumentInfo) -> str:
    from kg.export.rdf import document_iri

    return str(document_iri(doc.key))


def _load_fresh(folder: Path, nq: Path, ttl: Path) -> None:
    """Load ``nq`` (the dataset) and ``ttl`` (the merged graph, as the default graph)
    into a new store in ``folder``, then close it with everything on disk."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    store = _disk_store(folder)
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS, lenient=True)
    store.bulk_load(
        path=str(ttl), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph(), lenient=True
    )
    store.flush()
    del store


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def has_store(out_dir: str | os.PathLike[str]) -> bool:
    """Whether ``out_dir`` holds a SPARQL store written by ``kg build``."""
    return read_manifest(Path(out_dir) / STORE_DIR) is not None


def store_mismatch(out_dir: str | os.PathLike[str], manifest: dict[str, Any]) -> str | None:
    """Why the store of ``out_dir`` does not belong with its RDF files, or None."""
    mirrors = manifest.get("mirrors")
    if not isinstance(mirrors, dict):
        return "its manifest names no RDF files"
    for name, size in sorted(mirrors.items()):
        try:
            now = os.stat(Path(out_dir) / name).st_size
        except OSError:
            continue  # a file removed since: the store is all there is
        if now != size:
            return f"{name} was written by another build than the store"
    return None


def open_store(out_dir: str | os.PathLike[str]) -> ox.Store | None:
    """The store of ``out_dir``, opened read-only; None when there is none that belongs
    with the folder's RDF files (see :func:`memory_store`).

    A store found missing or half gone (a build switching to a new one) is tried
    again.
    """
    import time

    folder = Path(out_dir) / STORE_DIR
    last: Exception | None = None
    for attempt in range(5):
        if attempt:
            time.sleep(0.05 * attempt)
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except FileNotFoundError as exc:
            last = exc
            continue
        except OSError as exc:
            raise StoreError(f"{folder}: cannot open the SPARQL store: {exc.strerror}") from exc
        try:
            manifest = read_manifest(folder, dir_fd=fd)
            if manifest is None:
                last = None
                continue
            if store_mismatch(out_dir, manifest):
                return None
            # by its path: RocksDB opens the store's files as it needs them, long after
            # this descriptor is closed (and its number reused)
            try:
                return _disk_store(folder, read_only=True)
            except OSError as exc:
                last = exc
        finally:
            os.close(fd)
    if isinstance(last, OSError) and not isinstance(last, FileNotFoundError):
        raise StoreError(f"{folder}: cannot open the SPARQL store: {last}") from last
    return None


def memory_store(out_dir: str | os.PathLike[str]) -> ox.Store:
    """An in-memory store of ``out_dir``'s RDF files, in the layout of the on-disk one:
    ``graph.trig`` (or ``graph.nq``) in its named graphs, the merged graph as the
    default graph. For output folders without a store (older builds)."""
    from kg.export.files import BUILD_INFO, find_output, left_out, open_output

    out = Path(out_dir)
    trig = find_output(out, "graph.trig", required=False)  # each plain or .gz
    nq = find_output(out, "graph.nq", required=False)
    source = trig if trig.is_file() else nq
    if not source.is_file():
        if (out / BUILD_INFO).is_file():  # a build that wrote neither (kg build --formats)
            raise OutputError(left_out(out, "graph.trig", ["store", "trig"]))
        raise OutputError(f"{trig}: no graph.trig here; run 'kg build DOCS --out {out}' first")
    store = ox.Store()
    fmt = ox.RdfFormat.TRIG if source is trig else ox.RdfFormat.N_QUADS
    try:
        if source.name.endswith(".gz"):
            with open_output(source) as f:
                store.bulk_load(input=f, format=fmt)
        else:
            store.bulk_load(path=str(source), format=fmt)
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    except (SyntaxError, OSError, ValueError) as exc:
        raise OutputError(f"{source}: cannot load: {exc}") from exc
    return store


def graph_store(graph: KnowledgeGraph) -> ox.Store:
    """An in-memory store of a knowledge graph, in the layout of the on-disk one."""
    from kg.export.rdf import ox_quads

    store = ox.Store()
    default = ox.DefaultGraph()

    def quads() -> Iterable[ox.Quad]:
        for q in ox_quads(graph):
            yield q
            yield ox.Quad(q.subject, q.predicate, q.object, default)

    store.extend(quads())
    return store

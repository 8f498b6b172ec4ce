"""A per-document cache of extractions, so that a rebuild re-extracts only what changed.

An entry is keyed by the SHA-256 of the cache format, the pipeline version, a
digest of the data tables the extraction reads (``data/gazetteer/`` under
:func:`kg.resources.data_dir`), the document's display name and the file's
bytes: change any of them and the key changes, so a new
:func:`kg.pipeline.pipeline_version` (a digest of the extraction code and the
shipped models) or an edited gazetteer table invalidates every entry without a sweep.

Every entry lives in one SQLite database in the cache folder
(:data:`DB_NAME`, table ``entries(key, value)``), read and written in batches:
one query for the lookups of a build, one transaction per batch of results.
Several builds may share a folder (SQLite locks it; a writer waits up to
:data:`BUSY_TIMEOUT_S`). The cache never fails a build: an entry that cannot be
read back is counted as corrupt, treated as a miss and overwritten by the
rebuild; a database file that is not one (or is damaged) is replaced by an
empty one; a database that stays locked only costs the entries of that batch.

Each value holds the document's summary for the graph (plain values, see
:func:`kg.graph.summarize`), its line of ``extractions.jsonl`` and then the
pickled entry, with a CRC-32: a build merges the graph from the summaries,
writes the lines as they are and unpickles an extraction only when something
asks for it. The cache trusts its folder: the entries are
pickles (of an :class:`~kg.types.Extraction` or a :class:`SkipEntry`) written by this project,
and unpickling runs code named by the data, so point ``--cache`` only at a
folder you own (the default is ``OUT/.cache``). Folders of the earlier
one-file-per-entry layout (``ab/abcd….pkl``) are ignored.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sqlite3
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from kg.errors import OutputError
from kg.gcpause import paused
from kg.graph import DocSummary, summarize
from kg.resources import TABLES_DIRNAME as TABLES_DIRNAME
from kg.resources import tables_digest as tables_digest
from kg.result import CacheStats
from kg.types import Extraction

#: Bumped when the layout of an entry changes (independent of the pipeline version):
#: "6" added the confidence of each entity and relation to the summary and the line;
#: "7" the stated time and modality of each relation and the document's figures.
CACHE_FORMAT = "7"

#: Name of the default cache folder inside the output folder (hidden, never an output).
DEFAULT_DIRNAME = ".cache"

#: The database file inside the cache folder.
DB_NAME = "extractions.sqlite3"

#: Layout of the database (``PRAGMA user_version``); another value means "not ours".
SCHEMA_VERSION = 1

#: How long a build waits for another build's write lock on a shared cache.
BUSY_TIMEOUT_S = 60.0


#: Keys per ``SELECT … IN (…)`` (well under SQLite's limit on bound parameters).
_SELECT_CHUNK = 500

#: Primary SQLite result codes meaning "this file is not a (sound) database".
_UNREADABLE_DB = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})

T = TypeVar("T")


def cache_key(data: bytes, name: str, version: str | None = None, tables: str | None = None) -> str:
    """The cache key of a file's bytes under its display name and a pipeline version.

    ``tables`` is the digest of the data tables (default: :func:`tables_digest`).

    >>> k = cache_key(b"abc", "a.txt", "1")
    >>> len(k), k == cache_key(b"abc", "a.txt", "1"), k == cache_key(b"abc", "a.txt", "2")
    (64, True, False)
    >>> k == cache_key(b"abc", "a.txt", "1", tables="edited")
    False
    """
    if version is None:
        from kg.pipeline import pipeline_version

        version = pipeline_version()
    if tables is None:
        tables = tables_digest()
    h = hashlib.sha256()
    for part in (CACHE_FORMAT, version, tables, name):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    h.update(data)
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class SkipEntry:
    """A cached outcome "this file cannot be read", with its reason."""

    reason: str


#: What a cache entry holds.
Entry = Extraction | SkipEntry


#: What a stored entry holds: the document's summary for the graph (``None`` for
#: a skipped file), its line of ``extractions.jsonl`` (UTF-8; empty for a skipped
#: file) and the pickled entry itself, the last two compressed (:func:`inflate`).
Stored = tuple[DocSummary | None, bytes, bytes]

_MAGIC = b"KGE7"
#: The head of a stored entry: a mark, the lengths of the summary and of the
#: line, and a CRC-32 of the rest.
_HEAD = struct.Struct("<4sIII")


def pack(entry: Entry, summary: DocSummary | None = None) -> bytes:
    """The bytes of one cache entry: its summary (see :func:`kg.graph.summarize`),
    its JSON line (the form of ``kg extract`` and ``extractions.jsonl``, under
    the document's display name), then the pickled entry, so that a build can
    merge the graph and write its outputs without unpickling any extraction.
    ``summary`` when already made."""
    return packed(entry, summary)[0]


def packed(entry: Entry, summary: DocSummary | None = None) -> tuple[bytes, bytes]:
    """:func:`pack`'s bytes and the compressed JSON line they hold (as :func:`split`
    gives it)."""
    line = b""
    if isinstance(entry, Extraction):
        from kg.export.jsonl import to_jsonl

        if summary is None:
            summary = summarize(entry)
        line = to_jsonl([entry], display_name=True).encode("utf-8")
    head = marshal.dumps(summary)
    # the line and the pickle compressed (about 4 times smaller): a build keeps
    # them in memory until they are written or asked for
    line = zlib.compress(line, 1)
    body = head + line + zlib.compress(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL), 1)
    return _HEAD.pack(_MAGIC, len(head), len(line), zlib.crc32(body)) + body, line


def dumps(entry: Entry) -> bytes:
    """The bytes of one cache entry (see :func:`pack`)."""
    return pack(entry)


def split(data: bytes) -> Stored:
    """The summary, JSON line and pickled entry of a stored entry (the last two
    compressed: see :func:`inflate`); ``ValueError`` when damaged."""
    try:
        magic, n, m, crc = _HEAD.unpack_from(data)
    except struct.error as exc:
        raise ValueError(f"unreadable cache entry: {exc}") from exc
    body = memoryview(data)[_HEAD.size :]
    if magic != _MAGIC or n + m > len(body) or zlib.crc32(body) != crc:
        raise ValueError("unreadable cache entry: damaged or of another format")
    try:
        summary = marshal.loads(body[:n])
    except (EOFError, ValueError, TypeError) as exc:
        raise ValueError(f"unreadable cache entry: {exc}") from exc
    return summary, bytes(body[n : n + m]), bytes(body[n + m :])


def inflate(data: bytes) -> bytes:
    """A line or pickle of :func:`split` as made (they are stored compressed)."""
    return zlib.decompress(data)


def unpickle(data: bytes) -> Entry:
    """The entry pickled (and compressed) by :func:`pack`; ``ValueError`` when it is not one."""
    try:
        obj = pickle.loads(zlib.decompress(data))
    except Exception as exc:  # any unreadable pickle: truncated, garbage, old classes
        raise ValueError(f"unreadable cache entry: {exc}") from exc
    if not isinstance(obj, Extraction | SkipEntry):
        raise ValueError(f"unexpected cache entry of type {type(obj).__name__}")
    return obj


def loads(data: bytes) -> Entry:
    """One cache entry from its bytes; ``ValueError`` when they are not an entry."""
    return unpickle(split(data)[2])


def rebind(entry: Extraction, path: str, name: str) -> Extraction:
    """An extraction made from the same bytes read elsewhere, as if read from ``path`` now.

    The document's path and display name, and the evidence that names the
    document by its path, are set to the ones given.
    """
    doc = entry.document
    if doc.path == path and doc.name == name:
        return entry
    relations = tuple(
        replace(r, evidence=replace(r.evidence, document=path))
        if r.evidence is not None and r.evidence.document == doc.path
        else r
        for r in entry.relations
    )
    return replace(entry, document=replace(doc, path=path, name=name), relations=relations)


def _unreadable(exc: sqlite3.DatabaseError) -> bool:
    """Whether ``exc`` says the file is not a database, or a damaged one."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _UNREADABLE_DB


class _NotOurs(sqlite3.DatabaseError):
    """A sound SQLite database of another layout in the cache's place."""

    sqlite_errorcode = sqlite3.SQLITE_NOTADB


class ExtractionCache:
    """Extractions on disk in one SQLite database, ``root/extractions.sqlite3``.

    Read many entries at once with :meth:`get_many`; write a batch in one
    transaction with :meth:`put_many`, or with :meth:`put` calls inside
    ``with cache.batch():``. The database is opened on first use; :meth:`close`
    (or leaving ``with ExtractionCache(...)``) releases it.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.path = self.root / DB_NAME
        self.stats = CacheStats()
        self._conn: sqlite3.Connection | None = None
        self._pending: list[tuple[str, bytes]] | None = None

    # -- the database ------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the cache folder {self.root}: {exc}") from exc
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            # SQLite's default synchronous=FULL: a system crash never damages the
            # file (with no fsync, one would empty the whole cache); it costs
            # about 0.1 s per 2,000 entries
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                conn.execute("BEGIN IMMEDIATE")
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version == 0:  # not made meanwhile by another build
                    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        conn.execute("ROLLBACK")
                        raise _NotOurs(f"{self.path}: a database of another layout")
                    conn.execute(
                        "CREATE TABLE entries (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL)"
                    )
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    version = SCHEMA_VERSION
                conn.execute("COMMIT")
            if version != SCHEMA_VERSION:
                raise _NotOurs(f"{self.path}: database layout {version}, not {SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _replace_database(self) -> None:
        """Start again from an empty database (the cache is only a cache)."""
        self.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _run(self, op: Callable[[sqlite3.Connection], T], default: T) -> T:
        """``op`` on the database; ``default`` when the database cannot serve it now.

        A file that is not a sound database is replaced and ``op`` tried once
        more; a lock held past the timeout or an I/O error gives ``default``.
        """
        for _ in range(2):
            try:
                return op(self._db())
            except sqlite3.ProgrammingError:  # a mistake here, not a bad file
                raise
            except sqlite3.DatabaseError as exc:
                if not _unreadable(exc):
                    return default  # locked, read-only, disk full: no cache this time
                try:
                    self._replace_database()
                except OSError:
                    return default
        return default

    def close(self) -> None:
        """Release the database (it is opened again when needed)."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        """The entry under ``key``, or ``None`` (a miss) when absent or unreadable."""
        return self.get_many([key])[0]

    def get_many(self, keys: Sequence[str]) -> list[Entry | None]:
        """The entries under ``keys``, in order; ``None`` (a miss) where absent or unreadable."""
        return self.decode(keys, self.rows(keys))

    def rows(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored bytes of those of ``keys`` that are in the cache (not yet read back).

        Quick: which documents need extracting is known before the slower
        :meth:`decode` of the others.
        """
        wanted = list(dict.fromkeys(keys))

        def select(db: sqlite3.Connection) -> dict[str, bytes]:
            rows: dict[str, bytes] = {}
            for i in range(0, len(wanted), _SELECT_CHUNK):
                chunk = wanted[i : i + _SELECT_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows.update(
                    db.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk)
                )
            return rows

        empty: dict[str, bytes] = {}
        return self._run(select, empty) if wanted else empty

    def decode(self, keys: Sequence[str], rows: dict[str, bytes]) -> list[Entry | None]:
        """The entries under ``keys`` from :meth:`rows`' bytes, in order, counted in :attr:`stats`;
        ``None`` (a miss) where absent or unreadable."""
        out: list[Entry | None] = []
        with paused():
            for s in self.stored(keys, rows):
                try:
                    out.append(None if s is None else unpickle(s[2]))
                except ValueError:  # intact bytes, but classes that no longer fit
                    self.stats.hits -= 1
                    self.stats.misses += 1
                    self.stats.corrupt += 1
                    out.append(None)
        return out

    def stored(self, keys: Sequence[str], rows: dict[str, bytes]) -> list[Stored | None]:
        """The summary, JSON line and pickled entry under each of ``keys`` from :meth:`rows`'
        bytes (see :func:`split`), in order, counted in :attr:`stats`; ``None`` (a miss)
        where absent or damaged.

        The entries themselves stay pickled: :func:`unpickle` reads one when needed.
        """
        found: dict[str, Stored] = {}
        corrupt: set[str] = set()
        with paused():
            for key, data in rows.items():
                try:
                    found[key] = split(data)
                except ValueError:
                    corrupt.add(key)
        out: list[Stored | None] = []
        for key in keys:
            entry = found.get(key)
            if entry is None:
                self.stats.misses += 1
                self.stats.corrupt += key in corrupt
            else:
                self.stats.hits += 1
            out.append(entry)
        return out

    # -- writing -----------------------------------------------------------

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store entries already serialised with :func:`dumps`, in one transaction."""
        rows = list(items)
        if not rows:
            return

        def insert(db: sqlite3.Connection) -> bool:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", rows)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            return True

        if self._run(insert, False):
            self.stats.written += len(rows)

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store an entry already serialised with :func:`dumps` (now, or with its batch)."""
        if self._pending is not None:
            self._pending.append((key, data))
        else:
            self.put_many([(key, data)])

    def put(self, key: str, entry: Entry) -> None:
        """Store one entry (now, or with its batch)."""
        self.put_bytes(key, dumps(entry))

    @contextmanager
    def batch(self) -> Iterator[ExtractionCache]:
        """Collect the :meth:`put` calls inside the block and write them in one transaction.

        Nothing is written when the block raises.
        """
        if self._pending is not None:  # nested: the outer batch writes
            yield self
            return
        self._pending = []
        try:
            yield self
            pending = self._pending
        finally:
            self._pending = None
        self.put_many(pending)

"""A per-document cache of extractions, so that a rebuild re-extracts only what changed.

An entry is keyed by the SHA-256 of the pipeline version, the document's display
name and the file's bytes: change any of the three and the key changes, so a new
:data:`kg.pipeline.PIPELINE_VERSION` invalidates every entry without a sweep.
Each entry is one pickled :class:`~kg.types.Extraction` (or the reason a file
was skipped), written atomically; an entry that cannot be read back is counted
as corrupt, treated as a miss and overwritten by the rebuild.

The cache trusts its folder: entries are pickles, so point ``--cache`` only at a
folder you own (the default is ``OUT/.cache``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from kg.types import Extraction

#: Bumped when the layout of an entry changes (independent of the pipeline version).
CACHE_FORMAT = "1"

#: Name of the default cache folder inside the output folder (hidden, never an output).
DEFAULT_DIRNAME = ".cache"


def cache_key(data: bytes, name: str, version: str | None = None) -> str:
    """The cache key of a file's bytes under its display name and a pipeline version.

    >>> k = cache_key(b"abc", "a.txt", "1")
    >>> len(k), k == cache_key(b"abc", "a.txt", "1"), k == cache_key(b"abc", "a.txt", "2")
    (64, True, False)
    """
    if version is None:
        from kg.pipeline import PIPELINE_VERSION

        version = PIPELINE_VERSION
    h = hashlib.sha256()
    for part in (CACHE_FORMAT, version, name):
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


@dataclass(slots=True)
class CacheStats:
    """How a build used the cache: entries found, missing, unreadable and written."""

    hits: int = 0
    misses: int = 0
    corrupt: int = 0
    written: int = 0

    def __str__(self) -> str:
        return (
            f"cache: {self.hits} hits, {self.misses} misses"
            + (f", {self.corrupt} corrupt" if self.corrupt else "")
            + f", {self.written} written"
        )


def dumps(entry: Entry) -> bytes:
    """The bytes of one cache entry."""
    return pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Entry:
    """One cache entry from its bytes; ``ValueError`` when they are not an entry."""
    try:
        obj = pickle.loads(data)
    except Exception as exc:  # any unreadable pickle: truncated, garbage, old classes
        raise ValueError(f"unreadable cache entry: {exc}") from exc
    if not isinstance(obj, Extraction | SkipEntry):
        raise ValueError(f"unexpected cache entry of type {type(obj).__name__}")
    return obj


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


class ExtractionCache:
    """Extractions on disk under ``root``, one file per key (``root/ab/abcdef….pkl``)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.stats = CacheStats()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pkl"

    def get(self, key: str) -> Entry | None:
        """The entry under ``key``, or ``None`` (a miss) when absent or unreadable."""
        try:
            data = self._path(key).read_bytes()
        except OSError:
            self.stats.misses += 1
            return None
        try:
            entry = loads(data)
        except ValueError:
            self.stats.corrupt += 1
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return entry

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store an entry already serialised with :func:`dumps` (atomically)."""
        from kg.export.atomic import write_bytes

        # atomic (readers never see half an entry) but not fsync'ed: an entry
        # lost to a power failure reads as corrupt and is rebuilt
        write_bytes(self._path(key), data, durable=False)
        self.stats.written += 1

    def put(self, key: str, entry: Entry) -> None:
        """Store one entry (atomically)."""
        self.put_bytes(key, dumps(entry))

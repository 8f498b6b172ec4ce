"""Build a knowledge graph from files: read each, extract, merge.

This is the orchestration layer between the edges (reading files) and the
core (``kg.pipeline``, ``kg.graph``); it prints nothing and reports progress
through a callback, so the CLI, the Python API and the notebooks share it.

Reading and extracting a file is independent of every other file, so it runs
in batches on an executor (:mod:`kg.executors`: this process, worker processes
or a Dask cluster), and each outcome can be kept in a per-document cache
(:mod:`kg.cache`). Outcomes are put back in input order before the graph is
merged, so neither the executor nor the cache changes a byte of the outputs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.cache import (
    CacheStats,
    Entry,
    ExtractionCache,
    SkipEntry,
    cache_key,
    dumps,
    loads,
    paused_gc,
    rebind,
    tables_digest,
)
from kg.errors import InputError
from kg.graph import KnowledgeGraph, build_graph
from kg.types import Extraction

#: With the default number of jobs, fewer documents than this are extracted in
#: this process: starting worker processes would cost more than it saves.
PARALLEL_MIN_DOCS = 200


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that could not be read, with a one-line reason and its display name."""

    path: str
    reason: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(slots=True)
class BuildResult:
    """What a build made: the graph, the per-document extractions, the skipped files.

    ``cache`` counts cache hits and misses when the build used a cache.
    """

    graph: KnowledgeGraph
    extractions: list[Extraction] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    cache: CacheStats | None = None

    @property
    def read(self) -> int:
        return len(self.extractions)


def process_path(path: str, name: str) -> Extraction | Skipped:
    """Read and extract one file; a bad file becomes a :class:`Skipped`, never an exception."""
    from kg.io import read_document
    from kg.pipeline import extract

    try:
        doc = read_document(path, name=name)
    except InputError as exc:
        return Skipped(path, exc.reason, name)
    return extract(doc)


def _entry(path: str, name: str) -> Entry:
    out = process_path(path, name)
    return SkipEntry(out.reason) if isinstance(out, Skipped) else out


def extract_batch(batch: list[tuple[str, str]]) -> list[Entry]:
    """Read and extract a batch of ``(path, display_name)`` pairs, in order."""
    return [_entry(path, name) for path, name in batch]


def extract_batch_pickled(batch: list[tuple[str, str]]) -> list[bytes]:
    """:func:`extract_batch` for another process: each outcome as cache-entry bytes.

    The bytes cross the process boundary once and go to the cache unchanged.
    """
    return [dumps(_entry(path, name)) for path, name in batch]


def _cache_lookup(
    items: Sequence[tuple[str, str]], cache: ExtractionCache
) -> tuple[list[Entry | None], list[str | None]]:
    """The cached entry (or ``None``) and the cache key (``None``: unreadable) of each item."""
    keys: list[str | None] = []
    tables = tables_digest()
    for path, name in items:
        try:
            data = Path(path).read_bytes()
        except OSError:  # the reader will say why
            keys.append(None)
            continue
        keys.append(cache_key(data, name, tables=tables))
    found = iter(cache.get_many([k for k in keys if k is not None]))
    entries = [None if k is None else next(found) for k in keys]
    return entries, keys


def extract_paths(
    items: Sequence[tuple[str, str]],
    *,
    progress: Callable[[int], object] | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    cache: ExtractionCache | None = None,
) -> tuple[list[Extraction], list[Skipped]]:
    """Process ``(path, display_name)`` pairs; returns extractions and skips in input order.

    ``jobs`` worker processes (default: one per core, or this process alone for
    fewer than :data:`PARALLEL_MIN_DOCS` documents); ``executor`` ``"dask"``
    sends batches to the Dask cluster at ``scheduler``. With a ``cache``,
    documents already extracted with the same bytes, name and pipeline version
    are taken from it and only the others are extracted.
    """
    from kg.executors import InProcess, batch_size, batches, get_executor

    n = len(items)
    if cache is not None:
        entries, keys = _cache_lookup(items, cache)
        hits = sum(e is not None for e in entries)
        if progress is not None and hits:
            progress(hits)
    else:
        entries, keys = [None] * n, [None] * n
    todo = [i for i in range(n) if entries[i] is None]

    if executor == "local" and ((jobs is None and len(todo) < PARALLEL_MIN_DOCS) or len(todo) <= 1):
        runner = get_executor("local", jobs=1)
    else:
        runner = get_executor(executor, jobs=jobs, scheduler=scheduler)
    with runner as ex:
        size = batch_size(len(todo), ex.workers, max_batch=ex.max_batch)
        chunks = batches(todo, size)
        # remote workers have their own working folder: give them absolute paths
        # (results are rebound to the paths as given below)
        where = os.path.abspath if executor == "dask" else str
        work = [[(where(items[i][0]), items[i][1]) for i in chunk] for chunk in chunks]
        if isinstance(ex, InProcess):
            for b, outs in ex.map_unordered(extract_batch, work):
                for i, fresh in zip(chunks[b], outs, strict=True):
                    entries[i] = fresh
                if cache is not None:  # one transaction per batch
                    cache.put_many(
                        (key, dumps(fresh))
                        for i, fresh in zip(chunks[b], outs, strict=True)
                        if (key := keys[i]) is not None
                    )
                if progress is not None:
                    progress(len(outs))
        else:
            for b, blobs in ex.map_unordered(extract_batch_pickled, work):
                with paused_gc():
                    for i, blob in zip(chunks[b], blobs, strict=True):
                        entries[i] = loads(blob)
                if cache is not None:  # one transaction per batch
                    cache.put_many(
                        (key, blob)
                        for i, blob in zip(chunks[b], blobs, strict=True)
                        if (key := keys[i]) is not None
                    )
                if progress is not None:
                    progress(len(blobs))

    extractions: list[Extraction] = []
    skipped: list[Skipped] = []
    for (path, name), entry in zip(items, entries, strict=True):
        if isinstance(entry, SkipEntry):
            skipped.append(Skipped(path, entry.reason, name))
        elif entry is not None:
            extractions.append(rebind(entry, path, name))
    return extractions, skipped


def open_cache(cache_dir: str | os.PathLike[str] | None) -> ExtractionCache | None:
    """The cache in ``cache_dir``, or none."""
    return None if cache_dir is None else ExtractionCache(cache_dir)


def build(
    paths: Iterable[str],
    *,
    items: Sequence[tuple[str, str]] | None = None,
    progress: Callable[[int], object] | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> BuildResult:
    """Read every document under ``paths`` (files or folders) and build one graph.

    ``items`` are the ``(path, display_name)`` pairs when the caller has already
    listed the files (see :func:`kg.io.discover`). ``jobs``, ``executor`` and
    ``scheduler`` say where extraction runs, ``cache_dir`` where extractions
    are kept between builds (see :func:`extract_paths`); none of them changes
    the result.
    """
    from kg.io import discover

    if items is None:
        items = discover(list(paths))
    cache = open_cache(cache_dir)
    try:
        extractions, skipped = extract_paths(
            items,
            progress=progress,
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
            cache=cache,
        )
    finally:
        if cache is not None:
            cache.close()
    return BuildResult(
        graph=build_graph(extractions),
        extractions=extractions,
        skipped=skipped,
        cache=cache.stats if cache is not None else None,
    )

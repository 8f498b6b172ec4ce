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
from typing import TYPE_CHECKING, Any, overload

from kg.cache import (
    Entry,
    ExtractionCache,
    SkipEntry,
    Stored,
    cache_key,
    inflate,
    pack,
    packed,
    rebind,
    split,
    tables_digest,
    unpickle,
)
from kg.errors import InputError, KGError
from kg.executors import PARALLEL_MIN_DOCS, start_worker_server_for
from kg.gcpause import paused
from kg.graph import DocSummary, Merger, build_graph, slice_years, summarize
from kg.result import BuildResult as BuildResult
from kg.result import Skipped as Skipped
from kg.types import Extraction

if TYPE_CHECKING:
    from kg.corrections import Correction
    from kg.io.discover import Listing


class Extractions(Sequence[Extraction]):
    """A build's extractions in input order, with their summaries and JSON lines.

    Extractions read from the cache (or sent by a worker process) stay pickled
    and are unpickled each time one is asked for (not kept: memory stays that
    of the pickles): a build merges the graph from the summaries alone
    (:func:`kg.graph.merge`) and writes ``extractions.jsonl`` from the lines.
    Compares equal to any sequence of the same extractions.
    """

    def __init__(self) -> None:
        self._items: list[Extraction | tuple[bytes, str, str]] = []
        #: One :data:`kg.graph.DocSummary` per extraction, in the same order.
        self.summaries: list[DocSummary] = []
        self._lines: list[bytes | None] = []
        #: The summaries merged already, as they came (see :func:`kg.graph.build_graph`).
        self.merger: Merger | None = None

    def add(
        self,
        item: Extraction | tuple[bytes, str, str],
        summary: DocSummary,
        line: bytes | None = None,
    ) -> None:
        """Add an extraction, or ``(pickled entry, path, display name)`` to read when used,
        with its summary and its JSON line (both as :func:`kg.cache.split` gives them)."""
        self._items.append(item)
        self.summaries.append(summary)
        self._lines.append(line)

    def line(self, i: int) -> bytes | None:
        """The line of ``extractions.jsonl`` (UTF-8) of extraction ``i``, or ``None`` where
        none was made beside it."""
        line = self._lines[i]
        return None if line is None else inflate(line)

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, i: int) -> Extraction: ...
    @overload
    def __getitem__(self, i: slice) -> list[Extraction]: ...
    def __getitem__(self, i: int | slice) -> Extraction | list[Extraction]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        item = self._items[i]
        if isinstance(item, tuple):
            data, path, name = item
            entry = unpickle(data)
            if not isinstance(entry, Extraction):  # pragma: no cover - summaries say which
                raise TypeError(f"{path}: a cached entry is not an extraction")
            return rebind(entry, path, name)
        return item

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return f"<{len(self)} extractions>"


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
    return [pack(_entry(path, name)) for path, name in batch]


def _cache_keys(items: Sequence[tuple[str, str]]) -> list[str | None]:
    """The cache key of each item (``None``: the file cannot be read; the reader will say why).

    A file of an unsupported type, over the size limit or not a regular file
    (a named pipe would block) is never opened here: its reader names it.
    """
    from kg.io.readers import MAX_BYTES, SUPPORTED_SUFFIXES, check_file, suffix_of

    keys: list[str | None] = []
    tables = tables_digest()
    for path, name in items:
        if suffix_of(path) not in SUPPORTED_SUFFIXES:
            keys.append(None)
            continue
        try:
            check_file(path, MAX_BYTES)
            with open(path, "rb") as f:
                data = f.read(MAX_BYTES + 1)
        except (InputError, OSError):
            keys.append(None)
            continue
        keys.append(cache_key(data, name, tables=tables) if len(data) <= MAX_BYTES else None)
    return keys


def _runner(executor: str, jobs: int | None, scheduler: str | None, todo: int, hits: int) -> Any:
    """The executor for ``todo`` documents to extract while ``hits`` are read from the cache.

    This process alone for ``--jobs 1`` and, with the default number of jobs,
    for fewer than :data:`PARALLEL_MIN_DOCS` documents, unless as many are
    read from the cache meanwhile: then worker processes (even one) start while
    this process reads, so their start-up costs no time.
    """
    from kg.executors import ProcessPool, default_jobs, get_executor

    if executor != "local":
        return get_executor(executor, jobs=jobs, scheduler=scheduler)
    if jobs == 1 or todo == 0:
        return get_executor("local", jobs=1)
    workers = jobs or default_jobs()
    if hits >= PARALLEL_MIN_DOCS and workers > 1:
        return ProcessPool(min(workers, todo))
    if (jobs is None and todo < PARALLEL_MIN_DOCS) or todo <= 1:
        return get_executor("local", jobs=1)
    return get_executor("local", jobs=jobs)


def extract_paths(
    items: Sequence[tuple[str, str]],
    *,
    progress: Callable[[int], object] | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    cache: ExtractionCache | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[Extractions, list[Skipped]]:
    """Process ``(path, display_name)`` pairs; returns extractions and skips in input order.

    ``jobs`` worker processes (default: one per core, or this process alone for
    fewer than :data:`PARALLEL_MIN_DOCS` documents); ``executor`` ``"dask"``
    sends batches to the Dask cluster at ``scheduler``. With a ``cache``,
    documents already extracted with the same bytes, name and pipeline version
    are taken from it and only the others are extracted, while this process
    reads the cached ones. Extractions that come pickled (from the cache or a
    worker process) stay so until used (see :class:`Extractions`).
    ``meanwhile`` is called once while the workers run (to load what the next
    stage needs, say), or before extraction when it runs in this process.
    """
    from kg.executors import InProcess, batch_size, batches

    n = len(items)
    # worker processes will run (to extract, or to re-extract what changed while
    # this process reads the cache): their tables load meanwhile
    if executor == "local":
        start_worker_server_for(n, jobs)
    keys: list[str | None] = [None] * n
    rows: dict[str, bytes] = {}
    if cache is not None:
        keys = _cache_keys(items)
        rows = cache.rows([k for k in keys if k is not None])
        cache.stats.misses += sum(k is not None and k not in rows for k in keys)
    todo = [i for i in range(n) if keys[i] not in rows]
    # each item's outcome: an extraction made here, or a stored one, or a skip
    fresh: dict[int, tuple[Extraction, DocSummary, bytes]] = {}
    stored: dict[int, Stored] = {}
    skips: dict[int, str] = {}
    # the graph is merged as summaries come: the cached ones while workers
    # extract the others, theirs as each batch comes back
    merger = Merger()
    to_merge: list[DocSummary] = []
    origins: list[str | None] = []  # their cache keys (what each was made from)

    def named(i: int, summary: DocSummary) -> DocSummary:
        """The summary under the name the outputs use: that of the file as given now
        (the cache key holds the same name, but for an empty one)."""
        path, name = items[i]
        return (name or path, *summary[1:])

    def keep(i: int, s: Stored) -> None:
        if s[0] is None:  # a skipped file: the pickle is only its reason
            entry = unpickle(s[2])
            skips[i] = entry.reason if isinstance(entry, SkipEntry) else "unreadable"
        else:
            stored[i] = s
            to_merge.append(named(i, s[0]))
            origins.append(keys[i])

    def merge_kept() -> None:
        merger.add(to_merge, origins)
        to_merge.clear()
        origins.clear()

    def made_here(indices: list[int], outs: list[Entry]) -> None:
        blobs = []
        for i, entry in zip(indices, outs, strict=True):
            if isinstance(entry, SkipEntry):
                skips[i] = entry.reason
                blobs.append(pack(entry))
            else:
                blob, line = packed(entry, summary := summarize(entry))
                fresh[i] = (entry, summary, line)
                blobs.append(blob)
                to_merge.append(named(i, summary))
                origins.append(keys[i])
        store(indices, blobs)
        merge_kept()

    def store(indices: list[int], blobs: list[bytes]) -> None:
        if cache is not None:  # one transaction per batch
            cache.put_many(
                (key, blob) for i, blob in zip(indices, blobs, strict=True) if (key := keys[i])
            )

    def read_cached() -> list[int]:
        """Read the cached entries; returns the indices of those that cannot be read."""
        if cache is None:
            return []
        hit = [i for i in range(n) if keys[i] in rows]
        found = cache.stored([keys[i] or "" for i in hit], rows)
        rows.clear()
        damaged = []
        for i, s in zip(hit, found, strict=True):
            if s is None:
                damaged.append(i)
            else:
                keep(i, s)
        if progress is not None and hit:
            progress(len(hit) - len(damaged))
        return damaged

    with _runner(executor, jobs, scheduler, len(todo), n - len(todo)) as ex:
        size = batch_size(len(todo), ex.workers, max_batch=ex.max_batch)
        chunks = batches(todo, size)
        # remote workers have their own working folder: give them absolute paths
        # (results are rebound to the paths as given below)
        where = os.path.abspath if executor == "dask" else str
        work = [[(where(items[i][0]), items[i][1]) for i in chunk] for chunk in chunks]
        # the work goes to the workers, if any, first (see kg.executors); then the
        # cache is read meanwhile (here, extraction waits until it is iterated)
        if isinstance(ex, InProcess):
            made = ex.map_unordered(extract_batch, work)
        else:
            sent = ex.map_unordered(extract_batch_pickled, work)
        damaged = read_cached()
        if meanwhile is not None:
            meanwhile()
        merge_kept()
        if isinstance(ex, InProcess):
            for b, outs in made:
                made_here(chunks[b], outs)
                if progress is not None:
                    progress(len(outs))
        else:
            for b, blobs in sent:
                with paused():
                    for i, blob in zip(chunks[b], blobs, strict=True):
                        keep(i, split(blob))
                store(chunks[b], blobs)
                merge_kept()
                if progress is not None:
                    progress(len(blobs))
    # entries found but damaged (rare): extracted here, and stored again
    if damaged:
        made_here(damaged, extract_batch([items[i] for i in damaged]))
        if progress is not None:
            progress(len(damaged))

    extractions = Extractions()
    skipped: list[Skipped] = []
    for i, (path, name) in enumerate(items):
        if i in skips:
            skipped.append(Skipped(path, skips[i], name))
            continue
        # the name the outputs use is that of the file as given now (the line was
        # made under the name the cache key holds: the same but for an empty one)
        if i in fresh:
            entry, summary, line = fresh[i]
            extractions.add(rebind(entry, path, name), named(i, summary), line if name else None)
        elif i in stored:
            kept, line, data = stored[i]
            if kept is not None:
                extractions.add((data, path, name), named(i, kept), line if name else None)
    extractions.merger = merger
    return extractions, skipped


def open_cache(cache_dir: str | os.PathLike[str] | None) -> ExtractionCache | None:
    """The cache in ``cache_dir``, or none."""
    return None if cache_dir is None else ExtractionCache(cache_dir)


def reading_warnings(extractions: Extractions | Sequence[Extraction]) -> list[tuple[str, str]]:
    """``(display name, message)`` for each document read with invalid bytes replaced."""
    from kg.io.encoding import replaced_positions

    summaries = getattr(extractions, "summaries", None)
    if summaries is not None:
        pairs = [(s[0], s[4]) for s in summaries]
    else:
        pairs = [(x.document.display_name, x.document.encoding) for x in extractions]
    return sorted((name, note) for name, enc in pairs if (note := replaced_positions(enc)))


def build(
    paths: Iterable[str],
    *,
    items: Sequence[tuple[str, str]] | None = None,
    listed: Listing | None = None,
    follow_links: bool = False,
    exclude: Sequence[str | os.PathLike[str]] = (),
    progress: Callable[[int], object] | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    meanwhile: Callable[[], object] | None = None,
    min_confidence: float = 0.0,
    corrections: Sequence[Correction] | None = None,
    since: int | None = None,
    until: int | None = None,
) -> BuildResult:
    """Read every document under ``paths`` (files or folders) and build one graph.

    ``items`` are the ``(path, display_name)`` pairs when the caller has already
    listed the files (see :func:`kg.io.discover`), ``listed`` the whole
    :class:`~kg.io.discover.Listing` (its entries not read count as skipped);
    otherwise ``paths`` are scanned, following links out of the input folders
    with ``follow_links`` and never reading the folders in ``exclude``
    (see :func:`kg.io.discover.scan`). ``jobs``, ``executor`` and
    ``scheduler`` say where extraction runs, ``cache_dir`` where extractions
    are kept between builds, ``meanwhile`` what to do while workers extract
    (see :func:`extract_paths`); none of them changes the result.

    ``min_confidence`` (0 to 1, else :class:`~kg.errors.KGError`) leaves out of
    the graph the relations stated in a text below it and the entities then
    left with no such relation and a lower confidence of their own (see
    :func:`kg.graph.filter_confidence`). It is applied after extraction: the
    cache holds every extraction whole, whatever the minimum.

    ``corrections`` (see :mod:`kg.corrections`) are applied to the graph last, in
    order; what each did (or that it is stale) is in ``graph.corrections``. Then
    ``since`` and ``until`` (years) cut the graph to what is stated for those years
    (see :func:`kg.graph.slice_years`).
    """
    from kg.graph import check_min_confidence
    from kg.io.discover import scan

    min_confidence = check_min_confidence(min_confidence)

    if listed is None and items is None:
        listed = scan(list(paths), follow_links=follow_links, exclude=exclude)
    if items is None:
        assert listed is not None
        items = listed.items
    cache = open_cache(cache_dir)
    try:
        extractions, skipped = extract_paths(
            items,
            progress=progress,
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
            cache=cache,
            meanwhile=meanwhile,
        )
    finally:
        if cache is not None:
            cache.close()
    if listed is not None:
        skipped = [Skipped(path, reason, name) for path, name, reason in listed.skipped] + skipped
    graph = build_graph(extractions, min_confidence=min_confidence)
    if corrections:
        from kg.corrections import apply_corrections

        graph = apply_corrections(graph, corrections)
    if since is not None and until is not None and since > until:
        raise KGError(f"since ({since}) is after until ({until})")
    graph = slice_years(graph, since, until)
    return BuildResult(
        graph=graph,
        extractions=extractions,
        skipped=skipped,
        cache=cache.stats if cache is not None else None,
        warnings=reading_warnings(extractions),
        notes=list(listed.notes) if listed is not None else [],
        min_confidence=min_confidence,
        since=since,
        until=until,
    )

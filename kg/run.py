"""One build, from the input paths to the output folder: the sequence ``kg build``, the
Python API (:func:`kg.api.build`, :meth:`kg.api.Graph.write`) and the benchmark share.

1. the corrections are read (a malformed file fails the build before anything is read);
2. the inputs are listed (:func:`kg.io.discover.scan`; the output folder is never read);
3. the worker processes' server starts loading the tables, when workers will run;
4. with the output folder's lock held: the cache is read and the other documents are
   extracted on an executor, the graph merged as they come (:func:`kg.builder.build`),
   then the outputs are written (:func:`kg.export.outputs.write_outputs`).

It prints nothing: what happens is reported as :class:`BuildEvent` values to an
``on_event`` callback (the command line turns them into its progress bar and its
messages; the benchmark reads the time of each stage and each output from them).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.corrections import Correction
    from kg.export.buildinfo import BuildInfo
    from kg.result import BuildResult

PathLike = str | os.PathLike[str]

#: The kinds of :class:`BuildEvent`, in the order a build reports them.
EVENT_KINDS: tuple[str, ...] = (
    "corrections",  # name: a corrections file that will be applied
    "note",  # message: a note of the listing (a link followed, say)
    "listed",  # count: the files to read (a progress bar's total)
    "read",  # count: files just done (read from the cache or extracted, or not readable)
    "extracted",  # every document is read and the graph merged
    "skipped",  # name: a path not read, message: why
    "warning",  # name: a document, message: what was wrong with it (bytes replaced)
    "stage",  # name: a stage that ended, seconds: how long it took
    "output",  # name: an output written by this process, seconds: how long it took
)


@dataclass(frozen=True, slots=True)
class BuildEvent:
    """Something a build reports while it runs (see :data:`EVENT_KINDS`)."""

    kind: str
    count: int = 0
    name: str = ""
    message: str = ""
    seconds: float = 0.0


@dataclass(slots=True)
class BuildRun:
    """What :func:`run_build` made: the build's result and the output files written."""

    result: BuildResult
    written: list[Path] = field(default_factory=list)


def _corrections(
    paths: Sequence[str],
    corrections: Sequence[Correction] | PathLike | None,
    find_corrections: bool,
) -> tuple[list[Correction], list[str]]:
    """The corrections to apply and the files they come from."""
    from kg.corrections import default_corrections, read_corrections

    if corrections is None or isinstance(corrections, str | os.PathLike):
        files = [os.fspath(corrections)] if corrections is not None else []
        if not files and find_corrections:
            files = [str(p) for p in default_corrections(paths)]
        return [c for f in files for c in read_corrections(f)], files
    return list(corrections), []


def run_build(
    paths: Iterable[PathLike],
    *,
    out_dir: PathLike | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    cache_dir: PathLike | None = None,
    min_confidence: float = 0.0,
    corrections: Sequence[Correction] | PathLike | None = None,
    find_corrections: bool = False,
    since: int | None = None,
    until: int | None = None,
    follow_links: bool = False,
    exclude: Sequence[PathLike] = (),
    shards: int | None = None,
    formats: str | Sequence[str] | None = None,
    compress: bool = False,
    on_event: Callable[[BuildEvent], object] | None = None,
) -> BuildRun:
    """Build the graph of the documents under ``paths`` and, with ``out_dir``, write its
    outputs there; returns the result and the paths written.

    ``jobs``, ``executor`` and ``scheduler`` say where extraction runs,
    ``cache_dir`` where extractions are kept between builds (``None``: no cache);
    ``min_confidence``, ``since`` and ``until`` what the graph keeps (see
    :func:`kg.builder.build`). ``corrections`` is a corrections file or a list of
    :class:`~kg.corrections.Correction`; with ``find_corrections`` and no
    file given, the ``corrections.tsv`` beside an input folder is applied.
    ``follow_links`` and ``exclude`` are those of :func:`kg.io.discover.scan`
    (the output folder is always excluded). ``shards`` also writes the dataset
    as that many N-Quads files. ``formats`` chooses the outputs (names of
    :data:`kg.export.files.OUTPUT_FORMATS`; default: all) and ``compress`` writes
    them gzip-compressed (see :func:`kg.export.outputs.write_outputs`); an unknown
    format is an :class:`~kg.errors.UnknownNameError` before anything is read.
    ``on_event`` is given a :class:`BuildEvent` for
    each step (see :data:`EVENT_KINDS`).

    Errors are those of the steps: :class:`~kg.errors.KGError` (a malformed
    corrections file, an output folder in use…), ``OSError``; on any error the
    previous outputs in ``out_dir`` stay as they were.
    """
    from kg.export.files import parse_formats
    from kg.io.discover import scan

    def emit(
        kind: str, *, count: int = 0, name: str = "", message: str = "", seconds: float = 0.0
    ) -> None:
        if on_event is not None:
            on_event(BuildEvent(kind, count, name, message, seconds))

    chosen = parse_formats(formats)  # an unknown name fails before anything is read
    names = [os.fspath(p) for p in paths]
    # a malformed corrections file fails the build before anything is read
    fixes, files = _corrections(names, corrections, find_corrections)
    for f in files:
        emit("corrections", name=f)

    start = time.perf_counter()
    excluded = [*exclude, *([out_dir] if out_dir is not None else [])]
    listed = scan(names, follow_links=follow_links, exclude=excluded)
    for note in listed.notes:
        emit("note", message=note)
    emit("stage", name="discover", seconds=time.perf_counter() - start)
    if executor == "local":
        from kg.executors import start_worker_server_for

        # first of all: the workers' tables load while the rest is imported
        start_worker_server_for(len(listed.items), jobs)

    from kg.builder import build

    with contextlib.ExitStack() as held:
        if out_dir is not None:
            from kg.export.generation import output_lock
            from kg.export.outputs import prepare

            # held from the start: a second build into OUT is refused before it extracts
            held.enter_context(output_lock(out_dir))
        emit("listed", count=len(listed.items))
        start = time.perf_counter()
        result = build(
            names,
            listed=listed,
            progress=lambda n: emit("read", count=n),
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
            cache_dir=cache_dir,
            # the exporters load while workers extract (only when outputs are written)
            meanwhile=None if out_dir is None else lambda: prepare(cache_dir),
            min_confidence=min_confidence,
            corrections=fixes,
            since=since,
            until=until,
        )
        emit("extracted")
        emit("stage", name="read, extract and merge", seconds=time.perf_counter() - start)
        for s in result.skipped:
            emit("skipped", name=s.path, message=s.reason)
        for name, warning in result.warnings:
            emit("warning", name=name, message=warning)
        if out_dir is None:
            return BuildRun(result)
        written = write_build_outputs(
            result,
            out_dir,
            fragments=cache_dir,
            shards=shards,
            formats=chosen,
            compress=compress,
            on_event=on_event,
        )
    return BuildRun(result, written)


def write_build_outputs(
    result: BuildResult,
    out_dir: PathLike,
    *,
    info: BuildInfo | None = None,
    fragments: PathLike | None = None,
    shards: int | None = None,
    formats: str | Sequence[str] | None = None,
    compress: bool = False,
    on_event: Callable[[BuildEvent], object] | None = None,
) -> list[Path]:
    """The last step of :func:`run_build`: write the outputs of ``result`` into ``out_dir``
    (see :func:`kg.export.outputs.write_outputs`); returns the paths written, sorted.

    :meth:`kg.api.Graph.write` calls it for a graph built or reloaded earlier
    (``info`` then says what its build read and skipped).
    """
    from kg.export.outputs import write_outputs

    def timed(name: str, seconds: float) -> None:
        if on_event is not None:
            on_event(BuildEvent("output", name=name, seconds=seconds))

    start = time.perf_counter()
    written = write_outputs(
        result,
        Path(out_dir),
        info=info,
        fragments=fragments,
        shards=shards,
        on_output=timed,
        formats=formats,
        compress=compress,
    )
    if on_event is not None:
        on_event(BuildEvent("stage", name="outputs", seconds=time.perf_counter() - start))
    return written

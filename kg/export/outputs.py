"""Write every output of a build into one folder, each file atomically.

The RDF files take the longest to write, and no output depends on another: for
a large graph on Linux, with a spare core and memory, a forked copy of this
process writes the four RDF files (in one pass: each document's named graph is
built once for all four) while this one writes the other outputs, and the
forked one then takes those not yet taken, so the two cores stay busy whether
the RDF files take most of the time (a first build) or little (a rebuild that
reuses kept parts). The files are the same bytes either way.
"""

from __future__ import annotations

import functools
import gc
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from kg.errors import KGError, OutputError
from kg.export.buildinfo import BuildInfo
from kg.export.fragments import Fragments
from kg.gcpause import paused
from kg.graph import KnowledgeGraph
from kg.result import BuildResult
from kg.types import Extraction

#: With at least this many documents (and ``parallel`` left to ``None``), the
#: outputs are written by this process and a forked one together.
PARALLEL_MIN_DOCS = 200

#: A graph with more relations than this has its RDF files written by the building
#: process itself, not by a forked one that would soon double the memory (see
#: :func:`_fork_rdf`).
FORK_MAX_EDGES = 100_000


class _TaskQueue:
    """Indices ``0 … n-1`` handed out once each, to this process and a forked one."""

    def __init__(self, n: int) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        self._n = n
        self._next = ctx.RawValue("i", 0)
        self._lock = ctx.Lock()

    def take(self) -> int | None:
        with self._lock:
            i = self._next.value
            if i >= self._n:
                return None
            self._next.value = i + 1
            return i


class _Forked:
    """``fn(graph, out)`` in a forked child; :meth:`wait` returns its result or raises its error.

    The child shares the parent's memory copy-on-write (nothing is pickled on
    the way in); only the returned paths, or the exception, come back through a pipe.
    """

    def __init__(
        self, fn: Callable[[KnowledgeGraph, Path], list[Path]], graph: KnowledgeGraph, out: Path
    ) -> None:
        r, w = os.pipe()
        # objects that exist now are left out of the child's garbage collections,
        # which would otherwise write to (and so copy) every page of the parent's heap
        gc_enabled = gc.isenabled()
        gc.disable()
        gc.freeze()
        pid = -1
        try:
            pid = os.fork()
        finally:
            if pid != 0:
                gc.unfreeze()
            if gc_enabled:
                gc.enable()
        if pid == 0:  # the child: never returns into the caller's code
            code = 1
            try:
                from kg.lifeline import end_with

                end_with(os.getppid())  # a killed build leaves no writer behind
                os.close(r)
                try:
                    payload = pickle.dumps((True, [str(p) for p in fn(graph, out)]))
                    code = 0
                except BaseException as exc:  # noqa: BLE001 - sent to the parent as it is
                    try:
                        payload = pickle.dumps((False, exc))
                        pickle.loads(payload)  # some exceptions pickle but cannot be rebuilt
                    except Exception:  # noqa: BLE001 - sent as a message instead
                        payload = pickle.dumps((False, OutputError(f"{out}: {exc}")))
                with os.fdopen(w, "wb") as f:
                    f.write(payload)
            finally:
                os._exit(code)
        os.close(w)
        self.pid, self._r, self._out = pid, r, out

    def wait(self) -> list[Path]:
        with os.fdopen(self._r, "rb") as f:
            data = f.read()
        _, status = os.waitpid(self.pid, 0)
        try:
            ok, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - the child died before it could say why
            raise OutputError(
                f"{self._out}: the process writing the RDF files ended abnormally "
                f"(wait status {status})"
            ) from None
        if not ok:
            if isinstance(value, KGError | OSError | KeyboardInterrupt):
                raise value
            raise OutputError(f"{self._out}: cannot write RDF: {value}") from value
        return [Path(p) for p in value]


def _rss_bytes() -> int:
    """Resident memory of this process now (Linux), 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _other_threads() -> list[threading.Thread]:
    """Threads besides this one, but for this project's own helper threads (named
    ``kg-…``, such as the benchmark's memory sampler), which only sleep and read
    counters. (The command line's progress bars start no monitor thread: see
    :func:`kg.cli.common.progress_bar`.)
    """
    me = threading.current_thread()
    return [t for t in threading.enumerate() if t is not me and not t.name.startswith("kg-")]


def _fork_rdf(graph: KnowledgeGraph, parallel: bool | None) -> bool:
    """Whether a forked process shares the writing (see the module's docstring).

    Only on Linux (forking is unsafe with some system libraries on macOS), and
    never once this process has opened a SPARQL store on disk (RocksDB's threads
    hold locks a child would inherit held: see :func:`kg.export.store.opened_on_disk`). By
    default only while no other thread runs (see :func:`_other_threads`), for
    graphs of :data:`PARALLEL_MIN_DOCS` documents or more, with
    more than one core, and when the free memory could hold a second copy of
    this process: the child shares the parent's pages only until one of the two
    writes to them, and the parent's other exports touch most of its heap.
    And only for graphs of at most :data:`FORK_MAX_EDGES` relations: the writer
    reads the whole graph, so it soon holds a copy of most of it (about 1 GiB
    of its own at 20,000 documents, 212,000 relations); a larger build writes
    everything in this process, slower but in about half the memory.
    """
    from kg.export.store import opened_on_disk

    if sys.platform != "linux" or not hasattr(os, "fork") or opened_on_disk():
        return False
    if parallel is not None:  # the caller's explicit choice
        return parallel
    if _other_threads():
        # a lock held by another thread (a Dask client's, say) at the fork would
        # stay locked forever in the child
        return False
    if len(graph.documents) < PARALLEL_MIN_DOCS or (os.cpu_count() or 1) < 2:
        return False
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return False
    return len(graph.edges) <= FORK_MAX_EDGES and free > 2 * _rss_bytes()


def prepare(fragments: str | os.PathLike[str] | None = None) -> None:
    """Load what writing the outputs needs (the exporters' modules and libraries).

    A build calls it while worker processes extract (see
    :func:`kg.builder.extract_paths`), when this process has little to do; the
    process that writes the RDF files, forked later, starts with them loaded.
    The pinyin tables and networkx (for the layout) are loaded only when no
    pinyin or layout is kept in ``fragments`` yet (a first build): a rebuild
    mostly finds them there. A rebuild does not load the RDF writer either
    (rdflib and pyoxigraph): this process does not need it when a forked one
    writes the RDF files, and, waiting for nothing else, would only start later.
    """
    import kg.export.graphjson
    import kg.export.html
    import kg.export.netformats
    import kg.export.report  # noqa: F401
    from kg.export.fragments import store_path

    def kept(name: str) -> bool:
        return fragments is not None and store_path(fragments, name).exists()

    if not kept("layout"):
        import networkx  # noqa: F401
    if not kept("pinyin"):
        import kg.export.rdf

        kg.export.rdf.warm()


def _write_jsonl(
    extractions: Sequence[Extraction],
    path: Path,
    parts: Fragments | None,
    minimum: float = 0.0,
    graph: KnowledgeGraph | None = None,
) -> Path:
    """``extractions.jsonl``: one line per document, by display name.

    With a ``minimum`` confidence (``kg build --min-confidence``), each line
    leaves out what ``graph``, filtered by it, left out (see
    :func:`kg.export.jsonl.filter_line`).

    A build's extractions carry their lines, made beside each extraction (by
    the workers, or kept in the cache with it): those are written as they are;
    the others are made here. Each line is a part of the file kept under the
    document's text, name and encoding and the versions of the pipeline and of
    its tables (what its extraction is made from, as the extraction cache's key
    holds): a rebuild copies the lines of unchanged documents from the
    previous file.
    """
    from kg.export.fragments import code_digest, digest, kept_file
    from kg.export.jsonl import filter_line, to_jsonl
    from kg.pipeline import pipeline_version
    from kg.resources import tables_digest

    code = b""
    if parts is not None:
        code = digest(code_digest("kg.export.jsonl"), pipeline_version(), tables_digest())
    summaries = getattr(extractions, "summaries", None)
    made_beside: Callable[[int], bytes | None] = getattr(extractions, "line", lambda i: None)
    if summaries is not None:  # display name, key and encoding without reading them
        docs = [(s[0], s[1], s[4]) for s in summaries]
    else:
        docs = [(x.document.display_name, x.document.key, x.document.encoding) for x in extractions]
    kept: Collection[str] = ()
    if minimum > 0.0:
        kept = graph.nodes if graph is not None else {}

    def line(i: int) -> bytes:
        made = made_beside(i)
        if made is None:
            made = to_jsonl([extractions[i]], display_name=True).encode("utf-8")
        return filter_line(made, minimum, kept) if minimum > 0.0 else made

    def filtered(i: int) -> tuple[object, ...]:
        """What a filtered line depends on beyond its document: the minimum and
        which of the document's entities the graph kept."""
        if minimum <= 0.0:
            return ()
        if summaries is not None:
            ids = [row[0] for row in summaries[i][5]]
        else:
            ids = [e.id for e in extractions[i].entities]
        return (minimum, [x in kept for x in ids])

    order = sorted(range(len(docs)), key=lambda i: docs[i][0])
    with kept_file(path, parts) as out:
        for i in order:  # line by line, never the whole text
            key = digest(code, docs[i][1], docs[i][0], docs[i][2], *filtered(i)) if code else b""
            out.part(key, functools.partial(line, i))
    return path


def write_outputs(
    result: BuildResult,
    out_dir: str | Path,
    *,
    info: BuildInfo | None = None,
    parallel: bool | None = None,
    fragments: str | os.PathLike[str] | None = None,
    shards: int | None = None,
    on_output: Callable[[str, float], object] | None = None,
    formats: str | Sequence[str] | None = None,
    compress: bool = False,
) -> list[Path]:
    """Write RDF, graph JSON, the HTML graph, network formats, the extractions and the report.

    Besides the RDF and HTML files: ``graph.json`` (node-link JSON),
    ``build.json`` (documents read and skipped), ``graph.graphml`` and
    ``graph.gexf`` (Gephi, yEd, Cytoscape), ``nodes.csv`` and ``edges.csv``
    (spreadsheets), ``extractions.jsonl`` and ``report.md``. ``info`` overrides
    what ``result`` says of documents read and skipped (a graph reloaded from
    ``graph.json`` has no extractions). ``parallel`` has a forked process share
    the writing, the RDF files first (default: on Linux, for graphs of
    :data:`PARALLEL_MIN_DOCS` documents or more and at most
    :data:`FORK_MAX_EDGES` relations, with more than one core and free memory
    for a second copy of this process; see :func:`_fork_rdf`). ``fragments`` is
    a cache folder where each document's part of the outputs is kept for the
    next build (see :mod:`kg.export.fragments`); the files are the same bytes
    without it. ``shards`` also writes the RDF dataset as that many N-Quads files
    in ``shards/`` (see :mod:`kg.export.shards`). ``on_output(name, seconds)`` is
    called as each output written by this process is done (a forked writer's
    outputs are not reported one by one: the wait for it is, as
    ``"waiting for the RDF process"``).

    ``formats`` (names of :data:`kg.export.files.OUTPUT_FORMATS`, a list or a
    comma-separated string; default: all) chooses the outputs written, besides
    ``build.json``; outputs of other formats that an earlier build left in the
    folder are removed with the switch, so the folder never mixes builds.
    ``compress`` writes every file but ``build.json`` gzip-compressed, as
    ``NAME.gz``, the same bytes on every run (see :mod:`kg.export.files`).

    The outputs are one generation (:mod:`kg.export.generation`): written into a
    staging folder, they replace the previous ones together once all are
    written, or, on any error, not at all. A second build writing into the same
    folder meanwhile is refused (:class:`~kg.export.generation.OutputBusy`).
    Returns the written paths, sorted.
    """
    from kg.export.files import parse_formats
    from kg.export.generation import Generation

    chosen = parse_formats(formats)
    out = Path(out_dir)
    with paused(), Generation(out) as gen:  # paused: see kg.gcpause
        parts = None
        if fragments is not None:
            from kg.export.atomic import remove_stale_temps
            from kg.export.fragments import DIRNAME

            remove_stale_temps(Path(fragments) / DIRNAME)
            parts = Fragments(fragments, staging=gen.staging, previous=out)
        written = _write_outputs(
            result,
            gen.staging,
            info,
            parallel,
            parts,
            previous=out,
            on_output=on_output,
            formats=chosen,
        )
        if shards:
            from kg.export.shards import write_shards

            start = time.perf_counter()
            written += write_shards(result.graph, gen.staging / "shards", shards)
            if on_output is not None:
                on_output(f"{shards} shards", time.perf_counter() - start)
        if compress:
            start = time.perf_counter()
            written = _compressed(written, gen.staging)
            if on_output is not None:
                on_output("compressing", time.perf_counter() - start)
        return gen.commit(written, remove=_left_out(chosen, compress))


def _compressed(written: list[Path], staging: Path) -> list[Path]:
    """``written`` with every file but ``build.json`` replaced by its ``.gz`` form (the
    store's folder stays as it is), in two threads (zlib releases the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.export.files import BUILD_INFO, compress_file

    todo = [p for p in written if p.is_file() and p != staging / BUILD_INFO]
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="kg-gzip") as pool:
        done = dict(zip(todo, pool.map(compress_file, todo), strict=True))
    return [done.get(p, p) for p in written]


def _left_out(chosen: Sequence[str], compress: bool) -> list[str]:
    """The names of outputs an earlier build may have left in the folder that a build of
    the formats ``chosen`` does not write: those of the other formats, and the other of
    the plain and the compressed form of its own. (An output it may leave out, as
    ``extractions.jsonl`` of a reloaded graph, is not removed.)"""
    from kg.export.files import OUTPUT_FORMATS

    names = []
    for fmt, files in OUTPUT_FORMATS.items():
        for f in files:
            if f == "store":  # a folder, never compressed
                names += [] if fmt in chosen else [f]
            elif fmt not in chosen:
                names += [f, f + ".gz"]
            else:
                names.append(f if compress else f + ".gz")
    return names


def _write_outputs(
    result: BuildResult,
    out: Path,
    info: BuildInfo | None,
    parallel: bool | None,
    parts: Fragments | None,
    previous: Path | None = None,
    on_output: Callable[[str, float], object] | None = None,
    formats: Sequence[str] | None = None,
) -> list[Path]:
    from kg.export.atomic import write_text
    from kg.export.buildinfo import from_result, write_build_info
    from kg.export.files import OUTPUT_FORMATS, RDF_FORMATS
    from kg.export.graphjson import write_graph_json
    from kg.export.html import write_html
    from kg.export.indicators import write_indicators_csv
    from kg.export.netformats import write_csv, write_gexf, write_graphml
    from kg.export.report import render

    out.mkdir(parents=True, exist_ok=True)
    graph = result.graph
    build_info = info or from_result(result)
    if parts is not None:
        parts.remove_obsolete()

    def report() -> list[Path]:
        path = out / "report.md"
        write_text(path, render(graph, build_info))
        return [path]

    # every output but the RDF files, the longest first: (name, task)
    chosen = tuple(OUTPUT_FORMATS) if formats is None else tuple(formats)
    # every output but the RDF files, the longest first: (format, name, task)
    every: list[tuple[str, str, Callable[[], list[Path]]]] = [
        (
            "json",
            "graph.json",
            lambda: [write_graph_json(graph, out / "graph.json", fragments=parts)],
        ),
        ("html", "graph.html", lambda: [write_html(graph, out / "graph.html", fragments=parts)]),
        ("gexf", "graph.gexf", lambda: write_gexf(graph, out / "graph.gexf", fragments=parts)),
        (
            "graphml",
            "graph.graphml",
            lambda: write_graphml(graph, out / "graph.graphml", fragments=parts),
        ),
        ("csv", "nodes.csv, edges.csv", lambda: write_csv(graph, out, fragments=parts)),
        (
            "indicators",
            "indicators.csv",
            lambda: write_indicators_csv(graph, out / "indicators.csv"),
        ),
        ("report", "report.md", report),
        ("", "build.json", lambda: [write_build_info(build_info, out / "build.json")]),
    ]
    if result.extractions or not graph.documents:  # a reloaded graph has none to write
        extractions, minimum = result.extractions, result.min_confidence
        every.insert(
            2,
            (
                "jsonl",
                "extractions.jsonl",
                lambda: [
                    _write_jsonl(extractions, out / "extractions.jsonl", parts, minimum, graph)
                ],
            ),
        )
    tasks = [(name, task) for fmt, name, task in every if not fmt or fmt in chosen]

    def timed(name: str, task: Callable[[], list[Path]]) -> list[Path]:
        """``task()``, its time reported to ``on_output`` (in this process only)."""
        if on_output is None or os.getpid() != parent:
            return task()
        start = time.perf_counter()
        try:
            return task()
        finally:
            on_output(name, time.perf_counter() - start)

    parent = os.getpid()

    # the SPARQL store is written with the RDF files, by the process writing them; a
    # fresh load runs in a thread of its own while the other outputs are written
    from kg.export.store import STORE_DIR, StoreWriter

    rdf = [f for f in RDF_FORMATS if f in chosen]
    if not rdf and "store" not in chosen:  # no RDF file, no store: the other outputs only
        return sorted(p for name, task in tasks for p in timed(name, task))
    store = None
    if "store" in chosen:
        store = StoreWriter(out / STORE_DIR, previous / STORE_DIR if previous is not None else None)
    # the four RDF files are made in one pass (the store loads from two of them): those
    # not asked for are removed once all are written
    unwanted = {out / OUTPUT_FORMATS[f][0] for f in RDF_FORMATS if f not in chosen}

    def rdf_and_store(tasks: Callable[[], list[Path]]) -> list[Path]:
        from kg.export.rdf import write_rdf  # loaded already, or now in this process only

        try:
            done = timed(
                "RDF (ttl, trig, jsonld, nq)",
                lambda: write_rdf(graph, out, fragments=parts, store=store),
            )
            done += tasks()
            if store is not None:
                done += timed("SPARQL store (waiting for it)", store.wait)
        except BaseException:
            if store is not None:
                store.abort()
            raise
        return done

    def kept(paths: list[Path]) -> list[Path]:
        for p in paths:
            if p in unwanted:
                p.unlink()
        return sorted(p for p in paths if p not in unwanted)

    if not _fork_rdf(graph, parallel):

        def all_tasks() -> list[Path]:
            return [p for name, task in tasks for p in timed(name, task)]

        return kept(rdf_and_store(all_tasks))
    # two processes: a forked one writes the four RDF files (the longest), this
    # one the other outputs, and the forked one then takes those not yet taken
    queue = _TaskQueue(len(tasks))

    def taken() -> list[Path]:
        done: list[Path] = []
        while (i := queue.take()) is not None:
            done += tasks[i][1]()
        return done

    def child(graph: KnowledgeGraph, out: Path) -> list[Path]:
        return rdf_and_store(taken)

    job = _Forked(child, graph, out)
    written = []
    try:
        while (i := queue.take()) is not None:
            written += timed(*tasks[i])
    finally:
        # always reaped, and its error raised, even after ours
        written += timed("waiting for the RDF process", job.wait)
    return kept(written)

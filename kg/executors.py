"""Where per-document work runs: in this process, in worker processes, or on a Dask cluster.

An executor runs one module-level function over *batches* of work items and
yields ``(batch index, result)`` pairs as batches finish, in any order; the
caller puts results back in input order, so the output never depends on which
worker did what. Batches, not single documents, are the unit of work: a task
costs a pickle round trip (and, on Dask, milliseconds of scheduling), a
document a few milliseconds of extraction.

>>> with get_executor("local", jobs=1) as ex:
...     sorted(ex.map_unordered(len, [[1, 2], [3]]))
[(0, 2), (1, 1)]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

from kg.errors import KGError, UnknownNameError

T = TypeVar("T")
R = TypeVar("R")

#: Names accepted by ``kg build --executor``.
EXECUTOR_NAMES: tuple[str, ...] = ("local", "dask")

#: Largest batch sent to a local worker process.
LOCAL_MAX_BATCH = 64
#: Largest batch sent to a Dask worker: a few hundred documents per task.
DASK_MAX_BATCH = 256
#: Batches per worker to aim for, so that a slow batch does not leave workers idle.
BATCHES_PER_WORKER = 4
#: With the default number of jobs, fewer documents than this are extracted in
#: the calling process: starting worker processes would cost more than it saves.
PARALLEL_MIN_DOCS = 200


def default_jobs() -> int:
    """The number of worker processes when none is asked for: one per core."""
    return max(1, os.cpu_count() or 1)


def batch_size(n: int, workers: int, *, max_batch: int) -> int:
    """Documents per batch for ``n`` documents over ``workers`` workers.

    >>> batch_size(2000, 2, max_batch=64), batch_size(33, 2, max_batch=64), batch_size(0, 2, max_batch=64)
    (64, 5, 1)
    """
    per = -(-n // max(1, workers * BATCHES_PER_WORKER))
    return max(1, min(max_batch, per))


def batches(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` cut into consecutive lists of at most ``size``.

    >>> batches([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class Executor(Protocol):
    """Runs ``fn`` over batches; a context manager that releases its workers on exit.

    Executors with workers start them when the executor is entered and submit
    every batch when :meth:`map_unordered` is called, so the caller may do
    other work before either and before it reads the results.
    """

    #: How many batches can run at once (to size the batches).
    workers: int
    #: The largest batch worth sending.
    max_batch: int

    def map_unordered(
        self, fn: Callable[[list[T]], R], batches: Sequence[list[T]]
    ) -> Iterator[tuple[int, R]]: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


class InProcess:
    """Runs every batch here, in order: no start-up cost, for one job or few documents."""

    workers = 1
    max_batch = LOCAL_MAX_BATCH

    def map_unordered(
        self, fn: Callable[[list[T]], R], batches: Sequence[list[T]]
    ) -> Iterator[tuple[int, R]]:
        for i, b in enumerate(batches):
            yield i, fn(b)

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class ProcessPool:
    """Runs batches in ``jobs`` worker processes on this machine.

    Workers are forked from a clean server process (``forkserver``) that has
    imported policy-kg and loaded its tables once (:mod:`kg.warmup`), so each
    starts quickly and no lock held by a
    thread of the calling process (a progress bar's monitor) is inherited.
    Each worker ends with the calling process (:func:`kg.lifeline.end_with`);
    the workers end when the pool is left, the server when the calling process
    ends (see :func:`start_worker_server`).
    """

    max_batch = LOCAL_MAX_BATCH

    def __init__(self, jobs: int) -> None:
        self.workers = max(1, jobs)
        self._pool: Any = None

    def __enter__(self) -> ProcessPool:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        # the server starts now if not yet started: it loads the tables (most of
        # a second) while the caller does other work; the first submit waits
        # only for the rest
        from kg.lifeline import end_with

        ctx = mp.get_context("forkserver" if start_worker_server() else "spawn")
        # each worker ends when this process ends, even by kill -9 (see kg.lifeline):
        # then nothing holds the server and the resource tracker, and they end too
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=ctx,
            initializer=end_with,
            initargs=(os.getpid(),),
        )
        return self

    def map_unordered(
        self, fn: Callable[[list[T]], R], batches: Sequence[list[T]]
    ) -> Iterator[tuple[int, R]]:
        # every batch is submitted now, not when the results are first asked for,
        # and from a thread: the first submit starts the workers, which waits
        # until their server has loaded the tables, while the caller goes on
        import threading

        futures: dict[Any, int] = {}
        failed: list[BaseException] = []

        def submit() -> None:
            try:
                for i, b in enumerate(batches):
                    futures[self._pool.submit(fn, b)] = i
            except BaseException as exc:  # noqa: BLE001 - raised where results are read
                failed.append(exc)

        thread = threading.Thread(target=submit, name="kg-submit", daemon=True)
        thread.start()
        return self._results(futures, thread, failed)

    @staticmethod
    def _results(
        futures: dict[Any, int], thread: Any, failed: list[BaseException]
    ) -> Iterator[tuple[int, Any]]:
        from concurrent.futures import as_completed

        thread.join()
        try:
            if failed:
                raise failed[0]
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def start_worker_server() -> bool:
    """Start the server process that workers are forked from, loading the extraction
    tables in it (:mod:`kg.warmup`), unless it runs already; returns at once.

    A build calls it as soon as it knows it will use worker processes, so that
    the tables load while it lists and hashes the files. Returns whether this
    platform has such a server (``forkserver``); without one, workers are spawned.

    The server is the standard library's (``multiprocessing``'s forkserver, set up
    through its public ``set_forkserver_preload`` and ``ensure_running``), which has
    no public way to stop it: it stays until this process ends (it then reads the
    end of its pipe and exits), and later pools reuse it. It holds the tables:
    about 205 MiB resident (195 MiB proportional) once loaded (Linux, CPython
    3.11). ``kg build`` holds it while writing its outputs, then ends; a Python
    session that built with worker processes holds it until the session ends.
    """
    import multiprocessing as mp

    if "forkserver" not in mp.get_all_start_methods():
        return False
    from multiprocessing import forkserver

    mp.get_context("forkserver").set_forkserver_preload(["kg.builder", "kg.warmup"])
    forkserver.ensure_running()
    return True


def start_worker_server_for(n: int, jobs: int | None) -> bool:
    """Start the worker server (:func:`start_worker_server`) when ``n`` documents with
    ``jobs`` (``None``: the default) will use worker processes on this machine;
    returns whether it was started (or runs already)."""
    if jobs == 1 or n < PARALLEL_MIN_DOCS or (jobs or default_jobs()) < 2:
        return False
    return start_worker_server()


class DaskExecutor:
    """Runs batches on a Dask distributed cluster.

    With a scheduler address (``tcp://host:8786``) it connects to that cluster;
    without one it starts a local cluster of ``jobs`` single-threaded worker
    processes. Workers must be able to import policy-kg (the same environment)
    and read the input files at the paths given (a shared file system).
    """

    max_batch = DASK_MAX_BATCH

    def __init__(self, scheduler: str | None = None, *, jobs: int | None = None) -> None:
        self.scheduler = scheduler
        self.jobs = jobs or default_jobs()
        self.workers = self.jobs
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - a pinned dependency
            raise KGError("the dask executor needs the 'distributed' package") from exc
        if self.scheduler:
            try:
                # the connect timeout is Dask's (distributed.comm.timeouts.connect)
                self._client = Client(self.scheduler)
            except OSError as exc:
                raise KGError(
                    f"cannot reach the Dask scheduler at {self.scheduler}: {exc} "
                    "(start one with `dask scheduler` and workers with `dask worker ADDRESS`)"
                ) from exc
        else:
            self._cluster = LocalCluster(
                n_workers=self.jobs,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
        nthreads = sum(self._client.nthreads().values())
        self.workers = max(1, nthreads)
        return self

    def map_unordered(
        self, fn: Callable[[list[T]], R], batches: Sequence[list[T]]
    ) -> Iterator[tuple[int, R]]:
        futures = self._client.map(fn, list(batches), pure=False, retries=1)  # submitted now
        return self._results(futures)

    def _results(self, futures: list[Any]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed

        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for fut in as_completed(futures):
                yield index[fut.key], fut.result()
                fut.release()
        finally:
            self._client.cancel(futures)

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def get_executor(
    name: str = "local",
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
) -> Executor:
    """The executor registered under ``name`` (``local`` or ``dask``).

    ``local`` with one job runs in this process; with more, in a process pool.
    """
    if name == "local":
        if scheduler:
            raise KGError("--scheduler needs --executor dask")
        n = jobs if jobs is not None else default_jobs()
        return InProcess() if n <= 1 else ProcessPool(n)
    if name == "dask":
        return DaskExecutor(scheduler, jobs=jobs)
    raise UnknownNameError("executor", name, EXECUTOR_NAMES)

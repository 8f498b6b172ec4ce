"""Benchmark ``kg build`` on a synthetic corpus made of the sample documents' real sentences.

Run by hand (``make bench``), not by the tests::

    .venv/bin/python bench/bench_build.py              # 2,000 documents, 3 runs
    .venv/bin/python bench/bench_build.py --docs 20000 --repeat 1 --skip-jobs1

It generates ``--docs`` documents (seeded, reproducible): each has a title line
and a date line like the sample documents' headers and a body of real sentences
from ``data/docs``, shuffled, as long as a randomly chosen sample document.
Each run then makes, in this order: a whole build with an empty cache (read +
extract, graph, every output: :func:`kg.run.run_build`, the build ``kg build``
runs, each stage and output timed from the events it reports), a bare ``jieba.lcut`` pass over the same texts, and a
rebuild after changing one document (with the cache and the kept output parts).
Every build runs in a fresh Python process, as a user's ``kg build`` does: its
whole run counts interpreter start, imports, worker start-up and exit, and
nothing is left warm from an earlier build. It prints each run's figures, the
time of each stage of the median run, documents and MB of text per second, the
ratio build / jieba and the rebuild's speed-up (medians of the runs, since a
shared machine's speed varies by tens of percent), peak memory, and the
extraction stage with ``--jobs 1`` against ``--jobs N``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "data" / "docs"

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


# ---------------------------------------------------------------------------
# The synthetic corpus
# ---------------------------------------------------------------------------


def sample_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.txt"))]


def sentences(texts: list[str]) -> list[str]:
    """The body sentences of the sample documents (header lines left out)."""
    out: list[str] = []
    for text in texts:
        for line in text.split("\n")[2:]:
            out += [s.strip() for s in _SENTENCE_END.split(line) if len(s.strip()) >= 8]
    return out


def make_corpus(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` documents ``(file name, text)``: a header and shuffled real sentences."""
    rng = random.Random(seed)
    texts = sample_texts()
    pool = sentences(texts)
    titles = [t.split("\n", 1)[0].strip() for t in texts if t.strip()]
    lengths = [len(t) for t in texts]
    docs = []
    for i in range(n):
        target = rng.choice(lengths)
        date = f"{rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        lines = [rng.choice(titles), f"发布日期:{date}", ""]
        size, para = 0, []
        while size < target:
            s = rng.choice(pool)
            para.append(s)
            size += len(s)
            if len(para) >= rng.randint(2, 4):
                lines.append("".join(para))
                para = []
        if para:
            lines.append("".join(para))
        docs.append((f"{i // 1000:03d}/doc{i:06d}.txt", "\n".join(lines) + "\n"))
    return docs


def write_corpus(folder: Path, docs: list[tuple[str, str]]) -> int:
    """Write the documents; returns the bytes written."""
    total = 0
    for name, text in docs:
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        p.write_bytes(data)
        total += len(data)
    return total


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


class Timings:
    """Seconds by stage name, in the order first seen."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def full_build(
    src: Path,
    out: Path,
    *,
    jobs: int | None,
    cache_dir: Path | None,
    shards: int | None = None,
) -> tuple[Timings, Any]:
    """One whole build, as ``kg build`` runs it (:func:`kg.run.run_build`), timed stage
    by stage and output by output from the events it reports."""
    from kg.run import BuildEvent, run_build

    t = Timings()

    def timed(event: BuildEvent) -> None:
        if event.kind == "stage" and event.name != "outputs":
            t.seconds[event.name] = event.seconds
        elif event.kind == "output":
            t.seconds[f"export: {event.name}"] = event.seconds
        elif event.kind == "stage":  # all outputs: what no output's own time holds
            exports = sum(v for k, v in t.seconds.items() if k.startswith("export"))
            t.seconds["export: other (writing, sorting)"] = event.seconds - exports

    run = run_build(
        [src], out_dir=out, jobs=jobs, cache_dir=cache_dir, shards=shards, on_event=timed
    )
    return t, run.result


def jieba_pass(texts: list[str]) -> float:
    """Seconds of a bare ``jieba.lcut`` over ``texts`` (dictionary loaded beforehand)."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    start = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - start


class MemoryWatch:
    """Peak resident memory (MiB) of this process and of its descendants (worker processes),
    one by one and, sampled, all together (proportional set size: shared pages counted once).

    Worker processes of a ``forkserver`` pool are not our children, so
    ``RUSAGE_CHILDREN`` misses them: a thread reads ``VmHWM`` of every
    descendant from ``/proc`` while they live (Linux; elsewhere only this process).
    """

    def __init__(self, interval: float = 0.25) -> None:
        import threading

        self.workers = 0.0
        #: Peak of the processes' memory together, shared pages counted once (PSS).
        self.together = 0.0
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._run, name="kg-memory-sampler", daemon=True)

    def __enter__(self) -> MemoryWatch:
        if Path("/proc/self/status").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @staticmethod
    def _descendants() -> list[int]:
        kids: dict[int, list[int]] = {}
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                kids.setdefault(ppid, []).append(int(d.name))
        out, todo = [], [os.getpid()]
        while todo:
            for k in kids.get(todo.pop(), []):
                out.append(k)
                todo.append(k)
        return out

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            total = 0.0
            for pid in self._descendants():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.workers = max(self.workers, int(line.split()[1]) / 1024)
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            total += int(line.split()[1]) / 1024
                except (OSError, ValueError):
                    continue
            self.together = max(self.together, total)

    @staticmethod
    def me() -> float:
        scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def show(seconds: dict[str, float], indent: str = "  ") -> None:
    for name, s in seconds.items():
        print(f"{indent}{name:<40} {s:8.2f} s")
    print(f"{indent}{'total of the stages':<40} {sum(seconds.values()):8.2f} s")


# ---------------------------------------------------------------------------
# One build in a fresh process, as `kg build` runs


def child(argv: list[str]) -> int:
    """``--child SRC OUT CACHE JOBS SHARDS``: one timed build; prints its figures as JSON."""
    import json

    src, out, cache, jobs, shards = argv
    t, result = full_build(
        Path(src),
        Path(out),
        jobs=int(jobs),
        cache_dir=Path(cache),
        shards=int(shards) or None,
    )
    print(
        json.dumps(
            {
                "seconds": t.seconds,
                "read": result.read,
                "skipped": len(result.skipped),
                "entities": len(result.graph.nodes),
                "relations": len(result.graph.edges),
                "cache": str(result.cache),
                "maxrss": MemoryWatch.me(),
            }
        )
    )
    return 0


def fresh_build(src: Path, out: Path, cache: Path, jobs: int, shards: int | None) -> dict:
    """One build in a new Python process; its figures and ``wall``, the whole run's
    seconds (interpreter start and imports included, as a user waits for them)."""
    import json
    import subprocess

    cmd = [sys.executable, __file__, "--child", str(src), str(out), str(cache), str(jobs)]
    cmd.append(str(shards or 0))
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the build failed:\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = wall
    return figures


# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000, help="documents to generate (2000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed of the corpus (1)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (one per core)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measure; medians (3)")
    ap.add_argument("--shards", type=int, default=None, help="also write N N-Quads shards")
    ap.add_argument("--skip-jobs1", action="store_true", help="skip the --jobs 1 comparison")
    ap.add_argument("--skip-jieba", action="store_true", help="skip the bare jieba pass")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = ap.parse_args(argv)
    jobs = args.jobs or os.cpu_count() or 1

    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src, out, cache_dir = work / "docs", work / "out", work / "cache"
    watch = MemoryWatch()
    try:
        watch.__enter__()
        corpus = make_corpus(args.docs, args.seed)
        nbytes = sum(len(t.encode("utf-8")) for _, t in corpus)
        chars = sum(len(t) for _, t in corpus)
        print(
            f"corpus: {len(corpus)} documents, {chars:,} characters, {nbytes / 1e6:.2f} MB "
            f"(seed {args.seed}), {os.cpu_count()} cores, jobs {jobs}; "
            f"each build in a fresh process, {args.repeat} runs"
        )
        texts = [t for _, t in corpus]
        runs = []
        for r in range(args.repeat):
            for folder in (src, out, cache_dir):
                shutil.rmtree(folder, ignore_errors=True)
            write_corpus(src, corpus)
            # 1. the whole build, cold, filling the cache (as `kg build` does by default)
            cold = fresh_build(src, out, cache_dir, jobs, args.shards)
            # 2. bare jieba over the same texts (its dictionary loaded beforehand)
            tj = jieba_pass(texts) if not args.skip_jieba else float("nan")
            # 3. incremental: change one document, rebuild with the cache
            name, text = corpus[(len(corpus) // 2 + r) % len(corpus)]
            (src / name).write_text(text + "郑州市与开封市签署了合作框架协议。\n", encoding="utf-8")
            inc = fresh_build(src, out, cache_dir, jobs, None)
            runs.append((cold, tj, inc))
            print(
                f"  run {r + 1}: first build {cold['wall']:.2f} s, jieba {tj:.2f} s "
                f"(build / jieba {cold['wall'] / tj:.2f}), rebuild {inc['wall']:.2f} s "
                f"({cold['wall'] / inc['wall']:.1f}x)"
            )
        gc.collect()

        def median(values: list[float]) -> float:
            return sorted(values)[len(values) // 2]

        mid = sorted(range(len(runs)), key=lambda i: runs[i][0]["wall"])[len(runs) // 2]
        cold, tj, inc = runs[mid]
        print(
            f"\nfull build (jobs {jobs}, cache empty), the median run: {cold['read']} read, "
            f"{cold['skipped']} skipped; {cold['entities']} entities, {cold['relations']} relations"
        )
        show(cold["seconds"])
        wall = median([c["wall"] for c, _, _ in runs])
        print(
            f"  whole run (fresh process: start, imports, build) median {wall:.2f} s"
            f"\n  => {cold['read'] / wall:,.0f} documents/s, {nbytes / 1e6 / wall:.2f} MB/s"
        )
        if not args.skip_jieba:
            tjm = median([t for _, t, _ in runs])
            ratio = median([c["wall"] / t for c, t, _ in runs])
            print(f"\nbare jieba.lcut pass: median {tjm:.2f} s ({nbytes / 1e6 / tjm:.2f} MB/s)")
            print(f"  => build / jieba = {ratio:.2f} (median of the runs' ratios)")
        print(f"\nrebuild after changing one document, the median run's ({inc['cache']})")
        show(inc["seconds"])
        inc_wall = median([i["wall"] for _, _, i in runs])
        speed = median([c["wall"] / i["wall"] for c, _, i in runs])
        print(
            f"  whole run median {inc_wall:.2f} s"
            f"\n  => {speed:.1f}x faster than the first build (median of the runs' ratios)"
        )

        # 4. extraction alone: jobs 1 against jobs N (no cache)
        if not args.skip_jobs1 and jobs > 1:
            from kg.builder import extract_paths
            from kg.io import discover

            items = discover([str(src)])
            res = {}
            for j in (1, jobs):
                start = time.perf_counter()
                extract_paths(items, jobs=j)
                res[j] = time.perf_counter() - start
            print(
                f"\nread + extract, no cache: --jobs 1 {res[1]:.2f} s, --jobs {jobs} "
                f"{res[jobs]:.2f} s ({res[1] / res[jobs]:.2f}x)"
            )

        biggest = max(max(c["maxrss"], i["maxrss"]) for c, _, i in runs)
        print(
            f"\npeak memory: {biggest:,.0f} MiB (the building process), "
            f"{watch.workers:,.0f} MiB (largest process under this one, workers included); "
            f"{watch.together:,.0f} MiB (every process under this one together, shared pages "
            "counted once)"
        )
    finally:
        watch.__exit__()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

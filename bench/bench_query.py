"""Benchmark the saved questions on a built graph: ``kg query`` and a running ``kg serve``.

Run by hand, not by the tests::

    .venv/bin/python bench/bench_query.py                 # 2,000 documents
    .venv/bin/python bench/bench_query.py --docs 20000

It generates ``--docs`` documents as ``bench/bench_build.py`` does (seeded,
reproducible: real sentences of the sample documents, shuffled), builds them
with ``kg build`` (which writes the SPARQL store ``OUT/store``), then asks every
saved question of ``kg/queries`` with its default parameters (``document``: the
first document of the corpus):

- through ``kg query OUT --saved NAME --format csv``, each a fresh process, as
  a user runs it: the whole run counts (start, imports, opening the store, the
  query, writing the answer);
- through ``kg serve OUT``: the server is started and the time until it answers
  its first question is its start-up; then each question is sent to it over
  HTTP (SPARQL 1.1 Protocol, CSV results).

For each question it prints the seconds, the rows and the distinct rows (rows
equal to distinct rows: no answer repeated), and the peak memory of the
``kg query`` process.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import make_corpus, write_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]


def count_rows(data: bytes) -> tuple[int, int]:
    """Rows and distinct rows of a CSV answer (its header left out)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))[1:]
    return len(rows), len({tuple(r) for r in rows})


def run_timed(cmd: list[str], timeout: float) -> tuple[float, int, bytes, bytes, int]:
    """Run ``cmd``; its wall seconds, exit status, output, errors and peak memory (KiB)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                status = -9
                break
            time.sleep(0.01)
        wall = time.perf_counter() - start
        proc.returncode = 0  # reaped here: keep Popen from waiting again
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status) if status != -9 else -9
        return wall, code, out.read(), err.read(), usage.ru_maxrss


def question_params(first_document: str) -> dict[str, dict[str, str]]:
    """The parameters each saved question is asked with: the declared defaults, the
    document parameter naming a document of the corpus."""
    from kg.query import saved_queries

    out: dict[str, dict[str, str]] = {}
    for name, q in sorted(saved_queries().items()):
        out[name] = {
            p.name: first_document if p.kind == "document" else p.default for p in q.params
        }
    return out


def first_document(out_dir: Path) -> str:
    from kg.export.store import open_store

    store = open_store(out_dir)
    if store is None:
        raise SystemExit(f"{out_dir}: kg build wrote no SPARQL store")
    answer = store.query(
        "SELECT ?id WHERE { ?d a <https://w3id.org/policykg/ontology#Document> ; "
        "<http://purl.org/dc/terms/identifier> ?id } ORDER BY ?id LIMIT 1"
    )
    return next(str(sol["id"].value) for sol in answer)  # type: ignore[union-attr]


def http_texts(out_dir: Path, params: dict[str, dict[str, str]]) -> dict[str, str]:
    """Each question as a standalone SPARQL text with its parameters bound as ``kg query``
    binds them (:func:`kg.query.with_terms`), as a client of the server sends it."""
    from kg.export.store import open_store
    from kg.query import bindings, saved_query, standalone, with_terms

    store = open_store(out_dir)
    assert store is not None
    texts = {}
    for name, values in params.items():
        q = saved_query(name)
        texts[name] = standalone(with_terms(q.text, bindings(q, values, store)))
    del store
    return texts


def ask_http(endpoint: str, sparql: str, timeout: float) -> bytes:
    data = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
    req = urllib.request.Request(
        endpoint,
        data=data,
        headers={"Accept": "text/csv", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return bytes(r.read())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000, help="documents to generate (2000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed of the corpus (1)")
    ap.add_argument("--jobs", type=int, default=None, help="kg build's worker processes")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per question (600)")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    ap.add_argument("--no-build", action="store_true", help="reuse the build in --keep")
    args = ap.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-query-"))
    work.mkdir(parents=True, exist_ok=True)
    src, out = work / "docs", work / "out"
    try:
        if not args.no_build:
            for folder in (src, out):
                shutil.rmtree(folder, ignore_errors=True)
            corpus = make_corpus(args.docs, args.seed)
            write_corpus(src, corpus)
            cmd = [*KG, "build", str(src), "--out", str(out), "--no-cache"]
            if args.jobs:
                cmd += ["--jobs", str(args.jobs)]
            wall, code, _, err, rss = run_timed(cmd, 3600)
            if code != 0:
                raise SystemExit(f"kg build failed:\n{err.decode()[-2000:]}")
            print(
                f"corpus: {args.docs} documents (seed {args.seed}), {os.cpu_count()} cores; "
                f"kg build {wall:.1f} s, peak {rss / 1024:.0f} MiB"
            )
        params = question_params(first_document(out))

        print("\nkg query OUT --saved NAME --format csv (a fresh process each)")
        head = f"{'question':<24} {'seconds':>8} {'rows':>8} {'distinct':>9} {'peak MiB':>9}"
        print(head)
        print("-" * len(head))
        for name, values in params.items():
            cmd = [*KG, "query", str(out), "--saved", name, "--format", "csv"]
            cmd += ["--timeout", str(args.timeout)]
            for k, v in values.items():
                cmd += ["--param", f"{k}={v}"]
            wall, code, data, err, rss = run_timed(cmd, args.timeout)
            if code != 0:
                why = "timed out" if code == -9 else err.decode().strip().splitlines()[-1]
                print(f"{name:<24} {wall:>8.2f} {why}")
                continue
            rows, distinct = count_rows(data)
            print(f"{name:<24} {wall:>8.2f} {rows:>8} {distinct:>9} {rss / 1024:>9.0f}")

        texts = http_texts(out, params)
        from kg.serve import free_port

        port = free_port()
        endpoint = f"http://127.0.0.1:{port}/query"
        cmd = [*KG, "serve", str(out), "--port", str(port), "--timeout", str(args.timeout)]
        start = time.perf_counter()
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        try:
            first = next(iter(texts))
            while True:
                if server.poll() is not None:
                    err = server.stderr.read().decode() if server.stderr else ""
                    raise SystemExit(f"kg serve exited: {err[-2000:]}")
                try:
                    ask_http(endpoint, texts[first], args.timeout)
                    break
                except OSError:
                    if time.perf_counter() - start > args.timeout:
                        raise SystemExit("kg serve did not answer") from None
                    time.sleep(0.05)
            startup = time.perf_counter() - start
            print(
                f"\nkg serve OUT: started and answered its first question ({first}) "
                f"in {startup:.2f} s"
            )
            print(f"{'question':<24} {'seconds':>8} {'rows':>8} {'distinct':>9}")
            print("-" * 52)
            for name, text in texts.items():
                t = time.perf_counter()
                try:
                    data = ask_http(endpoint, text, args.timeout)
                except OSError as exc:
                    print(f"{name:<24} {time.perf_counter() - t:>8.2f} {exc}")
                    continue
                wall = time.perf_counter() - t
                rows, distinct = count_rows(data)
                print(f"{name:<24} {wall:>8.2f} {rows:>8} {distinct:>9}")
        finally:
            server.terminate()
            server.wait(30)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

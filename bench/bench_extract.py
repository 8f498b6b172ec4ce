"""Extraction speed on the sample corpus repeated to N documents (run by hand).

Reads every document of ``data/docs`` once, then runs the per-document
pipeline (mentions, resolution, relations) in this process over the corpus
repeated to N documents, after one warm-up document, and prints documents and
characters per second. Each copy gets its own path, so nothing is reused.

    python bench/bench_extract.py --docs 2000
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from kg.io import read_document
from kg.pipeline import extract

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000, help="documents to extract")
    args = ap.parse_args()
    corpus = [read_document(p) for p in sorted((ROOT / "data" / "docs").glob("*.txt"))]
    docs = [replace(corpus[i % len(corpus)], path=f"copy{i}.txt") for i in range(args.docs)]
    extract(corpus[0])  # load the tables once, as a long-running build does
    chars = sum(len(d.text) for d in docs)
    start = time.perf_counter()
    relations = sum(len(extract(d).relations) for d in docs)
    secs = time.perf_counter() - start
    print(f"documents: {len(docs)} ({chars / 1e6:.2f} M characters), relations: {relations}")
    print(
        f"extraction: {secs:.2f} s, {len(docs) / secs:.0f} documents/s, "
        f"{chars / secs / 1e3:.0f} k characters/s (one process)"
    )


if __name__ == "__main__":
    main()

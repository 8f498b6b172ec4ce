"""What a build wrote, for comparing builds: every output file's bytes, and the SPARQL
store's content (its files are a database's, not byte-identical between builds)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.export.store import STORE_DIR


def store_quads(out: Path) -> bytes:
    """The quads of ``out/store``, as sorted N-Quads lines (the default graph's as triples)."""
    store = ox.Store.read_only(str(out / STORE_DIR))
    lines = sorted(str(q) + " ." for q in store)
    del store
    return "\n".join(lines).encode("utf-8")


def output_files(out: Path) -> dict[str, bytes]:
    """Every output file under ``out`` by relative name (the extraction cache left out),
    with the store as one entry: its content."""
    files = {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not {".cache", STORE_DIR} & set(p.relative_to(out).parts)
    }
    if (out / STORE_DIR).is_dir():
        files[f"{STORE_DIR} (quads)"] = store_quads(out)
    return files

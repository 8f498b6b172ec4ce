"""The RDF dataset cut into N N-Quads files, for bulk loading into a triple store.

``shards/part-0000.nq`` … ``part-NNNN.nq`` hold together exactly the quads of
``graph.nq`` (the same lines, built by :func:`kg.export.rdf.iter_graphs`), each
quad in one file:

- a document's named graph goes whole to the shard chosen by a stable hash of
  the document's key, so a document never straddles two files;
- the shared graphs (merged entity descriptions, gazetteer facts) are spread by
  a stable hash of the subject IRI, so each resource is described in one file.

The assignment depends only on keys and IRIs, never on the run or the machine,
and the lines of every file are sorted, so the files are byte-identical for the
same graph. Any store loads the files in any
order, or in parallel (``oxigraph load --location STORE --file shards/*.nq``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from kg.graph import KnowledgeGraph

#: File name of shard ``i``.
SHARD_NAME = "part-{:04d}.nq"


def shard_of(key: str, n: int) -> int:
    """The shard (``0 <= shard < n``) of a document key or IRI; the same everywhere.

    >>> shard_of("ab73ab1b96b1d70f", 4) == shard_of("ab73ab1b96b1d70f", 4)
    True
    >>> {shard_of(str(i), 1) for i in range(10)}
    {0}
    """
    if n < 1:
        raise ValueError(f"the number of shards must be at least 1, not {n}")
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n


def write_shards(
    graph: KnowledgeGraph, out_dir: str | Path, n: int, *, chunk: int = 4_000
) -> list[Path]:
    """Write ``out_dir/part-0000.nq`` … (``n`` files, some maybe empty); returns their paths.

    Streams: the dataset is built one named graph at a time, its N-Quads lines
    are appended in chunks of ``chunk`` to a hidden scratch file per shard, and
    each shard is then sorted on its own, so memory holds one shard's lines at a
    time, not the dataset. Each file's lines are sorted and
    unique. Shard files left by an earlier build with more shards are removed,
    so that ``part-*.nq`` is always exactly this graph.
    """
    from kg.errors import OutputError
    from kg.export.atomic import write_bytes
    from kg.export.rdf import iter_graphs

    if n < 1:
        raise ValueError(f"the number of shards must be at least 1, not {n}")
    out = Path(out_dir)
    paths = [out / SHARD_NAME.format(i) for i in range(n)]
    scratch: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path in paths:
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=out)
            os.close(fd)
            scratch.append(Path(name))
        home: dict[str, int] = {}  # subject IRI -> shard
        buffers: list[list[str]] = [[] for _ in range(n)]

        def flush(i: int) -> None:
            with open(scratch[i], "ab") as f:
                f.write("".join(buffers[i]).encode("utf-8"))
            buffers[i].clear()

        for ng in iter_graphs(graph):
            gk = ng.key
            if ng.document is not None:  # a document's graph goes whole to one shard
                i = shard_of(ng.document, n)
                buffers[i].extend(f"{sk} {pk} {ok} {gk} .\n" for (sk, pk, ok), _ in ng.statements)
                if len(buffers[i]) >= chunk:
                    flush(i)
                continue
            for (sk, pk, ok), (s, _, _) in ng.statements:
                where = s.value
                j = home.get(where)
                if j is None:
                    j = home[where] = shard_of(where, n)
                i = j
                buffers[i].append(f"{sk} {pk} {ok} {gk} .\n")
                if len(buffers[i]) >= chunk:
                    flush(i)
        for i in range(n):
            flush(i)
        for tmp, path in zip(scratch, paths, strict=True):
            lines = sorted(set(tmp.read_bytes().splitlines(keepends=True)))
            write_bytes(path, b"".join(lines))
        keep = {p.name for p in paths}
        for old in out.glob("part-*.nq"):
            if old.name not in keep:
                old.unlink()
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the shards: {exc}") from exc
    finally:
        for tmp in scratch:
            tmp.unlink(missing_ok=True)
    return paths

"""The RDF dataset cut into N N-Quads files, for bulk loading into a triple store.

``shards/part-0000.nq`` … ``part-NNNN.nq`` hold together exactly the quads of
``graph.nq`` (the same terms, built by :func:`kg.export.rdf.iter_quads`), each
quad in one file:

- a document's named graph goes whole to the shard chosen by a stable hash of
  the document's key, so a document never straddles two files;
- the shared graphs (merged entity descriptions, gazetteer facts) are spread by
  a stable hash of the subject IRI, so each resource is described in one file.

The assignment depends only on keys and IRIs, never on the run or the machine,
and every file is sorted like ``graph.nq``. Any store loads the files in any
order, or in parallel (``oxigraph load --location STORE --file shards/*.nq``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

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


def shard_quads(graph: KnowledgeGraph, n: int) -> list[list[ox.Quad]]:
    """The dataset's quads split into ``n`` lists, each in canonical order."""
    from kg.export.rdf import _ox_quads, document_iri, iter_quads

    doc_of = {str(document_iri(d.key)): d.key for d in graph.documents}
    parts: list[list[ox.Quad]] = [[] for _ in range(n)]
    for q in _ox_quads(iter_quads(graph)):
        key = doc_of.get(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else None
        parts[shard_of(key if key is not None else str(q.subject), n)].append(q)
    return parts


def write_shards(graph: KnowledgeGraph, out_dir: str | Path, n: int) -> list[Path]:
    """Write ``out_dir/part-0000.nq`` … (``n`` files, some maybe empty); returns their paths.

    Shard files left by an earlier build with more shards are removed, so that
    ``part-*.nq`` is always exactly this graph.
    """
    from kg.errors import OutputError
    from kg.export.atomic import write_bytes

    out = Path(out_dir)
    paths = [out / SHARD_NAME.format(i) for i in range(n)]
    try:
        out.mkdir(parents=True, exist_ok=True)
        for part, path in zip(shard_quads(graph, n), paths, strict=True):
            write_bytes(path, ox.serialize(part, format=ox.RdfFormat.N_QUADS) or b"")
        keep = {p.name for p in paths}
        for old in out.glob("part-*.nq"):
            if old.name not in keep:
                old.unlink()
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the shards: {exc}") from exc
    return paths

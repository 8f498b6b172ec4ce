"""Push a built dataset into a SPARQL server over the SPARQL 1.1 Graph Store Protocol.

The dataset is the build's ``graph.nq``: one named graph per document, plus the
merged entity descriptions and the gazetteer's relations. Each named graph is sent
with ``PUT <graph-store>?graph=<IRI>`` (which replaces what the server held under
that name) as N-Triples. The server keeps a small bookkeeping graph,
:data:`MANIFEST`, stating the digest of every graph pushed last time; a push reads
it back with one SPARQL query and then

- sends only the graphs whose content changed (or that the server lacks),
- deletes (``DELETE <graph-store>?graph=<IRI>``) the graphs it pushed before that
  the dataset no longer has (documents removed from the input),
- writes the new manifest last, so an interrupted push is completed by the next.

Graphs the server holds that this project never pushed are never touched. Works
with any store that implements the protocol with indirect graph identification
(Oxigraph: query ``/query``, store ``/store``; Apache Jena Fuseki: ``/ds/sparql``
and ``/ds/data``; GraphDB: ``/repositories/R`` and ``/repositories/R/rdf-graphs/service``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.vocab import ID_NS

__all__ = ["PushError", "PushReport", "Target", "push", "dataset_graphs"]

#: The named graph where a push notes what it pushed (graph IRI -> digest).
MANIFEST = ID_NS + "graph/pushed"
#: The property of the manifest: a pushed graph's digest (``sha256:…``).
DIGEST = ID_NS + "push/digest"
_NTRIPLES = "application/n-triples"


class PushError(KGError):
    """The dataset cannot be read or the server refused a request."""


@dataclass(frozen=True)
class Target:
    """Where to push: the SPARQL query endpoint, the Graph Store Protocol endpoint
    (the query endpoint when not given) and optional HTTP basic credentials."""

    endpoint: str
    graph_store: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 300.0

    @property
    def store(self) -> str:
        return self.graph_store or self.endpoint


@dataclass
class PushReport:
    """What a push did: graphs sent (new or changed), unchanged, and deleted."""

    sent: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def text(self) -> str:
        return (
            f"{len(self.sent)} graphs sent, {len(self.unchanged)} unchanged, "
            f"{len(self.deleted)} deleted"
        )


def _quads(nquads: Path) -> Iterator[ox.Quad]:
    """The statements of an N-Quads file, plain or gzip-compressed (``graph.nq.gz``)."""
    if not nquads.name.endswith(".gz"):
        yield from ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS)
        return
    from kg.export.files import open_output

    with open_output(nquads) as f:
        yield from ox.parse(input=f, format=ox.RdfFormat.N_QUADS)


def dataset_graphs(nquads: Path) -> Iterator[tuple[str, bytes]]:
    """Each named graph of an N-Quads file as (graph IRI, N-Triples bytes), in the file's
    order. A graph whose statements are not contiguous in the file is an error (the
    build writes one graph at a time)."""
    if not nquads.is_file():
        raise PushError(f"{nquads}: no such file (build the graph first: kg build DOCS --out OUT)")
    seen: set[str] = set()
    current: str | None = None
    triples: list[ox.Triple] = []
    try:
        for quad in _quads(nquads):
            g = quad.graph_name
            if not isinstance(g, ox.NamedNode):
                raise PushError(f"{nquads}: a statement in the default graph ({quad})")
            if g.value != current:
                if current is not None:
                    yield current, _ntriples(triples)
                if g.value in seen:
                    raise PushError(f"{nquads}: the statements of graph <{g.value}> are split")
                seen.add(g.value)
                current, triples = g.value, []
            triples.append(quad.triple)
    except SyntaxError as exc:
        raise PushError(f"{nquads}: not valid N-Quads: {exc}") from None
    if current is not None:
        yield current, _ntriples(triples)


def _ntriples(triples: list[ox.Triple]) -> bytes:
    out = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert out is not None
    return bytes(out)


def _digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def push(
    out_dir: str | Path,
    target: Target,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> PushReport:
    """Push ``OUT_DIR/graph.nq`` to ``target`` (see the module's description).

    ``progress(graph_iri, n)`` is called after each graph considered (n counted from 1).
    """
    from kg.export.files import find_output

    nquads = find_output(out_dir, "graph.nq")  # or graph.nq.gz
    if not nquads.is_file():
        raise PushError(f"{nquads}: no such file (build the graph first: kg build DOCS --out OUT)")
    client = _Client(target)
    before = client.manifest()
    now: dict[str, str] = {}
    report = PushReport()
    for n, (iri, body) in enumerate(dataset_graphs(nquads), 1):
        digest = _digest(body)
        now[iri] = digest
        if before.get(iri) == digest:
            report.unchanged.append(iri)
        else:
            client.put(iri, body)
            report.sent.append(iri)
        if progress is not None:
            progress(iri, n)
    for iri in sorted(set(before) - set(now)):
        client.delete(iri)
        report.deleted.append(iri)
    manifest = [
        ox.Triple(ox.NamedNode(iri), ox.NamedNode(DIGEST), ox.Literal(d))
        for iri, d in sorted(now.items())
    ]
    client.put(MANIFEST, _ntriples(manifest))
    return report


class _Client:
    """The few HTTP requests a push makes, each checked."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.headers: dict[str, str] = {}
        if target.user is not None:
            token = f"{target.user}:{target.password or ''}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        req = urllib.request.Request(url, data=body, method=method, headers=self.headers | headers)
        try:
            with urllib.request.urlopen(req, timeout=self.target.timeout) as resp:
                return bytes(resp.read())
        except urllib.error.HTTPError as exc:
            if method == "DELETE" and exc.code == 404:
                return b""  # already gone
            detail = exc.read(300).decode("utf-8", "replace").strip().replace("\n", " ")
            raise PushError(
                f"{method} {url}: the server answered {exc.code} {exc.reason}"
                + (f": {detail}" if detail else "")
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PushError(f"{method} {url}: {reason}") from None

    def _graph_url(self, iri: str) -> str:
        sep = "&" if "?" in self.target.store else "?"
        return self.target.store + sep + urllib.parse.urlencode({"graph": iri})

    def put(self, iri: str, body: bytes) -> None:
        self._send("PUT", self._graph_url(iri), body, {"Content-Type": _NTRIPLES})

    def delete(self, iri: str) -> None:
        self._send("DELETE", self._graph_url(iri), None, {})

    def manifest(self) -> dict[str, str]:
        """The digests of the graphs pushed last time, as the server holds them."""
        query = f"SELECT ?g ?d WHERE {{ GRAPH <{MANIFEST}> {{ ?g <{DIGEST}> ?d }} }}"
        raw = self._send(
            "POST",
            self.target.endpoint,
            query.encode("utf-8"),
            {
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
        )
        try:
            rows = json.loads(raw)["results"]["bindings"]
            return {r["g"]["value"]: r["d"]["value"] for r in rows}
        except (ValueError, KeyError, TypeError):
            raise PushError(
                f"{self.target.endpoint}: not a SPARQL query endpoint (its answer is not "
                "SPARQL JSON results)"
            ) from None

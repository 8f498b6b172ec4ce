"""The Python API: everything the command line does, from a notebook or a script.

>>> import kg                                    # doctest: +SKIP
>>> g = kg.build("data/docs")                    # doctest: +SKIP
>>> g.entity("郑州").code                         # doctest: +SKIP
'410100'

:func:`build` reads and extracts documents like ``kg build``; :func:`load`
reopens a folder that ``kg build`` wrote. Both return a :class:`Graph`, a thin
wrapper around :class:`kg.graph.KnowledgeGraph` with conversions to networkx and
rdflib, SPARQL (the saved queries included), the HTML page and every export.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.graph import DocumentInfo, Edge, KnowledgeGraph, Node
from kg.types import EntityType, Extraction

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox
    from pyvis.network import Network
    from rdflib import Dataset

    from kg.builder import BuildResult
    from kg.export.buildinfo import BuildInfo

PathLike = str | os.PathLike[str]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
}
_FLOATS = {_XSD + "decimal", _XSD + "double", _XSD + "float"}


def _python_value(term: Any) -> Any:
    """A SPARQL result term as a Python value: numbers as numbers, IRIs and text as str."""
    import pyoxigraph as ox

    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGERS:
                return int(term.value)
            if dt in _FLOATS:
                return float(term.value)
        except ValueError:
            return term.value
        if dt == _XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return None if term is None else str(term.value)


class Graph:
    """A built knowledge graph, with the skipped files of its build.

    ``entities`` and ``relations`` are the merged nodes and the edges (each
    relation once per document that states it), each with its ``confidence``;
    ``skipped`` the files that could not be read, as ``(name, reason)`` pairs;
    ``min_confidence`` the minimum the graph was built with (see :func:`build`).
    """

    def __init__(
        self,
        graph: KnowledgeGraph,
        *,
        read: int | None = None,
        skipped: Iterable[tuple[str, str]] = (),
        result: BuildResult | None = None,
        min_confidence: float = 0.0,
    ) -> None:
        self.graph = graph
        self.read = len(graph.documents) if read is None else read
        self.skipped: list[tuple[str, str]] = sorted(skipped)
        self.min_confidence = result.min_confidence if result is not None else min_confidence
        self._result = result
        self._store: ox.Store | None = None
        #: The build folder the graph was read from (:meth:`load`), whose store answers queries.
        self._out_dir: Path | None = None

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_result(cls, result: BuildResult) -> Graph:
        """Wrap what :func:`kg.builder.build` returned."""
        from kg.export.buildinfo import from_result

        info = from_result(result)
        return cls(result.graph, read=info.read, skipped=info.skipped, result=result)

    @classmethod
    def load(cls, out_dir: PathLike) -> Graph:
        """Reopen a build folder (its ``graph.json`` or ``graph.json.gz``, and ``build.json``
        when present)."""
        from kg.export.buildinfo import read_build_info
        from kg.export.files import find_output
        from kg.export.graphjson import read_graph_json

        out = Path(out_dir)
        graph = read_graph_json(find_output(out, "graph.json"))
        if (out / "build.json").exists():
            info = read_build_info(out / "build.json")
            loaded = cls(
                graph, read=info.read, skipped=info.skipped, min_confidence=info.min_confidence
            )
        else:
            loaded = cls(graph)
        loaded._out_dir = out
        return loaded

    # ------------------------------------------------------------------ contents

    def _names(self) -> dict[str, str]:
        return {d.key: d.name for d in self.graph.documents}

    def _public(self, node: Node) -> Node:
        """A copy of ``node`` whose ``documents`` are file names (the graph keeps keys)."""
        names = self._names()
        return replace(node, documents=sorted(names.get(k, k) for k in node.documents))

    @property
    def entities(self) -> list[Node]:
        """Every entity, sorted by id; ``documents`` are the file names that mention it."""
        names = self._names()
        return [
            replace(n, documents=sorted(names.get(k, k) for k in n.documents))
            for n in self.graph.nodes.values()
        ]

    @property
    def relations(self) -> list[Edge]:
        """Every relation: those stated in the text, then the gazetteer's; ``document``
        is the file name that states it."""
        names = self._names()
        return [replace(e, document=names.get(e.document, e.document)) for e in self.graph.edges]

    @property
    def extractions(self) -> list[Extraction]:
        """The per-document extractions of a build (empty for a graph reopened with :func:`load`)."""
        return list(self._result.extractions) if self._result is not None else []

    @property
    def documents(self) -> list[DocumentInfo]:
        """The documents read, with their metadata, sorted by name."""
        return list(self.graph.documents)

    def find(self, name: str) -> list[Node]:
        """The entities that ``name`` denotes: by id, canonical name or alias (《》 optional).

        An unknown name raises :class:`kg.errors.UnknownNameError` with the closest names.
        """
        from kg.export.html import find_entities

        return [self._public(self.graph.nodes[i]) for i in find_entities(self.graph, name)]

    def entity(self, name: str, type: EntityType | str | None = None) -> Node:
        """The one entity ``name`` denotes (of ``type`` when given).

        Raises :class:`kg.errors.KGError` when the name is unknown or ambiguous.
        """
        from kg.errors import KGError

        found = self.find(name)
        if type is not None:
            found = [n for n in found if n.type == type]
        if len(found) != 1:
            what = ", ".join(n.id for n in found) or "no entity"
            raise KGError(f"{name!r} denotes {what}; pass type= or an id")
        return found[0]

    def relations_of(self, name: str, predicate: str | None = None) -> list[Edge]:
        """The relations in which the entity ``name`` is subject or object."""
        ids = {n.id for n in self.find(name)}
        return [
            e
            for e in self.relations
            if (e.subject in ids or e.object in ids)
            and (predicate is None or e.predicate.value == predicate)
        ]

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Entities by type and relations by predicate."""
        return self.graph.counts()

    def __repr__(self) -> str:
        return (
            f"<kg.Graph: {len(self.graph.documents)} documents, {len(self.graph.nodes)} entities, "
            f"{len(self.graph.edges)} relations, {len(self.skipped)} skipped>"
        )

    # ------------------------------------------------------------------ conversions

    def networkx(self) -> nx.MultiDiGraph:
        """The graph as a networkx ``MultiDiGraph`` (see :meth:`KnowledgeGraph.networkx`)."""
        return self.graph.networkx()

    def pyvis(
        self,
        *,
        focus: str | None = None,
        depth: int = 2,
        types: Collection[str] | None = None,
        **options: Any,
    ) -> Network:
        """The graph as a :class:`pyvis.network.Network` (optionally around ``focus``).

        Types are drawn as colours and shapes, relations as coloured lines (arrows for
        directed ones), each line's title lists its evidence sentences, HTML-escaped.
        ``options`` go to ``Network(...)`` (``height``, ``heading``…). The network's
        template inlines everything: ``net.write_html("g.html")`` writes one offline
        file. See :func:`kg.export.pyvisnet.to_pyvis`.
        """
        from kg.export.pyvisnet import to_pyvis

        return to_pyvis(self.graph, focus=focus, depth=depth, types=types, **options)

    def rdf(self) -> Dataset:
        """The graph as an rdflib ``Dataset``: one named graph per document."""
        from kg.export.rdf import to_dataset

        return to_dataset(self.graph)

    def _oxigraph(self) -> ox.Store:
        """The store queries run on: the build folder's SPARQL store when the graph was
        read from one that has it (opened read-only, at once), else the graph in memory,
        in the same layout (named graphs, the merged graph as the default graph)."""
        if self._store is None:
            from kg.export.store import graph_store, open_store

            store = open_store(self._out_dir) if self._out_dir is not None else None
            self._store = store if store is not None else graph_store(self.graph)
        return self._store

    def query(self, sparql: str, **params: str) -> Any:
        """Run SPARQL, or a saved query by name with its parameters as keywords.

        The default graph is the merged graph (each statement once, however many
        documents state it; ``GRAPH ?doc { … }`` reaches one document's statements)
        and the usual prefixes (``kgo:``, ``rdfs:``, ``prov:``, ``dcterms:``…) are
        predeclared, as in ``kg query``. A graph read with :func:`load` is queried
        on its build folder's SPARQL store when it has one. A ``SELECT`` gives a
        list of dicts, one per row, with numbers as numbers and IRIs and text as
        strings (unbound variables left out): ``pandas.DataFrame(rows)`` makes a
        table. An ``ASK`` gives a bool,
        a ``CONSTRUCT`` a list of ``(subject, predicate, object)`` string triples.
        Entity parameters take a canonical name, an alias or an id
        (``party="郑州"`` is ``party="郑州市"``); an unknown name is an error listing
        the closest names.
        """
        from kg.query import bindings, check_not_a_name, run, saved_queries, saved_query

        store = self._oxigraph()
        text = sparql.strip()
        if text in saved_queries():
            q = saved_query(text)
            res = run(store, q.text, bindings(q, params, store))
        else:
            check_not_a_name(text)
            if params:
                from kg.errors import KGError

                raise KGError("keyword parameters are for saved queries (see kg.saved_queries())")
            res = run(store, sparql)
        if res.boolean is not None:
            return res.boolean
        if res.graph:
            return [
                (_term_text(t.subject), _term_text(t.predicate), _term_text(t.object))
                for t in res.triples
            ]
        return [
            {v: _python_value(t) for v, t in zip(res.variables, row, strict=True) if t is not None}
            for row in res.rows
        ]

    # ------------------------------------------------------------------ outputs

    def to_html(
        self,
        path: PathLike,
        *,
        focus: str | None = None,
        depth: int = 2,
        types: Collection[str] | None = None,
    ) -> Path:
        """Write the offline interactive page (optionally around ``focus``); return its path."""
        from kg.export.html import write_html

        return write_html(self.graph, Path(path), focus=focus, depth=depth, types=types)

    def export(self, fmt: str, path: PathLike) -> list[Path]:
        """Write ``graphml``, ``gexf`` (files) or ``csv`` (a folder: nodes.csv, edges.csv)."""
        from kg.export.netformats import write_format

        return write_format(self.graph, fmt, Path(path), Path(path))

    def report(self) -> str:
        """The Markdown report, as ``kg build`` writes it to ``report.md``."""
        from kg.export.report import render

        return render(self.graph, self._info())

    def write(
        self,
        out_dir: PathLike,
        *,
        formats: str | Collection[str] | None = None,
        compress: bool = False,
    ) -> list[Path]:
        """Write the outputs of ``kg build`` into ``out_dir``; return the paths.

        ``formats`` and ``compress`` are those of ``kg build --formats/--compress``
        (default: every output, uncompressed). A graph reopened with :func:`load`
        has no per-document extractions, so ``extractions.jsonl`` is written only
        for a graph built in this session.
        """
        from kg.builder import BuildResult
        from kg.run import write_build_outputs

        result = self._result or BuildResult(graph=self.graph)
        chosen = formats if formats is None or isinstance(formats, str) else list(formats)
        return write_build_outputs(
            result, out_dir, info=self._info(), formats=chosen, compress=compress
        )

    def _info(self) -> BuildInfo:
        from kg.export.buildinfo import BuildInfo, from_result

        if self._result is not None:  # built in this session: its warnings too
            return from_result(self._result)
        ents, rels = self.graph.counts()
        return BuildInfo(
            read=self.read,
            skipped=tuple(self.skipped),
            entities=tuple(ents.items()),
            relations=tuple(rels.items()),
            min_confidence=self.min_confidence,
        )


def _term_text(t: Any) -> str:
    return str(getattr(t, "value", t))


def build(paths: PathLike | Iterable[PathLike], **options: Any) -> Graph:
    """Read and extract the documents under ``paths`` (a file, a folder or a list of them).

    ``options`` are those of :func:`kg.run.run_build` (``jobs``, ``cache_dir``…),
    the build ``kg build`` runs; ``out_dir=FOLDER`` also writes the outputs there;
    ``min_confidence=X`` (0 to 1) builds what ``kg build --min-confidence X`` does;
    ``corrections=FILE`` (a corrections TSV, see :mod:`kg.corrections`, or a list of
    :class:`~kg.corrections.Correction`) what ``kg build --corrections FILE`` does
    (no file is looked for by default here); ``progress=f`` calls ``f(n)`` as ``n``
    more documents are read.
    Unreadable files are skipped and listed in :attr:`Graph.skipped`.
    """
    from kg.run import BuildEvent, run_build

    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    progress = options.pop("progress", None)
    if progress is not None:
        on_event = options.pop("on_event", None)

        def events(event: BuildEvent) -> None:
            if event.kind == "read":
                progress(event.count)
            if on_event is not None:
                on_event(event)

        options["on_event"] = events
    return Graph.from_result(run_build(paths, **options).result)


def load(out_dir: PathLike) -> Graph:
    """Reopen the graph that ``kg build`` wrote to ``out_dir``."""
    return Graph.load(out_dir)


def saved_queries() -> dict[str, str]:
    """The saved queries (``kg query --list``): name -> one-line description."""
    from kg.query import saved_queries as _saved

    return {name: q.description for name, q in _saved().items()}

"""SHACL validation of an exported graph against ``ontology/shapes.ttl``.

The data graph is the merged graph (``graph.ttl``), validated with the ontology
under RDFS entailment (pySHACL's ``inference="rdfs"``): the shapes must hold of
everything the graph entails through the ontology's sub-classes, sub-properties,
domains and ranges (a ``kgo:City`` is a ``kgo:Place``; a ``kgo:indexNumber`` is a
``dcterms:identifier``), so the verdict is pySHACL's with RDFS inference.

:func:`validate_dir` validates the file in parts, never holding the whole graph:
a first reading learns what every part needs from the others (each node's classes
under the entailment, which document each resource derives from, the relations
that evidence names), a second reading hands pySHACL one part at a time: the
resources of a batch of documents (a document and what ``prov:wasDerivedFrom``
it: its evidence, sentences, observations), then the rest (entities, relations,
gazetteer facts, corrections). Each part is given the classes of every node it
names and the relations its evidence names, and keeps the results of its own
nodes only, so the report is the one :func:`validate_graph` gives for the whole
graph (``tests/test_validate.py`` compares the two on broken outputs). A graph
outside what the parts can answer alike (blank nodes, schema statements of its
own, a resource derived from two documents…) is validated whole, with a note.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from kg.errors import OutputError
from kg.types import Predicate
from kg.vocab import KGO, PREFIXES, ontology_dir, relation_property


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: the node, the property path, the message, the severity."""

    focus: str
    path: str
    message: str
    severity: str
    value: str = ""

    def __str__(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        value = f" (value: {self.value})" if self.value else ""
        return f"[{self.severity}] {where}: {self.message}{value}"


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Whether a graph conforms to the shapes, and every violation found."""

    conforms: bool
    violations: tuple[Violation, ...]
    triples: int

    def text(self) -> str:
        """A readable report: one line of verdict, then one line per violation."""
        if self.conforms:
            return f"conforms: {self.triples} triples checked against the policy-kg shapes"
        lines = [f"does not conform: {len(self.violations)} violation(s) in {self.triples} triples"]
        lines += [f"  {v}" for v in self.violations]
        return "\n".join(lines)


_SHORT = sorted(
    [(ns, f"{p}:") for p, ns in PREFIXES.items()] + [(str(SH), "sh:")], key=lambda x: -len(x[0])
)


def short(term: Node | None) -> str:
    """A term in prefixed form where a known prefix fits (``kgo:signed``, ``id:place/410100``).

    >>> short(URIRef("https://w3id.org/policykg/ontology#signed"))
    'kgo:signed'
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        s = str(term)
        for ns, prefix in _SHORT:
            if s.startswith(ns):
                return prefix + s[len(ns) :]
        return f"<{s}>"
    return str(term)


def _load(path: Path, what: str) -> Graph:
    from kg.export.files import open_output

    g = Graph()
    try:
        if path.name.endswith(".gz"):  # a compressed build's graph.ttl.gz
            with open_output(path) as f:
                g.parse(file=f, format="turtle")
        else:
            g.parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise OutputError(f"{path}: {what} not found") from exc
    except Exception as exc:  # rdflib raises many kinds on bad syntax
        raise OutputError(f"{path}: cannot parse {what}: {exc}") from exc
    return g


def shapes_graph() -> Graph:
    """The SHACL shapes (``ontology/shapes.ttl``)."""
    return _load(ontology_dir() / "shapes.ttl", "SHACL shapes")


def ontology_graph() -> Graph:
    """The OWL ontology (``ontology/policykg.ttl``)."""
    return _load(ontology_dir() / "policykg.ttl", "ontology")


#: The entailment regime the shapes are checked under (pySHACL's ``inference``).
INFERENCE = "rdfs"

#: ``progress(stage)``: told the stage a long validation is in, as a short phrase.
Progress = Callable[[str], None]


def _silent(stage: str) -> None:
    return None


def _results(results: Graph) -> Iterator[tuple[Node | None, Violation]]:
    """Each result of a pySHACL report: its focus node and its :class:`Violation`."""
    for r in results.subjects(SH.resultSeverity, None):
        sev = results.value(r, SH.resultSeverity)
        msg = results.value(r, SH.resultMessage)
        focus = results.value(r, SH.focusNode)
        yield (
            focus,
            Violation(
                focus=short(focus),
                path=short(results.value(r, SH.resultPath)),
                message=str(msg) if msg is not None else "constraint not met",
                severity=short(sev).removeprefix("sh:") if sev is not None else "Violation",
                value=short(results.value(r, SH.value)),
            ),
        )


class _Data(Graph):
    """A data graph that parses each SPARQL query once.

    pySHACL asks a SPARQL constraint once per focus node, with the same text and
    the node bound; rdflib parses a query's text on every call (most of the time
    of a validation). Given to pySHACL in place (``inplace=True``), so its queries
    reach :meth:`query`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict[str, Query] = {}

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> Result:  # type: ignore[override]
        if isinstance(query_object, str):
            prepared = self._prepared.get(query_object)
            if prepared is None:
                prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def _check(
    data: _Data, shapes: Graph, ontology: Graph, focus: list[str | URIRef] | None = None
) -> tuple[bool, Graph]:
    """pySHACL's verdict on ``data`` (with the ontology, under RDFS entailment), and
    its results; with ``focus``, of those nodes only. ``data`` gets the ontology and
    what it entails added (pySHACL works in place: no copy of the graph)."""
    from pyshacl import validate

    conforms, results, _ = validate(
        data,
        inplace=True,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference=INFERENCE,
        advanced=True,
        abort_on_first=False,
        allow_warnings=False,
        focus_nodes=focus,
    )
    return bool(conforms), results


def _sorted(found: Iterable[Violation]) -> tuple[Violation, ...]:
    return tuple(sorted(set(found), key=lambda v: (v.focus, v.path, v.message, v.value)))


def validate_graph(data: Graph, *, progress: Progress = _silent) -> ValidationReport:
    """Validate an rdflib graph against the shapes, whole; violations sorted by node and path.

    ``progress`` is told each stage (loading the shapes, checking), for a status line.
    """
    progress("loading the SHACL shapes and the ontology")
    shapes, ontology = shapes_graph(), ontology_graph()
    progress(f"checking {len(data):,} statements against the shapes")
    whole = _Data()
    whole += data
    conforms, results = _check(whole, shapes, ontology)
    violations = _sorted(v for _, v in _results(results))
    return ValidationReport(conforms, violations, len(data))


# ---------------------------------------------------------------------------
# Validation in parts
# ---------------------------------------------------------------------------

_RDF_TYPE = str(RDF.type)
_DERIVED = str(PROV.wasDerivedFrom)
_R_SUBJECT, _R_PREDICATE, _R_OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
_DOCUMENT = str(KGO.Document)
_XSD_STRING = str(XSD.string)
#: Statements of a schema (the ontology's business): a graph holding any is validated whole.
_SCHEMA = frozenset(str(p) for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range))
#: Classes a literal may be given by a range: datatypes, which no shape targets.
_DATATYPE_NS = (str(XSD), str(RDF.langString), str(RDFS.Literal), str(RDFS.Resource))
#: The relations evidence may name (the parts are given the statements of these).
_RELATIONS = frozenset(str(relation_property(p)) for p in Predicate)
#: Where the statements of the nodes of no document go.
_SHARED = ""
#: Statements of documents' resources handed to pySHACL at once.
BATCH = 40_000


class _Whole(Exception):
    """The graph cannot be validated in parts alike: why, for the note."""


class _Schema:
    """What the ontology entails about the classes of a node: each property's
    super-properties, and the classes (with their super-classes) its domains and
    ranges give, by IRI; blank class expressions (unions) left out, as no shape
    names them."""

    def __init__(self, ontology: Graph) -> None:
        def closure(start: Node, link: URIRef) -> set[str]:
            seen, todo = {start}, [start]
            while todo:
                for up in ontology.objects(todo.pop(), link):
                    if up not in seen:
                        seen.add(up)
                        todo.append(up)
            return {str(x) for x in seen if isinstance(x, URIRef)}

        self._up_class: dict[str, frozenset[str]] = {}
        self._classes = lambda c: closure(c, RDFS.subClassOf)
        props = set(ontology.subjects(RDFS.subPropertyOf, None))
        props |= set(ontology.subjects(RDFS.domain, None)) | set(
            ontology.subjects(RDFS.range, None)
        )
        self.domain: dict[str, frozenset[str]] = {}
        self.range: dict[str, frozenset[str]] = {}
        self.up: dict[str, frozenset[str]] = {}
        for p in props:
            if not isinstance(p, URIRef):
                continue
            ups = closure(p, RDFS.subPropertyOf)
            self.up[str(p)] = frozenset(ups)
            dom: set[str] = set()
            rng: set[str] = set()
            for q in ups:
                for c in ontology.objects(URIRef(q), RDFS.domain):
                    dom |= closure(c, RDFS.subClassOf)
                for c in ontology.objects(URIRef(q), RDFS.range):
                    rng |= closure(c, RDFS.subClassOf)
            if dom:
                self.domain[str(p)] = frozenset(dom)
            if rng:
                self.range[str(p)] = frozenset(rng)
        self._ontology = ontology

    def classes(self, c: str) -> frozenset[str]:
        """``c`` and its super-classes."""
        hit = self._up_class.get(c)
        if hit is None:
            hit = self._up_class[c] = frozenset(self._classes(URIRef(c)))
        return hit

    def supers(self, p: str) -> frozenset[str]:
        """``p`` and its super-properties."""
        return self.up.get(p) or frozenset((p,))


@dataclass
class _Scan:
    """What the first reading learns: each node's classes under the entailment,
    the document each resource derives from, and the relations between pairs of
    nodes (of the kinds evidence names)."""

    classes: dict[str, frozenset[str]] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    relations: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    triples: int = 0
    documents: int = 0

    def home(self, node: str, roots: frozenset[str] | set[str]) -> str:
        """The document whose part holds ``node``'s statements, or :data:`_SHARED`."""
        d = self.derived.get(node)
        if d is not None:
            return d
        return node if node in roots else _SHARED


def _terms(path: Path) -> Iterator[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]]:
    """The triples of the Turtle file at ``path`` (or ``.gz``), as pyoxigraph terms."""
    from kg.export.files import open_output

    try:
        with open_output(path) as f:
            for q in ox.parse(f, format=ox.RdfFormat.TURTLE):
                yield q.subject, q.predicate, q.object
    except FileNotFoundError as exc:
        raise OutputError(f"{path}: graph not found") from exc
    except SyntaxError as exc:
        raise OutputError(f"{path}: cannot parse graph: {exc}") from exc


def _scan(path: Path, schema: _Schema) -> tuple[_Scan, frozenset[str]]:
    """The first reading; returns what it learns and the roots of the documents' parts."""
    from sys import intern

    scan = _Scan()
    raw: dict[str, frozenset[str]] = {}
    unions: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}
    domain, range_, supers = schema.domain, schema.range, schema.supers

    def add(node: str, more: frozenset[str]) -> None:
        have = raw.get(node)
        if have is None:
            raw[node] = more
        elif not more <= have:
            key = (have, more)
            hit = unions.get(key)
            if hit is None:
                hit = unions[key] = have | more
            raw[node] = hit

    named: set[str] = set()
    for s, p, o in _terms(path):
        scan.triples += 1
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            raise _Whole("the graph has blank nodes")
        sv, pv = intern(s.value), p.value
        if pv in _SCHEMA or pv.startswith(str(OWL)):
            raise _Whole(f"the graph states schema ({pv})")
        dom = domain.get(pv)
        if dom:
            add(sv, dom)
        if isinstance(o, ox.NamedNode):
            ov = intern(o.value)
            if pv == _RDF_TYPE:
                add(sv, schema.classes(ov))
            rng = range_.get(pv)
            if rng:
                add(ov, rng)
            ups = supers(pv)
            if _DERIVED in ups and scan.derived.setdefault(sv, ov) != ov:
                raise _Whole(f"{sv} is derived from two resources")
            if pv == _R_PREDICATE:
                named.add(ov)
            if not _RELATIONS.isdisjoint(ups):
                scan.relations.setdefault((sv, ov), set()).add(pv)
        else:
            rng = range_.get(pv)
            if rng and any(not c.startswith(_DATATYPE_NS) for c in rng):
                raise _Whole(f"a literal is the value of {pv}, whose range is a class")
            if pv == _R_PREDICATE:
                raise _Whole("evidence names a literal as its predicate")
    if not named <= _RELATIONS:
        raise _Whole("evidence names a relation outside the seven")
    roots = set(scan.derived.values())
    roots.update(n for n, cs in raw.items() if _DOCUMENT in cs)
    for node in scan.derived:
        if node in roots:
            raise _Whole(f"{node} is derived from a resource and has resources derived from it")
    scan.classes = raw
    scan.documents = len(roots)
    return scan, frozenset(roots)


class _Terms:
    """rdflib terms of pyoxigraph terms, IRIs made once."""

    def __init__(self) -> None:
        self._iris: dict[str, URIRef] = {}

    def iri(self, value: str) -> URIRef:
        hit = self._iris.get(value)
        if hit is None:
            hit = URIRef(value)
            if len(self._iris) < 500_000:
                self._iris[value] = hit
        return hit

    def term(self, t: object) -> URIRef | Literal:
        if isinstance(t, ox.NamedNode):
            return self.iri(t.value)
        assert isinstance(t, ox.Literal)
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        return Literal(t.value) if dt == _XSD_STRING else Literal(t.value, datatype=self.iri(dt))


Triple = tuple[str, ox.NamedNode, object]


class _Parts:
    """Builds each part as an rdflib graph and collects its own nodes' results."""

    def __init__(self, scan: _Scan, roots: frozenset[str], progress: Progress) -> None:
        self.scan, self.roots, self.progress = scan, roots, progress
        self.shapes, self.ontology = shapes_graph(), ontology_graph()
        self.terms = _Terms()
        self.found: list[Violation] = []

    def check(self, triples: list[Triple], own: set[str], *, focus: bool) -> None:
        """Validate ``triples`` with what they need of the rest; keep the results
        of the nodes in ``own`` (given to pySHACL as its focus nodes if ``focus``)."""
        terms, classes, relations = self.terms, self.scan.classes, self.scan.relations
        iri = terms.iri
        g = _Data()
        add = g.add
        named: set[str] = set(own)
        pairs: dict[str, tuple[set[str], set[str]]] = {}
        for s, p, o in triples:
            pv = p.value
            add((iri(s), iri(pv), terms.term(o)))
            if isinstance(o, ox.NamedNode):
                named.add(o.value)
                if pv == _R_SUBJECT:
                    pairs.setdefault(s, (set(), set()))[0].add(o.value)
                elif pv == _R_OBJECT:
                    pairs.setdefault(s, (set(), set()))[1].add(o.value)
            named.add(s)
        rdf_type = RDF.type
        for node in named:
            for c in classes.get(node, ()):
                add((iri(node), rdf_type, iri(c)))
        for subjects, objects in pairs.values():
            for a, b in itertools.product(subjects, objects):
                for pv in relations.get((a, b), ()):
                    add((iri(a), iri(pv), iri(b)))
        mine: list[str | URIRef] = sorted(iri(n) for n in own)
        _, results = _check(g, self.shapes, self.ontology, mine if focus else None)
        self.found.extend(
            v for f, v in _results(results) if isinstance(f, URIRef) and str(f) in own
        )


def _in_parts(path: Path, progress: Progress) -> ValidationReport:
    progress("loading the SHACL shapes and the ontology")
    schema = _Schema(ontology_graph())
    progress(f"reading {path.name}: the classes of its nodes and what derives from what")
    scan, roots = _scan(path, schema)
    parts = _Parts(scan, roots, progress)
    shared: list[Triple] = []
    batch: list[Triple] = []
    homes: set[str] = set()
    done: set[str] = set()
    checked = 0
    step = max(1, scan.documents // 20)
    shown = 0

    def flush() -> None:
        nonlocal checked, shown
        own = {s for s, _, _ in batch} | homes
        parts.check(batch, own, focus=True)
        checked += len(homes)
        done.update(homes)
        if checked - shown >= step or checked == scan.documents:
            progress(f"checked the resources of {checked:,} of {scan.documents:,} documents")
            shown = checked
        batch.clear()
        homes.clear()

    from sys import intern

    for s, p, o in _terms(path):
        sv = intern(s.value)
        home = scan.home(sv, roots)
        if home == _SHARED:
            shared.append((sv, p, o))
            continue
        if home not in homes:
            if home in done:
                raise _Whole(f"the statements of {home}'s resources are not together")
            if len(batch) >= BATCH:
                flush()
            homes.add(home)
        batch.append((sv, p, o))
    if batch:
        flush()
    progress(f"checking the entities, relations and the rest ({len(shared):,} statements)")
    own = {s for s, _, _ in shared}
    own.update(n for n in scan.classes if scan.home(n, roots) == _SHARED)
    parts.check(shared, own, focus=False)
    violations = _sorted(parts.found)
    return ValidationReport(not violations, violations, scan.triples)


def validate_file(path: str | Path, *, progress: Progress = _silent) -> ValidationReport:
    """Validate a Turtle file (``graph.ttl``, or ``.gz``) in parts; the report is the
    one :func:`validate_graph` gives for the whole file (see the module's docstring).

    ``progress`` is told each stage (reading, each share of the documents checked).
    """
    path = Path(path)
    try:
        return _in_parts(path, progress)
    except _Whole as why:
        progress(f"{why}: checking the whole graph at once")
        return validate_graph(_load(path, "graph"), progress=progress)


def validate_dir(out_dir: str | Path, *, progress: Progress = _silent) -> ValidationReport:
    """Validate ``OUT_DIR/graph.ttl`` (as written by ``kg build``), in parts.

    ``progress`` is told each stage (reading, checking the documents, the rest).
    """
    from kg.export.files import find_output

    path = find_output(out_dir, "graph.ttl")  # or graph.ttl.gz
    if not path.is_file():
        raise OutputError(f"{path}: no graph.ttl here; run 'kg build DOCS --out {out_dir}' first")
    progress(f"reading {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return validate_file(path, progress=progress)


__all__ = ["ValidationReport", "Violation", "validate_dir", "validate_file", "validate_graph"]

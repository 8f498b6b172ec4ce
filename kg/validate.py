"""SHACL validation of an exported graph against ``ontology/shapes.ttl``.

The data graph is the merged graph (``graph.ttl``), validated with the ontology
under RDFS entailment (pySHACL's ``inference="rdfs"``): the shapes must hold of
everything the graph entails through the ontology's sub-classes, sub-properties,
domains and ranges (a ``kgo:City`` is a ``kgo:Place``; a ``kgo:indexNumber`` is a
``dcterms:identifier``), so the verdict is pySHACL's with RDFS inference.

:func:`validate_dir` validates the file in parts, never holding the whole graph.
A first reading learns what every part needs from the others: each node's classes
under the entailment (its own types, and what the domains and ranges of the
properties of every statement about it give), the resource each one derives from
(``prov:wasDerivedFrom``: a document's evidence, sentences and observations), and the
relations between pairs of nodes. A second reading hands pySHACL one part at a time:
about 4,000 statements of whole nodes, a document always with what derives from it,
each part given the classes of every node it names and the relations its evidence
names, its own nodes pySHACL's focus nodes. As RDFS entailment draws each
consequence from one statement and the ontology, and every shape reads a node's own
statements, the classes of the nodes it points to and (``DatedEvidence``) what
derives from it, each node's results are those the whole graph gives it
(``tests/test_validate.py`` compares the two on the sample build and on a broken
one). A graph outside that (blank nodes, schema statements of its own, a resource
derived from two, a node's statements not together as ``kg build`` writes them) is
validated whole, with a note. Parts go to ``jobs`` worker processes.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from kg.errors import OutputError
from kg.lifeline import end_with
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
#: Statements handed to pySHACL at once (the part's own; more make each part's list
#: of focus nodes, which pySHACL searches once per target, longer).
BATCH = 4_000


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


def _check_part(text: str, own: list[str]) -> list[Violation]:
    """The violations of the nodes ``own`` in the part ``text`` (N-Triples): pySHACL
    with the ontology under RDFS entailment, the nodes ``own`` its focus nodes."""
    shapes, ontology = _rules()
    g = _Data()
    g.parse(data=text, format="nt")
    focus: list[str | URIRef] = [URIRef(n) for n in own]
    _, results = _check(g, shapes, ontology, focus)
    mine = set(own)
    return [v for f, v in _results(results) if isinstance(f, URIRef) and str(f) in mine]


@functools.cache
def _rules() -> tuple[Graph, Graph]:
    """The shapes and the ontology, read once per process."""
    return shapes_graph(), ontology_graph()


class _Part:
    """The statements of some nodes (each node's all), as N-Triples lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.homes: set[str] = set()
        self.subjects: set[str] = set()
        self.named: set[str] = set()
        self.pairs: dict[str, tuple[set[str], set[str]]] = {}

    def add(self, s: str, p: ox.NamedNode, o: object, s_nt: str) -> None:
        pv = p.value
        self.lines.append(f"{s_nt} {p} {o} .\n")
        self.subjects.add(s)
        if isinstance(o, ox.NamedNode):
            self.named.add(o.value)
            if pv == _R_SUBJECT:
                self.pairs.setdefault(s, (set(), set()))[0].add(o.value)
            elif pv == _R_OBJECT:
                self.pairs.setdefault(s, (set(), set()))[1].add(o.value)

    def text(self, scan: _Scan) -> str:
        """The part with what it needs of the rest: the classes every node it names
        has under the entailment, the relations between the nodes its evidence names."""
        lines = self.lines
        for node in self.named | self.subjects | self.homes:
            lines.extend(f"<{node}> <{_RDF_TYPE}> <{c}> .\n" for c in scan.classes.get(node, ()))
        relations = scan.relations
        for subjects, objects in self.pairs.values():
            for a, b in itertools.product(subjects, objects):
                lines.extend(f"<{a}> <{pv}> <{b}> .\n" for pv in relations.get((a, b), ()))
        return "".join(lines)


def _in_parts(path: Path, progress: Progress, jobs: int) -> ValidationReport:
    from sys import intern

    progress("loading the SHACL shapes and the ontology")
    schema = _Schema(ontology_graph())
    progress(f"reading {path.name}: the classes of its nodes and what derives from what")
    scan, roots = _scan(path, schema)
    found: list[Violation] = []
    done: set[str] = set()
    counts = {"documents": 0, "others": 0, "shown": -1}
    step = max(1, scan.documents // 20)
    said = [""]  # the last line shown

    def show(final: bool = False) -> None:
        d = counts["documents"]
        line = (
            f"checked the resources of {d:,} of {scan.documents:,} documents"
            f" and {counts['others']:,} other nodes"
        )
        if line != said[0] and (final or d // step != counts["shown"] // step):
            progress(line)
            counts["shown"], said[0] = d, line

    def collect(part: _Part, result: list[Violation]) -> None:
        found.extend(result)
        docs = sum(1 for h in part.homes if h in roots)
        counts["documents"] += docs
        counts["others"] += len(part.homes) - docs
        show()

    with contextlib.ExitStack() as stack:
        pool = None if jobs <= 1 else stack.enter_context(_pool(jobs))
        pending: collections.deque[tuple[_Part, Future[list[Violation]]]] = collections.deque()

        def submit(part: _Part) -> None:
            text, own = part.text(scan), sorted(part.subjects | part.homes)
            if pool is None:
                collect(part, _check_part(text, own))
                return
            pending.append((part, pool.submit(_check_part, text, own)))
            while len(pending) > 2 * jobs:
                first, future = pending.popleft()
                collect(first, future.result())

        part = _Part()
        for s, p, o in _terms(path):
            sv = intern(s.value)
            home = scan.derived.get(sv, sv)
            if home not in part.homes:
                if home in done:
                    raise _Whole(f"the statements of {home} and its resources are not together")
                if len(part.lines) >= BATCH:
                    submit(part)
                    part = _Part()
                part.homes.add(home)
                done.add(home)
            part.add(sv, p, o, str(s))
        # the nodes known only as objects (a document's mentions of an entity the graph
        # does not describe): their classes alone
        for node in scan.classes:
            if node not in done and scan.derived.get(node, node) == node:
                if len(part.lines) >= BATCH:
                    submit(part)
                    part = _Part()
                part.homes.add(node)
                part.lines.append("")  # counts towards the batch
        if part.homes:
            submit(part)
        while pending:
            first, future = pending.popleft()
            collect(first, future.result())
    show(final=True)
    violations = _sorted(found)
    return ValidationReport(not violations, violations, scan.triples)


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes that check parts, ending with this process however it ends."""
    return ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=end_with,
        initargs=(os.getpid(),),
    )


def validate_file(
    path: str | Path, *, jobs: int = 1, progress: Progress = _silent
) -> ValidationReport:
    """Validate a Turtle file (``graph.ttl``, or ``.gz``) in parts; the report is the
    one :func:`validate_graph` gives for the whole file (see the module's docstring).

    ``jobs`` worker processes check the parts (1: this process alone). ``progress``
    is told each stage (reading, each share of the documents checked).
    """
    path = Path(path)
    try:
        return _in_parts(path, progress, jobs)
    except _Whole as why:
        progress(f"{why}: checking the whole graph at once")
        return validate_graph(_load(path, "graph"), progress=progress)


def validate_dir(
    out_dir: str | Path, *, jobs: int = 1, progress: Progress = _silent
) -> ValidationReport:
    """Validate ``OUT_DIR/graph.ttl`` (as written by ``kg build``), in parts, by ``jobs``
    processes.

    ``progress`` is told each stage (reading, each share of the documents checked).
    """
    from kg.export.files import find_output

    path = find_output(out_dir, "graph.ttl")  # or graph.ttl.gz
    if not path.is_file():
        raise OutputError(f"{path}: no graph.ttl here; run 'kg build DOCS --out {out_dir}' first")
    progress(f"reading {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return validate_file(path, jobs=jobs, progress=progress)


__all__ = ["ValidationReport", "Violation", "validate_dir", "validate_file", "validate_graph"]

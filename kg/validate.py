"""SHACL validation of an exported graph against ``ontology/shapes.ttl``.

The data graph is the merged graph (``graph.ttl``), validated with the ontology
under RDFS entailment (pySHACL's ``inference="rdfs"``): the shapes must hold of
everything the graph entails through the ontology's sub-classes, sub-properties,
domains and ranges (a ``kgo:City`` is a ``kgo:Place``; a ``kgo:indexNumber`` is a
``dcterms:identifier``), so the verdict is pySHACL's with RDFS inference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import OutputError
from kg.vocab import PREFIXES, ontology_dir


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


def validate_graph(data: Graph, *, progress: Progress = _silent) -> ValidationReport:
    """Validate an rdflib graph against the shapes; violations sorted by node and path.

    ``progress`` is told each stage (loading the shapes, checking), for a status line.
    """
    from pyshacl import validate

    progress("loading the SHACL shapes and the ontology")
    shapes, ontology = shapes_graph(), ontology_graph()
    progress(f"checking {len(data):,} statements against the shapes")
    conforms, results, _ = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference=INFERENCE,
        advanced=True,
        abort_on_first=False,
        allow_warnings=False,
    )
    found: set[Violation] = set()
    for r in results.subjects(SH.resultSeverity, None):
        sev = results.value(r, SH.resultSeverity)
        msg = results.value(r, SH.resultMessage)
        found.add(
            Violation(
                focus=short(results.value(r, SH.focusNode)),
                path=short(results.value(r, SH.resultPath)),
                message=str(msg) if msg is not None else "constraint not met",
                severity=short(sev).removeprefix("sh:") if sev is not None else "Violation",
                value=short(results.value(r, SH.value)),
            )
        )
    violations = tuple(sorted(found, key=lambda v: (v.focus, v.path, v.message, v.value)))
    return ValidationReport(bool(conforms), violations, len(data))


def validate_dir(out_dir: str | Path, *, progress: Progress = _silent) -> ValidationReport:
    """Validate ``OUT_DIR/graph.ttl`` (as written by ``kg build``).

    ``progress`` is told each stage (reading, loading the shapes, checking).
    """
    from kg.export.files import find_output

    path = find_output(out_dir, "graph.ttl")  # or graph.ttl.gz
    if not path.is_file():
        raise OutputError(f"{path}: no graph.ttl here; run 'kg build DOCS --out {out_dir}' first")
    progress(f"reading {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return validate_graph(_load(path, "graph"), progress=progress)


__all__ = ["ValidationReport", "Violation", "validate_dir", "validate_graph"]

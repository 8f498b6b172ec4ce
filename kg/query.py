"""SPARQL over an exported graph, and the saved research questions in ``kg/queries``.

The engine is pyoxigraph: ``OUT_DIR/graph.trig`` is loaded into an in-memory
store and queries run with the default graph as the union of the named graphs,
so a query without ``GRAPH`` sees everything and ``GRAPH ?doc { … }`` still
reaches one document's statements. The usual prefixes (``kgo:``, ``rdfs:``,
``prov:``, ``dcterms:``, …) are predeclared.

A saved query is a ``.rq`` file whose first line is a comment giving its one-line
description; ``# param NAME KIND DEFAULT`` lines declare parameters, which are
bound to the query's ``?NAME`` variable as RDF terms by a ``VALUES`` block that
opens the ``WHERE`` clause (values are escaped, never spliced into the text as such):

- ``label``: a Chinese label, ``"…"@zh``
- ``string``: a plain literal
- ``iri``: an absolute IRI
- ``integer``: an ``xsd:integer``

A query with a ``SERVICE`` clause (which would send requests to other endpoints,
from this machine) is refused unless ``allow_service``; ``timeout`` bounds how
long a query may run.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, OutputError, UnknownNameError
from kg.vocab import PREFIXES

#: Output formats of :func:`format_result`.
FORMATS: tuple[str, ...] = ("table", "csv", "json")
#: Kinds of saved-query parameters.
PARAM_KINDS: tuple[str, ...] = ("label", "string", "iri", "integer")

_QUERY_DIR = Path(__file__).resolve().parent / "queries"
_PARAM_RE = re.compile(r"^#\s*param\s+(\w+)\s+(\w+)(?:\s+(.*?))?\s*$")
_IRI_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


class QueryError(KGError):
    """A SPARQL query cannot be parsed or run, or a parameter is wrong."""


#: The reason given for a query with a SERVICE clause.
SERVICE_REFUSED = (
    "SERVICE is refused: queries here do not reach other endpoints (--allow-service allows it)"
)

# What a SPARQL text holds that is no keyword: strings, IRIs, comments (see uses_service)
_NOT_KEYWORDS = re.compile(
    "|".join(
        (
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",
            r'"(?:[^"\\\n]|\\.)*"',
            r"'(?:[^'\\\n]|\\.)*'",
            r"<[^<>\"{}|^`\\\x00-\x20]*>",
            r"#[^\n]*",
        )
    ),
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$-])SERVICE(?![\w:-])", re.IGNORECASE)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def uses_service(sparql: str) -> bool:
    """Whether the query or update ``sparql`` has a ``SERVICE`` clause (the keyword
    outside strings, IRIs and comments, also when written with ``\\u`` escapes).

    >>> uses_service("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service WHERE { ?s ex:SERVICE "SERVICE" } # SERVICE')
    False
    >>> uses_service("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }")
    True
    """

    def unescape(m: re.Match[str]) -> str:
        return chr(int(m.group(1) or m.group(2), 16))

    for text in {sparql, _CODEPOINT.sub(unescape, sparql)}:
        if _SERVICE.search(_NOT_KEYWORDS.sub(" ", text)):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Param:
    """A declared parameter of a saved query."""

    name: str
    kind: str
    default: str | None = None


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """A saved query: its name (file stem), description, parameters and text."""

    name: str
    description: str
    text: str
    params: tuple[Param, ...] = ()


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The answer to a query: variables and rows of terms, or a boolean, or triples."""

    variables: tuple[str, ...] = ()
    rows: tuple[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = field(default_factory=tuple)

    def values(self, variable: str) -> list[str]:
        """The lexical values of one variable, row by row (``""`` when unbound)."""
        i = self.variables.index(variable)
        return [_lexical(r[i]) for r in self.rows]

    def records(self) -> list[dict[str, str]]:
        """Rows as dicts of lexical values (unbound variables left out)."""
        return [
            {v: _lexical(t) for v, t in zip(self.variables, r, strict=True) if t is not None}
            for r in self.rows
        ]


# ---------------------------------------------------------------------------
# Saved queries
# ---------------------------------------------------------------------------


def _parse_saved(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#"):
        raise QueryError(f"{path}: the first line must be a '# description' comment")
    description = lines[0].lstrip("#").strip()
    params = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        m = _PARAM_RE.match(line)
        if m:
            name, kind, default = m.group(1), m.group(2), m.group(3)
            if kind not in PARAM_KINDS:
                raise UnknownNameError("parameter kind", kind, PARAM_KINDS)
            params.append(Param(name, kind, default or None))
    return SavedQuery(path.stem, description, text, tuple(params))


def saved_queries() -> dict[str, SavedQuery]:
    """Every saved query by name, sorted by name."""
    return {p.stem: _parse_saved(p) for p in sorted(_QUERY_DIR.glob("*.rq"))}


def saved_query(name: str) -> SavedQuery:
    """One saved query; an unknown name raises :class:`UnknownNameError` listing valid ones."""
    queries = saved_queries()
    if name not in queries:
        raise UnknownNameError("saved query", name, list(queries))
    return queries[name]


def parse_params(items: Sequence[str]) -> dict[str, str]:
    """``["city=郑州市", …]`` as a dict; a malformed item raises :class:`QueryError`.

    >>> parse_params(["city=郑州市", "n=3"])
    {'city': '郑州市', 'n': '3'}
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not re.fullmatch(r"\w+", name):
            raise QueryError(f"parameter {item!r} is not of the form name=value")
        out[name] = value
    return out


def _term(kind: str, name: str, value: str) -> ox.NamedNode | ox.Literal:
    if kind == "label":
        return ox.Literal(value, language="zh")
    if kind == "string":
        return ox.Literal(value)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise QueryError(f"parameter {name!r} must be an integer, not {value!r}")
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    value = value.strip().removeprefix("<").removesuffix(">")
    if not _IRI_RE.match(value):
        raise QueryError(f"parameter {name!r} must be an absolute IRI, not {value!r}")
    return ox.NamedNode(value)


def bindings(query: SavedQuery, values: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """The RDF terms bound to a saved query's parameters (declared defaults filled in)."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise UnknownNameError(f"parameter of query {query.name!r}", unknown[0], list(declared))
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        value = values.get(p.name, p.default)
        if value is None:
            raise QueryError(f"query {query.name!r} needs --param {p.name}=… ({p.kind})")
        out[p.name] = _term(p.kind, p.name, value)
    return out


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def load_store(out_dir: str | Path) -> ox.Store:
    """An in-memory store holding ``OUT_DIR/graph.trig``."""
    path = Path(out_dir) / "graph.trig"
    if not path.is_file():
        raise OutputError(f"{path}: no graph.trig here; run 'kg build DOCS --out {out_dir}' first")
    store = ox.Store()
    try:
        store.load(path=path, format=ox.RdfFormat.TRIG)
    except (SyntaxError, OSError, ValueError) as exc:
        raise OutputError(f"{path}: cannot load: {exc}") from exc
    return store


_WHERE_RE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(sparql: str, params: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    r"""The query with ``VALUES ?name { term }`` opening its ``WHERE`` block.

    Terms are written in their N-Triples form, which escapes every character that
    could end the literal or the IRI, so a value can never change the query's shape.

    >>> with_values("SELECT ?x WHERE { ?x ?p ?v }", {"v": ox.Literal('a"} .', language="zh")})
    'SELECT ?x WHERE { VALUES ?v { "a\\"} ."@zh } ?x ?p ?v }'
    """
    if not params:
        return sparql
    m = _WHERE_RE.search(sparql)
    if m is None:
        raise QueryError("a query with parameters needs a WHERE { … } block")
    values = " ".join(f"VALUES ?{k} {{ {v} }}" for k, v in sorted(params.items()))
    return f"{sparql[: m.end()]} {values}{sparql[m.end() :]}"


def run(
    store: ox.Store,
    sparql: str,
    params: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    *,
    timeout: float | None = None,
    allow_service: bool = False,
) -> QueryResult:
    """Run a SPARQL query (default graph = union of the named graphs).

    ``params`` bind variables to RDF terms through a ``VALUES`` block (see
    :func:`with_values`); values are never spliced into the text as such.
    A ``SERVICE`` clause is refused unless ``allow_service``. With ``timeout``
    (seconds), a query still running then raises :class:`QueryError`; the
    engine cannot be stopped inside this process, so the query goes on in a
    background thread until it ends (``kg query`` exits at once). The query
    runs in a thread in any case, so that Ctrl-C (``KeyboardInterrupt``) stops
    the wait for it.
    """
    for k in params or {}:
        if not re.fullmatch(r"\w+", k):
            raise QueryError(f"bad parameter name {k!r}")
    if not allow_service and uses_service(sparql):
        raise QueryError(SERVICE_REFUSED)
    import threading

    outcome: list[QueryResult | BaseException] = []
    done = threading.Event()

    def evaluate() -> None:
        try:
            outcome.append(_evaluate(store, with_values(sparql, params or {})))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            outcome.append(exc)
        finally:
            done.set()

    threading.Thread(target=evaluate, name="kg-query", daemon=True).start()
    if not done.wait(timeout):
        raise QueryError(f"the query ran longer than {timeout:g} s (--timeout)")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _evaluate(store: ox.Store, sparql: str) -> QueryResult:
    try:
        answer = store.query(sparql, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples):
            return QueryResult(triples=tuple(answer))
        variables = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(sol[v] for v in variables) for sol in answer)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise QueryError(f"SPARQL query failed: {exc}") from exc
    return QueryResult(variables=variables, rows=rows)


def run_saved(
    store: ox.Store, name: str, values: Mapping[str, str] | None = None, **options: Any
) -> QueryResult:
    """Run a saved query by name with parameter values (strings, typed by the declaration);
    ``options`` as for :func:`run`."""
    q = saved_query(name)
    return run(store, q.text, bindings(q, values or {}), **options)


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

_SHORT = sorted(((ns, f"{p}:") for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


def _lexical(t: object) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode | ox.Literal | ox.BlankNode):
        return t.value
    return str(t)


def _display(t: object) -> str:
    if isinstance(t, ox.NamedNode):
        for ns, prefix in _SHORT:
            if t.value.startswith(ns):
                return prefix + t.value[len(ns) :]
        return f"<{t.value}>"
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    return _lexical(t).replace("\n", " ")


_MAX_CELL = 80  # display columns; longer cells (sentences) are cut in tables only


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


def _clip(s: str, width: int = _MAX_CELL) -> str:
    if _width(s) <= width:
        return s
    out, w = [], 0
    for c in s:
        w += _width(c)
        if w > width - 1:
            break
        out.append(c)
    return "".join(out) + "…"


def _table(result: QueryResult) -> str:
    head = list(result.variables)
    body = [[_clip(_display(t)) for t in row] for row in result.rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(head)]
    lines = [
        "  ".join(_pad(h, w) for h, w in zip(head, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    lines.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(lines)


def _json_term(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = t.datatype.value
    return out


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """The result as an aligned table, CSV (lexical values) or SPARQL 1.1 JSON results."""
    if fmt not in FORMATS:
        raise UnknownNameError("output format", fmt, FORMATS)
    if result.boolean is not None:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean})
        return "true" if result.boolean else "false"
    if result.triples:
        data = ox.serialize(list(result.triples), format=ox.RdfFormat.N_TRIPLES) or b""
        return data.decode().rstrip()
    if fmt == "table":
        return _table(result)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(result.variables)
        w.writerows([_lexical(t) for t in row] for row in result.rows)
        return buf.getvalue().rstrip("\n")
    doc = {
        "head": {"vars": list(result.variables)},
        "results": {
            "bindings": [
                {
                    v: _json_term(t)
                    for v, t in zip(result.variables, row, strict=True)
                    if t is not None
                }
                for row in result.rows
            ]
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)

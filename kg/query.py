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

- ``entity``: an entity, named by its canonical name, an alias or its id
  (``Place/410100``, or its IRI); bound to the entity's IRI (to each of them when
  the name denotes several). A name that denotes no entity is an error listing
  the closest names.
- ``document``: a document, by its file name (or the end of its path, or its
  title); bound to its ``dcterms:identifier``. An unknown one is an error listing
  the closest file names.
- ``label``: a Chinese label, ``"…"@zh``
- ``string``: a plain literal
- ``iri``: an absolute IRI
- ``integer``: an ``xsd:integer``

Names are resolved through the graph itself (the store the query runs on), so
``party=郑州``, ``party=郑州市`` and ``party=Place/410100`` give the same rows.

A query with a ``SERVICE`` clause (which would send requests to other endpoints,
from this machine) is refused unless ``allow_service``; ``timeout`` bounds how
long a query may run.
"""

from __future__ import annotations

import csv
import difflib
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
from kg.types import EntityType
from kg.vocab import PREFIXES

#: Output formats of :func:`format_result`.
FORMATS: tuple[str, ...] = ("table", "csv", "json")
#: Kinds of saved-query parameters.
PARAM_KINDS: tuple[str, ...] = ("entity", "document", "label", "string", "iri", "integer")
#: Kinds whose values are names looked up in the graph.
NAME_KINDS: tuple[str, ...] = ("entity", "document")

_QUERY_DIR = Path(__file__).resolve().parent / "queries"
_PARAM_RE = re.compile(r"^#\s*param\s+(\w+)\s+(\w+)(?:\s+(.*?))?\s*$")
_IRI_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


class QueryError(KGError):
    """A SPARQL query cannot be parsed or run, or a parameter is wrong."""


class UnknownParameterValueError(QueryError):
    """A parameter names no entity (or document) of the graph; lists the closest names."""

    def __init__(self, param: str, kind: str, value: str, close: Sequence[str]) -> None:
        hint = f"; closest names: {', '.join(close)}" if close else ""
        what = "entity has this name, alias or id" if kind == "entity" else "document has this name"
        super().__init__(f"parameter {param}={value!r} matches nothing: no {what}{hint}")
        self.param = param
        self.value = value
        self.close = tuple(close)


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


_NAME_RE = re.compile(r"[A-Za-z][\w.-]*")


def check_not_a_name(text: str) -> None:
    """Refuse a saved query's name (or a near miss) given where SPARQL is expected.

    ``kg query out cooperation-partners`` (``--saved`` forgotten) would otherwise be
    reported as a SPARQL syntax error.

    >>> check_not_a_name("SELECT * WHERE { ?s ?p ?o }")
    >>> check_not_a_name("cooperation-partners")
    Traceback (most recent call last):
    ...
    kg.query.QueryError: 'cooperation-partners' is a saved query, not SPARQL: run it with --saved cooperation-partners
    """
    name = text.strip()
    if not _NAME_RE.fullmatch(name) or name.upper() in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
        return
    queries = saved_queries()
    if name in queries:
        raise QueryError(f"{name!r} is a saved query, not SPARQL: run it with --saved {name}")
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise QueryError(
        f"{name!r} is neither a SPARQL query nor a saved query{hint}; "
        f"saved queries (run with --saved NAME): {', '.join(queries)}"
    )


def empty_note(query: SavedQuery, values: Mapping[str, str], terms: Mapping[str, Binding]) -> str:
    """Why a saved query with parameters gave no rows: which parameter matched nothing."""
    named = [p for p in query.params if p.name in terms]
    if not named:
        return "no rows"
    parts = []
    for p in named:
        given = values.get(p.name, p.default)
        bound = terms[p.name]
        shown = ", ".join(_display(t) for t in (bound if isinstance(bound, tuple) else (bound,)))
        parts.append(f"{p.name}={given} ({shown})" if shown != given else f"{p.name}={given}")
    which = " and ".join(parts)
    return f"no rows: nothing in the graph answers {query.name!r} for {which}"


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


Term = ox.NamedNode | ox.Literal
#: A parameter's value: one term, or several (a name that denotes several entities).
Binding = Term | tuple[Term, ...]


def bindings(
    query: SavedQuery, values: Mapping[str, str], store: ox.Store | None = None
) -> dict[str, Binding]:
    """The RDF terms bound to a saved query's parameters (declared defaults filled in).

    Parameters of kind ``entity`` and ``document`` are names resolved in ``store``
    (see :func:`resolve_entity` and :func:`resolve_document`); they need it.
    """
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise UnknownNameError(f"parameter of query {query.name!r}", unknown[0], list(declared))
    out: dict[str, Binding] = {}
    for p in query.params:
        value = values.get(p.name, p.default)
        if value is None:
            raise QueryError(f"query {query.name!r} needs --param {p.name}=… ({p.kind})")
        if p.kind in NAME_KINDS:
            if store is None:
                raise QueryError(f"parameter {p.name!r} is a name: it is resolved in a store")
            resolve = resolve_entity if p.kind == "entity" else resolve_document
            out[p.name] = resolve(store, value, param=p.name)
        else:
            out[p.name] = _term(p.kind, p.name, value)
    return out


# ---------------------------------------------------------------------------
# Names resolved through the graph
# ---------------------------------------------------------------------------

_ENTITY_CLASSES = " ".join(f"kgo:{t.value}" for t in EntityType)


def _select(store: ox.Store, sparql: str) -> list[tuple[str, ...]]:
    answer = store.query(sparql, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    variables = [v.value for v in answer.variables]
    return [tuple(_lexical(sol[v]) for v in variables) for sol in answer]


def _bare(name: str) -> str:
    return name.strip().strip('《》“”"').strip()


def _closest(value: str, names: Sequence[str], n: int = 5) -> list[str]:
    """Names containing ``value`` (shortest first), then the closest by spelling."""
    q = _bare(value)
    close = sorted({nm for nm in names if q and q in nm}, key=lambda nm: (len(nm), nm))[:n]
    close += [nm for nm in difflib.get_close_matches(q, names, n=n, cutoff=0.5) if nm not in close]
    return close[:n]


def _entity_iri_of(value: str) -> str | None:
    """The IRI that an id (``Place/410100``), an ``id:`` name or an IRI denotes, if any."""
    from kg.export.rdf import ID_NS, _entity_iri

    v = value.strip().removeprefix("<").removesuffix(">")
    if v.startswith(ID_NS):
        return v
    if v.startswith("id:"):
        return ID_NS + v[3:]
    head, sep, tail = v.partition("/")
    if sep and tail and head in {t.value for t in EntityType}:
        return _entity_iri(v)
    return None


def resolve_entity(
    store: ox.Store, value: str, *, param: str = "entity"
) -> tuple[ox.NamedNode, ...]:
    """The entities ``value`` names: by id or IRI, else canonical name, else alias, else
    the name without its 《》. An unknown name raises :class:`UnknownParameterValueError`
    with the closest names of the graph.
    """
    iri = _entity_iri_of(value)
    if iri is not None:
        ask = store.query(
            f"ASK {{ {ox.NamedNode(iri)} rdfs:label ?l }}",
            prefixes=dict(PREFIXES),
            use_default_graph_as_union=True,
        )
        if bool(ask):
            return (ox.NamedNode(iri),)
    name = value.strip()
    for prop in ("rdfs:label", "skos:altLabel"):
        for candidate in dict.fromkeys((name, _bare(name), f"《{_bare(name)}》")):
            if not candidate:
                continue
            lit = ox.Literal(candidate, language="zh")
            rows = _select(
                store,
                f"SELECT DISTINCT ?e WHERE {{ VALUES ?t {{ {_ENTITY_CLASSES} }} "
                f"?e {prop} {lit} ; a ?t }} ORDER BY ?e",
            )
            if rows:
                return tuple(ox.NamedNode(r[0]) for r in rows)
    names = [
        r[0]
        for r in _select(
            store,
            f"SELECT DISTINCT ?l WHERE {{ VALUES ?t {{ {_ENTITY_CLASSES} }} "
            '?e a ?t ; rdfs:label|skos:altLabel ?l . FILTER(lang(?l) = "zh") }',
        )
    ]
    raise UnknownParameterValueError(param, "entity", value, _closest(value, sorted(names)))


def resolve_document(store: ox.Store, value: str, *, param: str = "document") -> ox.Literal:
    """The identifier (file name) of the document ``value`` names: its file name, the
    end of its path after a ``/``, or its title. An unknown one raises
    :class:`UnknownParameterValueError` with the closest file names.
    """
    rows = _select(
        store,
        "SELECT ?id (SAMPLE(?t) AS ?title) WHERE { ?d a kgo:Document ; dcterms:identifier ?id . "
        "OPTIONAL { ?d dcterms:title ?t } } GROUP BY ?id ORDER BY ?id",
    )
    v = value.strip()
    for match in (
        lambda i, t: i == v,
        lambda i, t: i.endswith("/" + v),
        lambda i, t: bool(t) and _bare(t) == _bare(v),
    ):
        found = [i for i, t in rows if match(i, t)]
        if found:
            return ox.Literal(found[0])
    ids = [i for i, _ in rows]
    raise UnknownParameterValueError(param, "document", value, _closest(value, ids))


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


def with_values(sparql: str, params: Mapping[str, Binding]) -> str:
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
    values = " ".join(
        f"VALUES ?{k} {{ {' '.join(map(str, v if isinstance(v, tuple) else (v,)))} }}"
        for k, v in sorted(params.items())
    )
    return f"{sparql[: m.end()]} {values}{sparql[m.end() :]}"


def run(
    store: ox.Store,
    sparql: str,
    params: Mapping[str, Binding] | None = None,
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
    return run(store, q.text, bindings(q, values or {}, store), **options)


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

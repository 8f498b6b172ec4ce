"""SPARQL over an exported graph, and the saved research questions in ``kg/queries``.

The engine is pyoxigraph, over the SPARQL store ``kg build`` writes
(``OUT_DIR/store``, opened read-only; see :mod:`kg.export.store`): its default
graph is the merged graph, the union of the named graphs with each statement
once, so a query without ``GRAPH`` sees everything, each fact once however many
documents state it, and ``GRAPH ?doc { … }`` still reaches one document's
statements. The usual prefixes (``kgo:``, ``rdfs:``, ``prov:``, ``dcterms:``, …)
are predeclared. Answers are written out as they come (:func:`stream`), in
bounded chunks, each write checked. A closing ``ORDER BY`` over variables is
sorted here rather than by the engine, in SPARQL's order of terms
(:func:`order_key`): pyoxigraph compares long strings slowly.

A saved query is a ``.rq`` file whose first line is a comment giving its one-line
description; ``# param NAME KIND DEFAULT`` lines declare parameters, which are
bound to the query's ``?NAME`` variable as RDF terms, one value written in place of
the variable as one escaped N-Triples term, several in a ``VALUES`` block that opens
the ``WHERE`` clause (see :func:`with_terms`):

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
import itertools
import json
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, UnknownNameError
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
    #: Whether the answer is a graph (``CONSTRUCT``, ``DESCRIBE``), triples or none.
    graph: bool = False

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
    answer = store.query(sparql, prefixes=dict(PREFIXES))
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
        ask = store.query(f"ASK {{ {ox.NamedNode(iri)} rdfs:label ?l }}", prefixes=dict(PREFIXES))
        if bool(ask):
            return (ox.NamedNode(iri),)
    name = value.strip()
    for prop in ("rdfs:label", "skos:altLabel"):
        for candidate in dict.fromkeys((name, _bare(name), f"《{_bare(name)}》")):
            if not candidate:
                continue
            lit = ox.Literal(candidate, language="zh")
            # the name first, then its types: a VALUES block of the classes would have
            # every entity of each class listed first on a large graph
            rows = _select(
                store,
                f"SELECT DISTINCT ?e WHERE {{ ?e {prop} {lit} ; a ?t . "
                f"FILTER(?t IN ({', '.join(_ENTITY_CLASSES.split())})) }} ORDER BY ?e",
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
    exact = ox.Literal(value.strip())
    ask = store.query(
        f"ASK {{ ?d a kgo:Document ; dcterms:identifier {exact} }}", prefixes=PREFIXES
    )
    if bool(ask):  # at once, on a graph of any size
        return exact
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


#: A folder without a store whose graph.trig is larger than this has a note said about
#: loading it into memory (a smaller one loads in a moment).
NOTE_LOAD_BYTES = 64 << 20


def open_graph_store(out_dir: str | Path) -> tuple[ox.Store, str | None]:
    """The store of a folder ``kg build`` wrote, and a note when it had to be built now.

    The folder's SPARQL store (``OUT_DIR/store``) is opened read-only, at once
    whatever its size. A folder without one (written by an older version, or
    holding RDF files only), or whose store belongs to another build than its
    RDF files, has ``graph.trig`` loaded into memory instead, in the same layout,
    and the note says so when that takes a while (a graph.trig larger than
    :data:`NOTE_LOAD_BYTES`).
    """
    from kg.export.files import find_output
    from kg.export.store import STORE_DIR, memory_store, open_store

    store = open_store(out_dir)
    if store is not None:
        return store, None
    folder = Path(out_dir)
    note = None
    trig = find_output(folder, "graph.trig", required=False)  # or graph.trig.gz
    if trig.is_file() and trig.stat().st_size > NOTE_LOAD_BYTES:
        why = (
            "its store belongs to another build"
            if (folder / STORE_DIR).exists()
            else "it has no SPARQL store (written by an older kg build, or RDF files only)"
        )
        note = (
            f"note: {folder}: {why}; loading graph.trig into memory, which takes long for a "
            f"large graph (kg build DOCS --out {folder} writes the store)"
        )
    return memory_store(folder), note


def load_store(out_dir: str | Path) -> ox.Store:
    """The store of a folder ``kg build`` wrote (see :func:`open_graph_store`)."""
    return open_graph_store(out_dir)[0]


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


#: The tokens of a query that may hold text looking like a variable (comments, IRIs,
#: long and short strings), then variables and the keywords that matter here.
_TOKENS = re.compile(
    r"(?P<skip>#[^\n]*|<[^<>\"{}|^`\\\s]*>"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*')"
    r"|(?P<var>[?$]\w+)|(?P<word>\b(?:AS|SELECT)\b)|(?P<brace>[{}])",
    re.IGNORECASE,
)


def with_terms(sparql: str, params: Mapping[str, Binding]) -> str:
    r"""The query with each one-valued parameter written in place of its variable
    inside the ``WHERE`` block, as an N-Triples term (which escapes every character
    that could end it); the others in a ``VALUES`` block (:func:`with_values`).

    A term in place lets the engine look the rest of the pattern up from it: on
    20,000 documents ``relations-of`` answers in under 2 s this way against 11 s
    with the same term in a ``VALUES`` block, which Oxigraph joins after
    evaluating the pattern. A variable that the query projects, groups or orders
    by (outside the block), assigns (``AS ?v``), or that stands in a query with a
    subquery, keeps the ``VALUES`` block.

    >>> with_terms("SELECT ?x WHERE { ?x ?p ?v } # ?v", {"v": ox.Literal("a")})
    'SELECT ?x WHERE { ?x ?p "a" } # ?v'
    """
    one = {
        k: (v[0] if isinstance(v, tuple) else v)
        for k, v in params.items()
        if not isinstance(v, tuple) or len(v) == 1
    }
    m = _WHERE_RE.search(sparql)
    if not one or m is None:
        return with_values(sparql, params)
    tokens = list(_TOKENS.finditer(sparql))
    words = [(t.group("word") or "").upper() for t in tokens]
    end, depth = len(sparql), 1  # the end of the WHERE block
    for t in tokens:
        if t.start() >= m.end() and t.group("brace"):
            depth += 1 if t.group("brace") == "{" else -1
            if depth == 0:
                end = t.start()
                break
    inline = set(one)
    if words.count("SELECT") > 1:
        inline.clear()
    for i, t in enumerate(tokens):
        name = (t.group("var") or "")[1:]
        inside = m.end() <= t.start() < end
        if name in inline and (not inside or (i > 0 and words[i - 1] == "AS")):
            inline.discard(name)
    if not inline:
        return with_values(sparql, params)
    parts, at = [], m.end()
    for t in tokens:
        name = (t.group("var") or "")[1:]
        if m.end() <= t.start() < end and name in inline:
            parts.append(sparql[at : t.start()] + str(one[name]))
            at = t.end()
    text = sparql[: m.end()] + "".join(parts) + sparql[at:]
    return with_values(text, {k: v for k, v in params.items() if k not in inline})


def run(
    store: ox.Store,
    sparql: str,
    params: Mapping[str, Binding] | None = None,
    *,
    timeout: float | None = None,
    allow_service: bool = False,
) -> QueryResult:
    """Run a SPARQL query and return its whole answer.

    The default graph is the merged graph (each statement once; see
    :mod:`kg.export.store`); ``GRAPH ?g { … }`` reaches the named graphs.
    ``params`` bind variables to RDF terms (see :func:`with_terms`): each written
    as one escaped term, so no value can change the query's shape.
    A ``SERVICE`` clause is refused unless ``allow_service``. With ``timeout``
    (seconds), a query still running then raises :class:`QueryError`; the
    engine cannot be stopped inside this process, so the query goes on in a
    background thread until it ends (``kg query`` exits at once). The query
    runs in a thread in any case, so that Ctrl-C (``KeyboardInterrupt``) stops
    the wait for it. For answers of any size, :func:`stream` writes them out as
    they come instead.
    """
    answer = Answer(store, sparql, params, timeout=timeout, allow_service=allow_service)
    if answer.boolean is not None:
        return QueryResult(boolean=answer.boolean)
    if answer.graph:
        return QueryResult(triples=tuple(answer.items()), graph=True)
    return QueryResult(variables=answer.variables, rows=tuple(answer.items()))


#: Rows or triples handed from the evaluating thread at a time.
_BATCH = 1000

#: A query's closing ``ORDER BY`` over variables only (each plain, ``ASC(?v)`` or
#: ``DESC(?v)``), then perhaps ``LIMIT``/``OFFSET``, with nothing after them but white
#: space and comments.
_ORDER_RE = re.compile(
    r"\bORDER\s+BY((?:\s*(?:(?:ASC|DESC)\s*\(\s*\?\w+\s*\)|\?\w+))+)"
    r"((?:\s+(?:LIMIT|OFFSET)\s+\d+)*)\s*(?:#[^\n]*\s*)*\Z",
    re.IGNORECASE,
)
_ORDER_KEY_RE = re.compile(r"(ASC|DESC)?\s*\(?\s*\?(\w+)", re.IGNORECASE)
_SLICE_RE = re.compile(r"(LIMIT|OFFSET)\s+(\d+)", re.IGNORECASE)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = frozenset(
    _XSD + t
    for t in [
        "integer",
        "decimal",
        "double",
        "float",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)


@dataclass(frozen=True)
class Order:
    """A query's closing ``ORDER BY`` over variables: the keys (variable, descending)
    and the ``OFFSET`` and ``LIMIT`` after it."""

    keys: tuple[tuple[str, bool], ...] = ()
    offset: int = 0
    limit: int | None = None


def closing_order(sparql: str) -> tuple[str, Order]:
    """The query without its closing ``ORDER BY`` over variables (and the ``LIMIT`` and
    ``OFFSET`` after it), and that order; the query itself and no keys when it has none.

    >>> closing_order("SELECT ?a ?n WHERE { ?a ?p ?n } ORDER BY DESC(?n) ?a LIMIT 5")
    ('SELECT ?a ?n WHERE { ?a ?p ?n } ', Order(keys=(('n', True), ('a', False)), offset=0, limit=5))
    >>> closing_order("SELECT ?a WHERE { ?a ?p ?n } ORDER BY STR(?a)")[1].keys
    ()
    """
    m = _ORDER_RE.search(sparql)
    if m is None:
        return sparql, Order()
    keys = tuple(
        (k.group(2), (k.group(1) or "").upper() == "DESC")
        for k in _ORDER_KEY_RE.finditer(m.group(1))
    )
    parts = {w.upper(): int(n) for w, n in _SLICE_RE.findall(m.group(2))}
    return sparql[: m.start()], Order(keys, parts.get("OFFSET", 0), parts.get("LIMIT"))


def order_key(term: Any) -> tuple[Any, ...]:
    """SPARQL's order of terms in an ``ORDER BY``: unbound, blank nodes, IRIs, then
    literals; numbers by value (before other literals), other literals by their text,
    then datatype and language.

    >>> sorted([ox.Literal("10", datatype=ox.NamedNode(_XSD + "integer")),
    ...         ox.Literal("9", datatype=ox.NamedNode(_XSD + "integer"))], key=order_key)[0].value
    '9'
    """
    if term is None:
        return (0,)
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    if isinstance(term, ox.NamedNode):
        return (2, term.value)
    if isinstance(term, ox.Literal):
        if term.datatype.value in _NUMERIC:
            try:
                return (3, 0, float(term.value))
            except ValueError:
                pass
        return (3, 1, term.value, term.datatype.value, term.language or "")
    return (4, str(term))


def _sorted(rows: list[tuple[Any, ...]], keys: Sequence[tuple[int, bool]]) -> list[tuple[Any, ...]]:
    """The rows in the order of ``keys`` (column, descending), ties kept as they came."""
    for column, descending in reversed(keys):
        rows.sort(key=lambda row: order_key(row[column]), reverse=descending)
    return rows


class _Clock:
    """The time a thread spent working, not counting the waits it was told of."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.waited = 0.0
        self._since: float | None = None

    def pause(self) -> None:
        self._since = time.monotonic()

    def resume(self) -> None:
        if self._since is not None:
            self.waited += time.monotonic() - self._since
            self._since = None

    def busy(self) -> float:
        now = time.monotonic()
        waiting = now - self._since if self._since is not None else 0.0
        return now - self.start - self.waited - waiting


class Answer:
    """The answer of a query as it is evaluated, in a thread of its own.

    Available at once: :attr:`boolean` (an ``ASK``), :attr:`graph` (a
    ``CONSTRUCT`` or ``DESCRIBE``) or :attr:`variables` (a ``SELECT``); then
    :meth:`items` gives the rows (tuples of terms, None when unbound) or the
    triples, as the engine finds them, a batch at a time: memory holds a few
    batches, never the whole answer. ``offset`` rows are skipped and at most
    ``limit`` given. ``timeout`` bounds the time the engine works (the time the
    reader of the items takes is not counted); past it, :meth:`items` raises
    :class:`QueryError`. See :func:`run` for ``params`` and ``allow_service``.
    """

    def __init__(
        self,
        store: ox.Store,
        sparql: str,
        params: Mapping[str, Binding] | None = None,
        *,
        timeout: float | None = None,
        allow_service: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> None:
        import queue
        import threading

        for k in params or {}:
            if not re.fullmatch(r"\w+", k):
                raise QueryError(f"bad parameter name {k!r}")
        if not allow_service and uses_service(sparql):
            raise QueryError(SERVICE_REFUSED)
        self.timeout = timeout
        self.boolean: bool | None = None
        self.graph = False
        self.variables: tuple[str, ...] = ()
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=4)
        self._clock = _Clock()
        text = with_terms(sparql, params or {})
        self._thread = threading.Thread(
            target=self._evaluate, args=(store, text, limit, offset), name="kg-query", daemon=True
        )
        self._thread.start()
        kind, value = self._next()
        if kind == "boolean":
            self.boolean = bool(value)
        elif kind == "graph":
            self.graph = True
        else:
            self.variables = value

    def _put(self, item: tuple[str, Any]) -> None:
        self._clock.pause()
        try:
            self._queue.put(item)
        finally:
            self._clock.resume()

    def _evaluate(self, store: ox.Store, text: str, limit: int | None, offset: int) -> None:
        try:
            # pyoxigraph sorts long strings slowly (about 4 s for 32,000 rows at
            # 20,000 documents, whatever the key); a closing ORDER BY over
            # projected variables is done here instead, in milliseconds
            # (bench/bench_query.py, the indicators question)
            unordered, order = closing_order(text)
            answer = store.query(unordered, prefixes=dict(PREFIXES))
            if order.keys and (
                not isinstance(answer, ox.QuerySolutions)
                or not {v for v, _ in order.keys} <= {v.value for v in answer.variables}
            ):
                answer, order = store.query(text, prefixes=dict(PREFIXES)), Order()
            if isinstance(answer, ox.QueryBoolean):
                self._put(("boolean", bool(answer)))
                return
            it: Any
            if isinstance(answer, ox.QueryTriples):
                self._put(("graph", None))
                it = iter(answer)
            else:
                variables = tuple(v.value for v in answer.variables)
                self._put(("variables", variables))
                it = (tuple(sol[v] for v in variables) for sol in answer)
                if order.keys:
                    columns = [(variables.index(v), desc) for v, desc in order.keys]
                    rows = _sorted(list(it), columns)
                    end = None if order.limit is None else order.offset + order.limit
                    it = iter(rows[order.offset : end])
            if offset:
                it = itertools.islice(it, offset, None)
            if limit is not None:
                it = itertools.islice(it, limit)
            while batch := list(itertools.islice(it, _BATCH)):
                self._put(("batch", batch))
            self._put(("end", None))
        except SyntaxError as exc:
            self._put(("error", QueryError(f"SPARQL syntax error: {exc}")))
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            self._put(("error", QueryError(f"SPARQL query failed: {exc}")))
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            self._put(("error", exc))

    def _next(self) -> tuple[str, Any]:
        import queue

        while True:
            try:
                kind, value = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self.timeout is not None and self._clock.busy() > self.timeout:
                    raise QueryError(
                        f"the query ran longer than {self.timeout:g} s (--timeout)"
                    ) from None
                continue
            if kind == "error":
                raise value
            return kind, value

    def items(self) -> Iterator[Any]:
        """The rows (or triples) as they come; raises :class:`QueryError` on a failure
        or when the engine has worked longer than the timeout."""
        if self.boolean is not None:
            return
        while True:
            kind, value = self._next()
            if kind == "end":
                return
            yield from value
            if self.timeout is not None and self._clock.busy() > self.timeout:
                raise QueryError(f"the query ran longer than {self.timeout:g} s (--timeout)")


def run_saved(
    store: ox.Store, name: str, values: Mapping[str, str] | None = None, **options: Any
) -> QueryResult:
    """Run a saved query by name with parameter values (strings, typed by the declaration);
    ``options`` as for :func:`run`."""
    q = saved_query(name)
    return run(store, q.text, bindings(q, values or {}, store), **options)


def standalone(sparql: str) -> str:
    """The query with ``PREFIX`` declarations for the predeclared prefixes it uses, for
    endpoints that know none (``kg serve``, any SPARQL 1.1 endpoint).

    >>> standalone("SELECT ?p WHERE { ?p a kgo:Place }").splitlines()[0]
    'PREFIX kgo: <https://w3id.org/policykg/ontology#>'
    """
    used = [
        f"PREFIX {k}: <{v}>"
        for k, v in sorted(PREFIXES.items())
        if re.search(rf"(?<![\w:<#-]){re.escape(k)}:", sparql)
    ]
    return "\n".join([*used, sparql])


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
#: A table's columns are as wide as their widest cell among its first rows (this many).
TABLE_WIDTH_ROWS = 1000
#: The size of the pieces of text the formatters give (and the writer writes), about.
CHUNK_CHARS = 1 << 16


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


def _table(variables: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """An aligned table, line by line: the columns are as wide as the widest cell of the
    first :data:`TABLE_WIDTH_ROWS` rows (later, wider cells stretch their line only)."""
    head = list(variables)
    it = iter(rows)
    first = [[_clip(_display(t)) for t in row] for row in itertools.islice(it, TABLE_WIDTH_ROWS)]
    widths = [max([_width(h)] + [_width(r[i]) for r in first]) for i, h in enumerate(head)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n"

    yield line(head)
    yield "  ".join("-" * w for w in widths) + "\n"
    n = 0
    for r in first:
        yield line(r)
        n += 1
    for row in it:
        yield line([_clip(_display(t)) for t in row])
        n += 1
    yield f"({n} row{'s' if n != 1 else ''})\n"


def _csv(variables: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(variables)
    for row in rows:
        w.writerow([_lexical(t) for t in row])
        if buf.tell() >= CHUNK_CHARS:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


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


def _json(variables: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """SPARQL 1.1 JSON results, as ``json.dumps(…, ensure_ascii=False, indent=1)`` writes
    the whole document, one binding at a time."""
    head = json.dumps({"vars": list(variables)}, ensure_ascii=False, indent=1)
    yield '{\n "head": ' + head.replace("\n", "\n ") + ',\n "results": {\n  "bindings": ['
    sep = "\n   "
    for row in rows:
        binding = {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        # strings in JSON hold no raw line break: indenting the lines is safe
        text = json.dumps(binding, ensure_ascii=False, indent=1).replace("\n", "\n   ")
        yield sep + text
        sep = ",\n   "
    yield ("\n  ]" if sep != "\n   " else "]") + "\n }\n}\n"


def _triples(triples: Iterable[ox.Triple]) -> Iterator[str]:
    it = iter(triples)
    while batch := list(itertools.islice(it, _BATCH)):
        data = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
        yield data.decode("utf-8")


def _chunked(pieces: Iterable[str]) -> Iterator[str]:
    """``pieces`` joined into chunks of about :data:`CHUNK_CHARS` characters."""
    buf: list[str] = []
    size = 0
    for piece in pieces:
        buf.append(piece)
        size += len(piece)
        if size >= CHUNK_CHARS:
            yield "".join(buf)
            buf.clear()
            size = 0
    if buf:
        yield "".join(buf)


def format_chunks(
    fmt: str,
    *,
    variables: Sequence[str] = (),
    rows: Iterable[Sequence[Any]] = (),
    boolean: bool | None = None,
    triples: Iterable[ox.Triple] | None = None,
) -> Iterator[str]:
    """An answer as text, in pieces of about :data:`CHUNK_CHARS` characters, every line
    ending with a line break: an aligned table, CSV (lexical values) or SPARQL 1.1 JSON
    results for rows; ``true``/``false`` (or JSON) for a boolean; N-Triples for triples."""
    if fmt not in FORMATS:
        raise UnknownNameError("output format", fmt, FORMATS)
    if boolean is not None:
        if fmt == "json":
            yield json.dumps({"head": {}, "boolean": boolean}) + "\n"
        else:
            yield ("true" if boolean else "false") + "\n"
        return
    if triples is not None:
        yield from _chunked(_triples(triples))
        return
    make = {"table": _table, "csv": _csv, "json": _json}[fmt]
    yield from _chunked(make(variables, rows))


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """The result as an aligned table, CSV (lexical values) or SPARQL 1.1 JSON results
    (without a line break at the end)."""
    chunks = format_chunks(
        fmt,
        variables=result.variables,
        rows=result.rows,
        boolean=result.boolean,
        triples=result.triples if result.graph or result.triples else None,
    )
    return "".join(chunks).removesuffix("\n")


# ---------------------------------------------------------------------------
# Writing out
# ---------------------------------------------------------------------------

#: The most bytes handed to one ``write`` call.
WRITE_CHUNK = 1 << 20


def write_all(stream: Any, data: bytes) -> None:
    """Write ``data`` to the binary ``stream`` whole, at most :data:`WRITE_CHUNK` bytes a
    call, checking what each call took.

    A raw stream (``sys.stdout.buffer`` with ``PYTHONUNBUFFERED``) may take fewer
    bytes than given (the system writes at most about 2 GiB at once, a pipe what
    fits); the rest is written again, never dropped. A stream that takes nothing
    for a while raises :class:`OSError`.
    """
    view = memoryview(data)
    idle = 0
    while view:
        try:
            n = stream.write(view[:WRITE_CHUNK])
        except BlockingIOError as exc:  # a non-blocking stream that is full
            n = exc.characters_written
        if n is None:  # a raw non-blocking stream that took nothing
            n = 0
        if n < 0 or n > min(len(view), WRITE_CHUNK):
            raise OSError(f"the output reported writing {n} bytes of {len(view)}")
        if n == 0:
            idle += 1
            if idle > 200:
                raise OSError("the output takes no more data")
            _wait_writable(stream)
            continue
        idle = 0
        view = view[n:]


def _wait_writable(stream: Any) -> None:
    """Wait until ``stream`` can take data (a file descriptor), else a moment."""
    import select

    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        time.sleep(0.01)
        return
    select.select([], [fd], [], 0.5)


@dataclass(frozen=True, slots=True)
class Written:
    """What :func:`stream` wrote: rows (or triples), and bytes."""

    rows: int
    bytes: int
    boolean: bool | None = None


def stream(answer: Answer, fmt: str, out: Any) -> Written:
    """Write ``answer`` to the binary stream ``out`` in the format ``fmt``, chunk by chunk
    as the rows come (see :func:`format_chunks` and :func:`write_all`), then flush it."""
    counted = 0
    total = 0

    def counting(items: Iterator[Any]) -> Iterator[Any]:
        nonlocal counted
        for x in items:
            counted += 1
            yield x

    if answer.boolean is not None:
        chunks = format_chunks(fmt, boolean=answer.boolean)
    elif answer.graph:
        chunks = format_chunks(fmt, triples=counting(answer.items()))
    else:
        chunks = format_chunks(fmt, variables=answer.variables, rows=counting(answer.items()))
    try:
        for chunk in chunks:
            data = chunk.encode("utf-8")
            write_all(out, data)
            total += len(data)
    except QueryError as exc:
        if total:
            raise QueryError(
                f"{exc}; the {total} bytes written before are not the whole answer"
            ) from exc
        raise
    flush = getattr(out, "flush", None)
    if flush is not None:
        flush()
    return Written(counted, total, answer.boolean)

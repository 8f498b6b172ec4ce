"""A query's closing ORDER BY over variables is sorted by kg itself, not by the engine
(pyoxigraph sorts long strings slowly): the rows must come in the order the engine
gives them, for every saved question, and in SPARQL's order of terms where the engine
cannot sort at all (a column mixing numbers, strings and IRIs)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query import (
    PREFIXES,
    Answer,
    Order,
    bindings,
    closing_order,
    load_store,
    saved_queries,
    with_terms,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store(sample_build: Path) -> ox.Store:
    return load_store(sample_build)


def _engine(store: ox.Store, text: str) -> list[tuple[object, ...]]:
    res = store.query(text, prefixes=dict(PREFIXES))
    assert isinstance(res, ox.QuerySolutions)
    names = res.variables
    return [tuple(s[v] for v in names) for s in res]


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_saved_questions_come_in_the_engines_order(store: ox.Store, name: str) -> None:
    q = saved_queries()[name]
    terms = bindings(q, {}, store)
    text = with_terms(q.text, terms)
    assert closing_order(text)[1].keys, f"{name} ends in no ORDER BY over variables"
    ours = list(Answer(store, q.text, terms).items())
    assert ours == _engine(store, text)


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p",
        "SELECT ?e ?name WHERE { ?e a kgo:Place ; rdfs:label ?name } ORDER BY DESC(?name) ?e",
    ],
)
def test_other_orders_match_the_engine(store: ox.Store, sparql: str) -> None:
    assert list(Answer(store, sparql).items()) == _engine(store, sparql)


def test_a_key_that_is_not_projected_is_left_to_the_engine(store: ox.Store) -> None:
    sparql = "SELECT ?e WHERE { ?e a kgo:Place ; rdfs:label ?name } ORDER BY ?name ?e"
    assert list(Answer(store, sparql).items()) == _engine(store, sparql)


def test_a_column_mixing_kinds_of_terms_is_sorted_in_sparqls_order() -> None:
    g = ox.Store()
    p = ox.NamedNode("urn:p")
    values = [
        ox.Literal("10", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("乙"),
        ox.NamedNode("urn:b"),
        ox.Literal("9.5", datatype=ox.NamedNode(XSD + "decimal")),
        ox.Literal("甲", language="zh"),
        ox.BlankNode("x"),
        ox.Literal("2"),
    ]
    for i, v in enumerate(values):
        g.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), p, v))
    g.add(ox.Quad(ox.NamedNode("urn:s-none"), ox.NamedNode("urn:q"), ox.Literal("x")))
    rows = list(
        Answer(
            g,
            "SELECT ?s ?o WHERE { ?s ?any ?x OPTIONAL { ?s <urn:p> ?o } } ORDER BY ?o ?s",
        ).items()
    )
    got = [o for _, o in rows]
    assert got[0] is None  # unbound first
    assert isinstance(got[1], ox.BlankNode)
    assert got[2] == ox.NamedNode("urn:b")
    assert [o.value for o in got[3:5]] == ["9.5", "10"]  # numbers by value
    assert [o.value for o in got[5:]] == ["2", "乙", "甲"]  # then by text
    desc = list(Answer(g, "SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY DESC(?o)").items())
    assert [o for _, o in desc] == list(reversed(got[1:]))


def test_only_a_closing_order_over_variables_is_taken() -> None:
    inner = "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a } }"
    assert closing_order(inner)[1] == Order()
    assert closing_order("SELECT ?a WHERE { ?a ?b ?c } ORDER BY (?a + 1)")[1] == Order()
    text, order = closing_order(
        "SELECT ?a WHERE { ?a ?b ?c }\nORDER BY ASC(?a) DESC( ?c ) OFFSET 2 LIMIT 3\n# end\n"
    )
    assert order == Order((("a", False), ("c", True)), 2, 3)
    assert text.rstrip().endswith("}")


def test_a_limit_after_the_order_pages_the_sorted_rows(store: ox.Store) -> None:
    sparql = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    whole = list(Answer(store, sparql).items())
    assert list(Answer(store, sparql + " OFFSET 7 LIMIT 20").items()) == whole[7:27]
    assert list(Answer(store, sparql + " LIMIT 20", offset=3, limit=5).items()) == whole[3:8]

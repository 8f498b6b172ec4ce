"""SPARQL over the exported graph: saved queries, parameters, formats, the command line,
and the research questions answered on the sample corpus."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from conftest import run_kg
from rdf_graphs import AGREEMENTS, SIGN, sample_graph

from kg.errors import UnknownNameError
from kg.export.rdf import write_rdf
from kg.query import (
    QueryError,
    UnknownParameterValueError,
    _term,
    format_result,
    load_store,
    parse_params,
    run,
    run_saved,
    saved_queries,
    saved_query,
    with_terms,
    with_values,
)

SAMPLE_DOC = "000_ab73ab1b96b1d70f.txt"
HUANGHE = set(AGREEMENTS)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("query")
    write_rdf(sample_graph(), d)
    return d


@pytest.fixture(scope="module")
def store(out):
    return load_store(out)


@pytest.fixture(scope="module")
def sample_store(sample_rdf):
    return load_store(sample_rdf)


# --- saved queries ------------------------------------------------------------


def test_at_least_eight_saved_queries_each_described():
    queries = saved_queries()
    assert len(queries) >= 8
    for q in queries.values():
        assert q.description and not q.description.startswith("param")
        for p in q.params:
            assert p.default, (q.name, p.name)


def test_unknown_saved_query_lists_valid_names():
    with pytest.raises(UnknownNameError) as exc:
        saved_query("cooperation")
    assert "cooperation-partners" in str(exc.value)
    assert "agreements-signed" in str(exc.value)


def test_unknown_parameter_is_an_error(store):
    with pytest.raises(UnknownNameError, match="valid: party"):
        run_saved(store, "cooperation-partners", {"city": "郑州市"})


@pytest.mark.parametrize("bad", ['郑州市"@zh } } SELECT * WHERE { ?s ?p ?o', "郑州市\n}", "}"])
def test_parameter_values_cannot_change_the_query(store, bad):
    # a name is looked up as a literal (never pasted into the text): it names nothing
    with pytest.raises(UnknownParameterValueError, match="matches nothing"):
        run_saved(store, "cooperation-partners", {"party": bad})
    # and a literal parameter stays one term, whatever it holds
    text = with_values("SELECT ?x WHERE { ?x rdfs:label ?v }", {"v": _term("label", "v", bad)})
    assert run(store, text).rows == ()


#: The label of Zhengzhou in the sample graph, as a term.
ZZ_LABEL = ox.Literal("郑州市", language="zh")


@pytest.mark.parametrize("bad", ['郑州市"@zh } } SELECT * WHERE { ?s ?p ?o', "郑州市\n}", "}"])
def test_a_parameter_written_in_place_stays_one_term(store, bad):
    text = with_terms("SELECT ?x WHERE { ?x rdfs:label ?v }", {"v": _term("label", "v", bad)})
    assert "VALUES" not in text and "?v" not in text
    assert run(store, text).rows == ()
    (zz,) = run(store, with_terms("SELECT ?x WHERE { ?x rdfs:label ?v }", {"v": ZZ_LABEL})).rows
    assert zz[0].value.endswith("410100")


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("SELECT ?v WHERE { ?x ?p ?v }", True),  # projected
        ("SELECT ?x WHERE { ?x ?p ?v } ORDER BY ?v", True),  # ordered by, outside the block
        ("SELECT ?x WHERE { BIND(1 AS ?v) ?x ?p ?v }", True),  # assigned
        ("SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?v } } }", True),  # in a subquery
        ('SELECT ?x WHERE { ?x ?p ?v FILTER(?x != "?v") } # ?v', False),
    ],
)
def test_a_parameter_keeps_its_values_block_where_a_term_cannot_stand(query, kept):
    text = with_terms(query, {"v": ZZ_LABEL})
    assert ("VALUES ?v" in text) is kept
    if not kept:  # the string and the comment are left as they are
        assert text.count("?v") == 2 and '"郑州市"@zh' in text


def test_iri_parameter_is_checked():
    from kg.query import _term

    with pytest.raises(QueryError):
        _term("iri", "x", "not an iri> . ?s ?p <o")
    assert _term("iri", "x", "<https://w3id.org/policykg/id/place/410100>").value.endswith("410100")


def test_parse_params_rejects_malformed():
    with pytest.raises(QueryError):
        parse_params(["party"])


# --- on a small graph ---------------------------------------------------------


def test_cooperation_partners_in_either_direction(store):
    r = run_saved(store, "cooperation-partners", {"party": "郑州市"})
    partners = {rec["partnerName"]: rec for rec in r.records()}
    assert set(partners) == {"青岛市", "埃德蒙顿市"}  # 埃德蒙顿市 is the subject of its edge
    assert partners["青岛市"]["sentence"] == SIGN
    assert partners["青岛市"]["document"] == "000.txt"


def test_agreements_signed(store):
    r = run_saved(store, "agreements-signed", {"party": "郑州市"})
    assert set(r.values("agreementName")) == HUANGHE | {"建立友好城市关系意向书"}


def test_clusters_and_zones_by_code_prefix(store):
    r = run_saved(store, "clusters-and-zones-in", {"place": "河南省"})
    assert r.values("name") == ["中国(河南)自由贸易试验区"]
    assert run_saved(store, "clusters-and-zones-in", {"place": "青岛市"}).rows == ()


def test_document_statements(store):
    r = run_saved(store, "document-statements", {"document": "002.txt"})
    got = {(x["subjectName"], x["relation"], x["objectName"]) for x in r.records()}
    assert got == {
        ("埃德蒙顿市", "cooperatesWith", "郑州市"),
        ("埃德蒙顿市", "locatedIn", "加拿大"),
        ("郑州市", "signed", "建立友好城市关系意向书"),
    }


def test_ad_hoc_query_uses_union_default_graph(store):
    r = run(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s kgo:signed ?o }")
    assert r.values("n") == ["4"]


def test_syntax_error_is_a_query_error(store):
    with pytest.raises(QueryError, match="syntax"):
        run(store, "SELECT WHERE {")


def test_formats(store):
    r = run_saved(store, "cooperation-partners")
    table = format_result(r, "table")
    head = ["partner", "partnerName", "documents", "document", "sentence"]
    assert table.splitlines()[0].split() == head
    assert "id:place/370200" in table and table.endswith("(2 rows)")
    rows = list(csv.DictReader(io.StringIO(format_result(r, "csv"))))
    assert rows[1]["partner"] == "https://w3id.org/policykg/id/place/370200"
    doc = json.loads(format_result(r, "json"))
    assert doc["head"]["vars"] == head
    assert doc["results"]["bindings"][1]["partnerName"] == {
        "type": "literal",
        "value": "青岛市",
        "xml:lang": "zh",
    }


def test_ask(store):
    assert format_result(run(store, "ASK { ?s kgo:cooperatesWith ?o }")) == "true"


# --- command line -------------------------------------------------------------


def test_cli_list():
    r = run_kg("query", "--list")
    assert r.returncode == 0
    for name, q in saved_queries().items():
        assert f"{name}" in r.stdout and q.description in r.stdout


def test_cli_saved_with_param(out):
    r = run_kg(
        "query",
        str(out),
        "--saved",
        "agreements-signed",
        "--param",
        "party=郑州市",
        "--format",
        "csv",
    )
    assert r.returncode == 0, r.stderr
    names = {row["agreementName"] for row in csv.DictReader(io.StringIO(r.stdout))}
    assert names >= HUANGHE


def test_cli_ad_hoc(out):
    r = run_kg(
        "query",
        str(out),
        "SELECT ?c WHERE { ?p kgo:divisionCode ?c } ORDER BY ?c",
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    codes = [b["c"]["value"] for b in json.loads(r.stdout)["results"]["bindings"]]
    assert codes == ["350982", "370200", "410000", "410100"]


def test_cli_unknown_saved_query(out):
    r = run_kg("query", str(out), "--saved", "nope")
    assert r.returncode == 1
    assert r.stderr.startswith("Error: unknown saved query 'nope'; valid: agreements-signed")


def test_cli_missing_graph(tmp_path):
    r = run_kg("query", str(tmp_path), "--saved", "co-mentioned")
    assert r.returncode == 1
    assert r.stderr.startswith("Error: ") and "graph.trig" in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("query",),
        ("query", "out"),
        ("query", "out", "SELECT * {}", "--saved", "co-mentioned"),
        ("query", "out", "--format", "xml", "--saved", "co-mentioned"),
    ],
)
def test_cli_usage_errors(args):
    assert run_kg(*args).returncode == 2


# --- research questions on the sample corpus ------------------------------------


def test_sample_zhengzhou_is_one_place_with_its_code(sample_store):
    r = run(
        sample_store,
        'SELECT ?p ?c WHERE { ?p a kgo:Place ; rdfs:label "郑州市"@zh ; kgo:divisionCode ?c }',
    )
    assert len(r.rows) == 1
    assert r.values("c") == ["410100"]


def test_sample_zhengzhou_signed_the_three_huanghe_agreements(sample_store):
    r = run_saved(sample_store, "agreements-signed", {"party": "郑州市"})
    assert set(r.values("agreementName")) >= HUANGHE


def test_sample_zhengzhou_has_four_cooperation_partners(sample_store):
    r = run_saved(sample_store, "cooperation-partners", {"party": "郑州市"})
    partners = set(r.values("partnerName"))
    assert len(partners) >= 4
    assert {"青岛市", "开封市"} <= partners


def test_sample_signing_sentence_reaches_its_document(sample_store):
    r = run(
        sample_store,
        """SELECT ?sentence ?name WHERE {
             ?e a kgo:Evidence ; rdf:predicate kgo:signed ; kgo:inSentence/kgo:text ?sentence ;
                prov:wasDerivedFrom ?d .
             ?d a kgo:Document ; dcterms:identifier ?name .
             FILTER(CONTAINS(?sentence, "共同签署"))
           }""",
    )
    assert r.rows
    assert any(n.endswith(SAMPLE_DOC) for n in r.values("name"))


def test_sample_clusters_and_zones_in_zhengzhou(sample_store):
    r = run_saved(sample_store, "clusters-and-zones-in", {"place": "郑州市"})
    names = set(r.values("name"))
    assert {"郑州国家通用航空产业综合示范区", "中欧班列郑州集结中心", "郑洛先进材料产业带"} <= names
    assert "河南省" not in names


def test_sample_plans_by_issuer(sample_store):
    r = run_saved(sample_store, "plans-by-issuer")
    by_issuer = {rec["issuerName"]: rec["planNames"] for rec in r.records()}
    assert "郑州都市圈发展规划" in by_issuer.get("河南省人民政府", "")


def test_sample_documents_by_publisher(sample_store):
    r = run_saved(sample_store, "documents-by-publisher")
    rows = [rec for rec in r.records() if rec["publisher"] == "郑州市发展和改革委员会"]
    assert any(rec["year"] == "2024" and SAMPLE_DOC in rec["names"] for rec in rows)


def test_sample_places_of_chengdu_metropolitan_area(sample_store):
    r = run_saved(sample_store, "places-of-region", {"region": "成都都市圈"})
    assert {"成都市", "德阳市", "眉山市", "资阳市"} <= set(r.values("name"))


def test_sample_co_mentioned(sample_store):
    r = run_saved(sample_store, "co-mentioned", {"entity": "成都市"})
    counts = {x["otherName"]: int(x["documents"]) for x in r.records()}
    assert counts.get("四川省", 0) >= 3
    assert "成都市" not in counts
    assert len(r.rows) == len(set(r.rows))
    assert [int(x["documents"]) for x in r.records()] == sorted(counts.values(), reverse=True)


def test_sample_document_statements(sample_store):
    r = run_saved(sample_store, "document-statements", {"document": SAMPLE_DOC})
    got = {(x["subjectName"], x["relation"], x["objectName"]) for x in r.records()}
    assert ("郑州市", "signed", "黄河流域城市信用联盟战略合作框架协议") in got
    assert ("郑州市", "cooperatesWith", "青岛市") in got or (
        "青岛市",
        "cooperatesWith",
        "郑州市",
    ) in got


def test_sample_relations_of_zhengzhou(sample_store):
    r = run_saved(sample_store, "relations-of", {"entity": "郑州市"})
    assert {"signed", "cooperatesWith"} <= set(r.values("relation"))


# --- names resolved through the graph -------------------------------------------


@pytest.mark.parametrize("name", ["郑州市", "郑州", "Place/410100", "id:place/410100"])
def test_entity_parameter_takes_a_name_an_alias_or_an_id(store, name):
    r = run_saved(store, "cooperation-partners", {"party": name})
    assert set(r.values("partnerName")) == {"青岛市", "埃德蒙顿市"}


def test_unknown_entity_parameter_lists_the_closest_names(store):
    with pytest.raises(UnknownParameterValueError) as exc:
        run_saved(store, "agreements-signed", {"party": "郑洲市"})
    message = str(exc.value)
    assert message.startswith("parameter party='郑洲市' matches nothing")
    assert "郑州市" in message.split("closest names:")[1]


def test_document_parameter_takes_the_file_name_and_lists_close_ones(store):
    r = run_saved(store, "document-statements", {"document": "002.txt"})
    assert len(r.rows) == 3
    with pytest.raises(UnknownParameterValueError, match="closest names: 002.txt"):
        run_saved(store, "document-statements", {"document": "02.txt"})


def test_cli_alias_gives_the_same_rows_as_the_canonical_name_on_the_sample(sample_rdf):
    def rows(party: str) -> str:
        r = run_kg(
            "query", str(sample_rdf), "--saved", "cooperation-partners",
            "--param", f"party={party}", "--format", "csv",
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        return r.stdout

    canonical = rows("郑州市")
    assert len(canonical.splitlines()) > 1, "郑州市 has cooperation partners in the sample"
    assert rows("郑州") == canonical
    assert rows("Place/410100") == canonical


def test_cli_unknown_name_is_an_error_line_with_close_names(out):
    r = run_kg("query", str(out), "--saved", "cooperation-partners", "--param", "party=郑洲")
    assert r.returncode == 1
    assert r.stderr.startswith("Error: parameter party='郑洲' matches nothing")
    assert r.stderr.rstrip().endswith("closest names: 郑州")  # the alias of 郑州市


def test_cli_saved_name_without_saved_says_so(out):
    r = run_kg("query", str(out), "cooperation-partners")
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "Error: 'cooperation-partners' is a saved query, not SPARQL: "
        "run it with --saved cooperation-partners"
    )
    r = run_kg("query", str(out), "cooperation-partner")
    assert r.returncode == 1
    assert "neither a SPARQL query nor a saved query" in r.stderr
    assert "did you mean cooperation-partners" in r.stderr
    for name in saved_queries():
        assert name in r.stderr


def test_cli_says_which_parameter_matched_nothing(out):
    r = run_kg("query", str(out), "--saved", "clusters-and-zones-in", "--param", "place=青岛")
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip().endswith("(0 rows)")
    assert "no rows" in r.stderr and "place=青岛 (id:place/370200)" in r.stderr


def test_api_query_resolves_aliases_and_refuses_a_bare_unknown_name(out):
    import kg

    g = kg.Graph(sample_graph())
    rows = g.query("cooperation-partners", party="郑州")
    assert {r["partnerName"] for r in rows} == {"青岛市", "埃德蒙顿市"}
    with pytest.raises(QueryError, match="did you mean cooperation-partners"):
        g.query("cooperation-partner")

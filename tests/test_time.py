"""Time on every statement, time-sliced builds, yearly edge lists and indicators.csv."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.builder import build
from kg.errors import KGError
from kg.export.indicators import COLUMNS, indicators_csv
from kg.export.yearly import yearly_tables
from tests.conftest import DOCS, run_kg

KGO = "https://w3id.org/policykg/ontology#"
DOC = "000_ab73ab1b96b1d70f.txt"  # a 2024 reply stating 2023 figures


@pytest.fixture(scope="module")
def sample():
    return build([str(DOCS)]).graph


def test_every_text_relation_has_its_documents_date_in_the_trig(sample_rdf: Path) -> None:
    store = ox.Store()
    store.load(path=sample_rdf / "graph.trig", format=ox.RdfFormat.TRIG)
    rows = list(
        store.query(
            f"""PREFIX kgo: <{KGO}> PREFIX dcterms: <http://purl.org/dc/terms/>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?e ?date ?modality WHERE {{ GRAPH ?g {{
              ?e a kgo:Evidence ; prov:wasDerivedFrom ?d .
              OPTIONAL {{ ?e dcterms:date ?date }}
              OPTIONAL {{ ?e kgo:modality ?modality }}
              FILTER EXISTS {{ ?d dcterms:issued|dcterms:dateAccepted|dcterms:created ?any }}
            }} }}"""
        )
    )
    assert len(rows) > 500
    assert all(r["date"] is not None for r in rows)
    assert {r["modality"].value for r in rows} == {KGO + "Accomplished", KGO + "Planned"}
    stated = list(store.query(f"SELECT ?t WHERE {{ GRAPH ?g {{ ?e <{KGO}statedTime> ?t }} }}"))
    kinds = {r["t"].datatype.value.rsplit("#", 1)[1] for r in stated}
    assert kinds <= {"gYear", "gYearMonth", "date"} and "gYear" in kinds


def test_until_keeps_only_what_is_stated_up_to_the_year(sample) -> None:
    cut = build([str(DOCS)], until=2019).graph
    years = [y for y in cut.edge_years() if y is not None]
    text = [e for e in cut.edges if e.source.value == "text"]
    assert years and max(years) <= 2019
    assert len(text) == len(years)  # undated statements are left out
    assert len(text) < len([e for e in sample.edges if e.source.value == "text"])
    later = build([str(DOCS)], since=2020).graph
    assert min(y for y in later.edge_years() if y is not None) >= 2020
    with pytest.raises(KGError, match="since"):
        build([str(DOCS)], since=2021, until=2020)


def test_cli_until_is_recorded_and_a_reversed_range_is_a_usage_error(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / DOC, docs)
    out = tmp_path / "out"
    res = run_kg("build", str(docs), "--out", str(out), "-q", "--until", "2023")
    assert res.returncode == 0, res.stderr
    assert '"until": 2023' in (out / "build.json").read_text(encoding="utf-8")
    assert "- years: … to 2023" in (out / "report.md").read_text(encoding="utf-8")
    bad = run_kg("build", str(docs), "--out", str(out), "--since", "2024", "--until", "2023")
    assert bad.returncode == 2 and "--since 2024 is after --until 2023" in bad.stderr


def test_yearly_edge_lists_count_each_tie_new_once(sample) -> None:
    tables = yearly_tables(sample)
    years = sorted(int(n[6:10]) for n in tables if n.startswith("edges-"))
    assert len(years) > 5
    new = 0
    for year in years:
        rows = list(csv.DictReader(io.StringIO(tables[f"edges-{year}.csv"].decode("utf-8-sig"))))
        assert rows and {r["year"] for r in rows} == {str(year)}
        assert {r["modality"] for r in rows} <= {"accomplished", "planned", ""}
        new += sum(r["new"] == "1" for r in rows)
    summary = list(csv.DictReader(io.StringIO(tables["years.csv"].decode("utf-8-sig"))))
    assert [int(r["year"]) for r in summary] == years
    assert sum(int(r["new_ties"]) for r in summary) == new
    assert all(0 <= float(r["cooperation_density_so_far"]) <= 1 for r in summary)


def test_cli_export_yearly_csv(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / DOC, docs)
    out = tmp_path / "out"
    assert run_kg("build", str(docs), "--out", str(out), "-q").returncode == 0
    res = run_kg("export", str(out), "--format", "yearly-csv")
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in (out / "yearly").iterdir())
    assert "years.csv" in names and any(n.startswith("edges-20") for n in names)


def test_indicators_csv_holds_each_figure_in_base_units(sample) -> None:
    data = indicators_csv(sample)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(sample.observations) > 100
    gdp = [r for r in rows if r["stated"] == "13617.8亿元"]
    assert gdp and gdp[0]["value"] == "1361780000000" and gdp[0]["unit"] == "元"
    assert gdp[0]["place"] == "郑州市" and gdp[0]["period"] == "2023"
    bounded = [r for r in rows if r["stated"] == "突破650亿元"]
    assert bounded and bounded[0]["qualifier"] == "more than"


def test_saved_queries_of_indicators_and_ties_by_year(sample_rdf: Path) -> None:
    from kg.query import load_store, run_saved

    store = load_store(sample_rdf)
    figures = run_saved(store, "indicators").records()
    assert any(r["stated"] == "13617.8亿元" and r["value"] == "1361780000000" for r in figures)
    ties = run_saved(store, "cooperation-ties-by-year").records()
    assert ties and all(int(r["year"]) > 1900 for r in ties)
    assert all(int(r["statements"]) == int(r["accomplished"]) + int(r["planned"]) for r in ties)

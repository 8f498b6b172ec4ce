"""Corrections: a researcher's fixes applied on every build, recorded, stale ones listed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from kg.corrections import (
    CorrectionsError,
    apply_corrections,
    correction_line,
    default_corrections,
    parse_corrections,
    read_corrections,
)
from kg.graph import Edge, KnowledgeGraph, Node
from kg.types import EntityType, Predicate, Source
from kg.vocab import KGO
from tests.conftest import ROOT, run_kg

HEADER = "action\ttarget\tvalue\tnote\tby\n"
#: One correction of each action on the sample, and one that matches nothing once
#: 000_ab73ab1b96b1d70f.txt no longer names 中外运 (edited below).
FIXES = HEADER + "\n".join(
    [
        "# fixes to the sample graph",
        "merge\t郑州航空港区\t郑州航空港\tone zone, two names\tli",
        "rename\t中外运\t中国外运股份有限公司\tits full name\tli",
        "retype\t成都市政协\tOrganization\ta committee, not a government body\tli",
        "drop-entity\t中集集团\t\tnot the subject of the text\tli",
        "drop-relation\t郑州市|cooperatesWith|开封市\t\tsaid of another pair\tli",
        "add-relation\t郑州市|cooperatesWith|日照市\t000_ab73ab1b96b1d70f.txt\tread in the reply\tli",
    ]
)
LINES = {"merge": 3, "rename": 4, "retype": 5, "drop-entity": 6, "drop-relation": 7}


def _graph(out: Path) -> dict:
    return json.loads((out / "graph.json").read_text(encoding="utf-8"))


def _names(data: dict) -> dict[str, dict]:
    return {n["name"]: n for n in data["nodes"]}


def _check_applied(out: Path, *, renamed: bool) -> None:
    """Every correction of FIXES holds in ``out`` (the rename only when ``renamed``)."""
    data = _graph(out)
    names = _names(data)
    ids = {n["id"]: n for n in data["nodes"]}
    # merge: one node left, holding the other name as an alias
    assert "郑州航空港区" not in names
    assert "郑州航空港区" in names["郑州航空港"]["aliases"]
    assert ("中国外运股份有限公司" in names) is renamed
    assert names["成都市政协"]["type"] == "Organization"
    assert "中集集团" not in names
    pairs = {
        (ids[e["subject"]]["name"], e["predicate"], ids[e["object"]]["name"], e["source"])
        for e in data["edges"]
    }
    assert not any({s, o} == {"郑州市", "开封市"} and p == "cooperatesWith" for s, p, o, _ in pairs)
    assert ("郑州市", "cooperatesWith", "日照市", "curated") in pairs
    # the RDF: each correction a kgo:Correction linked to what it changed
    ds = Graph().parse(out / "graph.ttl", format="turtle")  # the merged graph
    corrections = {
        int(ds.value(c, KGO.sourceLine)): c for c in ds.subjects(RDF.type, KGO.Correction)
    }
    for action, line in LINES.items():
        c = corrections[line]
        assert ds.value(c, KGO.action) == Literal(action)
        status = "applied" if renamed or action != "rename" else "stale"
        assert ds.value(c, KGO.status) == Literal(status)
    dropped = corrections[LINES["drop-entity"]]
    assert any("中集集团" in str(x) for x in ds.objects(dropped, PROV.used))
    assert any(True for _ in ds.objects(corrections[LINES["drop-relation"]], PROV.invalidated))
    added = [s for s in ds.subjects(RDF.type, KGO.CuratedStatement)]
    assert len(added) == 1
    assert ds.value(added[0], PROV.wasGeneratedBy) == corrections[8]
    assert ds.value(added[0], RDF.predicate) == URIRef(KGO.cooperatesWith)


def _named_docs(folder: Path) -> None:
    """The sample documents that name what FIXES corrects, copied into ``folder``."""
    targets = [t for line in FIXES.splitlines()[2:] for t in line.split("\t")[1].split("|")]
    folder.mkdir()
    for doc in sorted((ROOT / "data" / "docs").glob("*.txt")):
        if any(t in doc.read_text(encoding="utf-8") for t in targets if t != "cooperatesWith"):
            shutil.copy(doc, folder)


def test_corrections_survive_a_rebuild_and_a_stale_one_is_reported(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _named_docs(docs)
    assert 3 <= len(list(docs.iterdir())) < 30
    (tmp_path / "corrections.tsv").write_text(FIXES + "\n", encoding="utf-8")
    out = tmp_path / "out"

    first = run_kg("build", str(docs), "--out", str(out), "-q")
    assert first.returncode == 0, first.stderr
    _check_applied(out, renamed=True)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "- applied: 6\n- stale (matched nothing in this build; edit or remove them): 0" in report

    # the document that names 中外运 is edited: the rename no longer matches
    doc = docs / "000_ab73ab1b96b1d70f.txt"
    text = doc.read_text(encoding="utf-8")
    assert "中外运" in text
    doc.write_text(text.replace("中外运", "中运"), encoding="utf-8")
    again = run_kg("build", str(docs), "--out", str(out), "-q")
    assert again.returncode == 0, again.stderr
    _check_applied(out, renamed=False)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "- applied: 5\n- stale (matched nothing in this build; edit or remove them): 1" in report
    stale = report.split("### Stale", 1)[1]
    assert "| corrections.tsv:4 | rename | 中外运 | 中国外运股份有限公司 |" in stale
    assert "no entity named '中外运'" in stale
    # the output is the same as a fresh build's, and validates
    fresh = tmp_path / "fresh"
    assert run_kg("build", str(docs), "--out", str(fresh), "-q", "--no-cache").returncode == 0
    for name in ("graph.ttl", "graph.trig", "graph.json", "report.md", "edges.csv"):
        assert (fresh / name).read_bytes() == (out / name).read_bytes(), name
    checked = run_kg("validate", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_no_corrections_leaves_the_file_beside_unused(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ROOT / "data" / "docs" / "000_ab73ab1b96b1d70f.txt", docs)
    (tmp_path / "corrections.tsv").write_text(FIXES + "\n", encoding="utf-8")
    assert default_corrections([docs]) == [tmp_path / "corrections.tsv"]
    out = tmp_path / "out"
    res = run_kg("build", str(docs), "--out", str(out), "-q", "--no-corrections")
    assert res.returncode == 0, res.stderr
    assert _graph(out)["graph"]["corrections"] == []
    assert "## Corrections" not in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "fix\t郑州市\t\t",
            "unknown action 'fix'; valid: add-relation, drop-entity, "
            "drop-relation, merge, rename, retype",
        ),
        ("merge\t郑州市\t\t", "merge needs a value: the entity to merge into"),
        (
            "retype\t郑州市\tCity\t",
            "unknown type 'City'; valid: Agency, Agreement, Cluster, "
            "Company, Event, Organization, Person, Place, Plan, Region, Zone",
        ),
        (
            "drop-relation\t郑州市|洛阳市\t\t",
            "a relation is written subject|predicate|object, not '郑州市|洛阳市'",
        ),
        (
            "add-relation\t郑州市|knows|洛阳市\t\t",
            "unknown relation 'knows'; valid: "
            "cooperatesWith, establishedBy, issuedBy, locatedIn, partOf, participatesIn, signed",
        ),
        ("rename\t郑州市\ta\tb\tc\td\te", "7 tab-separated columns, the header has 4"),
    ],
)
def test_a_malformed_line_is_an_error_naming_file_and_line(line: str, message: str) -> None:
    text = "action\ttarget\tvalue\tnote\n\n# a comment\nrename\t郑州\t郑州市\tok\n" + line + "\n"
    with pytest.raises(CorrectionsError) as err:
        parse_corrections(text, "fixes.tsv")
    assert str(err.value) == f"fixes.tsv:5: {message}"


def test_a_file_without_the_header_is_an_error_on_its_first_line() -> None:
    with pytest.raises(CorrectionsError, match=r"^c\.tsv:1: the first line must be the header"):
        parse_corrections("merge\ta\tb\tc\n", "c.tsv")


def test_the_build_stops_at_a_malformed_line_with_one_line(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ROOT / "data" / "docs" / "000_ab73ab1b96b1d70f.txt", docs)
    bad = tmp_path / "fixes.tsv"
    bad.write_text("action\ttarget\tvalue\tnote\nmerge\t郑州市\t\tno value\n", encoding="utf-8")
    res = run_kg("build", str(docs), "--out", str(tmp_path / "out"), "--corrections", str(bad))
    assert res.returncode == 3
    assert res.stderr.splitlines() == [
        f"Error: {bad}:2: merge needs a value: the entity to merge into; "
        f"the previous outputs in {tmp_path / 'out'} are unchanged"
    ]


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.tsv"
    path.write_bytes(
        "action\ttarget\tvalue\tnote\nrename\t郑州\t".encode() + "郑州市".encode("gbk")
    )
    with pytest.raises(CorrectionsError, match=r"c\.tsv:2: not UTF-8 text$"):
        read_corrections(path)


def _small() -> KnowledgeGraph:
    n = [
        Node("P/a", "郑州市", EntityType.PLACE, ["郑州"], documents=["d"], mentions=2),
        Node("P/b", "郑州", EntityType.AGENCY, documents=["e"], mentions=1),
        Node("P/c", "洛阳市", EntityType.PLACE, documents=["d"], mentions=1),
    ]
    edges = [
        Edge("P/a", Predicate.COOPERATES_WITH, "P/c", Source.TEXT, "d", "s", 0, 5),
        Edge("P/c", Predicate.COOPERATES_WITH, "P/b", Source.TEXT, "e", "t", 0, 5),
        Edge("P/a", Predicate.COOPERATES_WITH, "P/b", Source.TEXT, "e", "t", 0, 5),
    ]
    return KnowledgeGraph(nodes={x.id: x for x in n}, edges=edges)


def test_merge_moves_relations_drops_the_loop_and_keeps_names_as_aliases() -> None:
    fixes = parse_corrections("action\ttarget\tvalue\tnote\nmerge\tP/b\tP/a\t\n", "c.tsv")
    g = apply_corrections(_small(), fixes)
    assert sorted(g.nodes) == ["P/a", "P/c"]
    assert g.nodes["P/a"].aliases == ["郑州"] and g.nodes["P/a"].documents == ["d", "e"]
    assert g.nodes["P/a"].mentions == 3
    assert [(e.subject, e.object) for e in g.edges] == [("P/a", "P/c"), ("P/c", "P/a")]
    assert g.corrections[0].changed == ("P/b", "P/a")


def test_a_symmetric_relation_is_dropped_in_both_directions() -> None:
    fixes = parse_corrections(
        "action\ttarget\tvalue\tnote\ndrop-relation\t洛阳市|cooperatesWith|郑州市\t\t\n", "c.tsv"
    )
    g = apply_corrections(_small(), fixes)
    assert [(e.subject, e.object) for e in g.edges] == [("P/c", "P/b"), ("P/a", "P/b")]
    assert g.corrections[0].relations == (("P/a", "cooperatesWith", "P/c", "d"),)


def test_an_ambiguous_name_is_stale_and_says_which_entities() -> None:
    g = _small()
    g.nodes["P/a"].aliases = ["郑州", "中原"]
    g.nodes["P/c"].aliases = ["中原"]  # two entities have the alias 中原
    fixes = parse_corrections("action\ttarget\tvalue\tnote\ndrop-entity\t中原\t\t\n", "c.tsv")
    out = apply_corrections(g, fixes)
    assert out.corrections[0].status == "stale"
    assert out.corrections[0].detail == "'中原' names 2 entities (P/a, P/c): write an id"
    assert sorted(out.nodes) == sorted(g.nodes)


def test_a_correction_line_reads_back() -> None:
    line = correction_line("drop-relation", "郑州市|cooperatesWith|洛阳市", "", "wrong\tedge")
    (c,) = parse_corrections("action\ttarget\tvalue\tnote\n" + line + "\n", "c.tsv")
    assert (c.action, c.target, c.value, c.note) == (
        "drop-relation",
        "郑州市|cooperatesWith|洛阳市",
        "",
        "wrong edge",
    )

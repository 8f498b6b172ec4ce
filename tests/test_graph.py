"""Merging extractions into one graph: one node per real thing, order-independent."""

from __future__ import annotations

import itertools
import random

from kg.export.atomic import atomic_open, write_text
from kg.graph import Merger, build_graph, merge, summarize
from kg.types import (
    Document,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    Predicate,
    Relation,
    Source,
    Span,
)


def _doc(name: str, text: str) -> Document:
    return Document(path=f"/abs/{name}", text=text, norm=text, name=name)


ZZ = "Place/410100"
KF = "Place/410200"
HN = "Place/410000"


def _extractions() -> list[Extraction]:
    d1 = _doc("a.txt", "郑州与开封合作。")
    d2 = _doc("b.txt", "郑州市、开封市推进郑开同城化。")
    e_zz1 = Entity(ZZ, "郑州", EntityType.PLACE, ("郑州",), "410100", 113.6, 34.7, (Span(0, 2),))
    e_kf1 = Entity(KF, "开封", EntityType.PLACE, ("开封",), "410200", None, None, (Span(3, 5),))
    e_zz2 = Entity(
        ZZ,
        "郑州市",
        EntityType.PLACE,
        ("郑州市", "郑"),
        "410100",
        None,
        None,
        (Span(0, 3), Span(10, 11)),
    )
    e_kf2 = Entity(
        KF, "开封市", EntityType.PLACE, ("开封市", "开"), "410200", 114.3, 34.8, (Span(4, 7),)
    )
    e_hn = Entity(HN, "河南省", EntityType.PLACE, (), "410000")
    r1 = Relation(
        ZZ,
        Predicate.COOPERATES_WITH,
        KF,
        Source.TEXT,
        Evidence("a.txt", d1.text, Span(0, len(d1.text))),
    )
    r2 = Relation(
        ZZ,
        Predicate.COOPERATES_WITH,
        KF,
        Source.TEXT,
        Evidence("b.txt", d2.text, Span(0, len(d2.text))),
    )
    g1 = Relation(ZZ, Predicate.LOCATED_IN, HN, Source.GAZETTEER)
    return [
        Extraction(d1, (e_zz1, e_kf1, e_hn), (r1, g1)),
        Extraction(d2, (e_zz2, e_kf2, e_hn), (r2, g1)),
    ]


def test_one_node_per_thing_with_fullest_name_and_all_aliases() -> None:
    g = build_graph(_extractions())
    assert sorted(g.nodes) == [HN, ZZ, KF]
    zz = g.nodes[ZZ]
    assert zz.name == "郑州市"
    assert zz.aliases == ["郑", "郑州"]
    assert zz.code == "410100" and zz.longitude == 113.6
    assert g.nodes[KF].longitude == 114.3  # coordinates from whichever document had them
    assert len(zz.documents) == 2 and zz.mentions == 3


def test_text_relations_kept_per_document_gazetteer_once() -> None:
    g = build_graph(_extractions())
    text = [e for e in g.edges if e.source is Source.TEXT]
    gaz = [e for e in g.edges if e.source is Source.GAZETTEER]
    assert len(text) == 2 and {e.document for e in text} == {d.key for d in g.documents}
    assert len(gaz) == 1
    assert g.counts() == ({"Place": 3}, {"cooperatesWith": 2, "locatedIn": 1})


def test_merge_does_not_depend_on_input_order() -> None:
    exs = _extractions()
    results = [build_graph(list(p)) for p in itertools.permutations(exs)]
    first = results[0]
    for r in results[1:]:
        assert r.nodes == first.nodes
        assert r.edges == first.edges
        assert r.documents == first.documents


def test_networkx_view_has_every_node_and_edge() -> None:
    g = build_graph(_extractions())
    nxg = g.networkx()
    assert nxg.number_of_nodes() == 3 and nxg.number_of_edges() == 3
    assert nxg.nodes[ZZ]["name"] == "郑州市"
    assert {d["predicate"] for _, _, d in nxg.edges(data=True)} == {"cooperatesWith", "locatedIn"}


def test_identical_documents_are_one_document() -> None:
    ex = _extractions()[0]
    twin = Extraction(_doc("copy.txt", ex.document.text), ex.entities, ex.relations)
    g = build_graph([ex, twin])
    assert len(g.documents) == 1


def test_an_alias_that_is_the_fullest_name_elsewhere_is_no_alias() -> None:
    """The first document names 郑州 and lists 郑州市 among its forms; the second names
    郑州市: whatever the order, 郑州市 is the name and not one of its own aliases."""
    d1, d2 = _doc("a.txt", "郑州"), _doc("b.txt", "郑州市")
    short = Entity(ZZ, "郑州", EntityType.PLACE, ("郑州市",), "410100")
    full = Entity(ZZ, "郑州市", EntityType.PLACE, (), "410100")
    exs = [Extraction(d1, (short,), ()), Extraction(d2, (full,), ())]
    for order in (exs, exs[::-1]):
        node = build_graph(order).nodes[ZZ]
        assert (node.name, node.aliases) == ("郑州市", ["郑州"])


def _graph_fields(g) -> tuple:
    return (list(g.nodes.items()), g.edges, g.documents)


def test_merging_in_steps_and_any_order_gives_the_graph_of_one_merge() -> None:
    """As a build merges: the cached documents first, the extracted ones later, in
    batches, in whatever order they come, with texts read twice under other names."""
    from kg.builder import build
    from tests.conftest import DOCS

    summaries = list(build([str(DOCS)], jobs=1).extractions.summaries)
    # the same texts again under names sorting before and after their first copy
    summaries += [("0-copy.txt", *summaries[3][1:]), ("zz-copy.txt", *summaries[5][1:])]
    whole = merge(summaries)
    assert len(whole.documents) == len(summaries) - 2
    for seed in range(3):
        shuffled = summaries[:]
        random.Random(seed).shuffle(shuffled)
        m = Merger()
        for start in range(0, len(shuffled), 7):
            m.add(shuffled[start : start + 7])
        assert _graph_fields(m.graph()) == _graph_fields(whole)
        assert _graph_fields(m.graph()) == _graph_fields(whole)  # asked twice: the same


def test_a_merger_is_a_merge_of_summaries() -> None:
    exs = _extractions()
    m = Merger()
    m.add([summarize(exs[1])])
    m.add([summarize(exs[0])])
    assert _graph_fields(m.graph()) == _graph_fields(build_graph(exs))


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path) -> None:
    p = tmp_path / "graph.ttl"
    write_text(p, "old")
    try:
        with atomic_open(p) as f:
            f.write("half")
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["graph.ttl"]

"""A small graph built by hand from two real sentences of the corpus.

Tests of the exporters use it so that they do not depend on extraction quality.
"""

from __future__ import annotations

from kg.graph import KnowledgeGraph, build_graph
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

S1 = "会见结束后,郑州市与埃德蒙顿市双方签署了建立友好城市关系意向书。"
S2 = "郑州市与开封市深化郑开同城化合作,共同建设郑开科创走廊。"
S3 = "推进郑开同城化,郑州市与开封市携手打造郑开科创走廊。"

ZZ = "Place/410100"
KF = "Place/410200"
HN = "Place/410000"
EDM = "Place/埃德蒙顿市"
AGR = "Agreement/建立友好城市关系意向书"
AGENCY = "Agency/郑州市发展和改革委员会"
SUSPECT = "Organization/兰考县"


def _span(text: str, part: str) -> Span:
    i = text.index(part)
    return Span(i, i + len(part))


def _doc(name: str, text: str, meta: dict[str, str]) -> Document:
    return Document(path=f"/abs/input/{name}", text=text, norm=text, metadata=meta, name=name)


def extractions() -> list[Extraction]:
    d1 = _doc("002.txt", S1, {"title": "王跃华会见埃德蒙顿市市长", "publisher": "中原网"})
    d2 = _doc(
        "017.txt",
        S2,
        {"title": "郑开同城化", "publisher": "郑州市发展和改革委员会", "published": "2024-09-21"},
    )
    zz = Entity(
        ZZ, "郑州市", EntityType.PLACE, ("郑州市",), "410100", 113.62, 34.75, (_span(S1, "郑州市"),)
    )
    edm = Entity(
        EDM,
        "埃德蒙顿市",
        EntityType.PLACE,
        ("埃德蒙顿市",),
        None,
        None,
        None,
        (_span(S1, "埃德蒙顿市"),),
    )
    agr = Entity(
        AGR,
        "建立友好城市关系意向书",
        EntityType.AGREEMENT,
        (),
        None,
        None,
        None,
        (_span(S1, "建立友好城市关系意向书"),),
    )
    hn = Entity(HN, "河南省", EntityType.PLACE, (), "410000", 113.75, 34.77)
    ev1 = Evidence("002.txt", S1, Span(0, len(S1)))
    r1 = (
        Relation(ZZ, Predicate.SIGNED, AGR, Source.TEXT, ev1),
        Relation(EDM, Predicate.SIGNED, AGR, Source.TEXT, ev1),
        Relation(ZZ, Predicate.COOPERATES_WITH, EDM, Source.TEXT, ev1),
        Relation(ZZ, Predicate.PART_OF, HN, Source.GAZETTEER),
    )
    zz2 = Entity(
        ZZ,
        "郑州市",
        EntityType.PLACE,
        ("郑州市", "郑"),
        "410100",
        113.62,
        34.75,
        (_span(S2, "郑州市"), Span(S2.index("郑开"), S2.index("郑开") + 1)),
    )
    kf = Entity(
        KF,
        "开封市",
        EntityType.PLACE,
        ("开封市", "开"),
        "410200",
        114.31,
        34.80,
        (_span(S2, "开封市"),),
    )
    ag = Entity(AGENCY, "郑州市发展和改革委员会", EntityType.AGENCY)
    sus = Entity(SUSPECT, "兰考县", EntityType.ORGANIZATION)
    ev2 = Evidence("017.txt", S2, Span(0, len(S2)))
    r2 = (
        Relation(ZZ, Predicate.COOPERATES_WITH, KF, Source.TEXT, ev2),
        Relation(ZZ, Predicate.PART_OF, HN, Source.GAZETTEER),
        Relation(KF, Predicate.PART_OF, HN, Source.GAZETTEER),
    )
    d3 = _doc("030.txt", S3, {"title": "郑开同城化新进展"})
    zz3 = Entity(
        ZZ, "郑州市", EntityType.PLACE, ("郑州市",), "410100", 113.62, 34.75, (_span(S3, "郑州市"),)
    )
    kf3 = Entity(
        KF, "开封市", EntityType.PLACE, ("开封市",), "410200", 114.31, 34.80, (_span(S3, "开封市"),)
    )
    ev3 = Evidence("030.txt", S3, Span(0, len(S3)))
    r3 = (Relation(ZZ, Predicate.COOPERATES_WITH, KF, Source.TEXT, ev3),)
    return [
        Extraction(d1, (zz, edm, agr, hn), r1),
        Extraction(d2, (zz2, kf, hn, ag, sus), r2),
        Extraction(d3, (zz3, kf3), r3),
    ]


def graph() -> KnowledgeGraph:
    """The merged graph of :func:`extractions`."""
    return build_graph(extractions())

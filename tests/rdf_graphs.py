"""Small knowledge graphs built by hand from real corpus sentences, for the RDF tests.

They do not depend on extraction quality: entities and relations are stated here.
"""

from __future__ import annotations

from dataclasses import replace

from kg.graph import KnowledgeGraph, build_graph
from kg.types import (
    Document,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    Modality,
    Predicate,
    Relation,
    Source,
    Span,
)

SIGN = (
    "先后与沿黄9省(区)省会城市共同签署了《黄河流域环境权益类要素交易友好合作框架协议》"
    "《黄河流域共同保护母亲河倡议书》和《黄河流域城市信用联盟战略合作框架协议》,"
    "共同与青岛市建立黄河流域“9+1”城市陆海联动高质量发展合作机制。"
)
EDM = "会见结束后,郑州市与埃德蒙顿市双方签署了建立友好城市关系意向书。"
TOWN = "管阳镇与福鼎市共同推进茶产业合作。"

ZZ, QD, HN, FD = "Place/410100", "Place/370200", "Place/410000", "Place/350982"
AGREEMENTS = (
    "黄河流域环境权益类要素交易友好合作框架协议",
    "黄河流域共同保护母亲河倡议书",
    "黄河流域城市信用联盟战略合作框架协议",
)
ZONE = "Zone/中国(河南)自由贸易试验区"
CLUSTER = "Cluster/电子信息产业集群"


def _doc(text: str, name: str, **meta: str) -> Document:
    return Document(path=f"docs/{name}", text=text, norm=text, metadata=meta, name=name)


def _ev(doc: Document, sentence: str) -> Evidence:
    start = doc.text.index(sentence)
    return Evidence(doc.path, sentence, Span(start, start + len(sentence)))


def _place(code: str, name: str, aliases: tuple[str, ...] = (), lonlat=None) -> Entity:
    lon, lat = lonlat or (None, None)
    return Entity(f"Place/{code}", name, EntityType.PLACE, aliases, code, lon, lat)


def sample_extractions() -> list[Extraction]:
    """Three documents: a Zhengzhou reply, a signing news item, a county text."""
    text1 = "郑州市发展和改革委员会答复。" + SIGN + "中国(河南)自由贸易试验区位于郑州市。"
    d1 = _doc(
        text1,
        "000.txt",
        title="关于在郑州都市圈建设中推进中原城市群一体化的提案的答复",
        publisher="郑州市发展和改革委员会",
        published="2024-09-21",
        written="2024-09-2x",  # not a date: left out, never guessed
        index_number="005252100/2024-00211",
        proposal_number="20240289",
    )
    zz = _place("410100", "郑州市", ("郑州",), (113.625368, 34.7466))
    ents1 = [
        zz,
        _place("370200", "青岛市", ("青岛",)),
        _place("410000", "河南省", ("河南", "豫"), (113.75322, 34.765515)),
        Entity("Agency/郑州市发展和改革委员会", "郑州市发展和改革委员会", EntityType.AGENCY),
        Entity(ZONE, "中国(河南)自由贸易试验区", EntityType.ZONE),
        *(Entity(f"Agreement/{a}", a, EntityType.AGREEMENT) for a in AGREEMENTS),
    ]
    rels1 = [
        Relation(ZZ, Predicate.SIGNED, f"Agreement/{a}", Source.TEXT, _ev(d1, SIGN))
        for a in AGREEMENTS
    ]
    rels1 += [
        Relation(ZZ, Predicate.COOPERATES_WITH, QD, Source.TEXT, _ev(d1, SIGN)),
        Relation(
            ZONE,
            Predicate.LOCATED_IN,
            ZZ,
            Source.TEXT,
            _ev(d1, "中国(河南)自由贸易试验区位于郑州市。"),
        ),
        Relation(ZZ, Predicate.PART_OF, HN, Source.GAZETTEER),
    ]
    d2 = _doc(EDM, "002.txt", published="2018-05-19")
    ents2 = [
        zz,
        Entity("Place/埃德蒙顿市", "埃德蒙顿市", EntityType.PLACE, ("埃德蒙顿",)),
        Entity("Place/加拿大", "加拿大", EntityType.PLACE),
        Entity("Agreement/建立友好城市关系意向书", "建立友好城市关系意向书", EntityType.AGREEMENT),
    ]
    rels2 = [
        Relation("Place/埃德蒙顿市", Predicate.COOPERATES_WITH, ZZ, Source.TEXT, _ev(d2, EDM)),
        Relation(
            "Place/埃德蒙顿市", Predicate.LOCATED_IN, "Place/加拿大", Source.TEXT, _ev(d2, EDM)
        ),
        Relation(
            ZZ, Predicate.SIGNED, "Agreement/建立友好城市关系意向书", Source.TEXT, _ev(d2, EDM)
        ),
    ]
    d3 = _doc(TOWN, "208.txt")
    ents3 = [
        Entity("Place/管阳镇", "管阳镇", EntityType.PLACE, ("管阳",)),
        _place("350982", "福鼎市"),
        Entity(CLUSTER, "电子信息产业集群", EntityType.CLUSTER),
    ]
    rels3 = [
        Relation("Place/管阳镇", Predicate.COOPERATES_WITH, FD, Source.TEXT, _ev(d3, TOWN)),
    ]
    # every relation stated in a text has a modality: done (签署了, 建立), or, for
    # 共同推进…合作, intended; the first document's get a stated time (set here by
    # hand, as a month: an xsd:gYearMonth in the RDF)
    done, planned = Modality.ACCOMPLISHED, Modality.PLANNED
    rels1 = [replace(r, modality=done, time="2024-09") for r in rels1]
    rels2 = [replace(r, modality=done) for r in rels2]
    rels3 = [replace(r, modality=planned) for r in rels3]
    return [
        Extraction(d1, tuple(ents1), tuple(rels1)),
        Extraction(d2, tuple(ents2), tuple(rels2)),
        Extraction(d3, tuple(ents3), tuple(rels3)),
    ]


def sample_graph() -> KnowledgeGraph:
    """The merged graph of :func:`sample_extractions`."""
    return build_graph(sample_extractions())

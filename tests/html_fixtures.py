"""Small knowledge graphs for the HTML tests, built the way the pipeline builds them.

Sentences are from data/docs/000_ab73ab1b96b1d70f.txt; the probe document carries
script-injection attempts in its title, entity names, aliases and sentences.
Relations and some entities carry confidences of their own (:data:`CONFIDENCES`).
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
    Predicate,
    Relation,
    Source,
    Span,
)

SIGNED = (
    "近年来,郑州市深入推进落实促进中部崛起、黄河流域生态保护和高质量发展、郑州都市圈建设等"
    "重大区域协调发展战略,先后与沿黄9省(区)省会城市共同签署了《黄河流域环境权益类要素交易友好"
    "合作框架协议》《黄河流域共同保护母亲河倡议书》和《黄河流域城市信用联盟战略合作框架协议》,"
    "共同与青岛市建立黄河流域“9+1”城市陆海联动高质量发展合作机制。"
)
PLAN = (
    "2024年1月,省委、省政府印发《郑州都市圈发展规划》,提出深化郑开同城化、郑许一体化发展,"
    "建设郑(港)汴许“黄金三角”,规划建设许港精密制造产业带。"
)

#: Strings that would run script if the page ever treated them as HTML.
PROBES = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "<svg onload=alert(3)>",
    "\u2028</script><!--<script>alert(4)//",
)

ZZ = "Place/410100"
KF = "Place/410200"
QD = "Place/370200"
HN = "Place/410000"
PLAN_ID = "Plan/郑州都市圈发展规划"
AGREEMENT_ID = "Agreement/黄河流域环境权益类要素交易友好合作框架协议"
REGION_ID = "Region/郑州都市圈"
AGENCY_ID = "Agency/中共河南省委"
PROBE_IDS = ("Agreement/probe-img", "Agency/probe-script", "Company/probe-svg", "Event/probe-ls")

#: The confidence of each relation stated in the text, by (subject, predicate, object).
CONFIDENCES = {
    (ZZ, "signed", AGREEMENT_ID): 0.93,
    (ZZ, "cooperatesWith", QD): 0.81,
    (ZZ, "cooperatesWith", KF): 0.42,
    (PLAN_ID, "issuedBy", AGENCY_ID): 0.35,
    (ZZ, "partOf", REGION_ID): 0.67,
    (ZZ, "signed", PROBE_IDS[0]): 0.9,
    (PROBE_IDS[1], "establishedBy", ZZ): 0.5,
    (PROBE_IDS[2], "participatesIn", PROBE_IDS[3]): 0.3,
}
#: Entities with a confidence below 1: the plan, the agency and the probe company.
ENTITY_CONFIDENCES = {PLAN_ID: 0.5, AGENCY_ID: 0.45, PROBE_IDS[2]: 0.4}


def _doc(path: str, text: str, title: str) -> Document:
    return Document(path=path, text=text, norm=text, metadata={"title": title}, name=path)


def _ev(doc: Document, sentence: str) -> Evidence:
    start = doc.text.index(sentence)
    return Evidence(doc.path, sentence, Span(start, start + len(sentence)))


def _span(doc: Document, s: str) -> tuple[Span, ...]:
    i = doc.text.find(s)
    return (Span(i, i + len(s)),) if i >= 0 else ()


def sample_graph() -> KnowledgeGraph:
    """郑州市 and neighbours from two real sentences, plus a document full of probes."""
    text1 = SIGNED + "\n" + PLAN + "\n"
    d1 = _doc(
        "000_ab73ab1b96b1d70f.txt", text1, "关于在郑州都市圈建设中推进中原城市群一体化的提案的答复"
    )
    zz = Entity(
        ZZ,
        "郑州市",
        EntityType.PLACE,
        ("郑州", "郑"),
        "410100",
        113.6254,
        34.7466,
        _span(d1, "郑州市"),
    )
    kf = Entity(KF, "开封市", EntityType.PLACE, ("开封", "汴"), "410200", 114.3076, 34.7972)
    qd = Entity(
        QD, "青岛市", EntityType.PLACE, ("青岛",), "370200", 120.3826, 36.0671, _span(d1, "青岛市")
    )
    hn = Entity(HN, "河南省", EntityType.PLACE, ("河南", "豫"), "410000", 113.7532, 34.7657)
    agr = Entity(
        AGREEMENT_ID, "《黄河流域环境权益类要素交易友好合作框架协议》", EntityType.AGREEMENT
    )
    plan = Entity(PLAN_ID, "《郑州都市圈发展规划》", EntityType.PLAN)
    region = Entity(REGION_ID, "郑州都市圈", EntityType.REGION)
    agency = Entity(AGENCY_ID, "中共河南省委", EntityType.AGENCY, ("省委",))
    rels1 = (
        Relation(ZZ, Predicate.SIGNED, AGREEMENT_ID, Source.TEXT, _ev(d1, SIGNED)),
        Relation(ZZ, Predicate.COOPERATES_WITH, QD, Source.TEXT, _ev(d1, SIGNED)),
        Relation(ZZ, Predicate.COOPERATES_WITH, KF, Source.TEXT, _ev(d1, PLAN)),
        Relation(PLAN_ID, Predicate.ISSUED_BY, AGENCY_ID, Source.TEXT, _ev(d1, PLAN)),
        Relation(ZZ, Predicate.PART_OF, REGION_ID, Source.TEXT, _ev(d1, PLAN)),
        Relation(ZZ, Predicate.LOCATED_IN, HN, Source.GAZETTEER),
        Relation(KF, Predicate.LOCATED_IN, HN, Source.GAZETTEER),
    )
    ex1 = Extraction(d1, (zz, kf, qd, hn, agr, plan, region, agency), rels1)

    probe_sentence = "郑州市与" + PROBES[0] + "签署了《" + PROBES[1] + "》。" + PROBES[2] + "\n"
    text2 = probe_sentence + PROBES[3] + "\n"
    d2 = _doc("probe.txt", text2, "《" + PROBES[0] + PROBES[1] + "》")
    probes = tuple(
        Entity(pid, probe, t, aliases=(probe + "别名",))
        for pid, probe, t in zip(
            PROBE_IDS,
            PROBES,
            (EntityType.AGREEMENT, EntityType.AGENCY, EntityType.COMPANY, EntityType.EVENT),
            strict=True,
        )
    )
    zz2 = Entity(ZZ, "郑州市", EntityType.PLACE, ("郑州",), "410100", 113.6254, 34.7466)
    rels2 = (
        Relation(ZZ, Predicate.SIGNED, PROBE_IDS[0], Source.TEXT, _ev(d2, probe_sentence.strip())),
        Relation(PROBE_IDS[1], Predicate.ESTABLISHED_BY, ZZ, Source.TEXT, _ev(d2, PROBES[2])),
        Relation(
            PROBE_IDS[2], Predicate.PARTICIPATES_IN, PROBE_IDS[3], Source.TEXT, _ev(d2, PROBES[3])
        ),
    )
    ex2 = Extraction(d2, (zz2, *probes), rels2)
    return build_graph([_confident(ex1), _confident(ex2)])


def _confident(ex: Extraction) -> Extraction:
    """``ex`` with the confidences of :data:`CONFIDENCES` and :data:`ENTITY_CONFIDENCES`."""
    return replace(
        ex,
        entities=tuple(
            replace(e, confidence=ENTITY_CONFIDENCES.get(e.id, 1.0)) for e in ex.entities
        ),
        relations=tuple(
            replace(r, confidence=CONFIDENCES.get((r.subject, r.predicate.value, r.object), 1.0))
            for r in ex.relations
        ),
    )


# ---------------------------------------------------------------- a graph for the overview page

#: The name that would run script if the overview page ever treated it as HTML.
ALERT = "</script><script>alert(1)</script>"
#: Twelve cities, each linked to every other: the most connected part.
CITIES = (
    "郑州",
    "开封",
    "洛阳",
    "许昌",
    "新乡",
    "焦作",
    "濮阳",
    "安阳",
    "鹤壁",
    "商丘",
    "周口",
    "信阳",
)
FAR = "Event/far-5"
FAR_NEIGHBOURS = ("Organization/org-5", "Event/far-4", "Event/far-6")
ALERT_ID = "Organization/alert"


def overview_graph() -> KnowledgeGraph:
    """75 entities for the overview page at a threshold of 20: twelve cities joined to
    each other (11 neighbours each), forty agencies joined to four cities each, a
    chain of ten events each joined to its organisation (three neighbours at most, so
    outside an overview of 20), an organisation named :data:`ALERT` and two entities
    without relations. Lines alternate confidences 0.9 and 0.3; every text relation
    has its sentence."""
    from kg.graph import DocumentInfo, Edge, Node

    docs = [
        DocumentInfo(f"{i:016x}", f"docs/{i:02d}.txt", (("title", f"关于第{i}号提案的答复"),), 100)
        for i in range(5)
    ]
    nodes: dict[str, Node] = {}

    def add(nid: str, name: str, t: EntityType, doc: int, **kw: object) -> None:
        nodes[nid] = Node(nid, name, t, documents=[docs[doc].key], **kw)  # type: ignore[arg-type]

    for i, c in enumerate(CITIES):
        add(
            f"Place/{410100 + i * 100}",
            c + "市",
            EntityType.PLACE,
            i % 5,
            aliases=[c],
            code=str(410100 + i * 100),
            longitude=113.0 + i * 0.3,
            latitude=34.0 + i * 0.1,
        )
    for i in range(40):
        add(f"Agency/a{i:02d}", f"第{i}局", EntityType.AGENCY, i % 5)
    for i in range(10):
        add(f"Organization/org-{i}", f"合作组织{i}", EntityType.ORGANIZATION, i % 5)
        add(f"Event/far-{i}", f"远方活动{i}", EntityType.EVENT, i % 5)
    add(ALERT_ID, ALERT, EntityType.ORGANIZATION, 0, aliases=[ALERT + "别名"])
    add("Person/lone", "无关系的人", EntityType.PERSON, 1)
    add("Plan/lone", "《无关系的规划》", EntityType.PLAN, 2)
    edges: list[Edge] = []

    def link(s: str, p: Predicate, o: str, doc: int) -> None:
        conf = 0.9 if len(edges) % 2 == 0 else 0.3
        sentence = f"{nodes[s].name}与{nodes[o].name}加强合作。"
        edges.append(Edge(s, p, o, Source.TEXT, docs[doc].key, sentence, 0, len(sentence), conf))

    cities = [i for i in nodes if i.startswith("Place/")]
    for a, b in ((a, b) for k, a in enumerate(cities) for b in cities[k + 1 :]):
        link(a, Predicate.COOPERATES_WITH, b, len(edges) % 5)
    for i in range(40):
        for k in range(4):
            link(f"Agency/a{i:02d}", Predicate.LOCATED_IN, cities[(i + k) % 12], i % 5)
    for i in range(10):
        link(f"Organization/org-{i}", Predicate.PARTICIPATES_IN, f"Event/far-{i}", i % 5)
        if i:
            link(f"Event/far-{i - 1}", Predicate.PART_OF, f"Event/far-{i}", i % 5)
    link(ALERT_ID, Predicate.PARTICIPATES_IN, "Event/far-0", 0)
    return KnowledgeGraph(nodes=nodes, edges=edges, documents=docs)

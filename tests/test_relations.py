"""Relations by type, over real corpus sentences and sentences in the style of other
provinces; each asserts the exact (subject, object) names."""

from __future__ import annotations

import pytest

from tests.extraction_helpers import run, triples

ZZ = "郑州市发展和改革委员会"

CASES = [
    # signed: every party signs every agreement of a coordinated list
    (
        "signed",
        "近年来,郑州市先后与沿黄9省(区)省会城市共同签署了《黄河流域环境权益类要素交易友好合作框架协议》"
        "《黄河流域共同保护母亲河倡议书》和《黄河流域城市信用联盟战略合作框架协议》。",
        ZZ,
        {
            ("郑州市", "黄河流域环境权益类要素交易友好合作框架协议"),
            ("郑州市", "黄河流域共同保护母亲河倡议书"),
            ("郑州市", "黄河流域城市信用联盟战略合作框架协议"),
        },
    ),
    (
        "signed",
        "成都海关与南宁海关签署《支持推进南向通道建设合作备忘录》,宜宾市政府与钦州市政府签署《共建南向通道深化区域协同发展合作协议》。",
        "",
        {
            ("成都海关", "支持推进南向通道建设合作备忘录"),
            ("南宁海关", "支持推进南向通道建设合作备忘录"),
            ("宜宾市人民政府", "共建南向通道深化区域协同发展合作协议"),
            ("钦州市人民政府", "共建南向通道深化区域协同发展合作协议"),
        },
    ),
    # cooperatesWith: a compound of several places gives every pair
    (
        "cooperatesWith",
        "成都、德阳、眉山、资阳四市政协围绕“成德眉资同城化”进行座谈。",
        "",
        {
            ("成都市", "德阳市"),
            ("成都市", "眉山市"),
            ("成都市", "资阳市"),
            ("德阳市", "眉山市"),
            ("德阳市", "资阳市"),
            ("眉山市", "资阳市"),
        },
    ),
    (
        "cooperatesWith",
        "广州市与佛山市签署《广佛同城化合作协议》。",
        "",
        {("佛山市", "广州市")},
    ),
    # locatedIn: 在X布局; a place in a zone's name; adjacent county in its city
    (
        "locatedIn",
        "郑州市围绕落实规划,推动富士康等企业陆续在济源、兰考等地布局设厂。",
        ZZ,
        {("富士康", "济源市"), ("富士康", "兰考县")},
    ),
    (
        "locatedIn",
        "高水平建设中欧班列郑州集结中心。",
        ZZ,
        {("中欧班列郑州集结中心", "郑州市")},
    ),
    (
        "locatedIn",
        "11月13日,芜湖市马鞍山市同城化建设合作框架协议签字仪式在马鞍山市会议中心举行。",
        "",
        {
            ("芜湖市马鞍山市同城化建设合作框架协议签字仪式", "马鞍山市会议中心"),
            ("马鞍山市会议中心", "马鞍山市"),
        },
    ),
    # partOf: a region and the places that make it up
    (
        "partOf",
        "中原城市群以郑州为中心,包括洛阳、开封、新乡共4个省辖市。",
        "",
        {
            ("郑州市", "中原城市群"),
            ("洛阳市", "中原城市群"),
            ("开封市", "中原城市群"),
            ("新乡市", "中原城市群"),
        },
    ),
    # issuedBy
    (
        "issuedBy",
        "2024年1月,省委、省政府印发《郑州都市圈发展规划》。",
        ZZ,
        {("郑州都市圈发展规划", "中共河南省委"), ("郑州都市圈发展规划", "河南省人民政府")},
    ),
    (
        "issuedBy",
        "《海峡西岸经济区发展规划》已获国务院正式批复。",
        "",
        {("海峡西岸经济区发展规划", "国务院")},
    ),
    # participatesIn: attending a named event; building a named cluster
    (
        "participatesIn",
        "“牡丹江――大连经贸合作推介会”在我市富丽华酒店举行。牡丹江市市长张晶川、大连市副市长孙广田出席推介会。",
        "",
        {
            ("张晶川", "牡丹江――大连经贸合作推介会"),
            ("孙广田", "牡丹江――大连经贸合作推介会"),
            ("牡丹江市", "牡丹江――大连经贸合作推介会"),
            ("大连市", "牡丹江――大连经贸合作推介会"),
        },
    ),
    (
        "participatesIn",
        "下一步,郑州市将协同建设万亿级汽车产业集群。",
        ZZ,
        {("郑州市", "汽车产业集群")},
    ),
    # establishedBy
    (
        "establishedBy",
        "支持龙头企业推进供应链金融服务,宇通集团发起设立的安盈商业保理有限公司获批设立。",
        ZZ,
        {("安盈商业保理有限公司", "宇通集团")},
    ),
    # locatedIn: a district named after its city inside a body's name
    (
        "locatedIn",
        "武汉市江夏区人民政府与湖北鄂州市人民政府签署《共建光谷科创大走廊合作协议》。",
        "",
        {("江夏区", "武汉市"), ("鄂州市", "湖北省")},
    ),
    # locatedIn: districts listed after their city, joined by 、 and 和
    (
        "locatedIn",
        "示范区范围包括西安市雁塔区、长安区和鄠邑区的部分区域。",
        "",
        {("雁塔区", "西安市"), ("长安区", "西安市"), ("鄠邑区", "西安市")},
    ),
]


@pytest.mark.parametrize("predicate, text, publisher, expected", CASES)
def test_relations_of_each_type(
    predicate: str, text: str, publisher: str, expected: set[tuple[str, str]]
) -> None:
    got = triples(run(text, publisher), predicate)
    if predicate == "cooperatesWith":
        got = {tuple(sorted(p)) for p in got}  # type: ignore[misc]
        expected = {tuple(sorted(p)) for p in expected}  # type: ignore[misc]
    assert got == expected


def test_text_relations_carry_their_sentence_and_its_span() -> None:
    text = "会见结束后,双方签署了意向书。\n四川省人民政府与广西壮族自治区人民政府在成都签署深化川桂合作共同推进南向开放通道建设框架协议。"
    ex = run(text)
    signed = [r for r in ex.relations if r.predicate.value == "signed"]
    assert signed
    for r in signed:
        assert r.evidence is not None and r.evidence.document == "t.txt"
        assert text[r.evidence.span.start : r.evidence.span.end] == r.evidence.sentence
        assert r.evidence.sentence.startswith("四川省人民政府")


def test_gazetteer_relations_have_no_evidence() -> None:
    ex = run("主要包括:成都市,德阳市旌阳区、什邡市。")
    gaz = triples(ex, "locatedIn", "gazetteer")
    assert ("旌阳区", "德阳市") in gaz and ("什邡市", "德阳市") in gaz
    assert all(r.evidence is None for r in ex.relations if r.source.value == "gazetteer")
    assert ("旌阳区", "德阳市") in triples(
        ex, "locatedIn"
    )  # also stated by the text (德阳市旌阳区)


def _consistent_of(relations, entities):
    from kg.relations import _consistent

    return _consistent(relations, entities)


def test_a_signer_does_not_also_take_part_in_what_it_signs() -> None:
    from kg.types import Entity, EntityType, Predicate, Relation

    gov = Entity("a", "贵州省人民政府", EntityType.AGENCY)
    deal = Entity("b", "黔桂教育协同发展合作框架协议", EntityType.AGREEMENT)
    meet = Entity("c", "黔桂合作座谈会", EntityType.EVENT)
    rels = [
        Relation("a", Predicate.SIGNED, "b"),
        Relation("a", Predicate.PARTICIPATES_IN, "b"),
        Relation("a", Predicate.PARTICIPATES_IN, "c"),
    ]
    kept = _consistent_of(rels, [gov, deal, meet])
    assert [(r.predicate.value, r.object) for r in kept] == [
        ("signed", "b"),
        ("participatesIn", "c"),
    ]


def test_a_place_cooperates_with_a_place_inside_it_only_where_a_sentence_names_both() -> None:
    from kg.types import Entity, EntityType, Evidence, Predicate, Relation, Span

    text = "江西省与赣州市加强合作。服务和助推赣州革命老区振兴。"
    province = Entity("p", "江西省", EntityType.PLACE, code="360000", mentions=(Span(0, 3),))
    city = Entity(
        "c", "赣州市", EntityType.PLACE, code="360700", mentions=(Span(4, 7), Span(18, 20))
    )
    peer = Entity("q", "湖南省", EntityType.PLACE, code="430000", mentions=(Span(30, 33),))
    said = Evidence("t.txt", text[:12], Span(0, 12))
    unsaid = Evidence("t.txt", text[12:], Span(12, len(text)))
    rels = [
        Relation("p", Predicate.COOPERATES_WITH, "c", evidence=said),  # both named: kept
        Relation("p", Predicate.COOPERATES_WITH, "c", evidence=unsaid),  # the province unnamed
        Relation("q", Predicate.COOPERATES_WITH, "c", evidence=unsaid),  # not nested: kept
    ]
    kept = _consistent_of(rels, [province, city, peer])
    assert [(r.subject, r.evidence.span.start if r.evidence else None) for r in kept] == [
        ("p", 0),
        ("q", 12),
    ]

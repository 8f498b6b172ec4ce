"""Mentions by type, over real corpus sentences and a few written in the style of
other provinces and years (to check that the rules are not tied to one city)."""

from __future__ import annotations

import pytest

from tests.extraction_helpers import names, run

ZZ = "郑州市发展和改革委员会"  # publisher of the seed document: Henan context

CASES = [
    # places: full and short forms, short county forms in their province's context
    (
        "Place",
        "郑州市围绕落实规划,推动富士康等企业陆续在济源、兰考等地布局设厂。",
        ZZ,
        {"郑州市", "济源市", "兰考县"},
    ),
    (
        "Place",
        "强化洛阳与郑州错位联动发展,推进与连云港、焦作与日照等港区联动。",
        ZZ,
        {"洛阳市", "郑州市", "连云港市", "焦作市", "日照市"},
    ),
    # one-character forms only inside compounds
    ("Place", "郑州市提出深化郑开同城化、郑许一体化发展。", ZZ, {"郑州市", "开封市", "许昌市"}),
    (
        "Place",
        "成都、德阳、眉山、资阳四市政协助推成德眉资同城化。",
        "",
        {"成都市", "德阳市", "眉山市", "资阳市"},
    ),
    (
        "Place",
        "广东省广州市与佛山市深化广佛同城化,共建广佛全域同城化合作区。",
        "",
        {"广东省", "广州市", "佛山市"},
    ),
    ("Place", "温州市與台州市簽署合作協議,推進溫台一體化。", "", {"温州市", "台州市"}),
    # regions
    (
        "Region",
        "以对接粤港澳大湾区、长江中游城市群做实“南联”,依托淮河生态经济带积极对接长三角一体化发展。",
        ZZ,
        {"粤港澳大湾区", "长江中游城市群", "淮河生态经济带", "长三角"},
    ),
    (
        "Region",
        "成渝地区双城经济圈建设要与关中平原城市群联动。",
        "",
        {"成渝双城经济圈", "关中平原城市群"},
    ),
    # agencies, level-only names expanded to the document's jurisdiction
    (
        "Agency",
        "2024年1月,省委、省政府印发《郑州都市圈发展规划》。",
        ZZ,
        {"中共河南省委", "河南省人民政府"},
    ),
    (
        "Agency",
        "主动对接人行河南省分行、河南金融监管局、河南证监局等驻豫金融管理部门。",
        ZZ,
        {
            "中国人民银行河南省分行",
            "国家金融监督管理总局河南监管局",
            "中国证券监督管理委员会河南监管局",
        },
    ),
    ("Agency", "宜宾市政府与钦州市政府签署合作协议。", "", {"宜宾市人民政府", "钦州市人民政府"}),
    # companies
    (
        "Company",
        "支持龙头企业推进供应链金融服务,宇通集团发起设立的安盈商业保理有限公司获批设立。",
        ZZ,
        {"宇通集团", "安盈商业保理有限公司"},
    ),
    (
        "Company",
        "7月2日,我区与中国二十冶集团有限公司签署战略合作框架协议。",
        "",
        {"中国二十冶集团有限公司"},
    ),
    # organisations
    ("Organization", "民建郑州市委员会:\n\n你们提出的提案收悉。", ZZ, {"民建郑州市委员会"}),
    ("Organization", "新闻来源:眉山网\n更新时间:2019-12-17", "", {"眉山网"}),
    # agreements and plans from titles; the proposal being answered is a Plan
    (
        "Agreement",
        "先后与沿黄9省(区)省会城市共同签署了《黄河流域环境权益类要素交易友好合作框架协议》《黄河流域共同保护母亲河倡议书》。",
        ZZ,
        {"黄河流域环境权益类要素交易友好合作框架协议", "黄河流域共同保护母亲河倡议书"},
    ),
    (
        "Plan",
        "你们提出的“关于在郑州都市圈建设中推进中原城市群一体化的提案”收悉。",
        ZZ,
        {"关于在郑州都市圈建设中推进中原城市群一体化的提案"},
    ),
    (
        "Plan",
        "四川省人民政府发布了关于印发《成都都市圈发展规划》的通知。",
        "",
        {"成都都市圈发展规划"},
    ),
    # clusters, zones, events
    (
        "Cluster",
        "协同建设万亿级电子信息产业集群,协同建设通用航空千亿级产业集群。",
        ZZ,
        {"电子信息产业集群", "通用航空产业集群"},
    ),
    (
        "Zone",
        "高水平建设中欧班列郑州集结中心,郑州国家通用航空产业综合示范区加快建设。",
        ZZ,
        {"中欧班列郑州集结中心", "郑州国家通用航空产业综合示范区"},
    ),
    (
        "Event",
        "郑州市成功举办2024全球豫商大会都市圈产业对接会。",
        ZZ,
        {"2024全球豫商大会都市圈产业对接会"},
    ),
    (
        "Event",
        "3月,习近平总书记在新时代推动中部地区崛起座谈会上指出。",
        ZZ,
        {"新时代推动中部地区崛起座谈会"},
    ),
    # people next to titles, in bylines and addressee lines
    (
        "Person",
        "市委常委、常务副市长王跃华在郑会见客人。副市长万正峰、市政府秘书长王万鹏参加会见。",
        ZZ,
        {"王跃华", "万正峰", "王万鹏"},
    ),
    ("Person", "郭胜利、陈爱珍委员:\n你们提出的意见收悉。", "", {"郭胜利", "陈爱珍"}),
    ("Person", "眉山网讯(刘伟巍 记者 李幸)近日,座谈会在成都召开。", "", {"刘伟巍", "李幸"}),
]


@pytest.mark.parametrize("typ, text, publisher, expected", CASES)
def test_entities_of_each_type(typ: str, text: str, publisher: str, expected: set[str]) -> None:
    assert names(run(text, publisher), typ) == expected


@pytest.mark.parametrize(
    "text",
    [
        "加强区域合作,发展新兴产业,整合资源,优化城区布局。",
        "双方将深化经贸合作,推动新兴产业和资源共享。",
    ],
)
def test_common_word_short_forms_are_not_places(text: str) -> None:
    assert names(run(text), "Place") == set()


def test_a_bare_one_character_form_is_not_a_place() -> None:
    assert names(run("郑州市将加快发展,许多企业落户。", ZZ), "Place") == {"郑州市"}


@pytest.mark.parametrize(
    "text",
    [
        "引导金融机构加大对实体经济支持力度,周边城市通用航空产业组团加快形成。",
        "中集集团、中外运等5家头部企业签约落地。",
    ],
)
def test_generic_phrases_are_not_entities(text: str) -> None:
    ex = run(text, ZZ)
    assert not {"金融机构", "周边城市", "头部企业"} & {e.name for e in ex.entities}


def test_places_carry_division_codes_and_coordinates() -> None:
    ex = run("濮阳市交通运输局已同聊城市交通运输局签订了接线协议。")
    places = {e.name: e for e in ex.entities if e.type.value == "Place"}
    assert places["濮阳市"].code == "410900" and places["聊城市"].code == "371500"
    assert places["濮阳市"].longitude is not None and places["濮阳市"].latitude is not None

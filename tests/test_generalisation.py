"""Rules that must hold beyond the sample corpus: sentences written in the style of
other provinces, genres and years, with the exact canonical names and triples a
careful reader would annotate. One regression test per bug, named after what broke."""

from __future__ import annotations

import pytest

from tests.extraction_helpers import names, run, triples

# --- places abroad: named after their country, located in it by the text ------------

ABROAD = [
    (
        "广州市与美国加利福尼亚州签署友好交流合作备忘录。",
        "加利福尼亚州",
        "美国",
    ),
    ("苏州市代表团访问日本大阪府,双方签署经贸合作意向书。", "大阪府", "日本"),
    ("哈尔滨市与俄罗斯哈巴罗夫斯克市缔结友好城市关系。", "哈巴罗夫斯克市", "俄罗斯"),
    ("昆明市與泰國清邁府簽署友好城市協議。", "清迈府", "泰国"),
]


@pytest.mark.parametrize("text, place, country", ABROAD)
def test_a_place_named_after_its_country_is_abroad_and_located_in_it(
    text: str, place: str, country: str
) -> None:
    ex = run(text)
    assert {place, country} <= names(ex, "Place")
    assert (place, country) in triples(ex, "locatedIn")


def test_the_bare_stem_of_a_place_abroad_is_an_alias() -> None:
    ex = run("武汉市与法国波尔多市结为友城。此后波尔多与武汉在葡萄酒贸易方面合作密切。")
    (bordeaux,) = [e for e in ex.entities if e.name == "波尔多市"]
    assert bordeaux.aliases == ("波尔多市", "波尔多")
    assert bordeaux.code is None


@pytest.mark.parametrize(
    "text",
    [
        "美国友好城市代表团到访成都。",  # 友好城: common words, not a name
        "美国驻广州总领事馆官员出席活动。",  # 驻: no name abroad
        "日本国内市场需求回暖。",  # 国内: common words before 市
        "德国企业看好中国市场。",  # no division word in reach
    ],
)
def test_no_place_abroad_without_a_name_after_the_country(text: str) -> None:
    ex = run(text)
    assert not triples(ex, "locatedIn")
    from kg.extract import tables

    countries = {r["name"] for r in tables.tsv("countries.tsv")}
    assert all(e.code or e.name in countries for e in ex.entities if e.type == "Place")


def test_capitals_are_known_places_abroad_but_a_fitted_city_is_not_in_the_table() -> None:
    from kg.extract import tables

    rows = {r["surface"]: r for r in tables.tsv("countries.tsv")}
    assert rows["莫斯科"]["kind"] == "city"
    assert "埃德蒙顿" not in rows and "汉堡" not in rows
    assert "莫斯科" in names(run("郑州至莫斯科的中欧班列开行。"), "Place")


# --- places joined by a dash before a cooperation word --------------------------------


@pytest.mark.parametrize(
    "text, publisher, pair",
    [
        (
            "8月12日,区委书记率区党政代表团赴贵州省黔东南州凯里市考察,"
            "并出席凯里—鄞州东西部协作联席会议。",
            "宁波市鄞州区人民政府",
            ("凯里市", "鄞州区"),
        ),
        ("会议提出,加快推进广州-佛山同城化发展。", "", ("广州市", "佛山市")),
        ("成都、重庆一体化发展取得新进展。", "", ("成都市", "重庆市")),
    ],
)
def test_dash_joined_places_before_a_cooperation_word_are_partners(
    text: str, publisher: str, pair: tuple[str, str]
) -> None:
    got = {tuple(sorted(p)) for p in triples(run(text, publisher), "cooperatesWith")}
    assert tuple(sorted(pair)) in got


def test_a_place_visited_is_not_a_partner_of_its_own_county() -> None:
    """Regression (珲春—奉化): 赴吉林省延边州珲春市 made 延边州 the subject of 与…共商,
    giving 延边州 cooperatesWith 珲春市; a place chain after 赴/在 is where, not who."""
    text = (
        "区委书记率代表团赴贵州省黔东南州凯里市考察,并出席凯里—鄞州东西部协作联席会议,"
        "与凯里市委书记共商两地对口合作事宜。"
    )
    got = {tuple(sorted(p)) for p in triples(run(text, "宁波市鄞州区人民政府"), "cooperatesWith")}
    assert ("凯里市", "黔东南苗族侗族自治州") not in got
    assert ("凯里市", "贵州省") not in got
    assert ("凯里市", "鄞州区") in got


def test_places_joined_to_a_locative_place_are_not_partners() -> None:
    text = "川渝两地将在四川省广安市与重庆市渝北区交界地带共建高竹新区合作示范区。"
    got = {tuple(sorted(p)) for p in triples(run(text), "cooperatesWith")}
    assert ("广安市", "渝北区") not in got and ("渝北区", "广安市") not in got


def test_a_country_name_inside_a_division_name_is_no_country() -> None:
    """Regression: 蒙古 inside 内蒙古 was read as 蒙古国 (and a park was located abroad)."""
    ex = run("内蒙古自治区与甘肃省签署合作协议,共建内蒙古中环产业园。")
    assert "蒙古国" not in names(ex, "Place")
    assert "内蒙古自治区" in names(ex, "Place")


# --- parties named collectively -------------------------------------------------------


def test_parties_named_as_n_cities_sign_the_agreements_made_for_that_many() -> None:
    text = (
        "南京都市圈党政联席会议在镇江举行,南京市、镇江市、扬州市的主要领导出席会议。"
        "会议审议并通过三市近期共同推进的合作事项,包括《3市文旅一体化合作协议》、"
        "《2市港口合作协议》。"
    )
    got = triples(run(text), "signed")
    assert got == {
        ("南京市", "3市文旅一体化合作协议"),
        ("镇江市", "3市文旅一体化合作协议"),
        ("扬州市", "3市文旅一体化合作协议"),
    }


def test_a_collective_that_does_not_match_the_places_named_signs_nothing() -> None:
    text = "杭州市、宁波市领导出席会议。会议审议并通过五市共同推进的《五市科创走廊合作协议》。"
    assert triples(run(text), "signed") == set()


@pytest.mark.parametrize(
    "text, generic",
    [
        ("双方签署了三个合作协议。", "三个合作协议"),
        ("武汉市与孝感市签订两项合作协议。", "两项合作协议"),
    ],
)
def test_a_count_of_agreements_is_not_an_agreement(text: str, generic: str) -> None:
    assert generic not in names(run(text), "Agreement")


@pytest.mark.parametrize(
    "text, company",
    [
        ("长沙城投与湘江集团签署战略合作协议。", "长沙城投"),
        ("重庆交投联合成都港投共同组建物流公司。", "重庆交投"),
        ("成都港投与广西北部湾国际港务集团签订合资合作协议。", "成都港投"),
    ],
)
def test_local_investment_companies_are_named_after_their_place(text: str, company: str) -> None:
    assert company in names(run(text), "Company")


# --- issuers named in or right before a title -----------------------------------------


def test_a_reply_names_its_issuer_and_the_plan_it_approves() -> None:
    ex = run("《国务院关于成都天府新区总体方案的批复》已正式下达四川省人民政府。")
    assert "国务院" in names(ex, "Agency")
    assert {"国务院关于成都天府新区总体方案的批复", "成都天府新区总体方案"} <= names(ex, "Plan")
    got = triples(ex, "issuedBy")
    assert ("国务院关于成都天府新区总体方案的批复", "国务院") in got
    assert ("成都天府新区总体方案", "国务院") in got
    assert not any(o == "四川省人民政府" for _, o in got)


def test_a_body_cited_right_before_a_title_issued_it() -> None:
    text = "根据省政府办公厅《关于加快推进多式联运发展的实施意见》,我厅将加快项目审批。"
    ex = run(text, "湖北省交通运输厅")
    assert triples(ex, "issuedBy") == {
        ("关于加快推进多式联运发展的实施意见", "湖北省人民政府办公厅")
    }


def test_a_headline_event_without_its_session_number_is_the_numbered_event() -> None:
    text = (
        "泛珠三角区域合作行政首长联席会议在南宁开幕\n"
        "泛珠三角区域合作第十二届行政首长联席会议今天在南宁举行。"
        "会议决定,泛珠三角区域合作第十三届行政首长联席会议明年在昆明举行。"
    )
    events = {e.name: e for e in run(text).entities if e.type == "Event"}
    assert set(events) == {
        "泛珠三角区域合作第十二届行政首长联席会议",
        "泛珠三角区域合作第十三届行政首长联席会议",
    }
    assert (
        "泛珠三角区域合作行政首长联席会议"
        in events["泛珠三角区域合作第十二届行政首长联席会议"].aliases
    )


# --- building, settling, founding ------------------------------------------------------


@pytest.mark.parametrize(
    "text, pair",
    [
        (
            "中建三局参建了武汉天河国际机场三期工程和武汉国际博览中心。",
            ("中建三局", "武汉国际博览中心"),
        ),
        (
            "华为公司入驻东莞松山湖高新技术产业开发区。",
            ("华为公司", "东莞松山湖高新技术产业开发区"),
        ),
    ],
)
def test_building_or_settling_in_a_zone_is_taking_part(text: str, pair: tuple[str, str]) -> None:
    assert pair in triples(run(text), "participatesIn")


def test_a_centre_promoted_and_founded_later_in_the_sentence_is_founded_by_the_partners() -> None:
    text = (
        "宜宾市与上海闵行区共同探索产业合作新模式,"
        "推动宜宾·闵行新能源产业协同创新中心于2024年3月在宜宾成立。"
    )
    got = triples(run(text), "establishedBy")
    assert got == {
        ("宜宾·闵行新能源产业协同创新中心", "宜宾市"),
        ("宜宾·闵行新能源产业协同创新中心", "闵行区"),
    }


def test_a_group_name_without_its_legal_ending_is_the_company() -> None:
    """Regression: 中国二十冶集团 stayed apart from 中国二十冶集团有限公司 (same core)."""
    ex = run("广州建筑集团有限公司承建该项目。广州建筑集团参建了广州国际会展中心。")
    assert names(ex, "Company") == {"广州建筑集团有限公司"}


def test_a_name_never_opens_with_guanyu() -> None:
    """Regression: a heading 关于新郑市新港产业集聚区…的答复 gave the zone 关于新郑市…集聚区."""
    ex = run("关于成都市青白江区国际铁路港产业园区基础设施改造建议的答复")
    assert "成都市青白江区国际铁路港产业园区" in names(ex, "Zone")
    assert not any(e.name.startswith("关于") for e in ex.entities if e.type != "Plan")


# --- news outlets in bylines and credits; a dateline takes no part in the report ----

OUTLETS = [
    ("来源:荆楚网\n", "荆楚网"),
    # an outlet whose name ends in 在线 is an outlet too (the corpus annotates 浙江在线,
    # 四川在线 as organisations)
    ("浙江在线3月5日讯(记者 王某)3月4日,杭州市与湖州市签署合作协议。", "浙江在线"),
    ("东北网11月2日讯(记者 张某)哈尔滨市与大庆市签署合作框架协议。", "东北网"),
    ("新华社南宁3月5日电(记者 李某)广西与云南签署合作备忘录。", "新华社"),
    ("贵州台记者遵义报道。", "贵州台"),
    ("规划范围包括赣州市、吉安市。(大江网手机版)\n", "大江网"),
    ("版权所有 @ 青海新闻网 网站版权所有", "青海新闻网"),
]


@pytest.mark.parametrize("text, outlet", OUTLETS)
def test_news_outlets_are_named_in_bylines_and_credits(text: str, outlet: str | None) -> None:
    got = names(run(text), "Organization")
    assert got == ({outlet} if outlet else set())


@pytest.mark.parametrize(
    "text",
    [
        "平台(平台)\n",  # a word in brackets, not a credit
        "本报讯 近日,长沙市与株洲市签署合作协议。",  # the paper's own byline
        "本网站版权所有",
    ],
)
def test_no_outlet_without_an_outlet_name(text: str) -> None:
    assert names(run(text), "Organization") == set()


def test_the_outlet_and_reporters_of_a_dateline_do_not_attend_the_event() -> None:
    ex = run(
        "湖南日报5月8日讯(通讯员 赵某某 钱某)5月7日上午,岳阳市人民政府与中国建筑第五工程局有限公司"
        "战略合作协议签约仪式举行,岳阳市市长李某出席签约仪式。"
    )
    who = {s for s, _ in triples(ex, "participatesIn")}
    assert "湖南日报" in names(ex, "Organization")
    assert not who & {"湖南日报", "赵某某", "钱某"}


# --- parties that open an event's or agreement's name --------------------------------


def test_the_parties_opening_a_ceremony_name_attend_it_and_cooperate() -> None:
    ex = run(
        "11月3日上午,曲靖市人民政府与云南建投集团有限公司战略合作协议签约仪式举行,"
        "双方负责同志出席签约仪式。"
    )
    event = "曲靖市人民政府与云南建投集团有限公司战略合作协议签约仪式"
    assert "云南建投集团有限公司" in names(ex, "Company")
    assert {("曲靖市人民政府", event), ("云南建投集团有限公司", event)} <= triples(
        ex, "participatesIn"
    )
    pairs = {tuple(sorted(p)) for p in triples(ex, "cooperatesWith")}
    assert ("云南建投集团有限公司", "曲靖市人民政府") in pairs


def test_places_listed_before_their_bodies_in_a_meeting_name_are_not_its_parties() -> None:
    ex = run("近日,南宁、柳州、桂林三市政协“推进北部湾同城化”协商座谈会在南宁召开。")
    assert not {s for s, _ in triples(ex, "participatesIn")} & {"南宁市", "柳州市", "桂林市"}


# --- plans named without 《》 as what a project is put into ---------------------------

INCLUDED_PLANS = [
    ("该路段已列入2025年城建计划,将于年内开工。", "2025年城建计划"),
    ("自然资源局将该道路纳入株洲市国土空间总体规划。", "株洲市国土空间总体规划"),
    ("省政府已将该项目纳入“十四五”规划并开工建设。", "“十四五”规划"),
]


@pytest.mark.parametrize("text, plan", INCLUDED_PLANS)
def test_a_particular_plan_a_project_is_put_into_is_a_plan(text: str, plan: str) -> None:
    assert names(run(text), "Plan") == {plan}


@pytest.mark.parametrize(
    "text",
    [
        "我们将把该项目纳入年度计划。",
        "及时将项目纳入正在调整的国土空间规划。",
        "相关路段已纳入全市交通规划。",
    ],
)
def test_a_generic_plan_a_project_is_put_into_is_no_plan(text: str) -> None:
    assert names(run(text), "Plan") == set()


def test_a_plan_in_a_later_clause_of_its_own_is_not_issued_by_an_approver() -> None:
    ex = run("市政府批复后,交通运输局拟将其列入2023年度建设计划。")
    assert "2023年度建设计划" in names(ex, "Plan")
    assert triples(ex, "issuedBy") == set()


def test_a_list_of_titles_after_the_issuing_clause_is_issued_by_the_issuer() -> None:
    ex = run("省政府印发《湖南省综合立体交通规划》,《长株潭都市圈发展规划》,有关部门抓好落实。")
    assert triples(ex, "issuedBy") == {
        ("湖南省综合立体交通规划", "湖南省人民政府"),
        ("长株潭都市圈发展规划", "湖南省人民政府"),
    }


# --- membership stated by a place's role in a region, or by joining it --------------

MEMBER_ROLES = [
    ("支持赣州加快建设粤闽赣省际区域中心城市。", None),
    ("支持宜昌加快建设长江中游城市群副中心城市。", ("宜昌市", "长江中游城市群")),
    ("汕尾市正式加入深莞惠经济圈。", ("汕尾市", "深莞惠经济圈")),
    ("黄冈市申请加入武汉都市圈。", ("黄冈市", "武汉都市圈")),
    ("武汉市将加强与成渝城市群城市的合作。", None),
]


@pytest.mark.parametrize("text, pair", MEMBER_ROLES)
def test_a_city_of_a_region_or_one_joining_it_is_part_of_it(
    text: str, pair: tuple[str, str] | None
) -> None:
    got = triples(run(text), "partOf")
    assert (pair in got) if pair else got == set()


# --- a zone's name does not reach over the government or verb before it -------------

ZONE_EDGES = [
    ("省政府每年给予曲靖经济技术开发区2000万元资金。", {"曲靖经济技术开发区"}),
    ("市政府高度关注遵义综合保税区的建设。", {"遵义综合保税区"}),
    ("云南省人民政府十分重视园区的建设。", set()),
]


@pytest.mark.parametrize("text, zones", ZONE_EDGES)
def test_a_zone_name_starts_after_the_government_and_verbs_before_it(
    text: str, zones: set[str]
) -> None:
    assert names(run(text), "Zone") == zones


# --- where a thing lies: 位于, 地处, 处在 --------------------------------------------

LIES_IN = [
    ("芜湖和马鞍山都处在长江经济带。", {("芜湖市", "长江经济带"), ("马鞍山市", "长江经济带")}),
    (
        "岳阳城陵矶综合保税区地处湖南省岳阳市。",
        {("岳阳城陵矶综合保税区", "湖南省"), ("岳阳城陵矶综合保税区", "岳阳市")},
    ),
    ("株洲市正处于产业转型的关键时期。", set()),
]


@pytest.mark.parametrize("text, expected", LIES_IN)
def test_a_thing_or_place_lies_in_what_follows_the_word(
    text: str, expected: set[tuple[str, str]]
) -> None:
    got = {t for t in triples(run(text), "locatedIn") if t[1] != "湖南省" or t[0] != "岳阳市"}
    assert got == expected


# --- an agreement named right after the signing verb begins there -------------------

SIGNED_NAMES = [
    (
        "重庆市与贵州省签署深化渝黔合作共同推进西部陆海新通道建设框架协议。",
        {"深化渝黔合作共同推进西部陆海新通道建设框架协议"},
    ),
    ("双方签署了战略合作框架协议。", {"战略合作框架协议"}),
    ("根据两市签署的政府战略合作框架协议,双方将拓展合作领域。", {"政府战略合作框架协议"}),
]


@pytest.mark.parametrize("text, agreements", SIGNED_NAMES)
def test_an_agreement_named_after_the_signing_verb_starts_there(
    text: str, agreements: set[str]
) -> None:
    assert names(run(text), "Agreement") == agreements


# --- a name right before its title -------------------------------------------------

NAME_BEFORE_TITLE = [
    ("自然资源部王广华部长和易炼红省长到我市调研。", {"王广华", "易炼红"}),
    ("刘宁副省长出席签约仪式。", {"刘宁"}),
    ("省委常委、常务副省长出席会议。", set()),
    ("长沙市市长出席会议。", set()),
]


@pytest.mark.parametrize("text, people", NAME_BEFORE_TITLE)
def test_a_name_right_before_its_title_is_a_person(text: str, people: set[str]) -> None:
    assert names(run(text), "Person") == people


def test_the_citys_own_zones_named_by_level_only_are_its_zones() -> None:
    ex = run("市政协副主席带队,赴市经开区、市高新区开展专题调研。", "绵阳市人民政府")
    assert {"绵阳市经济技术开发区", "绵阳市高新技术产业开发区"} <= names(ex, "Zone")


def test_a_zone_named_in_its_management_committee_is_a_zone_too() -> None:
    ex = run("钦州港经济技术开发区管委会与多家企业签订投资协议。")
    assert "钦州港经济技术开发区" in names(ex, "Zone")
    assert "钦州港经济技术开发区管理委员会" in names(ex, "Agency")
    assert ("钦州港经济技术开发区", "钦州市") in triples(ex, "locatedIn")


@pytest.mark.parametrize(
    "text, zones",
    [
        ("中国(湖北)自由贸易试验区宜昌片区挂牌运行。", {"中国(湖北)自由贸易试验区宜昌片区"}),
        ("加快老城片区改造。", set()),
        ("推进东部片区开发建设。", set()),
    ],
)
def test_a_named_part_of_a_zone_is_a_zone_and_a_generic_area_is_not(
    text: str, zones: set[str]
) -> None:
    assert names(run(text), "Zone") == zones

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

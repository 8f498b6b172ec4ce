"""Resolution: one entity per real thing, stable ids, canonical names and aliases."""

from __future__ import annotations

import pytest

from kg.resolve import normalise_name
from tests.extraction_helpers import run

ZZ = "郑州市发展和改革委员会"


def _by_name(text: str, publisher: str = "") -> dict[str, object]:
    return {e.name: e for e in run(text, publisher).entities}


def test_full_short_and_one_character_forms_are_one_place() -> None:
    ents = _by_name("郑州市大力推进金融业发展,郑州始终秉持开放理念,深化郑开同城化。", ZZ)
    zz = ents["郑州市"]
    assert zz.id == "Place/410100"  # type: ignore[attr-defined]
    assert zz.aliases == ("郑州市", "郑州", "郑")  # type: ignore[attr-defined]
    assert ents["开封市"].aliases == ("开",)  # type: ignore[attr-defined]


def test_the_same_thing_has_the_same_id_in_two_documents() -> None:
    a = {
        e.name: e.id for e in run("2024年1月,省委、省政府印发《郑州都市圈发展规划》。", ZZ).entities
    }
    b = {
        e.name: e.id
        for e in run("郑州市围绕落实《郑州都市圈发展规划》,推动产业协同。", ZZ).entities
    }
    assert a["郑州都市圈发展规划"] == b["郑州都市圈发展规划"] == "Plan/郑州都市圈发展规划"


def test_level_only_bodies_resolve_to_the_documents_jurisdiction() -> None:
    ents = _by_name(
        "近年来,我市克服经济困难。根据市委市政府工作安排,上报市政府审核批复。",
        "新密市住房和城乡建设局",
    )
    assert ents["中共新密市委"].aliases == ("市委",)  # type: ignore[attr-defined]
    assert ents["新密市人民政府"].aliases == ("市政府",)  # type: ignore[attr-defined]


def test_wo_shi_is_never_an_alias() -> None:
    ex = run("全省促进冷链物流产业发展现场会在我市召开。许昌市交通运输局积极对接。")
    assert all("我市" not in e.aliases for e in ex.entities)


@pytest.mark.parametrize(
    "text, full, short",
    [
        (
            "我区与中国二十冶集团有限公司签署协议。二十冶集团将在伊滨区设立分支。",
            "中国二十冶集团有限公司",
            "二十冶集团",
        ),
        (
            "联系单位:新郑市住房和城乡建设局。住建局拟列入建设计划。",
            "新郑市住房和城乡建设局",
            "住建局",
        ),
    ],
)
def test_short_names_of_companies_and_bodies_join_the_full_name(
    text: str, full: str, short: str
) -> None:
    ents = _by_name(text)
    assert short in ents[full].aliases  # type: ignore[attr-defined]
    assert short not in ents


def test_normalised_names_drop_quotes_and_spaces() -> None:
    assert (
        normalise_name("“关于在郑州都市圈建设中推进中原 城市群一体化的提案”")
        == "关于在郑州都市圈建设中推进中原城市群一体化的提案"
    )

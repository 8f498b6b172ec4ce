"""The learned parts: reproducible training, honest cross-validation, checked rule tables,
gold alignment, document frames and calibrated confidences."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.errors import DataError
from kg.models import FILES, SHIPPED, load
from kg.relations.frames import home_places, references
from kg.resolve import resolve
from kg.text.normalize import normalize
from kg.train.align import align
from kg.types import Document, Entity, EntityType, Span
from tests.conftest import ROOT, run_kg

DATA = ROOT / "data"


def test_shipped_models_are_what_kg_train_makes_from_the_gold() -> None:
    res = run_kg("train", "--check", "--quiet", timeout=900)
    assert res.returncode == 0, res.stderr
    assert "equal to a fresh training on 125 documents" in res.stdout


def _small_corpus(tmp_path: Path, n: int = 8) -> tuple[Path, Path]:
    """``n`` sample documents of two made-up regions, their gold and a FOLDS.tsv."""
    stems = sorted(p.stem for p in (DATA / "docs").glob("2*.txt"))[:n]
    docs, gold = tmp_path / "docs", tmp_path / "gold"
    docs.mkdir()
    gold.mkdir()
    lines = ["file\tfold\tregion"]
    for i, stem in enumerate(stems):
        shutil.copy(DATA / "docs" / f"{stem}.txt", docs)
        shutil.copy(DATA / "gold" / f"{stem}.json", gold)
        lines.append(f"{stem}.txt\t{1 + i % 2}\tr{1 + i % 2}")
    (tmp_path / "FOLDS.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return docs, gold


def test_kg_train_check_fails_on_a_changed_model(tmp_path: Path) -> None:
    # models trained on a small corpus pass the check on it, until one file changes
    docs, gold = _small_corpus(tmp_path)
    out = tmp_path / "models"
    corpus = ("--docs", str(docs), "--gold", str(gold), "--out", str(out))
    assert run_kg("train", "--quiet", *corpus, timeout=900).returncode == 0
    assert run_kg("train", "--check", "--quiet", *corpus, timeout=900).returncode == 0
    meta = json.loads((out / "tagger.json").read_text(encoding="utf-8"))
    meta["documents"] = 1
    (out / "tagger.json").write_text(json.dumps(meta), encoding="utf-8")
    res = run_kg("train", "--check", "--quiet", *corpus, timeout=900)
    assert res.returncode == 1
    assert "differs from a fresh training: tagger.json" in res.stderr


def test_shipped_models_are_small_and_complete() -> None:
    assert all((SHIPPED / n).is_file() for n in FILES)
    assert sum((SHIPPED / n).stat().st_size for n in FILES) < 20_000_000
    m = load(SHIPPED)
    assert m.tagger is not None and m.relations is not None and m.frames


def test_cross_validation_trains_without_the_held_out_fold(tmp_path: Path) -> None:
    # a small corpus of two regions: each fold is scored by a model of the other
    docs, gold = _small_corpus(tmp_path)
    res = run_kg("eval", "--cv", "--gold", str(gold), str(docs), timeout=900)
    assert res.returncode == 0, res.stderr
    out = res.stdout.splitlines()
    assert any(ln.startswith("full fold 1 (4 documents)") for ln in out)
    assert any(ln.startswith("full fold 2 (4 documents)") for ln in out)
    assert "rule-driven figures stay" in res.stdout
    assert out[-1].startswith("entity F1 ") and ", relation F1 " in out[-1]


def test_cv_without_a_folds_file_is_a_one_line_error(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(DATA / "gold" / "002.json", gold)
    res = run_kg("eval", "--cv", "--gold", str(gold), str(DATA / "docs" / "002.txt"))
    assert res.returncode == 1
    assert (
        res.stderr.strip()
        == f"Error: {tmp_path / 'FOLDS.tsv'}: no folds file for --cv (give one with --folds)"
    )


# --- rule tables are checked data --------------------------------------------------------


@pytest.mark.parametrize(
    "table, line, bad, message",
    [
        (
            "suffixes.tsv",
            "城市群\tRegoin\tcurated",
            2,
            "type 'Regoin' is not one of Agency, Agreement",
        ),
        (
            "triggers.tsv",
            "签署\tsinged\tcurated",
            2,
            "relation 'singed' is not one of cooperatesWith",
        ),
        (
            "deixis.tsv",
            "我市\tmine\tcity\t\tcurated",
            2,
            "refers 'mine' is not one of author, home",
        ),
    ],
)
def test_a_typo_in_a_rule_table_names_the_file_line_and_valid_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, line: str, bad: int, message: str
) -> None:
    shutil.copytree(DATA / "gazetteer", tmp_path / "gazetteer")
    path = tmp_path / "gazetteer" / table
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(header + "\n" + line + "\n", encoding="utf-8")
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path))
    from kg.extract import tables

    tables.tsv.cache_clear()
    try:
        with pytest.raises(DataError) as err:
            tables.tsv(table)
    finally:
        tables.tsv.cache_clear()
    assert str(err.value).startswith(f"{path}:{bad}: ")
    assert message in str(err.value)


def test_every_rule_table_loads_with_its_checks() -> None:
    from kg.extract import tables

    for path in sorted((DATA / "gazetteer").glob("*.tsv")):
        rows = tables.tsv(path.name)
        assert rows and all(r["source"].strip() for r in rows), path.name


# --- gold alignment ----------------------------------------------------------------------


def test_alignment_finds_names_nested_names_and_traditional_forms() -> None:
    text = "江蘇省政協與江蘇省發改委座談。"
    gold = [
        {"name": "江苏省", "type": "Place", "aliases": ["江蘇省"]},
        {"name": "江苏省政协", "type": "Agency", "aliases": ["江蘇省政協"]},
        {"name": "江苏省发展和改革委员会", "type": "Agency", "aliases": ["江蘇省發改委"]},
    ]
    got = [(m.start, m.end, m.type.value, m.top) for m in align(text, normalize(text), gold)]
    assert got == [
        (0, 5, "Agency", True),
        (0, 3, "Place", False),
        (6, 12, "Agency", True),
        (6, 9, "Place", False),
    ]


def test_one_character_aliases_align_only_where_the_rules_found_a_place() -> None:
    text = "郑开同城化。郑重承诺。"
    gold = [{"name": "郑州市", "type": "Place", "aliases": ["郑"]}]
    got = [(m.start, m.end) for m in align(text, text, gold, single_places={0})]
    assert got == [(0, 1)]


# --- frames ------------------------------------------------------------------------------


def _doc(text: str, publisher: str = "") -> Document:
    return Document("t.txt", text, normalize(text), {"publisher": publisher} if publisher else {})


def test_wo_shi_refers_to_the_home_place_and_wo_ju_to_the_author() -> None:
    doc = _doc("我局高度重视。我市将与上饶市合作。", "景德镇市发展和改革委员会")
    ents = [
        Entity("Agency/景德镇市发展和改革委员会", "景德镇市发展和改革委员会", EntityType.AGENCY),
        Entity(
            "Place/361000",
            "上饶市",
            EntityType.PLACE,
            ("上饶市",),
            "361100",
            None,
            None,
            (Span(11, 14),),
        ),
    ]
    ents += home_places(doc, ents)
    refs = [(r.start, r.end, r.entity.name, r.via) for r in references(doc, ents)]
    assert refs == [(0, 2, "景德镇市发展和改革委员会", "author"), (7, 9, "景德镇市", "home")]


def test_a_repeated_sentence_is_tagged_once_and_its_names_kept_at_every_repetition() -> None:
    from kg.pipeline import extract

    line = "株洲市与湘潭市签署《两市产业协作框架协议》。\n"
    ex = extract(_doc(line * 3))
    (agreement,) = [e for e in ex.entities if e.type == "Agreement"]
    assert len(agreement.mentions) == 3


def test_resolution_keeps_ids_stable_with_confidence() -> None:
    from kg.types import Mention

    text = "成都市人民政府"
    ms = [Mention(Span(0, 7), text, EntityType.AGENCY, "tagger", text, None, 0.75)]
    (e,) = resolve(_doc(text), ms)
    assert e.id == "Agency/成都市人民政府" and e.confidence == 0.75

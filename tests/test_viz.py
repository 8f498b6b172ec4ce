"""``kg viz``: the HTML graph of a build folder, whole or around one entity."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from html_fixtures import HN, KF, QD, ZZ, sample_graph

from kg.cli import main
from kg.export.graphjson import write_graph_json
from kg.types import EntityType


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_graph_json(sample_graph(), out / "graph.json")
    return out


def page_ids(path: Path) -> set[str]:
    m = re.search(r'id="kg-data">(.*?)</script>', path.read_text(encoding="utf-8"), re.S)
    assert m
    return {n["id"] for n in json.loads(m.group(1))["nodes"]}


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["viz", *args])
    return r.exit_code, r.stdout, r.stderr


def test_whole_graph_goes_to_graph_html(out_dir: Path) -> None:
    code, out, _ = run(str(out_dir))
    assert code == 0
    assert page_ids(out_dir / "graph.html") == set(sample_graph().nodes)
    assert out == f"wrote {out_dir / 'graph.html'}: 12 entities, 10 relations\n"


def test_focus_depth_types_and_out(out_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "zz.html"
    code, out, _ = run(
        str(out_dir), "--focus", "郑州", "--depth", "2", "--types", "Place", "--out", str(target)
    )
    assert code == 0, out
    assert page_ids(target) == {ZZ, KF, QD, HN}
    assert not (out_dir / "view.html").exists()


def test_restricted_view_defaults_to_view_html(out_dir: Path) -> None:
    code, _, _ = run(str(out_dir), "--focus", "青岛市", "--depth", "1")
    assert code == 0
    assert page_ids(out_dir / "view.html") == {QD, ZZ}


def test_unknown_focus_is_an_error_line(out_dir: Path) -> None:
    code, _, err = run(str(out_dir), "--focus", "北京市")
    assert code == 1
    assert err == "Error: unknown entity '北京市': no entity has this id, name or alias\n"


def test_unknown_type_lists_the_valid_types(out_dir: Path) -> None:
    code, _, err = run(str(out_dir), "--types", "Place,Agreemnt")
    assert code == 1
    valid = ", ".join(sorted(t.value for t in EntityType))
    assert err == f"Error: unknown entity type 'Agreemnt'; valid: {valid}\n"


def test_folder_without_a_build(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path))
    assert code == 1
    assert err == f"Error: {tmp_path / 'graph.json'}: not found (run `kg build` to write it)\n"


def test_negative_depth_is_a_usage_error(out_dir: Path) -> None:
    code, _, err = run(str(out_dir), "--focus", "郑州市", "--depth", "-1")
    assert code == 2
    assert "--depth" in err

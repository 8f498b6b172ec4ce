"""The command line: help for every command, exact error lines, exit codes."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kg.cli import COMMAND_MODULES, main
from tests.conftest import run_kg


def test_top_level_help_lists_every_command() -> None:
    res = CliRunner().invoke(main, ["--help"])
    assert res.exit_code == 0
    for name in COMMAND_MODULES:
        assert name in res.output


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_every_command_has_help(name: str) -> None:
    res = CliRunner().invoke(main, [name, "--help"])
    assert res.exit_code == 0, res.output
    assert "Usage: " in res.output
    with click.Context(main) as ctx:
        cmd = main.get_command(ctx, name)
    assert cmd is not None and cmd.name == name, f"kg.cli.{name} defines another command"
    assert cmd.help and len(cmd.help.strip()) > 20, f"{name} has no real help text"


def test_missing_path_is_a_usage_error(tmp_path) -> None:
    res = run_kg("build", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert res.returncode == 2
    assert "does not exist" in res.stderr
    assert "Traceback" not in res.stderr


def test_extract_without_paths_is_a_usage_error() -> None:
    res = run_kg("extract")
    assert res.returncode == 2
    assert "Missing argument 'PATHS...'" in res.stderr


def test_eval_with_empty_gold_folder_is_an_error_line(tmp_path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    doc = tmp_path / "a.txt"
    doc.write_text("郑州市与开封市合作。", encoding="utf-8")
    res = run_kg("eval", "--gold", str(gold), str(doc))
    assert res.returncode == 1
    assert res.stderr.strip() == f"Error: {gold}: no gold files (*.json) found"

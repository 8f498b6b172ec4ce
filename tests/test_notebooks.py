"""The notebooks: committed clean, and executed from a clean kernel with their figures drawn."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from tests.conftest import ROOT

NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_the_three_notebooks_are_there() -> None:
    assert IDS == ["01_explore.ipynb", "02_evaluate.ipynb", "03_time.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_has_no_outputs(path: Path) -> None:
    nb = read(path)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source[:60]
            assert cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_follows_a_markdown_cell_saying_what_it_answers(path: Path) -> None:
    cells = read(path).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    for before, cell in zip(cells, cells[1:], strict=False):
        if cell.cell_type == "code":
            assert before.cell_type == "markdown", cell.source[:60]
            assert before.source.strip(), cell.source[:60]


@pytest.fixture(scope="module")
def jupyter_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A kernelspec "python3" that runs this interpreter (the venv's), and a clean profile."""
    base = tmp_path_factory.mktemp("jupyter")
    spec = base / "data" / "kernels" / "python3"
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "policy-kg test kernel",
        "language": "python",
        "env": {"MPLBACKEND": "Agg"},
    }
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    (base / "ipython").mkdir()
    (base / "runtime").mkdir()
    return {
        "JUPYTER_PATH": str(base / "data"),
        "IPYTHONDIR": str(base / "ipython"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "MPLBACKEND": "Agg",
    }


def _draws(source: str) -> bool:
    return "plt.subplots(" in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_from_a_clean_kernel_and_shows_its_figures(
    path: Path, jupyter_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in jupyter_env.items():
        monkeypatch.setenv(k, v)
    # "python3" resolves to this interpreter, so the notebook uses this checkout's packages
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable
    nb = read(path)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=900,
        resources={"metadata": {"path": str(path.parent)}},
    )
    status_before = _git_status()
    client.execute()  # raises CellExecutionError on the first failing cell
    assert _git_status() == status_before, "running the notebook changed files of the repository"
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert all(c.execution_count is not None for c in code)
    drawing = [c for c in code if _draws(c.source)]
    assert drawing, "the notebook draws no figure"
    for c in drawing:
        pngs = [o for o in c.outputs if "image/png" in o.get("data", {})]
        assert pngs, f"no figure shown by: {c.source[:60]}"
    # no section answers with an empty table
    for c in code:
        for o in c.outputs:
            text = o.get("data", {}).get("text/plain", "")
            assert not text.startswith("Empty DataFrame"), f"empty table from: {c.source[:60]}"


def _git_status() -> str:
    """``git status`` of the repository (untracked files included), or "" outside git."""
    res = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return res.stdout if res.returncode == 0 else ""


def test_headless_run_writes_copies_and_leaves_the_notebooks_alone(tmp_path: Path) -> None:
    from scripts.run_notebooks import main

    committed = {p: p.read_bytes() for p in NOTEBOOKS}
    with pytest.raises(SystemExit):  # refuses to write over the notebooks
        main(["--out", str(NOTEBOOK_DIR), str(NOTEBOOKS[0])])
    assert {p: p.read_bytes() for p in NOTEBOOKS} == committed

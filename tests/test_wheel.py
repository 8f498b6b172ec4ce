"""The package as users install it: a wheel built from the checkout, installed into a fresh
virtual environment outside it, builds a graph from two sample documents with the tables,
models, ontology, shapes, saved queries and page assets it carries; and every package the
code imports is a declared dependency."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from conftest import DOCS, ROOT, run_kg

from kg.cli import COMMAND_MODULES


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    res = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env
    )
    assert res.returncode == 0, f"{args}: {res.stderr[-2000:]}"
    return res.stdout


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = set()
    for req in project["dependencies"]:
        name = req.split("==")[0].split(">=")[0].split("[")[0].strip()
        names.add(name.lower().replace("_", "-"))
    return names


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "kg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - {"kg"} - set(sys.stdlib_module_names) - {"__future__"}


def test_every_imported_package_is_a_declared_dependency() -> None:
    dists = packages_distributions()
    declared = _declared()
    missing = {}
    for module in sorted(_imported_modules()):
        owners = {d.lower().replace("_", "-") for d in dists.get(module, [])}
        if not owners & declared:
            missing[module] = sorted(owners) or ["not installed"]
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_wheel_installed_outside_the_checkout_builds_a_graph(tmp_path: Path) -> None:
    # built from a copy of the sources, so no build folder of the checkout is reused
    source = tmp_path / "source"
    skip = (".*", "build", "dist", "out", "*.egg-info", "__pycache__", "notebooks", "bench")
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*skip))
    wheels = tmp_path / "wheels"
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source, cwd=tmp_path
    )
    (wheel,) = wheels.glob("policy_kg-*.whl")

    # a fresh environment; the dependencies (declared, checked above) are taken from the
    # checkout's environment through a path file, so the test needs no download
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    py = venv / "bin" / "python"
    site = Path(
        _run(
            py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
        ).strip()
    )
    (site / "checkout-deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        py,
        "install",
        "--no-deps",
        "-q",
        wheel,
        cwd=tmp_path,
    )

    work = tmp_path / "work"
    docs = work / "docs"
    docs.mkdir(parents=True)
    for doc in sorted(DOCS.glob("*.txt"))[:2]:
        shutil.copy(doc, docs / doc.name)
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    where = _run(py, "-c", "import kg; print(kg.__file__)", cwd=work, env=env)
    assert Path(where.strip()).is_relative_to(venv), where

    kg = venv / "bin" / "kg"
    _run(kg, "build", "docs", "--out", "out", "-q", cwd=work, env=env)
    info = json.loads((work / "out" / "build.json").read_text(encoding="utf-8"))
    assert info["documents_read"] == 2 and info["entities"]["total"] > 0, info
    # the same graph as the checkout builds: the packaged tables, models and ontology
    # are the checkout's
    here = run_kg("build", str(docs), "--out", str(tmp_path / "here"), "-q")
    assert here.returncode == 0, here.stderr
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "nodes.csv"):
        assert (work / "out" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name
    assert "conforms" in _run(kg, "validate", "out", "-q", cwd=work, env=env)
    rows = _run(kg, "query", "out", "--saved", "agreements-signed", cwd=work, env=env)
    assert rows.strip()
    for command in COMMAND_MODULES:
        _run(kg, command, "--help", cwd=work, env=env)

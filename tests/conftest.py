"""Shared fixtures: the sample corpus in data/ and a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DOCS = DATA / "docs"
GOLD = DATA / "gold"


def run_kg(
    *args: str, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run the real ``kg`` command line in a subprocess (as a user would)."""
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def sample_docs() -> list[Path]:
    return sorted(DOCS.glob("*.txt"))


@pytest.fixture(scope="session")
def sample_rdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus built once and written as RDF (graph.ttl/.trig/.jsonld/.nq)."""
    from kg.builder import build
    from kg.export.rdf import write_rdf

    out = tmp_path_factory.mktemp("sample-rdf")
    write_rdf(build([str(DOCS)]).graph, out)
    return out


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus built by ``kg build`` (every output, the SPARQL store with them)."""
    out = tmp_path_factory.mktemp("sample-build") / "out"
    res = run_kg("build", str(DOCS), "--out", str(out), "--no-cache")
    assert res.returncode == 0, res.stderr
    return out

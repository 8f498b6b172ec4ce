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

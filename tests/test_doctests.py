"""Every docstring example in the package runs (one test per module)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kg

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(kg.__path__, prefix="kg.")
    if m.name not in ("kg.cli.__main__",)
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_the_package_has_docstring_examples() -> None:
    attempted = sum(
        doctest.testmod(importlib.import_module(n)).attempted for n in MODULES if n != "kg"
    )
    assert attempted >= 20

"""The package's layers point down only: a module imports modules of its own layer or of
layers below it, never above (read from the import statements, lazy ones included).

    foundation -> text -> io -> extract -> resolve -> relations -> models -> pipeline
    -> graph -> export -> (query, validate, evaluate) -> train -> build -> serve/push -> cli
    -> the package's own ``__init__`` (the Python API it offers)

Text normalisation sits below the readers because reading a file ends in normalising its
text (``kg.io.readers`` calls ``kg.text.normalize``); nothing in ``kg.text`` reads files.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

#: Layers from the bottom up: each names the modules and packages it holds.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "kg.errors",
            "kg.types",
            "kg.resources",
            "kg.derived_cache",
            "kg.gcpause",
            "kg.lifeline",
            "kg.vocab",
            # writing a file whole (temporary file, flush, rename): every layer that
            # keeps a file uses it, the exporters most
            "kg.export.atomic",
        ),
    ),
    ("text", ("kg.text",)),
    ("io", ("kg.io",)),
    ("extract", ("kg.extract",)),
    ("resolve", ("kg.resolve",)),
    ("relations", ("kg.relations",)),
    ("models", ("kg.models",)),
    ("pipeline", ("kg.pipeline",)),
    ("graph", ("kg.graph", "kg.result", "kg.corrections")),
    ("export", ("kg.export",)),
    ("use", ("kg.query", "kg.validate", "kg.evaluate")),
    ("train", ("kg.train",)),
    ("build", ("kg.cache", "kg.executors", "kg.builder", "kg.warmup", "kg.run", "kg.api")),
    ("serve", ("kg.serve", "kg.push")),
    ("cli", ("kg.cli",)),
    # the package itself: ``import kg`` offers the Python API
    ("package", ("kg",)),
)


def layer_of(module: str) -> int:
    """The index of the layer that holds ``module`` (the longest matching name)."""
    best, depth = -1, -1
    for i, (_name, members) in enumerate(LAYERS):
        for m in members:
            if (module == m or module.startswith(m + ".")) and m.count(".") > depth:
                best, depth = i, m.count(".")
    return best


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            if base != "kg":  # from kg import errors: the module named counts
                out.append((node.lineno, base))
            out += [
                (node.lineno, f"{base}.{a.name}")
                for a in node.names
                if base and not a.name.startswith("__")  # __version__: data, no layer
            ]
    return [(line, m) for line, m in out if m == "kg" or m.startswith("kg.")]


def test_every_module_has_a_layer() -> None:
    missing = [
        _module_name(p) for p in (ROOT / "kg").rglob("*.py") if layer_of(_module_name(p)) < 0
    ]
    assert not missing


def test_no_module_imports_a_layer_above_it() -> None:
    upward = []
    for path in sorted((ROOT / "kg").rglob("*.py")):
        module = _module_name(path)
        mine = layer_of(module)
        for line, imported in _imports(path, module):
            theirs = layer_of(imported)
            if theirs > mine:
                upward.append(
                    f"{path.relative_to(ROOT)}:{line}: {module} ({LAYERS[mine][0]}) imports "
                    f"{imported} ({LAYERS[theirs][0]})"
                )
    assert not upward, "\n".join(upward)


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = ROOT / "kg" / "extract" / "tables.py"
    fake = tmp_path / "probe.py"
    fake.write_text("from kg.builder import build\n", encoding="utf-8")
    found = _imports(fake, "kg.extract.probe")
    assert any(layer_of(m) > layer_of("kg.extract.tables") for _l, m in found)
    assert layer_of(_module_name(module)) == 3

"""pyvis' node and edge records and its folder, without importing the pyvis package.

``from pyvis.node import Node`` runs ``pyvis/__init__.py`` first, which imports
pyvis' whole ``Network`` class and with it IPython, Jinja2, jsonpickle and
networkx (a few tenths of a second). The page needs only the two record classes,
``pyvis/node.py`` and ``pyvis/edge.py`` (plain classes that import nothing), and
the vis-network files shipped in the package folder. So the folder is found
without running the package, and the two files are loaded from it as modules of
their own (not entered in ``sys.modules``). When pyvis has already been
imported, its own modules are used.

>>> Node("Place/410100", "dot", label="郑州市").options["id"]
'Place/410100'
>>> Edge("a", "b", directed=True).options
{'from': 'a', 'to': 'b', 'arrows': 'to'}
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

__all__ = ["Edge", "Node", "package_dir"]


@cache
def package_dir() -> Path:
    """The folder of the installed pyvis package (found, not imported)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("No module named 'pyvis'", name="pyvis")
    return Path(next(iter(spec.submodule_search_locations)))


def _module(name: str) -> ModuleType:
    """The module ``pyvis.<name>``: pyvis' own when imported, else loaded from its file."""
    full = f"pyvis.{name}"
    if full in sys.modules:
        return sys.modules[full]
    spec = importlib.util.spec_from_file_location(full, package_dir() / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {full!r}", name=full)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: ``pyvis.node.Node``: ``Node(n_id, shape, label, font_color=False, **options)``.
Node = _module("node").Node
#: ``pyvis.edge.Edge``: ``Edge(source, dest, directed=False, **options)``.
Edge = _module("edge").Edge

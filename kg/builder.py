"""Build a knowledge graph from files: read each, extract, merge.

This is the orchestration layer between the edges (reading files) and the
core (``kg.pipeline``, ``kg.graph``); it prints nothing and reports progress
through a callback, so the CLI, the Python API and the notebooks share it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from kg.errors import InputError
from kg.graph import KnowledgeGraph, build_graph
from kg.types import Extraction


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that could not be read, with a one-line reason."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(slots=True)
class BuildResult:
    """What a build made: the graph, the per-document extractions, the skipped files."""

    graph: KnowledgeGraph
    extractions: list[Extraction] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def read(self) -> int:
        return len(self.extractions)


def process_path(path: str, name: str) -> Extraction | Skipped:
    """Read and extract one file; a bad file becomes a :class:`Skipped`, never an exception."""
    from kg.io import read_document
    from kg.pipeline import extract

    try:
        doc = read_document(path, name=name)
    except InputError as exc:
        return Skipped(path, exc.reason)
    return extract(doc)


def extract_paths(
    items: Sequence[tuple[str, str]],
    *,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Extraction], list[Skipped]]:
    """Process ``(path, display_name)`` pairs in order; returns extractions and skips."""
    extractions: list[Extraction] = []
    skipped: list[Skipped] = []
    for path, name in items:
        out = process_path(path, name)
        if isinstance(out, Skipped):
            skipped.append(out)
        else:
            extractions.append(out)
        if progress is not None:
            progress(1)
    return extractions, skipped


def build(
    paths: Iterable[str],
    *,
    items: Sequence[tuple[str, str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BuildResult:
    """Read every document under ``paths`` (files or folders) and build one graph.

    ``items`` are the ``(path, display_name)`` pairs when the caller has already
    listed the files (see :func:`kg.io.discover`).
    """
    from kg.io import discover

    if items is None:
        items = discover(list(paths))
    extractions, skipped = extract_paths(items, progress=progress)
    return BuildResult(graph=build_graph(extractions), extractions=extractions, skipped=skipped)

"""What a build made (:class:`BuildResult`), for the exporters and the callers of a build.

Plain records, below the exporters and above the graph: the build
(:mod:`kg.builder`) fills them, the outputs (:mod:`kg.export`) read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.graph import KnowledgeGraph
from kg.types import Extraction

__all__ = ["BuildResult", "CacheStats", "Skipped"]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that could not be read, with a one-line reason and its display name."""

    path: str
    reason: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(slots=True)
class CacheStats:
    """How a build used the cache: entries found, missing, unreadable and written."""

    hits: int = 0
    misses: int = 0
    corrupt: int = 0
    written: int = 0

    def __str__(self) -> str:
        return (
            f"cache: {self.hits} hits, {self.misses} misses"
            + (f", {self.corrupt} corrupt" if self.corrupt else "")
            + f", {self.written} written"
        )


@dataclass(slots=True)
class BuildResult:
    """What a build made: the graph, the per-document extractions, the skipped files.

    ``cache`` counts cache hits and misses when the build used a cache;
    ``warnings`` are ``(display name, message)`` pairs for documents read with
    some doubt (invalid bytes replaced); ``notes`` say which folders of the
    input were left out as output folders; ``min_confidence`` is the confidence
    below which the graph leaves relations out (see
    :func:`kg.graph.filter_confidence`; the extractions are as extracted).
    """

    graph: KnowledgeGraph
    extractions: Sequence[Extraction] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    cache: CacheStats | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    min_confidence: float = 0.0
    #: the years the graph is cut to (``kg build --since/--until``), ``None``: open
    since: int | None = None
    until: int | None = None

    @property
    def read(self) -> int:
        return len(self.extractions)

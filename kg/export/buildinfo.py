"""``build.json``: what a build read and skipped, beside ``graph.json``.

``graph.json`` holds the graph; the files that could not be read are not in it.
``kg report`` needs both to regenerate ``report.md`` without rebuilding, so every
build saves this small file (deterministic: sorted, no timestamps)::

    {"format": "policy-kg build", "version": 1, "documents_read": 33,
     "skipped": [{"path": "empty.txt", "reason": "empty file"}],
     "entities": {"total": 7, "by_type": {"Place": 5, …}},
     "relations": {"total": 9, "by_type": {"cooperatesWith": 3, …}}}

The counts are those ``kg build`` prints (a relation counted once per document
that states it) and those the HTML page shows; files written before they were
added have none (``None`` here).

Documents read with a warning (a few invalid bytes replaced) are listed under
``"warnings"`` (``[{"path": …, "warning": …}]``), a key present only when there
are some. A build with ``--min-confidence X`` (X above 0) records it as
``"min_confidence": X``, one with ``--since``/``--until`` the years as ``"since"``
and ``"until"``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import OutputError
from kg.export.atomic import write_text
from kg.result import BuildResult, Skipped

FORMAT = "policy-kg build"
VERSION = 1


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """Documents read, the skipped files as ``(name, reason)`` pairs, sorted, and the
    documents read with a warning as ``(name, warning)`` pairs, sorted."""

    read: int
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    warnings: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    #: entities by type and relations by predicate (sorted), when known
    entities: tuple[tuple[str, int], ...] | None = field(default=None, compare=False)
    relations: tuple[tuple[str, int], ...] | None = field(default=None, compare=False)
    #: the confidence below which relations were left out (``kg build --min-confidence``)
    min_confidence: float = field(default=0.0, compare=False)
    #: the years the graph was cut to (``kg build --since/--until``)
    since: int | None = field(default=None, compare=False)
    until: int | None = field(default=None, compare=False)


def skipped_name(skip: Skipped) -> str:
    """The name to report for a skipped file: its display name (never absolute) when known."""
    return skip.name or skip.path


def from_result(result: BuildResult) -> BuildInfo:
    """The :class:`BuildInfo` of a :class:`kg.builder.BuildResult`."""
    pairs = sorted((skipped_name(s), str(s.reason)) for s in result.skipped)
    ents, rels = result.graph.counts()
    return BuildInfo(
        read=result.read,
        skipped=tuple(pairs),
        warnings=tuple(sorted(result.warnings)),
        entities=tuple(ents.items()),
        relations=tuple(rels.items()),
        min_confidence=result.min_confidence,
        since=result.since,
        until=result.until,
    )


def dumps(info: BuildInfo) -> str:
    """``info`` as deterministic JSON text."""
    data: dict[str, object] = {
        "format": FORMAT,
        "version": VERSION,
        "documents_read": info.read,
        "skipped": [{"path": p, "reason": r} for p, r in info.skipped],
    }
    for name, counts in (("entities", info.entities), ("relations", info.relations)):
        if counts is not None:
            data[name] = {"total": sum(n for _, n in counts), "by_type": dict(counts)}
    if info.warnings:
        data["warnings"] = [{"path": p, "warning": w} for p, w in info.warnings]
    if info.min_confidence > 0.0:
        data["min_confidence"] = info.min_confidence
    for key in ("since", "until"):
        if getattr(info, key) is not None:
            data[key] = getattr(info, key)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write_build_info(info: BuildInfo, path: str | Path) -> Path:
    """Write ``build.json`` atomically; return its path."""
    path = Path(path)
    write_text(path, dumps(info))
    return path


def read_build_info(path: str | Path) -> BuildInfo:
    """Read a ``build.json``; a missing or malformed file raises :class:`OutputError`.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "build.json"
    >>> _ = write_build_info(BuildInfo(2, (("x.bin", "binary file"),)), p)
    >>> read_build_info(p)  # doctest: +NORMALIZE_WHITESPACE
    BuildInfo(read=2, skipped=(('x.bin', 'binary file'),), warnings=(), entities=None,
              relations=None, min_confidence=0.0, since=None, until=None)
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OutputError(f"{path}: not found (run `kg build` to write it)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutputError(f"{path}: cannot be read: {exc}") from exc
    try:
        if data["format"] != FORMAT or data["version"] != VERSION:
            raise ValueError(f"format {data['format']!r} version {data['version']!r}")
        skipped = tuple(sorted((str(s["path"]), str(s["reason"])) for s in data["skipped"]))
        counts = {
            name: tuple(sorted((str(k), int(v)) for k, v in data[name]["by_type"].items()))
            for name in ("entities", "relations")
            if name in data
        }
        warnings = tuple(
            sorted((str(w["path"]), str(w["warning"])) for w in data.get("warnings", []))
        )
        return BuildInfo(
            read=int(data["documents_read"]),
            skipped=skipped,
            warnings=warnings,
            entities=counts.get("entities"),
            relations=counts.get("relations"),
            min_confidence=float(data.get("min_confidence", 0.0)),
            since=None if data.get("since") is None else int(data["since"]),
            until=None if data.get("until") is None else int(data["until"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise OutputError(f"{path}: not a policy-kg build.json: {exc}") from exc

"""Researchers' corrections, applied to the graph after extraction on every build.

A corrections file is a UTF-8 TSV with the header ``action	target	value	note``
(optionally followed by the columns ``by`` and ``date``: who decided, and when,
as ``YYYY-MM-DD``); blank lines and lines starting with ``#`` are ignored. Each
line is one correction:

=================  =========================================  ==========================
action             target                                     value
=================  =========================================  ==========================
``merge``          the entity merged away                     the entity it is merged into
``rename``         an entity                                  its new canonical name
``retype``         an entity                                  its new type (``Place``…)
``drop-entity``    an entity (and every relation of it)       (empty)
``drop-relation``  ``subject|predicate|object``               a document (optional)
``add-relation``   ``subject|predicate|object``               a document (optional)
=================  =========================================  ==========================

An entity is written by its id, its canonical name or one of its aliases. A
correction that matches nothing in this build (the entity is gone, the relation
is no longer extracted) is *stale*: it is kept in the record, never silently
dropped. A malformed line is a :class:`CorrectionsError` naming the file and line.

>>> from kg.graph import Edge, KnowledgeGraph, Node
>>> from kg.types import EntityType, Predicate, Source
>>> g = KnowledgeGraph(nodes={"P/a": Node("P/a", "郑州市", EntityType.PLACE, ["郑州"]),
...                           "P/b": Node("P/b", "郑州", EntityType.AGENCY)})
>>> fixes = parse_corrections("action\\ttarget\\tvalue\\tnote\\nmerge\\tP/b\\t郑州市\\tsame city\\n",
...                           "corrections.tsv")
>>> out = apply_corrections(g, fixes)
>>> sorted(out.nodes), out.corrections[0].status
(['P/a'], 'applied')
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import KGError
from kg.graph import CorrectionRecord, DocumentInfo, Edge, KnowledgeGraph, Node, Observation
from kg.types import EntityType, Predicate, Source

#: The file a build applies by default, when found beside an input folder.
DEFAULT_NAME = "corrections.tsv"
#: The columns every corrections file starts with, then the optional ones.
COLUMNS = ("action", "target", "value", "note")
OPTIONAL_COLUMNS = ("by", "date")
#: What a correction can do.
ACTIONS = ("merge", "rename", "retype", "drop-entity", "drop-relation", "add-relation")
#: The actions whose target is a relation written ``subject|predicate|object``.
RELATION_ACTIONS = ("drop-relation", "add-relation")
_NEEDS_VALUE = {"merge": "the entity to merge into", "rename": "the new name", "retype": "a type"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CorrectionsError(KGError):
    """A corrections file cannot be read, or one of its lines is malformed."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Correction:
    """One line of a corrections file (``line`` counts from 1)."""

    file: str
    line: int
    action: str
    target: str
    value: str
    note: str
    by: str = ""
    date: str = ""

    @property
    def source(self) -> str:
        """How records name the file: its name alone (no folder: outputs hold no paths)."""
        return Path(self.file).name

    def relation(self) -> tuple[str, Predicate, str]:
        """The ``subject|predicate|object`` of a relation action, split."""
        s, p, o = (x.strip() for x in self.target.split("|"))
        return s, Predicate(p), o

    def record(self, status: str, detail: str, **changes: object) -> CorrectionRecord:
        return CorrectionRecord(
            file=self.source,
            line=self.line,
            action=self.action,
            target=self.target,
            value=self.value,
            note=self.note,
            status=status,
            detail=detail,
            by=self.by,
            date=self.date,
            **changes,  # type: ignore[arg-type]
        )


def parse_corrections(text: str, file: str) -> list[Correction]:
    """The corrections in ``text`` (the content of ``file``, named in errors).

    >>> parse_corrections("action\\ttarget\\tvalue\\tnote\\nfix\\tx\\t\\t\\n", "c.tsv")
    Traceback (most recent call last):
    ...
    kg.corrections.CorrectionsError: c.tsv:2: unknown action 'fix'; valid: add-relation, drop-entity, drop-relation, merge, rename, retype
    """
    header: tuple[str, ...] | None = None
    out: list[Correction] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            names = tuple(c.lower() for c in cells)
            allowed = COLUMNS + OPTIONAL_COLUMNS
            if names[: len(COLUMNS)] != COLUMNS or names != allowed[: len(names)]:
                raise CorrectionsError(
                    file,
                    number,
                    "the first line must be the header 'action<TAB>target<TAB>value<TAB>note' "
                    f"(then optionally 'by', 'date'), not {line[:80]!r}",
                )
            header = names
            continue
        out.append(_correction(file, number, header, cells))
    return out


def _correction(file: str, number: int, header: tuple[str, ...], cells: list[str]) -> Correction:
    def fail(reason: str) -> CorrectionsError:
        return CorrectionsError(file, number, reason)

    if len(cells) > len(header):
        raise fail(f"{len(cells)} tab-separated columns, the header has {len(header)}")
    row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
    action = row["action"]
    if action not in ACTIONS:
        raise fail(f"unknown action {action!r}; valid: {', '.join(sorted(ACTIONS))}")
    target, value = row["target"], row["value"]
    if not target:
        raise fail(f"{action} needs a target")
    if action in _NEEDS_VALUE and not value:
        raise fail(f"{action} needs a value: {_NEEDS_VALUE[action]}")
    if action == "retype" and value not in EntityType._value2member_map_:
        valid = ", ".join(sorted(t.value for t in EntityType))
        raise fail(f"unknown type {value!r}; valid: {valid}")
    if action in RELATION_ACTIONS:
        parts = [x.strip() for x in target.split("|")]
        if len(parts) != 3 or not all(parts):
            raise fail(f"a relation is written subject|predicate|object, not {target!r}")
        if parts[1] not in Predicate._value2member_map_:
            valid = ", ".join(sorted(p.value for p in Predicate))
            raise fail(f"unknown relation {parts[1]!r}; valid: {valid}")
    date = row.get("date", "")
    if date and not _DATE.fullmatch(date):
        raise fail(f"the date is written YYYY-MM-DD, not {date!r}")
    return Correction(file, number, action, target, value, row["note"], row.get("by", ""), date)


def read_corrections(path: str | Path) -> list[Correction]:
    """The corrections in the file at ``path`` (errors name it as given)."""
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise CorrectionsError(shown, None, "no such corrections file") from exc
    except OSError as exc:
        raise CorrectionsError(shown, None, f"cannot read: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorrectionsError(shown, line, "not UTF-8 text") from exc
    return parse_corrections(text, shown)


def default_corrections(paths: Iterable[str | Path]) -> list[Path]:
    """The ``corrections.tsv`` files beside the input folders (in the folder that holds
    each), once each, in the order of the inputs."""
    found: list[Path] = []
    for p in paths:
        candidate = Path(p).parent / DEFAULT_NAME
        if Path(p).is_dir() and candidate.is_file() and candidate not in found:
            found.append(candidate)
    return found


class _Index:
    """Entities by id, canonical name and alias."""

    def __init__(self, nodes: dict[str, Node]) -> None:
        self.nodes = nodes
        self.names: dict[str, list[str]] = {}
        self.aliases: dict[str, list[str]] = {}
        for nid in sorted(nodes):
            n = nodes[nid]
            self.names.setdefault(n.name, []).append(nid)
            for a in n.aliases:
                self.aliases.setdefault(a, []).append(nid)

    def find(self, written: str) -> tuple[str | None, str]:
        """The id ``written`` names, or ``None`` and why not."""
        if written in self.nodes:
            return written, ""
        for table in (self.names, self.aliases):
            hits = table.get(written, [])
            if len(hits) == 1:
                return hits[0], ""
            if hits:
                return (
                    None,
                    f"{written!r} names {len(hits)} entities ({', '.join(hits)}): write an id",
                )
        return None, f"no entity named {written!r}"


def apply_corrections(graph: KnowledgeGraph, corrections: Sequence[Correction]) -> KnowledgeGraph:
    """``graph`` with ``corrections`` applied in order; what each did is in the result's
    :attr:`~kg.graph.KnowledgeGraph.corrections` (``graph`` itself is unchanged)."""
    if not corrections:
        return graph
    nodes = {
        nid: replace(n, aliases=list(n.aliases), documents=list(n.documents))
        for nid, n in graph.nodes.items()
    }
    edges = list(graph.edges)
    observations = list(graph.observations)
    # a document by its display name, its file name or its key
    docs_by_name = {d.key: d.key for d in graph.documents}
    docs_by_name.update((Path(d.name).name, d.key) for d in graph.documents)
    docs_by_name.update((d.name, d.key) for d in graph.documents)
    records: list[CorrectionRecord] = []
    for c in corrections:
        index = _Index(nodes)
        if c.action in RELATION_ACTIONS:
            s_text, predicate, o_text = c.relation()
            (s, why_s), (o, why_o) = index.find(s_text), index.find(o_text)
            doc = docs_by_name.get(c.value, "") if c.value else ""
            if s is None or o is None:
                records.append(c.record("stale", why_s or why_o))
            elif c.value and not doc:
                records.append(c.record("stale", f"no document named {c.value!r}"))
            elif c.action == "drop-relation":
                edges, record = _drop_relation(c, edges, s, predicate, o, doc)
                records.append(record)
            else:
                edge = Edge(
                    s,
                    predicate,
                    o,
                    Source.CURATED,
                    doc,
                    None,
                    None,
                    None,
                    note=f"{c.source}:{c.line}",
                )
                edges.append(edge)
                records.append(
                    c.record(
                        "applied", "", changed=(s, o), relations=((s, predicate.value, o, doc),)
                    )
                )
            continue
        nid, why = index.find(c.target)
        if nid is None:
            records.append(c.record("stale", why))
            continue
        node = nodes[nid]
        if c.action == "rename":
            if node.name == c.value:
                records.append(c.record("stale", f"{nid} is named {c.value!r} already"))
                continue
            node.aliases = sorted((set(node.aliases) | {node.name}) - {c.value})
            node.name = c.value
            records.append(c.record("applied", "", changed=(nid,)))
        elif c.action == "retype":
            if node.type.value == c.value:
                records.append(c.record("stale", f"{nid} is a {c.value} already"))
                continue
            node.type = EntityType(c.value)
            records.append(c.record("applied", "", changed=(nid,)))
        elif c.action == "drop-entity":
            gone = [e for e in edges if nid in (e.subject, e.object)]
            edges = [e for e in edges if nid not in (e.subject, e.object)]
            del nodes[nid]
            observations = [o if o.place != nid else replace(o, place=None) for o in observations]
            records.append(c.record("applied", "", changed=(nid,), relations=_rows(gone)))
        else:  # merge
            into, why = index.find(c.value)
            if into is None:
                records.append(c.record("stale", why))
                continue
            if into == nid:
                records.append(c.record("stale", f"{c.target!r} and {c.value!r} are one entity"))
                continue
            edges, observations = _merge(nodes, edges, observations, nid, into)
            records.append(c.record("applied", "", changed=(nid, into)))
    return KnowledgeGraph(
        nodes={nid: nodes[nid] for nid in sorted(nodes)},
        edges=edges,
        documents=_redigest(graph.documents, corrections),
        observations=observations,
        corrections=records,
    )


def _rows(edges: Iterable[Edge]) -> tuple[tuple[str, str, str, str], ...]:
    return tuple(sorted({(e.subject, e.predicate.value, e.object, e.document) for e in edges}))


def _drop_relation(
    c: Correction, edges: list[Edge], s: str, p: Predicate, o: str, doc: str
) -> tuple[list[Edge], CorrectionRecord]:
    pairs = {(s, o), (o, s)} if p.symmetric else {(s, o)}

    def hit(e: Edge) -> bool:
        return (
            e.predicate is p and (e.subject, e.object) in pairs and (not doc or e.document == doc)
        )

    gone = [e for e in edges if hit(e)]
    if not gone:
        where = f" in {c.value}" if doc else ""
        return edges, c.record("stale", f"no such relation{where} in this build")
    return [e for e in edges if not hit(e)], c.record("applied", "", relations=_rows(gone))


def _merge(
    nodes: dict[str, Node],
    edges: list[Edge],
    observations: list[Observation],
    gone: str,
    into: str,
) -> tuple[list[Edge], list[Observation]]:
    """Merge entity ``gone`` into ``into``: names, documents, relations and figures."""
    a, b = nodes.pop(gone), nodes[into]
    b.aliases = sorted((set(b.aliases) | set(a.aliases) | {a.name}) - {b.name})
    b.documents = sorted(set(b.documents) | set(a.documents))
    b.mentions += a.mentions
    b.confidence = max(a.confidence, b.confidence)
    if b.code is None and a.code is not None:
        b.code = a.code
    if b.longitude is None and a.longitude is not None:
        b.longitude, b.latitude = a.longitude, a.latitude
    out: list[Edge] = []
    seen: set[Edge] = set()
    for e in edges:
        if gone in (e.subject, e.object):
            s = into if e.subject == gone else e.subject
            o = into if e.object == gone else e.object
            if s == o:
                continue  # a relation between the two names of one entity
            e = replace(e, subject=s, object=o)
        if e in seen:
            continue
        seen.add(e)
        out.append(e)
    moved = [o if o.place != gone else replace(o, place=into) for o in observations]
    return out, moved


def _redigest(
    documents: Sequence[DocumentInfo], corrections: Sequence[Correction]
) -> list[DocumentInfo]:
    """Documents whose digests also cover the corrections: the parts of the outputs kept
    from a build without them (or with others) are made again."""
    h = hashlib.blake2b(digest_size=16)
    for c in corrections:
        h.update(
            "\x1f".join(
                (c.file, str(c.line), c.action, c.target, c.value, c.note, c.by, c.date)
            ).encode("utf-8")
            + b"\x1e"
        )
    mark = h.digest()
    return [
        d
        if not d.digest
        else replace(d, digest=hashlib.blake2b(d.digest + mark, digest_size=16).digest())
        for d in documents
    ]


def correction_line(action: str, target: str, value: str = "", note: str = "") -> str:
    """A line of a corrections file (tabs and line breaks in the cells become spaces).

    >>> correction_line("drop-relation", "郑州市|cooperatesWith|洛阳市")
    'drop-relation\\t郑州市|cooperatesWith|洛阳市\\t\\t'
    """
    cells = (action, target, value, note)
    return "\t".join(" ".join(c.split()) if c else "" for c in cells)


__all__ = [
    "ACTIONS",
    "DEFAULT_NAME",
    "Correction",
    "CorrectionsError",
    "apply_corrections",
    "correction_line",
    "default_corrections",
    "parse_corrections",
    "read_corrections",
]

"""The data model every stage shares.

All offsets are half-open character offsets into :attr:`Document.text`, the text
as read (after decoding), so a span can always be shown back to the reader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EntityType(StrEnum):
    """The closed set of scored entity types (see the extraction contract)."""

    PLACE = "Place"
    REGION = "Region"
    AGENCY = "Agency"
    COMPANY = "Company"
    ORGANIZATION = "Organization"
    AGREEMENT = "Agreement"
    PLAN = "Plan"
    CLUSTER = "Cluster"
    ZONE = "Zone"
    EVENT = "Event"
    PERSON = "Person"


class Predicate(StrEnum):
    """The closed set of scored relation types."""

    SIGNED = "signed"
    COOPERATES_WITH = "cooperatesWith"
    LOCATED_IN = "locatedIn"
    PART_OF = "partOf"
    ISSUED_BY = "issuedBy"
    PARTICIPATES_IN = "participatesIn"
    ESTABLISHED_BY = "establishedBy"

    @property
    def symmetric(self) -> bool:
        return self is Predicate.COOPERATES_WITH


class Source(StrEnum):
    """Where a relation comes from: the text, background knowledge, or a researcher's
    correction (:mod:`kg.corrections`)."""

    TEXT = "text"
    GAZETTEER = "gazetteer"
    CURATED = "curated"


class Modality(StrEnum):
    """How a text states a relation: as done (or holding), or as intended."""

    ACCOMPLISHED = "accomplished"
    PLANNED = "planned"


def _reduce_positional(self: Any) -> tuple[Any, ...]:
    """Pickle a frozen slots dataclass as a call of its constructor with its field values.

    Several times faster to load than the generated ``__setstate__`` (the
    extraction cache reads thousands of these); the constructor checks the
    values again. For classes whose fields are all positional (``__match_args__``).
    """
    cls = type(self)
    return cls, tuple([getattr(self, name) for name in cls.__match_args__])


#: Metadata field names, in the order they are reported.
METADATA_FIELDS: tuple[str, ...] = (
    "index_number",
    "publisher",
    "category",
    "written",
    "published",
    "title",
    "subtitle",
    "proposal_number",
    "addressee",
    "signed_date",
    "host",
    "address",
)


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into a document's text."""

    __reduce__ = _reduce_positional

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Document:
    """One document as read.

    ``path`` is the path exactly as given by the user; ``text`` the decoded text
    (offsets point into it); ``norm`` the normalised text used for matching
    (simplified characters, half-width forms, ``\\n`` line ends), of the same
    length as ``text`` so that offsets carry over one to one;
    ``metadata`` the header fields found by :mod:`kg.io.metadata`.
    """

    __reduce__ = _reduce_positional

    path: str
    text: str
    norm: str
    metadata: Mapping[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    name: str = ""

    @property
    def display_name(self) -> str:
        """The name used in outputs: relative to the input folder, never absolute."""
        return self.name or self.path

    @property
    def key(self) -> str:
        """A stable id of the document's content (same bytes on every machine)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def __post_init__(self) -> None:
        if len(self.norm) != len(self.text):
            raise ValueError("normalised text must keep the length of the text as read")

    @property
    def stem(self) -> str:
        name = self.path.replace("\\", "/").rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name

    @property
    def title(self) -> str | None:
        return self.metadata.get("title")


@dataclass(frozen=True, slots=True)
class Mention:
    """A typed surface string found in a document, before resolution.

    ``canonical`` and ``code`` are hints from the extractor (a gazetteer knows the
    full form and division code of 郑州); ``rule`` names the extractor that found it;
    ``confidence`` is the tagger's probability that the name is right (0-1).
    """

    __reduce__ = _reduce_positional

    span: Span
    surface: str
    type: EntityType
    rule: str
    canonical: str | None = None
    code: str | None = None
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Entity:
    """One real thing, resolved within a document (and merged across documents).

    ``id`` is a stable key such as ``Place/410100`` or ``Agency/郑州市发展和改革委员会``:
    the same thing has the same id in every document and on every machine.
    ``confidence`` is the highest confidence among its mentions (0-1).
    """

    __reduce__ = _reduce_positional

    id: str
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    code: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    mentions: tuple[Span, ...] = ()
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a relation is stated: the sentence and its span in the document."""

    __reduce__ = _reduce_positional

    document: str
    sentence: str
    span: Span


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed edge between two entity ids, with its evidence when from the text.

    ``confidence`` is the relation scorer's probability that the text states it
    (0-1; 1 for what the gazetteer knows). ``time`` is the time its sentence states
    (``2024``, ``2024-01`` or ``2024-01-15``; see :mod:`kg.extract.timing`) and
    ``modality`` whether the text gives it as done or as intended (see
    :mod:`kg.relations.modality`); both ``None`` for gazetteer facts.
    """

    __reduce__ = _reduce_positional

    subject: str
    predicate: Predicate
    object: str
    source: Source = Source.TEXT
    evidence: Evidence | None = None
    rule: str = ""
    confidence: float = 1.0
    time: str | None = None
    modality: Modality | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    """A figure a document states: what is measured, how much, of which place, when.

    ``value`` is the figure in base units as a decimal string (``13617.8亿元`` ->
    ``"1361780000000"``, unit ``元``); ``stated`` the figure as written, its
    qualifier included (``突破650亿元``); ``qualifier`` ``"more than"``, ``"less
    than"`` or ``"approximately"`` for a bounded or approximate figure; ``place``
    the id of the entity it describes, ``period`` the year (``2023``), month or
    day it is given for. ``span`` is the figure's place in the text, ``sentence``
    its sentence's (see :mod:`kg.extract.indicators`).
    """

    __reduce__ = _reduce_positional

    name: str
    value: str
    unit: str
    stated: str
    span: Span
    sentence: Span
    qualifier: str | None = None
    place: str | None = None
    period: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything found in one document: the unit that flows from extraction to the graph."""

    __reduce__ = _reduce_positional

    document: Document
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    indicators: tuple[Indicator, ...] = ()

"""The one way through: Document -> mentions -> entities -> relations -> Extraction.

No I/O here beyond loading the shipped models and tables once: reading lives in
:mod:`kg.io`, writing in :mod:`kg.export`.

1. the rules find mentions (gazetteer, tables, patterns: :mod:`kg.extract`);
2. the CRF tagger reads the text and the rules' mentions and decides the names
   (:mod:`kg.extract.tagger`, :mod:`kg.extract.combine`);
3. mentions resolve into entities (:mod:`kg.resolve`);
4. relation candidates, with the trigger rules' findings and the document's
   frames among their features, are scored by the learned relation models
   (:mod:`kg.relations`).

``models`` picks the learned parts: by default the shipped ones
(:func:`kg.models.shipped`); :class:`kg.models.Models` with no parts gives the
rules alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import NamedTuple

from kg.extract import (
    bodylists,
    bodymeetings,
    ceremonies,
    coordination,
    document_context,
    find_mentions,
    joined,
    macro,
    meetingbodies,
    namelists,
    partycommittees,
    partycongress,
    provinceparts,
    publisher,
    scan_places,
    sessions,
    titleareas,
    venues,
)
from kg.extract.combine import DEFAULT_RULE_CONFIDENCE, combine
from kg.extract.indicators import find_indicators
from kg.extract.inwords import drop_places_inside_words
from kg.extract.mend import (
    cut_after_heads,
    drop_counts,
    open_with_compounds,
    snap_to_places,
    trim_prepositions,
)
from kg.extract.segmenter import words as cut_words
from kg.models import Models, shipped
from kg.relations import find_relations
from kg.relations.annotate import annotate
from kg.relations.frames import home_places
from kg.resolve import resolve
from kg.text.segment import sentences
from kg.types import Document, Extraction, Mention, Span

__all__ = [
    "CONVENTION_RULES",
    "Sentences",
    "conventions",
    "extract",
    "mentions",
    "pipeline_version",
    "split",
]

#: The rule names of the steps after the names are chosen (:func:`conventions`); each
#: one's confidence per type is fitted by ``kg train`` (``Models.rule_confidence``).
CONVENTION_RULES = frozenset(
    step.RULE
    for step in (
        bodylists,
        bodymeetings,
        ceremonies,
        coordination,
        joined,
        macro,
        meetingbodies,
        namelists,
        partycommittees,
        partycongress,
        provinceparts,
        publisher,
        sessions,
        titleareas,
        venues,
    )
)

#: The packages whose code decides what extraction gives (their source is digested).
_EXTRACTION_CODE = (
    "types.py",
    "pipeline.py",
    "io",
    "text",
    "extract",
    "resolve",
    "relations",
    "models",
)


class Sentences(NamedTuple):
    """The sentences of a document's normalised text and the jieba words of each."""

    spans: list[Span]
    words: list[list[str]]


def split(doc: Document) -> Sentences:
    """The document's sentences and their words (cut once, read by the tagger and the
    relation candidates)."""
    spans = sentences(doc.norm)
    words: dict[str, list[str]] = {}  # a repeated sentence is cut once
    out = []
    for s in spans:
        t = doc.norm[s.start : s.end]
        got = words.get(t)
        if got is None:
            got = words[t] = cut_words(t)
        out.append(got)
    return Sentences(spans, out)


def mentions(doc: Document, models: Models, parts: Sentences | None = None) -> list[Mention]:
    """The document's mentions: the tagger's names with what the rules add inside them,
    their edges mended (:mod:`kg.extract.mend`, :mod:`kg.extract.inwords`), and what the
    steps after the names are chosen add (:func:`conventions`); without a tagger, the
    rules' names and those steps."""
    rule_mentions = find_mentions(doc)
    if models.tagger is None:
        return conventions(doc, rule_mentions, models.rule_confidence)
    parts = parts or split(doc)
    tagged = models.tagger.tag_document(
        doc.norm, parts.spans, parts.words, rule_mentions, scan_places(doc.norm)
    )
    ms = combine(doc.norm, rule_mentions, tagged, document_context(doc), models.rule_confidence)
    ms = trim_prepositions(doc.norm, snap_to_places(doc.norm, drop_counts(ms)))  # 三镇; 阳四市…
    ms = drop_places_inside_words(doc.norm, ms, parts.spans, parts.words)  # 交通大通道
    ms = cut_after_heads(doc.norm, ms)  # 洛阳机场至
    ms = open_with_compounds(doc.norm, ms)  # 京沈 + 对口合作交流会
    return conventions(doc, ms, models.rule_confidence)


def conventions(doc: Document, ms: list[Mention], fitted: Mapping[str, float]) -> list[Mention]:
    """``ms`` with what the conventions of official writing add to the chosen names, each
    step a module of :mod:`kg.extract` (none a feature of the tagger); a step's names
    carry the confidence ``kg train`` fitted for its rule and their type (``fitted``),
    where it did."""
    t, c = doc.norm, DEFAULT_RULE_CONFIDENCE
    ms = coordination.distribute_heads(t, ms, c)  # 新材料、新能源两大产业集群
    ms = provinceparts.province_parts(t, ms, c)  # 渝东北, 川南经济区
    ms = macro.bare_macro_regions(t, ms, c)  # 振兴东北
    ms = macro.counted_provinces(t, ms, c)  # 东北三省, 中部六省
    ms = sessions.congress_in_sessions(t, ms, c)  # 浙江省第十三届人大…会议
    ms = partycommittees.party_committees(t, ms, c)  # 九三学社广东省委会
    ms = bodylists.bodies_in_lists(t, ms, c)  # 市教委、市人力社保局
    ms = publisher.publisher_mention(t, doc.metadata, ms, c)  # 来源:新浪
    ms = titleareas.areas_opening_titles(t, ms, c)  # 《黔中城市群发展规划》
    ms = ceremonies.agreements_of_ceremonies(t, ms, c)  # …框架协议签约仪式
    ms = meetingbodies.bodies_of_meetings(t, ms, c)  # …协调会第十五届市长联席会议
    ms = bodymeetings.meetings_of_bodies(t, ms, c)  # 国务院常务会议
    ms = venues.venues_named_after_places(t, ms, c)  # 银川市城市规划馆
    ms = joined.split_joined_names(t, ms, c)  # …座谈会和…座谈会
    ms = partycongress.party_congresses(t, ms, c)  # 党的二十大, 十九届五中全会
    ms = namelists.people_in_lists(t, ms, c)  # 刘启德、邹锡昌、陈瑾委员
    return [_fitted(m, fitted) for m in ms] if fitted else ms


def _fitted(m: Mention, fitted: Mapping[str, float]) -> Mention:
    """``m`` with the confidence fitted for its step's rule and its type, if there is one."""
    conf = fitted.get(f"{m.rule}/{m.type.value}") if m.rule in CONVENTION_RULES else None
    return m if conf is None else dataclasses.replace(m, confidence=conf)


def extract(doc: Document, *, models: Models | None = None) -> Extraction:
    """Extract the entities and relations of one document.

    >>> from kg.text.normalize import normalize
    >>> t = "郑州市与开封市签署了《郑开同城化合作协议》。"
    >>> ex = extract(Document(path="x.txt", text=t, norm=normalize(t)))
    >>> sorted(e.name for e in ex.entities if e.type == "Place")
    ['开封市', '郑州市']
    >>> all(0 <= r.confidence <= 1 for r in ex.relations)
    True
    """
    m = shipped() if models is None else models
    parts = split(doc) if not m.rules_only else None
    entities = resolve(doc, mentions(doc, m, parts))
    if m.frames:
        entities += home_places(doc, entities)
    relations = find_relations(
        doc,
        entities,
        model=m.relations,
        frames=m.frames,
        sentences=parts.spans if parts else None,
        words=parts.words if parts else None,
    )
    relations = annotate(doc, entities, relations)  # time and modality of each relation
    return Extraction(doc, tuple(entities), tuple(relations), find_indicators(doc, entities))


@cache
def pipeline_version() -> str:
    """A digest of the extraction code, the data tables and the shipped models: the part of
    every cache key that says which pipeline made an entry (no version to bump by hand)."""
    root = Path(__file__).resolve().parent
    files: list[Path] = []
    for part in _EXTRACTION_CODE:
        p = root / part
        files += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    files += [f for f in sorted((root / "models").iterdir()) if f.suffix in (".crfsuite", ".json")]
    h = hashlib.sha256()
    for f in files:
        data = f.read_bytes()
        h.update(
            f.relative_to(root).as_posix().encode() + b"\0" + len(data).to_bytes(8, "big") + data
        )
    return h.hexdigest()[:32]

"""The one way through: Document -> mentions -> entities -> relations -> Extraction.

No I/O here: reading lives in :mod:`kg.io`, writing in :mod:`kg.export`.
"""

from __future__ import annotations

from kg.types import Document, Extraction

#: Bumped whenever extraction output may change; keys the per-document cache.
PIPELINE_VERSION = "2"


def extract(doc: Document) -> Extraction:
    """Extract the entities and relations of one document.

    >>> from kg.text.normalize import normalize
    >>> t = "郑州市与开封市签署了《郑开同城化合作协议》。"
    >>> ex = extract(Document(path="x.txt", text=t, norm=normalize(t)))
    >>> sorted(e.name for e in ex.entities if e.type == "Place")
    ['开封市', '郑州市']
    """
    from kg.extract import find_mentions
    from kg.relations import find_relations
    from kg.resolve import resolve

    mentions = find_mentions(doc)
    entities = resolve(doc, mentions)
    relations = find_relations(doc, entities)
    return Extraction(document=doc, entities=tuple(entities), relations=tuple(relations))

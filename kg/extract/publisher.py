"""The document's publisher, as its header or byline names it, is an entity of it.

The metadata reader (:mod:`kg.io.metadata`) finds who published a document by the
conventions of official pages and news items: a ``来源:`` or ``发布机构:`` field, a
dateline or a byline (新浪, 封面新闻记者 王五, 澎湃新闻(www.…), 观点网讯). That name is
written in the document, so it is an entity of the document even where the tagger,
which reads sentences, passes over a header line: a body (its ending is an Agency
ending of ``suffixes.tsv``: …局, …处, …委员会) or else an organisation, the news
outlet. A name the generic table lists (办公室), or that a mention already covers, is
left as it is; a mention inside it (四川 in 四川在线) stays.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kg.extract import tables
from kg.extract.spans import in_text_order
from kg.text.normalize import normalize
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "publisher_mention"]

#: What a mention found here carries as its rule name.
RULE = "publisher"


def publisher_mention(
    text: str, metadata: Mapping[str, str], mentions: Sequence[Mention], confidence: float
) -> list[Mention]:
    """``mentions`` and, where no mention covers it, the first occurrence of the
    document's publisher (``metadata``, as written) in ``text`` (normalised) as a mention.

    >>> t = "来源:观潮新闻  编辑:王五\\n本报讯 3月1日,两市签署协议。"
    >>> [(m.surface, m.type.value) for m in publisher_mention(t, {"publisher": "观潮新闻"}, [], 1)]
    [('观潮新闻', 'Organization')]
    >>> ms = publisher_mention("来源:市交通运输局", {"publisher": "市交通运输局"}, [], 1)
    >>> [(m.surface, m.type.value) for m in ms]
    [('市交通运输局', 'Agency')]
    """
    name = normalize((metadata.get("publisher") or "").strip())
    if len(name) < 2 or name in tables.word_set("generic.tsv", "phrase"):
        return list(mentions)
    at, end = text.find(name), len(name)
    while at >= 0:
        if any(m.span.start <= at and at + end <= m.span.end for m in mentions):
            return list(mentions)  # named, in a mention of its own or a longer one
        crossing = any(
            m.span.start < at < m.span.end or m.span.start < at + end < m.span.end for m in mentions
        )
        if not crossing:  # mentions inside it (a place: 四川在线) may stay
            break
        at = text.find(name, at + 1)
    if at < 0:
        return list(mentions)
    typ = EntityType.AGENCY if name.endswith(tables.endings("Agency")) else EntityType.ORGANIZATION
    added = Mention(Span(at, at + len(name)), name, typ, RULE, name, None, confidence)
    return in_text_order([*mentions, added])

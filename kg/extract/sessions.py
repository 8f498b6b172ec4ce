"""The people's congress named inside the name of one of its sessions.

A session of a people's congress is named by its body, its term and its sitting:
浙江省第十三届人民代表大会第一次会议, 北京市十五届人大三次会议, 十三届全国人大一次会议.
Official writing names the body itself this way (the term is part of the body's
name, the sitting the meeting's): the body is an Agency inside the meeting's name,
from the place that opens it (or the term, before 全国) to the body word
(``grammar.tsv`` role ``congress``: 人民代表大会, 人大). Its canonical name drops
the term: 浙江省人民代表大会, 全国人民代表大会.

A session named with a level word and no place (省十四届人大一次会议) is read by the
rules with the document's home place (:func:`kg.extract.names.session_mentions`);
this step covers the sessions that name their place, and runs after the tagger
(:func:`kg.pipeline.mentions`), so it is no feature of the tagger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.spans import in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "congress_in_sessions"]

#: What a mention found here carries as its rule name.
RULE = "congress-session"


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """The session pattern: term, national scope, body word, sitting; and each body word's
    full form (the longest word of the role)."""
    num = rf"[{tables.numeral_chars()}\d]{{1,4}}"
    bodies = tables.grammar("congress")
    scope = "|".join(map(re.escape, tables.grammar("congress-scope")))
    pattern = re.compile(
        rf"(?P<term>第?{num}届)(?P<scope>{scope})?(?P<body>{'|'.join(map(re.escape, bodies))})"
        rf"(?=第?{num}次)"
    )
    return pattern, dict.fromkeys(bodies, bodies[0])


def congress_in_sessions(
    text: str, mentions: Sequence[Mention], confidence: float
) -> list[Mention]:
    """``mentions`` and an Agency mention for the congress named in each session name
    that opens with a place mention (or names the national congress).

    >>> from kg.types import Span
    >>> t = "在江西省第十三届人民代表大会第二次会议上"
    >>> ms = [Mention(Span(1, 4), "江西省", EntityType.PLACE, "gazetteer", "江西省")]
    >>> [(m.surface, m.canonical) for m in congress_in_sessions(t, ms, 0.5) if m.rule == RULE]
    [('江西省第十三届人民代表大会', '江西省人民代表大会')]
    >>> t = "十四届全国人大二次会议"
    >>> [(m.surface, m.canonical) for m in congress_in_sessions(t, [], 0.5)]
    [('十四届全国人大', '全国人民代表大会')]
    """
    pattern, full = _pattern()
    places = {m.span.end: m for m in mentions if m.type == EntityType.PLACE}
    have = {(m.span.start, m.span.end) for m in mentions if m.type == EntityType.AGENCY}
    added: list[Mention] = []
    for m in pattern.finditer(text):
        body = full[m.group("body")]
        place = places.get(m.start())
        if m.group("scope"):
            start, canonical = m.start(), m.group("scope") + body
        elif place is not None:
            start, canonical = place.span.start, (place.canonical or place.surface) + body
        else:
            continue
        span = (start, m.end("body"))
        if span in have:
            continue
        have.add(span)
        surface = text[start : span[1]]
        added.append(
            Mention(Span(*span), surface, EntityType.AGENCY, RULE, canonical, None, confidence)
        )
    if not added:
        return list(mentions)
    return in_text_order([*mentions, *added])

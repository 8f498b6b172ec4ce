"""Two names joined into one: 中央第五次西藏工作座谈会和对口支援西藏青海工作座谈会.

Official writing joins two meetings, or two agreements, with 和, 与 or 及 (``grammar.tsv``
role ``list-joiner``) and the tagger may read the whole as one name. Where a meeting's
or agreement's name holds such a word and the part before it ends as a name of that
type ends (``suffixes.tsv`` and ``titles.tsv``: 座谈会, 联席会议, 协议 …; a meeting's
kind of ``grammar.tsv`` role ``meeting``: 会议 …), as the whole
does, the name is two names. A name whose first part is no such name
(黄河流域生态保护和高质量发展省际合作联席会) stays one.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "split_joined_names"]

#: What a mention found here carries as its rule name.
RULE = "joined-name"
#: The types whose names are split here.
_SPLIT = frozenset([EntityType.EVENT, EntityType.AGREEMENT])
#: The shortest part that is a name of its own.
_MIN = 4


@cache
def _endings() -> dict[EntityType, tuple[str, ...]]:
    out: dict[EntityType, set[str]] = {t: set() for t in _SPLIT}
    for name, col in (("suffixes.tsv", "suffix"), ("titles.tsv", "ending")):
        for r in tables.tsv(name):
            t = EntityType(r["type"])
            if t in out:
                out[t].add(r[col])
    out[EntityType.EVENT] |= set(tables.grammar("meeting"))  # …工作会议
    return {t: tuple(sorted(w, key=len, reverse=True)) for t, w in out.items()}


def split_joined_names(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` with each name of two joined names as the two names.

    >>> t = "中央第五次西藏工作座谈会和对口支援西藏青海工作座谈会"
    >>> ms = [Mention(Span(0, len(t)), t, EntityType.EVENT, "tagger", None)]
    >>> [m.surface for m in split_joined_names(t, ms, 0.5)]
    ['中央第五次西藏工作座谈会', '对口支援西藏青海工作座谈会']
    """
    joiners = tables.grammar("list-joiner")
    out: list[Mention] = []
    changed = False
    for m in mentions:
        ends = _endings().get(m.type, ())
        cut = None
        if ends and m.surface.endswith(ends):
            for i in range(_MIN, len(m.surface) - _MIN):
                w = next((j for j in joiners if m.surface.startswith(j, i)), None)
                if w is not None and m.surface[:i].endswith(ends):
                    cut = (i, i + len(w))
                    break
        if cut is None:
            out.append(m)
            continue
        changed = True
        a, b = m.span.start + cut[0], m.span.start + cut[1]
        for s, e in ((m.span.start, a), (b, m.span.end)):
            out.append(Mention(Span(s, e), text[s:e], m.type, RULE, None, None, confidence))
    if not changed:
        return list(mentions)
    return sorted(out, key=lambda m: (m.span.start, -m.span.end))

"""Two names joined into one: 中央第五次西藏工作座谈会和对口支援西藏青海工作座谈会.

Official writing joins two meetings, or two agreements, with 和, 与 or 及 (``grammar.tsv``
role ``list-joiner``) and the tagger may read the whole as one name. Where a meeting's
or agreement's name holds such a word and the part before it ends as a name of that
type ends (``suffixes.tsv`` and ``titles.tsv``: 座谈会, 联席会议, 协议 …; a meeting's
kind of ``grammar.tsv`` role ``meeting``: 会议 …), as the whole
does, or is a Party congress cited by its short form (党的二十大和中央经济工作会议),
the name is two names. A name whose first part is no such name
(黄河流域生态保护和高质量发展省际合作联席会) stays one. A body's name the tagger ran back
over a joiner into words that are no body's name (国家战略和自治区党委, 党中央决策部署及省委)
is the body after the joiner; so is a region's or zone's name (引江济淮工程和淮河生态经济带).

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.names import is_generic
from kg.extract.partycongress import names_a_congress
from kg.extract.spans import in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "split_joined_names"]

#: What a mention found here carries as its rule name.
RULE = "joined-name"
#: The types whose names are split here.
_SPLIT = frozenset([EntityType.EVENT, EntityType.AGREEMENT])
#: The names that the tagger may run back over a joiner into other words.
_RUN_BACK = frozenset([EntityType.AGENCY, EntityType.REGION, EntityType.ZONE])
#: The rules whose names may run over a joiner (the tagger's, the endings').
_GUESSED = frozenset(["tagger", "suffix"])
#: The shortest part that is a name of its own.
_MIN = 4


@cache
def _endings() -> dict[EntityType, tuple[str, ...]]:
    out = {t: {*tables.endings(t.value, titles=True)} for t in _SPLIT}
    out[EntityType.EVENT] |= set(tables.grammar("meeting"))  # …工作会议
    return {t: tuple(sorted(w, key=len, reverse=True)) for t, w in out.items()}


def _last_body(m: Mention, joiners: Sequence[str]) -> str | None:
    """The body's name after the last joiner of a body's name whose part before it is no
    body's name (党中央决策部署及省委 -> 省委), when it opens with its government, or None."""
    ends = _body_endings()
    if not m.surface.endswith(ends):
        return None
    for i in range(len(m.surface) - 2, 1, -1):
        w = next((j for j in joiners if m.surface.startswith(j, i)), None)
        if w is not None:
            before, after = m.surface[:i], m.surface[i + len(w) :]
            whole = _opens_with_government(after)  # not 发展和改革委员会
            return after if whole and not before.endswith(ends) else None
    return None


def _last_area(m: Mention, joiners: Sequence[str]) -> str | None:
    """The region's or zone's name after the last joiner of such a name whose part before
    it ends as no region or zone does (引江济淮工程和淮河生态经济带 -> 淮河生态经济带),
    when it has a proper name before its ending, or None."""
    ends = tables.endings("Region", "Zone")
    end = next((e for e in ends if m.surface.endswith(e)), None)
    if end is None:
        return None
    for i in range(len(m.surface) - len(end) - 2, 1, -1):
        w = next((j for j in joiners if m.surface.startswith(j, i)), None)
        if w is not None:
            before, after = m.surface[:i], m.surface[i + len(w) :]
            proper = len(after) >= _MIN and not is_generic(after[: -len(end)])
            return after if proper and not before.endswith(ends) else None
    return None


def _opens_with_government(name: str) -> bool:
    """Whether a body's name opens with the government it belongs to: a level word
    (省委, 自治区党委) or a place (福建省商务厅)."""
    if name.startswith(tables.grammar("level-prefix")) or name.startswith(
        tuple(tables.column("jurisdiction.tsv", "form"))
    ):
        return len(name) >= 2
    forms = tables.place_forms()
    return any(name[:k] in forms for k in range(2, min(len(name), 8)))


@cache
def _body_endings() -> tuple[str, ...]:
    endings = {
        *tables.endings("Agency"),
        *tables.grammar("body-short-ending"),
        *tables.column("jurisdiction.tsv", "form"),
    }
    return tuple(sorted(endings, key=len, reverse=True))


def _a_name(part: str, typ: EntityType, ends: tuple[str, ...]) -> bool:
    """Whether the part of a name before a joiner is a name of the same type: it ends as
    one does, or it is a Party congress cited by its short form (党的二十大)."""
    return part.endswith(ends) or typ == EntityType.EVENT and names_a_congress(part)


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
        if m.type in _RUN_BACK and m.rule in _GUESSED:
            body = _last_body(m, joiners) if m.type == EntityType.AGENCY else _last_area(m, joiners)
            if body is not None:  # 国家战略和自治区党委: the body after the joiner
                changed = True
                a = m.span.end - len(body)
                out.append(Mention(Span(a, m.span.end), body, m.type, RULE, None, None, confidence))
                continue
        ends = _endings().get(m.type, ())
        cut = None
        if ends and m.surface.endswith(ends):
            for i in range(_MIN, len(m.surface) - _MIN):
                w = next((j for j in joiners if m.surface.startswith(j, i)), None)
                if w is not None and _a_name(m.surface[:i], m.type, ends):
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
    return in_text_order(out)

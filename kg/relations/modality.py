"""Modality on every fact: does the text give a relation as done, or as intended?

:class:`~kg.types.Modality` ``ACCOMPLISHED`` (签署了, 已, 成功举办, 举行, 印发了) or
``PLANNED`` (将, 拟, 计划, 力争, 推动…建设, 下一步). The cue words are data
(``data/gazetteer/modality.tsv``: word, modality, strength, scope and source).
Decided in this order, for one relation and its sentence:

1. a stated time after the document's date makes it a target: planned;
2. ``locatedIn`` and ``partOf`` say what a thing is: accomplished, unless a strong
   planned cue stands in the relation's own words (将落户, 拟纳入);
3. the strong cues of the relation's clauses (the clause of each of its two entities,
   or the one they share): the last one before the end of its words, else the first
   one after them; then the strong cues earlier in the sentence (将 A, B and C;
   下一步, …), the last one first;
4. a 下一步 (next steps) heading earlier in the paragraph: planned;
5. a name that holds the relation's words and says what it is (…规划, …建议:
   planned; …协议, …备忘录: accomplished);
6. weak cues (推动, 推进, 加快, 加强…) in the relation's clauses: planned in a plan,
   programme or work report (a title with 规划, 方案, 意见, 计划…), accomplished
   elsewhere (a reply reports what was done with the same words);
7. cooperation and participation in a plan: planned (its goals);
8. otherwise accomplished: a statement without any cue reports a fact.

A cue inside a name (《…行动计划》, 推进会) is no cue, unless the name holds the
relation's words; a few words are cues only
where they are words of their own (了 is no cue in 为了 or 了解, 要 none in 重要 or
要求, 将 none after 已 or 并, where it marks an object: 已将X列入).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import ahocorasick_rs

from kg.errors import DataError
from kg.types import Modality, Predicate, Span

__all__ = ["Cue", "classify", "cues", "plan_like"]

#: The columns of ``modality.tsv`` with their valid values.
_COLUMNS = {
    "modality": frozenset({"accomplished", "planned"}),
    "strength": frozenset({"strong", "weak"}),
    "scope": frozenset({"clause", "sentence", "paragraph", "title", "name"}),
}
#: Relations that say what a thing is (where it lies, what it belongs to).
_STATIVE = frozenset({Predicate.LOCATED_IN, Predicate.PART_OF})
#: Relations that a plan sets as goals (cooperating, taking part in building).
_ACTS = frozenset({Predicate.COOPERATES_WITH, Predicate.PARTICIPATES_IN})
#: Characters that end a clause.
_CLAUSE_END = frozenset(",，;；:：。!?！？\n")
#: Contexts in which a cue word is part of another word: (word, before, after).
_NOT_A_CUE: dict[str, tuple[str, str]] = {
    "了": ("为除罢", "解不如"),
    "要": ("重主纪摘概提首显需必只扼", "求素点件闻害"),
    "应": ("相供响适对反效呼感回答", "用急对届该"),
    "将": ("已并均即拟亦", "军领士"),
    "请": ("申邀聘提报呈", "求示"),
    "须": ("必无", "知"),
    "曾": ("", "经"),
    "拟": ("", "将定"),
    "计划": ("", "单"),
    "目标": ("", ""),
}


@dataclass(frozen=True, slots=True)
class Cue:
    """One row of ``modality.tsv``."""

    word: str
    modality: Modality
    strong: bool
    scope: str


@cache
def cues() -> tuple[Cue, ...]:
    """The rows of ``data/gazetteer/modality.tsv``, checked (a bad value names file and line)."""
    from kg.extract.tables import tsv
    from kg.resources import data_file

    out = []
    for line, row in enumerate(tsv("modality.tsv"), start=2):
        for col, valid in _COLUMNS.items():
            if row.get(col) not in valid:
                path = data_file("gazetteer", "modality.tsv")
                raise DataError(
                    f"{path}:{line}: {col} {row.get(col)!r} is not one of "
                    f"{', '.join(sorted(valid))}"
                )
        if not row["word"]:
            raise DataError(f"{data_file('gazetteer', 'modality.tsv')}:{line}: empty word")
        out.append(
            Cue(row["word"], Modality(row["modality"]), row["strength"] == "strong", row["scope"])
        )
    return tuple(out)


@cache
def _matcher(scope: str) -> tuple[ahocorasick_rs.AhoCorasick, tuple[Cue, ...]]:
    rows = tuple(c for c in cues() if c.scope == scope)
    ac = ahocorasick_rs.AhoCorasick(
        [c.word for c in rows], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )
    return ac, rows


def _found(
    text: str, start: int, end: int, scope: str, names: Sequence[Span]
) -> list[tuple[int, int, Cue]]:
    """The cues of ``scope`` in ``text[start:end]`` as ``(start, end, cue)``, outside names."""
    if start >= end:
        return []
    ac, rows = _matcher(scope)
    out = []
    for i, a, b in ac.find_matches_as_indexes(text[start:end]):
        a, b = a + start, b + start
        cue = rows[i]
        guard = _NOT_A_CUE.get(cue.word)
        if guard is not None:
            before, after = guard
            if (a > 0 and text[a - 1] in before) or (b < len(text) and text[b] in after):
                continue
        if any(n.start <= a and b <= n.end for n in names):
            continue
        out.append((a, b, cue))
    return out


def plan_like(title: str | None) -> bool:
    """Whether a document's title names a plan, programme or work report (``title`` cues).

    >>> plan_like("江苏省政府关于印发宁镇扬同城化发展规划的通知"), plan_like("两市签署合作协议")
    (True, False)
    """
    if not title:
        return False
    return bool(_found(title, 0, len(title), "title", ()))


def _clause_start(text: str, lo: int, at: int) -> int:
    i = at
    while i > lo and text[i - 1] not in _CLAUSE_END:
        i -= 1
    return i


def _clause_end(text: str, at: int, hi: int) -> int:
    i = at
    while i < hi and text[i] not in _CLAUSE_END:
        i += 1
    return i


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")


def _paragraph_planned(text: str, sentence: Span, names: Sequence[Span]) -> bool:
    """Whether a next-steps heading (下一步…) opens the part of the text the sentence is in:
    the nearest line before it (up to a blank line) that is a heading or holds a
    paragraph cue."""
    i = sentence.start
    lines = 0
    while i > 0 and lines < 12:
        j = text.rfind("\n", 0, i - 1) + 1
        line = text[j:i].strip()
        if not line and lines:
            return False
        if line and (_found(text, j, i, "paragraph", names) or _HEADING.match(line)):
            return bool(_found(text, j, i, "paragraph", names))
        i = j
        lines += 1
        if j == 0:
            break
    return False


def classify(
    text: str,
    sentence: Span,
    core: tuple[int, int] | None,
    predicate: Predicate,
    *,
    stated: str | None = None,
    document_date: str | None = None,
    plan: bool = False,
    names: Sequence[Span] = (),
) -> Modality:
    """The modality of a relation stated in ``text[sentence]`` (the normalised text).

    ``core`` spans the relation's words in the sentence (from the first of its two
    entities' mentions to the last; ``None`` when they are not both there), ``stated``
    its stated time, ``document_date`` the document's, ``plan`` whether the document
    is a plan (see :func:`plan_like`), ``names`` the spans of names, in which no cue
    counts.

    >>> t = "会上两市签署了合作框架协议,双方将深化合作。"
    >>> classify(t, Span(0, len(t)), (2, 13), Predicate.SIGNED).value
    'accomplished'
    >>> classify(t, Span(0, len(t)), (15, 21), Predicate.COOPERATES_WITH).value
    'planned'
    >>> classify("力争到2025年建成。", Span(0, 11), None, Predicate.PARTICIPATES_IN,
    ...          stated="2025", document_date="2021-03-01").value
    'planned'
    """
    if stated and document_date and stated[: len(document_date)] > document_date:
        return Modality.PLANNED
    lo, hi = sentence.start, sentence.end
    if core is None:
        start, end = lo, hi
    else:
        start, end = max(lo, core[0]), min(hi, core[1])
    # a name that holds the relation's words (常泰 in 关于加快常泰融合的建议) is its
    # statement: its cues count; cues in other names do not
    holding = [n for n in names if n.start <= start and end <= n.end and core is not None]
    names = [n for n in names if n not in holding]
    c_lo, c_hi = _clause_start(text, lo, start), _clause_end(text, end, hi)
    # the clause of each of the two entities (and what lies between them when they
    # share one): a clause between them that names neither says something else
    first_end = _clause_end(text, start, hi)
    last_lo = _clause_start(text, lo, max(start, end - 1))
    parts = [(c_lo, c_hi)] if last_lo <= first_end else [(c_lo, first_end), (last_lo, c_hi)]
    clause = sorted(
        (
            x
            for a, b in parts
            for x in _found(text, a, b, "clause", names) + _found(text, a, b, "sentence", names)
        ),
        key=lambda x: x[0],
    )
    strong = [(a, cue) for a, _, cue in clause if cue.strong]
    if predicate in _STATIVE:
        inside = [cue for a, cue in strong if start <= a < end or a == start - 1]
        if any(cue.modality is Modality.PLANNED for cue in inside):
            return Modality.PLANNED
        return Modality.ACCOMPLISHED
    before = [cue for a, cue in strong if a < end]
    if before:
        return before[-1].modality
    if strong:
        return strong[0][1].modality
    earlier = [
        (a, cue)
        for a, _, cue in _found(text, lo, c_lo, "clause", names)
        + _found(text, lo, c_lo, "sentence", names)
        if cue.strong
    ]
    if earlier:
        return max(earlier, key=lambda x: x[0])[1].modality
    if _paragraph_planned(text, sentence, names):
        return Modality.PLANNED
    for n in holding:  # 《宁镇扬同城化发展规划》, 关于…的建议: a plan or a proposal
        found = _found(text, n.start, n.end, "name", ())
        if found:
            return found[-1][2].modality
    if any(not cue.strong and cue.modality is Modality.PLANNED for _, _, cue in clause):
        return Modality.PLANNED if plan else Modality.ACCOMPLISHED
    if plan and predicate in _ACTS:
        return Modality.PLANNED  # a plan's cooperation and participation are its goals
    return Modality.ACCOMPLISHED

"""Bodies listed with one already known: 市教委、市民政局、市人力社保局 are all bodies.

A reply names the departments it consulted in a list, each by the level word of its
government and its short name (经与市教委、市民政局、市人力社保局、市卫生健康委研究).
Where one item of such a list is a body the rules or the tagger found and opens with a
level word (``grammar.tsv`` role ``level-prefix``: 省, 市, 自治区 …), the other items
that end as a body's name does (an Agency ending of ``suffixes.tsv``, or ``grammar.tsv``
role ``body-short-ending``: 委, 办) are bodies too, when they open with a level word
(市委, 省同城化办) or have four characters or more (省商务厅、交通运输厅: the level is
shared), and no other name covers them.

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.persons import is_cjk
from kg.extract.spans import Cover, in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "bodies_in_lists"]

#: What a mention found here carries as its rule name.
RULE = "body-list"
#: The longest item of a list read as a body's short name.
_MAX = 12


@cache
def _words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    endings = {*tables.endings("Agency"), *tables.grammar("body-short-ending")}
    return tables.grammar("level-prefix"), tuple(sorted(endings, key=len, reverse=True))


def bodies_in_lists(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` and an Agency mention for each other body of a list that holds one.

    >>> t = "经与市教委、市人力社保局、市卫生健康委研究"
    >>> ms = [Mention(Span(2, 5), "市教委", EntityType.AGENCY, "jurisdiction", None)]
    >>> [m.surface for m in bodies_in_lists(t, ms, 0.5)]
    ['市教委', '市人力社保局', '市卫生健康委']
    """
    levels, endings = _words()
    bodies: list[tuple[Mention, str]] = []
    for m in mentions:
        level = next((w for w in levels if m.surface.startswith(w)), None)
        if m.type == EntityType.AGENCY and level is not None:
            bodies.append((m, level))
    if not bodies:
        return list(mentions)
    taken = Cover((m.span.start, m.span.end) for m in mentions)
    seen = {(m.span.start, m.span.end) for m in mentions if m.type == EntityType.AGENCY}
    added: list[Mention] = []

    def item(a: int, b: int) -> bool:
        """Whether text[a:b] is a body (added unless known): one opening with a level
        word (市委, 省同城化办), or of four characters or more sharing the level of
        the body before it (省商务厅、交通运输厅)."""
        s = text[a:b]
        if (a, b) in seen:
            return True
        if not s.endswith(endings) or len(s) < 2:
            return False
        opens = next((w for w in levels if s.startswith(w) and len(s) > len(w)), None)
        if opens is None and len(s) < 4:
            return False
        if taken.overlaps(a, b):
            return False
        seen.add((a, b))
        added.append(Mention(Span(a, b), s, EntityType.AGENCY, RULE, None, None, confidence))
        return True

    for m, level in bodies:
        pos = m.span.start  # leftwards: …、市民政局、[市教委]
        while pos >= 2 and text[pos - 1] == "、":
            k = pos - 1
            while k > 0 and is_cjk(text[k - 1]) and pos - k <= _MAX:
                k -= 1
            # the first item opens after the words before the list (经与市民政局、…)
            k = text.find(level, k, pos - 1) if k == 0 or text[k - 1] != "、" else k
            if k < 0 or not item(k, pos - 1):
                break
            pos = k
        pos = m.span.end  # rightwards: [市教委]、市民政局、…
        while pos < len(text) - 1 and text[pos] == "、":
            k = pos + 1
            while k < len(text) and is_cjk(text[k]) and k - pos <= _MAX and text[k] != "、":
                k += 1
            # the last item runs into the verb after the list (…、市卫生健康委研究): cut it
            # after the longest body ending within it
            end = max(
                (j + len(e) for e in endings for j in [text.rfind(e, pos + 1, k)] if j >= 0),
                default=k,
            )
            if not item(pos + 1, end):
                break
            pos = end
    if not added:
        return list(mentions)
    return in_text_order([*mentions, *added])

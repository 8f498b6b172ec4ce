"""Interval queries over half-open character spans in O(log n) each.

Extraction asks the same few questions of many spans: is this span inside a
longer one, does it overlap any of these, which spans lie between two offsets.
Answering them by scanning every span makes a document's cost quadratic in its
length; :class:`Cover` and :class:`Sorted` answer them from sorted arrays.

>>> c = Cover([(0, 5), (3, 4), (10, 12)])
>>> c.inside_longer(3, 4), c.inside_longer(0, 5), c.overlaps(4, 10), c.overlaps(5, 10)
(True, False, True, False)
>>> c.covers(11), c.covers(12)
(True, False)
>>> Sorted([(0, 3, "a"), (2, 4, "b"), (5, 6, "c")], key=lambda t: t[:2]).within(1, 6)
[(2, 4, 'b'), (5, 6, 'c')]
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from kg.types import Mention

T = TypeVar("T")

__all__ = ["Cover", "Sorted", "in_text_order", "maximal"]


def in_text_order(mentions: Iterable[Mention]) -> list[Mention]:
    """``mentions`` in the order the steps of extraction hand them on: by where they
    start, a longer one first where two start together."""
    return sorted(mentions, key=lambda m: (m.span.start, -m.span.end))


class Cover:
    """A fixed set of spans, for containment and overlap questions."""

    __slots__ = ("_starts", "_ends_desc", "_max_end")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted({(s, -e) for s, e in spans})  # by start, longest first
        self._starts = [s for s, _ in ordered]
        self._ends_desc = [-ne for _, ne in ordered]
        self._max_end = list(accumulate(self._ends_desc, max))

    def _max_end_before(self, k: int) -> int:
        return self._max_end[k - 1] if k > 0 else -1

    def inside_longer(self, start: int, end: int) -> bool:
        """Whether a longer span of the cover contains ``[start, end)``."""
        lo = bisect_left(self._starts, start)
        if self._max_end_before(lo) >= end:
            return True  # starts earlier, ends no earlier
        # same start: the first one (longest) must end later
        return lo < len(self._starts) and self._starts[lo] == start and self._ends_desc[lo] > end

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span of the cover shares a character with ``[start, end)``."""
        return self._max_end_before(bisect_left(self._starts, end)) > start

    def covers(self, pos: int) -> bool:
        """Whether some span of the cover holds the character at ``pos``."""
        return self._max_end_before(bisect_right(self._starts, pos)) > pos


class Sorted(Generic[T]):
    """Items with spans, sorted by start (longest first): the ones inside a window."""

    __slots__ = ("items", "_starts", "_ends")

    def __init__(self, items: Iterable[T], key: Callable[[T], tuple[int, int]]) -> None:
        listed = list(items)
        spans = [key(it) for it in listed]
        order = sorted(range(len(listed)), key=lambda i: (spans[i][0], -spans[i][1]))
        self.items: list[T] = [listed[i] for i in order]
        self._starts = [spans[i][0] for i in order]
        self._ends = [spans[i][1] for i in order]

    def within(self, start: int, end: int) -> list[T]:
        """Items whose span lies inside ``[start, end)``, in text order."""
        lo = bisect_left(self._starts, start)
        hi = bisect_left(self._starts, end)
        ends, items = self._ends, self.items
        return [items[i] for i in range(lo, hi) if ends[i] <= end]

    def starting_in(self, start: int, end: int) -> list[T]:
        """Items whose span starts inside ``[start, end)``."""
        return self.items[bisect_left(self._starts, start) : bisect_left(self._starts, end)]


def maximal(spans: Sequence[tuple[int, int]], covers: Iterable[tuple[int, int]] = ()) -> list[bool]:
    """For each span: True when no longer span of ``spans`` or ``covers`` contains it.

    One sort and one sweep: in (start, longest first) order, a span is inside a
    longer one exactly when an earlier, different span ends no earlier.

    >>> maximal([(0, 2), (0, 4), (1, 3), (5, 6), (5, 6)], [(4, 7)])
    [False, True, False, False, False]
    >>> maximal([(2, 3), (2, 3), (0, 1)])
    [True, True, True]
    """
    n = len(spans)
    items = [(s, -e, i) for i, (s, e) in enumerate(spans)]
    items += [(s, -e, n) for s, e in covers]
    items.sort()
    out = [True] * n
    best = -1  # furthest end of the spans before the current group of equal spans
    group: tuple[int, int] | None = None
    group_best = -1
    for s, ne, i in items:
        if (s, ne) != group:
            best = max(best, group_best)
            group, group_best = (s, ne), -ne
        if i < n and best >= -ne:
            out[i] = False
    return out

"""Time on every fact: the document's date and the time a relation's sentence states.

A document's date is the one its metadata gives: published, else signed, else
written (:func:`document_date`). A relation's *stated time* is the time its
sentence gives for it, in ISO form at the precision written: ``2024``
(2024年), ``2024-01`` (2024年1月) or ``2024-01-15`` (2024年1月15日, or 1月15日 and
15日 in a document of January 2024). Words relative to the present (今年, 去年,
上月, 昨日, 今日…) are resolved against the document's date, and left unread in a
document without one; a time inside a name (2023年闽东北…联席会议), a range
(2014-2020年) or a target after 到 or 至 that is not a year is not read.

Of the times a sentence gives, a relation takes the last one before the nearer of
its two entities' mentions there, else the first one between them (Chinese puts
the time before the verb: 2019年1月26日,省委省政府印发了《…》).

The year a fact counts for in yearly views (:func:`fact_year`) is the stated year
when it is not after the document's date (a year after it is a target, not when the
relation was stated), else the document's year.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kg.io.dates import han_number
from kg.types import Span

__all__ = [
    "DATE_FIELDS",
    "TimeMention",
    "document_date",
    "fact_year",
    "relation_time",
    "time_mentions",
]

#: Metadata fields that date a document, in the order they are preferred.
DATE_FIELDS: tuple[str, ...] = ("published", "signed_date", "written")

_Y = r"(?:1[89]|20)\d{2}"
_HY = r"[〇零○一二三四五六七八九]{4}"
_M = r"(?:1[0-2]|0?[1-9])"
_HM = r"(?:十[一二]?|[一二三四五六七八九])"
_D = r"(?:3[01]|[12]\d|0?[1-9])"
_HD = r"(?:三十[一]?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"

#: Absolute and relative time expressions, tried at each position (longest first).
_TIME_RE = re.compile(
    rf"(?P<y>{_Y}|{_HY})\s*年(?:\s*(?P<m>{_M}|{_HM})\s*月(?:\s*(?P<d>{_D}|{_HD})\s*[日号])?)?"
    rf"|(?P<rel>今年|去年|前年|明年|上年|本年|当年)(?:\s*(?P<rm>{_M}|{_HM})\s*月"
    rf"(?:\s*(?P<rd>{_D}|{_HD})\s*[日号])?)?"
    rf"|(?P<m2>{_M}|{_HM})\s*月\s*(?P<d2>{_D}|{_HD})\s*[日号]"
    rf"|(?P<day>昨日|昨天|今日|今天|前日|前天)"
    rf"|(?<![\d月年])(?P<d3>{_D}|{_HD})日(?=[上下中晚凌早,，在至到])"
)
#: Characters before a year that make it part of a range or a duration (2014-2020年).
_RANGE_BEFORE = frozenset("-—–~～至到")
#: What after a year makes it no time of the fact (2020年前 is a deadline: kept; 年代, 年间 not).
_NOT_TIME_AFTER = ("年代", "年间", "年来", "年以来")


@dataclass(frozen=True, slots=True)
class TimeMention:
    """A time a text gives: where, and its ISO form (``2024``, ``2024-01``, ``2024-01-15``)."""

    start: int
    end: int
    iso: str


def document_date(metadata: Mapping[str, str] | Iterable[tuple[str, str]]) -> str | None:
    """The document's date (ISO) from its metadata: published, else signed, else written.

    >>> document_date({"written": "2024-09-20", "published": "2024-09-21"})
    '2024-09-21'
    >>> document_date({"title": "x"}) is None
    True
    """
    meta = dict(metadata.items() if isinstance(metadata, Mapping) else metadata)
    for name in DATE_FIELDS:
        value = (meta.get(name) or "").strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                _dt.date.fromisoformat(value)
            except ValueError:
                continue
            return value
    return None


def _num(s: str | None) -> int | None:
    if not s:
        return None
    return int(s) if s.isdigit() else han_number(s)


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        if day is not None and month is not None:
            return _dt.date(year, month, day).isoformat()
        if month is not None:
            _dt.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
    except ValueError:
        return None
    return f"{year:04d}"


def _before(date: _dt.date, limit: _dt.date | None) -> bool:
    return limit is None or date <= limit


def _resolve(m: re.Match[str], today: _dt.date | None) -> str | None:
    """The ISO form of one match of :data:`_TIME_RE` (``today``: the document's date)."""
    g = m.groupdict()
    if g["y"]:
        return _iso(_num(g["y"]) or 0, _num(g["m"]), _num(g["d"]))
    if today is None:
        return None
    if g["rel"]:
        shift = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
        year = today.year + shift[g["rel"]]
        return _iso(year, _num(g["rm"]), _num(g["rd"]))
    if g["day"]:
        back = {"今日": 0, "今天": 0, "昨日": 1, "昨天": 1, "前日": 2, "前天": 2}[g["day"]]
        return (today - _dt.timedelta(days=back)).isoformat()
    if g["m2"]:  # a month and day of the document's year, or of the year before
        month, day = _num(g["m2"]), _num(g["d2"])
        if month is None or day is None:
            return None
        for year in (today.year, today.year - 1):
            iso = _iso(year, month, day)
            if iso is None:
                return None
            if _before(_dt.date.fromisoformat(iso), today):
                return iso
        return None
    day = _num(g["d3"])
    if day is None:  # a day of the document's month, or of the month before
        return None
    year, month = today.year, today.month
    for _ in range(2):
        iso = _iso(year, month, day)
        if iso is not None and _before(_dt.date.fromisoformat(iso), today):
            return iso
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None


def time_mentions(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    today: str | None = None,
    names: Sequence[Span] = (),
) -> list[TimeMention]:
    """The times ``text[start:end]`` gives, resolved against the date ``today`` (ISO).

    ``names`` are spans of names: a time inside one is part of the name, not a time
    of the text.

    >>> t = "2019年1月26日,省委省政府印发了《行动计划》。今年3月,两市签署协议。"
    >>> [m.iso for m in time_mentions(t, today="2024-05-01")]
    ['2019-01-26', '2024-03']
    >>> [m.iso for m in time_mentions("规划期为2014-2020年。", today=None)]
    []
    >>> [m.iso for m in time_mentions("25日,联席会议在福州召开。", today="2023-12-26")]
    ['2023-12-25']
    """
    stop = len(text) if end is None else end
    ref = _dt.date.fromisoformat(today) if today else None
    out: list[TimeMention] = []
    for m in _TIME_RE.finditer(text, start, stop):
        a, b = m.start(), m.end()
        if any(n.start <= a and b <= n.end for n in names):
            continue
        if m.group("y"):
            before = text[a - 1] if a > 0 else ""
            if before in _RANGE_BEFORE and a > 1 and text[a - 2].isdigit():
                continue  # 2014-2020年: a range
            if text.startswith(_NOT_TIME_AFTER, b - 1):
                continue
            if before.isdigit():
                continue
        iso = _resolve(m, ref)
        if iso is not None:
            out.append(TimeMention(a, b, iso))
    return out


def relation_time(
    mentions: Sequence[TimeMention], core: tuple[int, int] | None
) -> TimeMention | None:
    """The time of a relation among its sentence's ``mentions``: the last before ``core``
    (the span from the first to the last of its two entities' mentions in the
    sentence), else the first inside it; ``None`` when ``core`` is unknown and the
    sentence gives more than one time.

    >>> ms = [TimeMention(0, 5, "2019"), TimeMention(10, 15, "2020")]
    >>> relation_time(ms, (8, 20)).iso, relation_time(ms, (16, 30)).iso
    ('2019', '2020')
    >>> relation_time(ms, (2, 30)).iso
    '2020'
    """
    if not mentions:
        return None
    if core is None:
        return mentions[0] if len(mentions) == 1 else None
    start, end = core
    before = [m for m in mentions if m.end <= start]
    if before:
        return before[-1]
    inside = [m for m in mentions if start <= m.start and m.end <= end]
    return inside[0] if inside else None


def fact_year(stated: str | None, document: str | None) -> int | None:
    """The year a fact counts for: the stated year unless it is after the document's
    date (then a target: the document's year), else the document's year.

    >>> fact_year("2019-05", "2024-09-21"), fact_year("2025", "2021-03-01"), fact_year(None, None)
    (2019, 2021, None)
    >>> fact_year("2018", None), fact_year(None, "2020-01-02")
    (2018, 2020)
    """
    doc_year = int(document[:4]) if document else None
    if stated:
        year = int(stated[:4])
        if doc_year is None or stated <= (document or ""):
            return year
        return doc_year
    return doc_year

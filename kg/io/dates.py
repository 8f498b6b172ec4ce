"""Dates as Chinese official pages and documents write them, in ISO form.

Forms read: ``2024-02-28``, ``2024/2/28``, ``2024.2.28``, ``2024年2月28日``,
``二〇二四年二月二十八日``, and ``28.02.2024`` (day first) only when the day cannot be
a month (over 12): ``02.03.2016`` is left unread, never guessed.

>>> parse_date("2024年9月21日"), parse_date("二〇二一年七月十九日"), parse_date("17.05.2014 08:32")
('2024-09-21', '2021-07-19', '2014-05-17')
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = [
    "DATES",
    "TIME",
    "WEEKDAY",
    "date_at_start",
    "date_only",
    "find_date",
    "han_number",
    "iso_of",
    "parse_date",
]

ARABIC_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})(?!\d)\s*日?")
#: Day first (17.05.2014): read only when the day cannot be a month.
DAY_FIRST_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])")
HAN_DATE = re.compile(
    r"([〇零○O0一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"\s*([一二三四五六七八九十]{1,3})\s*日"
)
#: Every date pattern, in the order they are tried.
DATES = (ARABIC_DATE, HAN_DATE, DAY_FIRST_DATE)
#: A time of day after a date: 08:32, 21:37:23, 16时41分.
TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}时\d{1,2}分(?:\d{1,2}秒)?")
#: A weekday after a date: 星期五, 周日.
WEEKDAY = re.compile(r"(?:星期|周)[一二三四五六日天]")
_HAN_DIGITS = "〇一二三四五六七八九"


def han_number(s: str) -> int | None:
    """A Chinese numeral below 10000 as an int (``十二`` -> 12, ``一百零五`` -> 105).

    >>> han_number("五"), han_number("二十一"), han_number("一百零五"), han_number("二〇二一")
    (5, 21, 105, 2021)
    """
    digits = {c: i for i, c in enumerate(_HAN_DIGITS)} | {"零": 0, "○": 0, "O": 0, "0": 0, "两": 2}
    units = {"十": 10, "百": 100, "千": 1000}
    if s and all(c in digits for c in s):  # digit by digit: 二〇二一
        return int("".join(str(digits[c]) for c in s))
    total, current = 0, 0
    for c in s:
        if c in digits:
            current = digits[c]
        elif c in units:
            total += (current or 1) * units[c]
            current = 0
        else:
            return None
    return total + current if s else None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def iso_of(m: re.Match[str]) -> str | None:
    """The ISO date of a match of one of :data:`DATES`, or None when it is no date."""
    if m.re is HAN_DATE:
        year, month, day = (han_number(g) for g in m.groups())
        if year is None or month is None or day is None:
            return None
        return _iso(year, month, day)
    if m.re is DAY_FIRST_DATE:
        day, month, year = (int(g) for g in m.groups())
        return _iso(year, month, day) if day > 12 else None
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def find_date(s: str) -> tuple[str, int, int] | None:
    """The first date in ``s``: its ISO form, start and end; None when there is none.

    >>> find_date("发布时间:2023年08月11日 10:00")
    ('2023-08-11', 5, 16)
    """
    best: tuple[str, int, int] | None = None
    for pattern in DATES:
        for m in pattern.finditer(s):
            if best is not None and m.start() >= best[1]:
                break
            iso = iso_of(m)
            if iso:
                best = (iso, m.start(), m.end())
                break
    return best


def date_at_start(s: str) -> tuple[str, int] | None:
    """The ISO date a string starts with and where it ends, if it starts with one."""
    for pattern in DATES:
        m = pattern.match(s)
        if m:
            iso = iso_of(m)
            return (iso, m.end()) if iso else None
    return None


def parse_date(s: str) -> str | None:
    """The ISO form of the date ``s`` starts with (after spaces), or None.

    >>> parse_date("2024年9月21日"), parse_date("2019-12-17 21:37:23"), parse_date("二〇二一年七月十九日")
    ('2024-09-21', '2019-12-17', '2021-07-19')
    >>> parse_date("17.05.2014 08:32"), parse_date("02.03.2016"), parse_date("2024年13月1日")
    ('2014-05-17', None, None)
    """
    found = date_at_start(s.strip())
    return found[0] if found else None


def date_only(s: str) -> str | None:
    """The date of a line that holds a date (and perhaps a time) and nothing else,
    perhaps in brackets.

    >>> date_only("[2012-01-05]"), date_only("2014年8月10日"), date_only("2014年8月10日电")
    ('2012-01-05', '2014-08-10', None)
    """
    s = s.strip("[]【】() ")
    found = date_at_start(s)
    if not found:
        return None
    rest = s[found[1] :].strip()
    return found[0] if not rest or TIME.fullmatch(rest) else None

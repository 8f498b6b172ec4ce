"""Indicators: the figures a document states, as data (``2023年郑州市地区生产总值13617.8亿元``).

A figure is an Arabic number followed by a unit of ``data/gazetteer/indicator_units.tsv``
(亿元, 万元, 万人, %, 件, 家, 个, 项, 平方公里…), read into base units (13617.8亿元 ->
1361780000000 元). The words of ``data/gazetteer/indicator_words.tsv`` say what
surrounds it: qualifiers (突破, 超过, 近, 约 before it; 以上, 多, 左右 after it),
verbs between a measure and its figure (达到, 为, 共计…), words that open a clause
and name nothing (其中, 全市…), 等 (a count after it only sums up the names listed
before it: 中集集团、中外运等5家企业 is no indicator) and 第 (an ordinal).

What is measured is read leftwards from the figure to the start of its clause, less
a time and a place it opens with (2023年郑州市地区生产总值 -> 地区生产总值); a count
whose measure stands after it (已启动15个工业园区, 14个项目当场签约) takes those
words too. A share that follows another figure takes its name (服务业增加值8072.2亿元,
占比达到59.3% -> 服务业增加值占比).

The place is the last place, region or zone named before the figure in its sentence,
else, in a document that speaks of its own place (我市, 全省…), that place; the period
is the last time the sentence gives before the figure (:mod:`kg.extract.timing`).
A figure inside a name, a figure read twice (the same measure, value and unit) and a
measure of fewer than two characters are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

import ahocorasick_rs

from kg.errors import DataError
from kg.types import Document, Entity, EntityType, Indicator, Span

__all__ = ["Unit", "find_indicators", "read_value", "units"]

_KINDS = frozenset({"money", "money-bare", "people", "percent", "count", "area"})
_WORD_KINDS = frozenset(
    {"more", "more-after", "less", "approx", "approx-after", "verb", "lead", "list", "ordinal"}
)
_QUALIFIERS = {
    "more": "more than",
    "more-after": "more than",
    "less": "less than",
    "approx": "approximately",
    "approx-after": "approximately",
}
#: Characters that end a clause on the left of a figure.
_CLAUSE_STOP = frozenset(',，。;；:：!?！？\n()（）“”"《》【】[]')
#: Characters that end a measure's name on its left.
_LEFT_STOP = _CLAUSE_STOP | {"、"}
#: Characters that end a counted thing's name on its right.
_RIGHT_STOP = frozenset(",，。;；:：!?！？\n()（）《》、的与和及在对将已被把向从等")
#: Quotation marks, left out of a counted thing's name (355项“川渝通办”事项).
_QUOTES = frozenset('“”"‘’「」')
#: A list of names after a count (8个城市,分别是南京、镇江…).
_LISTED_AFTER = re.compile(r"[,，:：]?(?:分别是|分别为|包括|即|为)[^,，。;；]{0,20}、")
#: Places, regions and zones: what a figure may describe.
_PLACES = frozenset({EntityType.PLACE, EntityType.REGION, EntityType.ZONE})
#: Words by which a document speaks of its own place.
_OWN = ("我市", "我省", "我区", "我县", "全市", "全省", "本市", "本省")
_NUMBER = re.compile(r"(?<![\d.])(?<!\d,)\d+(?:,\d{3})*(?:\.\d+)?")
_MAX_NAME = 24


@dataclass(frozen=True, slots=True)
class Unit:
    """One row of ``indicator_units.tsv``: a unit as written, its base unit and factor."""

    unit: str
    base: str
    factor: Decimal
    kind: str


def _rows(name: str, columns: dict[str, frozenset[str] | None]) -> list[dict[str, str]]:
    from kg.extract.tables import tsv
    from kg.resources import data_file

    rows = tsv(name)
    for line, row in enumerate(rows, start=2):
        for col, valid in columns.items():
            value = row.get(col)
            if not value or (valid is not None and value not in valid):
                what = f"one of {', '.join(sorted(valid))}" if valid else "a value"
                raise DataError(
                    f"{data_file('gazetteer', name)}:{line}: {col} {value!r} is not {what}"
                )
    return rows


@cache
def units() -> tuple[Unit, ...]:
    """The units of ``indicator_units.tsv``, checked (a bad row names file and line)."""
    out = []
    for row in _rows("indicator_units.tsv", {"unit": None, "base": None, "factor": None}):
        try:
            factor = Decimal(row["factor"])
        except InvalidOperation:
            from kg.resources import data_file

            raise DataError(
                f"{data_file('gazetteer', 'indicator_units.tsv')}: factor {row['factor']!r} "
                "is not a number"
            ) from None
        if row["kind"] not in _KINDS:
            from kg.resources import data_file

            raise DataError(
                f"{data_file('gazetteer', 'indicator_units.tsv')}: kind {row['kind']!r} is not "
                f"one of {', '.join(sorted(_KINDS))}"
            )
        out.append(Unit(row["unit"], row["base"], factor, row["kind"]))
    return tuple(out)


@cache
def _words() -> dict[str, tuple[str, ...]]:
    by_kind: dict[str, list[str]] = {}
    for row in _rows("indicator_words.tsv", {"word": None, "kind": _WORD_KINDS}):
        by_kind.setdefault(row["kind"], []).append(row["word"])
    # longest first, so that 达到 is taken before 达
    return {k: tuple(sorted(v, key=lambda w: (-len(w), w))) for k, v in by_kind.items()}


@cache
def _unit_matcher() -> tuple[ahocorasick_rs.AhoCorasick, tuple[Unit, ...]]:
    rows = units()
    ac = ahocorasick_rs.AhoCorasick(
        [u.unit for u in rows], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )
    return ac, rows


def read_value(number: str, unit: Unit) -> str:
    """The figure in base units, as a plain decimal string.

    >>> u = Unit("亿元", "元", Decimal(100000000), "money")
    >>> read_value("13617.8", u), read_value("1,200", u)
    ('1361780000000', '120000000000')
    >>> read_value("59.30", Unit("%", "%", Decimal(1), "percent"))
    '59.3'
    """
    value = (Decimal(number.replace(",", "")) * unit.factor).normalize()
    text = format(value, "f")
    return text


def _unit_at(text: str, at: int) -> Unit | None:
    """The unit written at ``text[at:]``, if any (the longest)."""
    ac, rows = _unit_matcher()
    for i, a, b in ac.find_matches_as_indexes(text[at : at + 6]):
        if a != 0:
            break
        unit = rows[i]
        if unit.kind == "money-bare":  # 超500亿: only a bare 亿 at the end of a clause
            nxt = text[at + b : at + b + 1]
            if nxt and nxt not in _LEFT_STOP and nxt not in "、":
                return None
        return unit
    return None


def _strip_end(name: str, words: Sequence[str]) -> tuple[str, str | None]:
    """``name`` without the words of ``words`` it ends with (repeatedly); the last taken."""
    taken = None
    changed = True
    while changed and name:
        changed = False
        for w in words:
            if name.endswith(w):
                name, taken = name[: -len(w)], taken or w
                changed = True
                break
    return name, taken


def _strip_start(name: str, words: Sequence[str]) -> str:
    changed = True
    while changed and name:
        changed = False
        for w in words:
            if name.startswith(w) and len(name) > len(w):
                name = name[len(w) :]
                changed = True
                break
    return name


def _cjk(s: str) -> int:
    return sum(1 for ch in s if "\u3400" <= ch <= "\u9fff")


def find_indicators(doc: Document, entities: Sequence[Entity]) -> tuple[Indicator, ...]:
    """The figures ``doc`` states, in text order.

    >>> from kg.text.normalize import normalize
    >>> t = "2023年郑州市地区生产总值13617.8亿元,其中服务业增加值8072.2亿元,占比达到59.3%。"
    >>> d = Document(path="a.txt", text=t, norm=normalize(t), metadata={"published": "2024-09-21"})
    >>> zz = Entity("Place/410100", "郑州市", EntityType.PLACE, mentions=(Span(5, 8),))
    >>> [(i.name, i.value, i.unit, i.place, i.period) for i in find_indicators(d, [zz])]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('地区生产总值', '1361780000000', '元', 'Place/410100', '2023'),
     ('服务业增加值', '807220000000', '元', 'Place/410100', '2023'),
     ('服务业增加值占比', '59.3', '%', 'Place/410100', '2023')]
    """
    from kg.extract.timing import document_date, time_mentions
    from kg.text.segment import sentences

    text = doc.norm
    if not _NUMBER.search(text):
        return ()
    words = _words()
    quals_before = words.get("more", ()) + words.get("less", ()) + words.get("approx", ())
    quals_before = tuple(sorted(quals_before, key=lambda w: (-len(w), w)))
    quals_after = words.get("more-after", ()) + words.get("approx-after", ())
    verbs = tuple(sorted(words.get("verb", ()) + quals_before, key=lambda w: (-len(w), w)))
    kind_of = {w: k for k, ws in words.items() for w in ws}
    names = sorted({s for e in entities for s in e.mentions}, key=lambda s: s.start)
    places = sorted(
        ((s, e.id) for e in entities if e.type in _PLACES for s in e.mentions),
        key=lambda x: x[0].start,
    )
    today = document_date(doc.metadata)
    home = _home_place(doc, entities)
    out: list[Indicator] = []
    seen: set[tuple[str, str, str]] = set()
    for sent in sentences(text):
        body = text[sent.start : sent.end]
        if not _NUMBER.search(body):
            continue
        in_sentence = [s for s in names if sent.start <= s.start and s.end <= sent.end]
        times = time_mentions(text, sent.start, sent.end, today=today, names=in_sentence)
        previous: Indicator | None = None
        last_end = sent.start  # where the last figure of the sentence ended
        for m in _NUMBER.finditer(text, sent.start, sent.end):
            a, b = m.start(), m.end()
            if any(s.start <= a and b <= s.end for s in in_sentence):
                continue  # inside a name
            more_inside = text[b : b + 1] in ("多", "余")
            unit = _unit_at(text, b + (1 if more_inside else 0))
            if unit is None:
                continue
            u_end = b + (1 if more_inside else 0) + len(unit.unit)
            figure_lo, last_end = last_end, u_end
            # the clause on the left, and the measure's part of it (to a 、)
            lo = a
            while lo > sent.start and text[lo - 1] not in _CLAUSE_STOP:
                lo -= 1
            clause = text[lo:a]
            lo = max(lo, figure_lo)  # a name never reaches back over another figure
            left = text[lo:a].rsplit("、", 1)[-1]
            if text[a - 1 : a] in ("第",):
                continue
            if unit.kind == "count" and (
                "等" in left[-6:] or ("、" in clause and not re.search(r"\d", clause))
            ):
                continue  # 等5家企业; 洛阳、开封…共9个: a count of names just listed
            # the qualifier and the words after the figure
            qualifier = _QUALIFIERS["more-after"] if more_inside else None
            after = text[u_end : u_end + 2]
            tail = ""
            for w in quals_after:
                if after.startswith(w):
                    qualifier = _QUALIFIERS[kind_of[w]]
                    tail = w
                    break
            # the measure's name: the left part of the clause, less verbs and qualifiers
            name, verb = _strip_end(left.rstrip(), verbs)
            if verb is not None and verb in kind_of and kind_of[verb] in _QUALIFIERS:
                qualifier = _QUALIFIERS[kind_of[verb]]
            stated_start = a - (len(verb) if verb and kind_of.get(verb) in _QUALIFIERS else 0)
            if unit.kind == "count" and name.endswith(("的", "和", "及", "与")):
                name = ""  # 14.1亿元的14个项目, 13项政策和21个工程项目: the counted thing follows
            # a time and the places it opens with are no part of the name
            name_lo = a - len(left)
            for t in times:
                if name_lo <= t.start < a and t.end <= a:
                    cut = t.end - name_lo
                    name = name[cut:] if cut <= len(name) else ""
                    name_lo = t.end
            name = _strip_start(name, words.get("lead", ()))
            # the place: the last named in the clause before the figure, else the
            # sentence's first (its subject: 中原城市群以郑州为中心,包括…)
            place = None
            first: tuple[int, int, str] | None = None
            for s, pid in places:
                if s.start >= a:
                    break
                if s.start < sent.start:
                    continue
                if first is None or (s.start == first[0] and s.end > first[1]):
                    first = (s.start, s.end, pid)
                if s.start >= lo:
                    place = pid
                    head = text[s.start : s.end]
                    if name.startswith(head):
                        name = name[len(head) :]
            if place is None and first is not None:
                place = first[2]
            name = _strip_start(name, words.get("lead", ()))
            if name in words.get("lead", ()):
                name = ""  # 全省有10000个行政村: the counted thing follows
            if unit.kind == "count":
                r = u_end + len(tail)
                while r < sent.end and r - u_end < 12 and text[r] not in _RIGHT_STOP:
                    r += 1
                right = "".join(ch for ch in text[u_end + len(tail) : r] if ch not in _QUOTES)
                if _LISTED_AFTER.match(text, r):
                    continue  # 8个城市,分别是南京、镇江…: a count of names listed after it
                if _cjk(right) >= 2 and _cjk(name) < 2:
                    name = right
                elif _cjk(right) >= 2 and verb is None and name and _cjk(name) <= 4:
                    name = name + right  # 已启动15个工业园区
            if _cjk(name) < 2 and previous is not None:
                name = previous.name  # 到2015年开发面积达到601平方公里,到2020年达到921平方公里
            if name.startswith(("占", "分别占")) and previous is not None:
                name = previous.name + name.removeprefix("分别")
            name = name.strip()[-_MAX_NAME:]
            if _cjk(name) < 2:
                continue
            period = None
            for t in times:
                if t.end <= a:
                    period = t.iso
            if place is None and home is not None:
                place = home
            value = read_value(m.group(), unit)
            if any(_same(name, value, unit.base, k) for k in seen):
                continue  # read before (a headline and its story)
            seen.add((name, value, unit.base))
            ind = Indicator(
                name=name,
                value=value,
                unit=unit.base,
                stated=doc.text[stated_start : u_end + len(tail)],
                span=Span(stated_start, u_end + len(tail)),
                sentence=sent,
                qualifier=qualifier,
                place=place,
                period=period,
            )
            out.append(ind)
            previous = ind
    return tuple(out)


def _same(name: str, value: str, unit: str, other: tuple[str, str, str]) -> bool:
    """Whether a figure is one read before: same value and unit, names sharing two characters."""
    if (value, unit) != other[1:]:
        return False
    return any(name[i : i + 2] in other[0] for i in range(len(name) - 1))


def _home_place(doc: Document, entities: Sequence[Entity]) -> str | None:
    """The document's own place, when it speaks of it (我市, 全省…) and it is an entity."""
    if not any(w in doc.norm for w in _OWN):
        return None
    from kg.extract import document_context

    ctx = document_context(doc)
    have = {e.id for e in entities}
    for level in ("county", "city", "province"):
        code = ctx.home.get(level)
        if code and f"Place/{code}" in have:
            return f"Place/{code}"
    return None

"""Header and closing-line fields of government pages, official documents and news items.

:func:`parse_metadata` is a pure function of a document's text. It reads the
conventions of Chinese official web pages and documents:

- ``label: value`` fields on short lines, several to a line, the value perhaps on
  the next line (``• 信息索引号:`` then ``11430000MB1234567X/2023-00042``), a value
  running straight into the next label (``来源: 湖南在线编辑:王五``). The labels and
  the field each gives are the table ``data/gazetteer/metadata_labels.tsv``;
- the unlabelled header block of government portals, one value per line (bulleted
  or not): index number, publishing agency, category, written date, published date;
- the title: a ``文件名称``/``标题`` field, else the first heading line (joined when a
  formal title is broken over two lines, cut from a timestamp after it), else, for
  a notice whose page starts with its addressee, the title of the document it
  issues (the heading after its signature); a second formal heading naming the
  proposal answered (subtitle); the proposal number, from the title or the opening
  sentence (``(第35号代表建议)收悉``); the grade of a reply (``(A)类``, ``…号(C)``);
- the addressee (the salutation line) and the signature block that closes a letter
  or a notice: the date (signed_date, and the written date when no ``成文日期`` is
  given), and the body above it;
- news conventions: a dateline (``2021年03月05日 08:12 潇湘晨报``, ``[2019-06-02]``),
  and a byline naming the outlet (``【东方网讯】``, ``晋城网讯``, ``红星新闻记者 王五``,
  ``红星新闻(www.example.cn)``); a wire dateline (``新华社成都6月1日电``) names the
  agency that wrote the report, not the publisher, and is not read;
- the publisher: the header's field, else the outlet of the dateline or byline,
  else the body that issues the document (``X关于…的通知``), else, on a document
  with a document number (文号), the body that signs it. A body named in short
  (``市发改委``) is given in the fullest form the document itself uses for it
  (``吉林市发展和改革委员会``, its signature), or else by the short-form table
  ``data/gazetteer/bodies.tsv`` (``吉林省发展改革委`` -> ``吉林省发展和改革委员会``).

Dates are read by :mod:`kg.io.dates` (``2024-02-28``, ``2024年2月28日``,
``二〇二四年二月二十八日`` …). The word lists are ``data/gazetteer/metadata_words.tsv``.

A field that is not found is left out, never guessed. Structure is read from the
normalised text; every text value is copied from the text as written (traditional
characters stay traditional; only full-width forms become ASCII), dates are in ISO
form and a proposal number written in Chinese numerals is given in digits.

>>> meta = parse_metadata('''索引号: ynsgxw-1-13202
... 发布机构: 云南省工信厅
... 主题分类: 人大建议、政协提案办理
... 对云南省第十二届人大第五次会议第 JY100012050700号建议的答复
... 李红等8名代表:
... 你们提出的《关于加大对砚山承接产业加工区支持力度的建议》,已交我们研究办理,现答复如下:……
... 云南省工业和信息化委
... 2017年5月11日''')
>>> for key, value in meta.items():
...     print(key, value)
index_number ynsgxw-1-13202
publisher 云南省工信厅
category 人大建议、政协提案办理
written 2017-05-11
title 对云南省第十二届人大第五次会议第JY100012050700号建议的答复
proposal_number JY100012050700
addressee 李红等8名代表
signed_date 2017-05-11
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple

from kg.errors import DataError
from kg.io.dates import (
    DATES,
    TIME,
    WEEKDAY,
    date_at_start,
    date_only,
    find_date,
    han_number,
    iso_of,
    parse_date,
)
from kg.resources import data_file
from kg.text.normalize import fold_width, normalize
from kg.types import METADATA_FIELDS

__all__ = ["parse_date", "parse_metadata"]

# ----------------------------------------------------------------------------- limits

#: Header fields are looked for in the first lines, closing fields in the last ones.
HEAD_LINES = 40
TAIL_LINES = 15
#: Longer texts are cut to this many characters at each end before splitting lines.
EDGE_CHARS = 20_000
#: Only lines up to this length are read as ``label: value`` lines.
LABEL_LINE_MAX = 120
#: A line longer than this is body text (no title, no salutation).
HEADING_MAX = 50
#: A salutation line is at most this long.
ADDRESSEE_MAX = 80
#: A heading holds at least this many Chinese characters (not a bare year or 关于).
HEADING_MIN_HAN = 4
#: The name of a body that signs or issues a document is at most this long.
BODY_NAME_MAX = 30
#: Bylines are looked for in this many lines from the start of the body.
BYLINE_LINES = 3

# ----------------------------------------------------------------------------- tables

_FIELDS_BY_LABEL = frozenset(METADATA_FIELDS) - {"subtitle", "addressee", "signed_date"}
_VALUE_KINDS = ("token", "text", "date", "outlet")
_WORD_KINDS = (
    "outlet",
    "self",
    "channel",
    "agency",
    "title_end",
    "proposal",
    "salutation",
    "not_addressee",
)


class _Label(NamedTuple):
    field: str | None  # None: recognised (it ends the value before it), gives no field
    rank: int  # a lower rank wins when several labels give one field
    kind: str  # how the value is read: token, text, date, outlet (see the table)


def _rows(name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    path = data_file("gazetteer", name)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in (*columns, "source") if c not in (reader.fieldnames or ())]
        if missing:
            raise DataError(
                f"{path}: no column {missing[0]} (columns: {', '.join(columns)}, source)"
            )
        return [(i, row) for i, row in enumerate(reader, start=2)]


@cache
def _labels() -> dict[str, _Label]:
    """Label -> how it is read, from ``metadata_labels.tsv``."""
    out: dict[str, _Label] = {}
    for line, row in _rows("metadata_labels.tsv", ("label", "field", "rank", "value")):
        where = f"data/gazetteer/metadata_labels.tsv line {line}"
        field = None if row["field"] == "-" else row["field"]
        if field is not None and field not in _FIELDS_BY_LABEL:
            valid = ", ".join(sorted(_FIELDS_BY_LABEL))
            raise DataError(f"{where}: unknown field {row['field']!r} (valid: {valid}, -)")
        kind = row["value"]
        if field is not None and kind not in _VALUE_KINDS:
            raise DataError(f"{where}: unknown value {kind!r} (valid: {', '.join(_VALUE_KINDS)})")
        if not row["rank"].isdigit():
            raise DataError(f"{where}: rank {row['rank']!r} is not a number")
        out[row["label"]] = _Label(field, int(row["rank"]), kind)
    return out


@cache
def _word_table() -> dict[str, tuple[str, ...]]:
    """Kind -> its words, longest first, from ``metadata_words.tsv``."""
    by_kind: dict[str, set[str]] = {kind: set() for kind in _WORD_KINDS}
    for line, row in _rows("metadata_words.tsv", ("word", "kind")):
        if row["kind"] not in by_kind:
            raise DataError(
                f"data/gazetteer/metadata_words.tsv line {line}: unknown kind {row['kind']!r}"
                f" (valid: {', '.join(_WORD_KINDS)})"
            )
        by_kind[row["kind"]].add(row["word"])
    return {
        kind: tuple(sorted(words, key=lambda w: (-len(w), w))) for kind, words in by_kind.items()
    }


def _words(kind: str) -> tuple[str, ...]:
    """The words of one kind of ``metadata_words.tsv``, longest first."""
    return _word_table()[kind]


@cache
def _short_forms() -> tuple[tuple[str, str], ...]:
    """(short, full) endings of body names, from the short-form table ``bodies.tsv``."""
    rows = _rows("bodies.tsv", ("short", "full"))
    return tuple(sorted(((r["short"], r["full"]) for _, r in rows), key=lambda p: -len(p[0])))


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _label_pattern() -> re.Pattern[str]:
    """A known label (spaces allowed between its characters) and its colon."""
    labels = sorted(_labels(), key=len, reverse=True)
    return re.compile("(" + "|".join(r"\s*".join(map(re.escape, k)) for k in labels) + r")\s*[::]")


# ----------------------------------------------------------------------------- values


class _Val(NamedTuple):
    """A piece of the normalised text and the offset in the document of each character."""

    text: str
    pos: Sequence[int]

    def cut(self, start: int, end: int | None = None) -> _Val:
        return _Val(self.text[start:end], self.pos[start:end])

    def strip(self, chars: str | None = None) -> _Val:
        left = len(self.text) - len(self.text.lstrip(chars))
        right = len(self.text.rstrip(chars))
        return self.cut(left, max(left, right))

    def squeeze(self) -> _Val:
        """Without whitespace."""
        keep = [i for i, c in enumerate(self.text) if not c.isspace()]
        return _Val("".join(self.text[i] for i in keep), tuple(self.pos[i] for i in keep))

    def join(self, other: _Val) -> _Val:
        return _Val(self.text + other.text, (*self.pos, *other.pos))

    def first_token(self) -> _Val:
        """The first whitespace-separated part, without the brackets around it."""
        v = self.strip()
        m = re.search(r"\s", v.text)
        return (v.cut(0, m.start()) if m else v).strip("[]【】()|")


_SPACE = re.compile(r"\s+")


def _label_key(s: str) -> str:
    return _SPACE.sub("", s)


# ----------------------------------------------------------------------------- lines


class _Line(NamedTuple):
    no: int  # line number in the text
    val: _Val  # stripped, never empty

    @property
    def text(self) -> str:
        return self.val.text


def _window_lines(norm: str, start: int, first_no: int) -> list[_Line]:
    lines = []
    pos = 0
    for no, part in enumerate(norm.split("\n")):
        stripped = part.strip()
        if stripped:
            left = start + pos + len(part) - len(part.lstrip())
            lines.append(_Line(first_no + no, _Val(stripped, range(left, left + len(stripped)))))
        pos += len(part) + 1
    return lines


def _split(text: str, norm: str | None) -> tuple[list[_Line], list[_Line]]:
    """The first :data:`HEAD_LINES` and last :data:`TAIL_LINES` non-empty lines.

    Only the ends of a long text are normalised (when ``norm`` is not given) and split.
    """
    n = len(text)
    if n <= 2 * EDGE_CHARS:
        lines = _window_lines(norm if norm is not None else normalize(text), 0, 0)
        return lines[:HEAD_LINES], lines[-TAIL_LINES:]
    head_end = max(text.rfind("\n", 0, EDGE_CHARS), text.rfind("\r", 0, EDGE_CHARS)) + 1
    head_end = head_end or EDGE_CHARS
    breaks = [
        i for i in (text.find("\n", n - EDGE_CHARS), text.find("\r", n - EDGE_CHARS)) if i >= 0
    ]
    tail_start = min(breaks) + 1 if breaks else n - EDGE_CHARS
    tail_start = max(tail_start, head_end)

    def part(a: int, b: int) -> str:
        return norm[a:b] if norm is not None else normalize(text[a:b])

    head = _window_lines(part(0, head_end), 0, 0)
    first_no = text.count("\n", 0, tail_start) + text.count("\r", 0, tail_start)
    tail = _window_lines(part(tail_start, n), tail_start, first_no)
    return head[:HEAD_LINES], tail[-TAIL_LINES:]


# ----------------------------------------------------------------------------- labels

#: What may stand right before a label that starts a line's fields.
_BOUNDARY = re.compile(r"[\s\d日\])】|•·●◆▪□■]")
_BULLET = re.compile(r"^[•·●◆▪]\s*")
#: A short label (perhaps with spaces between its characters) followed by a value.
_LABEL_LINE = re.compile(r"^[^\s::,,。]{1,8}(?:\s+[^\s::,,。]{1,4})*\s*[::]\s*\S")


class _Field(NamedTuple):
    label: str
    value: _Val


def _labelled(val: _Val) -> list[_Field]:
    """The ``label: value`` fields of one line.

    A label counts where it starts the line or follows a space, digit, bracket or
    bullet; after one such label, later labels count wherever they stand (a value
    running into the next label), and a date label glued to the text before the
    first one counts when a date follows it.
    """
    t = val.text
    found = list(_label_pattern().finditer(t))
    if not found:
        return []
    at_boundary = [m.start() == 0 or bool(_BOUNDARY.match(t[m.start() - 1])) for m in found]
    if not any(at_boundary):
        return []
    first = at_boundary.index(True)
    labels = _labels()

    def value_of(i: int) -> _Val:
        end = found[i + 1].start() if i + 1 < len(found) else len(t)
        return val.cut(found[i].end(), end).strip()

    keep = []
    for i, m in enumerate(found):
        label = _label_key(m.group(1))
        if i >= first or (labels[label].kind == "date" and parse_date(value_of(i).text)):
            keep.append(i)
    found = [found[i] for i in keep]
    return [_Field(_label_key(m.group(1)), value_of(i)) for i, m in enumerate(found)]


def _label_only(t: str) -> str | None:
    """The label of a line that holds a label and its colon only (``• 信息索引号:``)."""
    t = _BULLET.sub("", t)
    if not t.endswith((":", ":")):
        return None
    key = _label_key(t[:-1])
    return key if key in _labels() else None


def _without_channel(v: _Val) -> _Val:
    """An outlet's name without the channel after it (安徽日报-手机客户端 -> 安徽日报)."""
    m = re.search(r"[-·]", v.text)
    if m and v.text[m.end() :].endswith(_words("channel")):
        return v.cut(0, m.start())
    return v


def _outlet(v: _Val) -> _Val | None:
    """``v`` when it names a news outlet (…日报, …网, …新闻), without a channel after it."""
    v = _without_channel(v)
    t = v.text
    if len(t) < 2 or t in _words("outlet") or t.startswith(_words("self")):
        return None
    return v if t.endswith(_words("outlet")) and _HAN.search(t) else None


def _field_value(label: _Label, raw: _Val) -> _Val | str | None:
    if not raw.text:
        return None
    if label.kind == "date":
        return parse_date(raw.text)
    if label.kind == "text":
        return raw
    token = _without_channel(raw.first_token())
    if label.kind == "outlet":
        return _outlet(token)
    return token if token.text else None


def _is_label_line(t: str) -> bool:
    """A ``label: value`` line or a line holding a known label only."""
    return (
        bool(_LABEL_LINE.match(t))
        or _label_only(t) is not None
        or bool(len(t) <= LABEL_LINE_MAX and _labelled(_Val(t, range(len(t)))))
    )


class _Offer(NamedTuple):
    field: str
    value: _Val | str
    rank: int


def _label_fields(lines: list[_Line], rank_base: int = 0) -> tuple[list[_Offer], set[int]]:
    """Fields from labelled lines, and the numbers of the lines that hold labels or values.

    A line that holds a label only takes the next line as its value, unless that line
    is labelled itself (an empty field).
    """
    offers: list[_Offer] = []
    header: set[int] = set()
    labels = _labels()

    def take(label: _Label, raw: _Val) -> None:
        if label.field is not None and (value := _field_value(label, raw)):
            offers.append(_Offer(label.field, value, label.rank + rank_base))

    k = 0
    while k < len(lines):
        line = lines[k]
        k += 1
        only = _label_only(line.text)
        if only is not None:
            header.add(line.no)
            nxt = lines[k] if k < len(lines) else None
            if nxt is not None and nxt.no <= line.no + 2 and not _is_label_line(nxt.text):
                header.add(nxt.no)
                take(labels[only], nxt.val)
                k += 1
            continue
        if len(line.text) > LABEL_LINE_MAX:
            continue
        fields = _labelled(line.val)
        if fields:
            header.add(line.no)
        for f in fields:
            take(labels[f.label], f.value)
    return offers, header


# ----------------------------------------------------------------------------- header block

_INDEX_NUMBER = re.compile(r"^[0-9A-Za-z]{6,20}/\d{4}-\d{3,6}$")


def _header_block(lines: list[_Line]) -> tuple[list[_Offer], int]:
    """Fields of an unlabelled portal header, and how many lines it takes.

    The header is either bulleted lines (``• 005252100/2024-00211``) or an index
    number line followed by up to two name lines and two date lines. Values go to
    fields by kind and order: index number; names to publisher, then category;
    dates to written, then published.
    """
    items: list[_Val] = []
    if (
        lines
        and _BULLET.match(lines[0].text)
        and not _is_label_line(_BULLET.sub("", lines[0].text))
    ):
        for line in lines:
            bare = _BULLET.sub("", line.text)
            if not _BULLET.match(line.text) or _is_label_line(bare) or len(bare) > HEADING_MAX:
                break
            items.append(line.val.cut(len(line.text) - len(bare)).strip())
    elif lines and _INDEX_NUMBER.match(lines[0].text):
        items.append(lines[0].val)
        names = dates = 0
        for line in lines[1:5]:
            t = line.text
            if date_only(t):
                if dates == 2:
                    break
                dates += 1
            elif names < 2 and dates == 0 and len(t) <= 30 and not _is_header_line(t):
                names += 1
            else:
                break
            items.append(line.val)
    else:
        return [], 0
    offers: list[_Offer] = []
    name_fields = iter(("publisher", "category"))
    date_fields = iter(("written", "published"))
    for item in items:
        if not item.text:
            continue
        if _INDEX_NUMBER.match(item.text):
            offers.append(_Offer("index_number", item, 0))
        elif (iso := date_only(item.text)) is not None:
            field = next(date_fields, None)
            if field:
                offers.append(_Offer(field, iso, 0))
        else:
            field = next(name_fields, None)
            if field:
                offers.append(_Offer(field, item, 0))
    return offers, len(items)


# ----------------------------------------------------------------------------- line kinds

_HAN = re.compile(r"[\u4e00-\u9fff]")
#: A document number (文号): issuer's abbreviation, year in brackets, number.
_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[(【]\s*(?:19|20)\d{2}\s*[〕\])】]\s*\d+\s*号"
)
_DOC_NUMBER_SUFFIX = re.compile(r"\s*[\[【(]" + _DOC_NUMBER.pattern + r"[\]】)]$")
#: A reply's grade on a line of its own or after the document number: (B)类, A类, …号(A).
_GRADE_LINE = re.compile(r"^\(?([A-D])\)?类$")
_GRADE_AFTER_NUMBER = re.compile(r"号\s*\(([A-D])\)$")
_URL = re.compile(r"(?:https?://)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:/\S*)?")
_SEPARATORS = re.compile(r"[\s|/\[\]【】()·•-]+")


def _is_doc_number_line(t: str) -> bool:
    return bool(_DOC_NUMBER.match(t))


def _is_separator(t: str) -> bool:
    """A line of symbols only (``*****``, ``———``)."""
    return not any(c.isalnum() for c in t)


def _dateline(line: _Line) -> tuple[str, _Val | None] | None:
    """The date of a news dateline and the outlet it names, or None if not a dateline.

    A dateline holds a date and otherwise only times, labelled fields, web
    addresses, separators and perhaps one outlet name (``北京日报2017-08-16 09:11:57``).
    A date that is the value of a label belongs to that label, not to the dateline
    (``生效日期: 2017-06-27``); one after a label's value is the line's
    (``来源:新浪 作者:陈穗芳 张丽纯 2014-09-03``).
    """
    t = line.text
    if len(t) > LABEL_LINE_MAX:
        return None
    keep = [True] * len(t)
    owned = [False] * len(t)

    def drop(a: int, b: int, flags: list[bool]) -> None:
        flags[a:b] = [False] * (b - a) if flags is keep else [True] * (b - a)

    fields = _labelled(line.val)
    if fields:
        for m in _label_pattern().finditer(t):
            drop(m.start(), m.end(), keep)
        for f in fields:
            if not f.value.text:
                continue
            a = f.value.pos[0] - line.val.pos[0]  # a line's offsets are contiguous
            drop(a, a + len(f.value.text), keep)
            found = date_at_start(f.value.text)
            if found:
                drop(a, a + found[1], owned)
    iso = None
    for pattern in DATES:
        for m in pattern.finditer(t):
            if not owned[m.start()] and iso is None:
                iso = iso_of(m)
            drop(m.start(), m.end(), keep)
    if iso is None:
        return None
    for pattern in (TIME, WEEKDAY, _URL, _SEPARATORS):
        for m in pattern.finditer(t):
            drop(m.start(), m.end(), keep)
    pieces: list[_Val] = []
    start = None
    for i, k in enumerate([*keep, False]):
        if k and start is None:
            start = i
        elif not k and start is not None:
            pieces.append(line.val.cut(start, i))
            start = None
    if not pieces:
        return iso, None
    if len(pieces) == 1 and (outlet := _outlet(pieces[0])) is not None:
        return iso, outlet
    return None


def _is_byline(t: str) -> bool:
    """A line naming the reporters: ``红星新闻记者 王五 赵六``, ``首席记者 张三``."""
    return bool(re.match(r"^\S{0,12}记者(?:\s+\S{2,4})+$", t))


def _is_header_line(t: str) -> bool:
    """A line of the page header: fields, a dateline, a document number, a grade."""
    if _is_label_line(t) or date_at_start(t.strip("[]【】() ")) or _is_doc_number_line(t):
        return True
    if _GRADE_LINE.match(t) or _is_separator(t):
        return True
    return _dateline(_Line(0, _Val(t, range(len(t))))) is not None


def _is_paragraph(t: str) -> bool:
    """Body text: a long line or a sentence."""
    return len(t) > HEADING_MAX or t.endswith(("。", "!", "?", "……"))


# ----------------------------------------------------------------------------- title

_FORMAL_START = re.compile(r"^(关于|对)")
#: The body that issues a formal title, before 关于 or 对.
_ISSUER = re.compile(rf"^([\u4e00-\u9fff]{{2,{BODY_NAME_MAX}}}?)(?:关于|对)")
_PUNCT_SPACE = re.compile(r"\s+(?=[,.;:!?、,。;:!?])|(?<=[,;:!?、,。;:!?])\s+")


@cache
def _formal_end() -> re.Pattern[str]:
    """A complete formal title's ending, perhaps followed by a bracketed grade such as (B)."""
    return re.compile(r"(" + _alternation(_words("title_end")) + r")(\([^()]{1,6}\))?$")


def _is_formal(title: str) -> bool:
    """A formal document title: [issuer] 关于/对 ... 的答复 (or 函, 通知 ...)."""
    if not _formal_end().search(title):
        return False
    if _FORMAL_START.match(title) or "关于" in title:
        return True
    m = _ISSUER.match(title)
    return bool(m and _body_name(m.group(1)))


def _heading_like(t: str) -> bool:
    return (
        len(t) <= HEADING_MAX
        and len(_HAN.findall(t)) >= HEADING_MIN_HAN
        and not _is_paragraph(t)
        and "。" not in t
        and not t.endswith((":", ":"))
        and not t.startswith(("(", "[", "【", "(", "■", "•", "□", "●"))
        and not _is_byline(t)
    )


def _clean_title(v: _Val) -> _Val:
    """Drop a trailing document number; join spaces a title cannot hold.

    A formal title holds no spaces (one inside it is a line-wrap or typing slip); a
    headline keeps a space between two parts (…举行 某某出席并致辞, “某某协议” 加强…)
    but not one beside a comma or a full stop; a closing full stop goes.
    """
    v = v.strip().strip("。").strip()
    m = _DOC_NUMBER_SUFFIX.search(v.text)
    if m:
        v = v.cut(0, m.start()).strip()
    squeezed = v.squeeze()
    if _is_formal(squeezed.text):
        return squeezed
    drop = {i for m in _PUNCT_SPACE.finditer(v.text) for i in range(m.start(), m.end())}
    keep = [i for i in range(len(v.text)) if i not in drop]
    return _Val("".join(v.text[i] for i in keep), tuple(v.pos[i] for i in keep))


def _timestamp_cut(v: _Val) -> tuple[_Val, str] | None:
    """A heading followed on its line by a date (and time): the heading and the date."""
    found = find_date(v.text)
    if found is None or found[1] == 0:
        return None
    rest = v.text[found[2] :].strip()
    if rest and not TIME.fullmatch(rest):
        return None
    head = v.cut(0, found[1]).strip()
    return (head, found[0]) if head.text and _heading_like(head.text) else None


class _Title(NamedTuple):
    value: _Val | None
    end: int  # index of its last line (start - 1 when there is none)
    published: str | None  # a timestamp that followed it


def _title(lines: list[_Line], start: int, header: set[int]) -> _Title:
    """The first heading line from ``start`` on, skipping the header's lines."""
    for k in range(start, min(len(lines), start + 10)):
        line = lines[k]
        if line.no in header or _is_header_line(line.text):
            continue
        t = _BULLET.sub("", line.text)  # a bulleted heading in a portal header
        here = line.val.cut(len(line.text) - len(t))
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        cut = _timestamp_cut(here)
        stamp = None
        if cut is not None:
            value, stamp = cut
        elif _heading_like(t) or (
            # a title written as a sentence, right above the page's fields
            t.endswith("。")
            and _heading_like(t[:-1])
            and nxt is not None
            and _is_header_line(nxt.text)
        ):
            value = here
        else:
            return _Title(None, start - 1, None)
        end = k
        if (
            stamp is None
            and nxt is not None
            and nxt.no == line.no + 1
            and (_FORMAL_START.match(t) or "关于" in t)
            and not _formal_end().search(_SPACE.sub("", t))
            and len(nxt.text) <= HEADING_MAX
            and _formal_end().search(_SPACE.sub("", nxt.text))
            and not _is_header_line(nxt.text)
        ):
            value = value.join(nxt.val)  # a formal title broken over two lines
            end = k + 1
        return _Title(_clean_title(value), end, stamp)
    return _Title(None, start - 1, None)


def _subtitle(lines: list[_Line], after: int, title: _Val) -> _Val | None:
    """A second formal heading right after the title (关于…第N号提案的回复)."""
    if after + 1 >= len(lines):
        return None
    t = lines[after + 1].text
    if not _heading_like(t) or _is_header_line(t):
        return None
    cleaned = _clean_title(lines[after + 1].val)
    if cleaned.text == title.text or not _is_formal(cleaned.text):
        return None
    return cleaned


# ----------------------------------------------------------------------------- numbers

_HAN_NUMERAL = "〇零一二三四五六七八九十百千两"
_PROPOSAL = (
    re.compile(r"第([A-Za-z]{0,6}\d+)号"),
    re.compile(rf"第([{_HAN_NUMERAL}]+)号"),
    re.compile(r"([A-Za-z]{1,4}[((]\d{4}[))]\d+)号"),
    # A delegation's one-character prefix right after the session: 会议温36号建议.
    re.compile(r"会议([^\W\d_第])(\d+)号"),
    re.compile(r"(?<!\d)(\d+)号(?:建议|提案|议案)"),
)
#: The proposal answered, named in the opening sentence of a reply: 》(第22号代表建议),
#: 会议第2726号建议.
_PROPOSAL_IN_BODY = re.compile(
    r"(?:会议|[》”\"]\s*[((]|提案\s*[((]|建议\s*[((])第([A-Za-z]{0,6}\d+)号"
)


def _proposal_number(*headings: str | None) -> str | None:
    """The number of the proposal a reply answers, from its title or subtitle.

    >>> _proposal_number("关于对政协子洲县第十届委员会第一次会议第五号提案的复函")
    '5'
    >>> _proposal_number("关于省十三届人大一次会议温36号建议的答复")
    '温36'
    >>> _proposal_number("关于B(2021)421号建议的答复")
    'B(2021)421'
    """
    for heading in headings:
        if not heading or not any(w in heading for w in _words("proposal")):
            continue
        text = _SPACE.sub("", heading)
        for pattern in _PROPOSAL:
            m = pattern.search(text)
            if not m:
                continue
            value = "".join(m.groups())
            if value[0] in _HAN_NUMERAL:
                number = han_number(value)
                if number is None:
                    continue
                value = str(number)
            return value
    return None


def _proposal_in_opening(sentence: str) -> str | None:
    """The proposal number named in a reply's opening sentence (up to 收悉 or 。)."""
    end = min((i for i in (sentence.find("收悉"), sentence.find("。")) if i >= 0), default=-1)
    text = _SPACE.sub("", sentence[: end if end >= 0 else len(sentence)])
    if not any(w in text for w in _words("proposal")):
        return None
    m = _PROPOSAL_IN_BODY.search(text)
    return m.group(1) if m else None


# ----------------------------------------------------------------------------- addressee

_ADDRESSEE_NO_COLON = re.compile(r"^[^,,。;;::!!]{2,60}(代表|委员|同志)$")


def _addressee(lines: list[_Line], start: int, header: set[int]) -> tuple[_Val | None, int | None]:
    """The salutation (``民建郑州市委员会:``) after the title, and its index."""
    seen = 0
    for k in range(max(start, 0), len(lines)):
        line = lines[k]
        t = line.text
        if t.endswith((":", ":")) and len(t) <= ADDRESSEE_MAX and not re.search("[::]", t[:-1]):
            key = _label_key(t[:-1])
            if key and _label_only(t) is None and not key.endswith(_words("not_addressee")):
                name = line.val.cut(0, len(t) - 1).strip()
                for prefix in _words("salutation"):
                    if name.text.startswith(prefix):
                        name = name.cut(len(prefix)).strip()
                        break
                return (name if name.text else None), k
        if seen == 0 and _ADDRESSEE_NO_COLON.match(t):
            return line.val, k
        if line.no in header or _is_header_line(t):
            continue
        if len(t) > HEADING_MAX:
            break
        seen += 1
        if seen >= 12:
            break
    return None, None


# ----------------------------------------------------------------------------- bodies


def _body_name(t: str) -> bool:
    """A line that is the name of a government body (a signature, an issuer)."""
    return (
        2 <= len(t) <= BODY_NAME_MAX
        and not re.search(r"[\s,,。;;::、!?()()《》“”\"]", t)
        and t.endswith(_words("agency"))
        and len(_HAN.findall(t)) == len(t)
    )


def _title_issuer(title: _Val | None) -> _Val | None:
    """The body that issues a formal title: 贵州省交通运输厅关于…, 某某县人民政府对…."""
    if title is None:
        return None
    m = _ISSUER.match(title.text)
    if not m or not _is_formal(title.text) or not _body_name(m.group(1)):
        return None
    return title.cut(0, m.end(1))


def _is_short_of(short: str, full: str) -> bool:
    """``short`` is an abbreviation of ``full``: its characters in order, the last one
    from the word that ends ``full`` (市发改委 of 吉林市发展和改革委员会, 市府办 of
    某某市人民政府办公室, not 市政府 of 市人民政府办公室)."""
    ending = next((w for w in _words("agency") if full.endswith(w)), None)
    if ending is None or not 2 <= len(short) < len(full) or short[-1] not in ending:
        return False
    it = iter(full)
    return all(c in it for c in short)


def _expanded(name: str) -> str | None:
    """``name`` with a short ending written in full (国家发展改革委 -> 国家发展和改革委员会)."""
    for short, full in _short_forms():
        if name.endswith(short) and not name.endswith(full) and len(name) > len(short):
            return name[: -len(short)] + full
    return None


# ----------------------------------------------------------------------------- bylines


def _byline_outlet(t: str) -> tuple[int, int] | None:
    """Where an opening line names its outlet: 【X讯】, 【X记者 …】, X讯, X记者 names,
    X(www.…). Wire datelines (X某地某日电) are not read."""
    t0 = len(t) - len(t.lstrip("□■ "))
    s = t[t0:]
    m = re.match(r"【([^】]{2,30})】", s)
    if m:
        inner = m.group(1)
        cut = re.search(r"记者|讯|报道|消息|\s", inner)
        end = cut.start() if cut else len(inner)
        if not cut or cut.group() != "讯" or end == len(inner) - 1:
            return t0 + 1, t0 + 1 + end
    m = re.match(
        r"([^\s,,。(【]{2,24}?)(?:\((?:https?://|www\.)[^)]*\))?(?:\d{1,2}月\d{1,2}日)?快?讯(?!员)",
        s,
    )
    if m:
        name = m.group(1)
        dash = max(name.rfind("-"), name.rfind("·"))
        start = t0 + dash + 1
        return start, t0 + m.end(1)
    if _is_byline(s):
        end = s.index("记者")
        return t0, t0 + end
    m = re.search(r"(?:^|[。,,;;\s])([^\s。,,;;()]{2,16})\((?:https?://|www\.)[^)]*\)", s)
    if m:
        return t0 + m.start(1), t0 + m.end(1)
    return None


# ----------------------------------------------------------------------------- signature


class _Signature(NamedTuple):
    date: str | None  # None: a letter closed by its signer's name alone
    at: int  # index of its last line in the merged lines
    body: _Val | None  # the body whose name stands above the date


def _signature(merged: list[_Line], addressee_no: int | None, body_no: int) -> _Signature | None:
    """The date line that closes a letter or a notice, and the body above it.

    After a salutation, the first date line that follows it, or else a last line
    that names a body; without one, the last date line of the text after the start
    of the body.
    """
    found = None
    if addressee_no is not None:
        for k, line in enumerate(merged):
            if line.no > addressee_no and (iso := date_only(line.text)):
                found = (iso, k)
                break
    else:
        tail_start = max(0, len(merged) - TAIL_LINES)
        for k in range(len(merged) - 1, tail_start - 1, -1):
            line = merged[k]
            if line.no <= body_no:
                break
            if iso := date_only(line.text):
                found = (iso, k)
                break
    if found is None:
        last = merged[-1] if merged else None
        if (
            addressee_no is not None
            and last is not None
            and last.no > addressee_no
            and _body_name(last.text)
        ):
            return _Signature(None, len(merged) - 1, last.val)
        return None
    iso, k = found
    above = merged[k - 1] if k > 0 else None
    body = above.val if above is not None and _body_name(above.text) else None
    return _Signature(iso, k, body)


def _attachment_title(merged: list[_Line], after: int) -> _Val | None:
    """The heading of the document a notice issues, after its signature (附件 …)."""
    for line in merged[after + 1 : after + 5]:
        t = line.text
        if t.startswith(("(", "(")) and t.endswith((")", ")")) or t.rstrip(":") == "附件":
            continue
        if t.startswith("附件") or _is_header_line(t) or not _heading_like(t):
            return None
        return _clean_title(line.val)
    return None


# ----------------------------------------------------------------------------- main


def parse_metadata(text: str, *, norm: str | None = None) -> dict[str, str]:
    """Header and closing fields of a document (see the module docstring).

    ``text`` is the document as read; ``norm`` its normalised form
    (:func:`kg.text.normalize.normalize` of it), computed for the ends of the text
    when not given. Keys are among :data:`kg.types.METADATA_FIELDS`, in that order.

    >>> parse_metadata("“深莞惠+汕尾河源”联建新都市群\\n\\n2016-02-19\\n来源:广州日报\\n\\n正文。")
    {'publisher': '广州日报', 'published': '2016-02-19', 'title': '“深莞惠+汕尾河源”联建新都市群'}
    >>> parse_metadata("粵港合作聯席會議舉行\\n[2019-06-02]\\n【東方網訊】兩地簽署合作協議……")
    {'publisher': '東方網', 'published': '2019-06-02', 'title': '粵港合作聯席會議舉行'}
    """
    if norm is not None and len(norm) != len(text):
        raise ValueError("norm must be the normalised text, of the same length as text")
    head, tail = _split(text, norm)
    fields: dict[str, tuple[int, _Val | str]] = {}

    def offer(field: str, value: _Val | str | None, rank: int) -> None:
        if value and (field not in fields or rank < fields[field][0]):
            fields[field] = (rank, value)

    block, used = _header_block(head)
    for o in block:
        offer(o.field, o.value, o.rank)
    head_offers, header = _label_fields(head)
    tail_offers, _ = _label_fields(tail, rank_base=5)  # the head's labels win over the footer's
    for o in head_offers + tail_offers:
        value = o.value
        if o.field == "title" and isinstance(value, _Val):
            value = _clean_title(value)
        offer(o.field, value, o.rank)
    header |= {line.no for line in head[:used]}

    title = _title(head, used, header)
    subtitle = _subtitle(head, title.end, title.value) if title.value else None
    offer("title", title.value, 1)
    offer("subtitle", subtitle, 0)
    offer("published", title.published, 3)

    after = title.end + (2 if subtitle else 1) if title.value else used
    addressee, addressee_at = _addressee(head, after, header)
    offer("addressee", addressee, 0)

    # Where the body starts: the salutation, or else the first paragraph.
    top = title.end + 1 if title.value else used
    body_at = addressee_at
    if body_at is None:
        body_at = next(
            (
                k
                for k in range(top, len(head))
                if head[k].no not in header and _is_paragraph(head[k].text)
            ),
            None,
        )
    body_no = head[body_at].no if body_at is not None else (head[-1].no + 1 if head else 0)

    # Datelines and document numbers before the body.
    has_doc_number = bool(title.value and _DOC_NUMBER_SUFFIX.search(head[title.end].text))
    for line in head:
        if line.no >= body_no:
            break
        t = line.text
        if _is_doc_number_line(t):
            has_doc_number = True
            rest = t[_DOC_NUMBER.match(t).end() :]  # type: ignore[union-attr]
            offer("written", date_only(rest), 1)
            grade = _GRADE_AFTER_NUMBER.search(t)
            if grade:
                offer("category", line.val.cut(grade.start(1), grade.end(1)), 2)
        elif (grade := _GRADE_LINE.match(t)) is not None:
            offer("category", line.val.cut(grade.start(1), grade.end(1)), 2)
        elif (found := _dateline(line)) is not None:
            offer("published", found[0], 3)
            offer("publisher", found[1], 3)

    # The outlet named by a byline in the opening lines of the body.
    if body_at is not None:
        for line in head[min(top, body_at) : body_at + BYLINE_LINES]:
            span = _byline_outlet(line.text)
            if span:
                offer("publisher", _outlet(line.val.cut(*span)), 4)
                break

    # The proposal answered: the title, else the opening sentence of the reply.
    number = _proposal_number(
        title.value.text if title.value else None,
        subtitle.text if subtitle else None,
        fields["title"][1].text
        if "title" in fields and isinstance(fields["title"][1], _Val)
        else None,
    )
    if number is None and body_at is not None:
        opening = head[body_at + 1 if addressee_at is not None else body_at :][:1]
        number = _proposal_in_opening(opening[0].text) if opening else None
    offer("proposal_number", number, 0)

    # The signature that closes a letter or a notice.
    merged = head + [ln for ln in tail if not head or ln.no > head[-1].no]
    addressee_no = head[addressee_at].no if addressee_at is not None else None
    signature = _signature(merged, addressee_no, body_no)
    if signature is not None and signature.date is not None:
        offer("signed_date", signature.date, 0)
        offer("written", signature.date, 3)
        if "title" not in fields:
            offer("title", _attachment_title(merged, signature.at), 2)

    # The publisher: the header's, else the issuer of the title, else the signer of a
    # numbered document; in the fullest form the document uses.
    issuer = _title_issuer(title.value)
    offer("publisher", issuer, 6)
    if has_doc_number and signature is not None:
        offer("publisher", signature.body, 7)
    if "publisher" in fields:
        rank, value = fields["publisher"]
        assert isinstance(value, _Val)
        fuller = [b for b in (signature.body if signature else None, issuer) if b is not None]
        for body in fuller:
            if _is_short_of(value.text, body.text):
                fields["publisher"] = (rank, body)
                break

    out: dict[str, str] = {}
    for field in METADATA_FIELDS:
        if field not in fields:
            continue
        value = fields[field][1]
        if isinstance(value, str):
            out[field] = value
        elif field in ("index_number", "proposal_number"):
            out[field] = value.text
        else:
            out[field] = fold_width("".join(text[p] for p in value.pos))
    if "publisher" in out and (full := _expanded(out["publisher"])) is not None:
        out["publisher"] = full
    return out

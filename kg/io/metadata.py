"""Header and closing-line fields of government pages, official replies and news items.

:func:`parse_metadata` is a pure function of the (normalised) text. It reads:

- labelled fields, wherever a short line carries them: 索引号, 发布机构, 来源/信息来源/
  新闻来源, 答复单位, 主题分类, 类别, 信件类型, 成文日期, 发布日期/发布时间, 更新时间,
  答复时间, 信件编号, 主办单位, 地址;
- the unlabelled header block of government portals, one value per line (bulleted
  or not): index number, publishing agency, category, written date, published date;
- the title (the first heading line, joined when a formal title is broken over two
  lines), a second heading line that names the proposal answered (subtitle), the
  proposal number, the addressee (the salutation line), the first date line of a
  news item (published) and the date line that closes a letter (signed_date, which
  is also the written date when no 成文日期 is given).

A field that is not found is left out, never guessed. Every value is a substring of
the text, a date in ISO form, or a number written in digits.

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

import datetime as _dt
import re
from typing import NamedTuple

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

# ----------------------------------------------------------------------------- dates

_ARABIC_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})(?!\d)\s*日?")
_HAN_DIGITS = "〇一二三四五六七八九"
_HAN_DATE = re.compile(
    r"([〇零○O0一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"\s*([一二三四五六七八九十]{1,3})\s*日"
)
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def _han_number(s: str) -> int | None:
    """A Chinese numeral below 10000 as an int (``十二`` -> 12, ``一百零五`` -> 105).

    >>> _han_number("五"), _han_number("二十一"), _han_number("一百零五"), _han_number("二〇二一")
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


def _date_at_start(s: str) -> tuple[str, int] | None:
    """The ISO date a string starts with and where it ends, if it starts with one."""
    m = _ARABIC_DATE.match(s)
    if m:
        iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return (iso, m.end()) if iso else None
    m = _HAN_DATE.match(s)
    if m:
        year, month, day = (_han_number(g) for g in m.groups())
        if year is None or month is None or day is None:
            return None
        iso = _iso(year, month, day)
        return (iso, m.end()) if iso else None
    return None


def parse_date(s: str) -> str | None:
    """The ISO form of the date ``s`` starts with (after spaces), or None.

    >>> parse_date("2024年9月21日"), parse_date("2019-12-17 21:37:23"), parse_date("二〇二一年七月十九日")
    ('2024-09-21', '2019-12-17', '2021-07-19')
    >>> parse_date("2024年13月1日") is None
    True
    """
    found = _date_at_start(s.strip())
    return found[0] if found else None


def _date_only(s: str) -> str | None:
    """The date of a line that holds a date (and perhaps a time) and nothing else."""
    found = _date_at_start(s)
    if not found:
        return None
    rest = s[found[1] :].strip()
    return found[0] if not rest or _TIME.fullmatch(rest) else None


# ----------------------------------------------------------------------------- lines


class _Line(NamedTuple):
    no: int  # line number in the text
    text: str  # stripped, never empty


def _split(text: str) -> tuple[list[_Line], list[_Line]]:
    """The first :data:`HEAD_LINES` and last :data:`TAIL_LINES` non-empty lines."""
    if len(text) <= 2 * EDGE_CHARS:
        lines = [_Line(i, s.strip()) for i, s in enumerate(text.split("\n")) if s.strip()]
        return lines[:HEAD_LINES], lines[-TAIL_LINES:]
    head_part = text[:EDGE_CHARS]
    head_part = head_part[: head_part.rfind("\n") + 1] or head_part
    head = [_Line(i, s.strip()) for i, s in enumerate(head_part.split("\n")) if s.strip()]
    cut = text.find("\n", len(text) - EDGE_CHARS) + 1 or len(text) - EDGE_CHARS
    base = text.count("\n", 0, cut)
    tail = [_Line(base + i, s.strip()) for i, s in enumerate(text[cut:].split("\n")) if s.strip()]
    return head[:HEAD_LINES], tail[-TAIL_LINES:]


# ----------------------------------------------------------------------------- labels

#: label -> (field, rank); a lower rank wins when several labels give one field.
#: Labels mapped to None are recognised (they end the value before them and mark a
#: line as a header line) but give no field.
LABELS: dict[str, tuple[str | None, int]] = {
    "索引号": ("index_number", 0),
    "发布机构": ("publisher", 0),
    "发文机关": ("publisher", 0),
    "信息来源": ("publisher", 1),
    "新闻来源": ("publisher", 1),
    "稿件来源": ("publisher", 1),
    "来源": ("publisher", 1),
    "答复单位": ("publisher", 2),
    "回复单位": ("publisher", 2),
    "主题分类": ("category", 0),
    "类别": ("category", 1),
    "信件类型": ("category", 1),
    "成文日期": ("written", 0),
    "发布日期": ("published", 0),
    "发布时间": ("published", 0),
    "更新时间": ("published", 1),
    "答复时间": ("published", 2),
    "回复时间": ("published", 2),
    "信件编号": ("proposal_number", 1),
    "主办单位": ("host", 0),
    "地址": ("address", 0),
}
IGNORED_LABELS: tuple[str, ...] = (
    "生效日期",
    "废止日期",
    "失效日期",
    "文号",
    "发文字号",
    "责任编辑",
    "编辑",
    "作者",
    "记者",
    "姓名",
    "来信时间",
    "联系人",
    "联系电话",
    "电话",
    "邮编",
    "传真",
    "签发人",
    "办理结果",
    "内容",
    "答复情况",
    "答复意见",
    "联系单位",
    "抄报",
    "抄送",
    "领导署名",
    "网站标识码",
    "浏览次数",
    "点击数",
    "字号",
    "附件",
    "有效性",
)
for _label in IGNORED_LABELS:
    LABELS.setdefault(_label, (None, 9))

_LABEL = re.compile(
    r"(?:^|(?<=[\s\d日\]】)]))("
    + "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(LABELS, key=len, reverse=True))
    + r")\s*[::]"
)
#: A short label (perhaps with spaces between its characters) followed by a value.
_LABEL_LINE = re.compile(r"^[^\s::,,。]{1,8}(?:\s+[^\s::,,。]{1,4})*\s*[::]\s*\S")
_SPACE = re.compile(r"\s+")


def _label_key(s: str) -> str:
    return _SPACE.sub("", s)


def _labelled(line: str) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of a ``label: value  label: value`` line."""
    matches = list(_LABEL.finditer(line))
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        pairs.append((_label_key(m.group(1)), line[m.end() : end].strip()))
    return pairs


def _label_fields(lines: list[_Line]) -> dict[str, tuple[int, str]]:
    """Fields from labelled lines: field -> (rank, value), best rank first seen."""
    found: dict[str, tuple[int, str]] = {}
    for line in lines:
        if len(line.text) > LABEL_LINE_MAX:
            continue
        for label, raw in _labelled(line.text):
            field, rank = LABELS[label]
            if field is None or not raw:
                continue
            if field in ("written", "published"):
                value = parse_date(raw)
            else:
                value = raw.split()[0].strip("[]【】()")
            if value and (field not in found or rank < found[field][0]):
                found[field] = (rank, value)
    return found


def _is_header_line(t: str) -> bool:
    """A ``label: value`` line, a bare known label (``文 号:``) or a dated line."""
    if _LABEL_LINE.match(t) or _date_at_start(t):
        return True
    if t.endswith((":", ":")) and _label_key(t[:-1]) in LABELS:
        return True
    return bool(_LABEL.match(t))


# ----------------------------------------------------------------------------- header block

_BULLET = re.compile(r"^[•·●◆▪]\s*")
_INDEX_NUMBER = re.compile(r"^[0-9A-Za-z]{6,16}/\d{4}-\d{3,6}$")


def _header_block(lines: list[_Line]) -> tuple[dict[str, str], int]:
    """Fields of an unlabelled portal header, and how many lines it takes.

    The header is either bulleted lines (``• 005252100/2024-00211``) or an index
    number line followed by up to two name lines and two date lines. Values go to
    fields by kind and order: index number; names to publisher, then category;
    dates to written, then published.
    """
    items: list[str] = []
    if lines and _BULLET.match(lines[0].text):
        for line in lines:
            if not _BULLET.match(line.text):
                break
            items.append(_BULLET.sub("", line.text).strip())
        used = len(items)
    elif lines and _INDEX_NUMBER.match(lines[0].text):
        items.append(lines[0].text)
        names = dates = 0
        for line in lines[1:5]:
            t = line.text
            if _date_only(t):
                if dates == 2:
                    break
                dates += 1
            elif names < 2 and dates == 0 and len(t) <= 30 and not _is_header_line(t):
                names += 1
            else:
                break
            items.append(t)
        used = len(items)
    else:
        return {}, 0
    fields: dict[str, str] = {}
    name_fields = iter(("publisher", "category"))
    date_fields = iter(("written", "published"))
    for item in items:
        if not item:
            continue
        if _INDEX_NUMBER.match(item):
            fields.setdefault("index_number", item)
        elif (iso := _date_only(item)) is not None:
            field = next(date_fields, None)
            if field:
                fields[field] = iso
        else:
            field = next(name_fields, None)
            if field:
                fields[field] = item
    return fields, used


# ----------------------------------------------------------------------------- title

#: Endings of a complete formal title (a reply, a letter, a notice ...), perhaps
#: followed by a bracketed grade such as (B).
_FORMAL_END = re.compile(
    r"(答复|回复|复函|的函|批复|通知|意见|决定|报告|公告|通报|办法|规定|方案|规划|纲要"
    r"|的建议|的提案|的议案)(\([^()]{1,6}\))?$"
)
_FORMAL_START = re.compile(r"^(关于|对)")
#: A document number in brackets after a title: [浙交建〔2018〕101号].
_DOC_NUMBER_SUFFIX = re.compile(r"\s*[\[【(][^\[\]【】()]{0,12}〔\d{4}〕\s*\d+\s*号[\]】)]$")
_DOC_NUMBER_LINE = re.compile(r"^\S{1,12}〔\d{4}〕\s*\d+\s*号$")
_PUNCT = r",.;:!?、,。;:!?“”‘’()《》〈〉\[\]【】"
_SPACE_AT_PUNCT = re.compile(rf"\s+(?=[{_PUNCT}])|(?<=[{_PUNCT}])\s+")


def _is_formal(title: str) -> bool:
    """A formal document title: 关于/对 ... 的答复 (or 函, 通知 ...)."""
    return bool(_FORMAL_END.search(title)) and (bool(_FORMAL_START.match(title)) or "关于" in title)


_HAN = re.compile(r"[\u4e00-\u9fff]")
#: A heading holds at least this many Chinese characters (not a bare year or 关于).
HEADING_MIN_HAN = 4


def _heading_like(t: str) -> bool:
    body = t.rstrip("。")
    return (
        len(body) <= HEADING_MAX
        and len(_HAN.findall(body)) >= HEADING_MIN_HAN
        and "。" not in body
        and not t.endswith((":", ":"))
        and not body.startswith(("(", "[", "【", "(", "■", "•"))
    )


def _clean_title(t: str) -> str:
    """Drop a closing 。 and a trailing document number; join spaces a title cannot hold.

    A formal title holds no spaces (one inside it is a line-wrap or typing slip); a
    headline keeps a space between two parts (…举行 韩正出席并致辞) but not one
    next to punctuation.
    """
    t = _DOC_NUMBER_SUFFIX.sub("", t.strip().rstrip("。").strip())
    if _is_formal(_SPACE.sub("", t)):
        return _SPACE.sub("", t)
    return _SPACE_AT_PUNCT.sub("", t)


def _title(lines: list[_Line], start: int) -> tuple[str | None, int]:
    """The title and the index of its last line (``start - 1`` when there is none)."""
    for k in range(start, min(len(lines), start + 8)):
        t = lines[k].text
        if _is_header_line(t) or _DOC_NUMBER_LINE.match(t):
            continue
        if not _heading_like(t):
            return None, start - 1
        end = k
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if (
            nxt is not None
            and nxt.no == lines[k].no + 1
            and _FORMAL_START.match(t)
            and not _FORMAL_END.search(_SPACE.sub("", t))
            and _heading_like(nxt.text)
            and not _is_header_line(nxt.text)
        ):
            t += nxt.text  # a formal title broken over two lines
            end = k + 1
        return _clean_title(t), end
    return None, start - 1


def _subtitle(lines: list[_Line], after: int, title: str) -> str | None:
    """A second formal heading right after the title (关于…第N号提案的回复)."""
    if after + 1 >= len(lines):
        return None
    t = lines[after + 1].text
    if not _heading_like(t) or _is_header_line(t):
        return None
    cleaned = _clean_title(t)
    if cleaned == title or not _is_formal(cleaned):
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
_PROPOSAL_WORDS = ("建议", "提案", "议案")


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
        if not heading or not any(w in heading for w in _PROPOSAL_WORDS):
            continue
        text = _SPACE.sub("", heading)
        for pattern in _PROPOSAL:
            m = pattern.search(text)
            if not m:
                continue
            value = "".join(m.groups())
            if value[0] in _HAN_NUMERAL:
                number = _han_number(value)
                if number is None:
                    continue
                value = str(number)
            return value
    return None


# ----------------------------------------------------------------------------- addressee

#: Label-like words that end a colon line which is not a salutation.
_NOT_ADDRESSEE = (
    "情况",
    "意见",
    "日期",
    "时间",
    "文号",
    "编号",
    "类型",
    "类别",
    "内容",
    "附件",
    "电话",
    "地址",
    "邮编",
    "备注",
    "联系人",
    "摘要",
    "主题",
    "标题",
    "关键词",
    "如下",
)
_SALUTATION_PREFIX = re.compile(r"^(尊敬的|敬爱的|亲爱的)")
_ADDRESSEE_NO_COLON = re.compile(r"^[^,,。;;::!!]{2,60}(代表|委员|同志)$")


def _addressee(lines: list[_Line], start: int) -> tuple[str | None, int | None]:
    """The salutation (``民建郑州市委员会:``) after the title, and its index."""
    for k in range(start, min(len(lines), start + 12)):
        t = lines[k].text
        if t.endswith((":", ":")) and len(t) <= ADDRESSEE_MAX and not re.search("[::]", t[:-1]):
            name = t[:-1].strip()
            key = _label_key(name)
            if not key or key in LABELS or key.endswith(_NOT_ADDRESSEE):
                continue
            return _SALUTATION_PREFIX.sub("", name).strip() or None, k
        if k == start and _ADDRESSEE_NO_COLON.match(t):
            return t, k
        if len(t) > HEADING_MAX:
            break
    return None, None


# ----------------------------------------------------------------------------- main


def parse_metadata(text: str) -> dict[str, str]:
    """Header and closing fields of a document (see the module docstring).

    Keys are among :data:`kg.types.METADATA_FIELDS`, in that order.

    >>> parse_metadata("“深莞惠+汕尾河源”联建新都市群\\n\\n2016-02-19\\n来源:广州日报\\n\\n正文。")
    {'publisher': '广州日报', 'published': '2016-02-19', 'title': '“深莞惠+汕尾河源”联建新都市群'}
    """
    head, tail = _split(text)
    fields: dict[str, tuple[int, str]] = {}

    def offer(field: str, value: str | None, rank: int) -> None:
        if value and (field not in fields or rank < fields[field][0]):
            fields[field] = (rank, value)

    block, used = _header_block(head)
    for field, value in block.items():
        offer(field, value, 0)
    for field, (rank, value) in _label_fields(head).items():
        offer(field, value, rank)
    for field, (rank, value) in _label_fields(tail).items():
        offer(field, value, rank + 5)  # the head's labels win over the footer's

    title, title_end = _title(head, used)
    subtitle = _subtitle(head, title_end, title) if title else None
    offer("title", title, 0)
    offer("subtitle", subtitle, 0)
    offer("proposal_number", _proposal_number(title, subtitle), 0)

    after = title_end + (2 if subtitle else 1) if title else used
    addressee, addressee_at = _addressee(head, after)
    offer("addressee", addressee, 0)

    # Where the body starts: the salutation, or else the first long line.
    body_no = head[addressee_at].no if addressee_at is not None else None
    if body_no is None:
        body_no = next((ln.no for ln in head if len(ln.text) > HEADING_MAX), None)
    if body_no is None:
        body_no = head[-1].no + 1 if head else 0

    # A news item's first date line (before the body, outside a portal header).
    for line in head[used:]:
        if line.no >= body_no:
            break
        found = _date_at_start(line.text)
        if found:
            offer("published", found[0], 3)
            break

    # The date line that closes a letter.
    for line in reversed(tail):
        if line.no <= body_no:
            break
        iso = _date_only(line.text)
        if iso:
            offer("signed_date", iso, 0)
            offer("written", iso, 3)
            break

    return {field: fields[field][1] for field in METADATA_FIELDS if field in fields}

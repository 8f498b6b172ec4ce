"""Named things other than places: suffix rules, 《》 titles, proposals, known names,
names built around a place (人行河南省分行) and level-only body names (省委, 市政府)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from kg.extract import segmenter, tables
from kg.extract.context import Context
from kg.extract.matcher import Hit
from kg.extract.spans import Cover, Sorted
from kg.types import EntityType, Mention, Span

#: Characters a name never crosses on its left (brackets and quotes are jumped when balanced).
_HARD = frozenset(" \t\n\u3000,，。;；:：!！?？《》<>〈〉[]【】|•")
_OPEN, _CLOSE = "(（“‘「", ")）”’」"
_SCALE = re.compile(r"[万千百]亿级")
_SESSION = re.compile(r"第[一二三四五六七八九十\d]{1,3}届")
_NUMBERED = re.compile(
    r"^[一二两三四五六七八九十\d]+[市省区县地方家个]|[一二两三四五六七八九十]+[市省地]"
)
#: A count of things, not a name (三个合作协议, 两项合作机制, 10个产业园区).
_COUNTED = re.compile(r"^(?:[一二两三四五六七八九十百\d]+|多|若干)[个项份条家批]")
#: What may not follow a one-character name ending (局长, 布局, 处理 ...).
_BAD_NEXT = {
    "局": "长面势部限",
    "厅": "长",
    "处": "长理于在置罚",
    "政府": "采",
    "大会": "堂",
    "公司": "债",
}
_NEEDS_BODY = frozenset(["处"])
#: What may not come before a one-character ending (布局, 格局, 大局).
_BAD_PREV = {"局": "布格大全结当骗开残时赌出入变僵败定终", "厅": "大客餐展", "处": "之到好益难各何"}


#: Openings of official names that come before the place (中共河南省委, 政协子洲县委员会).
_BODY_PREFIXES = ("中共", "中国", "国家", "政协", "共青团", "人行")


@lru_cache(maxsize=65536)
def is_generic(core: str) -> bool:
    """Whether a name's core is made only of common dictionary words (保险, 工业设计)."""
    words = tables.common_words()
    proper = ("ns", "nr", "nz", "nt", "nrt", "nrfg", "j", "m")
    run = 0
    for tok in segmenter.cut(core):
        if len(tok) == 1:
            run += 1
            if not ("\u4e00" <= tok <= "\u9fff") or run >= 2:
                return (
                    False  # digits, Latin, or characters no dictionary word covers: a proper name
                )
            continue
        run = 0
        w = words.get(tok)
        if w is None or w[0] < 20 or w[1] in proper:
            return False
    return True


_MAX = 40


@cache
def _boundaries(scope: str) -> tuple[frozenset[str], int]:
    rows = tables.tsv("boundaries.tsv")
    scopes = {"all", scope} | ({"mechanism"} if scope == "name" else set())
    words = frozenset(r["word"] for r in rows if r["scope"] in scopes)
    return words, max(len(w) for w in words)


@cache
def _boundary_endings(scope: str) -> dict[str, tuple[str, ...]]:
    """Boundary words of two or more characters, by their last character."""
    out: dict[str, list[str]] = {}
    for w in _boundaries(scope)[0]:
        if len(w) >= 2:
            out.setdefault(w[-1], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _suffix_tuple() -> tuple[str, ...]:
    return tuple(_suffix_types())


@cache
def _suffix_types() -> dict[str, str]:
    return tables.pairs("suffixes.tsv", "suffix", "type")


@cache
def _generic() -> frozenset[str]:
    return tables.word_set("generic.tsv", "phrase")


@cache
def _bodies() -> tuple[tuple[str, str], ...]:
    rows = tables.pairs("bodies.tsv", "short", "full")
    return tuple(sorted(rows.items(), key=lambda kv: -len(kv[0])))


def expand_bodies(name: str) -> str:
    """Official forms of abbreviated body names (发改委 -> 发展和改革委员会).

    >>> expand_bodies("省人大常委会办公厅"), expand_bodies("宜宾市政府"), expand_bodies("四川省人民政府")
    ('省人民代表大会常务委员会办公厅', '宜宾市人民政府', '四川省人民政府')
    """
    out, i = [], 0
    while i < len(name):
        for short, full in _bodies():
            if name.startswith(short, i) and not name.startswith(full, i):
                if short == "政府" and name[max(0, i - 2) : i] == "人民":
                    continue
                if short == "人大" and name.startswith("人大常委会", i):
                    continue
                out.append(full)
                i += len(short)
                break
        else:
            out.append(name[i])
            i += 1
    return "".join(out)


def _inside_word(text: str, k: int) -> bool:
    """Whether the character at ``k`` belongs to a two-character dictionary word (同城, 南向)."""
    words = tables.common_words()
    return text[k : k + 2] in words or (k > 0 and text[k - 1 : k + 1] in words)


def left_edge(
    text: str,
    start: int,
    floor: int,
    scope: str = "name",
    event: bool = False,
    agreement: bool = False,
    body: bool = False,
) -> int:
    """Where a name ending at ``start`` begins: stop at punctuation and boundary words.

    ``scope`` "name" also stops at verbs that govern a name (促进, 依托); "title"
    (events, agreements) only at function words and a few verbs.
    """
    words, _ = _boundaries(scope)
    ends_with = _boundary_endings(scope)
    i = start
    while i > floor and start - i < _MAX:
        ch = text[i - 1]
        if ch in _CLOSE:
            j = text.rfind(_OPEN[_CLOSE.index(ch)], max(floor, i - 30), i - 1)
            if j < 0:
                break
            i = j
            continue
        if ch in _HARD or ch in _OPEN or (ch in "、/" and not agreement):
            break
        if scope == "name" and ch in "和及与" and text.endswith(_suffix_tuple(), 0, i - 1):
            break
        if ch == "委" and text[i : i + 1] in ("省", "市", "区", "县"):
            break
        if event and ch in "与和":
            i -= 1
            continue
        if (
            agreement
            and ch in "、/"
            and not text.endswith(("协议", "意向书", "备忘录", "》"), 0, i - 1)
        ):
            i -= 1
            continue
        ending = ends_with.get(ch)
        if (i < start or not body) and ending and text.endswith(ending, floor, i):
            break  # a body's ending keeps the word right before it (建设局, 发展和改革委员会)
        if ch in words and not _inside_word(text, i - 1):
            break
        i -= 1
    return i


def extend_over_list(text: str, s: int, ends: dict[int, int], starts: set[int]) -> int:
    """An event name may open with a list of places (成都、德阳、眉山、资阳四市政协…座谈会).

    ``ends`` maps the end of each place mention to its start; ``starts`` holds the starts.
    """
    if s not in starts:
        return s
    while text[s - 1 : s] == "、" and (s - 1) in ends:
        s = ends[s - 1]
    return s


#: Verbs of signing: an agreement named right after one begins there (签署深化川桂合作
#: 共同推进南向开放通道建设框架协议), whatever verbs its own name holds.
_SIGNING = re.compile(r"(?:签署|签订|共同签署|正式签署)(?:了)?$")
_NAME_BREAKS = frozenset(' \t\n\u3000,，。;；:：!！?？《》、“”"')


def _after_signing(text: str, s: int) -> int:
    """The start of an agreement's name moved back to the signing verb before it, when
    nothing but name characters lie between (at most :data:`_MAX` characters)."""
    k = s
    while s - k < _MAX:
        if _SIGNING.search(text, max(0, k - 6), k):
            return s if "的" in text[k:s] else k  # 签署的合作协议: a clause, not a name
        if k == 0 or text[k - 1] in _NAME_BREAKS:
            break
        k -= 1
    return s


#: An outlet's name: a short head and the ending of a news outlet (红网, 四川新闻网, 甘肃台).
_OUTLET_NAME = r"[\u4e00-\u9fff]{1,10}?(?:新闻网|日报|晚报|网|报|电视台|台|通讯社|社)"
_MEDIA_NAME = r"[\u4e00-\u9fff]{1,10}?(?:新闻网|日报|晚报|网|电视台)"
_OUTLET = re.compile(
    "|".join(
        [
            # source lines: 来源:红网, 新闻来源:眉山网
            rf"(?:来源|新闻来源)[:：]\s*({_OUTLET_NAME})",
            # datelines: 眉山网讯, 红网时刻新闻10月15日讯, 新华社北京3月5日电
            r"(?:^|[(（])([\u4e00-\u9fff]{2,8}?(?:新闻网|网|日报|报))讯",
            rf"^\s*({_OUTLET_NAME})[^\n\d]{{0,12}}?\d{{1,2}}月\d{{1,2}}日(?:讯|电)",
            # a closing credit: (东南网手机版), 甘肃台记者…报道, 中原网 网站版权所有
            rf"[(（]({_MEDIA_NAME})(?:手机版|客户端)?[)）]\s*$",
            rf"^\s*({_OUTLET_NAME})记者[^\n]{{0,20}}报道",
            rf"(?<![\u4e00-\u9fff])({_MEDIA_NAME})\s*(?:网站)?版权所有",
        ]
    ),
    re.MULTILINE,
)
#: Heads that make an ending a word, not an outlet's name (本报, 据报).
_NOT_OUTLETS = frozenset(["本报", "据报", "电视台", "网", "互联网", "官网"])


def outlet_mentions(text: str) -> list[Mention]:
    """News outlets named in source lines and bylines (来源:福建新闻网; 眉山网讯)."""
    out = []
    for m in _OUTLET.finditer(text):
        g = next(k for k in range(1, len(m.groups()) + 1) if m.group(k))
        if m.group(g) in _NOT_OUTLETS:
            continue
        out.append(
            Mention(
                Span(m.start(g), m.end(g)),
                m.group(g),
                EntityType.ORGANIZATION,
                "outlet",
                m.group(g),
            )
        )
    return out


def suffix_mentions(
    text: str, hits: list[Hit], places: list[Mention], ctx: Context
) -> list[Mention]:
    """Names found from their ending (…城市群, …有限公司, …示范区, …座谈会)."""
    types = _suffix_types()
    generic = _generic()
    parties = tables.column("party_prefixes.tsv", "prefix")
    by_end: dict[int, Hit] = {}
    for h in hits:
        if h.end not in by_end or len(h.surface) > len(by_end[h.end].surface):
            by_end[h.end] = h
    out: list[Mention] = []
    index = Sorted(places, key=lambda m: (m.span.start, m.span.end))
    place_ends = {m.span.end: m.span.start for m in places}
    place_starts = {m.span.start for m in places}
    whole_places = {m.span.end for m in places if m.canonical == m.surface}
    for end, h in sorted(by_end.items()):
        suffix = h.surface
        nxt = text[end : end + 1]
        if nxt and nxt in _BAD_NEXT.get(suffix, ""):
            continue
        if suffix == "委员会" and nxt == "委":
            continue
        typ = types[suffix]
        scope = "title" if typ in ("Event", "Company") or typ == "Agreement" else "name"
        if suffix in ("合作机制", "会议制度", "联席会议制度"):
            scope = "mechanism"
        s = left_edge(
            text,
            h.start,
            0,
            scope,
            typ == "Event",
            typ == "Agreement" and scope == "title",
            typ == "Agency",
        )
        if typ == "Event":
            s = extend_over_list(text, s, place_ends, place_starts)
        elif typ == "Agreement" and scope == "title":
            s = _after_signing(text, s)
        elif typ in ("Zone", "Cluster"):
            # A工程和武汉国际博览中心: a second name opening with its place after 和/与/及
            cut = max(
                (k + 1 for k in range(s, h.start) if text[k] in "和与及" and k + 1 in place_starts),
                default=s,
            )
            s = cut
            # 省政府…曲靖经济技术开发区: a government is never inside a zone's name
            gov = text.rfind("政府", s, h.start)
            if gov >= 0:
                s = gov + 2
        name = text[s:end]
        core = name[: -len(suffix)]
        if suffix in _BAD_PREV and core[-1:] in _BAD_PREV[suffix]:
            continue
        if len(core) < 2 and not (typ == "Agency" and core in ("省", "市", "区", "县")):
            continue
        if (
            name in generic
            or core in generic
            or (typ in ("Agency", "Organization") and _NUMBERED.search(name))
            or _COUNTED.match(name)
        ):
            continue
        inner = index.within(s, end)
        if name.endswith(("分公司", "子公司")) and not inner:
            continue
        if suffix in _NEEDS_BODY and not any(b in core for b in ("厅", "局", "委", "部")):
            continue
        if core.endswith(("的", "了")):
            continue
        has_place = bool(inner)
        if typ in ("Zone", "Cluster") and has_place:
            # 高度肯定防城港经济技术开发区: common words before the place are no part of it
            first = min(m.span.start for m in inner)
            if first - s >= 2 and is_generic(text[s:first]):
                s, name = first, text[first:end]
                core = name[: -len(suffix)]
        if typ == "Agency" and not has_place and not name.startswith(_BODY_PREFIXES):
            cut = max(
                (k for k, ch in enumerate(name[: -len(suffix)]) if ch in "省市区县" and k > 0),
                default=0,
            )
            if cut and name[cut - 1] not in "省市区县":
                s, name = s + cut, name[cut:]
                core = name[: -len(suffix)]
        if typ in ("Agency", "Organization") and has_place:
            first = min(m.span.start for m in inner)
            if (
                first > s
                and not name.startswith(_BODY_PREFIXES)
                and not any(name.startswith(p) for p in parties)
            ):
                s, name = first, text[first:end]
                core = name[: -len(suffix)]
        if (
            typ in ("Zone", "Cluster", "Organization")
            and not has_place
            and core.startswith(("国家", "全国", "一批"))
        ):
            continue
        if typ in ("Zone", "Company", "Organization") and not has_place and is_generic(core):
            continue
        if typ == "Zone" and end in whole_places:
            continue  # 上海浦东新区: the division itself
        if typ == "Agency" and any(name.startswith(p) for p in parties):
            typ = "Organization"
        canonical = canonical_form(name, typ, ctx)
        out.append(Mention(Span(s, end), name, EntityType(typ), "suffix", canonical))
    return out


def canonical_form(name: str, typ: str, ctx: Context) -> str:
    """The official form of a name: scale words dropped, bodies written out, the level
    word of a body or zone read as the document's own (市发改委 -> 郑州市发展和改革委员会)."""
    name = _SCALE.sub("", name)
    if typ in ("Agency", "Organization", "Zone"):
        name = expand_bodies(_SESSION.sub("", name))
        level = {"省": "province", "市": "city", "区": "county", "县": "county"}.get(name[:1])
        if level and len(name) > 2:
            j = ctx.level_name(level)
            if j:
                name = j + name[1:]
    return name


_TITLE = re.compile(r"《([^《》]{2,120})》")


@cache
def _title_endings() -> tuple[tuple[str, str], ...]:
    rows = tables.pairs("titles.tsv", "ending", "type")
    return tuple(sorted(rows.items(), key=lambda kv: -len(kv[0])))


def title_mentions(text: str) -> list[Mention]:
    """Agreements, plans and papers named in 《…》, typed by how the title ends."""
    known = tables.pairs("names.tsv", "surface", "type")
    out = []
    for m in _TITLE.finditer(text):
        title = m.group(1)
        bare = re.sub(r"\s+", "", title)
        if bare in known:
            typ = known[bare]
        else:
            typ = next(
                (t for e, t in _title_endings() if re.sub(r"\(.*?\)$", "", bare).endswith(e)), ""
            )
        if not typ or len(bare) < 4:
            continue
        out.append(
            Mention(
                Span(m.start(1), m.end(1)),
                title,
                EntityType(typ),
                "title",
                bare.replace("〈", "《").replace("〉", "》"),
            )
        )
    return out


#: A plan named without 《》 as what something is put into (列入2024年城建计划,
#: 纳入新郑市国土空间总体规划, 纳入“十二五”规划): a year, a quoted period or a division
#: word makes it a particular plan, not a generic one (纳入年度计划, 列入正在调整的规划).
_INCLUDED_PLAN = re.compile(
    r"(?:纳入|列入|编入|写入)(?:了|到)?"
    r"([^\s,，。;；:：、《》()（）]{2,24}?(?:规划纲要|总体规划|规划|计划))"
)
_PARTICULAR = re.compile(r"\d|“[^”]{1,10}”|^(?![全本我各])[\u4e00-\u9fff]{2,6}?[省市县区]")


def included_plan_mentions(text: str) -> list[Mention]:
    """Plans named as what a project is put into (列入2024年城建计划)."""
    out = []
    for m in _INCLUDED_PLAN.finditer(text):
        name = m.group(1)
        if "的" in name or not _PARTICULAR.search(name):
            continue
        out.append(Mention(Span(m.start(1), m.end(1)), name, EntityType.PLAN, "included", name))
    return out


#: An official reply or notice named after its issuer and subject (国务院关于…规划的批复).
_ISSUED_TITLE = re.compile(r"^(.{2,24}?)关于(.{2,80})的(?:批复|通知|意见|决定|函|复函)$")


def title_parts(titles: list[Mention]) -> list[Mention]:
    """The issuer and the approved plan named inside a title: 《国务院关于广州南沙新区发展规划
    的批复》 names 国务院 (Agency) and 广州南沙新区发展规划 (Plan). The issuer must be a known
    body or end like one (…人民政府, …办公厅); the subject must end like a plan."""
    known = tables.tsv("names.tsv")
    agencies = {r["surface"]: r["name"] for r in known if r["type"] == "Agency"}
    endings = tuple(s for s, t in _suffix_types().items() if t == "Agency")
    plan_endings = tuple(e for e, t in _title_endings() if t == "Plan")
    out = []
    for t in titles:
        m = _ISSUED_TITLE.match(t.surface)
        if not m or t.type != EntityType.PLAN:
            continue
        body = m.group(1)
        if body in agencies or body.endswith(endings):
            name = agencies.get(body) or expand_bodies(body)
            start = t.span.start
            out.append(
                Mention(Span(start, start + len(body)), body, EntityType.AGENCY, "title-part", name)
            )
            subject = m.group(2)
            if subject.endswith(plan_endings):
                s = t.span.start + m.start(2)
                out.append(
                    Mention(
                        Span(s, s + len(subject)), subject, EntityType.PLAN, "title-part", subject
                    )
                )
    return out


_PROPOSAL = re.compile(
    r"提出(?:的|了)\s*[“\"]?(关于[^。;；\n]{2,80}?(?:[”\"]\s*)?(?:的)?(?:提案|建议))"
)


def proposal_mentions(text: str) -> list[Mention]:
    """The proposal or suggestion being answered (你们提出的关于…的提案): a Plan."""
    out = []
    for m in _PROPOSAL.finditer(text):
        s, e = m.start(1), m.end(1)
        if text[s - 1 : s] in '“"':
            s -= 1
        surface = text[s:e]
        canonical = re.sub(r"[“”\"\s]", "", surface)
        out.append(Mention(Span(s, e), surface, EntityType.PLAN, "proposal", canonical))
    return out


def known_mentions(hits: list[Hit]) -> list[Mention]:
    """Names from the curated list (brands, national bodies, macro-regions)."""
    rows = {r["surface"]: r for r in tables.tsv("names.tsv")}
    out = []
    for h in hits:
        r = rows[h.surface]
        out.append(
            Mention(Span(h.start, h.end), h.surface, EntityType(r["type"]), "known", r["name"])
        )
    return out


@cache
def _templates() -> tuple[tuple[str, str, str, str], ...]:
    out = []
    for r in tables.tsv("place_templates.tsv"):
        pre, _, suf = r["pattern"].partition("{P}")
        out.append((pre, suf, r["name"], r["type"]))
    return tuple(sorted(out, key=lambda t: -(len(t[0]) + len(t[1]))))


def template_mentions(text: str, places: list[Mention]) -> list[Mention]:
    """Names built around a place: 人行河南省分行, 河南证监局, 深圳市委, 政协子洲县第十届委员会."""
    out = []
    templates = _templates()
    pre_ends = frozenset(pre[-1] for pre, *_ in templates if pre)
    suf_starts = frozenset(suf[:1] for _, suf, *_ in templates) | {"第"}
    for p in places:
        if p.rule == "compound" or not p.canonical:
            continue
        before = text[p.span.start - 1 : p.span.start]
        if before not in pre_ends and text[p.span.end : p.span.end + 1] not in suf_starts:
            continue  # no template can open before or close after this place
        for pre, suf, tpl, typ in templates:
            s = p.span.start - len(pre)
            if pre and text[s : p.span.start] != pre:
                continue
            e = p.span.end
            m = _SESSION.match(text, e)
            if m and suf:
                e = m.end()
            if not text.startswith(suf, e):
                continue
            end = e + len(suf)
            if suf.endswith("委") and text[end : end + 1] in ("员", "会"):
                continue
            if text[end : end + 1] in ("长",):
                continue
            canonical = tpl.replace("{P}", p.surface)
            out.append(Mention(Span(s, end), text[s:end], EntityType(typ), "template", canonical))
            break
    return out


def jurisdiction_mentions(
    text: str, hits: list[Hit], places: list[Mention], ctx: Context
) -> list[Mention]:
    """Bodies (and a few zones) named by level only (省委, 市政府, 市政协, 市高新区): the
    document's own."""
    rows = {r["form"]: r for r in tables.tsv("jurisdiction.tsv")}
    if not hits:
        return []
    place_cover = Cover((m.span.start, m.span.end) for m in places)
    by_start: dict[int, Hit] = {}
    for h in hits:
        if h.start not in by_start or len(h.surface) > len(by_start[h.start].surface):
            by_start[h.start] = h
    out = []
    for h in by_start.values():
        if place_cover.overlaps(h.start, h.end):
            continue
        r = rows[h.surface]
        j = ctx.level_name(r["level"])
        if not j:
            continue
        canonical = r["template"].replace("{J}", j)
        typ = EntityType(r.get("type") or "Agency")
        out.append(Mention(Span(h.start, h.end), h.surface, typ, "jurisdiction", canonical))
    return out


_SESSION_BODY = re.compile(
    r"(省|市|区|县)?(?:第?[一二三四五六七八九十]{1,4}届)(人大|政协)(?:第?[一二三四五六七八九十]{1,3}次)?会议"
)


def session_mentions(text: str, ctx: Context) -> list[Mention]:
    """The congress or CPPCC named in a session reference (省十四届人大一次会议 -> 河南省人民代表大会)."""
    out = []
    for m in _SESSION_BODY.finditer(text):
        level = {"省": "province", "市": "city", "区": "county", "县": "county"}.get(
            m.group(1) or ""
        )
        j = ctx.level_name(level) if level else None
        if not j:
            for lv in ("county", "city", "province"):
                if m.group(1) is None and lv == "province" and ctx.home.get("province"):
                    j = ctx.level_name("province")
        if not j:
            continue
        body = "人民代表大会" if m.group(2) == "人大" else "政协"
        out.append(
            Mention(Span(m.start(2), m.end(2)), m.group(2), EntityType.AGENCY, "session", j + body)
        )
    return out

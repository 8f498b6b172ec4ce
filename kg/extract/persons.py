"""People: names next to titles and roles (市长王跃华, 魏志峰代表, 记者 侯爱敏), in bylines,
and every later occurrence of a name found so."""

from __future__ import annotations

import re
from functools import cache

import ahocorasick_rs

from kg.extract import tables
from kg.extract.matcher import Hit
from kg.extract.spans import Cover
from kg.types import EntityType, Mention, Span

#: Characters that start the word after a name (出席, 在, 等, 说 ...): the name ended before.
_AFTER = frozenset(
    "出在等主参说表指强会率带和与分代同一陪见为到赴向对及共介感希认提要也还就将是已、,，。:：;；)）」”’ \n"
)
#: Cues after a name that are too common after other words to find a name by themselves.
AFTER_WEAK = frozenset(["等", "同志", "代表", "委员"])
_FIRST_BAD = frozenset("的了在等和与是为及并们")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """The one-character and the two-character surnames of ``surnames.tsv``."""
    s = tables.word_set("surnames.tsv", "surname")
    return frozenset(x for x in s if len(x) == 1), frozenset(x for x in s if len(x) == 2)


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a (common) Han character."""
    return bool(ch) and bool(_CJK.match(ch))


def _name_at(text: str, i: int) -> tuple[int, int, str] | None:
    """A name starting at ``i``: (start, end, canonical) or None."""
    one, two = surnames()
    if text[i : i + 2] in two:
        sl = 2
    elif text[i : i + 1] in one:
        sl = 1
    else:
        return None
    j = i + sl
    # 张 雷: one given character after a space
    if text[j : j + 1] == " " and is_cjk(text[j + 1 : j + 2]) and not is_cjk(text[j + 2 : j + 3]):
        return (i, j + 2, text[i:j] + text[j + 1])
    c1, c2 = text[j : j + 1], text[j + 1 : j + 2]
    if not is_cjk(c1) or c1 in _FIRST_BAD:
        return None
    end = j + 1 if (not is_cjk(c2) or c2 in _AFTER) else j + 2
    name = text[i:end]
    common = tables.common_words().get(name)
    if common and common[0] >= 50 and not common[1].startswith("nr"):
        return None
    return (i, end, name)


def person_mentions(text: str, cues: list[Hit], taken: list[tuple[int, int]]) -> list[Mention]:
    """Persons next to role words, in bylines and addressee lines; then every repeat."""
    sides: dict[str, set[str]] = {}
    for r in tables.tsv("person_cues.tsv"):
        sides.setdefault(r["cue"], set()).add(r["side"])
    found: dict[str, list[tuple[int, int, str]]] = {}
    busy_cover: Cover | None = None

    def busy(s: int, e: int) -> bool:
        nonlocal busy_cover
        if busy_cover is None:  # built only when some name is found
            busy_cover = Cover(taken)
        return busy_cover.overlaps(s, e)

    def add(span: tuple[int, int, str]) -> None:
        s, e, name = span
        if busy(s, e):
            return
        found.setdefault(name, []).append(span)

    # longest cue per start
    by_start: dict[int, Hit] = {}
    for h in cues:
        if h.start not in by_start or len(h.surface) > len(by_start[h.start].surface):
            by_start[h.start] = h
    for h in by_start.values():
        if "before" not in sides.get(h.surface, ()):
            continue
        j = h.end
        while j < len(text) and text[j] in " :：\u3000":
            j += 1
        span = _name_at(text, j)
        while span:
            add(span)
            if text[span[1] : span[1] + 1] != "、":
                break
            span = _name_at(text, span[1] + 1)
    # a name right before its title (交通运输部杨传堂部长, 陈润儿省长), opening a clause or
    # right after a body's name
    taken_ends = {e for _, e in taken}
    cue_cover = Cover((h.start, h.end) for h in cues)
    for h in by_start.values():
        if "after" not in sides.get(h.surface, ()) or h.surface in AFTER_WEAK:
            continue
        if cue_cover.inside_longer(h.start, h.end):
            continue  # 常务副省长: 省长 is part of a longer title
        for size in (3, 2):
            i = h.start - size
            if i < 0:
                continue
            prev = text[i - 1 : i]
            if not (not is_cjk(prev) or i in taken_ends or prev in "和与、及"):
                continue
            got = _name_at(text[i : h.start], 0)  # the name ends where the title begins
            if got and got[1] == size:
                add((i, h.start, got[2]))
                break
    # addressee lines: 郭胜利、陈爱珍委员: / 李红等8名代表: / 尊敬的魏志峰代表:
    for m in re.finditer(r"(?m)^(?:尊敬的)?([^\n:：]{2,80}?)(?:等\d*名?)?(?:代表|委员)[:：]", text):
        parts = m.group(1).split("、")
        spans: list[tuple[int, int, str]] = []
        pos = m.start(1)
        for part in parts:
            got = _name_at(text, pos)
            if not got or got[1] - pos != len(part.strip()):
                spans = []
                break
            spans.append(got)
            pos += len(part) + 1
        for sp in spans:
            add(sp)
    # bylines: (记者 侯爱敏 见习记者 宋明明) (刘伟巍 记者 李幸) and a line of names only
    for m in re.finditer(r"(?m)[(（]([^()（）\n]{2,40})[)）]|^([^\n]{2,20})$", text):
        body = m.group(1) if m.group(1) is not None else m.group(2)
        base = m.start(1) if m.group(1) is not None else m.start(2)
        tokens = [(t.start(), t.group()) for t in re.finditer(r"\S+", body)]
        if len(tokens) < 2 and m.group(1) is None:
            continue
        spans = []
        ok = True
        for off, tok in tokens:
            if tok in sides or tok.endswith("讯"):
                continue
            got = _name_at(text, base + off)
            if got and got[1] == base + off + len(tok) and 2 <= len(tok) <= 3:
                spans.append(got)
            else:
                ok = False
                break
        if (
            ok
            and spans
            and (m.group(1) is None or any(t in sides for _, t in tokens) or len(spans) >= 2)
        ):
            for sp in spans:
                add(sp)
    for r in tables.tsv("names.tsv"):
        if r["type"] == "Person":
            for m2 in re.finditer(re.escape(r["surface"]), text):
                add((m2.start(), m2.end(), r["name"]))
    # every occurrence of every surface found so, in one pass over the text
    canon: dict[str, str] = {}
    for name, spans in found.items():
        for s, e, _ in spans:
            canon.setdefault(text[s:e], name)
    out: list[Mention] = []
    if not canon:
        return out
    surfaces = sorted(canon)
    ac = ahocorasick_rs.AhoCorasick(surfaces, matchkind=ahocorasick_rs.MatchKind.Standard)
    seen: set[tuple[int, int]] = set()
    for idx, s, e in ac.find_matches_as_indexes(text, overlapping=True):
        key = (s, e)
        if key in seen or busy(s, e):
            continue
        seen.add(key)
        surface = surfaces[idx]
        out.append(Mention(Span(s, e), surface, EntityType.PERSON, "person", canon[surface]))
    return sorted(out, key=lambda m: m.span.start)

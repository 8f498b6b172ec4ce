"""The document's mentions: the tagger's names, with what the rules add inside them.

The tagger (:mod:`kg.extract.tagger`) decides which names there are at the
top level and where they begin and end; it has read the rules' mentions as
features. The rules still know things the tagger does not label:

- the division code and official form of a name they found at the same span
  (郑州 -> 郑州市, 410100; 市发改委 -> 郑州市发展和改革委员会);
- places, regions and zones inside another name (江苏 in 江苏省政协, 郑州 in 郑州都市圈,
  a new area in its plan's title), which count as mentions of them; and the names the rules keep inside another
  name on purpose (the parties that open an event's name);
- one-character places of a compound (郑 and 开 in 郑开同城化).

Those are kept, with the confidence the rule earned on the annotated corpus
(``rule_confidence``, written by ``kg train``). A rule's name at the top level
that the tagger did not label is dropped: the tagger has seen it and said no.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

from kg.extract import tables
from kg.extract.context import Context
from kg.extract.matcher import Hit
from kg.extract.names import canonical_form
from kg.extract.places import choose
from kg.extract.spans import Cover
from kg.extract.tagger import Tagged
from kg.types import EntityType, Mention, Span

__all__ = ["combine", "kept_rule_mentions"]

_NESTABLE = frozenset([EntityType.PLACE, EntityType.REGION, EntityType.ZONE])
#: The confidence of a kept rule mention whose rule the corpus never tested.
DEFAULT_RULE_CONFIDENCE = 0.5


def kept_rule_mentions(
    rules: Sequence[Mention], tagged_spans: Sequence[tuple[int, int]]
) -> list[Mention]:
    """The rules' mentions kept beside the tagger's names (see the module docstring)."""
    tagged = Cover(tagged_spans)
    exact = set(tagged_spans)
    rule_cover = Cover((m.span.start, m.span.end) for m in rules)
    out = []
    for m in rules:
        k = (m.span.start, m.span.end)
        if k in exact:
            continue
        if (
            len(m.span) == 1
            and m.type in _NESTABLE
            or tagged.inside_longer(*k)
            and (m.type in _NESTABLE or rule_cover.inside_longer(*k))
            or m.rule in DEFINITIONAL
            and not tagged.overlaps(*k)
            and (m.type in _NESTABLE or not rule_cover.inside_longer(*k))
        ):
            out.append(m)
    return out


#: Rules that read a name off an explicit form (a table of known names, a template
#: around a place, a byline, the proposal answered, a place abroad after its country):
#: the tagger, which has seen few of them, cannot overrule them where it saw nothing.
DEFINITIONAL = frozenset(
    ["known", "template", "outlet", "proposal", "country", "foreign", "township"]
)


def mended(tagged: Sequence[Tagged], rules: Sequence[Mention]) -> list[Tagged]:
    """The tagger's names with a rule's name put back where the tagger cut it into
    pieces that tile it exactly (2021年淮海经济区协同 | 发展座谈会)."""
    starts = {t.start: t for t in tagged}
    out = list(tagged)
    for r in rules:
        s, e = r.span.start, r.span.end
        pieces: list[Tagged] = []
        k = s
        while k < e and k in starts and starts[k].end <= e:
            pieces.append(starts[k])
            k = starts[k].end
        if k == e and len(pieces) >= 2:
            conf = min(p.confidence for p in pieces)
            out = [t for t in out if t not in pieces] + [Tagged(s, e, r.type, conf)]
            for p in pieces:
                starts.pop(p.start, None)
    return sorted(out, key=lambda t: (t.start, t.end))


def combine(
    text: str,
    rules: Sequence[Mention],
    tagged: Sequence[Tagged],
    ctx: Context,
    rule_confidence: Mapping[str, float],
) -> list[Mention]:
    """The mentions of a document, in text order (see the module docstring)."""
    by_span: dict[tuple[int, int], list[Mention]] = {}
    for m in rules:
        by_span.setdefault((m.span.start, m.span.end), []).append(m)
    out: list[Mention] = []
    starts = {m.span.start for m in rules if m.type in _NESTABLE or m.rule == "known"}
    for t in [p for t0 in mended(tagged, rules) for p in trimmed(text, t0, starts)]:
        surface = text[t.start : t.end]
        same = [m for m in by_span.get((t.start, t.end), []) if m.type == t.type]
        if same:
            m = same[0]
            out.append(
                Mention(m.span, m.surface, m.type, m.rule, m.canonical, m.code, t.confidence)
            )
        elif t.type == EntityType.PLACE:
            place = _place(text, t, ctx, by_span)
            if place is not None:
                out.append(place)
        else:
            canonical = canonical_form(surface, t.type.value, ctx)
            out.append(
                Mention(
                    Span(t.start, t.end), surface, t.type, "tagger", canonical, None, t.confidence
                )
            )
    for m in kept_rule_mentions(rules, [(t.start, t.end) for t in tagged]):
        conf = rule_confidence.get(f"{m.rule}/{m.type.value}", DEFAULT_RULE_CONFIDENCE)
        out.append(Mention(m.span, m.surface, m.type, m.rule, m.canonical, m.code, conf))
    places = frozenset((m.span.start, m.span.end) for m in rules if m.type == EntityType.PLACE)
    out += repeated_names(text, out, places)
    return sorted(out, key=lambda m: (m.span.start, m.span.end, m.type, m.canonical or ""))


#: Types whose names the edge checks of :func:`trimmed` apply to (titles of events,
#: plans and agreements may open with a year or hold 和/与).
_TRIMMED = frozenset(
    [
        EntityType.REGION,
        EntityType.ZONE,
        EntityType.CLUSTER,
        EntityType.AGENCY,
        EntityType.COMPANY,
        EntityType.ORGANIZATION,
    ]
)
_YEAR = re.compile(r"^(?:19|20)\d\d年?(?:度)?")
_CONJUNCTIONS = tables.grammar("conjunction")


@cache
def _heads(typ: EntityType) -> tuple[str, ...]:
    """The name heads of a type in the suffix table (集团, 公司 for a company)."""
    return tuple(r["suffix"] for r in tables.tsv("suffixes.tsv") if r["type"] == typ.value)


@cache
def _boundary_words() -> tuple[str, ...]:
    words = [r["word"] for r in tables.tsv("boundaries.tsv") if len(r["word"]) >= 2]
    return tuple(sorted(words, key=len, reverse=True))


def trimmed(text: str, t: Tagged, starts: frozenset[int] | set[int]) -> list[Tagged]:
    """A name's edges checked against what names never hold (regions, zones, bodies and
    companies): an opening year (2021年淮海经济区), an opening boundary verb before a
    name the rules know (明确重庆都市圈, 北临京津冀), and two names joined by a
    conjunction (长三角及杭州都市圈: 长三角, 杭州都市圈; 长沙城投与湘江集团: the left
    company opens with a place, the right one ends in a company's head; bodies keep
    their 和, as 发展和改革委员会 does). ``starts``: where
    the rules' places, regions and known names begin.

    >>> [(x.start, x.end) for x in trimmed("长三角及杭州都市圈", Tagged(0, 9, EntityType.REGION, 0.9), {0, 4})]
    [(0, 3), (4, 9)]
    """
    s, e = _balanced(text, t.start, t.end)
    if e <= s:
        return []
    if t.type not in _TRIMMED:
        return [Tagged(s, e, t.type, t.confidence)]
    y = _YEAR.match(text, s, e)
    if y and e - y.end() >= 2:
        s = y.end()
    for w in _boundary_words():
        if text.startswith(w, s) and s + len(w) in starts and e - s - len(w) >= 2:
            s += len(w)
            break
    heads = _heads(t.type)
    for k in range(s + 2, e - 2):
        for c in _CONJUNCTIONS:
            if not text.startswith(c, k) or s not in starts:
                continue
            r = k + len(c)
            company = t.type == EntityType.COMPANY and e - r >= 3 and text.endswith(heads, r, e)
            if r in starts or company:
                right = Tagged(r, e, t.type, t.confidence)
                return [Tagged(s, k, t.type, t.confidence), *trimmed(text, right, starts)]
    return [Tagged(s, e, t.type, t.confidence)]


_OPEN_MARKS = {"(": ")", "（": "）", "《": "》", "〈": "〉"}
_CLOSE_MARKS = {v: k for k, v in _OPEN_MARKS.items()}


def _balanced(text: str, s: int, e: int) -> tuple[int, int]:
    """``[s, e)`` without a bracket or title mark it opens and never closes (cut before
    it), nor one it closes and never opened (cut after it): a name holds its brackets
    whole (关于…的建议(第215号 is the proposal's title and the start of its number;
    规划》的通知 the end of one title and a word after it).

    >>> _balanced("关于加快建设的建议(第215号建议", 0, 17), _balanced("印发《规划》的通知", 3, 9)
    ((0, 9), (7, 9))
    """
    stack: list[int] = []
    start = s
    for k in range(s, e):
        ch = text[k]
        if ch in _OPEN_MARKS:
            stack.append(k)
        elif ch in _CLOSE_MARKS:
            if stack and text[stack[-1]] == _CLOSE_MARKS[ch]:
                stack.pop()
            elif not stack:
                start = k + 1
    end = stack[0] if stack else e
    if start > s:  # what follows a title's end opens with 的 and the like: not a name's start
        while start < end and text[start] in _NO_NAME_START:
            start += 1
    return (start, end) if start < end else (s, s)


#: Endings of township names (no division code: the national table stops at counties).
TOWNSHIP_SUFFIXES = tables.grammar("township-suffix")
_NO_NAME_START = frozenset(tables.grammar("no-name-start"))
#: A list of places closed by a count of townships (鹅埠、赤石、小漠、鲘门四镇).
_TOWN_LIST = re.compile(
    "(?:[{}][\\u4e00-\\u9fff]{{2,4}}?){{0,8}}(?:等)?[{}\\d]{{1,3}}(?:{})?(?:{})".format(
        "".join(w for w in tables.grammar("list-joiner") if len(w) == 1),
        "".join(tables.numerals()),
        "|".join(tables.grammar("numeral-classifier")),
        "|".join(w for w in TOWNSHIP_SUFFIXES if w != "苏木"),
    )
)


def _place(
    text: str, t: Tagged, ctx: Context, rules: Mapping[tuple[int, int], Sequence[Mention]]
) -> Mention | None:
    """A place the tagger found where the rules have none: a division form read in the
    document's context (渝北 -> 渝北区), a township, or nothing (a nickname such as 冰城
    is not a place name of its own)."""
    surface = text[t.start : t.end]
    span = Span(t.start, t.end)
    for m in rules.get((t.start, t.end), []):
        if m.code:  # the rules read it as another type, with a division code
            return Mention(
                span, surface, EntityType.PLACE, m.rule, m.canonical, m.code, t.confidence
            )
    code = (
        choose(Hit(t.start, t.end, surface, "place"), ctx)
        if surface in tables.place_forms()
        else None
    )
    if code:
        name = tables.divisions()[code].name
        return Mention(span, surface, EntityType.PLACE, "tagger", name, code, t.confidence)
    if surface.endswith(TOWNSHIP_SUFFIXES):
        return Mention(span, surface, EntityType.PLACE, "tagger", surface, None, t.confidence)
    listed = _TOWN_LIST.match(text, t.end)
    if listed:
        suffix = "街道" if listed.group().endswith("街道") else listed.group()[-1]
        canonical = surface + suffix
        return Mention(span, surface, EntityType.PLACE, "tagger", canonical, None, t.confidence)
    return None


def repeated_names(
    text: str, found: Sequence[Mention], rule_places: frozenset[tuple[int, int]] = frozenset()
) -> list[Mention]:
    """Every other occurrence of a name the tagger found (two or more characters), where
    no other name covers or crosses it: a name is a name wherever the document repeats
    it, and the sentence that states a relation may be one the tagger read differently."""
    taken = Cover((m.span.start, m.span.end) for m in found)
    best: dict[str, Mention] = {}
    for m in found:
        surface = text[m.span.start : m.span.end]
        if len(surface) < 2 or m.type == EntityType.REGION and m.rule != "tagger":
            continue
        if surface not in best or best[surface].confidence < m.confidence:
            best[surface] = m
    out: list[Mention] = []
    if not best:
        return out
    import ahocorasick_rs

    names = sorted(best)
    ac = ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    for idx, s, e in ac.find_matches_as_indexes(text):
        m = best[names[idx]]
        if taken.overlaps(s, e) or m.type == EntityType.PLACE and (s, e) not in rule_places:
            continue
        out.append(
            Mention(Span(s, e), m.surface, m.type, m.rule, m.canonical, m.code, m.confidence)
        )
    return out

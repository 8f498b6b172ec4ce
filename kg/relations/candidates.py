"""Relation candidates and their features, for the learned relation scorer.

A candidate is an ordered pair of mentions of two entities and a predicate
their types allow (``data/gazetteer/relation_types.tsv``): both in one
sentence, or one in the sentence before. Mentions are the names found in the
text and the entities that deictic words point at (:mod:`kg.relations.frames`).
What the scorer sees of a candidate (one string per feature):

- the types, the order, and whether one mention lies inside the other (at its
  start: a party that opens an event's name);
- the text between: its exact form when short (与, 、, 和, nothing), its length,
  how many names and clause breaks it holds, its words and the table words in
  it (triggers with their relation, boundary verbs), the words around the pair;
- coordination: both in one list (A、B和C), a numeral and classifier closing
  the list (A、B、C三市), 分别 between two lists;
- places: one contains the other (a qualifier, not a party), a mention after
  在/于/赴 (where, not who);
- frames: a mention reached through a deictic word (home, author, parties,
  meeting), a pair across sentences;
- the rules: whether the trigger rules state this relation (or another) for
  the pair in this sentence or elsewhere in the document.

Pure functions over the document's text, words and entities.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from kg.extract import tables
from kg.extract.charfeatures import lexicon
from kg.extract.spans import maximal
from kg.relations.frames import Ref
from kg.types import Entity, EntityType, Predicate, Relation, Span

__all__ = ["Candidate", "Mentioned", "candidates", "relation_key", "type_pairs"]


class Mentioned(NamedTuple):
    """A mention of an entity in the text, or a deictic word that refers to one."""

    start: int
    end: int
    entity: Entity
    top: bool
    via: str  # '' for a name, else home / author / parties / meeting


@dataclass(slots=True)
class Candidate:
    """One possible relation, with where it would be stated and what the scorer sees."""

    subject: Entity
    predicate: Predicate
    object: Entity
    evidence: Span
    features: list[str] = field(default_factory=list)


@cache
def type_pairs() -> dict[tuple[EntityType, EntityType], tuple[Predicate, ...]]:
    """(subject type, object type) -> the predicates allowed between them."""
    out: dict[tuple[EntityType, EntityType], list[Predicate]] = {}
    for r in tables.tsv("relation_types.tsv"):
        key = (EntityType(r["subject"]), EntityType(r["object"]))
        out.setdefault(key, []).append(Predicate(r["predicate"]))
    return {k: tuple(sorted(set(v))) for k, v in out.items()}


_JOINERS = frozenset(tables.grammar("list-gap")) | {",", "，"}
_LIST_GAP = frozenset(tables.grammar("list-gap")) | {""}
_NUMCLS = re.compile(
    "(?:等)?(?:[{}]|\\d{{1,2}})(?:{})?(?:{})".format(
        "".join(tables.numerals()),
        "|".join(tables.grammar("numeral-classifier")),
        "|".join(tables.grammar("collective-unit")),
    )
)
_LOCATIVE = tables.grammar("locative")
#: The marks that end a clause inside a sentence.
CLAUSE_BREAKS = frozenset(",，;；:：")


def _bucket(n: int) -> str:
    for limit, name in ((0, "0"), (1, "1"), (2, "2"), (5, "3-5"), (10, "6-10"), (20, "11-20")):
        if n <= limit:
            return name
    return "21+" if n <= 40 else "41+"


def _tail(name: str) -> str:
    return name[-2:] if len(name) >= 2 else name


class _Sentence:
    """What the features read of one sentence, computed once: its words and table words."""

    def __init__(self, text: str, span: Span, words: Sequence[str]) -> None:
        self.text = text
        self.span = span
        a = span.start
        self.words = list(words)
        # word index of each character of the sentence (offset by the sentence start)
        self.word_at = [0] * (span.end - a + 1)
        k = 0
        for i, w in enumerate(self.words):
            for j in range(k, min(k + len(w), span.end - a)):
                self.word_at[j] = i
            k += len(w)
        self.word_at[span.end - a] = len(self.words)
        ac, words_, tags = lexicon()
        self.lex: list[tuple[int, int, str, tuple[str, ...]]] = [
            (s + a, e + a, words_[i], tags[i])
            for i, s, e in ac.find_matches_as_indexes(text[a : span.end])
        ]
        self.lex_starts = [t[0] for t in self.lex]

    def _w(self, pos: int) -> int:
        return self.word_at[min(max(pos - self.span.start, 0), len(self.word_at) - 1)]

    def words_between(self, a: int, b: int) -> list[str]:
        if b <= a:
            return []
        return self.words[self._w(a) : self._w(b)]

    def word_before(self, pos: int) -> str:
        i = self._w(pos)
        return self.words[i - 1] if i > 0 else "^"

    def word_after(self, pos: int) -> str:
        i = self._w(pos)
        return self.words[i] if i < len(self.words) else "$"

    def lex_between(self, a: int, b: int) -> list[tuple[str, tuple[str, ...]]]:
        out = []
        for k in range(bisect_left(self.lex_starts, a), len(self.lex)):
            s, e, w, tags = self.lex[k]
            if s >= b:
                break
            if e <= b:
                out.append((w, tags))
        return out


class _Rules:
    """The trigger rules' findings, by pair and sentence."""

    def __init__(self, rules: Iterable[Relation]) -> None:
        self.sent: dict[tuple[str, str, str, int], str] = {}
        self.doc: dict[tuple[str, str], set[str]] = {}
        for r in rules:
            if r.evidence is None:
                continue
            key = (r.subject, r.object) if not r.predicate.symmetric else _sym(r.subject, r.object)
            self.doc.setdefault(key, set()).add(r.predicate.value)
            self.sent[(key[0], r.predicate.value, key[1], r.evidence.span.start)] = r.rule


def relation_key(subject: str, predicate: Predicate, obj: str) -> tuple[str, str, str]:
    """A relation's key: (subject, predicate, object), a symmetric pair in id order."""
    if predicate.symmetric and obj < subject:
        subject, obj = obj, subject
    return (subject, predicate.value, obj)


def _sym(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _locative(text: str, m: Mentioned, place_ends: dict[int, int]) -> bool:
    start = m.start
    while start in place_ends and place_ends[start] < start:
        start = place_ends[start]
    return text[max(0, start - 1) : start] in _LOCATIVE


def _pair_features(
    d: _Sentence,
    a: Mentioned,
    b: Mentioned,
    sent: Span,
    place_ends: dict[int, int],
    cross: str,
) -> list[str]:
    text = d.text
    f = ["bias", f"ts={a.entity.type.value}>{b.entity.type.value}"]
    x, y = (a, b) if (a.start, a.end) <= (b.start, b.end) else (b, a)
    f.append("ord=sf" if x is a else "ord=of")
    if cross:
        f.append(cross)
        for _s, _e, _w, tags in d.lex:
            for t in tags:
                if t.startswith("trig:"):
                    f.append(cross + "_" + t)
    if a.start <= b.start and b.end <= a.end and (a.start, a.end) != (b.start, b.end):
        f.append("nest=obj_in_sub" + ("@0" if a.start == b.start else ""))
    elif b.start <= a.start and a.end <= b.end and (a.start, a.end) != (b.start, b.end):
        f.append("nest=sub_in_obj" + ("@0" if a.start == b.start else ""))
        f.append("nest_sub_in=" + _tail(b.entity.name))
    elif x.end <= y.start:
        gap = text[x.end : y.start]
        if len(gap) <= 2:
            f.append("gap=" + gap)
        f.append("dist=" + _bucket(len(gap)))
        breaks = sum(1 for ch in gap if ch in CLAUSE_BREAKS)
        f.append("cl=" + _bucket(breaks))
        if "。" in gap or "\n" in gap:
            f.append("sentbreak")
        ws = d.words_between(x.end, y.start)
        if len(ws) <= 12:
            for w in ws:
                if w.strip():
                    f.append("bw=" + w)
        for w, tags in d.lex_between(x.end, y.start):
            f.append("bl=" + w)
            for t in tags:
                f.append("bt=" + t)
        f.append("bx=" + d.word_before(x.start))
        f.append("ay=" + d.word_after(y.end))
        f.append("ax=" + d.word_after(x.end))
        f.append("by=" + d.word_before(y.start))
        if "分别" in gap:
            f.append("respectively")
    else:
        f.append("overlap")
    # the clause words before the pair and after it
    for _w, tags in d.lex_between(sent.start, x.start):
        for t in tags:
            if t.startswith("trig:"):
                f.append("tb=" + t)
    for _w, tags in d.lex_between(y.end, sent.end):
        for t in tags:
            if t.startswith("trig:"):
                f.append("ta=" + t)
    for m, side in ((a, "s"), (b, "o")):
        if m.via:
            f.append(f"via_{side}={m.via}")
        if not m.top:
            f.append(f"nested_{side}")
        if m.entity.type == EntityType.PLACE and _locative(text, m, place_ends):
            f.append(f"loc_{side}")
    f.append("st=" + _tail(a.entity.name))
    f.append("ot=" + _tail(b.entity.name))
    ac, bc = a.entity.code, b.entity.code
    if ac and bc:
        if ac in tables.ancestors(bc):
            f.append("anc=sub_contains_obj")
        elif bc in tables.ancestors(ac):
            f.append("anc=obj_contains_sub")
    # numeral and classifier right after the later mention (A、B、C三市)
    if _NUMCLS.match(text, y.end):
        f.append("numcls_after")
    return f


def _allowed(
    pairs: dict[tuple[EntityType, EntityType], tuple[Predicate, ...]],
    s: EntityType,
    o: EntityType,
    swap: bool,
) -> tuple[Predicate, ...]:
    """The predicates of a pair in one order; a symmetric one only in text order."""
    one = pairs.get((s, o), ())
    if swap:
        return tuple(p for p in one if not p.symmetric)
    back = tuple(p for p in pairs.get((o, s), ()) if p.symmetric and p not in one)
    return one + back


def _in_list(text: str, ms: Sequence[Mentioned], i: int, j: int) -> bool:
    """Whether mentions ``i`` < ``j`` (top names, text order) are joined by list words only."""
    for k in range(i, j):
        gap = text[ms[k].end : ms[k + 1].start]
        if gap not in _LIST_GAP:
            return False
    return True


#: How many names on each side of a name it is paired with in its sentence.
NEIGHBOURS = 8


def candidates(
    text: str,
    sentences: Sequence[Span],
    words: Sequence[Sequence[str]],
    entities: Sequence[Entity],
    refs: Sequence[Ref] = (),
    rules: Iterable[Relation] = (),
    wanted: frozenset[tuple[str, str, str]] | None = None,
) -> Iterator[Candidate]:
    """Every relation candidate of a document, with its features, sentence by sentence
    (only those of the relations in ``wanted`` when given, see :func:`relation_key`).

    A name is paired with the :data:`NEIGHBOURS` nearest names on each side in its
    sentence (and with every name it holds or that holds it), and with the first
    party of the sentence before (a topic carried on). Deictic words
    (:mod:`kg.relations.frames`) are names like the others.
    """
    pairs = type_pairs()
    said = _Rules(rules)
    raw = sorted(
        ((sp.start, sp.end, e) for e in entities for sp in e.mentions), key=lambda t: (t[0], -t[1])
    )
    top = maximal([(s, e) for s, e, _ in raw])
    ms = [Mentioned(s, e, ent, t, "") for (s, e, ent), t in zip(raw, top, strict=True)]
    ms += [Mentioned(r.start, r.end, r.entity, True, r.via) for r in refs]
    ms.sort(key=lambda m: (m.start, -m.end, m.entity.id))
    place_ends = {m.end: m.start for m in ms if m.top and m.entity.type == EntityType.PLACE}
    topic: Mentioned | None = None
    containers: list[Mentioned] = []
    prev_span: Span | None = None
    focus = _focus(ms)
    seen: set[tuple[str, tuple[tuple[int, int, str, str], ...]]] = set()
    wanted_pairs = (
        None if wanted is None else {(k[0], k[2]) for k in wanted} | {(k[2], k[0]) for k in wanted}
    )
    k = 0
    for sent, ws in zip(sentences, words, strict=True):
        cur: list[Mentioned] = []
        while k < len(ms) and ms[k].start < sent.end:
            if ms[k].start >= sent.start:
                cur.append(ms[k])
            k += 1
        if not cur:
            continue
        # a sentence the document repeats with the same names states nothing new
        sig = (
            text[sent.start : sent.end],
            tuple((m.start - sent.start, m.end - sent.start, m.entity.id, m.via) for m in cur),
        )
        skip = sig in seen or (
            wanted_pairs is not None
            and not any((a.entity.id, b.entity.id) in wanted_pairs for a in cur for b in cur)
            and topic is None
            and not containers
            and not focus
        )
        seen.add(sig)
        if not skip:
            ctx = _Context(text, pairs, said, place_ends, wanted, wanted_pairs, focus)
            yield from _sentence_candidates(ctx, sent, ws, cur, topic, containers, prev_span)
        tops = [m for m in cur if m.top and not m.via]
        firsts = [m for m in tops if m.entity.type in _TOPIC_TYPES]
        topic = firsts[0] if firsts else None
        containers = [m for m in cur if m.entity.type in _CONTAINERS and not m.via]
        prev_span = sent


@dataclass(frozen=True, slots=True)
class _Context:
    """What the candidates of every sentence of a document read."""

    text: str
    pairs: dict[tuple[EntityType, EntityType], tuple[Predicate, ...]]
    said: _Rules
    place_ends: dict[int, int]
    wanted: frozenset[tuple[str, str, str]] | None
    wanted_pairs: set[tuple[str, str]] | None
    focus: list[Mentioned]


def _sentence_candidates(
    ctx: _Context,
    sent: Span,
    ws: Sequence[str],
    cur: list[Mentioned],
    topic: Mentioned | None,
    containers: list[Mentioned],
    prev_span: Span | None,
) -> Iterator[Candidate]:
    """The candidates of one sentence (see :func:`candidates`)."""
    text, pairs, said, place_ends = ctx.text, ctx.pairs, ctx.said, ctx.place_ends
    wanted, wanted_pairs, focus = ctx.wanted, ctx.wanted_pairs, ctx.focus
    d = _Sentence(text, sent, ws)
    tops = [m for m in cur if m.top and not m.via]
    list_of = {id(m): i for i, m in enumerate(tops)}
    todo: list[tuple[Mentioned, Mentioned, str, Span]] = []
    for i, a in enumerate(cur):
        for j in range(i + 1, len(cur)):
            b = cur[j]
            if j - i > NEIGHBOURS and not (b.end <= a.end):
                break
            todo.append((a, b, "", sent))
    here = {m.entity.id for m in cur}
    if prev_span is not None:
        ev = Span(prev_span.start, sent.end)
        carried = ([topic] if topic is not None else []) + [
            m for m in containers if m.entity.id not in here
        ]
        todo += [(a, b, "xs", ev) for a in carried for b in cur]
    near = here | {m.entity.id for m in containers}
    for f in focus:
        if f.entity.id not in near and f.start < sent.start:
            todo += [(f, b, "focus", sent) for b in tops]
    for a, b, cross, ev in todo:
        if a.entity.id == b.entity.id:
            continue
        if wanted_pairs is not None and (a.entity.id, b.entity.id) not in wanted_pairs:
            continue
        listed = ""
        ia, ib = list_of.get(id(a)), list_of.get(id(b))
        if ia is not None and ib is not None:
            lo, hi = min(ia, ib), max(ia, ib)
            if _in_list(text, tops, lo, hi):
                listed = "list"
                end = hi
                while end + 1 < len(tops) and end < hi + 4 and _in_list(text, tops, end, end + 1):
                    end += 1
                if any(_NUMCLS.match(text, tops[q].end) for q in range(hi, end + 1)):
                    listed = "list_numcls"
        for s, o, swap in ((a, b, False), (b, a, True)):
            preds = _allowed(pairs, s.entity.type, o.entity.type, swap)
            if wanted is not None:
                preds = tuple(
                    p for p in preds if relation_key(s.entity.id, p, o.entity.id) in wanted
                )
            if not preds:
                continue
            base = _pair_features(d, s, o, ev, place_ends, cross)
            if listed:
                base.append("list")
                if listed == "list_numcls":
                    base.append("list_numcls")
            for p in preds:
                feats = list(base)
                key = (
                    (s.entity.id, o.entity.id)
                    if not p.symmetric
                    else _sym(s.entity.id, o.entity.id)
                )
                stated = said.doc.get(key, set())
                rule = said.sent.get((key[0], p.value, key[1], sent.start))
                if rule:
                    feats.append("rule=" + rule)
                    feats.append("rule_here")
                elif p.value in stated:
                    feats.append("rule_elsewhere")
                for q in sorted(stated - {p.value}):
                    feats.append("rule_other=" + q)
                yield Candidate(s.entity, p, o.entity, ev, feats)


#: Things a document is about, that later sentences speak of without naming them.
_CONTAINERS = frozenset(
    [EntityType.EVENT, EntityType.AGREEMENT, EntityType.REGION, EntityType.ZONE, EntityType.PLAN]
)


def _focus(ms: Sequence[Mentioned]) -> list[Mentioned]:
    """The document's first-named thing of each container type (its meeting, agreement,
    region, zone, plan): the document's focus."""
    out: dict[EntityType, Mentioned] = {}
    for m in ms:
        if m.entity.type in _CONTAINERS and m.top and not m.via and m.entity.type not in out:
            out[m.entity.type] = m
    return list(out.values())


_TOPIC_TYPES = frozenset(
    [EntityType.PLACE, EntityType.AGENCY, EntityType.COMPANY, EntityType.ORGANIZATION]
)

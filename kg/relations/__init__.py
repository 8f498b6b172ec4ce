"""Relations: trigger rules over sentences and clauses -> Relation with Evidence.

Trigger words are data (``data/gazetteer/triggers.tsv``) found with one
Aho-Corasick pass; each rule reads the typed mentions around a trigger in its
clause or sentence. Coordination (与A、B和C共同签署了《X》《Y》) gives every
party-object pair. Knowledge from the division table (a county in its city)
is added with ``source=gazetteer`` and no evidence.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import ahocorasick_rs

from kg.extract import document_context, tables
from kg.extract.segmenter import words as cut_words
from kg.extract.spans import Sorted, maximal
from kg.gcpause import without_gc
from kg.relations.candidates import CLAUSE_BREAKS, candidates, relation_key
from kg.relations.frames import author, deixis, references
from kg.relations.scorer import RelationModel
from kg.text.segment import clauses, sentences
from kg.text.segment import sentences as split_sentences
from kg.types import Document, Entity, EntityType, Evidence, Predicate, Relation, Source, Span

__all__ = ["find_relations", "rule_relations"]

P, A, C, ORG = EntityType.PLACE, EntityType.AGENCY, EntityType.COMPANY, EntityType.ORGANIZATION
PARTIES = frozenset([P, A, C, ORG])
PARTNERS = PARTIES | {EntityType.REGION}


@cache
def _words(role: str) -> tuple[str, ...]:
    return tables.grammar(role)


@cache
def _pair_words() -> tuple[str, ...]:
    """Words for the two parties named before (双方, 两市): ``deixis.tsv``."""
    return tuple(d.word for d in deixis()[1] if d.refers == "parties" and d.number == 2)


@cache
def _home_words() -> tuple[str, ...]:
    """Words for the author's own place (我市, 我省): ``deixis.tsv``."""
    return tuple(d.word for d in deixis()[1] if d.refers == "home")


class M(NamedTuple):
    """A mention of a resolved entity."""

    start: int
    end: int
    entity: Entity
    top: bool  # not inside another entity's mention


@cache
def _triggers() -> tuple[ahocorasick_rs.AhoCorasick, tuple[str, ...], dict[str, tuple[str, ...]]]:
    rels: dict[str, set[str]] = {}
    for r in tables.tsv("triggers.tsv"):
        rels.setdefault(r["word"], set()).add(r["relation"])
    words = tuple(sorted(rels))
    ac = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return ac, words, {w: tuple(sorted(v)) for w, v in rels.items()}


class _Out:
    def __init__(self, doc: Document, entities: list[Entity]) -> None:
        self.doc = doc
        self.entities = entities
        self.seen: set[tuple[str, str, str]] = set()
        self.rels: list[Relation] = []
        self.governed = _government_places(entities)
        #: who takes part in each event so far, and by which rule
        self.takers: dict[str, list[tuple[Entity, str]]] = {}

    def add(self, s: Entity, pred: Predicate, o: Entity, span: Span, rule: str) -> None:
        if pred is Predicate.COOPERATES_WITH and self._placelike(s) and self._placelike(o):
            # 郑州市人民政府与开封市人民政府合作: the places cooperate
            s, o = self.governed.get(s.id, s), self.governed.get(o.id, o)
        if s.id == o.id:
            return
        a, b = s.id, o.id
        if pred.symmetric and b < a:
            a, b = b, a
        key = (a, pred.value, b)
        if key in self.seen:
            return
        self.seen.add(key)
        ev = Evidence(self.doc.path, self.doc.text[span.start : span.end], span)
        self.rels.append(Relation(a, pred, b, Source.TEXT, ev, rule))
        if pred is Predicate.PARTICIPATES_IN:
            self.takers.setdefault(b, []).append((s, rule))

    def _placelike(self, e: Entity) -> bool:
        """A place or the government or party committee of one."""
        return e.type == P or e.id in self.governed


def find_relations(
    doc: Document,
    entities: list[Entity],
    *,
    model: RelationModel | None = None,
    frames: bool = True,
    sentences: Sequence[Span] | None = None,
    words: Sequence[Sequence[str]] | None = None,
) -> list[Relation]:
    """Relations stated in ``doc`` between ``entities`` (plus gazetteer containment).

    The trigger rules and the document frames decide which relations the text
    states; with a relation ``model``, each gets the model's probability as its
    confidence (the highest among the candidates that state it, see
    :mod:`kg.relations.candidates`), and those below their predicate's cut-off
    (chosen on held-out documents by ``kg train``) are left out.
    """
    rules = rule_relations(doc, entities, frames=frames)
    if model is None:
        return _consistent(rules, entities)
    stated = [r for r in rules if r.source == Source.TEXT]
    if not stated:
        return rules
    keys = frozenset(relation_key(r.subject, r.predicate, r.object) for r in stated)
    spans = list(sentences) if sentences is not None else split_sentences(doc.norm)
    if words is None:
        words = [cut_words(doc.norm[s.start : s.end]) for s in spans]
    refs = references(doc, entities)
    cands = candidates(doc.norm, spans, words, entities, refs, rules, keys)
    best: dict[tuple[str, str, str], float] = {}
    for s in model.score(cands):
        c = s.candidate
        k = relation_key(c.subject.id, c.predicate, c.object.id)
        if s.probability > best.get(k, -1.0):
            best[k] = s.probability
    by_id = {e.id: e for e in entities}
    out: list[Relation] = []
    for r in rules:
        if r.source != Source.TEXT:
            out.append(r)
            continue
        k = relation_key(r.subject, r.predicate, r.object)
        p = best.get(k)
        if p is None:
            p = model.prior(r.predicate, by_id[r.subject].type, by_id[r.object].type, r.rule)
        if p < model.cutoff(r.predicate):
            continue
        out.append(dataclasses.replace(r, confidence=float(f"{model.calibrated(p):.4f}")))
    return _consistent(out, entities)


def _consistent(relations: list[Relation], entities: list[Entity]) -> list[Relation]:
    """``relations`` without a party's taking part in an agreement it signs (signing is
    what it does with it: 天津市人民政府与河北省人民政府签署了《…合作框架协议》) and
    without cooperation between a place and a place inside it that the sentence does
    not name both of (the document's province read as the partner of its own cities
    in 服务和助推长株潭一体化: a province guides its cities; 江西省与赣州市加强合作
    stays), without the outer of two nested places an event is located in, and
    without the parties opening an agreement's name as its signers where the text
    names who signs it."""
    signed = {(r.subject, r.object) for r in relations if r.predicate == Predicate.SIGNED}
    by_id = {e.id: e for e in entities}
    # the parties a signing names (南京、马鞍山两市签订《江宁-博望…协议》): those that
    # open the agreement's name (江宁, 博望) do not sign it besides them
    explicit: dict[str, set[str]] = {}
    for r in relations:
        if r.predicate == Predicate.SIGNED and r.rule != "parties-in-name":
            explicit.setdefault(r.object, set()).add(r.subject)

    def named_in(eid: str, span: Span) -> bool:
        e = by_id.get(eid)
        return e is not None and any(
            span.start <= m.start and m.end <= span.end for m in e.mentions
        )

    def unsaid_nesting(r: Relation) -> bool:
        a, b = by_id.get(r.subject), by_id.get(r.object)
        if a is None or b is None or a.type != P or b.type != P or not (a.code and b.code):
            return False
        if not (a.code in tables.ancestors(b.code) or b.code in tables.ancestors(a.code)):
            return False
        ev = r.evidence
        return ev is None or not (named_in(a.id, ev.span) and named_in(b.id, ev.span))

    held: dict[str, list[str]] = {}  # an event -> the places it is located in
    for r in relations:
        e = by_id.get(r.subject)
        if r.predicate == Predicate.LOCATED_IN and e is not None and e.type == EntityType.EVENT:
            held.setdefault(r.subject, []).append(r.object)

    def outer(r: Relation) -> bool:
        """An event located in a place and in a place inside it (在山东省菏泽市召开): it
        is held in the inner one."""
        if r.predicate != Predicate.LOCATED_IN or r.subject not in held:
            return False
        o = by_id.get(r.object)
        if o is None or not o.code:
            return False
        inner = (by_id[k].code for k in held[r.subject] if k in by_id)
        return any(c and o.code in tables.ancestors(c) for c in inner)

    return [
        r
        for r in relations
        if not (r.predicate == Predicate.PARTICIPATES_IN and (r.subject, r.object) in signed)
        and not (r.predicate == Predicate.COOPERATES_WITH and unsaid_nesting(r))
        and not outer(r)
        and not (
            r.predicate == Predicate.SIGNED
            and r.rule == "parties-in-name"
            and r.subject not in explicit.get(r.object, (r.subject,))
        )
    ]


def _government_places(entities: list[Entity]) -> dict[str, Entity]:
    """Agency id -> the place it is the government or party committee of (郑州市人民政府,
    中共郑州市委 -> 郑州市), for the places among ``entities``."""
    places = {e.name: e for e in entities if e.type == P}
    out: dict[str, Entity] = {}
    for e in entities:
        if e.type != A:
            continue
        for form in _words("place-government"):
            pre, _, post = form.partition("{P}")
            core = e.name[len(pre) : len(e.name) - len(post)]
            if core and e.name.startswith(pre) and e.name.endswith(post) and core in places:
                out[e.id] = places[core]
                break
    return out


@without_gc
def rule_relations(doc: Document, entities: list[Entity], *, frames: bool = True) -> list[Relation]:
    """Relations the trigger rules find in ``doc`` (plus gazetteer containment); with
    ``frames``, also those stated through the document's frames (双方, 会上, 我市)."""
    text = doc.norm
    ms = _mentions(entities)
    home = _home(doc, entities)
    out = _Out(doc, entities)
    spoken = ms
    meetings: list[M] = []  # 会上, 仪式上: the meeting just named
    if frames:  # 我市, 我局: mentions of what they refer to
        found = references(doc, entities)
        refs = [M(r.start, r.end, r.entity, True) for r in found if r.via in _RULE_FRAMES]
        spoken = sorted(ms + refs, key=lambda m: (m.start, -m.end))
        meetings = [M(r.start, r.end, r.entity, True) for r in found if r.via == "meeting"]
    writer = author(doc, entities) if frames else None
    ac, words, rels = _triggers()
    trig = [(s, e, words[i]) for i, s, e in ac.find_matches_as_indexes(text)]
    main_event = next((e for e in entities if e.type == EntityType.EVENT), None)
    main_region = next((e for e in entities if e.type == EntityType.REGION), None)
    pair = _top_two_places(entities, ms)
    prev_region: Entity | None = None
    previous: list[M] = []
    by_start = Sorted(spoken, key=lambda m: (m.start, m.end))
    meeting_index = Sorted(meetings, key=lambda m: (m.start, m.end))
    trig_index = Sorted(trig, key=lambda t: (t[0], t[1]))
    for sent in sentences(text):
        sm = by_start.within(sent.start, sent.end)
        st = trig_index.within(sent.start, sent.end)
        ctx = _Sentence(text, sent, None, sm, home, pair, main_event, main_region)
        ctx.previous = previous
        if frames:
            ctx.groups = _counted_groups(ctx, previous)
            ctx.meetings = meeting_index.within(sent.start, sent.end)
        for s, e, w in st:
            for rel in rels[w]:
                _RULES[rel](ctx, s, e, w, out)
        _compounds(ctx, out)
        _joined_places(ctx, out)
        _names_with_places(ctx, out)
        _regions_named_after_places(ctx, out)
        _adjacent_places(ctx, out)
        _places_abroad(ctx, out)
        _title_issuers(ctx, out)
        _parties_in_names(ctx, out)
        _member_roles(ctx, out)
        if frames:
            _plural_cooperation(ctx, st, rels, out)
        prev_region = _membership(ctx, st, prev_region, out)
        _plan_scope(ctx, out)
        _within(ctx, out)
        _at_meeting(ctx, ctx.meetings, out)
        _approved(ctx, out)
        if frames:
            _distributed(ctx, writer, out)
        _region_members_listed(ctx, out)
        _enumerated_members(ctx, out)
        _named_collectively(ctx, out)
        previous = sm
    _proposal_issuer(doc, entities, ms, out)
    _hosts_take_part(out)
    out.rels.extend(_gazetteer(entities))
    return out.rels


def _mentions(entities: list[Entity]) -> list[M]:
    raw = [(sp.start, sp.end, e) for e in entities for sp in e.mentions]
    raw.sort(key=lambda x: (x[0], -x[1]))
    top = maximal([(s, e) for s, e, _ in raw])
    return [M(s, e, ent, t) for (s, e, ent), t in zip(raw, top, strict=True)]


def _home(doc: Document, entities: list[Entity]) -> Entity | None:
    ctx = document_context(doc)
    by_id = {e.id: e for e in entities}
    for level in ("county", "city", "province"):
        code = ctx.home.get(level)
        if code and f"Place/{code}" in by_id:
            return by_id[f"Place/{code}"]
    return None


def _top_two_places(entities: list[Entity], ms: list[M]) -> list[Entity]:
    counts: dict[str, int] = {}
    for m in ms:
        if m.entity.type == P:
            counts[m.entity.id] = counts.get(m.entity.id, 0) + 1
    by_id = {e.id: e for e in entities}
    best = sorted(counts, key=lambda k: (-counts[k], k))
    # a place and the province that contains it are not two parties
    chosen: list[Entity] = []
    for k in best:
        e = by_id[k]
        if any(
            c.code
            and e.code
            and (c.code in tables.ancestors(e.code) or e.code in tables.ancestors(c.code))
            for c in chosen
        ):
            continue
        chosen.append(e)
        if len(chosen) == 2:
            break
    return chosen


class _Sentence:
    def __init__(
        self,
        text: str,
        sent: Span,
        cls: list[Span] | None,
        ms: list[M],
        home: Entity | None,
        pair: list[Entity],
        main_event: Entity | None,
        main_region: Entity | None,
    ) -> None:
        self.text, self.sent, self.cls, self.ms = text, sent, cls, ms
        self.home, self.pair, self.main_event = home, pair, main_event
        self.main_region = main_region  # the document's first region
        self._ends: dict[int, int] | None = None
        self._quals: frozenset[int] | None = None
        self._loc: dict[tuple[int, bool], bool] = {}
        self.previous: list[M] = []  # the mentions of the sentence before
        #: words standing for a list named just before (三市, 双方): (start, end, entities)
        self.groups: list[tuple[int, int, list[Entity]]] = []
        #: words standing for the meeting just named (会上, 仪式上)
        self.meetings: Sequence[M] = ()

    def clause(self, pos: int) -> Span:
        if self.cls is None:  # split only when a rule asks
            self.cls = clauses(self.text, self.sent)
        return next((c for c in self.cls if c.start <= pos < c.end), self.sent)

    def between(
        self, a: int, b: int, types: frozenset[EntityType], top: bool = True, acting: bool = True
    ) -> list[M]:
        """The mentions of ``types`` in ``[a, b)`` (top-level ones unless ``top`` is
        False); of a chain of places, only the innermost when they ``act`` (湖南省长沙:
        the province qualifies its city), all of them when they say where."""
        out = []
        for m in self.ms:
            if not (a <= m.start and m.end <= b and (m.top or not top)):
                continue
            if top and acting and m.start in self._qualifiers():
                continue
            if top and m.entity.type == A and self.text.startswith(_cues(), m.end):
                # 南京市委副书记、市长季建业: the body is a title; the party is its place
                inner = [
                    n
                    for n in self.ms
                    if m.start <= n.start and n.end <= m.end and n.entity.type == P
                ]
                if not inner:
                    continue
                m = M(inner[0].start, inner[0].end, inner[0].entity, True)
            if m.entity.type in types:
                out.append(m)
        return out

    def locative(self, m: M) -> bool:
        """Whether a mention names where something happens (在郑州, 赴吉林省延边州珲春市):
        a place chain after 在/于/赴/到 is locative as a whole."""
        key = (m.start, m.entity.type == P)
        got = self._loc.get(key)
        if got is None:
            got = self._loc[key] = self._locative(m)
        return got

    def _locative(self, m: M) -> bool:
        start = m.start
        if m.entity.type == P:
            ends = self._place_ends()
            while start in ends and ends[start] < start:
                start = ends[start]
        return self.text[max(0, start - 1) : start] in _words("locative")

    def _qualifiers(self) -> frozenset[int]:
        """Starts of the places that qualify the place right after them, which they
        contain (湖南省 in 湖南省长沙、株洲; 上海 in 上海浦东新区)."""
        if self._quals is None:
            self._quals = _qualifier_starts(self.ms, self.text)
        return self._quals

    def _place_ends(self) -> dict[int, int]:
        if self._ends is None:
            self._ends = {}
            for n in self.ms:
                if n.entity.type == P and n.top:
                    self._ends.setdefault(n.end, n.start)
        return self._ends

    def counted_before(self, start: int, s: int) -> tuple[int, int, list[Entity]] | None:
        """The last word in ``[start, s)`` standing for a list named before (三市, 双方),
        with its parties (see :func:`_counted_groups`)."""
        near = [g for g in self.groups if start <= g[0] and g[1] <= s]
        return near[-1] if near else None

    def subjects(
        self, s: int, types: frozenset[EntityType] = PARTIES, home: bool = True
    ) -> list[Entity]:
        """Parties before position ``s`` in its clause; else those a count word before it
        stands for (双方, 三市); else the sentence's first; else 双方 or home."""
        c = self.clause(s)
        got = [m.entity for m in self.between(c.start, s, types) if not self.locative(m)]
        if got:
            return _uniq(got)
        counted = self.counted_before(c.start, s)
        if counted and all(e.type in types for e in counted[2]):
            return list(counted[2])
        before = self.text[self.sent.start : s]
        if any(w in before for w in _pair_words()) and len(self.pair) == 2:
            return list(self.pair)
        first = [
            m.entity for m in self.between(self.sent.start, c.start, types) if not self.locative(m)
        ]
        if first:
            return first[:1]
        return [self.home] if self.home and home else []


@cache
def _cues() -> tuple[str, ...]:
    words = [r["cue"] for r in tables.tsv("person_cues.tsv") if r["side"] == "before"]
    return tuple(sorted(set(words) - {"代表"}, key=len, reverse=True))


def _uniq(es: list[Entity]) -> list[Entity]:
    seen, out = set(), []
    for e in es:
        if e.id not in seen:
            seen.add(e.id)
            out.append(e)
    return out


def _signed(x: _Sentence, s: int, e: int, w: str, out: _Out) -> None:
    c = x.clause(s)
    docs = [m.entity for m in x.between(e, c.end, frozenset([EntityType.AGREEMENT]), top=False)]
    if not docs:
        docs = [
            m.entity for m in x.between(e, x.sent.end, frozenset([EntityType.AGREEMENT]), top=False)
        ]
    if not docs:  # 在《X》上签字: the agreement signed on comes before the verb
        docs = [
            m.entity
            for m in x.between(c.start, s, frozenset([EntityType.AGREEMENT]))
            if x.text[m.end : s].lstrip('》”"') in ("上", "上共同")
        ]
    if not docs:
        return
    parties = x.subjects(s, home=False)
    if not parties:
        named, rule = _signers_named_before(x, s, out)
        made = [d for d in _uniq(docs) if _counted_for(d, len(named))]
        for p, d in itertools.product(named, made):
            out.add(p, Predicate.SIGNED, d, x.sent, rule)
        if named and made:
            return
        # named collectively: each party signs the agreements made for that many parties
        # (《5市…协议》), and the text says nothing of them pairwise
        parties = _collective(x, s)
        for p, d in itertools.product(parties, _uniq(docs)):
            if _counted_for(d, len(parties)):
                out.add(p, Predicate.SIGNED, d, x.sent, "signed-collective")
        return
    for p, d in itertools.product(parties, _uniq(docs)):
        out.add(p, Predicate.SIGNED, d, x.sent, "signed")
    for a, b in itertools.combinations(parties, 2):
        out.add(a, Predicate.COOPERATES_WITH, b, x.sent, "signed-parties")


#: Rules that find a party only in a name (蒙晋冀…联席会议): not that it was there.
_NAMED_ONLY = frozenset(["parties-in-name"])


def _signers_named_before(x: _Sentence, s: int, out: _Out) -> tuple[list[Entity], str]:
    """Signers a clause without a named subject (nor a count word standing for one, see
    :meth:`_Sentence.subjects`) points back to: the parties that take part in the
    meeting the clause is at (峰会上签署了…; 与会各方共同签署…), places and their
    governments, as the rules found them so far."""
    meeting = next((m.entity for m in x.meetings if m.start <= s), None)
    if meeting is None:
        return [], ""
    takers = [
        by
        for by, rule in out.takers.get(meeting.id, [])
        if rule not in _NAMED_ONLY and out._placelike(by)
    ]
    one: dict[str, Entity] = {}  # one act, one party: a place or its government
    for t in takers:
        one.setdefault(out.governed.get(t.id, t).id, t)
    return list(one.values()), "signed-at-meeting"


@cache
def _collective_pattern() -> re.Pattern[str]:
    """A count of parties (五市, 三个城市) or a word for all of them (与会各方)."""
    nums = "".join(tables.numerals())
    units = "|".join(_words("collective-unit"))
    every = "|".join(_words("collective"))
    return re.compile(rf"([{nums}]|\d{{1,2}})(?:个)?(?:{units})|{every}")


def _collective(x: _Sentence, s: int) -> list[Entity]:
    """Parties named collectively (会议审议并通过五市…协议; 与会各方签署): the places
    of this sentence and the one before, at the level the collective word names."""
    head = x.text[x.sent.start : s]
    m = _collective_pattern().search(x.text, x.sent.start, x.sent.end)
    if m is None and not any(w in head for w in _words("meeting")):
        return []
    cands = [n for n in x.previous + x.ms if n.entity.type == P and n.entity.code]
    places = _uniq([n.entity for n in cands])
    # a province or city that contains another listed place is not a party beside it
    places = [
        p for p in places if not any(p.code in tables.ancestors(q.code or "") for q in places)
    ]
    if m is not None and m.group(1) and len(places) != _count(m.group(1)):
        return []
    return places


def _counted_for(agreement: Entity, parties: int) -> bool:
    """Whether an agreement whose name opens with a count of parties (5市…协议) is
    made for that many; one without a count is made for any number."""
    lead = _collective_pattern().match(agreement.name)
    return _count(lead.group(1) if lead else None) in (parties, -1)


def _count(numeral: str | None) -> int:
    if not numeral:
        return -1
    return tables.numerals().get(numeral) or int(numeral)


def _issued(x: _Sentence, s: int, e: int, w: str, out: _Out) -> None:
    c = x.clause(s)
    kinds = frozenset([EntityType.PLAN, EntityType.AGREEMENT])
    issuers_t = frozenset([A, ORG])
    before = x.text[c.start : s]
    got = max(before.rfind(w) for w in _words("obtain"))
    if got >= 0:
        issuers = [m.entity for m in x.between(c.start + got, s, issuers_t)]
        plans = [m.entity for m in x.between(x.sent.start, c.start + got, kinds, top=False)]
    else:
        issuers = [m.entity for m in x.between(c.start, s, issuers_t) if not x.locative(m)]
        # the trigger's clause, and the clauses after it that go on with a list of titles
        # (印发《A》,《B》); not a plan named in a later clause of its own (…后,列入X计划)
        end = c.end
        while end < x.sent.end and x.text[end : x.sent.end].lstrip(" ").startswith("《"):
            end = x.clause(end + 1).end
        plans = [m.entity for m in x.between(e, end, kinds, top=False)]
    for p, i in itertools.product(_uniq(plans), _uniq(issuers)):
        out.add(p, Predicate.ISSUED_BY, i, x.sent, "issued")


def _approved(x: _Sentence, out: _Out) -> None:
    """A plan approved by a body (《X》已经省政府同意,现印发给你们; 经国务院批准,我委印发《X》)
    is issued by it too."""
    markers, verbs = _words("approval-marker"), _words("approval")
    approvers: list[Entity] = []
    for m in x.ms:
        if not m.top or m.entity.type not in (A, ORG):
            continue
        before = x.text[max(x.sent.start, m.start - 2) : m.start]
        if not any(before.endswith(w) for w in markers):
            continue
        if x.text.startswith(verbs, m.end):
            approvers.append(m.entity)
    if not approvers:
        return
    plans = [m.entity for m in x.between(x.sent.start, x.sent.end, frozenset([EntityType.PLAN]))]
    for p, i in itertools.product(_uniq(plans), _uniq(approvers)):
        out.add(p, Predicate.ISSUED_BY, i, x.sent, "approved")


def _distributed(x: _Sentence, writer: Entity | None, out: _Out) -> None:
    """A notice's covering words (现将《X》印发给你们; 《X》…现印发给你们) say that its
    author prints X: X is issued by the body that publishes the document."""
    if writer is None or writer.type != A:
        return
    sent = x.text[x.sent.start : x.sent.end]
    if not any(w in sent for w in _words("distribution")):
        return
    plans = x.between(x.sent.start, x.sent.end, frozenset([EntityType.PLAN]))
    for p in _uniq([m.entity for m in plans]):
        out.add(p, Predicate.ISSUED_BY, writer, x.sent, "distributed")


def _established(x: _Sentence, s: int, e: int, w: str, out: _Out) -> None:
    c = x.clause(s)
    made = [
        m for m in x.between(e, c.end, frozenset([C, ORG, EntityType.ZONE])) if m.start - e <= 2
    ]
    founders_t = frozenset([C, ORG, A, P])
    if not made:
        # 推动X于2023年在Y成立: the thing promoted, founded by the sentence's subject
        promote = [w for w in _words("promote") if w in x.text[c.start : s]]
        if x.text[e : e + 1] not in ("", "。", ",", "，", ";", "；") or not promote:
            return
        push = x.text.find(promote[0], c.start, s) + len(promote[0])
        things = [
            m for m in x.between(push, s, frozenset([C, ORG, EntityType.ZONE])) if m.start == push
        ]
        if not things:
            return
        for f in _coordinated_subject(x, founders_t):
            out.add(things[0].entity, Predicate.ESTABLISHED_BY, f, x.sent, "established-promoted")
        return
    founders = x.subjects(s, founders_t)
    for f in founders:
        out.add(made[0].entity, Predicate.ESTABLISHED_BY, f, x.sent, "established")
    lead = x.text[max(x.clause(s).start, s - 4) : e]
    if any(w in lead for w in _words("jointly")):
        # 共同组建, 联合成立: founding something together is cooperating
        for a, b in itertools.combinations(founders, 2):
            if not _nested(a, b):
                out.add(a, Predicate.COOPERATES_WITH, b, x.sent, "co-founders")


def _coordinated_subject(x: _Sentence, types: frozenset[EntityType]) -> list[Entity]:
    """The sentence's first party with those joined to it (永安市与上海浦东新区…)."""
    ms = [m for m in x.between(x.sent.start, x.sent.end, types) if not x.locative(m)]
    if not ms:
        return []
    got = [ms[0]]
    quals = {n.start: n.end for n in x.ms if n.top and n.start in x._qualifiers()}
    for m in ms[1:]:
        gap_end = m.start
        for q_start, q_end in quals.items():  # 与上海闵行区: a qualifier is no gap
            if q_end == m.start and q_start > got[-1].end:
                gap_end = q_start
        gap = x.text[got[-1].end : gap_end]
        if gap in _words("party-joiner"):
            got.append(m)
        elif m.start == got[-1].end and _nested(got[-1].entity, m.entity):
            got[-1] = m  # 上海浦东新区: the party is the inner place, not its parent
        else:
            break
    return _uniq([m.entity for m in got])


_EVENTISH = frozenset([EntityType.EVENT])


def _participates(x: _Sentence, s: int, e: int, w: str, out: _Out) -> None:
    c = x.clause(s)
    if w in _words("attend"):
        events = [m.entity for m in x.between(e, x.sent.end, _EVENTISH, top=False)]
        if not events:
            events = [m.entity for m in x.between(x.sent.start, s, _EVENTISH, top=False)]
        if not events and x.main_event:
            tail = x.text[e : e + 2]
            if (
                x.text.startswith(_words("meeting"), e)
                or not tail
                or tail[0] in "并,，。;；"
                or any(g in x.text[x.sent.start : x.sent.end] for g in _words("meeting"))
            ):
                events = [x.main_event]
        if not events:
            return
        who = [
            m.entity
            for m in x.between(x.sent.start, s, frozenset([EntityType.PERSON]) | PARTIES)
            if not x.locative(m) and not _bracketed(x.text, x.sent.start, m.start)
        ]
        for p in _uniq(who):
            out.add(p, Predicate.PARTICIPATES_IN, events[0], x.sent, "attend")
        return
    targets_t = frozenset(
        [EntityType.EVENT, EntityType.CLUSTER, EntityType.ZONE, EntityType.AGREEMENT]
    )
    if w in _words("hold"):
        targets_t = _EVENTISH
    objs = [m.entity for m in x.between(e, c.end, targets_t)]
    if not objs:
        return
    for p in x.subjects(s):
        for o in _uniq(objs):
            out.add(p, Predicate.PARTICIPATES_IN, o, x.sent, "build")


def _at_meeting(x: _Sentence, meetings: Sequence[M], out: _Out) -> None:
    """Who acts at a named meeting takes part in it: the parties and people before
    在X上 (广东、福建两省政府在X论坛上共同商定) or after X上 / X期间 / 会上 opening a
    clause (在X会议上,A与B签署; 会商会上,A市市长甲讲话); ``meetings``: the words
    standing for the meeting just named (会上, 仪式上)."""
    who_t = PARTIES | {EntityType.PERSON}
    at_words = _words("at-meeting")
    places: list[tuple[int, int, Entity, bool]] = []
    for m in x.ms:
        if m.top and m.entity.type == EntityType.EVENT:
            post = next((w for w in at_words if x.text.startswith(w, m.end)), None)
            if post is not None:
                places.append((m.start, m.end + len(post), m.entity, False))
    for m in meetings:
        if x.text[m.start : m.end].endswith(at_words):
            places.append((m.start, m.end, m.entity, True))
    for start, rest, event, word in places:
        c = x.clause(start)
        at = max(x.text.rfind(w, c.start, start) for w in _words("at"))
        # the meeting as the time and place, not X会议上提出的建议; a word for it may end
        # the meeting's head (会商会上)
        opens = not x.text[c.start : start].strip() or (
            word and not x.between(c.start, start, PARTIES | {EntityType.PERSON})
        )
        if at < 0 and not opens:
            continue
        who = x.between(c.start, at, who_t) if at >= 0 else []
        if not who:
            after = x.clause(rest + 1 if x.text[rest : rest + 1] in CLAUSE_BREAKS else rest)
            who = x.between(rest, after.end, who_t)
        for p in _uniq([n.entity for n in who if not x.locative(n)]):
            out.add(p, Predicate.PARTICIPATES_IN, event, x.sent, "at-meeting")


def _bracketed(text: str, start: int, pos: int) -> bool:
    """Whether ``pos`` lies inside brackets opened after ``start`` (a byline, 记者 甲)."""
    seg = text[start:pos]
    return max(seg.rfind("("), seg.rfind("（")) > max(seg.rfind(")"), seg.rfind("）"))


def _held(x: _Sentence, s: int, e: int, w: str, out: _Out) -> None:
    c = x.clause(s)
    at = max(x.text.rfind(w, c.start, s) for w in _words("at"))
    if at < 0:
        return
    where = [m.entity for m in x.between(at, s, frozenset([P, EntityType.ZONE]), acting=False)]
    if x.text.startswith(_home_words(), at + 1) and x.home:
        where.append(x.home)
    events = [m.entity for m in x.between(c.start, at, _EVENTISH, top=False)]
    if not events and x.main_event and any(g in x.text[c.start : at] for g in _words("meeting")):
        events = [x.main_event]
    if not events and not x.between(c.start, at, PARTIES) and c.start > x.sent.start:
        # 第三届…峰会,于十日在哈尔滨举行: the meeting that ends the clause before is the topic
        events = [
            m.entity
            for m in x.between(x.sent.start, c.start, _EVENTISH)
            if not x.text[m.end : c.start].strip("".join(CLAUSE_BREAKS) + " ")
        ]
    if not events and x.text.startswith("的", e):
        # 在大连召开的第二届峰会: the meeting the relative clause describes
        events = [m.entity for m in x.between(e + 1, c.end, _EVENTISH) if m.start == e + 1]
    for ev in _uniq(events):
        for p in _uniq(where):
            out.add(ev, Predicate.LOCATED_IN, p, x.sent, "held")


def _located(x: _Sentence, s: int, e: int, w: str, out: _Out) -> None:
    c = x.clause(s)
    things_t = frozenset([C, ORG, EntityType.ZONE, EntityType.CLUSTER])
    if w in _words("lies-in"):
        things = [m.entity for m in x.between(c.start, s, things_t | {P}) if not x.locative(m)]
        where = x.between(
            e, c.end, frozenset([P, EntityType.REGION, EntityType.ZONE]), acting=False
        )
        if w not in _words("lies-in-loose"):
            # 处于/地处 say where only when a name follows at once (地处长江流域, not
            # 处于…的关键时期); a chain of names joined at once counts whole
            near: list[M] = []
            for m in where:
                if m.start - (near[-1].end if near else e) <= (1 if near else 2):
                    near.append(m)
            where = near
        places = [m.entity for m in where]
        # a place lies in a region (蚌埠和淮南都处在淮河流域), not in another place here
        for t, p in itertools.product(_uniq(things), _uniq(places)):
            if t.type != P or p.type == EntityType.REGION:
                out.add(t, Predicate.LOCATED_IN, p, x.sent, "located")
        return
    else:
        at = max(x.text.rfind(w, x.sent.start, s) for w in _words("at"))
        if at < 0:
            return
        places = [m.entity for m in x.between(at, s, frozenset([P]), acting=False)]
        things = [m.entity for m in x.between(x.sent.start, at, things_t)]
    for t, p in itertools.product(_uniq(things), _uniq(places)):
        out.add(t, Predicate.LOCATED_IN, p, x.sent, "located")


def _cooperates(x: _Sentence, s: int, e: int, w: str, out: _Out) -> None:
    c = x.clause(s)
    seg = x.text[c.start : s]
    conn = max(seg.rfind(w) for w in _words("partner-joiner"))
    pairs: list[tuple[Entity, Entity]] = []
    if conn >= 0:
        cpos = c.start + conn
        right = [m.entity for m in x.between(cpos, s, PARTNERS) if not x.locative(m)]
        left_all = x.between(c.start, cpos, PARTNERS)
        left = [m.entity for m in left_all if not x.locative(m)]
        if left_all and left_all[-1].end == cpos and x.locative(left_all[-1]):
            right = []  # 在诏安县与饶平县交界: places joined to a place where, not partners
        if right:
            if not left:
                left = (
                    x.subjects(c.start) if c.start > x.sent.start else ([x.home] if x.home else [])
                )
            pairs += [(a, b) for a in left[-1:] for b in right]
            # 焦作与日照: one pair per connector; a list on the right gives each
    else:
        after = x.between(e, c.end, PARTNERS)
        named = x.between(e, c.end, PARTNERS, acting=False)  # 对接上海市辖区闵行: from 上海市
        if after and named[0].start - e <= 1:
            subj = x.subjects(s)
            pairs += [(a, m.entity) for a in subj[:1] for m in after]
    for a, b in pairs:
        out.add(a, Predicate.COOPERATES_WITH, b, x.sent, "cooperate")


#: The frames whose words the trigger rules read as names: the author's own place and
#: body. Those standing for earlier parties (双方, 三地) and meetings (会上) are left
#: to the relation candidates: read as names by the rules they cost more precision
#: than they gave recall on the annotated corpus (kg eval, 2026-12).
_RULE_FRAMES = frozenset(["home", "author"])


def _plural_cooperation(
    x: _Sentence,
    st: list[tuple[int, int, str]],
    rels: dict[str, tuple[str, ...]],
    out: _Out,
) -> None:
    """Parties named together as one subject of a cooperation word cooperate pairwise:
    a list (宜昌、荆州、荆门三市深化合作; A、B和C加强协作) or a word standing for
    them (双方将加强合作, 两地携手推进一体化)."""
    for s, _e, w in st:
        if "cooperatesWith" not in rels[w]:
            continue
        c = x.clause(s)
        group = _subject_group(x, c.start, s)
        counted = None if group else x.counted_before(c.start, s)
        if counted:  # 三市将进一步深化合作: the list the count word stands for
            gap = x.text[counted[1] : s]
            if len(gap) <= 16 and not any(ch in _STOPS for ch in gap):
                group = counted[2]
        ents = [e for e in _uniq(group) if e.type in PARTIES]
        for a, b in itertools.combinations(ents, 2):
            if not _nested(a, b):
                out.add(a, Predicate.COOPERATES_WITH, b, x.sent, "plural-subject")


def _counted_groups(x: _Sentence, previous: list[M]) -> list[tuple[int, int, list[Entity]]]:
    """The words of this sentence that stand for a list of parties named just before
    (三市, 两地, 双方), with the parties: the nearest list before the word, in this
    sentence or the one before, that has exactly as many parties as the word counts
    (宜宾、泸州、自贡三市…,三市将深化合作). A count no list matches refers to nothing."""
    ac, rows = deixis()
    out: list[tuple[int, int, list[Entity]]] = []
    sent_text = x.text[x.sent.start : x.sent.end]
    for idx, a, b in ac.find_matches_as_indexes(sent_text):
        d = rows[idx]
        if d.refers != "parties" or d.number < 2:
            continue
        s, e = x.sent.start + a, x.sent.start + b
        quals = x._qualifiers() | _qualifier_starts(previous, x.text)
        cands = [
            m
            for m in previous + x.ms
            if m.top and m.end <= s and m.entity.type in PARTIES and m.start not in quals
        ]
        cands.sort(key=lambda m: (m.start, m.end))
        group: list[M] = []
        for m in reversed(cands):
            if not group:
                group = [m]
                continue
            joint = x.text[m.end : group[0].start]
            if joint in _LIST_JOINERS or joint == "":
                group.insert(0, m)
            elif len(group) == d.number:
                break
            else:
                group = [m]
            if len(group) == d.number:
                break
        ents = _uniq([m.entity for m in group])
        if len(ents) == d.number:
            out.append((s, e, ents))
    return out


def _qualifier_starts(ms: list[M], text: str) -> frozenset[int]:
    """Starts of the places among ``ms`` that qualify the place right after them, which
    they contain (湖南省长沙; through a possessive: 内蒙古自治区的赤峰市)."""
    starts: dict[int, M] = {}
    for n in ms:
        if n.entity.type == P and n.top and n.entity.code:
            starts.setdefault(n.start, n)
    out = set()
    for m in starts.values():
        nxt = starts.get(m.end)
        if nxt is None:
            # the longest possessive first (下辖的 before 下辖): the table's order
            gap = next((w for w in _words("place-possessive") if text.startswith(w, m.end)), None)
            nxt = starts.get(m.end + len(gap)) if gap else None
        if nxt is not None and m.entity.code in tables.ancestors(nxt.entity.code or ""):
            out.add(m.start)
    return frozenset(out)


def _subject_group(x: _Sentence, start: int, trigger: int) -> list[Entity]:
    """The parties of the coordinated group that ends nearest before ``trigger`` in
    ``[start, trigger)``: names joined by list words (and a numeral and classifier
    after them), or the entities one deictic word refers to; [] when fewer than two."""
    ms = [m for m in x.between(start, trigger, PARTIES) if not x.locative(m)]
    if not ms:
        return []
    last = ms[-1]
    gap = x.text[last.end : trigger]
    if any(ch in _STOPS for ch in gap) or len(gap) > 16:
        return []
    same = [m for m in ms if (m.start, m.end) == (last.start, last.end)]
    if len(same) >= 2:  # a word standing for several parties (双方, 三地)
        return [m.entity for m in same]
    group = [last]
    for m in reversed(ms[:-1]):
        between = x.text[m.end : group[0].start]
        if between in _LIST_JOINERS or between == "":
            if between == "" and _nested(m.entity, group[0].entity):
                continue  # 江苏省苏州: the province qualifies its city
            group.insert(0, m)
        else:
            break
    if len(group) < 2:
        return []
    return [m.entity for m in group]


#: What a membership sentence lists the members of: a region, or a zone made of places
#: (南沙新区…由南沙区和大岗、榄核、东涌三镇组成).
_GROUPS = frozenset([EntityType.REGION, EntityType.ZONE])


def _membership(
    x: _Sentence, st: list[tuple[int, int, str]], prev: Entity | None, out: _Out
) -> Entity | None:
    regions = [m for m in x.ms if m.entity.type == EntityType.REGION and m.top]
    groups = [m for m in x.ms if m.entity.type in _GROUPS and m.top]
    for s, _e, w in st:
        if w not in _words("membership"):
            continue
        # the sentence's subject: its first region, zone or place (《规划》明确,X都市圈…组成)
        first = next((m for m in x.ms if m.top and m.entity.type in PARTNERS | _GROUPS), None)
        reg = [m for m in groups if m.end <= s and m is first]
        opening = x.text[x.sent.start : s].strip()
        starts_list = opening == "" or opening in _words("membership-adverb")
        region = reg[0].entity if reg else (prev if starts_list else None)
        if region is None:
            continue
        start = reg[0].end if reg else x.sent.start
        for m in _members(x, start, x.sent.end):
            out.add(m.entity, Predicate.PART_OF, region, x.sent, "members")
    return regions[-1].entity if regions else prev


def _members(x: _Sentence, start: int, end: int) -> list[M]:
    """The places listed in ``[start, end)`` as members: of a chain, the innermost
    (德阳市旌阳区: the city qualifies its district here)."""
    places = x.between(start, end, frozenset([P]))
    heads = {
        (m.start, m.end)
        for m, n in zip(places, places[1:], strict=False)
        if n.start == m.end
        and m.entity.code
        and n.entity.code
        and m.entity.code in tables.ancestors(n.entity.code)
    }
    return [m for m in places if (m.start, m.end) not in heads]


@cache
def _scope_pattern() -> re.Pattern[str]:
    """A plan's scope listed (规划范围主要包括, 范围为)."""
    scope, verb = "|".join(_words("scope")), "|".join(_words("scope-verb"))
    adverbs = "|".join(_words("membership-adverb"))
    return re.compile(rf"(?:{scope})(?:{adverbs})?(?:{verb})")


def _within(x: _Sentence, out: _Out) -> None:
    """The places listed right after a region or zone and a word of lying within it
    (深汕特别合作区范围内的鹅埠、小漠、赤石三镇; 兰白经济区辖区内的榆中县、皋兰县) are
    part of it."""
    for g in x.ms:
        if not g.top or g.entity.type not in _GROUPS:
            continue
        w = next((w for w in _within_words() if x.text.startswith(w, g.end)), None)
        if w is None:
            continue
        c = x.clause(g.end)
        places = x.between(g.end + len(w), c.end, frozenset([P]))
        if not places or places[0].start != g.end + len(w):
            continue
        for m in _leading_list(x, places):
            out.add(m.entity, Predicate.PART_OF, g.entity, x.sent, "within")


@cache
def _within_words() -> tuple[str, ...]:
    """Words of lying within a region or zone (范围内的, 辖区内), longest first."""
    return tuple(sorted(_words("within"), key=len, reverse=True))


def _plan_scope(x: _Sentence, out: _Out) -> None:
    """The places a plan's scope lists (规划范围包括A、B; 范围为A、B两市全域) are part of
    the region it is about: the region named just before the scope, else the
    document's first region."""
    for mt in _scope_pattern().finditer(x.text, x.sent.start, x.sent.end):
        c = x.clause(mt.start())
        named = x.between(c.start, mt.start(), frozenset([EntityType.REGION]))
        region = named[-1].entity if named else x.main_region
        if region is None:
            continue
        for m in _members(x, mt.end(), x.sent.end):
            out.add(m.entity, Predicate.PART_OF, region, x.sent, "plan-scope")


@cache
def _enumeration_pattern() -> re.Pattern[str]:
    """A count of places and a word that lists them (8个城市,分别是; 四市即)."""
    words = "|".join(map(re.escape, _words("enumeration")))
    return re.compile(rf"(?:{_collective_pattern().pattern})[,:：]?(?:{words})")


def _enumerated_members(x: _Sentence, out: _Out) -> None:
    """The places a region's count enumerates are its members, when they are as many as
    the count says (南京都市圈成员城市扩大至8个城市,分别是南京、镇江…; 城市群包括五市,
    即A、B…): the region is the last one named before the count in the sentence."""
    for mt in _enumeration_pattern().finditer(x.text, x.sent.start, x.sent.end):
        if not mt.group(1):
            continue
        named = x.between(x.sent.start, mt.start(), frozenset([EntityType.REGION]))
        places = x.between(mt.end(), x.sent.end, frozenset([P]))
        if not named or not places or places[0].start != mt.end():
            continue
        listed = _leading_list(x, places)
        if len({m.entity.id for m in listed}) != _count(mt.group(1)):
            continue
        for m in listed:
            out.add(m.entity, Predicate.PART_OF, named[-1].entity, x.sent, "enumerated")


@cache
def _collective_name_pattern() -> re.Pattern[str]:
    """A word that names what was just listed collectively (以下统称, 合称)."""
    words = "|".join(map(re.escape, _words("collective-name")))
    return re.compile(rf"[(（]?(?:{words})")


def _named_collectively(x: _Sentence, out: _Out) -> None:
    """The places of a list a region then names collectively are its members
    (南宁市、北海市…崇左市(以下统称广西北部湾经济区6市); with a count after the region,
    when the list is as long)."""
    for mt in _collective_name_pattern().finditer(x.text, x.sent.start, x.sent.end):
        regions = x.between(mt.end(), x.sent.end, frozenset([EntityType.REGION]))
        if not regions or regions[0].start != mt.end():
            continue
        places = x.between(x.sent.start, mt.start(), frozenset([P]))
        if not places or places[-1].end != mt.start():
            continue
        listed = _trailing_list(x, places)
        count = _collective_pattern().match(x.text, regions[0].end)
        if count and count.group(1) and _count(count.group(1)) != len(listed):
            continue
        for m in listed:
            out.add(m.entity, Predicate.PART_OF, regions[0].entity, x.sent, "named-collectively")


def _region_members_listed(x: _Sentence, out: _Out) -> None:
    """Places listed right after a region are its members (胶东经济圈青岛、烟台、威海等市;
    长三角上海、南京两市)."""
    tops = sorted((m for m in x.ms if m.top), key=lambda m: m.start)
    for i, g in enumerate(tops):
        if g.entity.type != EntityType.REGION:
            continue
        k, end = i + 1, g.end
        while k < len(tops) and tops[k].entity.type == P:
            gap = x.text[end : tops[k].start]
            if gap and (k == i + 1 or gap not in _LIST_GAP_WORDS):
                break
            end = tops[k].end
            k += 1
        for m in _members(x, g.end, end):
            out.add(m.entity, Predicate.PART_OF, g.entity, x.sent, "region-list")


def _compounds(x: _Sentence, out: _Out) -> None:
    singles = [m for m in x.ms if m.end - m.start == 1 and m.entity.type in (P, EntityType.ZONE)]
    groups: list[list[M]] = []
    for m in singles:
        if groups and m.start - groups[-1][-1].end <= 1:
            groups[-1].append(m)
        else:
            groups.append([m])
    coop = _words("cooperation-word") + _words("compound-cooperation")
    for g in groups:
        if len(g) < 2:
            continue
        end = g[-1].end
        rest = x.text[end : end + 8].lstrip('“”"')
        if rest.startswith(coop):
            for a, b in itertools.combinations(_uniq([m.entity for m in g]), 2):
                out.add(a, Predicate.COOPERATES_WITH, b, x.sent, "compound")
        holders = [
            m for m in x.ms if m.start <= g[0].start and end <= m.end and m.end - m.start > 1
        ]
        for h in holders:
            pred = Predicate.PART_OF if h.entity.type == EntityType.REGION else Predicate.LOCATED_IN
            if h.entity.type in (EntityType.REGION,):
                for m in g:
                    out.add(m.entity, pred, h.entity, x.sent, "compound-name")
            elif h.entity.type in (EntityType.CLUSTER, EntityType.ZONE):
                for m in g:
                    out.add(h.entity, pred, m.entity, x.sent, "compound-name")
                    if (
                        h.entity.type == EntityType.ZONE
                        and h.start == g[0].start
                        and any(w in x.text[end : h.end] for w in coop)
                    ):
                        # 深汕特别合作区: the places opening a cooperation zone's name build it
                        out.add(m.entity, Predicate.PARTICIPATES_IN, h.entity, x.sent, "co-built")
        if rest.lstrip("“").startswith(_words("region-epithet")):
            regs = [m for m in x.ms if m.entity.type == EntityType.REGION and m.start >= end - 1]
            for r in regs[:1]:
                for m in g:
                    out.add(m.entity, Predicate.PART_OF, r.entity, x.sent, "compound-name")


#: Words after places joined by a dash that make them partners (珲春—奉化东西部扶贫协作).
#: Joiners between two place names, and how far the cooperation word may follow.
_JOINERS = dict.fromkeys(("—", "-", "――", "－", "–", "——"), 8) | dict.fromkeys(
    _words("adjacent-joiner"), 0
)


def _joined_places(x: _Sentence, out: _Out) -> None:
    """Two or more place names joined by a dash (or 、/与 right before the word) and
    followed by a cooperation word are partners: 珲春—奉化东西部扶贫协作, 广州-佛山同城化,
    成都、重庆一体化."""
    places = [m for m in x.ms if m.entity.type == P and m.end - m.start > 1]
    if len(places) < 2:
        return
    chain: list[M] = []
    reach = 0
    for m in places + [None]:  # type: ignore[list-item]
        if m is not None and chain and x.text[chain[-1].end : m.start] in _JOINERS:
            chain.append(m)
            reach = max(reach, _JOINERS[x.text[chain[-1 - 1].end : m.start]])
            continue
        if len(chain) >= 2:
            after = x.text[chain[-1].end : min(chain[-1].end + reach + 4, x.sent.end)]
            found = (after.find(w) for w in _words("cooperation-word"))
            at = min((k for k in found if k >= 0), default=-1)
            if 0 <= at <= reach and not any(ch in _STOPS for ch in after[:at]):
                ents = _uniq([c.entity for c in chain])
                for a, b in itertools.combinations(ents, 2):
                    if not _nested(a, b):
                        out.add(a, Predicate.COOPERATES_WITH, b, x.sent, "joined")
        chain, reach = ([m], 0) if m is not None else ([], 0)


_STOPS = frozenset(' ,，。;；:：、()（）《》“”"')


def _nested(a: Entity, b: Entity) -> bool:
    return bool(
        a.code
        and b.code
        and (a.code in tables.ancestors(b.code) or b.code in tables.ancestors(a.code))
    )


def _names_with_places(x: _Sentence, out: _Out) -> None:
    holders_t = (EntityType.ZONE, EntityType.CLUSTER, C)
    # a zone opening its management committee's name (X开发区管委会) holds its places too
    managed = {m.start for m in x.ms if m.top and m.entity.type == A}
    for h in x.ms:
        if h.entity.type not in holders_t:
            continue
        if not h.top and not (h.entity.type == EntityType.ZONE and h.start in managed):
            continue
        inner = [
            m
            for m in x.ms
            if h.start <= m.start
            and m.end <= h.end
            and m is not h
            and m.entity.type == P
            and m.end - m.start > 1
        ]
        if not inner:
            continue
        paren = [
            m
            for m in inner
            if x.text[m.start - 1 : m.start] in "(（" and x.text[m.end : m.end + 1] in ")）"
        ]
        codes = {m.entity.code for m in inner}
        outer = [
            m
            for m in inner
            if not any(c and c in tables.ancestors(m.entity.code or "") for c in codes)
        ]
        for m in paren or outer:
            out.add(h.entity, Predicate.LOCATED_IN, m.entity, x.sent, "name-place")


def _regions_named_after_places(x: _Sentence, out: _Out) -> None:
    """A region named after its places (南京都市圈, 济泰省会经济圈, 成渝地区双城经济圈):
    the places that open its name, alone or joined, are part of it; a province alone
    opening it (山西中部城市群, 广西北部湾经济区) holds it rather than belongs to it."""
    for h in x.ms:
        if h.entity.type != EntityType.REGION or not h.top:
            continue
        k = h.start
        opening: list[M] = []
        for m in sorted(
            (m for m in x.ms if h.start <= m.start and m.end < h.end and m.entity.type == P),
            key=lambda m: m.start,
        ):
            if m.start != k and not (m.start == k + 1 and x.text[k] in "-—、与和"):
                break
            if m.entity.code:
                opening.append(m)
            k = m.end
        if len(opening) == 1 and (opening[0].entity.code or "").endswith("0000"):
            out.add(h.entity, Predicate.LOCATED_IN, opening[0].entity, x.sent, "region-in")
            continue
        for m in opening:
            out.add(m.entity, Predicate.PART_OF, h.entity, x.sent, "region-name")


#: What joins the members of a list of places (德阳市旌阳区、什邡市和广汉市).
_LIST_JOINERS = frozenset(tables.grammar("list-joiner"))
_POSSESSIVE = frozenset(tables.grammar("place-possessive"))
_LIST_GAP_WORDS = frozenset(tables.grammar("list-gap"))


def _adjacent_places(x: _Sentence, out: _Out) -> None:
    """A place right after the place that contains it is located in it (成都市青白江区;
    through a possessive: 安徽的亳州, 常州下辖的溧阳市), and so is each place listed
    after that one within the same parent (德阳市旌阳区、什邡市)."""
    # places inside a body's name count too (成都市青白江区人民政府: 青白江区 in 成都市)
    bodies = [n for n in x.ms if n.top and n.entity.type in (A, ORG)]
    places = [
        m
        for m in x.ms
        if m.entity.type == P
        and m.entity.code
        and m.end - m.start > 1
        and (m.top or any(b.start <= m.start and m.end <= b.end for b in bodies))
    ]
    parent: M | None = None
    last: M | None = None
    for m in places:
        if (
            last is not None
            and (m.start == last.end or x.text[last.end : m.start] in _POSSESSIVE)
            and last.entity.code in tables.ancestors(m.entity.code or "")
        ):
            parent = last
            out.add(m.entity, Predicate.LOCATED_IN, last.entity, x.sent, "adjacent")
        elif (
            parent is not None
            and last is not None
            and x.text[last.end : m.start] in _LIST_JOINERS
            and parent.entity.code in tables.ancestors(m.entity.code or "")
        ):
            out.add(m.entity, Predicate.LOCATED_IN, parent.entity, x.sent, "adjacent-list")
        elif last is None or m.start != last.end:
            joined = last is not None and x.text[last.end : m.start] in _LIST_JOINERS
            parent = parent if joined else None
        last = m


@cache
def _country_names() -> frozenset[str]:
    return frozenset(r["name"] for r in tables.tsv("countries.tsv") if r["kind"] == "country")


def _places_abroad(x: _Sentence, out: _Out) -> None:
    """A place abroad named right after its country (加拿大埃德蒙顿市) is located in it."""
    countries = _country_names()
    by_end = {m.end: m for m in x.ms if m.entity.type == P and m.entity.name in countries}
    if not by_end:
        return
    for m in x.ms:
        c = by_end.get(m.start)
        if c and m.entity.type == P and not m.entity.code and m.entity.name not in countries:
            out.add(m.entity, Predicate.LOCATED_IN, c.entity, x.sent, "abroad")


def _title_issuers(x: _Sentence, out: _Out) -> None:
    """A plan issued by the body named in its own title (《国务院关于X规划的批复》: the
    reply and X are issued by 国务院), or by the body cited right before it
    (省政府办公厅《关于…的通知》)."""
    plans = [m for m in x.ms if m.entity.type == EntityType.PLAN]
    if not plans:
        return
    bodies = [m for m in x.ms if m.entity.type in (A, ORG)]
    by_end = {m.end: m for m in bodies if m.top}
    for p in plans:
        opener = x.text[p.start - 1 : p.start]
        cited = by_end.get(p.start - 1) if opener in "《〈" else None
        if cited is not None and p.top:
            out.add(p.entity, Predicate.ISSUED_BY, cited.entity, x.sent, "cited-title")
        for b in bodies:
            if b.start == p.start and x.text.startswith("关于", b.end):
                out.add(p.entity, Predicate.ISSUED_BY, b.entity, x.sent, "title-issuer")
                for q in plans:
                    if q is not p and p.start < q.start and q.end <= p.end:
                        out.add(q.entity, Predicate.ISSUED_BY, b.entity, x.sent, "title-issuer")


_PARTY_JOINERS = tuple(w for w in tables.grammar("party-joiner") if w != "及")
_DASHES = ("-", "—", "–", "－", "·")


@cache
def _role_pattern() -> re.Pattern[str]:
    """A place's role in a region it belongs to (中原城市群副中心城市, 都市圈成员城市,
    城市群的重要组成部分)."""
    roles, parts = "|".join(_words("member-role")), "|".join(_words("member-part"))
    nouns = "|".join(sorted(_words("member-noun"), key=len, reverse=True))
    return re.compile(rf"(?:的)?(?:(?:{roles})?(?:{nouns})|{parts})")


@cache
def _shared_pattern() -> re.Pattern[str]:
    """Several places said to lie in one region together (A与B同属华东地区)."""
    return re.compile(rf"(?:{'|'.join(_words('shared-membership'))})$")


@cache
def _join_pattern() -> re.Pattern[str]:
    """Joining a group (汕尾市正式加入深莞惠经济圈)."""
    adverbs, join = "|".join(_words("join-adverb")), "|".join(_words("join"))
    return re.compile(rf"(?:{adverbs})?(?:{join})")


def _member_roles(x: _Sentence, out: _Out) -> None:
    """A place named as a city or part of a region (洛阳加快建设中原城市群副中心城市,
    咸阳是西安都市圈的重要组成部分), or joining a region or organisation (赣州市正式加入
    粤港澳大湾区城市联盟, 将浦江纳入金义都市区), is part of it; places said to share a
    region (安徽与上海同属华东地区) are each part of it."""
    groups = [m for m in x.ms if m.top and m.entity.type in (EntityType.REGION, ORG)]
    for g in groups:
        c = x.clause(g.start)
        before = x.text[c.start : g.start]
        joined = _join_pattern().search(before)
        role = g.entity.type == EntityType.REGION and _role_pattern().match(x.text, g.end, c.end)
        shared = g.entity.type == EntityType.REGION and _shared_pattern().search(before)
        if shared:
            subjects = x.between(c.start, c.start + shared.start(), frozenset([P]))
            for m in subjects:
                if not x.locative(m):
                    out.add(m.entity, Predicate.PART_OF, g.entity, x.sent, "shared-region")
            continue
        if joined and joined.end() == len(before):
            limit = c.start + joined.start()
        elif role:
            limit = g.start
        else:
            continue
        members = frozenset([P, EntityType.REGION])  # 西安都市圈是关中平原城市群的核心区域
        places = [m for m in x.between(c.start, limit, members) if not x.locative(m)]
        if not places or any(
            w in x.text[places[-1].end : g.start] for w in _words("partner-joiner")
        ):
            continue  # 武汉市加强与成渝城市群城市合作: partners, not members
        listed = role and x.text[places[-1].end : g.start] in ("", *_words("list-close"))
        for m in _trailing_list(x, places) if listed else places[-1:]:
            out.add(m.entity, Predicate.PART_OF, g.entity, x.sent, "member-role")


def _leading_list(x: _Sentence, ms: list[M]) -> list[M]:
    """The mentions of the list that ``ms`` opens with: the first and those joined to it
    by list words (鹅埠、小漠 in 范围内的鹅埠、小漠四镇改设…)."""
    group = ms[:1]
    for m in ms[1:]:
        if x.text[group[-1].end : m.start] not in _LIST_JOINERS:
            break
        group.append(m)
    return group


def _trailing_list(x: _Sentence, ms: list[M]) -> list[M]:
    """The mentions of the list that ``ms`` ends with: the last and those joined to it by
    list words (南通、盐城 in …南通、盐城等长三角城市)."""
    group = ms[-1:]
    for m in reversed(ms[:-1]):
        if x.text[m.end : group[0].start] not in _LIST_JOINERS:
            break
        group.insert(0, m)
    return group


#: What a name may open with before the parties it names (2020济泰…座谈会, 第三届…,
#: “汕潮揭”同城化联席会议): a year, an ordinal, quotation marks.
_NAME_OPENING = re.compile(r"[“\"‘]*(?:\d{4}年?)?(?:第[\d一二三四五六七八九十]+[届次])?[“\"‘]*")


def _parties_in_names(x: _Sentence, out: _Out) -> None:
    """Parties that open the name of an event or agreement, joined by 与/和, a dash or
    nothing (道县人民政府与五矿二十三冶建设集团有限公司合作框架协议签约仪式,
    洛阳—济源深度融合发展战略合作框架协议, 京沈对口合作交流会): they take part in the
    event or sign the agreement, and cooperate with each other."""
    named = [h for h in x.ms if h.entity.type in (EntityType.EVENT, EntityType.AGREEMENT)]
    if not named:
        return
    longest: dict[int, M] = {}
    for m in x.ms:
        if (
            m.entity.type in PARTIES
            and not m.top
            and (m.start not in longest or longest[m.start].end < m.end)
        ):
            longest[m.start] = m
    for h in named:
        chain: list[M] = []
        opening = _NAME_OPENING.match(x.text, h.start, h.end)  # 2020, 第三届, “
        nxt = longest.get(opening.end() if opening else h.start)
        while nxt is not None and nxt.end < h.end:
            if chain and _nested(chain[-1].entity, nxt.entity) and nxt.start == chain[-1].end:
                chain[-1] = nxt  # 上海浦东新区: the inner place
            else:
                chain.append(nxt)
            after = longest.get(nxt.end)  # joined with nothing between (京沈, 芜湖市马鞍山市)
            if after is None and x.text[nxt.end : nxt.end + 1] in _PARTY_JOINERS + _DASHES:
                after = longest.get(nxt.end + 1)
            nxt = after
        if len(chain) < 2 or {x.text[n.end] for n in chain[:-1]} == {"、"}:
            continue  # 成都、德阳、眉山四市政协座谈会: a list of places qualifies the bodies
        parties = _uniq([m.entity for m in chain])
        pred = (
            Predicate.SIGNED if h.entity.type == EntityType.AGREEMENT else Predicate.PARTICIPATES_IN
        )
        for p in parties:
            out.add(p, pred, h.entity, x.sent, "parties-in-name")
        for a, b in itertools.combinations(parties, 2):
            if not _nested(a, b):
                out.add(a, Predicate.COOPERATES_WITH, b, x.sent, "parties-in-name")


def _hosts_take_part(out: _Out) -> None:
    """A party of the document's cooperation that hosts a meeting takes part in it
    (…会商会在南昌举行, where 南昌 signs or cooperates with the others)."""
    acting = {
        r.subject for r in out.rels if r.predicate in (Predicate.SIGNED, Predicate.COOPERATES_WITH)
    } | {r.object for r in out.rels if r.predicate == Predicate.COOPERATES_WITH}
    by_id = {e.id: e for e in out.entities}
    for r in list(out.rels):
        if r.rule == "held" and r.object in acting and r.evidence is not None:
            out.add(
                by_id[r.object],
                Predicate.PARTICIPATES_IN,
                by_id[r.subject],
                r.evidence.span,
                "host",
            )


def _proposal_issuer(doc: Document, entities: list[Entity], ms: list[M], out: _Out) -> None:
    """The proposal answered is issued by its addressee when that is an organisation."""
    import re

    props = [
        e
        for e in entities
        if e.type == EntityType.PLAN
        and e.name.startswith("关于")
        and e.name.endswith(("提案", "建议"))
    ]
    if not props:
        return
    m = re.search(r"(?m)^([^\n:：]{2,40})[:：]\s*$", doc.norm)
    if not m:
        return
    span = Span(m.start(1), m.end(1))
    who = [
        x.entity
        for x in ms
        if span.start <= x.start and x.end <= span.end and x.top and x.entity.type in (ORG, A)
    ]
    for p in props:
        for w in who[:1]:
            out.add(p, Predicate.ISSUED_BY, w, span, "addressee")


def _gazetteer(entities: list[Entity]) -> list[Relation]:
    """A county in its city, a city in its province, for places of the document."""
    by_code = {e.code: e for e in entities if e.type == P and e.code}
    out = []
    for code, e in sorted(by_code.items()):
        for anc in tables.ancestors(code):
            if anc in by_code:
                out.append(
                    Relation(
                        e.id,
                        Predicate.LOCATED_IN,
                        by_code[anc].id,
                        Source.GAZETTEER,
                        None,
                        "gazetteer",
                    )
                )
                break
    return out


_RULES = {
    "signed": _signed,
    "issuedBy": _issued,
    "establishedBy": _established,
    "participatesIn": _participates,
    "held": _held,
    "locatedIn": _located,
    "cooperatesWith": _cooperates,
    "partOf": lambda *a: None,
}

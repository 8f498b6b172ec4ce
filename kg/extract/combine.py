"""The document's mentions: the tagger's names, with what the rules add inside them.

The tagger (:mod:`kg.extract.tagger`) decides which names there are at the
top level and where they begin and end; it has read the rules' mentions as
features. The rules still know things the tagger does not label:

- the division code and official form of a name they found at the same span
  (郑州 -> 郑州市, 410100; 市发改委 -> 郑州市发展和改革委员会);
- places and regions inside another name (江苏 in 江苏省政协, 郑州 in 郑州都市圈),
  which count as mentions of them; and the names the rules keep inside another
  name on purpose (the parties that open an event's name);
- one-character places of a compound (郑 and 开 in 郑开同城化).

Those are kept, with the confidence the rule earned on the annotated corpus
(``rule_confidence``, written by ``kg train``). A rule's name at the top level
that the tagger did not label is dropped: the tagger has seen it and said no.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kg.extract.context import Context
from kg.extract.names import canonical_form
from kg.extract.spans import Cover
from kg.extract.tagger import Tagged
from kg.types import EntityType, Mention, Span

__all__ = ["combine", "kept_rule_mentions"]

_NESTABLE = frozenset([EntityType.PLACE, EntityType.REGION])
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
        ):
            out.append(m)
    return out


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
    for t in tagged:
        surface = text[t.start : t.end]
        same = [m for m in by_span.get((t.start, t.end), []) if m.type == t.type]
        if same:
            m = same[0]
            out.append(
                Mention(m.span, m.surface, m.type, m.rule, m.canonical, m.code, t.confidence)
            )
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

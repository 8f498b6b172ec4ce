"""Gold annotations located in the text: the training spans of the learned parts.

The gold gives each entity a name and the aliases "as they occur in the text",
but no offsets. Training needs character spans, so every name and alias of
every gold entity is searched in the text as read and in its normalised form
(which differ for documents in traditional characters), and the occurrences
are made consistent:

- longer occurrences win: they are taken first, longest to shortest, then by
  position;
- an occurrence inside a taken one is kept as a *nested* mention (江苏省 inside
  江苏省政协) unless it belongs to the same entity (郑州 inside 郑州市);
- an occurrence that crosses the edge of a taken one is dropped;
- one-character aliases (郑 for 郑州市) are kept only where the rules found a
  one-character place mention at that very spot: on their own they match
  inside any word.

Top-level occurrences become the tagger's labels; all occurrences, nested and
one-character included, are the entity mentions the relation scorer trains on.
Pure functions over plain values: reading the gold files is the caller's job.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg.types import EntityType

__all__ = ["GoldMention", "align"]

_QUOTES = set("《》〈〉“”\"'‘’「」『』")


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One occurrence of a gold entity: ``entity`` indexes the gold's entity list."""

    start: int
    end: int
    entity: int
    type: EntityType
    top: bool


def _forms(e: Mapping[str, Any]) -> list[str]:
    """The strings to look for: the name and aliases, with and without quotes and NFKC."""
    out: list[str] = []
    for s in [e.get("name", ""), *(e.get("aliases") or [])]:
        s = str(s)
        for v in (s, unicodedata.normalize("NFKC", s), "".join(c for c in s if c not in _QUOTES)):
            v = v.strip()
            if v and v not in out:
                out.append(v)
    return out


def _occurrences(hay: str, needle: str) -> list[int]:
    out, k = [], hay.find(needle)
    while k >= 0:
        out.append(k)
        k = hay.find(needle, k + 1)
    return out


def align(
    text: str,
    norm: str,
    entities: Sequence[Mapping[str, Any]],
    single_places: frozenset[int] | set[int] = frozenset(),
) -> list[GoldMention]:
    """The spans of ``entities`` (gold dicts) in a document, in text order.

    ``single_places`` holds the start offsets of the one-character place
    mentions the rules found (the only places a one-character alias counts).

    >>> gold = [{"name": "江苏省", "type": "Place", "aliases": ["江苏"]},
    ...         {"name": "江苏省政协", "type": "Agency", "aliases": []}]
    >>> [(m.start, m.end, m.type.value, m.top) for m in align("江苏省政协与江苏", "江苏省政协与江苏", gold)]
    [(0, 5, 'Agency', True), (0, 3, 'Place', False), (6, 8, 'Place', True)]
    """
    cands: list[tuple[int, int, int]] = []  # (start, end, entity index)
    for i, ent in enumerate(entities):
        seen: set[tuple[int, int]] = set()
        for form in _forms(ent):
            for hay in (text, norm) if norm != text else (text,):
                for k in _occurrences(hay, form):
                    span = (k, k + len(form))
                    if len(form) == 1 and k not in single_places:
                        continue
                    if span not in seen:
                        seen.add(span)
                        cands.append((k, k + len(form), i))
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2]))
    taken: list[tuple[int, int, int]] = []
    nested: list[tuple[int, int, int]] = []
    for s, e, i in cands:
        crosses = False
        inside_of: list[int] = []
        for ts, te, ti in taken:
            if ts <= s and e <= te:
                inside_of.append(ti)
            elif s < te and ts < e:
                crosses = True
                break
        if crosses:
            continue
        if not inside_of:
            taken.append((s, e, i))
        elif (
            i not in inside_of
            and all(not (ns <= s and e <= ne) or ni != i for ns, ne, ni in nested)
            and not any((ns, ne) == (s, e) for ns, ne, _ in nested)
        ):
            nested.append((s, e, i))
    out = [GoldMention(s, e, i, EntityType(entities[i]["type"]), True) for s, e, i in taken]
    out += [GoldMention(s, e, i, EntityType(entities[i]["type"]), False) for s, e, i in nested]
    out.sort(key=lambda m: (m.start, -m.end, not m.top))
    return out

"""One Aho-Corasick automaton over every table-driven pattern, built once.

Each pattern carries the kinds of thing it can start (a division form, a
known name, a country, a name ending, a level-only body name, a person cue).
Matching a document is one pass over its normalised text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import ahocorasick_rs

from kg.extract import tables


class Hit(NamedTuple):
    """One pattern occurrence: ``kind`` says which table it came from (a named tuple:
    a long document makes millions of them)."""

    start: int
    end: int
    surface: str
    kind: str


@dataclass(frozen=True, slots=True)
class Automaton:
    ac: ahocorasick_rs.AhoCorasick
    patterns: tuple[str, ...]
    kinds: tuple[tuple[str, ...], ...]


KINDS = ("place", "name", "country", "suffix", "jurisdiction", "cue")


@cache
def automaton() -> Automaton:
    """The one automaton over all patterns (places, names, suffixes, cues)."""
    by_pattern: dict[str, set[str]] = {}

    def add(p: str, kind: str) -> None:
        if p:
            by_pattern.setdefault(p, set()).add(kind)

    for form in tables.place_forms():
        add(form, "place")
    for r in tables.tsv("names.tsv"):
        add(r["surface"], "name")
    for r in tables.tsv("countries.tsv"):
        add(r["surface"], "country")
    for r in tables.tsv("suffixes.tsv"):
        add(r["suffix"], "suffix")
    for r in tables.tsv("jurisdiction.tsv"):
        add(r["form"], "jurisdiction")
    for r in tables.tsv("person_cues.tsv"):
        add(r["cue"], "cue")
    patterns = tuple(sorted(by_pattern))
    kinds = tuple(tuple(sorted(by_pattern[p])) for p in patterns)
    ac = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard)
    return Automaton(ac, patterns, kinds)


def scan(text: str) -> dict[str, list[Hit]]:
    """All (overlapping) pattern hits in ``text``, grouped by kind, in text order."""
    a = automaton()
    out: dict[str, list[Hit]] = {k: [] for k in KINDS}
    for idx, start, end in a.ac.find_matches_as_indexes(text, overlapping=True):
        p = a.patterns[idx]
        for kind in a.kinds[idx]:
            out[kind].append(Hit(start, end, p, kind))
    for hits in out.values():
        hits.sort(key=lambda h: (h.start, -h.end))
    return out

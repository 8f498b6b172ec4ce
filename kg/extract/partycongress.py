"""The national congresses and plenary sessions of the Communist Party of China named
by their short forms: 党的十九大, 二十大精神, 党的十九届五中全会.

Official writing of every province cites them this way (深入学习贯彻党的二十大精神).
Each is an Event under its full name:

* 党的十八大, 中共十九大, 二十大精神 -> 中国共产党第十八次全国代表大会 …; the bare short
  form counts only before a word that follows such a citation (``grammar.tsv`` role
  ``party-congress-follower``: 精神, 报告, 以来 …), where 十大 or 二十大 could be a count
  elsewhere (十大产业);
* 党的十九届五中全会, 十九届四中全会 -> 中国共产党第十九届中央委员会第五次全体会议 …;
  not after a local committee (市委十二届三中全会 is a city's plenary session).

The prefixes are ``grammar.tsv`` role ``party-congress-prefix`` (党的, 中共). A name
the tagger found just there becomes the Event under the full name; one that another
name covers is left to it. This runs after the tagger
(:func:`kg.pipeline.mentions`): none of it is a feature of the tagger.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import cache

from kg.extract import tables
from kg.extract.spans import Cover, in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "names_a_congress", "party_congresses"]

#: What a mention found here carries as its rule name.
RULE = "party-congress"

#: What the full names are made of.
_CONGRESS = "中国共产党第{}次全国代表大会"
_PLENUM = "中国共产党第{}届中央委员会第{}次全体会议"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    num = f"[{tables.numeral_chars()}]{{1,3}}"
    prefix = "|".join(map(re.escape, tables.grammar("party-congress-prefix")))
    follower = "|".join(map(re.escape, tables.grammar("party-congress-follower")))
    congress = re.compile(
        rf"(?:(?P<prefix>{prefix})(?P<n>{num})大|(?<![{tables.numeral_chars()}])"
        rf"(?P<bare>{num})大(?={follower}))"
    )
    plenum = re.compile(rf"(?P<prefix>{prefix})?(?P<term>{num})届(?P<n>{num})中全会")
    return congress, plenum


def names_a_congress(name: str) -> bool:
    """Whether ``name`` is a short form of a Party congress or plenary session opening
    with its prefix (党的二十大, 党的十九届五中全会).

    >>> names_a_congress("党的二十大"), names_a_congress("党的建设")
    (True, False)
    """
    return any(p.fullmatch(name) for p in _patterns())


def party_congresses(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` and an Event for each short form of a Party congress or plenary
    session that no other name covers; a name found just there takes the full name.

    >>> t = "深入学习贯彻党的二十大精神和十九届五中全会精神,十大产业,市委十二届三中全会"
    >>> [(m.surface, m.canonical) for m in party_congresses(t, [], 0.5)]
    [('党的二十大', '中国共产党第二十次全国代表大会'), ('十九届五中全会', '中国共产党第十九届中央委员会第五次全体会议')]
    """
    congress, plenum = _patterns()
    found: list[tuple[int, int, str]] = []
    for m in congress.finditer(text):
        n = m.group("n") or m.group("bare")
        if len(n) < 2:  # 十大, 九大: counts as often as congresses
            continue
        found.append((m.start(), m.end(), _CONGRESS.format(n)))
    for m in plenum.finditer(text):
        if m.group("prefix") is None and m.start() > 0 and text[m.start() - 1] == "委":
            continue  # 市委十二届三中全会: a local committee's plenary session
        found.append((m.start(), m.end(), _PLENUM.format(m.group("term"), m.group("n"))))
    if not found:
        return list(mentions)
    named = {(s, e): name for s, e, name in found}
    out = [  # the tagger's 党的二十大 takes the full name
        dataclasses.replace(m, type=EntityType.EVENT, canonical=named[k])
        if (k := (m.span.start, m.span.end)) in named
        else m
        for m in mentions
    ]
    taken = Cover((m.span.start, m.span.end) for m in mentions)
    added = [
        Mention(Span(s, e), text[s:e], EntityType.EVENT, RULE, name, None, confidence)
        for s, e, name in found
        if not taken.overlaps(s, e)
    ]
    return in_text_order([*out, *added])

"""What a document is about: its provinces and its own jurisdiction.

Short place names, level-only body names (省委, 市政府) and 我市/我区 are read
against this context. It is computed from the publisher (metadata) and from the
unambiguous place names in the text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.extract import tables


@dataclass(frozen=True, slots=True)
class Context:
    """Province weights and the document's own place at each level."""

    provinces: Counter[str] = field(default_factory=Counter)
    home: dict[str, str] = field(default_factory=dict)  # level -> division code

    def in_context(self, code: str) -> bool:
        return self.provinces.get(code[:2] + "0000", 0) > 0

    def level_name(self, level: str) -> str | None:
        code = self.home.get(level)
        return tables.divisions()[code].name if code else None


#: Province-level cities: their province is their city.
_MUNICIPALITIES = frozenset(["11", "12", "31", "50"])


def _home_from(code: str) -> dict[str, str]:
    divs = tables.divisions()
    home: dict[str, str] = {}
    d = divs[code]
    home[d.level] = code
    if d.level == "county" and d.name.endswith("市"):
        home["city"] = code  # a county-level city is the 市 of its own documents
    for a in tables.ancestors(code):
        home.setdefault(divs[a].level, a)
    if code[:2] in _MUNICIPALITIES:
        home.setdefault("city", code[:2] + "0000")
    return home


def build(publisher_codes: list[str], place_counts: Counter[str]) -> Context:
    """Context from the publisher's places (most specific first) and place counts.

    ``place_counts`` counts confident place mentions by division code.
    """
    divs = tables.divisions()
    provinces: Counter[str] = Counter()
    for code, n in place_counts.items():
        provinces[code[:2] + "0000"] += n
    for code in publisher_codes:
        provinces[code[:2] + "0000"] += 5
    rank = {"county": 2, "city": 1, "province": 0}
    if publisher_codes:
        best = max(publisher_codes, key=lambda c: (rank[divs[c].level], c))
        return Context(provinces, _home_from(best))
    if not place_counts:
        return Context(provinces, {})
    top_prov = max(provinces.items(), key=lambda kv: (kv[1], kv[0]))[0]
    local = {
        c: n
        for c, n in place_counts.items()
        if c[:2] == top_prov[:2] and divs[c].level != "province"
    }
    if not local:
        home = {"province": top_prov}
        if top_prov[:2] in _MUNICIPALITIES:
            home["city"] = top_prov
        return Context(provinces, home)
    best = max(local.items(), key=lambda kv: (kv[1], -rank[divs[kv[0]].level], kv[0]))[0]
    return Context(provinces, _home_from(best))

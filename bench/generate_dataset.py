"""Write a seeded, realistic national data set in the bulk format of DESIGN §8 (JSON Lines).

    .venv/bin/python bench/generate_dataset.py --out bench/data/national.jsonl
    .venv/bin/python bench/generate_dataset.py --landsdeel oost --out bench/data/oost.jsonl
    .venv/bin/python bench/generate_dataset.py --scarce --out bench/data/scarce.jsonl

Organisations cluster around ~60 real Dutch cities (weighted by population), with a rural
share spread wider. Schools follow the real mix (mostly primary schools, fewer vo/mbo/hbo);
requests and offers draw levels, subjects and kinds that fit the organisation. Besides the keys
shown in §8 the file carries the optional rule fields `crebo` (internships), `vog_date` (offer)
and `vog_required` (request); a loader that ignores them gets the §8 semantics ("fields left out
impose nothing").

The same seed always gives the same file, so benchmark figures are comparable between runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from taxonomy.regions import LANDSDEEL_OF_PROVINCE, PROVINCES_BY_LANDSDEEL  # noqa: E402

# The regions themselves are the app's (taxonomy.regions), as plain strings for the JSON file.
LANDSDELEN: dict[str, tuple[str, ...]] = {
    str(ld): tuple(str(p) for p in ps) for ld, ps in PROVINCES_BY_LANDSDEEL.items()
}

# (name, lat, lon, province, population in thousands)
CITIES: tuple[tuple[str, float, float, str, int], ...] = (
    ("Groningen", 53.219, 6.567, "groningen", 235),
    ("Delfzijl", 53.330, 6.918, "groningen", 25),
    ("Veendam", 53.106, 6.879, "groningen", 28),
    ("Leeuwarden", 53.201, 5.799, "fryslan", 125),
    ("Drachten", 53.107, 6.099, "fryslan", 45),
    ("Sneek", 53.033, 5.659, "fryslan", 34),
    ("Heerenveen", 52.960, 5.920, "fryslan", 50),
    ("Assen", 52.993, 6.562, "drenthe", 68),
    ("Emmen", 52.785, 6.897, "drenthe", 107),
    ("Hoogeveen", 52.722, 6.476, "drenthe", 56),
    ("Meppel", 52.696, 6.194, "drenthe", 34),
    ("Amsterdam", 52.370, 4.895, "noord-holland", 920),
    ("Haarlem", 52.381, 4.637, "noord-holland", 165),
    ("Zaandam", 52.439, 4.826, "noord-holland", 160),
    ("Alkmaar", 52.632, 4.749, "noord-holland", 110),
    ("Hilversum", 52.223, 5.176, "noord-holland", 92),
    ("Den Helder", 52.959, 4.760, "noord-holland", 56),
    ("Hoorn", 52.643, 5.060, "noord-holland", 74),
    ("Utrecht", 52.091, 5.122, "utrecht", 370),
    ("Amersfoort", 52.156, 5.387, "utrecht", 160),
    ("Zeist", 52.090, 5.233, "utrecht", 66),
    ("Nieuwegein", 52.029, 5.081, "utrecht", 64),
    ("Almere", 52.370, 5.214, "flevoland", 220),
    ("Lelystad", 52.518, 5.471, "flevoland", 80),
    ("Emmeloord", 52.711, 5.749, "flevoland", 27),
    ("Arnhem", 51.985, 5.899, "gelderland", 165),
    ("Nijmegen", 51.842, 5.853, "gelderland", 180),
    ("Apeldoorn", 52.211, 5.970, "gelderland", 165),
    ("Ede", 52.040, 5.665, "gelderland", 120),
    ("Doetinchem", 51.965, 6.289, "gelderland", 58),
    ("Zutphen", 52.138, 6.201, "gelderland", 48),
    ("Harderwijk", 52.342, 5.620, "gelderland", 48),
    ("Tiel", 51.887, 5.429, "gelderland", 42),
    ("Enschede", 52.221, 6.894, "overijssel", 160),
    ("Zwolle", 52.517, 6.083, "overijssel", 130),
    ("Deventer", 52.255, 6.164, "overijssel", 101),
    ("Hengelo", 52.266, 6.793, "overijssel", 81),
    ("Almelo", 52.357, 6.662, "overijssel", 73),
    ("Kampen", 52.555, 5.911, "overijssel", 54),
    ("Eindhoven", 51.441, 5.470, "noord-brabant", 240),
    ("Tilburg", 51.556, 5.091, "noord-brabant", 225),
    ("Breda", 51.589, 4.776, "noord-brabant", 185),
    ("'s-Hertogenbosch", 51.697, 5.304, "noord-brabant", 158),
    ("Helmond", 51.480, 5.656, "noord-brabant", 93),
    ("Roosendaal", 51.531, 4.462, "noord-brabant", 77),
    ("Oss", 51.765, 5.518, "noord-brabant", 93),
    ("Maastricht", 50.851, 5.691, "limburg", 122),
    ("Venlo", 51.370, 6.172, "limburg", 102),
    ("Heerlen", 50.888, 5.980, "limburg", 87),
    ("Sittard", 51.000, 5.869, "limburg", 92),
    ("Roermond", 51.194, 5.987, "limburg", 59),
    ("Rotterdam", 51.924, 4.478, "zuid-holland", 660),
    ("Den Haag", 52.070, 4.300, "zuid-holland", 560),
    ("Leiden", 52.160, 4.497, "zuid-holland", 125),
    ("Dordrecht", 51.813, 4.690, "zuid-holland", 120),
    ("Zoetermeer", 52.060, 4.494, "zuid-holland", 126),
    ("Delft", 52.012, 4.357, "zuid-holland", 104),
    ("Gouda", 52.017, 4.708, "zuid-holland", 74),
    ("Alphen aan den Rijn", 52.129, 4.657, "zuid-holland", 113),
    ("Middelburg", 51.499, 3.614, "zeeland", 49),
    ("Vlissingen", 51.443, 3.573, "zeeland", 45),
    ("Goes", 51.504, 3.889, "zeeland", 38),
    ("Terneuzen", 51.336, 3.828, "zeeland", 54),
)

SUBJECTS: tuple[str, ...] = (
    "wetenschap-technologie",
    "natuurkunde",
    "scheikunde",
    "biologie",
    "wiskunde",
    "ict",
    "onderzoeken-ontwerpen",
    "bouw",
    "installatie",
    "elektrotechniek",
    "metaal-mechatronica",
    "procestechniek",
    "maritiem-logistiek",
    "energie",
    "zorgtechniek",
    "agri-food",
    "creatieve-techniek",
)
SCHOOL_SUBJECTS = SUBJECTS[:7]  # what teachers ask for
SECTOR_SUBJECTS = SUBJECTS[5:]  # what companies do

VO_LEVELS = ("vmbo-b", "vmbo-k", "vmbo-g", "vmbo-t", "havo", "vwo")
MBO_LEVELS = ("mbo-1", "mbo-2", "mbo-3", "mbo-4")

# School types: (share, levels the school has, requests per school (mean), kind weights)
SCHOOL_TYPES: dict[str, tuple[float, tuple[str, ...], float, dict[str, float]]] = {
    "po": (0.80, ("po",), 8.0, {"guest_lesson": 0.62, "company_visit": 0.33, "teacher_internship": 0.05}),
    "vmbo": (
        0.045,
        ("vmbo-b", "vmbo-k", "vmbo-g", "vmbo-t"),
        45.0,
        {"guest_lesson": 0.35, "company_visit": 0.3, "internship": 0.25, "teacher_internship": 0.1},
    ),
    "havo-vwo": (
        0.035,
        ("havo", "vwo"),
        45.0,
        {"guest_lesson": 0.5, "company_visit": 0.35, "teacher_internship": 0.15},
    ),
    "sg": (
        0.06,
        ("vmbo-k", "vmbo-g", "vmbo-t", "havo", "vwo"),
        45.0,
        {"guest_lesson": 0.42, "company_visit": 0.33, "internship": 0.15, "teacher_internship": 0.1},
    ),
    "mbo": (
        0.045,
        MBO_LEVELS,
        38.0,
        {"guest_lesson": 0.2, "company_visit": 0.2, "internship": 0.5, "teacher_internship": 0.1},
    ),
    "hbo": (
        0.015,
        ("hbo", "wo"),
        20.0,
        {"guest_lesson": 0.3, "company_visit": 0.2, "internship": 0.4, "teacher_internship": 0.1},
    ),
}

# A pool of crebo codes (5 digits) for technical mbo qualifications; companies are accredited for a few.
CREBO_POOL: tuple[str, ...] = tuple(str(25000 + 37 * i) for i in range(60))

SCHOOL_YEAR_START = date(2026, 8, 24)
SCHOOL_YEAR_END = date(2027, 7, 16)


_SKEW_CUM = list(itertools.accumulate(1.0 / (1 + i * 0.35) for i in range(len(SUBJECTS))))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _place(
    rng: random.Random, cities: list[tuple[str, float, float, str, int]], cum: list[float]
) -> tuple[float, float, str]:
    """A point near a city: most in town, a quarter in the surrounding villages."""
    _name, lat, lon, province, pop = rng.choices(cities, cum_weights=cum)[0]
    sigma_km = (2.0 + math.sqrt(pop) / 5.0) if rng.random() < 0.75 else 14.0
    dy = rng.gauss(0.0, sigma_km) / 111.2
    dx = rng.gauss(0.0, sigma_km) / (111.2 * math.cos(math.radians(lat)))
    return round(lat + dy, 5), round(lon + dx, 5), province


def _window(
    rng: random.Random, earliest: date, latest_start: date, min_days: int, max_days: int
) -> tuple[date, date]:
    start = earliest + timedelta(days=rng.randrange((latest_start - earliest).days + 1))
    end = min(start + timedelta(days=rng.randint(min_days, max_days)), SCHOOL_YEAR_END)
    return start, end


def _subjects(rng: random.Random, pool: tuple[str, ...], any_share: float, max_n: int) -> list[str]:
    if rng.random() < any_share:
        return []
    # Skewed popularity: earlier entries in the pool are asked for more often.
    cum = _SKEW_CUM[: len(pool)]
    return sorted({rng.choices(pool, cum_weights=cum)[0] for _ in range(rng.randint(1, max_n))})


def _offer_subjects(rng: random.Random, kind: str, sectors: list[str]) -> list[str]:
    """Internships name the company's sectors; lessons and visits also the school subjects they serve."""
    if rng.random() < 0.12:
        return []
    picked = set(rng.sample(sectors, rng.randint(1, len(sectors))))
    if kind != "internship":
        picked = set(rng.sample(sorted(picked), 1)) | set(_subjects(rng, SCHOOL_SUBJECTS, 0.0, 2))
    return sorted(picked)


def _offer_levels(rng: random.Random, kind: str) -> list[str]:
    if kind == "internship":
        group = rng.choices(("vmbo", "mbo", "hbo"), weights=(0.2, 0.65, 0.15))[0]
    else:
        group = rng.choices(("po", "vo", "mbo", "hbo"), weights=(0.2, 0.5, 0.18, 0.12))[0]
    if group == "po":
        return ["po"]
    if group == "hbo":
        return ["hbo"] if rng.random() < 0.7 else ["hbo", "wo"]
    levels = {"vmbo": VO_LEVELS[:4], "vo": VO_LEVELS, "mbo": MBO_LEVELS}[group]
    span = rng.randint(1, min(3, len(levels)))
    first = rng.randrange(len(levels) - span + 1)
    return list(levels[first : first + span])


def generate(
    *,
    schools: int,
    companies: int,
    requests: int,
    offers: int,
    seed: int,
    scarce: bool = False,
    landsdeel: str | None = None,
) -> list[dict[str, object]]:
    rng = random.Random(seed)
    cities = [c for c in CITIES if landsdeel is None or LANDSDEEL_OF_PROVINCE[c[3]] == landsdeel]
    if landsdeel is not None:
        # A region gets its share of the national numbers (by population), not the full national set.
        share = sum(c[4] for c in cities) / sum(c[4] for c in CITIES)
        schools, companies = max(1, round(schools * share)), max(1, round(companies * share))
        requests, offers = max(1, round(requests * share)), max(1, round(offers * share))
    if scarce:
        offers = max(1, offers // 10)
    city_cum = list(itertools.accumulate(c[4] for c in cities))

    lines: list[dict[str, object]] = []
    school_rows: list[tuple[str, str, tuple[str, ...], float]] = []
    types = list(SCHOOL_TYPES)
    for i in range(schools):
        stype = rng.choices(types, weights=[SCHOOL_TYPES[t][0] for t in types])[0]
        lat, lon, province = _place(rng, cities, city_cum)
        levels = SCHOOL_TYPES[stype][1]
        sid = f"S{i + 1}"
        lines.append(
            {
                "type": "organisation",
                "id": sid,
                "kind": "school",
                "name": f"{stype.upper()} school {i + 1}",
                "lat": lat,
                "lon": lon,
                "province": province,
                "levels": list(levels),
            }
        )
        school_rows.append((sid, stype, levels, SCHOOL_TYPES[stype][2] * rng.uniform(0.3, 1.7)))

    company_rows: list[tuple[str, list[str], list[str]]] = []
    for i in range(companies):
        lat, lon, province = _place(rng, cities, city_cum)
        sectors = _subjects(rng, SECTOR_SUBJECTS, 0.0, 3)
        cid = f"C{i + 1}"
        crebo = rng.sample(CREBO_POOL, rng.randint(1, 4))
        lines.append(
            {
                "type": "organisation",
                "id": cid,
                "kind": "company",
                "name": f"Bedrijf {i + 1} BV",
                "lat": lat,
                "lon": lon,
                "province": province,
                "subjects": sectors,
            }
        )
        company_rows.append((cid, sectors, crebo))

    offer_kinds = {"guest_lesson": 0.4, "company_visit": 0.3, "internship": 0.25, "teacher_internship": 0.05}
    for i in range(offers):
        cid, sectors, crebo = rng.choice(company_rows)
        kind = _weighted(rng, offer_kinds)
        start, end = _window(rng, date(2026, 8, 17), date(2027, 3, 1), 45, 240)
        capacity = min(12, 1 + int(rng.expovariate(1 / (1.2 if kind == "internship" else 2.2))))
        offer: dict[str, object] = {
            "type": "offer",
            "id": f"O{i + 1}",
            "organisation": cid,
            "kind": kind,
            "levels": _offer_levels(rng, kind),
            "subjects": _offer_subjects(rng, kind, sectors),
            "capacity": capacity,
            "max_travel_km": None if rng.random() < 0.25 else rng.choice((10, 15, 20, 25, 30, 40, 50)),
            "online": kind == "guest_lesson" and rng.random() < 0.12,
            "available_from": start.isoformat(),
            "available_until": end.isoformat(),
        }
        if kind == "internship" and rng.random() < 0.8:
            offer["crebo"] = crebo
        if kind in ("guest_lesson", "company_visit") and rng.random() < 0.35:
            offer["vog_date"] = (date(2023, 1, 1) + timedelta(days=rng.randrange(1310))).isoformat()
        lines.append(offer)

    school_cum = list(itertools.accumulate(r[3] for r in school_rows))
    for i in range(requests):
        sid, stype, levels, _ = rng.choices(school_rows, cum_weights=school_cum)[0]
        kinds = SCHOOL_TYPES[stype][3]
        kind = _weighted(rng, kinds)
        if kind == "internship":
            levels = tuple(lv for lv in levels if lv != "po") or levels
        wanted = sorted(rng.sample(levels, min(len(levels), 1 if rng.random() < 0.7 else 2)))
        start, end = _window(rng, date(2026, 9, 1), date(2027, 5, 1), 30, 180)
        request: dict[str, object] = {
            "type": "request",
            "id": f"R{i + 1}",
            "organisation": sid,
            "kind": kind,
            "levels": wanted,
            "subjects": _subjects(rng, SCHOOL_SUBJECTS if kind != "internship" else SECTOR_SUBJECTS, 0.15, 3),
            "slots": rng.choices((1, 2, 3, 4, 5), weights=(0.6, 0.25, 0.08, 0.04, 0.03))[0],
            "max_travel_km": None if rng.random() < 0.3 else rng.choice((10, 15, 20, 25, 30, 40)),
            "online_ok": kind == "guest_lesson" and rng.random() < 0.4,
            "wanted_from": start.isoformat(),
            "wanted_until": end.isoformat(),
        }
        if kind == "internship" and stype == "mbo" and rng.random() < 0.7:
            request["crebo"] = rng.sample(CREBO_POOL, rng.randint(1, 2))
        if kind in ("guest_lesson", "company_visit") and stype == "po" and rng.random() < 0.3:
            request["vog_required"] = True
        lines.append(request)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=7000)
    parser.add_argument("--companies", type=int, default=30000)
    parser.add_argument("--requests", type=int, default=100000)
    parser.add_argument("--offers", type=int, default=250000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scarce", action="store_true", help="only a tenth of the offers")
    parser.add_argument("--landsdeel", choices=sorted(LANDSDELEN), help="only this region")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    lines = generate(
        schools=args.schools,
        companies=args.companies,
        requests=args.requests,
        offers=args.offers,
        seed=args.seed,
        scarce=args.scarce,
        landsdeel=args.landsdeel,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    counts: dict[str, int] = {}
    for line in lines:
        counts[str(line["type"])] = counts.get(str(line["type"]), 0) + 1
    print(f"wrote {args.out}: " + ", ".join(f"{n} {t}s" for t, n in sorted(counts.items())))


if __name__ == "__main__":
    main()

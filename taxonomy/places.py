"""The gazetteer of Dutch places (DESIGN §2): lookup, autocomplete and distances.

Data: ``taxonomy/data/places.csv`` (GeoNames, CC BY 4.0; see ``taxonomy/data/README.md``),
read lazily on first use and cached for the life of the process.

Place keys
----------
``Place.key`` is ``"<slug of the name>|<province slug>"``, e.g. ``"den-haag|zuid-holland"``,
``"s-hertogenbosch|noord-brabant"``, ``"nes-ameland|fryslan"``.  Names are unique within a
province, so the key is unique; it only changes when a place is renamed or moves province,
which makes it the value to store when a model refers to a gazetteer place
(``place_by_key`` turns it back into a ``Place``).

Matching
--------
Names are compared case-, accent- and punctuation-insensitively: "'s-Gravenhage",
"s gravenhage" and "S-GRAVENHAGE" are the same; "Fryslân" equals "Fryslan".  A few common
alternative names (``ALIASES``) resolve to the gazetteer's name: "'s-Gravenhage" and "The
Hague" to Den Haag, "Den Bosch" to 's-Hertogenbosch, "Almere Stad" to Almere, ...
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from taxonomy.regions import Province, landsdeel_of

DATA_FILE = Path(__file__).resolve().parent / "data" / "places.csv"

EARTH_RADIUS_KM = 6371.0

PROVINCE_SLUGS: frozenset[str] = frozenset(str(p.value) for p in Province)

# Alternative names -> (gazetteer name, province slug).
ALIASES: dict[str, tuple[str, str]] = {
    "'s-Gravenhage": ("Den Haag", "zuid-holland"),
    "s-Gravenhage": ("Den Haag", "zuid-holland"),
    "Gravenhage": ("Den Haag", "zuid-holland"),
    "The Hague": ("Den Haag", "zuid-holland"),
    "Den Bosch": ("'s-Hertogenbosch", "noord-brabant"),
    "Hertogenbosch": ("'s-Hertogenbosch", "noord-brabant"),
    "Almere Stad": ("Almere", "flevoland"),
    "Almere-Stad": ("Almere", "flevoland"),
    "Noordwijk": ("Noordwijk-Binnen", "zuid-holland"),
    "Bergeyk": ("Bergeijk", "noord-brabant"),
    "Heerenberg": ("'s-Heerenberg", "gelderland"),
}

# Province names people type (Dutch, English, Frisian) -> slug; slugs map to themselves.
_PROVINCE_NAMES: dict[str, str] = {
    "friesland": "fryslan",
    "frisia": "fryslan",
    "north holland": "noord-holland",
    "south holland": "zuid-holland",
    "north brabant": "noord-brabant",
    "brabant": "noord-brabant",
}


def normalize(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: "'s-Gravenhage" -> "s gravenhage"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold()
    folded = re.sub(r"['’‘`´]", "", folded)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _slug(text: str) -> str:
    return normalize(text).replace(" ", "-")


def _base_name(name: str) -> str:
    """ "Nes (Ameland)" -> "Nes": disambiguated names also answer to their plain name."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)


def normalize_province(province: str) -> str | None:
    """A province slug from a slug or a name ("Fryslân", "North Holland", ...); None if unknown."""
    key = normalize(province)
    slug = key.replace(" ", "-")
    if slug in PROVINCE_SLUGS:
        return slug
    return _PROVINCE_NAMES.get(key)


@dataclass(frozen=True)
class Place:
    name: str
    municipality: str
    province: str
    lat: float
    lon: float

    @property
    def key(self) -> str:
        """Stable identifier ``"<name slug>|<province slug>"``; see the module docstring."""
        return f"{_slug(self.name)}|{self.province}"

    @property
    def landsdeel(self) -> str:
        """The Techniekpact landsdeel of the place's province."""
        return landsdeel_of(self.province)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class _Gazetteer:
    places: tuple[Place, ...]
    by_key: dict[str, Place]
    by_name: dict[str, tuple[Place, ...]]  # normalized name / base name / alias -> places
    aliases_of: dict[Place, tuple[str, ...]]  # normalized aliases per place


def _read_places(path: Path) -> list[Place]:
    with path.open(encoding="utf-8", newline="") as fh:
        places = [
            Place(
                name=row["name"],
                municipality=row["municipality"],
                province=row["province"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in csv.DictReader(fh)
        ]
    for place in places:
        if place.province not in PROVINCE_SLUGS:
            raise ValueError(f"{path}: unknown province {place.province!r} for {place.name!r}")
    return places


@cache
def _gazetteer() -> _Gazetteer:
    places = sorted(_read_places(DATA_FILE), key=lambda p: (normalize(p.name), p.province))
    by_key: dict[str, Place] = {}
    by_name: dict[str, list[Place]] = {}
    for place in places:
        if place.key in by_key:
            raise ValueError(f"{DATA_FILE}: duplicate place key {place.key!r}")
        by_key[place.key] = place
        for variant in {normalize(place.name), normalize(_base_name(place.name))}:
            by_name.setdefault(variant, []).append(place)

    aliases_of: dict[Place, list[str]] = {}
    for alias, (name, province) in ALIASES.items():
        target = by_key.get(f"{_slug(name)}|{province}")
        if target is None:  # keep working if the data is rebuilt without that place
            continue
        normalized = normalize(alias)
        entries = by_name.setdefault(normalized, [])
        if target not in entries:
            entries.append(target)
        aliases_of.setdefault(target, [])
        if normalized not in aliases_of[target]:
            aliases_of[target].append(normalized)

    return _Gazetteer(
        places=tuple(places),
        by_key=by_key,
        by_name={k: tuple(v) for k, v in by_name.items()},
        aliases_of={k: tuple(v) for k, v in aliases_of.items()},
    )


def all_places() -> list[Place]:
    """Every place, sorted by name (accent/case-insensitively), then province."""
    return list(_gazetteer().places)


def places_in_province(province: str) -> list[Place]:
    slug = normalize_province(province)
    return [p for p in _gazetteer().places if p.province == slug]


def place_by_key(key: str) -> Place | None:
    return _gazetteer().by_key.get(key)


def get_place(name: str, province: str | None = None) -> Place | None:
    """The place called ``name`` (or one of its aliases), optionally within ``province``.

    Case- and accent-insensitive.  Returns None when no place matches, and when several
    do (e.g. "Hengelo" without a province; "Nes" even within Fryslân).
    """
    candidates = _gazetteer().by_name.get(normalize(name), ())
    if province is not None:
        slug = normalize_province(province)
        candidates = tuple(p for p in candidates if p.province == slug)
    if len(candidates) != 1:
        return None
    return candidates[0]


def search_places(prefix: str, limit: int = 10) -> list[Place]:
    """Autocomplete: places whose name matches ``prefix``, best first.

    Order: names starting with the query, then aliases starting with it ("den b" ->
    's-Hertogenbosch), then names with a word starting with it ("haag" -> Den Haag), then
    names or aliases containing it anywhere; alphabetical within each group.  Matching
    ignores case, accents and punctuation ("s-herto", "'s Herto" and "sherto" all find
    's-Hertogenbosch).
    """
    query = normalize(prefix)
    if not query or limit <= 0:
        return []
    compact_query = query.replace(" ", "")
    gazetteer = _gazetteer()
    ranked: list[tuple[int, str, str, Place]] = []
    for place in gazetteer.places:
        name = normalize(place.name)
        aliases = gazetteer.aliases_of.get(place, ())
        rank = _match_rank(query, compact_query, name, aliases)
        if rank is not None:
            ranked.append((rank, name, place.province, place))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]


def _match_rank(query: str, compact_query: str, name: str, aliases: tuple[str, ...]) -> int | None:
    compact_name = name.replace(" ", "")
    if name.startswith(query) or compact_name.startswith(compact_query):
        return 0
    if any(a.startswith(query) or a.replace(" ", "").startswith(compact_query) for a in aliases):
        return 1
    if f" {query}" in f" {name}":
        return 2
    if query in name or any(query in a for a in aliases):
        return 3
    return None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points (R = 6371.0 km)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest_place(lat: float, lon: float) -> Place:
    """The gazetteer place closest to the point (ties: the first in name order)."""
    return min(_gazetteer().places, key=lambda p: haversine_km(lat, lon, p.lat, p.lon))


def province_of_point(lat: float, lon: float) -> str:
    """The province slug of the nearest place: an approximation near province borders."""
    return nearest_place(lat, lon).province

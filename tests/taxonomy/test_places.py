"""Tests for the gazetteer (taxonomy/places.py and taxonomy/data/places.csv)."""

from __future__ import annotations

import csv
import importlib.util
import math
import sys
from pathlib import Path

import pytest

from taxonomy import places
from taxonomy.places import (
    EARTH_RADIUS_KM,
    PROVINCE_SLUGS,
    Place,
    all_places,
    get_place,
    haversine_km,
    nearest_place,
    normalize,
    place_by_key,
    places_in_province,
    province_of_point,
    search_places,
)
from taxonomy.regions import Province


def _build_script():
    """The gazetteer's build script: its list of major cities is the one the data must hold."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "build_gazetteer.py"
    spec = importlib.util.spec_from_file_location("build_gazetteer", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


MAJOR_CITIES = _build_script().MAJOR_CITIES


def _raw_rows() -> list[dict[str, str]]:
    with places.DATA_FILE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- the data file ---------------------------------------------------------------------------


def test_csv_columns_and_size():
    rows = _raw_rows()
    assert list(rows[0]) == ["name", "municipality", "province", "lat", "lon"]
    assert 650 <= len(rows) <= 720


def test_every_row_has_a_valid_province_slug_and_dutch_coordinates():
    assert {str(p.value) for p in Province} == PROVINCE_SLUGS
    for row in _raw_rows():
        assert row["province"] in PROVINCE_SLUGS, row
        assert row["name"].strip() == row["name"] and row["name"], row
        assert row["municipality"].strip(), row
        lat, lon = float(row["lat"]), float(row["lon"])
        assert 50.7 <= lat <= 53.6 and 3.3 <= lon <= 7.3, row
        for value in (row["lat"], row["lon"]):
            assert 4 <= len(value.split(".")[1]) <= 5, row


def test_names_are_unique_within_a_province():
    seen: set[tuple[str, str]] = set()
    for row in _raw_rows():
        key = (normalize(row["name"]), row["province"])
        assert key not in seen, row
        seen.add(key)


def test_every_province_has_places():
    for province in PROVINCE_SLUGS:
        assert places_in_province(province), province
    assert len(places_in_province("Fryslân")) == len(places_in_province("fryslan")) > 50


@pytest.mark.parametrize(("name", "province"), sorted(MAJOR_CITIES.items()))
def test_major_cities_are_present_in_the_right_province(name, province):
    place = get_place(name, province)
    assert place is not None, name
    assert place.name == name
    if sum(p.name == name for p in all_places()) == 1:  # a name in two provinces (Hengelo) needs one
        assert get_place(name) == place


def test_hengelo_exists_in_overijssel_and_gelderland():
    assert get_place("Hengelo", "overijssel").municipality == "Hengelo"
    assert get_place("Hengelo", "gelderland").municipality == "Bronckhorst"


def test_leerdam_is_in_utrecht_since_2019():
    leerdam = get_place("Leerdam")
    assert leerdam.province == "utrecht"
    assert leerdam.municipality == "Vijfheerenlanden"


# --- the API ---------------------------------------------------------------------------------


def test_all_places_sorted_by_name_and_cached():
    result = all_places()
    keys = [(normalize(p.name), p.province) for p in result]
    assert keys == sorted(keys)
    assert all(isinstance(p, Place) for p in result)
    assert places._gazetteer() is places._gazetteer()
    result.clear()  # a copy: the cache is not affected
    assert all_places()


def test_place_is_frozen_and_key_is_stable():
    place = get_place("Den Haag")
    with pytest.raises(AttributeError):
        place.name = "x"  # type: ignore[misc]
    assert place.key == "den-haag|zuid-holland"
    assert get_place("'s-Hertogenbosch").key == "s-hertogenbosch|noord-brabant"
    assert place_by_key(place.key) is place
    assert place_by_key("nowhere|utrecht") is None
    keys = [p.key for p in all_places()]
    assert len(keys) == len(set(keys))


def test_landsdeel_follows_from_the_province():
    assert get_place("Amsterdam").landsdeel == "noordwest"
    assert get_place("Maastricht").landsdeel == "zuidoost"
    assert get_place("Groningen").landsdeel == "noord"


@pytest.mark.parametrize("name", ["amsterdam", "AMSTERDAM", "  Amsterdam ", "Amsterdam"])
def test_get_place_is_case_insensitive(name):
    assert get_place(name).name == "Amsterdam"


def test_get_place_is_accent_and_punctuation_insensitive():
    assert get_place("Léeuwàrden").name == "Leeuwarden"
    assert get_place("s Hertogenbosch").name == "'s-Hertogenbosch"
    assert get_place("’s-Hertogenbosch").name == "'s-Hertogenbosch"
    assert get_place("Almere", "Flevoland").name == "Almere"
    assert get_place("Leeuwarden", "Fryslân").name == "Leeuwarden"
    assert get_place("Leeuwarden", "Friesland").name == "Leeuwarden"
    assert get_place("Rotterdam", "South Holland").name == "Rotterdam"


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Den Haag", "Den Haag"),
        ("'s-Gravenhage", "Den Haag"),
        ("s-Gravenhage", "Den Haag"),
        ("'S GRAVENHAGE", "Den Haag"),
        ("The Hague", "Den Haag"),
        ("Den Bosch", "'s-Hertogenbosch"),
        ("Almere Stad", "Almere"),
    ],
)
def test_aliases(alias, name):
    place = get_place(alias)
    assert place is not None and place.name == name
    assert get_place(alias, place.province) == place


def test_unknown_and_wrong_province_return_none():
    assert get_place("Atlantis") is None
    assert get_place("") is None
    assert get_place("Amsterdam", "zeeland") is None
    assert get_place("Amsterdam", "no-such-province") is None


def test_ambiguous_name_needs_a_province():
    # Same name in two provinces.
    assert get_place("Hengelo") is None
    assert get_place("Hengelo", "overijssel").province == "overijssel"
    # Two places called Nes in Fryslân: their names carry the municipality.
    assert get_place("Nes") is None
    assert get_place("Nes", "fryslan") is None
    assert get_place("Nes (Ameland)").municipality == "Ameland"
    assert get_place("nes (heerenveen)", "fryslan").municipality == "Heerenveen"


def test_search_prefix_matches_come_first_then_substrings():
    names = [p.name for p in search_places("ams")]
    assert names[:4] == ["Amstelveen", "Amstenrade", "Amsterdam", "Amsterdam-Zuidoost"]
    # Word matches ("... aan de Amstel") before plain substrings ("Haamstede").
    assert names.index("Ouderkerk aan de Amstel") < names.index("Haamstede")
    assert "Zaamslag" in names


def test_search_is_case_accent_and_punctuation_insensitive():
    expected = get_place("'s-Hertogenbosch")
    for query in ["'s-Herto", "s-herto", "S HERTO", "sherto", "’s-hertogenbosch"]:
        assert search_places(query)[0] == expected, query
    assert search_places("leeuwàr")[0].name == "Leeuwarden"


def test_search_finds_aliases_and_words():
    assert search_places("den b")[:2] == [get_place("Den Burg"), get_place("'s-Hertogenbosch")]
    assert search_places("gravenhage")[0].name == "Den Haag"
    assert search_places("haag")[0].name == "Den Haag"
    assert search_places("the hag")[0].name == "Den Haag"


def test_search_exact_name_first_and_limit():
    assert search_places("utrecht")[0].name == "Utrecht"
    assert search_places("groningen")[0].name == "Groningen"
    assert len(search_places("a", limit=5)) == 5
    assert len(search_places("a")) == 10
    assert search_places("a", limit=0) == []
    assert search_places("") == []
    assert search_places("  '- ") == []
    assert search_places("qqqxyz") == []


def test_haversine_amsterdam_utrecht():
    ams, utr = get_place("Amsterdam"), get_place("Utrecht")
    distance = haversine_km(ams.lat, ams.lon, utr.lat, utr.lon)
    # Reference coordinates: Amsterdam 52.3740 N 4.8897 E, Utrecht 52.0908 N 5.1222 E.
    expected = haversine_km(52.3740, 4.8897, 52.0908, 5.1222)
    assert 34.0 <= expected <= 36.5
    assert distance == pytest.approx(expected, abs=0.5)


def test_haversine_groningen_maastricht():
    gro, maa = get_place("Groningen"), get_place("Maastricht")
    distance = haversine_km(gro.lat, gro.lon, maa.lat, maa.lon)
    # Great-circle distance between the city centres is about 270 km (by road it is ~300 km).
    # Reference coordinates: Groningen 53.2192 N 6.5667 E, Maastricht 50.8483 N 5.6889 E.
    expected = haversine_km(53.2192, 6.5667, 50.8483, 5.6889)
    assert 265.0 <= expected <= 275.0
    assert distance == pytest.approx(expected, abs=1.0)


def test_haversine_zero_symmetric_and_radius():
    assert haversine_km(52.1, 5.1, 52.1, 5.1) == 0.0
    a = (51.4416, 5.4697)
    b = (53.2012, 5.7999)
    assert haversine_km(*a, *b) == pytest.approx(haversine_km(*b, *a))
    # One degree of latitude along a meridian is R * pi / 180.
    assert haversine_km(52.0, 5.0, 53.0, 5.0) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180)
    # Antipodes: half the circumference, without a math domain error.
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(EARTH_RADIUS_KM * math.pi)


def test_nearest_place_and_province_of_point():
    ams = get_place("Amsterdam")
    assert nearest_place(ams.lat, ams.lon) == ams
    assert nearest_place(52.3600, 4.8852).name == "Amsterdam"  # Rijksmuseum
    assert nearest_place(51.4416, 5.4697).name == "Eindhoven"
    assert province_of_point(50.8514, 5.6910) == "limburg"  # Maastricht Markt
    assert province_of_point(53.2194, 6.5665) == "groningen"
    assert province_of_point(51.4988, 3.6109) == "zeeland"  # Middelburg
    assert province_of_point(52.5185, 5.4714) == "flevoland"  # Lelystad


def test_every_place_is_its_own_nearest_place_or_very_close():
    for place in all_places()[::25]:
        nearest = nearest_place(place.lat, place.lon)
        assert haversine_km(place.lat, place.lon, nearest.lat, nearest.lon) < 0.5

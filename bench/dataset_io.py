"""Read a DESIGN §8 JSON Lines file into matching-engine inputs (no Django).

Organisations in the file count as verified and offers/requests as open (§8). A request's
``created`` is its line number, so earlier lines win ties. Optional keys: ``crebo`` (offer and
request), ``vog_date`` (offer), ``vog_required`` (request), ``contract_type`` (both),
``max_group_size``/``sbb_number``/``sbb_crebo`` (offer), ``group_size``/``sbb_required`` (request);
left out they impose nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from matching.engine import Offer, Request
from taxonomy.regions import LANDSDEEL_OF_PROVINCE


@dataclass(slots=True)
class Dataset:
    offers: list[Offer]
    requests: list[Request]
    organisations: dict[str, dict[str, object]]


class _Interner:
    """Shares equal frozensets and dates between rows: the national file parses to ~half the memory."""

    def __init__(self) -> None:
        self.sets: dict[frozenset[str], frozenset[str]] = {}
        self.days: dict[str, date] = {}

    def codes(self, values: object) -> frozenset[str]:
        key = frozenset(values or ())  # type: ignore[call-overload]
        return self.sets.setdefault(key, key)

    def day(self, value: object) -> date | None:
        if not value:
            return None
        text = str(value)
        found = self.days.get(text)
        if found is None:
            found = self.days[text] = date.fromisoformat(text)
        return found


def read_dataset(path: str | Path) -> Dataset:
    orgs: dict[str, dict[str, object]] = {}
    offer_rows: list[dict[str, object]] = []
    request_rows: list[dict[str, object]] = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            kind = row["type"]
            if kind == "organisation":
                orgs[row["id"]] = row
            elif kind == "offer":
                offer_rows.append(row)
            elif kind == "request":
                request_rows.append(row)
    intern = _Interner()
    offers = []
    for row in offer_rows:
        org = orgs[row["organisation"]]
        offers.append(
            Offer(
                id=row["id"],
                org_id=row["organisation"],
                kind=row["kind"],
                levels=intern.codes(row.get("levels")),
                subjects=intern.codes(row.get("subjects")),
                capacity_left=int(row.get("capacity", 1)),
                max_travel_km=row.get("max_travel_km"),
                online=bool(row.get("online", False)),
                available_from=intern.day(row["available_from"]),  # type: ignore[arg-type]
                available_until=intern.day(row["available_until"]),  # type: ignore[arg-type]
                lat=float(org["lat"]),
                lon=float(org["lon"]),
                crebo=intern.codes(row.get("crebo")),
                vog_date=intern.day(row.get("vog_date")),
                contract_type=row.get("contract_type") or "",
                landsdeel=LANDSDEEL_OF_PROVINCE.get(str(org.get("province")), ""),
                max_group_size=row.get("max_group_size"),
                sbb_number=row.get("sbb_number") or "",
                sbb_crebo=intern.codes(row.get("sbb_crebo")),
            )
        )
    requests = []
    for n, row in enumerate(request_rows):
        org = orgs[row["organisation"]]
        requests.append(
            Request(
                id=row["id"],
                org_id=row["organisation"],
                kind=row["kind"],
                levels=intern.codes(row.get("levels")),
                subjects=intern.codes(row.get("subjects")),
                slots_left=int(row.get("slots", 1)),
                max_travel_km=row.get("max_travel_km"),
                online_ok=bool(row.get("online_ok", False)),
                wanted_from=intern.day(row["wanted_from"]),  # type: ignore[arg-type]
                wanted_until=intern.day(row["wanted_until"]),  # type: ignore[arg-type]
                lat=float(org["lat"]),
                lon=float(org["lon"]),
                crebo=intern.codes(row.get("crebo")),
                vog_required=bool(row.get("vog_required", False)),
                contract_type=row.get("contract_type") or "",
                landsdeel=LANDSDEEL_OF_PROVINCE.get(str(org.get("province")), ""),
                created=n,
                group_size=row.get("group_size"),
                sbb_required=bool(row.get("sbb_required", False)),
            )
        )
    return Dataset(offers=offers, requests=requests, organisations=orgs)

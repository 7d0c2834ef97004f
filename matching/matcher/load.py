"""Rows → engine items, once: the matcher's loading room (DESIGN §4).

:func:`engine_items` is the one conversion of offer and request rows into the engine's items;
runs, the coordinator's queue and the per-pair rule checks all go through it. Where a listing's
coordinates come from is decided here (today: its organisation's).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import F, Max, Min, Q, QuerySet, TextField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from matching import engine
from matching.models import BlockedPair, Match, Offer, Request
from taxonomy.holidays import school_year_of
from taxonomy.regions import provinces_of

NATIONAL = "national"
ITERATOR_CHUNK = 10000
SQLITE_CHUNK = 10000  # ids per statement where a list cannot go as one array parameter


@dataclass
class Loaded:
    problem: engine.Problem
    offer_ids: dict[str, int]
    request_ids: dict[str, int]
    seconds: float


@lru_cache(maxsize=65536)
def codes(raw: str | None) -> frozenset[str]:
    """A JSON code list as stored, decoded once per distinct value (there are few: combinations of levels)."""
    return frozenset(json.loads(raw)) if raw else frozenset()


# Engine field ← database column, for both sides; code lists are read as text and decoded once each.
_COMMON_COLUMNS = {
    "org_id": "organisation_id",
    "kind": "kind",
    "levels": "levels_text",
    "subjects": "subjects_text",
    "max_travel_km": "max_travel_km",
    "lat": "site_lat",
    "lon": "site_lon",
    "crebo": "crebo_text",
    "contract_type": "contract_type",
    "landsdeel": "organisation__landsdeel",
}
_COLUMNS = {
    Offer: {
        **_COMMON_COLUMNS,
        "online": "online",
        "available_from": "available_from",
        "available_until": "available_until",
        "vog_date": "vog_date",
        "max_group_size": "max_group_size",
        "sbb_number": "sbb_number",
        "sbb_crebo": "sbb_crebo_text",
    },
    Request: {
        **_COMMON_COLUMNS,
        "online_ok": "online_ok",
        "wanted_from": "wanted_from",
        "wanted_until": "wanted_until",
        "vog_required": "vog_required",
        "group_size": "group_size",
        "sbb_required": "sbb_required",
    },
}
_CODE_FIELDS = {
    Offer: ("levels", "subjects", "crebo", "sbb_crebo"),
    Request: ("levels", "subjects", "crebo"),
}
# A listing made for a school location or company site is matched from the location's
# coordinates, any other from its organisation's (DESIGN §1).
_SITE_LAT = Coalesce("location__latitude", "organisation__latitude")
_SITE_LON = Coalesce("location__longitude", "organisation__longitude")


def engine_items(model: type[Offer] | type[Request], rows: QuerySet) -> list:
    """Engine offers or requests for the rows, with what is left of their capacity or slots, and
    whether each is open and its organisation verified."""
    columns = _COLUMNS[model]
    total = "capacity" if model is Offer else "slots"
    code_fields = _CODE_FIELDS[model]
    rows = rows.annotate(**{f"{name}_text": Cast(name, TextField()) for name in code_fields})
    # In id order: the rows' default order (newest first) ties on bulk-loaded rows, and a tie is
    # broken by whichever plan PostgreSQL picks (the location join changed it), so the engine would
    # see the same items in another order and break ties between equal solutions differently.
    rows = rows.annotate(site_lat=_SITE_LAT, site_lon=_SITE_LON).order_by("pk")
    items = []
    # A server-side cursor on PostgreSQL: a national load streams 350,000 rows instead of holding them twice.
    for pk, amount, committed, status, verified_at, *values in rows.values_list(
        "pk", total, "committed", "status", "organisation__verified_at", *columns.values()
    ).iterator(chunk_size=ITERATOR_CHUNK):
        fields = dict(zip(columns, values, strict=True))
        fields.update({name: codes(fields[name]) for name in code_fields}, org_id=str(fields["org_id"]))
        fields.update(is_open=status == "open", verified=verified_at is not None)
        if model is Offer:
            items.append(engine.Offer(id=str(pk), capacity_left=amount - committed, **fields))
        else:
            items.append(engine.Request(id=str(pk), slots_left=amount - committed, created=pk, **fields))
    return items


def pair_items(offer: Offer, request: Request) -> tuple[engine.Offer, engine.Request]:
    """The two engine items of one pair, read fresh from the database."""
    (e_offer,) = engine_items(Offer, Offer.objects.filter(pk=offer.pk))
    (e_request,) = engine_items(Request, Request.objects.filter(pk=request.pk))
    return e_offer, e_request


def reached_schools(school_ids: Iterable[int], today: date) -> set[str]:
    """Schools (as engine org ids) with a proposed, confirmed or completed activity this school
    year: they earn no reach bonus, and their explanation says "not the first activity"."""
    school_ids = set(school_ids)
    if not school_ids:
        return set()
    year_start, year_end = school_year_of(today)
    return {
        str(org)
        for org in Match.objects.filter(status__in=Match.COMMITTING, request__organisation__in=school_ids)
        .filter(Q(activity_date__isnull=True) | Q(activity_date__range=(year_start, year_end)))
        .values_list("request__organisation_id", flat=True)
        .distinct()
    }


def ids_where(column: str, ids: Sequence[int]) -> Iterator[tuple[str, list[Any]]]:
    """``column`` among ``ids`` as SQL and parameters: one array on PostgreSQL (psycopg sends the
    list as it is, where IN lists of 10,000 placeholders cost seconds to compose in a national
    run), chunks of placeholders on SQLite."""
    if connection.vendor == "postgresql":
        yield f"{column} = ANY(%s)", [list(ids)]
        return
    for start in range(0, len(ids), SQLITE_CHUNK):
        chunk = list(ids[start : start + SQLITE_CHUNK])
        yield f"{column} IN ({', '.join(['%s'] * len(chunk))})", chunk


def pair_history(request_pks: Sequence[int]) -> dict[tuple[str, str], set[str]]:
    """Why pairs of these requests must not be proposed: rule codes ``declined``, ``blocked``,
    ``live``, and ``repeat`` for a pair that had any other match (the matcher never proposes a
    pair twice; a coordinator may)."""
    history: dict[tuple[str, str], set[str]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for where, params in ids_where("request_id", request_pks):
            # Table names come from the models; values are parameters.
            cursor.execute(
                f"SELECT offer_id, request_id, status FROM {quote(Match._meta.db_table)} WHERE {where}",  # noqa: S608
                params,
            )
            for o, r, status in cursor.fetchall():
                code = (
                    "declined"
                    if status == Match.Status.DECLINED
                    else "live"
                    if status in Match.LIVE
                    else "repeat"
                )
                history.setdefault((str(o), str(r)), set()).add(code)
            cursor.execute(
                f"SELECT offer_id, request_id FROM {quote(BlockedPair._meta.db_table)} WHERE {where}",  # noqa: S608
                params,
            )
            for o, r in cursor.fetchall():
                history.setdefault((str(o), str(r)), set()).add("blocked")
    return history


def _box(rows: QuerySet, *, start: str, end: str) -> dict:
    return rows.aggregate(
        lat_min=Min(_SITE_LAT),
        lat_max=Max(_SITE_LAT),
        lon_min=Min(_SITE_LON),
        lon_max=Max(_SITE_LON),
        km=Max("max_travel_km"),
        first=Min(start),
        last=Max(end),
    )


def _reach_filter(request_rows: QuerySet[Request]) -> Q:
    """Offers that could reach the region's requests: online ones, and those within the longest
    distance any side allows of the requests' bounding box (DESIGN §4 ``distance``)."""
    box = _box(request_rows, start="wanted_from", end="wanted_until")
    if box["lat_min"] is None:
        return Q(pk__in=[])
    offer_km = Offer.objects.filter(status=Offer.Status.OPEN).aggregate(km=Max("max_travel_km"))["km"]
    reach = max(engine.items.DEFAULT_MAX_TRAVEL_KM, box["km"] or 0, offer_km or 0) + 1
    dlat = reach / 111.0
    dlon = reach / (111.0 * math.cos(math.radians(max(abs(box["lat_min"]), abs(box["lat_max"])))))
    # Listings for a location are kept (a superset): the engine applies the distance exactly.
    return (
        Q(online=True)
        | Q(location__isnull=False)
        | Q(
            organisation__latitude__range=(box["lat_min"] - dlat, box["lat_max"] + dlat),
            organisation__longitude__range=(box["lon_min"] - dlon, box["lon_max"] + dlon),
        )
    )


def _near(rows: QuerySet, model: type[Offer] | type[Request], of: QuerySet) -> QuerySet:
    """`rows` narrowed to those that could pair with any of `of` (the other side): same kind,
    overlapping levels and dates, and within reach (online, or the bounding box of `of` widened
    by the longest distance `of` allows, or allowing more themselves). The engine applies every
    rule exactly afterwards.

    `of` is the handful of changed listings, read in one query; what is left is one lazy filter.
    """
    start, end = (
        ("wanted_from", "wanted_until") if model is Request else ("available_from", "available_until")
    )
    of_start, of_end = (
        ("available_from", "available_until") if model is Request else ("wanted_from", "wanted_until")
    )
    others = list(
        of.annotate(site_lat=_SITE_LAT, site_lon=_SITE_LON).values_list(
            "kind", "levels_mask", "site_lat", "site_lon", "max_travel_km", of_start, of_end
        )
    )
    if not others:
        return rows.none()
    kinds, masks, lats, lons, kms, starts, ends = zip(*others, strict=True)
    levels = 0
    for mask in masks:
        levels |= mask
    # Within this reach of the box, whatever the row allows; a row allowing more may come from
    # further away, so those rows are kept whole (a few: most take the 50 km default).
    reach = max(engine.items.DEFAULT_MAX_TRAVEL_KM, *(km or 0 for km in kms)) + 1
    dlat = reach / 111.0
    dlon = reach / (111.0 * math.cos(math.radians(max(abs(min(lats)), abs(max(lats))))))
    online = Q(online=True) if model is Offer else Q(online_ok=True)
    box = Q(
        organisation__latitude__range=(min(lats) - dlat, max(lats) + dlat),
        organisation__longitude__range=(min(lons) - dlon, max(lons) + dlon),
    )
    return (
        rows.filter(kind__in=set(kinds), **{f"{start}__lte": max(ends), f"{end}__gte": min(starts)})
        .annotate(level_overlap=F("levels_mask").bitand(levels))
        .filter(level_overlap__gt=0)
        .filter(online | box | Q(location__isnull=False) | Q(max_travel_km__gte=reach))
    )


def open_offer_rows() -> QuerySet[Offer]:
    return Offer.objects.filter(
        status=Offer.Status.OPEN, organisation__verified_at__isnull=False, committed__lt=F("capacity")
    )


def open_request_rows() -> QuerySet[Request]:
    return Request.objects.filter(
        status=Request.Status.OPEN, organisation__verified_at__isnull=False, committed__lt=F("slots")
    )


def problem_for(offers: list[engine.Offer], requests: list[engine.Request], *, today: date) -> engine.Problem:
    """The engine problem of these items, with their pair history and the reached schools."""
    history = pair_history([int(r.id) for r in requests])
    reached = reached_schools({int(r.org_id) for r in requests}, today)
    return engine.build_problem(offers, requests, today=today, excluded=history, reached_schools=reached)


def load_problem(
    *,
    landsdeel: str | None = None,
    province: str | None = None,
    today: date | None = None,
    targets: dict[str, list[int]] | None = None,
) -> Loaded:
    """Open offers and requests of verified organisations with free slots, as engine input.

    Only the rule book decides; items whose window has passed are closed by a beat task
    (`listings_close_past`), and the ``dates`` rule refuses them meanwhile.

    A regional run takes the requests of its region and every offer that could reach them
    (online offers reach every region).
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    request_rows = open_request_rows()
    if province:
        request_rows = request_rows.filter(organisation__province=province)
    elif landsdeel and landsdeel != NATIONAL:
        request_rows = request_rows.filter(organisation__province__in=provinces_of(landsdeel))
    offer_rows = open_offer_rows()
    if targets:
        # Incremental: the changed offers with the open requests they could serve, and the changed
        # requests with the open offers that could serve them — hundreds of items, not the region.
        wanted_offers = offer_rows.filter(pk__in=targets.get("offers", []))
        wanted_requests = request_rows.filter(pk__in=targets.get("requests", []))
        offer_pks = set(wanted_offers.values_list("pk", flat=True))
        request_pks = set(wanted_requests.values_list("pk", flat=True))
        if request_pks:
            offer_pks |= set(_near(offer_rows, Offer, wanted_requests).values_list("pk", flat=True))
        if wanted_offers.exists():
            request_pks |= set(_near(request_rows, Request, wanted_offers).values_list("pk", flat=True))
        offer_rows = offer_rows.filter(pk__in=offer_pks)
        request_rows = request_rows.filter(pk__in=request_pks)
    elif province or (landsdeel and landsdeel != NATIONAL):
        offer_rows = offer_rows.filter(_reach_filter(request_rows))
    offers = engine_items(Offer, offer_rows)
    requests = engine_items(Request, request_rows)
    problem = problem_for(offers, requests, today=today)
    return Loaded(
        problem=problem,
        offer_ids={item.id: int(item.id) for item in offers},
        request_ids={item.id: int(item.id) for item in requests},
        seconds=time.perf_counter() - started,
    )

"""The feasibility rules of DESIGN §4, one pair at a time: the reference the fast code is tested against.

Use :func:`is_feasible` to check a single pair (e.g. a coordinator's manual match, or a test),
:func:`violated_rules` to tell *which* rules a pair breaks. Rule 6's "both open, both
organisations verified" is the caller's filter; here rule 6 is only the ``excluded`` set
(declined, blocked, or already live pairs).
"""

from __future__ import annotations

import math
from collections.abc import Container
from datetime import date

from .problem import (
    CREBO_KINDS,
    DEFAULT_MAX_TRAVEL_KM,
    EARTH_RADIUS_KM,
    VOG_VALID_YEARS,
    Offer,
    Request,
    add_years,
)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of radius 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2) - math.radians(lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def distance_limit_km(offer: Offer, request: Request) -> float:
    """The limit a pair's distance must respect: every limit that is set, else 50 km."""
    limits = [x for x in (offer.max_travel_km, request.max_travel_km) if x is not None]
    return min(limits) if limits else DEFAULT_MAX_TRAVEL_KM


def is_online_pair(offer: Offer, request: Request) -> bool:
    """Both sides accept online: rule 4 (distance) does not apply."""
    return bool(offer.online and request.online_ok)


def vog_valid_on(vog_date: date | None, day: date) -> bool:
    """A VOG is valid on ``day`` when issued on or before it and at most three years earlier."""
    return vog_date is not None and vog_date <= day <= add_years(vog_date, VOG_VALID_YEARS)


def violated_rules(
    offer: Offer, request: Request, *, excluded: Container[tuple[str, str]] = frozenset()
) -> list[str]:
    """Names of the DESIGN §4 rules that the pair breaks (empty list = feasible)."""
    broken: list[str] = []
    if offer.kind != request.kind:
        broken.append("1_kind")
    if not (offer.levels & request.levels):
        broken.append("2_levels")
    if offer.subjects and request.subjects and not (offer.subjects & request.subjects):
        broken.append("3_subjects")
    if not is_online_pair(offer, request):
        distance = haversine_km(offer.lat, offer.lon, request.lat, request.lon)
        if distance > distance_limit_km(offer, request):
            broken.append("4_distance")
    if not (offer.available_from <= request.wanted_until and request.wanted_from <= offer.available_until):
        broken.append("5_dates")
    if (offer.id, request.id) in excluded:
        broken.append("6_excluded")
    if offer.kind in CREBO_KINDS and offer.crebo and request.crebo and not (offer.crebo & request.crebo):
        broken.append("7_crebo")
    if request.vog_required and not vog_valid_on(offer.vog_date, request.wanted_from):
        broken.append("8_vog")
    return broken


def is_feasible(
    offer: Offer, request: Request, *, excluded: Container[tuple[str, str]] = frozenset()
) -> bool:
    """True when the pair satisfies all rules of DESIGN §4 (rule 6 = not in ``excluded``)."""
    return not violated_rules(offer, request, excluded=excluded)

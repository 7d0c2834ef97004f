"""Search over offers and requests: free text, distance from a place, and the orderings (issue 19).

Free text on PostgreSQL runs on the `search_vector` column that migration 0008 adds and a
trigger maintains (title A, organisation name B, place C, description D; Dutch configuration).
The user's words go through `websearch_to_tsquery` (quotes, `or`, `-word`), and every lexeme of
the result becomes a prefix (`dron:*`), so "drone" finds "Dronetechniek" and "drones".
Organisation names are also matched by trigram similarity, so a typo in a name still finds it.
On SQLite (the embedded default) each word must occur in one of the four fields (`icontains`).

Distance is the haversine distance from an `Origin` to the listing's organisation, computed in
SQL, so it filters, sorts and paginates in the database on both engines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext as _

from accounts.models import Organisation
from taxonomy import places

MAX_KM = 300.0
MAX_QUERY_CHARS = 200  # longer input is cut: nobody types more, and it bounds the work per query
ORDERINGS = ("relevance", "distance", "date", "newest")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Every quoted lexeme of a tsquery's text form ('dron' & !'x') becomes a prefix ('dron':*).
PREFIX_SQL = (
    "regexp_replace(websearch_to_tsquery('dutch', %s)::text, "
    "'''((?:[^'']|'''')+)''', '''\\1'':*', 'g')::tsquery"
)


@dataclass(frozen=True)
class Origin:
    """Where distances are measured from: a gazetteer place or an organisation."""

    label: str
    lat: float
    lon: float


def search_text_clean(text: str | None) -> str:
    """The user's words without control characters (NUL breaks PostgreSQL text), trimmed."""
    return " ".join(_CONTROL.sub(" ", text or "").split())[:MAX_QUERY_CHARS]


def origin_resolve(near: str | None) -> Origin | None:
    """`near` as typed: a place name from the gazetteer ("Zwolle", "Hengelo, Overijssel"), a
    place key ("zwolle|overijssel") or a verified organisation's id. None when empty;
    ValidationError when nothing is found."""
    near = search_text_clean(near)
    if not near:
        return None
    if near.isdigit():
        org = Organisation.objects.filter(pk=int(near), verified_at__isnull=False).first()
        if org is None:
            raise ValidationError(_("No organisation with this number."), code="unknown_place")
        return Origin(org.name, org.latitude, org.longitude)
    place = places.place_by_key(near) or places.get_place(near)
    if place is None and "," in near:
        name, province = near.rsplit(",", 1)
        place = places.get_place(name.strip(), province.strip() or None)
    if place is None:
        # An ambiguous name ("Hengelo") takes the first place of that exact name.
        wanted = places.normalize(near)
        place = next((p for p in places.search_places(near, 20) if places.normalize(p.name) == wanted), None)
    if place is None:
        raise ValidationError(
            _("We do not know the place “%(place)s”.") % {"place": near}, code="unknown_place"
        )
    return Origin(place.name, place.lat, place.lon)


def within_km_clean(value: object) -> float | None:
    """A distance in km: 0 < km ≤ 300, or None when absent; ValidationError otherwise."""
    if value in (None, ""):
        return None
    try:
        km = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a number of kilometres."), code="invalid") from None
    if not 0 < km <= MAX_KM:
        raise ValidationError(
            _("Choose a distance above 0 and at most %(max)d km.") % {"max": MAX_KM}, code="out_of_range"
        )
    return km


def distance_km_expression(origin: Origin, prefix: str = "organisation__"):
    """The haversine distance (km) from `origin` to the row's organisation, as an SQL expression."""
    lat0, lon0 = Radians(Value(origin.lat)), Radians(Value(origin.lon))
    lat, lon = Radians(F(f"{prefix}latitude")), Radians(F(f"{prefix}longitude"))
    a = Power(Sin((lat - lat0) / 2), 2) + Cos(lat0) * Cos(lat) * Power(Sin((lon - lon0) / 2), 2)
    return Value(2 * places.EARTH_RADIUS_KM) * ASin(Sqrt(a), output_field=FloatField())


def _bounding_box(origin: Origin, km: float, prefix: str) -> Q:
    """A cheap pre-filter: the box around the circle (1° latitude ≈ 111 km; longitude shrinks)."""
    import math

    dlat = km / 111.0 + 0.01
    dlon = km / (111.0 * max(math.cos(math.radians(origin.lat)), 0.1)) + 0.01
    return Q(
        **{
            f"{prefix}latitude__range": (origin.lat - dlat, origin.lat + dlat),
            f"{prefix}longitude__range": (origin.lon - dlon, origin.lon + dlon),
        }
    )


def _text_filter(rows: QuerySet, text: str) -> tuple[QuerySet, bool]:
    """Rows matching the words; True when they carry a `search_rank` to order by."""
    table = rows.model._meta.db_table
    if connection.vendor == "postgresql":
        # Only the table name (ours) is formatted in; the user's words are always parameters.
        hit = RawSQL(  # noqa: S611
            f"({table}.search_vector @@ {PREFIX_SQL} OR {table}.organisation_id IN "  # noqa: S608
            "(SELECT id FROM accounts_organisation WHERE %s <%% name))",
            [text, text],
            output_field=BooleanField(),
        )
        rank = RawSQL(  # noqa: S611
            f"ts_rank_cd({table}.search_vector, {PREFIX_SQL}, 1)", [text], output_field=FloatField()
        )
        return rows.filter(hit).annotate(search_rank=rank), True
    words = [w for w in re.split(r"[\s\"'()&|!:*<>-]+", text) if w][:10]
    for word in words:
        rows = rows.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__place__icontains=word)
        )
    return rows, False


def listings_search(
    rows: QuerySet,
    *,
    text: str = "",
    origin: Origin | None = None,
    within_km: float | None = None,
    ordering: str = "",
) -> QuerySet:
    """`rows` narrowed to the words and the circle, annotated with `distance_km` when there is
    an origin, and ordered: relevance (text), distance (origin), date (soonest first) or newest.
    Without an explicit ordering: relevance with words, else distance with an origin, else newest;
    "keep" leaves the rows' order as it is."""
    text = search_text_clean(text)
    ranked = False
    if text:
        rows, ranked = _text_filter(rows, text)
    if origin is not None:
        rows = rows.annotate(distance_km=distance_km_expression(origin))
        if within_km is not None:
            rows = rows.filter(_bounding_box(origin, within_km, "organisation__"), distance_km__lte=within_km)
    if ordering == "keep":  # the caller has ordered the rows already
        return rows
    if ordering not in ORDERINGS:
        ordering = "relevance" if text else ("distance" if origin else "newest")
    if ordering == "distance" and origin is not None:
        return rows.order_by("distance_km", "id")
    if ordering == "date":
        date_field = "available_from" if rows.model.__name__ == "Offer" else "wanted_from"
        return rows.order_by(date_field, "id")
    if ordering == "relevance" and ranked:
        return rows.order_by("-search_rank", "-published_at", "-id")
    if ordering == "relevance" and origin is not None:
        return rows.order_by("distance_km", "id")
    return rows.order_by("-published_at", "-id")


@dataclass(frozen=True)
class SearchParams:
    text: str = ""
    origin: Origin | None = None
    within_km: float | None = None
    ordering: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.origin)


def search_params_parse(
    *,
    q: str | None,
    near: str | None,
    within_km: object,
    ordering: str | None,
    default_origin: Origin | None = None,
) -> SearchParams:
    """The search part of a query string, checked; ValidationError with a message per field.
    `default_origin` (the viewer's own organisation) measures distances when `near` is absent.
    With an explicit `near` and no ordering, the nearest come first."""
    errors: dict[str, list[str]] = {}
    origin = default_origin
    km = None
    try:
        origin = origin_resolve(near) or default_origin
    except ValidationError as exc:
        errors["near"] = exc.messages
    try:
        km = within_km_clean(within_km)
    except ValidationError as exc:
        errors["within_km"] = exc.messages
    if km is not None and origin is None and "near" not in errors:
        errors["near"] = [_("Choose a place to measure the distance from.")]
    if ordering == "distance" and origin is None and "near" not in errors:
        errors["near"] = [_("Choose a place to sort by distance from.")]
    if errors:
        raise ValidationError(errors)
    if not ordering and origin is not None and origin is not default_origin:
        ordering = "distance"  # "near a place" asks for the nearest first, unless told otherwise
    return SearchParams(search_text_clean(q), origin, km, ordering or "")

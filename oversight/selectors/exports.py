"""Rows for the coordinator CSV exports of requests, offers and matches.

Always scoped to the coordinator's provinces: requests and offers by their organisation's
province, matches when the school's or the company's province is in scope. Rows are read with
values_list and .iterator() so a national export (250,000 offers) streams in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from matching.models import Match, Offer, Request

CHUNK_SIZE = 2000
DATASETS = ("requests", "offers", "matches")


@dataclass(frozen=True)
class ExportFilters:
    provinces: Sequence[str]  # already limited to the coordinator's scope
    kind: str = ""
    status: str = ""
    created_from: date | None = None
    created_until: date | None = None

    def as_data(self) -> dict:
        return {
            "provinces": list(self.provinces),
            "kind": self.kind,
            "status": self.status,
            "created_from": self.created_from.isoformat() if self.created_from else "",
            "created_until": self.created_until.isoformat() if self.created_until else "",
        }


@dataclass(frozen=True)
class Column:
    header: object  # lazy text
    path: str
    is_list: bool = False


def _common(rows: QuerySet, filters: ExportFilters, *, kind_path: str = "kind") -> QuerySet:
    if filters.kind:
        rows = rows.filter(**{kind_path: filters.kind})
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.created_from:
        rows = rows.filter(created_at__date__gte=filters.created_from)
    if filters.created_until:
        rows = rows.filter(created_at__date__lte=filters.created_until)
    return rows


def requests_for_export(filters: ExportFilters) -> QuerySet[Request]:
    rows = Request.objects.filter(organisation__province__in=list(filters.provinces))
    return _common(rows, filters).order_by("pk")


def offers_for_export(filters: ExportFilters) -> QuerySet[Offer]:
    rows = Offer.objects.filter(organisation__province__in=list(filters.provinces))
    return _common(rows, filters).order_by("pk")


def matches_for_export(filters: ExportFilters) -> QuerySet[Match]:
    provinces = list(filters.provinces)
    rows = Match.objects.filter(
        Q(request__organisation__province__in=provinces) | Q(offer__organisation__province__in=provinces)
    )
    return _common(rows, filters, kind_path="offer__kind").order_by("pk")


LISTING_COLUMNS = (
    Column(_("id"), "pk"),
    Column(_("title"), "title"),
    Column(_("kind"), "kind"),
    Column(_("status"), "status"),
    Column(_("organisation"), "organisation__name"),
    Column(_("place"), "organisation__place"),
    Column(_("province"), "organisation__province"),
    Column(_("levels"), "levels", is_list=True),
    Column(_("subjects"), "subjects", is_list=True),
)

DATASET_COLUMNS: dict[str, tuple[Column, ...]] = {
    "requests": (
        *LISTING_COLUMNS,
        Column(_("BRIN code"), "organisation__brin"),
        Column(_("slots wanted"), "slots"),
        Column(_("slots committed"), "committed"),
        Column(_("online is fine"), "online_ok"),
        Column(_("max travel km"), "max_travel_km"),
        Column(_("wanted from"), "wanted_from"),
        Column(_("wanted until"), "wanted_until"),
        Column(_("created"), "created_at"),
        Column(_("published"), "published_at"),
    ),
    "offers": (
        *LISTING_COLUMNS,
        Column(_("KvK number"), "organisation__kvk"),
        Column(_("capacity"), "capacity"),
        Column(_("slots committed"), "committed"),
        Column(_("online possible"), "online"),
        Column(_("max travel km"), "max_travel_km"),
        Column(_("available from"), "available_from"),
        Column(_("available until"), "available_until"),
        Column(_("created"), "created_at"),
        Column(_("published"), "published_at"),
    ),
    "matches": (
        Column(_("id"), "pk"),
        Column(_("school"), "request__organisation__name"),
        Column(_("BRIN code"), "request__organisation__brin"),
        Column(_("school province"), "request__organisation__province"),
        Column(_("company"), "offer__organisation__name"),
        Column(_("KvK number"), "offer__organisation__kvk"),
        Column(_("company province"), "offer__organisation__province"),
        Column(_("kind"), "offer__kind"),
        Column(_("request"), "request__title"),
        Column(_("offer"), "offer__title"),
        Column(_("status"), "status"),
        Column(_("source"), "source"),
        Column(_("slots"), "slots"),
        Column(_("activity date"), "activity_date"),
        Column(_("score"), "score"),
        Column(_("created"), "created_at"),
        Column(_("confirmed"), "confirmed_at"),
    ),
}

QUERIES = {"requests": requests_for_export, "offers": offers_for_export, "matches": matches_for_export}


def export_queryset(dataset: str, filters: ExportFilters) -> QuerySet:
    return QUERIES[dataset](filters)


def export_header(dataset: str) -> list[str]:
    return [str(column.header) for column in DATASET_COLUMNS[dataset]]


def export_rows(dataset: str, filters: ExportFilters) -> Iterator[list[object]]:
    """The export's rows, streamed from the database in chunks; lists become "a|b" text."""
    columns = DATASET_COLUMNS[dataset]
    list_positions = [i for i, column in enumerate(columns) if column.is_list]
    rows = export_queryset(dataset, filters).values_list(*(column.path for column in columns))
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        values = list(row)
        for i in list_positions:
            values[i] = "|".join(values[i] or [])
        yield values


def export_counts(filters: ExportFilters) -> dict[str, int]:
    return {dataset: export_queryset(dataset, filters).count() for dataset in DATASETS}

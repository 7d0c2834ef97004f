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
from oversight.csv_files import Column
from taxonomy.kinds import Kind
from taxonomy.levels import Level
from taxonomy.regions import Province
from taxonomy.subjects import Subject

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


KINDS = dict(Kind.choices)
PROVINCES = dict(Province.choices)
LEVELS = dict(Level.choices)
SUBJECTS = dict(Subject.choices)
MATCH_STATUSES = dict(Match.Status.choices)
MATCH_SOURCES = dict(Match.Source.choices)
LISTING_STATUSES = {**dict(Request.Status.choices), **dict(Offer.Status.choices)}

LISTING_COLUMNS = (
    Column(_("id"), "pk"),
    Column(_("title"), "title"),
    Column(_("kind"), "kind", labels=KINDS),
    Column(_("status"), "status", labels=LISTING_STATUSES),
    Column(_("organisation"), "organisation__name"),
    Column(_("place"), "organisation__place"),
    Column(_("province"), "organisation__province", labels=PROVINCES),
    Column(_("levels"), "levels", is_list=True, labels=LEVELS),
    Column(_("subjects"), "subjects", is_list=True, labels=SUBJECTS),
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
        Column(_("school province"), "request__organisation__province", labels=PROVINCES),
        Column(_("company"), "offer__organisation__name"),
        Column(_("KvK number"), "offer__organisation__kvk"),
        Column(_("company province"), "offer__organisation__province", labels=PROVINCES),
        Column(_("kind"), "offer__kind", labels=KINDS),
        Column(_("request"), "request__title"),
        Column(_("offer"), "offer__title"),
        Column(_("status"), "status", labels=MATCH_STATUSES),
        Column(_("source"), "source", labels=MATCH_SOURCES),
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


def export_rows(dataset: str, filters: ExportFilters) -> Iterator[tuple]:
    """The export's raw rows (codes, lists, dates), streamed from the database in chunks; the
    writer (oversight/csv_files.py) turns them into each format's cells."""
    columns = DATASET_COLUMNS[dataset]
    rows = export_queryset(dataset, filters).values_list(*(column.path for column in columns))
    yield from rows.iterator(chunk_size=CHUNK_SIZE)


def export_counts(filters: ExportFilters) -> dict[str, int]:
    return {dataset: export_queryset(dataset, filters).count() for dataset in DATASETS}

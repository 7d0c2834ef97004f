"""Bulk load of a parsed data set (matching.dataset) into the database, in batches."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import structlog
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Organisation
from matching.dataset import Parsed
from matching.models import Offer, Request
from matching.services.listing_fields import BULK_OFFER_FIELDS, BULK_REQUEST_FIELDS
from taxonomy.places import all_places

logger = structlog.get_logger(__name__)

BATCH = 5000
# An organisation of the file (matching/dataset.py) and the place found nearest to it.
_ORG_PARSED = ["kind", "name", "latitude", "longitude", "province", "landsdeel", "levels", "sectors"]
ORG_UPDATE = [*_ORG_PARSED, "place", "municipality"]
# A loaded row (matching/dataset.py) holds the bulk fields, the masks the matcher filters on, and
# its organisation.
_DERIVED = ["levels_mask", "subjects_mask", "organisation"]
OFFER_UPDATE = [*BULK_OFFER_FIELDS, *_DERIVED]
REQUEST_UPDATE = [*BULK_REQUEST_FIELDS, *_DERIVED]


def known_organisation_kinds(ids: set[str]) -> dict[str, str]:
    rows = Organisation.objects.filter(external_id__in=ids).values_list("external_id", "kind")
    return dict(rows)


def _nearest_places(lats: np.ndarray, lons: np.ndarray) -> list[Any]:
    """Nearest gazetteer place per point, vectorised (an equirectangular distance is enough here)."""
    places = all_places()
    plat = np.radians(np.array([p.lat for p in places]))
    plon = np.radians(np.array([p.lon for p in places]))
    result = []
    for start in range(0, len(lats), 2000):
        la = np.radians(lats[start : start + 2000])[:, None]
        lo = np.radians(lons[start : start + 2000])[:, None]
        x = (lo - plon) * np.cos((la + plat) / 2)
        y = la - plat
        result.extend(places[i] for i in np.argmin(x * x + y * y, axis=1))
    return result


def _batches(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _column_preparer(field: Any) -> Callable[[Any], Any]:
    """How a value goes to the driver, without Django's per-value compiler (the slow part of bulk_create)."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return lambda v: v


def fast_insert(model: type, objs: list, progress: Callable[[int], None]) -> None:
    """Insert new rows: COPY on PostgreSQL, executemany elsewhere. Same values bulk_create would write."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    preparers = [_column_preparer(f) for f in fields]
    attnames = [f.attname for f in fields]
    now = timezone.now()
    for obj in objs:  # what save() would have filled in
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                setattr(obj, f.attname, now)
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for chunk in _batches(objs):
            rows = [
                tuple(prep(getattr(obj, name)) for prep, name in zip(preparers, attnames, strict=True))
                for obj in chunk
            ]
            if connection.vendor == "postgresql":
                sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                # Table and column names come from the model, values are parameters.
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES ({placeholders})",  # noqa: S608
                    rows,
                )
            progress(len(chunk))


def tables_analyse(*, written: list[type[models.Model]], reason: str, rows: int) -> bool:
    """Refresh the planner statistics of bulk-filled tables (PostgreSQL; a no-op elsewhere).

    PostgreSQL's advice for populating a database: run ANALYZE afterwards. Autoanalyze lags a bulk
    load (or is off), and a plan made for a "nearly empty" table can turn 0.2 s into 40 s.
    Runs when `rows` (how many rows the caller wrote) reaches ANALYZE_MIN_ROWS; call it after the
    writing transaction (inside one it still counts that transaction's own rows). Returns whether it ran.
    """
    if (
        connection.vendor != "postgresql"
        or not settings.ANALYZE_AFTER_BULK
        or rows < settings.ANALYZE_MIN_ROWS
    ):
        return False
    tables = list(dict.fromkeys(m._meta.db_table for m in written))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    logger.info(
        "db.analysed",
        reason=reason,
        tables=tables,
        rows=rows,
        seconds=round(time.perf_counter() - started, 3),
    )
    return True


def _upsert(model: type, objs: list, update_fields: list[str], progress: Callable[[int], None]) -> None:
    """Plain inserts for new ids (the fast path of a first load), an upsert for the others."""
    existing: set[str] = set()
    ids = [obj.external_id for obj in objs]
    for chunk in _batches(ids, 20000):
        existing.update(model.objects.filter(external_id__in=chunk).values_list("external_id", flat=True))
    new = [obj for obj in objs if obj.external_id not in existing]
    old = [obj for obj in objs if obj.external_id in existing]
    fast_insert(model, new, progress)
    for chunk in _batches(old):
        model.objects.bulk_create(
            chunk, update_conflicts=True, unique_fields=["external_id"], update_fields=update_fields
        )
        progress(len(chunk))


def dataset_load(parsed: Parsed, *, progress: Callable[[int], None] = lambda n: None) -> dict[str, int]:
    """Write a validated data set. Organisations count as verified, offers and requests as open.

    Idempotent: existing ids are updated in place; status, committed slots and verification of rows
    that already exist are left as they are, so loading the same file twice changes nothing.
    """
    assert not parsed.errors, "validate first"
    now = timezone.now()
    with transaction.atomic():
        org_items = list(parsed.organisations.items())
        places = (
            _nearest_places(
                np.array([o["latitude"] for _, o in org_items], dtype=float),
                np.array([o["longitude"] for _, o in org_items], dtype=float),
            )
            if org_items
            else []
        )
        orgs = []
        for (oid, row), place in zip(org_items, places, strict=True):
            fields = {k: v for k, v in row.items() if not k.startswith("_")}
            orgs.append(
                Organisation(
                    external_id=oid,
                    place=place.name,
                    municipality=place.municipality,
                    verified_at=now,
                    created_at=now,
                    **fields,
                )
            )
        _upsert(Organisation, orgs, ORG_UPDATE, progress)

        referenced = {r["organisation"] for r in parsed.offers.values()} | {
            r["organisation"] for r in parsed.requests.values()
        }
        org_pk: dict[str, int] = {}
        ref_list = sorted(referenced)
        for chunk in _batches(ref_list, 20000):
            org_pk.update(Organisation.objects.filter(external_id__in=chunk).values_list("external_id", "id"))

        def build(model: type, rows: dict[str, dict]) -> list:
            objs = []
            for lid, row in rows.items():
                fields = {k: v for k, v in row.items() if not k.startswith("_") and k != "organisation"}
                objs.append(
                    model(
                        external_id=lid,
                        organisation_id=org_pk[row["organisation"]],
                        status="open",
                        published_at=now,
                        created_at=now,
                        **fields,
                    )
                )
            return objs

        _upsert(Offer, build(Offer, parsed.offers), OFFER_UPDATE, progress)
        _upsert(Request, build(Request, parsed.requests), REQUEST_UPDATE, progress)
    counts = {
        Organisation: len(parsed.organisations),
        Offer: len(parsed.offers),
        Request: len(parsed.requests),
    }
    tables_analyse(
        written=[model for model, n in counts.items() if n],
        reason="load_dataset",
        rows=sum(counts.values()),
    )
    return {
        "organisations": len(parsed.organisations),
        "offers": len(parsed.offers),
        "requests": len(parsed.requests),
    }

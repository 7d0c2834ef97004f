"""Bulk import of schools or companies from a CSV file (e.g. a DUO school list).

Every row is checked first, with the same rules as the registration form (accounts.services.organisations:
place, BRIN/KvK, levels, sectors); nothing is written unless every row is good (all or nothing).
Organisations are found by their BRIN code or KvK number, so an existing one is updated, never
duplicated, and importing the same file twice changes nothing the second time. Imported
organisations count as verified by the importing coordinator: they come from an authoritative
list. A coordinator can only import organisations in their own provinces.

Columns (header names are case-insensitive; Dutch names are understood too):
    name, place           required
    brin                  required for schools
    kvk                   required for companies
    province              optional; needed only when the place name exists in several provinces
    levels, sectors       optional codes separated by | or ; (levels required for a new school)
    email                 optional; this person is invited as the organisation's admin
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import structlog
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services.audit import audit_record
from accounts.services.invitations import invitation_blocker, invitation_create
from accounts.services.organisations import codes_clean, place_apply, registry_apply
from accounts.validators import normalise_brin, normalise_kvk
from oversight.access import scope_provinces
from taxonomy.levels import LEVEL_ORDER, sort_levels
from taxonomy.places import get_place, normalize, normalize_province
from taxonomy.regions import Province
from taxonomy.subjects import SUBJECT_ORDER

log = structlog.get_logger(__name__)

MAX_ROWS = 20000

# Header names people use (DUO lists are Dutch and upper case) -> our column.
COLUMN_ALIASES: dict[str, str] = {
    "name": "name",
    "naam": "name",
    "instellingsnaam": "name",
    "vestigingsnaam": "name",
    "bedrijfsnaam": "name",
    "place": "place",
    "plaats": "place",
    "plaatsnaam": "place",
    "vestigingsplaats": "place",
    "province": "province",
    "provincie": "province",
    "brin": "brin",
    "brin code": "brin",
    "brin nummer": "brin",
    "brinnummer": "brin",
    "kvk": "kvk",
    "kvk nummer": "kvk",
    "kvknummer": "kvk",
    "levels": "levels",
    "niveaus": "levels",
    "sectors": "sectors",
    "sectoren": "sectors",
    "email": "email",
    "e mail": "email",
    "contact email": "email",
}
CODE_SEPARATORS = re.compile(r"[|;]")
TRACKED_FIELDS = ("name", "place", "province", "latitude", "longitude", "levels", "sectors")


class Status:
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class ImportRow:
    line: int
    name: str = ""
    registry: str = ""
    place: str = ""
    province: str = ""
    status: str = Status.ERROR
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    invite: str = ""


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.error_rows

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "created": self.count(Status.NEW),
            "updated": self.count(Status.UPDATED),
            "unchanged": self.count(Status.UNCHANGED),
            "errors": len(self.error_rows),
            "invited": sum(1 for row in self.rows if row.invite and not row.errors),
        }

    def error_lines(self) -> list[str]:
        lines = list(self.file_errors)
        for row in self.error_rows:
            lines += [_("Line %(line)s: %(message)s") % {"line": row.line, "message": m} for m in row.errors]
        return lines


@dataclass
class _Plan:
    row: ImportRow
    organisation: Organisation
    verify: bool


def decode_csv(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheet programs on Windows still save CSV as Windows-1252.
        return content.decode("cp1252", errors="replace")


def read_csv(content: bytes | str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The file's rows as (line number, {column: value}), and what is wrong with the file itself."""
    text = decode_csv(content)
    if not text.strip():
        return [], [_("The file is empty.")]
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], [_("The file is not a readable CSV file.")]
    columns = [COLUMN_ALIASES.get(normalize(name), normalize(name).replace(" ", "_")) for name in header]
    rows: list[tuple[int, dict[str, str]]] = []
    start = reader.line_num + 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                rows.append(
                    (start, {col: value.strip() for col, value in zip(columns, values, strict=False)})
                )
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS:
                return [], [_("The file has more than %(max)s rows; split it up.") % {"max": MAX_ROWS}]
    except csv.Error as exc:
        return [], [
            _("Line %(line)s: the file is not valid CSV (%(error)s).") % {"line": start, "error": exc}
        ]
    return rows, []


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return list(exc.messages)


def _codes(raw: str) -> list[str]:
    return [code.strip().lower() for code in CODE_SEPARATORS.split(raw) if code.strip()]


def _place_error(place: str, province: str | None) -> str:
    if province is None and any(get_place(place, p) for p in Province.values):
        return _("There are several places called “%(place)s”: add the province.") % {"place": place}
    return _("Unknown place “%(place)s”: use the name of a Dutch town or village.") % {"place": place}


def _has_invitation(org: Organisation, email: str) -> bool:
    return invitation_blocker(organisation=org, email=email) is not None


def _check_row(
    line: int,
    data: Mapping[str, str],
    *,
    kind: str,
    scope: set[str],
    existing: dict[str, Organisation],
    seen: dict[str, int],
) -> _Plan:
    is_school = kind == Organisation.Kind.SCHOOL
    registry_field = "brin" if is_school else "kvk"
    registry = (normalise_brin if is_school else normalise_kvk)(data.get(registry_field, ""))
    row = ImportRow(line=line, name=data.get("name", ""), registry=registry, place=data.get("place", ""))
    errors = row.errors
    org = existing.get(registry) or Organisation(kind=kind)
    before = {name: getattr(org, name) for name in TRACKED_FIELDS} if org.pk else {}
    plan = _Plan(row=row, organisation=org, verify=org.verified_at is None)

    if not row.name:
        errors.append(_("The name is missing."))
    else:
        org.name = row.name

    if not registry:
        errors.append(_("The BRIN code is missing.") if is_school else _("The KvK number is missing."))
    elif registry in seen:
        errors.append(
            _("%(number)s is also on line %(line)s.") % {"number": registry, "line": seen[registry]}
        )
    else:
        seen[registry] = line
        try:
            registry_apply(org, brin=registry if is_school else None, kvk=None if is_school else registry)
        except ValidationError as exc:
            errors += [message for messages in exc.message_dict.values() for message in messages]
    if org.pk and org.province not in scope:
        errors.append(
            _("%(name)s is registered in %(province)s, outside your provinces.")
            % {"name": org.name, "province": org.get_province_display()}
        )

    province_raw = data.get("province", "")
    province = normalize_province(province_raw) if province_raw else None
    if province_raw and province is None:
        errors.append(_("Unknown province “%(province)s”.") % {"province": province_raw})
    elif not row.place:
        errors.append(_("The place is missing."))
    else:
        found = get_place(row.place, province)
        if found is None:
            errors.append(_place_error(row.place, province))
        elif not (org.pk and found.name == org.place and found.province == org.province):
            # A known organisation keeps its refined coordinates unless it moved.
            place_apply(org, place=row.place, province=province, latitude=None, longitude=None)
        if found is not None:
            row.province = found.province
            if found.province not in scope:
                errors.append(
                    _("%(place)s is in %(province)s, outside your provinces.")
                    % {"place": found.name, "province": Province(found.province).label}
                )

    for column, allowed in (("levels", LEVEL_ORDER), ("sectors", SUBJECT_ORDER)):
        codes = _codes(data.get(column, ""))
        if not codes:
            continue
        try:
            cleaned = codes_clean(codes, allowed, column)
        except ValidationError as exc:
            errors += _messages(exc)
        else:
            setattr(org, column, sort_levels(cleaned) if column == "levels" else cleaned)
    if is_school and not org.levels and not any("levels" in e for e in errors):
        errors.append(
            _("Give the levels of the school, e.g. “havo|vwo” (codes: %(codes)s).")
            % {"codes": ", ".join(LEVEL_ORDER)}
        )

    email = data.get("email", "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": email})
        else:
            if not _has_invitation(org, email):
                row.invite = email

    if not errors:
        try:
            org.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors += _messages(exc)
    if errors:
        row.status = Status.ERROR
    elif org.pk is None:
        row.status = Status.NEW
    else:
        row.changes = [name for name in TRACKED_FIELDS if getattr(org, name) != before[name]]
        if plan.verify:
            row.changes.append("verified")
        row.status = Status.UPDATED if row.changes else Status.UNCHANGED
    return plan


def _invite(org: Organisation, email: str, by: User | None) -> None:
    # The organisation's contact becomes its first admin; the mail leaves after commit.
    invitation_create(organisation=org, email=email, by=by, is_admin=True)


def organisations_import(
    *,
    kind: str,
    by: User | None,
    content: bytes | str | None = None,
    rows: Iterable[Mapping[str, str]] | None = None,
    dry_run: bool = False,
    source: str = "",
) -> ImportResult:
    """Check and (unless `dry_run` or any row is bad) import schools or companies.

    Pass the file's `content`, or `rows` as dicts with our column names (numbered from line 2).
    `by` is the importing coordinator (only their provinces); None means an operator's import
    from the command line (every province). Returns what happened per row; `applied` tells
    whether anything was written."""
    if kind not in Organisation.Kind.values:
        raise ValueError(f"Unknown organisation kind {kind!r}")
    result = ImportResult(kind=kind, dry_run=dry_run)
    if rows is not None:
        numbered = [(i, dict(row)) for i, row in enumerate(rows, start=2)]
    else:
        numbered, result.file_errors = read_csv(content or b"")
    if result.file_errors:
        return result
    if not numbered:
        result.file_errors.append(_("The file has no rows."))
        return result
    required = ("name", "place", "brin" if kind == Organisation.Kind.SCHOOL else "kvk")
    present = set().union(*(data.keys() for _line, data in numbered))
    missing = [column for column in required if column not in present]
    if missing:
        result.file_errors.append(
            _("Required column(s) missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
        return result

    scope = set(scope_provinces(by)) if by is not None else set(Province.values)
    registry_field = "brin" if kind == Organisation.Kind.SCHOOL else "kvk"
    normalise = normalise_brin if kind == Organisation.Kind.SCHOOL else normalise_kvk
    numbers = {normalise(data.get(registry_field, "")) for _line, data in numbered} - {""}
    existing = {
        getattr(org, registry_field): org
        for org in Organisation.objects.filter(**{f"{registry_field}__in": numbers})
    }
    seen: dict[str, int] = {}
    plans = [
        _check_row(line, data, kind=kind, scope=scope, existing=existing, seen=seen)
        for line, data in numbered
    ]
    result.rows = [plan.row for plan in plans]
    if dry_run or not result.ok:
        return result

    with transaction.atomic():
        now = timezone.now()
        for plan in plans:
            org, row = plan.organisation, plan.row
            if row.status in (Status.NEW, Status.UPDATED):
                if plan.verify:
                    org.verified_at, org.verified_by = now, by
                    org.rejected_at, org.rejection_reason = None, ""
                org.save()
            if row.invite:
                _invite(org, row.invite, by)
        provinces = sorted({row.province for row in result.rows})
        audit_record(
            actor=by,
            action="organisations.imported",
            object_type="organisation",
            province=provinces[0] if len(provinces) == 1 else "",
            data={"kind": kind, "source": source, "provinces": provinces, **result.counts},
        )
    result.applied = True
    log.info("organisations.imported", kind=kind, by=by.pk if by else None, **result.counts)
    return result

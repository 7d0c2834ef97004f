"""The bulk data format of DESIGN §8: validation of a whole JSON Lines file, then a bulk load.

Validation runs over every line before anything is written, so a bad file loads nothing and
every bad line is reported with its number. Loading is idempotent by `id`: rows that exist are
updated in place (their status and committed slots are left alone), new rows are inserted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from taxonomy.kinds import Kind
from taxonomy.levels import LEVEL_ORDER, levels_mask, sort_levels
from taxonomy.regions import LANDSDEEL_OF_PROVINCE
from taxonomy.subjects import SUBJECT_BIT, normalise_subject, subjects_mask

KINDS = set(Kind.values)
# matching.models.GROUP_SIZE_MAX; this module stays importable without the app registry.
GROUP_SIZE_MAX = 500
LEVELS = set(LEVEL_ORDER)


@dataclass
class Parsed:
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)
    unknown_subjects: set[str] = field(default_factory=set)
    lines: int = 0


class LineError(ValueError):
    pass


def _str_id(obj: dict, key: str = "id") -> str:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise LineError(f"'{key}' is missing or not a string")
    text = str(value).strip()
    if len(text) > 64:
        raise LineError(f"'{key}' is longer than 64 characters")
    return text


def _finite(value: Any) -> bool:
    """A JSON number that is a finite float (an integer too large for a float is not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _number(obj: dict, key: str, *, lo: float, hi: float) -> float:
    value = obj.get(key)
    if not _finite(value):
        raise LineError(f"'{key}' must be a number")
    if not lo <= value <= hi:
        raise LineError(f"'{key}' = {value} is outside {lo}..{hi}")
    return float(value)


def _positive_int(obj: dict, key: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise LineError(f"'{key}' must be a whole number of at least 1")
    if value > 100000:
        raise LineError(f"'{key}' = {value} is implausibly large")
    return value


def _bool(obj: dict, key: str, default: bool = False) -> bool:
    value = obj.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise LineError(f"'{key}' must be true or false")
    return value


def _date(obj: dict, key: str, *, required: bool = True) -> date | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise LineError(f"'{key}' must be a date like 2026-09-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LineError(f"'{key}' = {value!r} is not a valid date (YYYY-MM-DD)") from None


def _travel(obj: dict) -> float | None:
    value = obj.get("max_travel_km")
    if value is None:
        return None
    if not _finite(value) or value <= 0:
        raise LineError("'max_travel_km' must be a positive number or null")
    return float(value)


def _codes(obj: dict, key: str) -> list[str]:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LineError(f"'{key}' must be a list of strings")
    return value


def _levels(obj: dict, *, required: bool) -> list[str]:
    values = [v.strip().lower() for v in _codes(obj, "levels")]
    unknown = sorted(set(values) - LEVELS)
    if unknown:
        raise LineError(f"unknown level(s) {', '.join(unknown)}; use {', '.join(LEVEL_ORDER)}")
    if required and not values:
        raise LineError("'levels' must list at least one level")
    return sort_levels(values)


def _subjects(obj: dict, key: str, parsed: Parsed) -> list[str]:
    result = []
    for raw in _codes(obj, key):
        code = normalise_subject(raw)
        if not code:
            raise LineError(f"empty subject in '{key}'")
        if code not in SUBJECT_BIT:
            # Subjects are tags for matching (DESIGN §4 rule 3): unknown ones are kept, and reported.
            parsed.unknown_subjects.add(code)
        result.append(code)
    return list(dict.fromkeys(result))


def _crebo(obj: dict, key: str = "crebo") -> list[str]:
    values = [str(v).strip() for v in (obj.get(key) or [])] if isinstance(obj.get(key), list) else None
    if values is None:
        if obj.get(key) in (None, ""):
            return []
        raise LineError(f"'{key}' must be a list of five-digit codes")
    bad = [v for v in values if not (len(v) == 5 and v.isdigit())]
    if bad:
        raise LineError(f"'{key}': crebo code(s) {', '.join(bad)} must have five digits")
    return sorted(set(values))


def _contract(obj: dict, allowed: tuple[str, ...]) -> str:
    """BOL/BBL of an internship (the ``contract_type`` rule); absent or null states none."""
    value = obj.get("contract_type")
    if value in (None, ""):
        return ""
    if value not in allowed:
        raise LineError(f"'contract_type' must be one of {', '.join(allowed)} (or left out), not {value!r}")
    return value


def _group_size(obj: dict, key: str) -> int | None:
    """Optional pupils in a group (DESIGN §3): absent or null imposes nothing."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= GROUP_SIZE_MAX:
        raise LineError(f"'{key}' must be a whole number from 1 to {GROUP_SIZE_MAX}")
    return value


def _sbb_number(obj: dict) -> str:
    value = obj.get("sbb_number")
    if value in (None, ""):
        return ""
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not (len(text) == 9 and text.isdigit()):
        raise LineError("'sbb_number' must be an SBB leerbedrijf number of exactly 9 digits")
    return text


def _parse_organisation(obj: dict, parsed: Parsed) -> tuple[str, dict]:
    oid = _str_id(obj)
    kind = obj.get("kind")
    if kind not in ("school", "company"):
        raise LineError("'kind' of an organisation must be 'school' or 'company'")
    province = obj.get("province")
    if not isinstance(province, str) or province not in LANDSDEEL_OF_PROVINCE:
        raise LineError(
            f"unknown province {province!r}; use one of {', '.join(sorted(LANDSDEEL_OF_PROVINCE))}"
        )
    name = obj.get("name") or oid
    if not isinstance(name, str):
        raise LineError("'name' must be a string")
    return oid, {
        "kind": kind,
        "name": name.strip()[:200] or oid,
        "latitude": _number(obj, "lat", lo=50.0, hi=54.0),
        "longitude": _number(obj, "lon", lo=3.0, hi=7.5),
        "province": province,
        "landsdeel": LANDSDEEL_OF_PROVINCE[province],
        "levels": _levels(obj, required=False),
        "sectors": list(
            dict.fromkeys(_subjects(obj, "subjects", parsed) + _subjects(obj, "sectors", parsed))
        ),
    }


def _parse_listing(obj: dict, parsed: Parsed, *, offer: bool) -> tuple[str, dict]:
    lid = _str_id(obj)
    org = _str_id(obj, "organisation")
    kind = obj.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise LineError(f"unknown kind {kind!r}; use one of {', '.join(sorted(KINDS))}")
    levels = _levels(obj, required=True)
    subjects = _subjects(obj, "subjects", parsed)
    title = obj.get("title") or f"{kind.replace('_', ' ')} {lid}"
    if not isinstance(title, str):
        raise LineError("'title' must be a string")
    row: dict[str, Any] = {
        "organisation": org,
        "kind": kind,
        "title": title.strip()[:200],
        "description": obj.get("description") if isinstance(obj.get("description"), str) else "",
        "levels": levels,
        "levels_mask": levels_mask(levels),
        "subjects": subjects,
        "subjects_mask": subjects_mask(subjects),
        "max_travel_km": _travel(obj),
        "crebo": _crebo(obj),
    }
    if offer:
        start, end = _date(obj, "available_from"), _date(obj, "available_until")
        language = obj.get("language") or "nl"
        if language not in ("nl", "en"):
            raise LineError("'language' must be 'nl' or 'en'")
        row.update(
            capacity=_positive_int(obj, "capacity"),
            online=_bool(obj, "online"),
            available_from=start,
            available_until=end,
            language=language,
            vog_date=_date(obj, "vog_date", required=False),
            sbb_recognised=_bool(obj, "sbb_recognised"),
            contract_type=_contract(obj, ("bol", "bbl", "both")),
            max_group_size=_group_size(obj, "max_group_size"),
            sbb_number=_sbb_number(obj),
            sbb_crebo=_crebo(obj, "sbb_crebo"),
        )
        if start > end:
            raise LineError("'available_from' is after 'available_until'")
    else:
        start, end = _date(obj, "wanted_from"), _date(obj, "wanted_until")
        row.update(
            slots=_positive_int(obj, "slots"),
            online_ok=_bool(obj, "online_ok"),
            wanted_from=start,
            wanted_until=end,
            vog_required=_bool(obj, "vog_required"),
            contract_type=_contract(obj, ("bol", "bbl")),
            group_size=_group_size(obj, "group_size"),
            sbb_required=_bool(obj, "sbb_required"),
        )
        if start > end:
            raise LineError("'wanted_from' is after 'wanted_until'")
    return lid, row


def parse_lines(lines: Iterable[str], *, known_organisations: Callable[[set[str]], dict[str, str]]) -> Parsed:
    """Validate every line. `known_organisations(ids)` returns {external id: kind} of those already loaded."""
    parsed = Parsed()
    where: dict[tuple[str, str], int] = {}
    for number, line in enumerate(lines, start=1):
        parsed.lines = number
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            parsed.errors.append((number, f"not valid JSON ({exc.msg})"))
            continue
        except (ValueError, RecursionError):  # a number with too many digits, or nesting too deep
            parsed.errors.append((number, "not valid JSON (a number or nesting too large)"))
            continue
        if not isinstance(obj, dict):
            parsed.errors.append((number, "a line must be a JSON object"))
            continue
        kind = obj.get("type")
        try:
            if kind == "organisation":
                key, row = _parse_organisation(obj, parsed)
                target = parsed.organisations
            elif kind in ("offer", "request"):
                key, row = _parse_listing(obj, parsed, offer=kind == "offer")
                target = parsed.offers if kind == "offer" else parsed.requests
            else:
                raise LineError(f"unknown type {kind!r}; use organisation, offer or request")
        except LineError as exc:
            parsed.errors.append((number, str(exc)))
            continue
        if (kind, key) in where:
            parsed.errors.append((number, f"duplicate {kind} id {key!r} (first on line {where[kind, key]})"))
            continue
        where[kind, key] = number
        row["_line"] = number
        target[key] = row

    # Cross-line checks: every offer and request points at an organisation of the right kind.
    referenced = {r["organisation"] for r in parsed.offers.values()} | {
        r["organisation"] for r in parsed.requests.values()
    }
    missing = referenced - set(parsed.organisations)
    known = known_organisations(missing) if missing else {}
    kinds = {oid: org["kind"] for oid, org in parsed.organisations.items()} | known
    for label, rows, wanted in (("offer", parsed.offers, "company"), ("request", parsed.requests, "school")):
        for lid, row in rows.items():
            org_kind = kinds.get(row["organisation"])
            if org_kind is None:
                parsed.errors.append(
                    (row["_line"], f"{label} {lid!r}: unknown organisation {row['organisation']!r}")
                )
            elif org_kind != wanted:
                parsed.errors.append(
                    (
                        row["_line"],
                        f"{label} {lid!r}: organisation {row['organisation']!r} is a {org_kind}, "
                        f"not a {wanted}",
                    )
                )
    parsed.errors.sort()
    return parsed

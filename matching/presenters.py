"""Presentation helpers shared by the matching pages and the coordinators' pages: the "why this
match" text, a match's timeline, display labels and the school-holiday tables of a form.

They turn stored data into what a template shows; they never write.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation
from matching import rules
from matching.models import Match
from taxonomy.holiday_names import HOLIDAY_REGION_LABELS, HOLIDAY_REGIONS
from taxonomy.holidays import Holiday, all_holidays, holiday_region_for_place, holidays_for_region
from taxonomy.levels import Level
from taxonomy.subjects import Subject

ENDED = (Match.Status.DECLINED, Match.Status.EXPIRED, Match.Status.CANCELLED)
SHORT_BREAKS = ("herfstvakantie", "kerstvakantie", "voorjaarsvakantie", "meivakantie")


def choice_label(choices: type[Level] | type[Subject], code: str) -> str:
    """The display name of a level or subject; unknown codes (from bulk data) show as they are."""
    return str(choices(code).label) if code in choices.values else code


def _iso(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def why_this_match(explanation: dict[str, Any] | None, score: float | None = None) -> dict[str, Any]:
    """A stored explanation (engine/scoring.py `explain`) in display form: every line states
    something true of the pair (shares only for what the pair uses; rules a coordinator
    overrode are named). Candidates that are not matches yet have an explanation too."""
    e = explanation or {}
    subjects = e.get("subjects") or []
    components = e.get("components") or {}
    component_labels = {
        "subjects": _("Subjects"),
        "levels": _("Levels"),
        "distance": _("Distance"),
        "dates": _("Dates"),
    }
    return {
        "percent": round(100 * (score or e.get("score") or 0)),
        "levels": [choice_label(Level, code) for code in e.get("levels") or []],
        "any_subject": subjects == "any",
        "subjects": [] if subjects == "any" else [choice_label(Subject, code) for code in subjects],
        "online": bool(e.get("online")),
        "distance_km": e.get("distance_km"),
        "overlap_from": _iso(e.get("overlap_from")),
        "overlap_until": _iso(e.get("overlap_until")),
        "overlap_days": e.get("overlap_days"),
        "fairness": bool(e.get("fairness")),
        "vog_required": "vog" in e,
        "vog_date": _iso(e.get("vog")),
        "contract_type": e.get("contract_type"),
        "crebo": e.get("crebo") or [],
        "overridden": [
            str(rules.MESSAGES[code]) for code in e.get("rules_overridden", []) if code in rules.MESSAGES
        ],
        "components": [
            (label, round(100 * components[key]))
            for key, label in component_labels.items()
            if key in components
        ],
    }


def match_why(match: Match) -> dict[str, Any]:
    return why_this_match(match.explanation, match.score)


def _ended_by_side(match: Match) -> str | None:
    if match.ended_by_id is None:
        return None
    orgs = set(
        Membership.objects.filter(
            user_id=match.ended_by_id,
            organisation_id__in=[match.request.organisation_id, match.offer.organisation_id],
        ).values_list("organisation_id", flat=True)
    )
    if match.request.organisation_id in orgs:
        return _("the school")
    if match.offer.organisation_id in orgs:
        return _("the company")
    return _("a coordinator")


def match_timeline(match: Match) -> list[dict[str, Any]]:
    """What happened so far, oldest first, then what is still to come."""
    proposed = {
        Match.Source.MATCHER: _("Proposed by the matcher"),
        Match.Source.COORDINATOR: _("Proposed by a coordinator"),
        Match.Source.SCHOOL: _("Asked by the school"),
        Match.Source.COMPANY: _("Offered by the company"),
    }.get(match.source, _("Proposed"))
    steps: list[dict[str, Any]] = [{"when": match.created_at, "text": proposed}]
    if match.school_accepted_at:
        steps.append({"when": match.school_accepted_at, "text": _("The school accepted")})
    if match.company_accepted_at:
        steps.append({"when": match.company_accepted_at, "text": _("The company accepted")})
    if match.confirmed_at:
        steps.append({"when": match.confirmed_at, "text": _("Confirmed: both sides accepted")})
    if match.status in ENDED:
        by = _ended_by_side(match)
        text = {
            Match.Status.DECLINED: _("Declined by %(side)s") % {"side": by} if by else _("Declined"),
            Match.Status.EXPIRED: _("Expired: not answered in time"),
            Match.Status.CANCELLED: _("Cancelled by %(side)s") % {"side": by} if by else _("Cancelled"),
        }[match.status]
        steps.append({"when": match.ended_at, "text": text, "reason": match.end_reason})
    steps.sort(key=lambda step: step["when"] or timezone.now())
    if match.status in Match.HELD_STATUSES:
        steps.append({"day": match.activity_date, "text": _("The activity took place")})
    if match.status == Match.Status.NOT_HELD:
        steps.append(
            {
                "day": match.activity_date,
                "text": _("The activity did not take place"),
                "reason": match.end_reason,
            }
        )
    if match.status == Match.Status.DISPUTED:
        steps.append(
            {
                "day": match.activity_date,
                "text": _("The sides disagree whether it took place: a coordinator decides"),
            }
        )
    if match.status == Match.Status.EVALUATED:
        steps.append({"text": _("Both sides gave feedback")})
    if match.status == Match.Status.PROPOSED:
        school, company = match.school_accepted_at is None, match.company_accepted_at is None
        if school and company:
            text = _("Waiting for the school and the company to answer")
        elif school:
            text = _("Waiting for the school to answer")
        else:
            text = _("Waiting for the company to answer")
        steps.append({"pending": True, "text": text, "until": match.expires_at})
    if match.status == Match.Status.CONFIRMED and match.activity_date:
        steps.append({"pending": True, "day": match.activity_date, "text": _("The activity")})
    return steps


def _next_months() -> tuple[date, date]:
    today = timezone.localdate()
    return today, today + timedelta(days=365)


def region_holidays(organisation: Organisation) -> dict[str, Any]:
    """A school's holiday region and its holidays in the coming twelve months."""
    region = holiday_region_for_place(organisation)
    return {"region": HOLIDAY_REGION_LABELS[region], "holidays": holidays_for_region(region, *_next_months())}


def holiday_table() -> list[dict[str, Any]]:
    """The short breaks of the coming twelve months, one row per break with a cell per region:
    companies serve schools in all three holiday regions."""
    start, end = _next_months()
    rows: dict[tuple[str, str], dict[str, Holiday]] = {}
    for holiday in all_holidays():
        if holiday.name in SHORT_BREAKS and holiday.overlaps(start, end):
            rows.setdefault((holiday.school_year, holiday.name), {})[holiday.region] = holiday
    table = []
    for by_region in sorted(rows.values(), key=lambda r: min(h.start for h in r.values())):
        first = next(iter(by_region.values()))
        table.append({"label": first.label, "cells": [by_region.get(region) for region in HOLIDAY_REGIONS]})
    return table


def holiday_region_labels() -> list[str]:
    return [HOLIDAY_REGION_LABELS[region] for region in HOLIDAY_REGIONS]

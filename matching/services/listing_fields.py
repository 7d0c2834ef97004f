"""The fields of an offer and of a request that people set, named once (DESIGN §3, §8).

The listing services accept these and no others, the API shows and takes them, a duplicate copies
them, and the bulk format loads the part the rule book reads. Add a field here and every one of
them follows (tests/matching/test_listing_fields.py holds them to it). No Django imports: the bulk
validator (matching/dataset.py) imports this without the app registry.
"""

from __future__ import annotations

from typing import Any

COMMON_FIELDS = ("kind", "title", "description", "levels", "subjects", "max_travel_km", "crebo", "location")
# The kind-specific details of an offer and a request (DESIGN §3).
OFFER_DETAIL_FIELDS = (
    "max_group_size",
    "duration_minutes",
    "lesson_format",
    "guest_brings",
    "public_transport",
    "wheelchair_accessible",
    "duration_weeks",
    "hours_per_week",
    "allowance_per_month",
    "bbl_wage_basis",
    "supervisor_name",
    "supervisor_email",
    "supervisor_phone",
    "sbb_number",
    "sbb_crebo",
    "learning_goals",
    "days",
    "department",
    "repeat",
    "repeat_weekday",
    "repeat_week",
    "capacity_per_occurrence",
)
REQUEST_DETAIL_FIELDS = (
    "contact_person",
    "group_size",
    "group_count",
    "school_provides",
    "sbb_required",
    "teacher",
    "teacher_subject",
    "bring_back",
)
OFFER_FIELDS = (
    *COMMON_FIELDS,
    "capacity",
    "online",
    "available_from",
    "available_until",
    "language",
    "contact_person",
    "contract_type",
    "sbb_recognised",
    "vog_date",
    *OFFER_DETAIL_FIELDS,
)
REQUEST_FIELDS = (
    *COMMON_FIELDS,
    "slots",
    "online_ok",
    "wanted_from",
    "wanted_until",
    "preferred_dates",
    "vog_required",
    "contract_type",
    *REQUEST_DETAIL_FIELDS,
)
# Free text, cleaned of control and invisible characters before it is stored.
TEXT_FIELDS = (
    "title",
    "description",
    "preferred_dates",
    "guest_brings",
    "school_provides",
    "bbl_wage_basis",
    "supervisor_name",
    "supervisor_email",
    "supervisor_phone",
    "sbb_number",
    "learning_goals",
    "department",
    "bring_back",
    "teacher_subject",
)
# The praktijkopleider's e-mail and phone reach the other side on the match page after
# confirmation only, never through the listing API.
PRIVATE_FIELDS = ("supervisor_email", "supervisor_phone")

# The bulk format (DESIGN §8) carries what the rule book reads: no people, no practicalities.
_BULK_COMMON = tuple(name for name in COMMON_FIELDS if name != "location")
BULK_OFFER_FIELDS = (
    *_BULK_COMMON,
    "capacity",
    "online",
    "available_from",
    "available_until",
    "language",
    "vog_date",
    "sbb_recognised",
    "contract_type",
    "max_group_size",
    "sbb_number",
    "sbb_crebo",
)
BULK_REQUEST_FIELDS = (
    *_BULK_COMMON,
    "slots",
    "online_ok",
    "wanted_from",
    "wanted_until",
    "vog_required",
    "contract_type",
    "group_size",
    "sbb_required",
)


def fields_for(model: Any) -> tuple[str, ...]:
    """The settable fields of Offer or Request (the model class)."""
    return OFFER_FIELDS if model._meta.model_name == "offer" else REQUEST_FIELDS


def public_fields(fields: tuple[str, ...]) -> list[str]:
    """`fields` without the private ones: what the listing API shows."""
    return [name for name in fields if name not in PRIVATE_FIELDS]

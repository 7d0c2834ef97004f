"""Recording how many girls, boys and others fill an internship match's places (goal 9 monitor).

Counts only — no names, no other data about the students (DESIGN §1)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.audit import audit_record
from matching.models import Match
from oversight.models import PlacementRecord
from oversight.schoolyear import HAPPENING
from oversight.selectors.placements import placement_can_record
from taxonomy.kinds import Kind


@transaction.atomic
def placement_record_set(
    *, match: Match, by: User, girls: int, boys: int, other_or_unknown: int
) -> PlacementRecord:
    """Create or replace the gender counts of a confirmed or completed internship match.

    The people of the match's school or company, a coordinator of either province or a platform
    admin may do so; the counts add up to at least 1 and at most the match's slots."""
    match = (
        Match.objects.select_for_update().select_related("offer", "request__organisation").get(pk=match.pk)
    )
    if match.offer.kind != Kind.INTERNSHIP or match.status not in HAPPENING:
        raise ValidationError(_("Students can be recorded only for a confirmed or completed internship."))
    if not placement_can_record(by, match):
        raise PermissionDenied
    record = PlacementRecord.objects.filter(match=match).first() or PlacementRecord(match=match)
    record.girls, record.boys, record.other_or_unknown = girls, boys, other_or_unknown
    record.recorded_by = by
    record.recorded_at = timezone.now()
    record.full_clean()
    if not 1 <= record.total <= match.slots:
        raise ValidationError(
            _("The counts must add up to between 1 and %(slots)s, the places of this match.")
            % {"slots": match.slots}
        )
    record.save()
    # The counts themselves stay out of the log: only that they were recorded, and how many.
    audit_record(
        actor=by,
        action="placement.recorded",
        object_type="match",
        object_id=match.pk,
        organisation=match.request.organisation,
        data={"students": record.total},
    )
    return record

"""Per-student placements of a confirmed internship match, and the teacher's reflection after a
teacher internship (DESIGN §3). Placements name no pupil: the school chooses a pseudonymous label."""

from __future__ import annotations

from datetime import date

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from matching.models import Match, Placement, TeacherReflection
from taxonomy.kinds import Kind

logger = structlog.get_logger(__name__)

PLACEMENT_STATUSES = (Match.Status.CONFIRMED, Match.Status.COMPLETED, Match.Status.EVALUATED)


@transaction.atomic
def placement_add(
    *, match: Match, by: User, label: str, starts_on: date, ends_on: date, hours_per_week: int
) -> Placement:
    """One student's place: the school's side records it, at most one per slot of the match."""
    if "school" not in access.side_of(by, match):
        raise PermissionDenied
    match = Match.objects.select_for_update().select_related("offer").get(pk=match.pk)
    errors: dict[str, list[str]] = {}
    if match.offer.kind != Kind.INTERNSHIP or match.status not in PLACEMENT_STATUSES:
        raise ValidationError(_("Placements are recorded on confirmed internship matches."))
    if match.placements.count() >= match.slots:
        raise ValidationError(_("Every place of this match already has a placement."), code="capacity")
    label = (label or "").strip()
    if not label:
        errors["label"] = [_("Give a label, for example “student A”. Never a pupil's name.")]
    if starts_on and ends_on and starts_on > ends_on:
        errors["ends_on"] = [_("The end date must be on or after the start date.")]
    if not hours_per_week or not 1 <= hours_per_week <= 60:
        errors["hours_per_week"] = [_("Give a number from 1 to %(max)s.") % {"max": 60}]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                match=match,
                label=label,
                starts_on=starts_on,
                ends_on=ends_on,
                hours_per_week=hours_per_week,
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError({"label": [_("This label is already used in this match.")]}) from None
    logger.info("placement.added", match=match.pk, placement=placement.pk)
    return placement


def reflection_can_write(*, user: User, match: Match) -> bool:
    if match.offer.kind != Kind.TEACHER_INTERNSHIP or match.status not in PLACEMENT_STATUSES:
        return False
    teacher_id = match.request.teacher_id
    return user.pk == teacher_id if teacher_id else "school" in access.side_of(user, match)


@transaction.atomic
def reflection_write(*, match: Match, by: User, text: str) -> TeacherReflection:
    """After a teacher internship the teacher writes what they will use in class; once, editable."""
    if not reflection_can_write(user=by, match=match):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write a few sentences about what you will use in class.")]})
    if len(text) > 4000:
        raise ValidationError({"text": [_("At most %(n)s characters.") % {"n": 4000}]})
    reflection, _created = TeacherReflection.objects.update_or_create(
        match=match, defaults={"teacher": by, "text": text}
    )
    return reflection

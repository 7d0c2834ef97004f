"""Who may record the gender of an internship's students: whoever may see the match — the
people of its school and company, the coordinators of either province, platform admins."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import User
from matching.models import Match
from matching.selectors import matches_visible_to
from oversight.models import PlacementRecord
from oversight.schoolyear import HAPPENING
from taxonomy.kinds import Kind


def placement_match_get_for(user: User, match_id: int) -> Match:
    """An internship match the person may see; 404 for any other match (never revealing it)."""
    rows = matches_visible_to(user).filter(offer__kind=Kind.INTERNSHIP)
    return get_object_or_404(rows, pk=match_id)


def placement_can_record(user: User, match: Match) -> bool:
    return (
        match.offer.kind == Kind.INTERNSHIP
        and match.status in HAPPENING
        and matches_visible_to(user).filter(pk=match.pk).exists()
    )


def placement_record_of(match: Match) -> PlacementRecord | None:
    return PlacementRecord.objects.filter(match=match).first()

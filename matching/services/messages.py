"""The conversation thread of a match (DESIGN §5): the school's and the company's people agree on
the practical details; the coordinators of the two provinces read and write along."""

from __future__ import annotations

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from matching import selectors
from matching.models import Match, MatchMessage
from matching.services import events

logger = structlog.get_logger(__name__)


def _side(author: User, match: Match) -> str:
    """The role the author writes in. Someone on both sides (rare) writes as the school; platform
    staff outside both organisations write as a coordinator."""
    org_ids = set(
        Membership.objects.filter(
            user=author, organisation_id__in=[match.request.organisation_id, match.offer.organisation_id]
        ).values_list("organisation_id", flat=True)
    )
    if match.request.organisation_id in org_ids:
        return MatchMessage.Side.SCHOOL
    if match.offer.organisation_id in org_ids:
        return MatchMessage.Side.COMPANY
    return MatchMessage.Side.COORDINATOR


@transaction.atomic
def match_message_post(*, match: Match, author: User, body: str) -> MatchMessage:
    """Add a message to the match's thread and tell everyone else in it.

    Who may write: the people of either organisation, the coordinators whose provinces include the
    school's or the company's province, and superusers (`selectors.match_can_post_message`);
    anyone else gets PermissionDenied. Callers find the match with `match_get_for`, so strangers
    have had their 404 already.

    Allowed in every status, on purpose: people may still need to talk after a decline, an expiry
    or a cancellation (to explain, or to try again another time), and a closed thread would only
    push them to e-mail, which the platform hides before confirmation.

    The notification is written in this transaction (DESIGN §5: an event is never lost).
    """
    match = Match.objects.select_related("offer__organisation", "request__organisation").get(pk=match.pk)
    if not selectors.match_can_post_message(author, match):
        raise PermissionDenied
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": _("Write a message before sending it.")}, code="blank")
    message = MatchMessage(match=match, author=author, side=_side(author, match), body=text)
    message.full_clean()
    message.save()
    events.message_posted(message)
    logger.info("match.message_posted", match=match.pk, message=message.pk, side=message.side)
    return message

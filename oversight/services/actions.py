"""What a coordinator does by hand (DESIGN §6): match, block a pair, run the matcher, cancel,
re-match, set a coverage target. Every action is written to the audit log with its reason.

A coordinator acts only within their provinces: a match, request or pair belongs to the province
of the request's school. The views answer 404 outside the scope; these services refuse too.
"""

from __future__ import annotations

from typing import Any

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.audit import audit_record
from matching import rules
from matching.matcher import run_schedule
from matching.models import BlockedPair, Match, MatchingRun, Offer, Request
from matching.services.matches import match_cancel, match_propose
from oversight.access import scope_provinces
from oversight.models import CoverageTarget
from taxonomy.regions import landsdeel_of

log = structlog.get_logger(__name__)


def _require_scope(by: User, request: Request) -> None:
    if request.organisation.province not in scope_provinces(by):
        raise PermissionDenied


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the people involved and the audit log see it.")})
    return reason


def _propose(
    *,
    by: User,
    offer: Offer,
    request: Request,
    reason: str,
    override: bool,
    slots: int | None,
    action: str,
    data: dict[str, Any],
) -> Match:
    offer = Offer.objects.select_related("organisation").get(pk=offer.pk)
    request = Request.objects.select_related("organisation").get(pk=request.pk)
    _require_scope(by, request)
    reason = (reason or "").strip()
    free = min(offer.free, request.free)
    slots = max(1, min(slots, free) if slots else free)
    broken = rules.pair_check(offer=offer, request=request, slots=slots)
    # What no coordinator may override is refused exactly as in self-service.
    if any(not rules.overridable(b, offer=offer, request=request) for b in broken):
        raise rules.RulesBroken(broken)
    if broken and not override:
        raise ValidationError(
            [
                *(b.message for b in broken),
                _("To match anyway, tick “override the rules” and give a reason."),
            ],
            code="rules",
        )
    if broken and not reason:
        raise ValidationError({"reason": _("Give a reason for overriding the matching rules.")})
    problems = [b.code for b in broken]
    match = match_propose(
        offer=offer,
        request=request,
        slots=slots,
        source=Match.Source.COORDINATOR,
        by=by,
        overrides=frozenset(problems),
    )
    audit_record(
        actor=by,
        action=action,
        object_type="match",
        object_id=match.pk,
        organisation=request.organisation,
        reason=reason,
        data={
            "offer": offer.pk,
            "request": request.pk,
            "slots": match.slots,
            "rules_overridden": problems,
            **data,
        },
    )
    log.info("oversight.match_proposed", match=match.pk, by=by.pk, overridden=problems)
    return match


@transaction.atomic
def match_propose_by_hand(
    *, by: User, offer: Offer, request: Request, reason: str = "", override: bool = False
) -> Match:
    """Propose the pair to both sides (source "coordinator"). A pair that breaks a rule of the rule
    book (``matching.rules``) is refused with every rule it breaks, unless each is overridable
    (subjects, distance, the date windows but never the past) and `override` and a reason are
    given; the overridden codes and the reason go to the audit log."""
    return _propose(
        by=by,
        offer=offer,
        request=request,
        reason=reason,
        override=override,
        slots=None,
        action="match.proposed_by_coordinator",
        data={},
    )


@transaction.atomic
def pair_block(*, by: User, offer: Offer, request: Request, reason: str) -> BlockedPair:
    """Block the pair for good (the matcher and hand-made proposals skip it) and cancel a live
    match of the pair, if any."""
    request = Request.objects.select_related("organisation").get(pk=request.pk)
    _require_scope(by, request)
    reason = _required_reason(reason)
    if BlockedPair.objects.filter(offer_id=offer.pk, request=request).exists():
        raise ValidationError(_("This pair is already blocked."), code="duplicate")
    pair = BlockedPair(offer_id=offer.pk, request=request, blocked_by=by, reason=reason)
    pair.full_clean()
    pair.save()
    live = Match.objects.filter(offer_id=offer.pk, request=request, status__in=Match.LIVE).first()
    if live is not None:
        _cancel(by=by, match=live, reason=reason)
    audit_record(
        actor=by,
        action="pair.blocked",
        object_type="request",
        object_id=request.pk,
        organisation=request.organisation,
        reason=reason,
        data={"offer": offer.pk, "request": request.pk, "cancelled_match": live.pk if live else None},
    )
    return pair


@transaction.atomic
def matcher_run_for_region(*, by: User) -> list[MatchingRun]:
    """Queue a manual run for each landsdeel the coordinator's provinces lie in (debounced: a run
    already pending is joined). In the embedded eager mode it runs right after the commit."""
    provinces = scope_provinces(by)
    if not provinces:
        raise PermissionDenied
    runs = []
    for landsdeel in sorted({landsdeel_of(p) for p in provinces}):
        run = run_schedule(scope=landsdeel, trigger=MatchingRun.Trigger.MANUAL, by=by, countdown=0)
        runs.append(run)
        audit_record(
            actor=by,
            action="matcher.run_requested",
            object_type="matching_run",
            object_id=run.pk,
            province=next(p for p in provinces if landsdeel_of(p) == landsdeel),
            data={"landsdeel": landsdeel},
        )
    return runs


def _cancel(*, by: User, match: Match, reason: str) -> Match:
    status_before = match.status
    match = match_cancel(match=match, by=by, reason=reason, as_coordinator=True)
    audit_record(
        actor=by,
        action="match.cancelled_by_coordinator",
        object_type="match",
        object_id=match.pk,
        organisation=match.request.organisation,
        reason=match.end_reason,
        data={"status_before": status_before, "offer": match.offer_id, "request": match.request_id},
    )
    return match


@transaction.atomic
def match_cancel_by_coordinator(*, by: User, match: Match, reason: str) -> Match:
    """Cancel a proposed or confirmed match (capacity is released by match_cancel; both sides
    are told, and the matcher looks for the next candidate)."""
    match = Match.objects.select_related("request__organisation").get(pk=match.pk)
    _require_scope(by, match.request)
    return _cancel(by=by, match=match, reason=_required_reason(reason))


@transaction.atomic
def match_rematch(*, by: User, match: Match, offer: Offer, reason: str, override: bool = False) -> Match:
    """Cancel the match and propose another offer for the same request, in one transaction: if
    the new proposal is refused, the old match stays as it was."""
    old = match_cancel_by_coordinator(by=by, match=match, reason=reason)
    return _propose(
        by=by,
        offer=offer,
        request=old.request,
        reason=old.end_reason,
        override=override,
        slots=old.slots,
        action="match.rematched",
        data={"replaces": old.pk},
    )


@transaction.atomic
def coverage_target_set(*, by: User, province: str, percent: int) -> CoverageTarget:
    if province not in scope_provinces(by):
        raise PermissionDenied
    target = CoverageTarget.objects.select_for_update().filter(province=province).first()
    previous = target.percent if target is not None else None
    target = target or CoverageTarget(province=province)
    target.percent, target.set_by, target.updated_at = percent, by, timezone.now()
    target.full_clean()
    target.save()
    audit_record(
        actor=by,
        action="coverage.target_set",
        object_type="coverage_target",
        object_id=target.pk,
        province=province,
        data={"percent": percent, "previous": previous},
    )
    return target

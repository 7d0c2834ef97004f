"""Self-service: a teacher asks an offer for one of the school's requests, company staff propose
one of their offers to a request. The asker's side counts as accepted (`match_propose`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching import selectors
from matching.models import Match
from matching.services import matches


def _counterpart(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("counterpart", ""))
    except ValueError:
        raise Http404 from None


def _slots(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("slots") or 1)
    except ValueError:
        raise ValidationError(_("Enter a whole number of slots.")) from None


def _self_service(
    request: HttpRequest, *, offer_id: int, request_id: int, source: str, back: str, back_pk: int
) -> HttpResponse:
    offer, wanted = selectors.self_service_pair(
        request.user, offer_id=offer_id, request_id=request_id, source=source
    )
    try:
        match = matches.match_propose(
            offer=offer,
            request=wanted,
            slots=_slots(request),
            source=source,
            by=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back, back_pk)
    other = wanted.organisation if source == Match.Source.COMPANY else offer.organisation
    messages.success(
        request,
        _("Sent to %(name)s. They have 7 days to answer; you will be notified.") % {"name": other.name},
    )
    return redirect("matches:detail", match.pk)


@login_required
@require_POST
def offer_ask(request: HttpRequest, pk: int) -> HttpResponse:
    return _self_service(
        request,
        offer_id=pk,
        request_id=_counterpart(request),
        source=Match.Source.SCHOOL,
        back="matching:offer_detail",
        back_pk=pk,
    )


@login_required
@require_POST
def request_propose(request: HttpRequest, pk: int) -> HttpResponse:
    return _self_service(
        request,
        offer_id=_counterpart(request),
        request_id=pk,
        source=Match.Source.COMPANY,
        back="matching:request_detail",
        back_pk=pk,
    )

"""Match pages: the proposals list per side and the match detail with its actions (thin views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Membership
from matching import selectors
from matching.models import Match
from matching.services import matches

TABS = {
    "todo": gettext_lazy("Awaiting my answer"),
    "waiting": gettext_lazy("Awaiting theirs"),
    "confirmed": gettext_lazy("Confirmed"),
    "past": gettext_lazy("Past"),
}


def _tab_filter(tab: str, org_ids: list[int]) -> Q:
    mine_school = Q(request__organisation_id__in=org_ids)
    mine_company = Q(offer__organisation_id__in=org_ids)
    proposed = Q(status=Match.Status.PROPOSED)
    if tab == "todo":
        return proposed & (
            (mine_school & Q(school_accepted_at__isnull=True))
            | (mine_company & Q(company_accepted_at__isnull=True))
        )
    if tab == "waiting":
        return proposed & (
            (mine_school & Q(school_accepted_at__isnull=False))
            | (mine_company & Q(company_accepted_at__isnull=False))
        )
    if tab == "confirmed":
        return Q(status=Match.Status.CONFIRMED)
    return ~Q(status__in=[Match.Status.PROPOSED, Match.Status.CONFIRMED])


@login_required
def match_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "todo")
    if tab not in TABS:
        tab = "todo"
    org_ids = list(Membership.objects.filter(user=request.user).values_list("organisation_id", flat=True))
    visible = selectors.matches_visible_to(request.user)
    counts = {key: visible.filter(_tab_filter(key, org_ids)).count() for key in TABS}
    rows = visible.filter(_tab_filter(tab, org_ids)).order_by("activity_date", "-id")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    tabs = [(key, label, counts[key]) for key, label in TABS.items()]
    return render(
        request, "matching/matches/list.html", {"page": page, "tab": tab, "tabs": tabs, "query": f"tab={tab}"}
    )


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for(request.user, pk)
    sides = matches.match_sides(user=request.user, match=match)
    show_contacts = selectors.match_contacts_visible(request.user, match)
    today = timezone.localdate()
    context = {
        "match": match,
        "sides": sides,
        "can_answer": bool(sides)
        and match.status == Match.Status.PROPOSED
        and (
            ("school" in sides and not match.school_accepted_at)
            or ("company" in sides and not match.company_accepted_at)
        ),
        "can_cancel": bool(sides) and match.status in Match.LIVE,
        "can_feedback": bool(sides)
        and match.activity_date is not None
        and match.activity_date <= today
        and match.status in (Match.Status.CONFIRMED, Match.Status.COMPLETED, Match.Status.EVALUATED)
        and not match.feedback.filter(side="school" if "school" in sides else "company").exists(),
        "feedback": list(match.feedback.all()),
        "contacts": selectors.match_contacts(match) if show_contacts else None,
        "explanation": match.explanation or {},
        "score_percent": round((match.score or 0) * 100),
    }
    return render(request, "matching/matches/detail.html", context)


def _act(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:  # noqa: ANN001
    match = selectors.match_get_for(request.user, pk, write=True)
    try:
        action(match)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("matches:detail", match.pk)


@login_required
@require_POST
def match_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda m: matches.match_accept(match=m, by=request.user),
        _("You accepted. Once the other side accepts too, the activity is confirmed."),
    )


@login_required
@require_POST
def match_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda m: matches.match_decline(match=m, by=request.user, reason=request.POST.get("reason", "")),
        _("You declined. This pair will not be proposed again."),
    )


@login_required
@require_POST
def match_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda m: matches.match_cancel(match=m, by=request.user, reason=request.POST.get("reason", "")),
        _("The match has been cancelled. The other side has been told."),
    )


@login_required
@require_POST
def match_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda m: matches.match_complete(match=m, by=request.user), _("Marked as completed.")
    )


@login_required
@require_POST
def match_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        rating = int(request.POST.get("rating", "0"))
    except ValueError:
        rating = 0
    return _act(
        request,
        pk,
        lambda m: matches.match_feedback(
            match=m, by=request.user, rating=rating, comment=request.POST.get("comment", "")
        ),
        _("Thank you for your feedback."),
    )


@login_required
@require_POST
def match_set_date(request: HttpRequest, pk: int) -> HttpResponse:
    from datetime import date

    def action(m: Match) -> None:
        try:
            day = date.fromisoformat(request.POST.get("activity_date", ""))
        except ValueError:
            raise ValidationError(_("Enter a valid date.")) from None
        matches.match_set_date(match=m, by=request.user, activity_date=day)

    return _act(request, pk, action, _("The date has been saved."))


def _self_service(request: HttpRequest, offer_id: int, request_id: int, source: str) -> HttpResponse:
    offer = selectors.offer_get_for(request.user, offer_id)
    listing_request = selectors.request_get_for(request.user, request_id)
    own = listing_request if source == "school" else offer
    if not selectors.can_edit(request.user, own):
        raise PermissionDenied
    try:
        match = matches.match_propose(offer=offer, request=listing_request, source=source, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(
            "matching:offer_detail" if source == "school" else "matching:request_detail",
            offer.pk if source == "school" else listing_request.pk,
        )
    messages.success(request, _("Sent. The other side has been asked to answer within 7 days."))
    return redirect("matches:detail", match.pk)


def _counterpart_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("counterpart", ""))
    except ValueError:
        raise Http404 from None


@login_required
@require_POST
def offer_ask(request: HttpRequest, pk: int) -> HttpResponse:
    return _self_service(request, pk, _counterpart_id(request), "school")


@login_required
@require_POST
def request_propose(request: HttpRequest, pk: int) -> HttpResponse:
    return _self_service(request, _counterpart_id(request), pk, "company")

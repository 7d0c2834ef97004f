"""The match pages: the list per side (tabs) and the match detail, with its calendar file and
the message thread.

Every read goes through `matching.selectors`, which answers 404 for people outside the match and
`PermissionDenied` (403) for a coordinator who may read a match but not answer it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import access
from matching import selectors
from matching.forms import MatchMessageForm
from matching.models import Feedback, Match
from matching.pagination import LargeListPaginator, counts_remembered
from matching.presenters import ENDED, match_timeline, match_why
from matching.services import calendars, scheduling
from matching.services import messages as messages_service
from matching.views import documents
from matching.views.sides import add_service_errors

PAGE_SIZE = 25
AFTER = (Match.Status.COMPLETED, Match.Status.EVALUATED, Match.Status.NOT_HELD, Match.Status.DISPUTED)
CALENDAR_STATUSES = (Match.Status.CONFIRMED, Match.Status.COMPLETED, Match.Status.EVALUATED)

TABS = {
    "todo": gettext_lazy("Awaiting my answer"),
    "waiting": gettext_lazy("Awaiting theirs"),
    "confirmed": gettext_lazy("Confirmed"),
    "past": gettext_lazy("Past"),
}
# Someone who belongs to neither side (a coordinator) answers nothing: the first tab goes.
READER_TABS = {
    "waiting": gettext_lazy("Awaiting an answer"),
    "confirmed": gettext_lazy("Confirmed"),
    "past": gettext_lazy("Past"),
}
TAB_ORDER = {
    "todo": ("expires_at", "pk"),
    "waiting": ("expires_at", "pk"),
    "confirmed": ("activity_date", "pk"),
    "past": ("-updated_at", "-pk"),
}


def _tab_filter(tab: str, org_ids: list[int]) -> Q:
    """The four tabs split the visible matches without overlap."""
    if tab == "todo":
        return selectors.awaiting_answer_of(org_ids)
    if tab == "waiting":
        # My side accepted, or I am not a side at all (a coordinator reading along).
        return Q(status=Match.Status.PROPOSED) & ~selectors.awaiting_answer_of(org_ids)
    if tab == "confirmed":
        return Q(status=Match.Status.CONFIRMED)
    return Q(status__in=[*ENDED, *AFTER])


@login_required
def match_list(request: HttpRequest) -> HttpResponse:
    org_ids = access.acting_org_ids(request.user)
    tabs = TABS if org_ids else READER_TABS
    tab = request.GET.get("tab", "")
    if tab not in tabs:
        tab = next(iter(tabs))
    visible: QuerySet[Match] = selectors.matches_visible_to(request.user)
    counts = counts_remembered(
        visible, **{key: Count("pk", filter=_tab_filter(key, org_ids)) for key in tabs}
    )
    rows = visible.filter(_tab_filter(tab, org_ids)).order_by(*TAB_ORDER[tab])
    page = LargeListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for match in page.object_list:
        school_side = match.request.organisation_id in org_ids
        company_side = match.offer.organisation_id in org_ids
        if school_side and not company_side:
            others = [match.offer.organisation]
        elif company_side and not school_side:
            others = [match.request.organisation]
        else:
            others = [match.request.organisation, match.offer.organisation]
        items.append({"match": match, "others": others, "why": match_why(match)})
    context = {
        "tab": tab,
        "tabs": [(key, label, counts[key]) for key, label in tabs.items()],
        "page": page,
        "items": items,
        "answers": tab == "todo",
        "reader": not org_ids,
        "query": f"tab={tab}",
        "next": request.get_full_path(),
    }
    return render(request, "matching/matches/list.html", context)


def _link(name: str, pk: int, visible: QuerySet) -> str | None:
    """A link to the offer or request page, only when the viewer may open it."""
    return reverse(name, args=[pk]) if visible.filter(pk=pk).exists() else None


def _oversight_url(name: str, *args: object) -> str | None:
    # matching does not depend on oversight: its pages are linked only when it is installed.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _conduct_url(match: Match) -> str | None:
    url = _oversight_url("oversight:conduct_new")
    return f"{url}?school={match.request.organisation_id}&match={match.pk}" if url else None


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for(request.user, pk)
    return _render_detail(request, match, MatchMessageForm())


@login_required
def match_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the confirmed activity as an .ics file (the same event as the e-mailed invitation)."""
    match = selectors.match_get_for(request.user, pk)
    data = calendars.calendar_file(match) if match.status in CALENDAR_STATUSES else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="techniekpact-match-{match.pk}.ics"'
    return response


def _render_detail(request: HttpRequest, match: Match, message_form: MatchMessageForm) -> HttpResponse:
    sides = access.side_of(request.user, match)
    today = timezone.localdate()
    accepted = {"school": match.school_accepted_at, "company": match.company_accepted_at}
    awaiting_me = match.status == Match.Status.PROPOSED and any(not accepted[side] for side in sides)
    my_feedback_side = Feedback.Side.SCHOOL if "school" in sides else Feedback.Side.COMPANY
    feedback = list(match.feedback.all())
    date_passed = match.last_day is not None and match.last_day <= today
    window = (
        max(match.offer.available_from, match.request.wanted_from),
        min(match.offer.available_until, match.request.wanted_until),
    )
    show_contacts = selectors.match_contacts_visible(request.user, match)
    context = {
        "match": match,
        "is_side": bool(sides),
        "my_side": ("school" if "school" in sides else "company") if sides else None,
        "offer_url": _link(
            "matching:offer_detail", match.offer_id, selectors.offers_visible_to(request.user)
        ),
        "request_url": _link(
            "matching:request_detail", match.request_id, selectors.requests_visible_to(request.user)
        ),
        "timeline": match_timeline(match),
        "why": match_why(match),
        "can_answer": awaiting_me,
        # Once my side has said yes, backing out is a cancellation with a reason.
        "can_cancel": bool(sides) and match.is_live and not awaiting_me,
        "can_set_date": bool(sides) and match.is_live,
        # Recording the students' gender (counts only) is an oversight feature; linked if installed.
        "placement_url": _oversight_url("oversight:placement_record", match.pk)
        if match.offer.kind == "internship" and match.status in CALENDAR_STATUSES and sides
        else None,
        # The school's private report of improper conduct, prefilled with this match (oversight).
        "conduct_url": _conduct_url(match)
        if match.offer.kind == "internship" and "school" in sides and match.status != Match.Status.PROPOSED
        else None,
        "calendar_url": reverse("matches:calendar", args=[match.pk])
        if match.status in CALENDAR_STATUSES and match.activity_date
        else None,
        "window": window,
        "can_feedback": bool(sides)
        and match.status in Match.HELD_STATUSES
        and not any(item.side == my_feedback_side for item in feedback),
        # Dates: the picker's weekdays outside the holidays first; the period fields for internships.
        "date_choices": scheduling.picker_choices(match) if bool(sides) and match.is_live else ([], []),
        "in_holidays": scheduling.in_holidays(match),
        "is_period": scheduling.is_period(match.offer.kind),
        "has_hours": match.offer.kind == "internship",
        "pending_is_mine": bool(match.pending_side) and match.pending_side in sides,
        "can_accept_pending": bool(match.pending_side) and bool(sides - {match.pending_side}),
        # "Did it take place?": after the (last) day, each side once.
        "can_answer_outcome": bool(sides)
        and match.status in (*Match.ANSWERABLE,)
        and date_passed
        and any(getattr(match, f"{side}_held") is None for side in sides),
        "feedback": feedback,
        "ratings": range(1, 6),
        "contacts": selectors.match_contacts(match) if show_contacts else None,
        "thread": list(selectors.match_messages(match)),
        "can_post_message": selectors.match_can_post_message(request.user, match),
        "message_form": message_form,
        **documents.detail_context(request.user, match, sides),
    }
    return render(request, "matching/matches/detail.html", context)


@login_required
@require_POST
def match_message_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Add to the thread. Anyone who may see the match gets this far (404 otherwise); the service
    decides who may write. A refused message comes back on the page with the text kept."""
    match = selectors.match_get_for(request.user, pk)
    form = MatchMessageForm(request.POST)
    if form.is_valid():
        try:
            messages_service.match_message_post(
                match=match, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(reverse("matches:detail", args=[match.pk]) + "#messages")
    return _render_detail(request, match, form)

"""Match pages (issue 4): the proposals list per side and the match detail with its actions.

Thin views: every change goes through `matching.services.matches`, every read through
`matching.selectors`, which answer 404 for people outside the match and `PermissionDenied`
(403) for a coordinator who may read a match but not answer it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from accounts import access
from accounts.models import Membership, User
from matching import document_views, rules, selectors
from matching.forms import MatchMessageForm
from matching.models import Feedback, Match
from matching.pagination import LargeListPaginator
from matching.services import calendars, matches, outcomes, scheduling
from matching.services import messages as messages_service
from matching.services.outcome_links import outcome_link_read
from taxonomy.levels import Level
from taxonomy.subjects import Subject

PAGE_SIZE = 25
ENDED = (Match.Status.DECLINED, Match.Status.EXPIRED, Match.Status.CANCELLED)
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


def _org_ids(request: HttpRequest) -> list[int]:
    return access.acting_org_ids(request.user)


def _awaiting_me(org_ids: list[int]) -> Q:
    return selectors.awaiting_answer_of(org_ids)


def _tab_filter(tab: str, org_ids: list[int]) -> Q:
    """The four tabs split the visible matches without overlap."""
    if tab == "todo":
        return _awaiting_me(org_ids)
    if tab == "waiting":
        # My side accepted, or I am not a side at all (a coordinator reading along).
        return Q(status=Match.Status.PROPOSED) & ~_awaiting_me(org_ids)
    if tab == "confirmed":
        return Q(status=Match.Status.CONFIRMED)
    return Q(status__in=[*ENDED, *AFTER])


def _label(choices: type[Level] | type[Subject], code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _iso(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _why(match: Match) -> dict[str, Any]:
    """The stored explanation (engine/scoring.py `explain`) in display form: every line states
    something true of the pair (shares only for what the pair uses; rules a coordinator
    overrode are named)."""
    e = match.explanation or {}
    subjects = e.get("subjects") or []
    components = e.get("components") or {}
    component_labels = {
        "subjects": _("Subjects"),
        "levels": _("Levels"),
        "distance": _("Distance"),
        "dates": _("Dates"),
    }
    return {
        "percent": round(100 * (match.score or e.get("score") or 0)),
        "levels": [_label(Level, code) for code in e.get("levels") or []],
        "any_subject": subjects == "any",
        "subjects": [] if subjects == "any" else [_label(Subject, code) for code in subjects],
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


@login_required
def match_list(request: HttpRequest) -> HttpResponse:
    org_ids = _org_ids(request)
    tabs = TABS if org_ids else READER_TABS
    tab = request.GET.get("tab", "")
    if tab not in tabs:
        tab = next(iter(tabs))
    visible: QuerySet[Match] = selectors.matches_visible_to(request.user)
    counts = visible.aggregate(**{key: Count("pk", filter=_tab_filter(key, org_ids)) for key in tabs})
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
        items.append({"match": match, "others": others, "why": _why(match)})
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
    """A link to the offer or request page, only when the page exists and the viewer may open it."""
    try:
        url = reverse(name, args=[pk])
    except NoReverseMatch:
        return None
    return url if visible.filter(pk=pk).exists() else None


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


def _timeline(match: Match) -> list[dict[str, Any]]:
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


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for(request.user, pk)
    return _render_detail(request, match, MatchMessageForm())


def _optional_url(name: str, *args: object) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


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


def _conduct_url(match: Match) -> str | None:
    url = _optional_url("oversight:conduct_new")
    return f"{url}?school={match.request.organisation_id}&match={match.pk}" if url else None


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
        "timeline": _timeline(match),
        "why": _why(match),
        "can_answer": awaiting_me,
        # Once my side has said yes, backing out is a cancellation with a reason.
        "can_cancel": bool(sides) and match.is_live and not awaiting_me,
        "can_set_date": bool(sides) and match.is_live,
        # Recording the students' gender (counts only) is an oversight feature; linked if installed.
        "placement_url": _optional_url("oversight:placement_record", match.pk)
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
        **document_views.detail_context(request.user, match),
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
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, texts in errors.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(reverse("matches:detail", args=[match.pk]) + "#messages")
    return _render_detail(request, match, form)


def _back(request: HttpRequest, match: Match) -> HttpResponse:
    """Back to where the form was (the list's inline buttons), else to the match."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("matches:detail", match.pk)


FIELD_LABELS = {
    "activity_date": gettext_lazy("Date"),
    "activity_until": gettext_lazy("Until"),
    "hours_per_week": gettext_lazy("Hours per week"),
    "start": gettext_lazy("Starts at"),
    "end": gettext_lazy("Ends at"),
    "reason": gettext_lazy("Reason"),
}


def _error_messages(exc: ValidationError) -> list[str]:
    """A service's errors for the page, each naming its field."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [
        f"{FIELD_LABELS[field]}: {message}" if field in FIELD_LABELS else message
        for field, messages_ in exc.message_dict.items()
        for message in messages_
    ]


def _act(request: HttpRequest, pk: int, action: Callable[[Match], str]) -> HttpResponse:
    """Run one service on a match the person may answer; show its outcome as a message."""
    match = selectors.match_get_for(request.user, pk, write=True)
    try:
        done = action(match)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
        return redirect("matches:detail", match.pk)
    messages.success(request, done)
    return _back(request, match)


@login_required
@require_POST
def match_accept(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        moving = match.status == Match.Status.CONFIRMED and bool(match.pending_side)
        match = matches.match_accept(match=match, by=request.user)
        if moving:
            return _("The new date is agreed; both sides get an updated calendar invitation.")
        if match.status == Match.Status.CONFIRMED:
            return _("Confirmed! Both sides accepted; the contact details are now shown on the match.")
        return _("You accepted. Once the other side accepts too, the activity is confirmed.")

    return _act(request, pk, action)


@login_required
@require_POST
def match_decline(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        matches.match_decline(match=match, by=request.user, reason=request.POST.get("reason", ""))
        return _("You declined. This pair is not proposed again; the matcher looks for another candidate.")

    return _act(request, pk, action)


@login_required
@require_POST
def match_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        matches.match_cancel(match=match, by=request.user, reason=request.POST.get("reason", ""))
        return _("Cancelled. The other side has been told, with your reason.")

    return _act(request, pk, action)


@login_required
@require_POST
def match_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The two buttons "it took place" / "it did not take place" (with a reason)."""

    def action(match: Match) -> str:
        held = request.POST.get("held") == "yes"
        outcomes.match_outcome(match=match, by=request.user, held=held, reason=request.POST.get("reason", ""))
        return _("Thank you: your answer is recorded.")

    return _act(request, pk, action)


@csrf_protect
def match_outcome_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed one-click answer from the e-mail: no login, only records that answer.

    "It took place" is recorded on opening the link; "it did not take place" asks for the reason
    first. A forged or expired link, or an answer the service refuses, shows a page saying so."""
    link = outcome_link_read(token)
    match = user = None
    if link is not None:
        match = (
            Match.objects.select_related("offer__organisation", "request__organisation")
            .filter(pk=link.match_id)
            .first()
        )
        user = User.objects.filter(pk=link.user_id, is_active=True).first()
    if link is None or match is None or user is None:
        return render(request, "matching/matches/outcome_link.html", {"invalid": True}, status=400)
    context: dict[str, Any] = {"match": match, "held": link.held, "token": token}
    if not link.held and request.method != "POST":
        return render(request, "matching/matches/outcome_link.html", {**context, "ask_reason": True})
    try:
        outcomes.match_outcome(
            match=match, by=user, held=link.held, reason=request.POST.get("reason", ""), side=link.side
        )
    except PermissionDenied:
        return render(request, "matching/matches/outcome_link.html", {"invalid": True}, status=403)
    except ValidationError as exc:
        context.update(
            errors=exc.messages, ask_reason=not link.held and "reason" in getattr(exc, "message_dict", {})
        )
        return render(request, "matching/matches/outcome_link.html", context, status=400)
    return render(request, "matching/matches/outcome_link.html", {**context, "recorded": True})


def _posted_date(request: HttpRequest, field: str, *, required: bool) -> date | None:
    raw = request.POST.get(field, "").strip()
    if not raw and not required:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: _("Enter a date, for example 2026-03-12.")}) from None


@login_required
@require_POST
def match_set_date(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        day = _posted_date(request, "activity_date", required=True)
        until = _posted_date(request, "activity_until", required=False)
        times = {}
        for field in ("start", "end"):
            raw = request.POST.get(f"activity_{field}", "").strip()
            try:
                times[field] = time.fromisoformat(raw) if raw else None
            except ValueError:
                raise ValidationError({field: _("Enter a time, for example 09:30.")}) from None
        raw_hours = request.POST.get("hours_per_week", "").strip()
        try:
            hours = int(raw_hours) if raw_hours else None
        except ValueError:
            raise ValidationError({"hours_per_week": _("Give 1 to 40 hours per week.")}) from None
        match = matches.match_set_date(
            match=match,
            by=request.user,
            activity_date=day,
            activity_until=until,
            hours_per_week=hours,
            **times,
        )
        if match.pending_side:
            return _("Your new date is proposed; the confirmed date stays until the other side accepts it.")
        if match.status == Match.Status.CONFIRMED:
            return _("The date is agreed by both sides.")
        return _("Your date is proposed; the other side is asked to accept it.")

    return _act(request, pk, action)


@login_required
@require_POST
def match_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    def action(match: Match) -> str:
        try:
            rating = int(request.POST.get("rating", ""))
        except ValueError:
            raise ValidationError(_("Choose a rating from 1 to 5.")) from None
        outcomes.match_feedback(
            match=match, by=request.user, rating=rating, comment=request.POST.get("comment", "")
        )
        return _("Thank you for your feedback.")

    return _act(request, pk, action)


# Self-service: a teacher asks an offer for one of the school's requests, company staff propose
# one of their offers to a request. The asker's side counts as accepted (match_propose).


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


def _listing_url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return reverse("matches:list")


def _self_service(
    request: HttpRequest, *, offer_id: int, request_id: int, source: str, back: str
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
        return redirect(back)
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
        back=_listing_url("matching:offer_detail", pk),
    )


@login_required
@require_POST
def request_propose(request: HttpRequest, pk: int) -> HttpResponse:
    return _self_service(
        request,
        offer_id=_counterpart(request),
        request_id=pk,
        source=Match.Source.COMPANY,
        back=_listing_url("matching:request_detail", pk),
    )

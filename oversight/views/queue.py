"""The unmatched queue, the pair page (match by hand / block), run now, and the coordinator's
actions on one match (cancel / re-match). Everything is filtered by the coordinator's provinces:
a request, pair or match of a school elsewhere answers 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from matching import rules
from matching.models import Match, Request
from matching.pagination import LargeListPaginator
from matching.presenters import match_why, why_this_match
from matching.selectors import offers_visible_to
from oversight.access import coordinator_required, scope_provinces
from oversight.selectors import audit as audit_selectors
from oversight.selectors import queue as queue_selectors
from oversight.services import actions
from taxonomy.kinds import Kind
from taxonomy.levels import Level
from taxonomy.regions import Landsdeel, Province

REASON_REQUIRED = gettext_lazy("Give a reason: the people involved and the audit log see it.")


class QueueFilterForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", gettext_lazy("All kinds")), *Kind.choices]
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        choices=[("", gettext_lazy("All levels")), *Level.choices],
    )

    def __init__(self, *args: Any, provinces: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Province.choices)
        self.fields["province"].choices = [("", gettext_lazy("All my provinces"))] + [
            (p, labels.get(p, p)) for p in provinces
        ]


class ProposeForm(forms.Form):
    override = forms.BooleanField(
        label=gettext_lazy("Override the rules (propose although the pair breaks a matching rule)"),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (required when you override the rules)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": REASON_REQUIRED},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(REASON_REQUIRED)
        return reason


class RematchForm(ReasonForm):
    """Pick one of the shown candidates, or give the number of another offer."""

    offer = forms.IntegerField(
        label=gettext_lazy("Offer to propose instead"), min_value=1, required=False, widget=forms.RadioSelect
    )
    other_offer = forms.IntegerField(
        label=gettext_lazy("Or another offer (its number)"), min_value=1, required=False
    )
    override = forms.BooleanField(
        label=gettext_lazy("Override the rules (propose although the pair breaks a matching rule)"),
        required=False,
    )

    def __init__(self, *args: Any, candidates: list[dict[str, Any]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["offer"].widget.choices = [
            (
                item["candidate"].offer.pk,
                f"{item['candidate'].offer.title} — {item['candidate'].offer.organisation.name} "
                f"(#{item['candidate'].offer.pk}, {item['why']['percent']}%)",
            )
            for item in candidates
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["offer"] = data.get("other_offer") or data.get("offer")
        if not data["offer"] and "offer" not in self.errors and "other_offer" not in self.errors:
            self.add_error("offer", _("Choose one of the candidates or give the number of an offer."))
        return data


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _scoped_requests(request: HttpRequest):  # noqa: ANN202
    return Request.objects.select_related("organisation").filter(
        organisation__province__in=scope_provinces(request.user)
    )


def _scoped_matches(request: HttpRequest):  # noqa: ANN202
    return Match.objects.select_related("offer__organisation", "request__organisation").filter(
        request__organisation__province__in=scope_provinces(request.user)
    )


def _with_why(candidates: list[queue_selectors.Candidate]) -> list[dict[str, Any]]:
    return [{"candidate": c, "why": why_this_match(c.explanation, c.score)} for c in candidates]


@coordinator_required
def queue(request: HttpRequest) -> HttpResponse:
    provinces = scope_provinces(request.user)
    form = QueueFilterForm(request.GET or None, provinces=provinces)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = queue_selectors.unmatched_requests(
        provinces=provinces,
        province=filters.get("province", ""),
        kind=filters.get("kind", ""),
        level=filters.get("level", ""),
    )
    page = LargeListPaginator(rows, queue_selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    found = queue_selectors.queue_candidates(page.object_list)
    items = [{"request": r, "candidates": _with_why(found.get(r.pk, []))} for r in page.object_list]
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "oversight/queue.html",
        {"form": form, "page": page, "items": items, "query": query},
    )


@coordinator_required
def pair_pick(request: HttpRequest, request_pk: int) -> HttpResponse:
    """The queue's "another offer" field: go to that pair's page."""
    wanted = get_object_or_404(_scoped_requests(request), pk=request_pk)
    try:
        offer_pk = int(request.GET.get("offer", ""))
    except ValueError:
        messages.error(request, _("Enter the number of an offer."))
        return redirect("oversight:queue")
    return redirect("oversight:pair", request_pk=wanted.pk, offer_pk=offer_pk)


@coordinator_required
def pair(request: HttpRequest, request_pk: int, offer_pk: int) -> HttpResponse:
    """One (offer, request) pair: why it fits or which rules it breaks; propose it or block it."""
    wanted = get_object_or_404(_scoped_requests(request), pk=request_pk)
    offer = get_object_or_404(offers_visible_to(request.user), pk=offer_pk)
    action = request.POST.get("action") if request.method == "POST" else None
    propose_form = ProposeForm(request.POST if action == "propose" else None, prefix="propose")
    block_form = ReasonForm(request.POST if action == "block" else None, prefix="block")
    if action == "propose" and propose_form.is_valid():
        try:
            match = actions.match_propose_by_hand(
                by=request.user,
                offer=offer,
                request=wanted,
                override=propose_form.cleaned_data["override"],
                reason=propose_form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_errors(propose_form, exc)
        else:
            messages.success(request, _("Proposed. Both sides have been told and can now answer."))
            return redirect("oversight:match", pk=match.pk)
    elif action == "block" and block_form.is_valid():
        try:
            actions.pair_block(
                by=request.user, offer=offer, request=wanted, reason=block_form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(block_form, exc)
        else:
            messages.success(request, _("Blocked. The matcher will never propose this pair."))
            return redirect("oversight:queue")
    broken = rules.pair_check(offer=offer, request=wanted)
    score, explanation = rules.pair_explanation(offer=offer, request=wanted)
    context = {
        "wanted": wanted,
        "offer": offer,
        "problems": [
            {
                "code": b.code,
                "message": b.message,
                "overridable": rules.overridable(b, offer=offer, request=wanted),
            }
            for b in broken
        ],
        "why": why_this_match(explanation, score),
        "propose_form": propose_form,
        "block_form": block_form,
    }
    status = 400 if action and (propose_form.errors or block_form.errors) else 200
    return render(request, "oversight/pair.html", context, status=status)


@coordinator_required
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    runs = actions.matcher_run_for_region(by=request.user)
    labels = dict(Landsdeel.choices)
    regions = ", ".join(str(labels.get(run.scope, run.scope)) for run in runs)
    messages.success(
        request,
        _("The matcher runs for %(regions)s. New proposals appear in the queue and reach both sides.")
        % {"regions": regions},
    )
    return redirect("oversight:queue")


@coordinator_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A match with its audit trail and the coordinator's cancel and re-match forms."""
    match = get_object_or_404(_scoped_matches(request), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    cancel_form = ReasonForm(request.POST if action == "cancel" else None, prefix="cancel")
    candidates = []
    if match.is_live:
        found = queue_selectors.candidate_offers([match.request], extra_slots={match.request_id: match.slots})
        candidates = _with_why(found.get(match.request_id, []))
    rematch_form = RematchForm(
        request.POST if action == "rematch" else None, prefix="rematch", candidates=candidates
    )
    if action == "cancel" and cancel_form.is_valid():
        try:
            actions.match_cancel_by_coordinator(
                by=request.user, match=match, reason=cancel_form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(cancel_form, exc)
        else:
            messages.success(request, _("The match is cancelled. Both sides have been told."))
            return redirect("oversight:match", pk=match.pk)
    elif action == "rematch" and rematch_form.is_valid():
        data = rematch_form.cleaned_data
        offer = offers_visible_to(request.user).filter(pk=data["offer"]).first()
        if offer is None:
            rematch_form.add_error("offer", _("There is no open offer with this number."))
        else:
            try:
                new = actions.match_rematch(
                    by=request.user,
                    match=match,
                    offer=offer,
                    reason=data["reason"],
                    override=data["override"],
                )
            except ValidationError as exc:
                _add_errors(rematch_form, exc)
            else:
                messages.success(request, _("Re-matched. The new proposal has reached both sides."))
                return redirect("oversight:match", pk=new.pk)
    provinces = scope_provinces(request.user)
    context = {
        "match": match,
        "why": match_why(match),
        "entries": audit_selectors.audit_for_match(provinces=provinces, match=match)[:100],
        "cancel_form": cancel_form,
        "rematch_form": rematch_form,
        "candidates": candidates,
    }
    status = 400 if action and (cancel_form.errors or rematch_form.errors) else 200
    return render(request, "oversight/match.html", context, status=status)

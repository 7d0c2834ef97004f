"""Coordinators acting for a school or company that has no (active) account: record how it was
reached, create the organisation, invite its first admin, and post a request or offer on its
behalf. Every step is a service of accounts or matching, audited there."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.forms import InvitationForm, OrganisationForm
from accounts.models import Organisation
from accounts.services import invitations, organisations
from matching.models import Offer, Request
from matching.services import listings
from oversight.access import coordinator_required, scope_provinces
from taxonomy.kinds import Kind
from taxonomy.levels import Level
from taxonomy.places import all_places


class ContactForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("General e-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("General phone"), max_length=30, required=False)
    contacted_on = forms.DateField(
        label=gettext_lazy("Last contacted on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class OnBehalfForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    levels = forms.MultipleChoiceField(
        label=gettext_lazy("Levels"), choices=Level.choices, widget=forms.CheckboxSelectMultiple
    )
    amount = forms.IntegerField(label=gettext_lazy("How many?"), min_value=1, max_value=10000, initial=1)
    date_from = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_until = forms.DateField(label=gettext_lazy("Until"), widget=forms.DateInput(attrs={"type": "date"}))


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    """An organisation of the coordinator's provinces (others: 404)."""
    return get_object_or_404(Organisation, pk=pk, province__in=scope_provinces(request.user))


def _errors_to(form: forms.Form, exc: ValidationError, fields: dict[str, str] | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = (fields or {}).get(field, field)
            for error in errors:
                form.add_error(target if target in form.fields else None, error)
    else:
        form.add_error(None, exc)


@coordinator_required
def act_for(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request, pk)
    contact = ContactForm(
        initial={
            "email": org.email,
            "phone": org.phone,
            "contacted_on": org.last_contacted_on,
            "note": org.contact_note,
        }
    )
    invite, listing = InvitationForm(initial={"is_admin": True}), OnBehalfForm()
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "contact":
                contact = ContactForm(request.POST)
                if contact.is_valid():
                    data = contact.cleaned_data
                    organisations.organisation_contact_record(
                        organisation=org,
                        by=request.user,
                        email=data["email"],
                        phone=data["phone"],
                        note=data["note"],
                        contacted_on=data["contacted_on"],
                    )
                    messages.success(request, _("The contact details are saved."))
                    return redirect("oversight:act_for", org.pk)
            elif step == "invite":
                invite = InvitationForm(request.POST)
                if invite.is_valid():
                    invitations.invitation_create(
                        organisation=org, email=invite.cleaned_data["email"], by=request.user, is_admin=True
                    )
                    messages.success(
                        request, _("Invitation sent to %(email)s.") % {"email": invite.cleaned_data["email"]}
                    )
                    return redirect("oversight:act_for", org.pk)
            elif step == "listing":
                listing = OnBehalfForm(request.POST)
                if listing.is_valid():
                    created = _post_for(request, org, listing.cleaned_data)
                    messages.success(
                        request,
                        _("Posted for %(name)s as a draft: “%(title)s”.")
                        % {"name": org.name, "title": created.title},
                    )
                    return redirect("oversight:act_for", org.pk)
        except ValidationError as exc:
            form = {"contact": contact, "invite": invite}.get(step or "", listing)
            _errors_to(form, exc, {"email": "email"})
        status = 400
    context = {
        "organisation": org,
        "contact_form": contact,
        "invite_form": invite,
        "listing_form": listing,
        "has_admin": org.memberships.filter(is_admin=True).exists(),
        "posted": list(
            (Request if org.is_school else Offer).objects.filter(
                organisation=org, posted_by_coordinator=True
            )[:20]
        ),
    }
    return render(request, "oversight/act_for.html", context, status=status)


def _post_for(request: HttpRequest, org: Organisation, data: dict) -> Offer | Request:
    common = {
        "kind": data["kind"],
        "title": data["title"],
        "description": data["description"],
        "levels": data["levels"],
        "subjects": [],
    }
    if org.is_school:
        return listings.listing_create(
            Request,
            organisation=org,
            by=request.user,
            slots=data["amount"],
            wanted_from=data["date_from"],
            wanted_until=data["date_until"],
            **common,
        )
    return listings.listing_create(
        Offer,
        organisation=org,
        by=request.user,
        capacity=data["amount"],
        available_from=data["date_from"],
        available_until=data["date_until"],
        **common,
    )


@coordinator_required
def organisation_create_for(request: HttpRequest) -> HttpResponse:
    """A coordinator registers a school or company of their province (unverified until verified)."""
    form = OrganisationForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            org = organisations.organisation_create(
                user=request.user, as_coordinator=True, **form.organisation_fields()
            )
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered. Verify it and invite its first admin.") % {"name": org.name},
            )
            return redirect("oversight:act_for", org.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "places": all_places()})

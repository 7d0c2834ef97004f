"""Pages for running an organisation: the switcher, members and admins, leaving, invitations,
join requests, and personal API tokens. Each view parses the input and calls one service."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access, selectors, tokens
from accounts.forms import JoinRequestForm, TokenForm
from accounts.models import ApiToken, Invitation, JoinRequest, Membership, Organisation
from accounts.services import invitations, memberships


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
@require_POST
def organisation_switch(request: HttpRequest) -> HttpResponse:
    """The header's switcher: work as another of one's organisations from now on."""
    org = get_object_or_404(Organisation, pk=request.POST.get("organisation") or 0)
    access.activate(request, org)  # 403 for an organisation one is not a member of
    messages.success(request, _("You are now working as %(name)s.") % {"name": org.name})
    return redirect("accounts:dashboard")


@login_required
@require_POST
def member_set_admin(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    org = selectors.organisation_get_for(request.user, pk, admin=True)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, organisation=org
    )
    make_admin = request.POST.get("is_admin") == "1"
    try:
        memberships.membership_set_admin(membership=membership, by=request.user, is_admin=make_admin)
    except ValidationError as exc:
        _error(request, exc)
    else:
        text = _("%(name)s is now an admin.") if make_admin else _("%(name)s is no longer an admin.")
        messages.success(request, text % {"name": membership.user})
    return redirect("accounts:organisation_detail", org.pk)


@login_required
@require_POST
def organisation_leave(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk, memberships__user=request.user)
    try:
        memberships.membership_leave(user=request.user, organisation=org)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("accounts:organisation_detail", org.pk)
    messages.success(request, _("You have left %(name)s.") % {"name": org.name})
    return redirect("accounts:dashboard")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_id: int) -> HttpResponse:
    org = selectors.organisation_get_for(request.user, pk, admin=True)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=org)
    try:
        invitations.invitation_resend(invitation=invitation, by=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Invitation sent to %(email)s again.") % {"email": invitation.email})
    return redirect("accounts:organisation_detail", org.pk)


@login_required
def organisation_search(request: HttpRequest) -> HttpResponse:
    """Find one's school or company before creating it: ask to join instead of a duplicate."""
    query = request.GET.get("q", "")
    context = {
        "query": query,
        "results": selectors.organisations_search(query),
        "member_of": {m.organisation_id for m in access.memberships_of(request.user)},
        "form": JoinRequestForm(),
    }
    return render(request, "accounts/organisation_search.html", context)


@login_required
@require_POST
def join_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    form = JoinRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        memberships.join_request_create(organisation=org, user=request.user, message=message)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("Your request to join %(name)s has been sent to its admins.") % {"name": org.name}
        )
    return redirect("accounts:dashboard")


@login_required
@require_POST
def join_request_decide(request: HttpRequest, pk: int, join_request_id: int) -> HttpResponse:
    org = selectors.organisation_get_for(request.user, pk, admin=True)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=join_request_id, organisation=org
    )
    approve = request.POST.get("decision") == "approve"
    try:
        memberships.join_request_decide(join_request=join_request, by=request.user, approve=approve)
    except ValidationError as exc:
        _error(request, exc)
    else:
        text = _("%(name)s is now a member.") if approve else _("The request of %(name)s was refused.")
        messages.success(request, text % {"name": join_request.user})
    return redirect("accounts:organisation_detail", org.pk)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: create (the secret is shown once, on this page), list, revoke."""
    form = TokenForm(request.POST or None)
    created_key = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires = data["expires_at"]
        try:
            _token, created_key = tokens.api_token_create(
                user=request.user,
                name=data["name"],
                read_only=data["read_only"],
                expires_at=timezone.make_aware(datetime.combine(expires, time.max)) if expires else None,
                organisation=access.active_organisation(request.user),
                two_factor_session=tokens.session_used_two_factor(request),
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            form = TokenForm()
    context = {
        "form": form,
        "created_key": created_key,
        "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).select_related(
            "organisation"
        ),
        "needs_two_factor": tokens.needs_two_factor(request.user),
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    tokens.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:tokens")

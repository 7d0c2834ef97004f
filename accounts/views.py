from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access, selectors
from accounts.forms import InvitationForm, OrganisationForm, ProfileForm, RejectForm
from accounts.models import Invitation, JoinRequest, Membership, Organisation
from accounts.services import invitations, memberships, organisations, users
from taxonomy.places import all_places


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return render(request, "accounts/home.html")


def _form_errors_from(exc: ValidationError, form: object) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None  # type: ignore[attr-defined]
            for error in errors:
                form.add_error(target, error)  # type: ignore[attr-defined]
    else:
        form.add_error(None, exc)  # type: ignore[attr-defined]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = access.active_membership(request.user)
    if membership is None and request.user.is_coordinator:
        return redirect("oversight:dashboard")  # a coordinator's own dashboard, with their to-do
    context = {
        "membership": membership,
        "invitations": selectors.invitations_open_for(request.user),
        "verification_count": (
            selectors.verification_queue(request.user).count() if request.user.is_coordinator else 0
        ),
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = selectors.organisation_by_registry(kind=data["kind"], brin=data["brin"], kvk=data["kvk"])
        if existing is not None and existing.is_verified:
            # Never a second copy of a verified organisation: ask its admins instead.
            return _join_instead(request, existing)
        try:
            org = organisations.organisation_create(user=request.user, **form.organisation_fields())
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(
                request,
                _("%(name)s has been created. A coordinator of your province will verify it soon.")
                % {"name": org.name},
            )
            return redirect("accounts:organisation_detail", org.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "places": all_places()})


def _join_instead(request: HttpRequest, existing: Organisation) -> HttpResponse:
    try:
        memberships.join_request_create(organisation=existing, user=request.user)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.info(
            request,
            _(
                "%(name)s is already registered and verified, so we did not create it again. "
                "We asked its admins to let you join."
            )
            % {"name": existing.name},
        )
    return redirect("accounts:dashboard")


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get_for(request.user, pk)
    is_admin = memberships.membership_is_admin(user=request.user, organisation=org)
    context = {
        "organisation": org,
        "is_admin": is_admin,
        "members": org.memberships.select_related("user").order_by("-is_admin", "user__name"),
        "invitations": org.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        if is_admin
        else [],
        "invite_form": InvitationForm(),
        "is_member": access.is_member(request.user, org),
        "join_requests": org.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("user")
        if is_admin
        else [],
        # Who changed what in the organisation, for its members and coordinators.
        "history": org.audit_entries.filter(
            action__regex=r"^(membership|invitation|join_request|organisation)\."
        )[:50],
    }
    return render(request, "accounts/organisation_detail.html", context)


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get_for(request.user, pk, admin=True)
    initial = {
        "name": org.name,
        "brin": org.brin,
        "kvk": org.kvk,
        "place": org.place,
        "province": org.province,
        "levels": org.levels,
        "sectors": org.sectors,
        "description": org.description,
        "website": org.website,
    }
    form = OrganisationForm(request.POST or None, initial=initial, fixed_kind=org.kind)
    if request.method == "POST" and form.is_valid():
        try:
            organisations.organisation_update(organisation=org, by=request.user, **form.organisation_fields())
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("The organisation profile has been saved."))
            return redirect("accounts:organisation_detail", org.pk)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "places": all_places(), "organisation": org},
    )


@login_required
@require_POST
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get_for(request.user, pk, admin=True)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitations.invitation_create(
                organisation=org,
                email=form.cleaned_data["email"],
                by=request.user,
                is_admin=form.cleaned_data["is_admin"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("accounts:organisation_detail", org.pk)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_id: int) -> HttpResponse:
    org = selectors.organisation_get_for(request.user, pk, admin=True)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=org)
    invitations.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation has been withdrawn."))
    return redirect("accounts:organisation_detail", org.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    org = selectors.organisation_get_for(request.user, pk, admin=True)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=org)
    try:
        memberships.membership_remove(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
    return redirect("accounts:organisation_detail", org.pk)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if not request.user.is_authenticated:
        return render(
            request, "accounts/invitation_accept.html", {"invitation": invitation, "anonymous": True}
        )
    if request.method == "POST":
        try:
            membership = invitations.invitation_accept(token=token, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("accounts:dashboard")
        messages.success(request, _("Welcome to %(name)s!") % {"name": membership.organisation.name})
        return redirect("accounts:organisation_detail", membership.organisation_id)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"name": user.name, "phone": user.phone, "language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        users.user_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        response = HttpResponseRedirect(reverse("accounts:profile"))
        from django.conf import settings

        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's nl/en switch: a cookie for everyone, and the preference for signed-in people."""
    from django.conf import settings
    from django.utils.http import url_has_allowed_host_and_scheme

    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        if request.user.is_authenticated:
            users.user_update_profile(user=request.user, language=language)
    return response


def _require_coordinator(request: HttpRequest) -> None:
    if not request.user.is_coordinator:
        raise PermissionDenied


@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    queue = selectors.verification_queue(request.user)
    context = {
        "queue": queue,
        "reject_form": RejectForm(),
        "identity_changes": selectors.identity_changes_queue(request.user),
    }
    return render(request, "accounts/verification_queue.html", context)


@login_required
@require_POST
def organisation_identity_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator of the old or the new province approves or refuses an identity change."""
    _require_coordinator(request)
    org = get_object_or_404(selectors.identity_changes_queue(request.user), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        organisations.organisation_identity_decide(organisation=org, by=request.user, approve=approve)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = (
            _("The change of %(name)s is approved.") if approve else _("The change of %(name)s is refused.")
        )
        messages.success(request, text % {"name": org.name})
    return redirect("accounts:verification_queue")


@login_required
@require_POST
def organisation_verify(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    org = get_object_or_404(Organisation, pk=pk, province__in=request.user.coordinator_provinces)
    organisations.organisation_verify(organisation=org, by=request.user)
    messages.success(request, _("%(name)s is verified.") % {"name": org.name})
    return redirect("accounts:verification_queue")


@login_required
@require_POST
def organisation_reject(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    org = get_object_or_404(Organisation, pk=pk, province__in=request.user.coordinator_provinces)
    form = RejectForm(request.POST)
    if form.is_valid():
        organisations.organisation_reject(
            organisation=org, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("%(name)s has been told what to fix.") % {"name": org.name})
    else:
        messages.error(request, _("Give a reason, so the organisation knows what to fix."))
    return redirect("accounts:verification_queue")

"""The privacy page, the personal-data download and deleting one's own account."""

from __future__ import annotations

import json

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from accounts.http import client_ip
from accounts.personal_data import personal_data_export
from accounts.privacy import retention_rules
from accounts.services import users


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def privacy(request: HttpRequest) -> HttpResponse:
    """What we store and why, in plain language; open to everyone."""
    days = settings.PRIVACY_INACTIVE_DAYS
    return render(
        request,
        "accounts/privacy.html",
        {
            "inactive_days": days,
            "inactive_years": round(days / 365, 1) if days % 365 else days // 365,
            # What the nightly retention purge deletes, as each app registered it.
            "retention": [rule.describe() for rule in retention_rules()],
        },
    )


@never_cache
@login_required
def privacy_export(request: HttpRequest) -> HttpResponse:
    data = personal_data_export(user=request.user, ip_address=client_ip(request))  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"techniekpact-match-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """Confirm with the password, then anonymise the account and log out."""
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            # allauth's check counts towards the failed-login rate limit and is audited as one.
            password_ok = get_adapter(request).reauthenticate(user, form.cleaned_data["password"])
        except ValidationError as exc:  # too many attempts
            form.add_error("password", exc)
        else:
            if not password_ok:
                form.add_error("password", _("That is not your password."))
            else:
                try:
                    users.user_delete(user=user, by=user)  # type: ignore[arg-type]
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    # Not logout(): its signal would write a "logout" entry, with an IP address,
                    # for an account that no longer has a name. "account.deleted" says it all.
                    request.session.flush()
                    request.user = AnonymousUser()
                    messages.success(request, _("Your account has been deleted. Goodbye!"))
                    return redirect("accounts:home")
    return render(request, "accounts/account_delete.html", {"form": form})

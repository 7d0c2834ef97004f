"""Abuse resistance and the security audit log: log-in throttling, password strength, the admin
login behind allauth, API throttling per account, and audit entries for security events."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import AuditEntry, User
from accounts.services.memberships import membership_set_admin
from tests.accounts.factories import PASSWORD, make_api_token

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _key_limit() -> int:
    """K of the per-address part of allauth's login_failed limit, e.g. "5/300s/key" -> 5."""
    for part in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(","):
        if part.endswith("/key"):
            return int(part.split("/")[0])
    raise AssertionError("no per-login limit configured")


def _login(client, email: str, password: str, **extra: str):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Log-in throttling -----------------------------------------------------------------------


def test_after_k_failed_logins_even_the_right_password_is_refused_for_a_while(client, cast):
    # The test settings use the LocMemCache (no REDIS_URL), which counts per process: right for
    # this single-process test. Production counts in Redis, shared by every web process.
    k = _key_limit()
    assert k <= 5
    for attempt in range(k):
        # Rotating addresses and a forged X-Forwarded-For do not reset the count per account.
        response = _login(
            client,
            "teacher@school.nl",
            f"wrong-{attempt}",
            REMOTE_ADDR=f"198.51.100.{attempt + 1}",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt + 1}",
        )
        assert response.status_code == 200 and not _logged_in(client)

    refused = _login(client, "teacher@school.nl", PASSWORD, REMOTE_ADDR="198.51.100.99")
    assert refused.status_code == 200
    assert "Too many failed login attempts" in refused.content.decode()
    assert not _logged_in(client)

    # Someone else is not locked out by it.
    assert _login(client, "hr@company.nl", PASSWORD).status_code == 302 and _logged_in(client)

    # Every failure is in the audit log with the address typed, never the password.
    failed = AuditEntry.objects.filter(action="login.failed")
    assert failed.count() == k
    assert {e.data["login"] for e in failed} == {"teacher@school.nl"}
    assert not [e for e in failed if "wrong-" in str(e.data)]
    # Without a trusted proxy the forged header is ignored: the address is the connection's.
    assert {e.ip_address for e in failed} == {f"198.51.100.{n + 1}" for n in range(k)}


def test_behind_a_trusted_proxy_the_address_it_saw_is_recorded(client, cast, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    _login(
        client,
        "teacher@school.nl",
        "wrong",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    assert AuditEntry.objects.get(action="login.failed").ip_address == "203.0.113.9"


def test_weak_passwords_are_refused(client):
    with pytest.raises(ValidationError):
        validate_password("password123")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@school.nl",
            "name": "Nieuwe Docent",
            "language": "nl",
            "password1": "password123",
            "password2": "password123",
        },
    )
    assert response.status_code == 200 and "This password is too common" in response.content.decode()
    assert not User.objects.filter(email="new@school.nl").exists()
    validate_password("lange-zin-met-techniek-2026")  # a long passphrase is fine


# --- The Django admin ------------------------------------------------------------------------


def test_the_admin_login_goes_through_allauth(client, cast):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert (
        response["Location"].startswith(reverse("account_login"))
        and "next=%2Fadmin%2F" in response["Location"]
    )
    # Posting credentials to the admin's own form logs nobody in (it has no rate limit or 2FA).
    client.post("/admin/login/?next=/admin/", {"username": "root@example.nl", "password": PASSWORD})
    assert not _logged_in(client)
    # Through allauth, with the second factor, a platform admin reaches the admin; a non-staff
    # person does not.
    response = _login(client, "root@example.nl", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not _logged_in(client)
    secret = Authenticator.objects.get(user=cast.platform_admin, type="totp").wrap().instance.data["secret"]
    from allauth.mfa.utils import decrypt

    code = format_hotp_value(hotp_value(decrypt(secret), int(time.time()) // 30))
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.force_login(cast.teacher)
    assert client.get("/admin/login/").status_code == 403


# --- API throttling --------------------------------------------------------------------------


def test_api_throttle_counts_per_account_whatever_the_address(cast, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})

    def api(user: User, ip: str) -> APIClient:
        client = APIClient(REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR=ip)
        client.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(user)}")
        return client

    statuses = [api(cast.teacher, f"198.51.100.{n}").get("/api/v1/me/").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert api(cast.hr, "198.51.100.1").get("/api/v1/me/").status_code == 200


# --- The security audit log ------------------------------------------------------------------


def test_login_and_logout_are_audited_with_the_address(client, cast):
    _login(client, "teacher@school.nl", PASSWORD, REMOTE_ADDR="192.0.2.10")
    client.post(reverse("account_logout"), REMOTE_ADDR="192.0.2.10")
    entries = list(AuditEntry.objects.filter(actor=cast.teacher).order_by("pk"))
    assert [(e.action, e.ip_address, e.actor_label) for e in entries] == [
        ("login", "192.0.2.10", "teacher@school.nl"),
        ("logout", "192.0.2.10", "teacher@school.nl"),
    ]
    # Security entries have no province: no coordinator reads them, only platform admins.
    assert {e.province for e in entries} == {""}


def test_two_factor_activation_is_audited(client, cast, django_capture_on_commit_callbacks):
    assert _login(client, "teacher@school.nl", PASSWORD).status_code == 302
    # allauth asks for the password again before two-factor changes (ASVS 7.5.1).
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=cast.teacher, type="totp").exists()
    added = AuditEntry.objects.filter(actor=cast.teacher, action="mfa.added")
    assert "totp" in {e.data["type"] for e in added}
    # The secret itself is never in the log.
    assert not [e for e in AuditEntry.objects.all() if secret in str(e.data)]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_generate_recovery_codes"))
    assert AuditEntry.objects.filter(actor=cast.teacher, action="mfa.reset").exists()


def test_password_change_is_audited(client, cast):
    _login(client, "teacher@school.nl", PASSWORD)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "een-nieuw-lang-wachtwoord-7",
            "password2": "een-nieuw-lang-wachtwoord-7",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(actor=cast.teacher, action="password.changed").count() == 1


def test_role_changes_are_audited_once(cast):
    membership = cast.teacher.memberships.get()
    membership_set_admin(membership=membership, by=cast.school_admin, is_admin=True)
    membership_set_admin(membership=membership, by=cast.school_admin, is_admin=True)  # no change
    entries = AuditEntry.objects.filter(action__startswith="membership.admin")
    assert [(e.action, e.actor, e.object_id) for e in entries] == [
        ("membership.admin_granted", cast.school_admin, str(cast.teacher.pk))
    ]
    assert re.fullmatch(r"[a-z._]+", entries[0].action)

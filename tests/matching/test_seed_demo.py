from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import CoordinatorRegion, Membership, Organisation, User
from matching.models import Match, Offer, Request

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        CoordinatorRegion.objects.count(),
        Offer.objects.count(),
        Request.objects.count(),
        Match.objects.count(),
    )


def test_seed_demo_is_idempotent_and_prints_logins(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    assert Organisation.objects.filter(kind="school").count() >= 20
    assert Organisation.objects.filter(kind="company").count() >= 15
    assert set(Organisation.objects.values_list("landsdeel", flat=True)) == {"oost"}
    # The people come first, then their offers and requests, matched once.
    assert Offer.objects.filter(status="open").exists() and Request.objects.filter(status="open").exists()
    assert Match.objects.filter(status="confirmed").count() == 1
    text = out.getvalue()
    assert "teacher@demo.techniekpact.nl" in text and "coordinator@demo.techniekpact.nl" in text

    # The printed login works.
    password = text.split("password '")[1].split("'")[0]
    response = client.post(
        "/accounts/login/", {"login": "teacher@demo.techniekpact.nl", "password": password}
    )
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200

"""Privacy (AVG/GDPR): the privacy page, the personal-data download, deleting one's account and
the nightly purge of inactive accounts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, AuditEntry, Invitation, Membership, Organisation, User
from accounts.privacy import users_purge_inactive
from accounts.services.invitations import invitation_create
from accounts.services.users import user_delete
from accounts.tasks import purge_inactive_accounts
from matching.models import Feedback, Match, MatchMessage, Offer, Request
from matching.services import matches, outcomes
from matching.services.messages import match_message_post
from notifications.models import Delivery, Notification, Preference
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, make_api_token
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def match(cast) -> Match:
    """A confirmed match between the cast's school and company, with a message from each side."""
    for person, name, phone in (
        (cast.teacher, "Anne de Vries", "0612345678"),
        (cast.hr, "Bram Jansen", "0687654321"),
    ):
        person.name, person.phone = name, phone
        person.save()
    match = matches.match_propose(
        offer=open_offer(cast.company, cast.hr, title="Gastles robotica"),
        request=open_request(cast.school, cast.teacher, title="Robotica voor havo 4"),
    )
    match = matches.match_accept(match=match, by=cast.teacher)
    match = matches.match_accept(match=match, by=cast.hr)
    match_message_post(match=match, author=cast.teacher, body="Past dinsdag 10 maart?")
    match_message_post(match=match, author=cast.hr, body="Dinsdag is goed, lokaal 2.14.")
    Preference.objects.create(user=cast.teacher, group="messages", email_mode="daily")
    return match


def _text(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


# --- The privacy page ------------------------------------------------------------------------


def test_privacy_page_explains_what_is_stored_to_everyone(client, cast):
    page = client.get(reverse("accounts:privacy"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "What we store about you" in html and "1095 days" in html
    assert reverse("accounts:privacy_export") not in html  # nothing to download when logged out
    assert reverse("account_login") in html
    # Linked from every page's footer.
    assert reverse("accounts:privacy") in client.get(reverse("accounts:home")).content.decode()

    client.force_login(cast.teacher)
    html = client.get(reverse("accounts:privacy")).content.decode()
    assert reverse("accounts:privacy_export") in html and reverse("accounts:account_delete") in html
    assert reverse("accounts:privacy") in client.get(reverse("accounts:profile")).content.decode()


def test_privacy_page_states_the_configured_purge_period(client, settings):
    settings.PRIVACY_INACTIVE_DAYS = 730
    assert "730 days" in client.get(reverse("accounts:privacy")).content.decode()


# --- Download my data ------------------------------------------------------------------------


def test_download_holds_my_data_from_every_app_and_nothing_of_other_people(client, cast, match):
    invitation_create(organisation=cast.other_school, email=cast.teacher.email, by=cast.other_member)
    client.force_login(cast.teacher)
    response = client.get(reverse("accounts:privacy_export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    today = timezone.localdate()
    assert (
        response["Content-Disposition"] == f'attachment; filename="techniekpact-match-{today:%Y-%m-%d}.json"'
    )
    data = json.loads(response.content)
    assert data["account"]["email"] == "teacher@school.nl"
    assert data["account"]["phone"] == "0612345678"
    assert [m["organisation"] for m in data["memberships"]] == ["Thomas a Kempis College"]
    assert [i["organisation"] for i in data["invitations_received"]] == ["Stedelijk Lyceum"]
    assert [r["title"] for r in data["matching"]["requests_created"]] == ["Robotica voor havo 4"]
    assert data["matching"]["offers_created"] == []
    assert [m["your_part"] for m in data["matching"]["matches"]] == [["accepted"]]
    assert [m["body"] for m in data["matching"]["messages_written"]] == ["Past dinsdag 10 maart?"]
    assert data["notifications"]["notifications"], "the proposal and hr's message reached the inbox"
    assert data["notifications"]["email_preferences"] == {"messages": "daily"}
    assert [e["action"] for e in data["audit_log"]] == ["privacy.export"]

    text = _text(data)
    for someone_else in ("hr@company.nl", "0687654321", "other@school.nl", "admin@school.nl"):
        assert someone_else not in text
    # Recorded: who took which data out.
    assert AuditEntry.objects.filter(actor=cast.teacher, action="privacy.export").count() == 1


def test_download_never_contains_secrets(client, cast):
    key = make_api_token(cast.coordinator)
    client.force_login(cast.coordinator)
    data = client.get(reverse("accounts:privacy_export")).json()
    assert [a["type"] for a in data["two_factor"]] == ["totp"]
    secret = Authenticator.objects.get(user=cast.coordinator).data["secret"]
    text = _text(data)
    assert secret not in text
    assert key not in text
    assert cast.coordinator.password not in text
    assert data["coordinator_provinces"] == ["gelderland", "overijssel"]


def test_every_field_of_the_account_is_in_the_download(client, cast):
    """A new field on User that is not added to the export fails here (RELIABILITY §4.11)."""
    client.force_login(cast.teacher)
    account = client.get(reverse("accounts:privacy_export")).json()["account"]
    never_exported = {"password"}  # a hash, of no use to anyone but an attacker
    fields = {f.name for f in User._meta.concrete_fields} - never_exported
    assert fields - set(account) == set()


def test_download_needs_a_login(client):
    response = client.get(reverse("accounts:privacy_export"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_api_export_returns_the_same_data_to_the_token_holder(cast, match):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(cast.hr)}")
    response = api.get("/api/v1/me/export/")
    assert response.status_code == 200
    data = response.json()
    assert data["account"]["email"] == "hr@company.nl"
    assert [o["title"] for o in data["matching"]["offers_created"]] == ["Gastles robotica"]
    assert [m["body"] for m in data["matching"]["messages_written"]] == ["Dinsdag is goed, lokaal 2.14."]
    assert "teacher@school.nl" not in _text(data)
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(actor=cast.hr, action="privacy.export").exists()
    assert APIClient().get("/api/v1/me/export/").status_code in (401, 403)


# --- Deleting my account ---------------------------------------------------------------------


def _totals() -> tuple[int, ...]:
    return (
        Match.objects.count(),
        Match.objects.filter(status=Match.Status.CONFIRMED).count(),
        Offer.objects.count(),
        Request.objects.count(),
        MatchMessage.objects.count(),
        Organisation.objects.count(),
    )


def test_deleting_my_account_anonymises_me_and_keeps_the_matches(client, cast, match):
    teacher = cast.teacher
    make_api_token(teacher)
    Authenticator.objects.create(user=teacher, type=Authenticator.Type.TOTP, data={"secret": "x"})
    other_device = client.__class__()
    other_device.force_login(teacher)
    client.force_login(teacher)
    AuditEntry.objects.create(
        actor=teacher, actor_label=teacher.email, action="login", ip_address="192.0.2.7"
    )
    before = _totals()
    url = reverse("accounts:account_delete")

    assert client.get(url).status_code == 200
    wrong = client.post(url, {"password": "not-my-password"})
    assert wrong.status_code == 200 and "That is not your password." in wrong.content.decode()
    assert User.objects.get(pk=teacher.pk).is_active

    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")

    teacher = User.objects.get(pk=teacher.pk)
    assert (teacher.name, teacher.phone, teacher.is_active) == ("", "", False)
    assert teacher.email == f"deleted-{teacher.pk}@invalid.example"
    assert not teacher.has_usable_password()
    assert not EmailAddress.objects.filter(user=teacher).exists()
    assert not Authenticator.objects.filter(user=teacher).exists()
    assert not ApiToken.objects.filter(user=teacher).exists()
    assert not Membership.objects.filter(user=teacher).exists()
    assert not Notification.objects.filter(recipient=teacher).exists()
    assert not Preference.objects.filter(user=teacher).exists()
    assert not Delivery.objects.filter(to_email__iexact="teacher@school.nl").exists()
    # Logged out everywhere.
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(teacher.pk)]
    assert other_device.get(reverse("accounts:dashboard")).status_code == 302

    # The organisation's activities and figures are untouched; the thread lost only the name.
    assert _totals() == before
    assert Match.objects.get(pk=match.pk).status == Match.Status.CONFIRMED
    client.force_login(cast.hr)
    page = client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert "Past dinsdag 10 maart?" in page and "Someone from the school" in page
    assert "Anne de Vries" not in page and "teacher@school.nl" not in page

    # The audit log keeps what they did, without their address or IP; the deletion has no personal data.
    deleted = AuditEntry.objects.get(action="account.deleted")
    assert deleted.object_id == str(teacher.pk) and deleted.data == {"by": "self"}
    for entry in AuditEntry.objects.filter(actor=teacher):
        assert entry.actor_label == f"deleted user #{teacher.pk}" and entry.ip_address is None
    # Including the failed log-in of the wrong password above, which recorded the address typed.
    assert AuditEntry.objects.filter(action="login.failed").exists()
    for entry in AuditEntry.objects.all():
        assert "teacher@school.nl" not in f"{entry.actor_label} {entry.reason} {_text(entry.data)}"

    assert not client.login(email="teacher@school.nl", password=PASSWORD)


def test_the_only_admin_of_an_organisation_with_members_must_hand_over_first(client, cast):
    client.force_login(cast.school_admin)
    response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})
    assert response.status_code == 200
    assert "only admin of Thomas a Kempis College" in response.content.decode()
    assert User.objects.get(pk=cast.school_admin.pk).is_active

    # Once the teacher is admin too, the account can go; the school keeps its other admin.
    Membership.objects.filter(user=cast.teacher).update(is_admin=True)
    assert client.post(reverse("accounts:account_delete"), {"password": PASSWORD}).status_code == 302
    assert list(cast.school.memberships.values_list("user__email", "is_admin")) == [
        ("teacher@school.nl", True)
    ]


def test_the_only_member_leaves_the_organisation_and_its_matches_behind(cast, match):
    before = _totals()
    user_delete(user=cast.hr, by=cast.hr)
    assert cast.company.memberships.count() == 0
    assert Organisation.objects.filter(pk=cast.company.pk).exists()
    assert _totals() == before
    assert Offer.objects.get(organisation=cast.company).title == "Gastles robotica"


def test_only_the_person_or_a_platform_admin_may_delete_an_account(cast):
    with pytest.raises(PermissionDenied):
        user_delete(user=cast.teacher, by=cast.school_admin)
    assert User.objects.get(pk=cast.teacher.pk).is_active

    user_delete(user=cast.teacher, by=cast.platform_admin)
    assert not User.objects.get(pk=cast.teacher.pk).is_active
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.actor == cast.platform_admin and entry.data == {"by": "platform_admin"}
    # Again: nothing more happens.
    user_delete(user=User.objects.get(pk=cast.teacher.pk), by=cast.platform_admin)
    assert AuditEntry.objects.filter(action="account.deleted").count() == 1


def test_a_deleted_coordinator_loses_their_provinces_and_offers_lose_their_contact(cast):
    offer = open_offer(cast.company, cast.hr)
    Offer.objects.filter(pk=offer.pk).update(contact_person=cast.hr)
    MembershipFactory(organisation=cast.company, is_admin=True)  # hr may leave: another admin stays
    user_delete(user=cast.hr, by=cast.hr)
    assert Offer.objects.get(pk=offer.pk).contact_person is None

    user_delete(user=cast.coordinator, by=cast.coordinator)
    assert not User.objects.get(pk=cast.coordinator.pk).coordinator_regions.exists()


def test_feedback_and_invitations_survive_without_the_address(cast, match):
    Match.objects.filter(pk=match.pk).update(activity_date=timezone.localdate() - timedelta(days=1))
    outcomes.match_outcome(match=match, by=cast.teacher, held=True)
    outcomes.match_feedback(match=match, by=cast.teacher, rating=5, comment="Top!")
    invitation_create(organisation=cast.other_school, email=cast.teacher.email, by=cast.other_member)
    user_delete(user=cast.teacher, by=cast.teacher)
    assert Feedback.objects.get(match=match).comment == "Top!"
    invitation = Invitation.objects.get(organisation=cast.other_school)
    assert invitation.email == f"deleted-{cast.teacher.pk}@invalid.example" and invitation.revoked_at


# --- The nightly purge of inactive accounts --------------------------------------------------


def test_purge_anonymises_only_inactive_ordinary_accounts_and_is_idempotent(cast):
    now = timezone.now()
    long_ago = now - timedelta(days=settings.PRIVACY_INACTIVE_DAYS + 1)
    recently = now - timedelta(days=settings.PRIVACY_INACTIVE_DAYS - 1)
    User.objects.filter(pk=cast.teacher.pk).update(last_login=long_ago)
    User.objects.filter(pk=cast.stranger.pk).update(last_login=None, date_joined=long_ago)
    User.objects.filter(pk=cast.hr.pk).update(last_login=recently, date_joined=long_ago)
    never_logged_in_recently_joined = UserFactory(email="new@example.nl")
    User.objects.filter(pk=cast.platform_admin.pk).update(last_login=long_ago)
    staff = UserFactory(email="staff@example.nl", is_staff=True, last_login=long_ago)
    # The other school's only admin has been away as well, but a colleague still works there:
    # they must hand over first, so they stay.
    User.objects.filter(pk=cast.other_member.pk).update(last_login=long_ago)
    MembershipFactory(organisation=cast.other_school, user__email="colleague@school.nl")

    assert users_purge_inactive(now=now) == 2

    gone = {u.pk for u in User.objects.filter(email__endswith="@invalid.example")}
    assert gone == {cast.teacher.pk, cast.stranger.pk}
    for kept in (cast.hr, never_logged_in_recently_joined, cast.platform_admin, staff, cast.other_member):
        assert User.objects.get(pk=kept.pk).email == kept.email
    assert AuditEntry.objects.filter(action="account.purged").count() == 2
    # A second night finds nothing to do.
    assert users_purge_inactive(now=now) == 0
    assert AuditEntry.objects.filter(action="account.purged").count() == 2


def test_purge_task_is_scheduled_daily_and_follows_the_setting(cast, settings):
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == purge_inactive_accounts.name
    )
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {30}
    settings.PRIVACY_INACTIVE_DAYS = 30
    User.objects.filter(pk=cast.stranger.pk).update(last_login=timezone.now() - timedelta(days=31))
    assert purge_inactive_accounts.delay().get() == 1
    assert not User.objects.get(pk=cast.stranger.pk).is_active


def test_purge_respects_its_limit(cast):
    long_ago = timezone.now() - timedelta(days=settings.PRIVACY_INACTIVE_DAYS + 1)
    User.objects.filter(pk__in=[cast.teacher.pk, cast.stranger.pk]).update(last_login=long_ago)
    assert users_purge_inactive(limit=1) == 1
    assert users_purge_inactive(limit=1) == 1
    assert users_purge_inactive(limit=1) == 0


def test_deletion_is_refused_cleanly_by_the_service_too(cast):
    with pytest.raises(ValidationError) as exc:
        user_delete(user=cast.school_admin, by=cast.school_admin)
    assert exc.value.code == "admin_handover"

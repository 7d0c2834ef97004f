"""A coordinator's hand: match by hand, block a pair, run the matcher now, cancel and re-match —
always in scope, always audited with the reason."""

from __future__ import annotations

import pytest

from accounts.models import AuditEntry
from matching.models import BlockedPair, Match, MatchingRun, Offer
from matching.services import matches
from notifications.models import Notification
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(cast, near):
    org, hr = near
    return open_offer(org, hr, title="Robotics nearby"), open_request(
        cast.school, cast.teacher, title="Robotics"
    )


def url(wanted, offer) -> str:
    return f"/coordinator/queue/{wanted.pk}/offers/{offer.pk}/"


def test_match_by_hand_proposes_for_both_sides_and_is_audited(client, cast, pair):
    offer, wanted = pair
    client.force_login(cast.coordinator)
    response = client.post(url(wanted, offer), {"action": "propose"})

    match = Match.objects.get(offer=offer, request=wanted)
    assert response.status_code == 302 and response["Location"] == f"/coordinator/matches/{match.pk}/"
    assert match.status == "proposed" and match.source == "coordinator"
    assert match.proposed_by == cast.coordinator
    assert match.explanation["levels"] == ["havo"]
    told = set(Notification.objects.filter(event="match.proposed").values_list("recipient__email", flat=True))
    assert told == {"teacher@school.nl", "admin@school.nl", "hr@zwolle.nl"}
    entry = AuditEntry.objects.get(action="match.proposed_by_coordinator")
    assert (entry.actor, entry.object_type, entry.object_id) == (cast.coordinator, "match", str(match.pk))
    assert entry.organisation == cast.school and entry.province == "overijssel"
    assert Offer.objects.get(pk=offer.pk).committed == 1


def test_an_infeasible_pair_needs_an_override_with_a_reason(client, cast):
    far = open_offer(cast.company, cast.hr, title="Enschede", max_travel_km=None)  # ~63 km: over 50 km
    wanted = open_request(cast.school, cast.teacher)
    client.force_login(cast.coordinator)

    page = client.get(url(wanted, far)).content.decode()
    assert "farther away than the travel distance allowed" in page

    response = client.post(url(wanted, far), {"action": "propose"})
    assert response.status_code == 400
    assert "farther away than the travel distance allowed" in response.content.decode()
    response = client.post(url(wanted, far), {"action": "propose", "propose-override": "on"})
    assert response.status_code == 400
    assert "Give a reason for overriding" in response.content.decode()
    assert not Match.objects.exists() and not AuditEntry.objects.exists()

    response = client.post(
        url(wanted, far),
        {"action": "propose", "propose-override": "on", "propose-reason": "The school visits by train."},
    )
    assert response.status_code == 302
    match = Match.objects.get()
    assert match.source == "coordinator"
    entry = AuditEntry.objects.get(action="match.proposed_by_coordinator")
    assert entry.reason == "The school visits by train."
    assert entry.data["rules_overridden"] == ["distance"]


def test_what_the_lifecycle_forbids_is_never_overridden(client, cast, near):
    org, hr = near
    visit = open_offer(org, hr, kind="company_visit")
    wanted = open_request(cast.school, cast.teacher)
    client.force_login(cast.coordinator)
    response = client.post(
        url(wanted, visit), {"action": "propose", "propose-override": "on", "propose-reason": "Try."}
    )
    assert response.status_code == 400
    assert "another kind than the request" in response.content.decode()
    assert not Match.objects.exists()


def test_a_coordinator_elsewhere_gets_404_and_changes_nothing(client, cast, pair):
    offer, wanted = pair
    match = matches.match_propose(offer=offer, request=wanted)
    client.force_login(cast.coordinator_elsewhere)
    assert client.get(url(wanted, offer)).status_code == 404
    assert client.post(url(wanted, offer), {"action": "block", "block-reason": "No."}).status_code == 404
    assert client.get(f"/coordinator/matches/{match.pk}/").status_code == 404
    response = client.post(f"/coordinator/matches/{match.pk}/", {"action": "cancel", "cancel-reason": "No."})
    assert response.status_code == 404
    assert client.get(f"/coordinator/queue/{wanted.pk}/pick/?offer={offer.pk}").status_code == 404
    match.refresh_from_db()
    assert match.status == "proposed"
    assert not BlockedPair.objects.exists() and not AuditEntry.objects.exists()


def test_block_pair_needs_a_reason_cancels_the_live_proposal_and_holds(
    client, cast, pair, near, django_capture_on_commit_callbacks
):
    offer, wanted = pair
    match = matches.match_propose(offer=offer, request=wanted)
    client.force_login(cast.coordinator)

    response = client.post(url(wanted, offer), {"action": "block", "block-reason": "  "})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    assert not BlockedPair.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(wanted, offer), {"action": "block", "block-reason": "Complaint about them."}
        )
    assert response.status_code == 302
    blocked = BlockedPair.objects.get()
    assert (blocked.offer, blocked.request, blocked.blocked_by) == (offer, wanted, cast.coordinator)
    match.refresh_from_db()
    assert match.status == "cancelled" and match.end_reason == "Complaint about them."
    entry = AuditEntry.objects.get(action="pair.blocked")
    assert entry.actor == cast.coordinator and entry.reason == "Complaint about them."
    assert entry.data["cancelled_match"] == match.pk
    assert AuditEntry.objects.filter(
        action="match.cancelled_by_coordinator", object_id=str(match.pk)
    ).exists()

    # Not by hand (even with an override) ...
    response = client.post(
        url(wanted, offer), {"action": "propose", "propose-override": "on", "propose-reason": "x"}
    )
    assert response.status_code == 400
    assert "blocked this pair" in response.content.decode()
    # ... and not by the matcher, which does propose an unblocked pair in the same run.
    other = open_request(cast.school, cast.teacher, title="Another request")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/coordinator/queue/run-now/")
    assert Match.objects.filter(request=other, offer=offer, status="proposed").exists()
    assert not Match.objects.filter(request=wanted, offer=offer, status="proposed").exists()


def test_run_now_schedules_a_manual_run_for_the_region_and_it_runs(
    client, cast, pair, django_capture_on_commit_callbacks
):
    offer, wanted = pair
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/coordinator/queue/run-now/", follow=True)
    assert "The matcher runs for East" in response.content.decode()
    run = MatchingRun.objects.get()
    assert (run.scope, run.trigger, run.requested_by) == ("oost", "manual", cast.coordinator)
    assert run.status == "done"
    assert Match.objects.filter(offer=offer, request=wanted, source="matcher").exists()
    entry = AuditEntry.objects.get(action="matcher.run_requested")
    assert entry.actor == cast.coordinator and entry.province in ("overijssel", "gelderland")
    assert client.get("/coordinator/queue/run-now/").status_code == 405


def test_cancel_needs_a_reason_then_releases_and_tells_both_sides(client, cast, pair):
    offer, wanted = pair
    match = matches.match_propose(offer=offer, request=wanted)
    client.force_login(cast.coordinator)
    page = f"/coordinator/matches/{match.pk}/"
    assert "Cancel the match" in client.get(page).content.decode()

    response = client.post(page, {"action": "cancel", "cancel-reason": ""})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    match.refresh_from_db()
    assert match.status == "proposed"

    response = client.post(page, {"action": "cancel", "cancel-reason": "The company closed."})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == "cancelled" and match.ended_by == cast.coordinator
    offer.refresh_from_db()
    wanted.refresh_from_db()
    assert offer.committed == 0 and wanted.committed == 0
    told = set(
        Notification.objects.filter(event="match.cancelled").values_list("recipient__email", flat=True)
    )
    assert told == {"teacher@school.nl", "admin@school.nl", "hr@zwolle.nl"}
    entry = AuditEntry.objects.get(action="match.cancelled_by_coordinator")
    assert (entry.actor, entry.reason, entry.object_id) == (
        cast.coordinator,
        "The company closed.",
        str(match.pk),
    )
    html = client.get(page).content.decode()
    assert "The company closed." in html and "match.cancelled_by_coordinator" in html


def test_rematch_cancels_and_proposes_another_offer_or_changes_nothing(client, cast, pair, near):
    offer, wanted = pair
    org, hr = near
    better = open_offer(org, hr, title="Better offer")
    visit = open_offer(org, hr, title="A visit", kind="company_visit")
    match = matches.match_propose(offer=offer, request=wanted)
    client.force_login(cast.coordinator)
    page = f"/coordinator/matches/{match.pk}/"
    assert "Better offer" in client.get(page).content.decode()  # a candidate, counting the slot held now

    response = client.post(page, {"action": "rematch", "rematch-offer": better.pk, "rematch-reason": ""})
    assert response.status_code == 400
    response = client.post(page, {"action": "rematch", "rematch-offer": visit.pk, "rematch-reason": "Swap."})
    assert response.status_code == 400
    assert "another kind than the request" in response.content.decode()
    match.refresh_from_db()
    assert match.status == "proposed" and not AuditEntry.objects.exists()

    response = client.post(page, {"action": "rematch", "rematch-offer": better.pk, "rematch-reason": "Swap."})
    new = Match.objects.get(offer=better)
    assert response.status_code == 302 and response["Location"] == f"/coordinator/matches/{new.pk}/"
    match.refresh_from_db()
    assert match.status == "cancelled"
    assert (new.request, new.status, new.source) == (wanted, "proposed", "coordinator")
    actions = dict(AuditEntry.objects.values_list("action", "object_id"))
    assert actions == {"match.cancelled_by_coordinator": str(match.pk), "match.rematched": str(new.pk)}
    assert AuditEntry.objects.get(action="match.rematched").data["replaces"] == match.pk

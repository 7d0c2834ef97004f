from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matching.matcher import runs
from matching.models import Match, MatchingRun, Offer, Request
from matching.rules import RulesBroken
from matching.services import deadlines, matches, outcomes
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


def test_publishing_creates_a_proposal_with_an_explanation(cast, near, django_capture_on_commit_callbacks):
    company, hr = near
    with django_capture_on_commit_callbacks(execute=True):
        offer = open_offer(company, hr)
    with django_capture_on_commit_callbacks(execute=True):
        request = open_request(cast.school, cast.teacher)
    match = Match.objects.get()
    assert (match.offer, match.request, match.status, match.slots) == (offer, request, "proposed", 1)
    assert match.explanation["levels"] == ["havo"]
    assert match.explanation["distance_km"] is not None and match.explanation["distance_km"] < 10
    assert 0 < match.score <= 1
    offer.refresh_from_db()
    request.refresh_from_db()
    assert offer.committed == 1 and request.committed == 1
    assert MatchingRun.objects.filter(status="done").exists()


def test_both_sides_accept_then_confirmed_and_fulfilled(cast, near):
    company, hr = near
    offer, request = open_offer(company, hr), open_request(cast.school, cast.teacher)
    match = matches.match_propose(offer=offer, request=request)
    matches.match_accept(match=match, by=cast.teacher)
    match.refresh_from_db()
    assert match.status == "proposed" and match.school_accepted_at
    with pytest.raises(PermissionDenied):  # a stranger may not answer
        matches.match_accept(match=match, by=cast.other_member)
    matches.match_accept(match=match, by=hr)
    match.refresh_from_db()
    request.refresh_from_db()
    assert match.status == "confirmed" and request.status == "fulfilled"


def test_declined_pair_is_never_proposed_again_and_capacity_returns(cast, near):
    company, hr = near
    offer, request = open_offer(company, hr), open_request(cast.school, cast.teacher)
    runs.run_now(scope="oost")
    match = Match.objects.get()
    matches.match_decline(match=match, by=cast.teacher, reason="Past niet")
    offer.refresh_from_db()
    request.refresh_from_db()
    assert offer.committed == 0 and request.committed == 0
    stats = runs.run_now(scope="oost")
    assert stats["proposals"] == 0
    assert Match.objects.filter(status="proposed").count() == 0
    # The code, not the message: the message is in the active language.
    with pytest.raises(RulesBroken) as broken:
        matches.match_propose(offer=offer, request=request, source="school", by=cast.teacher)
    assert [rule.code for rule in broken.value.rules] == ["declined"]


def test_decline_sends_the_request_to_the_next_best_candidate(cast, near, django_capture_on_commit_callbacks):
    company, hr = near
    best = open_offer(company, hr, title="Dichtbij")
    second_company = OrganisationFactory(kind="company", name="Deventer Tech", at="Deventer")
    second_hr = MembershipFactory(organisation=second_company, is_admin=True).user
    second = open_offer(second_company, second_hr, title="Verder weg")
    request = open_request(cast.school, cast.teacher)
    runs.run_now(scope="oost")
    first = Match.objects.get(status="proposed")
    assert first.offer == best
    with django_capture_on_commit_callbacks(execute=True):
        matches.match_decline(match=first, by=cast.teacher)
    nxt = Match.objects.get(status="proposed")
    assert (nxt.offer, nxt.request) == (second, request)


def test_runs_are_idempotent(cast, near):
    company, hr = near
    open_offer(company, hr, capacity=5)
    for _ in range(3):
        open_request(cast.school, cast.teacher)
    first = runs.run_now(scope="oost")
    again = runs.run_now(scope="national")
    assert first["proposals"] == 3 and again["proposals"] == 0
    assert Match.objects.count() == 3
    assert Offer.objects.get().committed == 3


def test_debounce_keeps_one_pending_run_per_landsdeel(settings, cast):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # do not run: only look at the queue rows
    from config.celery_app import app

    app.conf.task_always_eager = False
    a = runs.run_schedule(scope="oost", countdown=60)
    b = runs.run_schedule(scope="oost", countdown=60)
    c = runs.run_schedule(scope="noord", countdown=60)
    assert a.pk == b.pk != c.pk
    assert MatchingRun.objects.filter(status="pending").count() == 2


def test_unverified_organisations_are_not_matched(cast, near):
    company, hr = near
    open_offer(company, hr)
    open_request(cast.school, cast.teacher)
    Request.objects.update(status="open")
    company.verified_at = None
    company.save()
    assert runs.run_now(scope="oost")["proposals"] == 0


def test_expired_proposals_release_their_slots(cast, near):
    from datetime import timedelta

    from django.utils import timezone

    company, hr = near
    offer, request = open_offer(company, hr), open_request(cast.school, cast.teacher)
    match = matches.match_propose(offer=offer, request=request)
    Match.objects.filter(pk=match.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert deadlines.expire_overdue() == 1
    assert Match.objects.get(pk=match.pk).status == "expired"
    assert Offer.objects.get(pk=offer.pk).committed == 0


def test_feedback_after_the_activity(cast, near):
    from datetime import timedelta

    from django.utils import timezone

    company, hr = near
    match = matches.match_propose(
        offer=open_offer(company, hr), request=open_request(cast.school, cast.teacher)
    )
    matches.match_accept(match=match, by=cast.teacher)
    matches.match_accept(match=match, by=hr)
    with pytest.raises(ValidationError) as refused:
        outcomes.match_feedback(match=match, by=hr, rating=5)
    assert refused.value.code == "state"
    Match.objects.filter(pk=match.pk).update(activity_date=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError) as refused:  # after the date, but nobody said it took place yet
        outcomes.match_feedback(match=match, by=hr, rating=5)
    assert refused.value.code == "state"
    outcomes.match_outcome(match=match, by=cast.teacher, held=True)
    outcomes.match_feedback(match=match, by=hr, rating=5, comment="Leuke klas")
    outcomes.match_feedback(match=match, by=cast.teacher, rating=4)
    assert Match.objects.get(pk=match.pk).status == "evaluated"
    with pytest.raises(ValidationError) as refused:
        outcomes.match_feedback(match=match, by=hr, rating=3)
    assert refused.value.code == "duplicate"


def test_match_command_exports_external_ids(tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command

    from tests.matching.test_load_dataset import GOOD, write

    # The two are 62 km apart, beyond the offer's 40 km: only online makes them a pair.
    call_command("load_dataset", write(tmp_path, GOOD), "--no-progress", stdout=StringIO())
    call_command("match", stdout=StringIO())
    assert not Match.objects.exists()
    online = [*GOOD[:2], dict(GOOD[2], online=True), GOOD[3]]
    call_command("load_dataset", write(tmp_path, online), "--no-progress", stdout=StringIO())
    out = StringIO()
    export = tmp_path / "out.jsonl"
    call_command("match", "--export", str(export), stdout=out)
    rows = [json.loads(line) for line in export.read_text().splitlines()]
    assert rows == [{"request": "R1", "offer": "O1", "slots": 1, "score": rows[0]["score"]}]
    assert "Schools reached: 1" in out.getvalue()
    call_command("match", "--export", str(export), stdout=StringIO())
    assert export.read_text() == ""


def test_a_regional_run_reaches_offers_from_other_landsdelen(cast):
    # Groningen (landsdeel noord) is ~80 km from Zwolle: beyond the 50 km default, within the offer's 150.
    far = OrganisationFactory(kind="company", name="Groningen Tech", at="Groningen")
    far_hr = MembershipFactory(organisation=far, is_admin=True).user
    offer = open_offer(far, far_hr, max_travel_km=150)
    request = open_request(cast.school, cast.teacher)
    assert runs.run_now(scope="oost")["proposals"] == 1
    assert Match.objects.filter(offer=offer, request=request).exists()

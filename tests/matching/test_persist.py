"""Both roads to a proposal — the matcher's bulk `persist` and `match_propose` — write the same row:
the same answer deadline, suggested date, score and explanation, committed slots and events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching import engine, matcher
from matching.models import Match, Offer, Request
from matching.services import matches
from notifications.models import Notification
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db

SAME = [
    f.name
    for f in Match._meta.concrete_fields
    if f.name not in ("id", "offer", "request", "created_at", "updated_at", "expires_at", "run")
]


def test_persist_and_match_propose_write_identical_rows(cast):
    company = OrganisationFactory(kind="company", name="Zwolle Tech", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True).user

    def twin() -> tuple[Offer, Request]:
        return (
            open_offer(company, hr, subjects=["ict"], capacity=1),
            open_request(cast.school, cast.teacher, subjects=["ict", "bouw"], slots=1),
        )

    by_hand_offer, by_hand_request = twin()
    by_hand = matches.match_propose(offer=by_hand_offer, request=by_hand_request)

    run_offer, run_request = twin()
    loaded = matcher.load_problem(targets={"offers": [run_offer.pk], "requests": [run_request.pk]})
    result = engine.match(loaded.problem)
    by_run = [a for a in result.assignments if a.offer_id == str(run_offer.pk)]
    assert [a.request_id for a in by_run] == [str(run_request.pk)]
    result.assignments[:] = by_run
    matcher.persist(loaded=loaded, result=result, scope="oost")
    from_run = Match.objects.get(offer=run_offer)

    by_hand.refresh_from_db()
    # The school already had a proposal (the first one) when the run explained the second.
    by_hand.explanation["fairness"], by_hand.explanation["fairness_text"] = (
        from_run.explanation["fairness"],
        from_run.explanation["fairness_text"],
    )
    for name in SAME:
        if name == "explanation":
            got, want = dict(from_run.explanation), dict(by_hand.explanation)
            assert got.pop("score") == pytest.approx(want.pop("score"), abs=2e-4)
            assert got.pop("components") == pytest.approx(want.pop("components"), abs=2e-4)
            assert got.pop("distance_km") == pytest.approx(want.pop("distance_km"), abs=0.11)
            assert got == want
        elif name == "score":
            assert from_run.score == pytest.approx(by_hand.score, abs=2e-4)
        else:
            assert getattr(from_run, name) == getattr(by_hand, name), name
    assert abs(
        (from_run.expires_at - from_run.created_at) - (by_hand.expires_at - by_hand.created_at)
    ) < timedelta(seconds=1)
    assert from_run.activity_date > timezone.localdate() and from_run.activity_date.weekday() < 5
    for offer, request in ((by_hand_offer, by_hand_request), (run_offer, run_request)):
        assert Offer.objects.get(pk=offer.pk).committed == 1
        assert Request.objects.get(pk=request.pk).committed == 1
    told = lambda match: set(  # noqa: E731
        Notification.objects.filter(event="match.proposed", object_id=str(match.pk)).values_list(
            "recipient_id", flat=True
        )
    )
    assert told(from_run) == told(by_hand) != set()

"""The personal iCalendar feed behind a secret, revocable link (issue 19)."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.test import Client
from icalendar import Calendar

from catalogue.models import CalendarFeed
from catalogue.services import calendar_feed_create
from matching.models import Match
from tests.matching.factories import MatchFactory
from tests.matching.helpers import open_offer, open_request

pytestmark = pytest.mark.django_db


def _events(response) -> dict[str, dict]:
    cal = Calendar.from_ical(response.content)
    return {
        str(e.get("uid")): {"start": e.decoded("dtstart"), "sequence": int(e.get("sequence", 0))}
        for e in cal.walk("VEVENT")
    }


@pytest.fixture
def activity(cast):
    offer = open_offer(cast.company, cast.hr)
    request = open_request(cast.school, cast.teacher)
    return MatchFactory(
        offer=offer,
        request=request,
        status="confirmed",
        activity_date=date(2027, 3, 4),
        activity_start=time(10),
    )


def test_feed_lists_confirmed_activities_and_follows_moved_dates(cast, activity):
    feed = calendar_feed_create(user=cast.teacher)
    url = f"/agenda/{feed.token}.ics"
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    uid = f"match-{activity.pk}@techniekpact-match.nl"
    assert _events(response)[uid]["start"].date() == date(2027, 3, 4)
    Match.objects.filter(pk=activity.pk).update(activity_date=date(2027, 3, 11), calendar_sequence=1)
    moved = _events(Client().get(url))[uid]
    assert moved["start"].date() == date(2027, 3, 11) and moved["sequence"] == 1
    Match.objects.filter(pk=activity.pk).update(status="cancelled")
    assert _events(Client().get(url)) == {}
    # Someone of another organisation sees nothing of it in their own feed.
    other = calendar_feed_create(user=cast.other_member)
    assert _events(Client().get(f"/agenda/{other.token}.ics")) == {}


def test_revoked_recreated_and_forged_tokens_answer_404(client, cast, activity):
    client.force_login(cast.teacher)
    client.post("/agenda/nieuw/")
    first = CalendarFeed.objects.get(user=cast.teacher).token
    assert "webcal://testserver/agenda/" in client.get("/profile/").content.decode()
    client.post("/agenda/nieuw/")  # re-created: the old link stops working
    second = CalendarFeed.objects.get(user=cast.teacher).token
    assert first != second
    assert Client().get(f"/agenda/{first}.ics").status_code == 404
    assert Client().get(f"/agenda/{second}.ics").status_code == 200
    feed_id = second.split("-", 1)[0]
    for forged in (f"{feed_id}-{'A' * 43}", f"{feed_id}-", "x", "99999999999999999999-abc", f"{feed_id}-ü"):
        assert Client().get(f"/agenda/{forged}.ics").status_code == 404, forged
    client.post("/agenda/intrekken/")
    assert Client().get(f"/agenda/{second}.ics").status_code == 404

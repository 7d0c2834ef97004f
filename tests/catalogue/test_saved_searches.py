"""Saved searches and their alerts of new offers (issue 19)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from catalogue.alerts import alerts_check
from catalogue.models import SavedSearch, SavedSearchHit
from catalogue.services import saved_search_create
from notifications.models import Delivery, Notification, Preference
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.matching.helpers import open_offer

pytestmark = pytest.mark.django_db


def _alerts(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, event="search.alert").values_list("title", flat=True)
    )


def test_a_new_matching_offer_reaches_the_saver_once(cast, django_capture_on_commit_callbacks):
    saved_search_create(user=cast.teacher, text="drone", near="Zwolle", within_km=80, email_mode="daily")
    saved_search_create(user=cast.other_member, text="bakkerij")
    with django_capture_on_commit_callbacks(execute=True):
        offer = open_offer(cast.company, cast.hr, title="Dronetechniek in de klas")
        far_org = OrganisationFactory(kind="company", name="Maastricht Makers", at=("Maastricht", "limburg"))
        far_staff = MembershipFactory(organisation=far_org).user
        open_offer(far_org, far_staff, title="Drones bouwen")  # too far away
    assert len(_alerts(cast.teacher)) == 1 and "Dronetechniek in de klas" in _alerts(cast.teacher)[0]
    assert _alerts(cast.other_member) == []
    # Daily digest chosen through the notification preferences.
    assert Preference.objects.get(user=cast.teacher, group="alerts").email_mode == "daily"
    assert Delivery.objects.filter(notification__recipient=cast.teacher, digest=True).count() == 1
    # Checking again (a redelivered task, an edit of the offer) reports nothing new.
    assert alerts_check(side="offer", listing_ids=[offer.pk]) == 0
    assert len(_alerts(cast.teacher)) == 1
    assert SavedSearchHit.objects.count() == 1


def test_a_batch_is_checked_with_one_query_whatever_the_number_of_searches(
    cast, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for n in range(30):
        saved_search_create(user=cast.teacher, kind="company_visit", near="Enschede", within_km=10 + n)
    offers = [
        open_offer(cast.company, cast.hr, title=f"Bedrijfsbezoek {n}", kind="guest_lesson") for n in range(3)
    ]
    with django_assert_max_num_queries(2):  # the pairs query; nothing matches, so nothing else
        assert alerts_check(side="offer", listing_ids=[o.pk for o in offers]) == 0


def test_a_search_without_criteria_is_refused_and_bad_input_named(cast):
    with pytest.raises(ValidationError):
        saved_search_create(user=cast.teacher)
    with pytest.raises(ValidationError) as exc:
        saved_search_create(user=cast.teacher, near="Atlantis")
    assert "near" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        saved_search_create(user=cast.teacher, near="Zwolle", within_km=301)
    assert "within_km" in exc.value.message_dict
    assert SavedSearch.objects.count() == 0


def test_saving_from_the_catalogue_page(client, cast):
    client.force_login(cast.teacher)
    response = client.post(
        "/zoekopdrachten/opslaan/?q=drone&near=Zwolle&within_km=30", {"email_mode": "immediately"}
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=cast.teacher)
    assert saved.text == "drone" and saved.within_km == 30
    page = client.get("/zoekopdrachten/").content.decode()
    assert "drone" in page
    empty = client.post("/zoekopdrachten/opslaan/", {"email_mode": "immediately"})
    assert empty.status_code == 302 and SavedSearch.objects.count() == 1
    # Someone else's saved search is not theirs to delete.
    client.force_login(cast.other_member)
    assert client.post(f"/zoekopdrachten/{saved.pk}/verwijderen/").status_code == 404
    client.force_login(cast.teacher)
    client.post(f"/zoekopdrachten/{saved.pk}/verwijderen/")
    assert not SavedSearch.objects.exists()


def test_saved_searches_are_in_the_data_export_and_go_with_the_account(cast):
    from accounts.personal_data import personal_data
    from accounts.privacy import run_anonymisers
    from catalogue.services import calendar_feed_create

    saved_search_create(user=cast.teacher, text="drone")
    calendar_feed_create(user=cast.teacher)
    exported = personal_data(cast.teacher)["catalogue"]
    assert exported["saved_searches"][0]["words"] == "drone" and exported["calendar_link_created_at"]
    run_anonymisers(cast.teacher)
    assert not SavedSearch.objects.exists()

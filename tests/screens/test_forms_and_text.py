"""Issue 17 without a browser: forms show every error at once and keep what was typed, sign-in
messages are Dutch in the Dutch interface, text hygiene, dashboards with a to-do, formats."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.services.users import user_update_profile
from accounts.validators import clean_text, validate_phone
from matching.models import Offer, Request
from matching.services import listings
from matching.services import matches as match_services
from tests.matching.helpers import LATER, SOON, open_offer, open_request

pytestmark = pytest.mark.django_db


def _request_form(**over: object) -> dict[str, object]:
    data = {
        "kind": "guest_lesson",
        "title": "Gastles robotica",
        "description": "Twee klassen havo 4.",
        "levels": ["havo"],
        "slots": "1",
        "wanted_from": SOON.isoformat(),
        "wanted_until": LATER.isoformat(),
        "action": "draft",
    }
    return data | over


def _errors(response) -> dict[str, list[str]]:
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


# --- Forms: every error at once, nothing lost ------------------------------------------------------


def test_request_form_shows_empty_title_and_reversed_dates_together(client, cast) -> None:
    client.force_login(cast.teacher)
    response = client.post(
        reverse("matching:request_create"),
        _request_form(title="", wanted_from=LATER.isoformat(), wanted_until=SOON.isoformat()),
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert set(errors) >= {"title", "wanted_until"}
    assert "The end date must be on or after the start date." in errors["wanted_until"]
    html = response.content.decode()
    assert 'name="title"' in html and 'aria-invalid="true"' in html
    assert "Twee klassen havo 4." in html  # what the teacher typed is still there
    assert 'class="error-summary"' in html and html.count("<li><a href=") >= 2
    assert not Request.objects.exists()


def test_a_new_draft_for_a_period_that_has_passed_is_refused(client, cast) -> None:
    client.force_login(cast.teacher)
    past = date.today() - timedelta(days=400)
    response = client.post(
        reverse("matching:request_create"),
        _request_form(wanted_from=past.isoformat(), wanted_until=(past + timedelta(days=30)).isoformat()),
    )
    assert "This period has already passed: choose dates from today on." in _errors(response)["wanted_until"]
    with pytest.raises(ValidationError):
        listings.listing_create(
            Request,
            organisation=cast.school,
            by=cast.teacher,
            **{k: v for k, v in _request_form().items() if k != "action"}
            | {"slots": 1, "wanted_from": past, "wanted_until": past + timedelta(days=30)},
        )


def test_options_ticked_in_advance_are_announced(client, cast) -> None:
    client.force_login(cast.hr)
    page = client.get(reverse("matching:offer_create")).content.decode()
    assert "Ticked in advance from your company" in page


# --- Text hygiene ---------------------------------------------------------------------------------


def test_invisible_and_bidirectional_characters_are_stripped() -> None:
    assert clean_text("\u200b\u200b") == ""
    assert clean_text("Gastles \u202eabc\u202c robotica\ufeff") == "Gastles abc robotica"


def test_a_title_of_only_zero_width_spaces_is_refused(client, cast) -> None:
    client.force_login(cast.teacher)
    response = client.post(reverse("matching:request_create"), _request_form(title="\u200b\u200c\u200d"))
    assert "title" in _errors(response)
    with pytest.raises(ValidationError) as caught:
        open_request(cast.school, cast.teacher, title="\u200b")
    assert "title" in caught.value.message_dict


def test_a_description_over_ten_thousand_characters_is_refused(client, cast) -> None:
    client.force_login(cast.teacher)
    response = client.post(reverse("matching:request_create"), _request_form(description="x" * 10_001))
    assert "description" in _errors(response)
    with pytest.raises(ValidationError) as caught:
        open_offer(cast.company, cast.hr, description="x" * 10_001)
    assert "description" in caught.value.message_dict


@pytest.mark.parametrize("phone", ["053 123 4567", "06-12345678", "+31 53 123 4567", "0031531234567", ""])
def test_dutch_and_international_phone_numbers_are_accepted(phone: str) -> None:
    validate_phone(phone)


@pytest.mark.parametrize("phone", ['+31"><img src=x onerror=alert(1)>', "call me", "12345", "+0123456789"])
def test_free_text_in_a_phone_field_is_refused(cast, phone: str) -> None:
    with pytest.raises(ValidationError) as caught:
        user_update_profile(user=cast.teacher, phone=phone)
    assert "phone" in caught.value.message_dict


# --- Sign-in pages --------------------------------------------------------------------------------


def test_sign_up_refuses_a_short_password_in_dutch(client) -> None:
    client.cookies["django_language"] = "nl"
    response = client.post(
        "/accounts/signup/",
        {
            "email": "nieuw@school.nl",
            "name": "Nieuw",
            "language": "nl",
            "password1": "kort1",
            "password2": "kort1",
        },
    )
    html = response.content.decode()
    assert "Dit wachtwoord is te kort" in html and "too short" not in html
    assert 'value="nieuw@school.nl"' in html  # kept
    assert "kort1" not in html  # passwords are not sent back


def test_sign_in_page_says_inloggen_with_a_styled_button(client) -> None:
    client.cookies["django_language"] = "nl"
    html = client.get("/accounts/login/").content.decode()
    assert "Aanmelden" not in html
    assert re.search(r'<button class="button"[^>]*type="submit"\s*>\s*Inloggen\s*</button>', html)


# --- Dashboards, dead ends, formats ----------------------------------------------------------------


def test_dashboard_lists_what_waits_with_a_link(client, cast) -> None:
    offer = open_offer(cast.company, cast.hr)
    wanted = open_request(cast.school, cast.teacher)
    match = match_services.match_propose(offer=offer, request=wanted)
    client.force_login(cast.teacher)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "1 proposal waits for your answer" in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert f"{reverse('matches:list')}?tab=todo" in html
    # The request's page links the match that holds its promised slot.
    assert (
        reverse("matches:detail", args=[match.pk])
        in client.get(reverse("matching:request_detail", args=[wanted.pk])).content.decode()
    )


def test_coordinators_land_on_their_own_dashboard(client, cast) -> None:
    client.force_login(cast.coordinator)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("oversight:dashboard")


def test_an_offer_without_a_fitting_request_offers_to_create_one_prefilled(client, cast) -> None:
    offer = open_offer(cast.company, cast.hr)
    client.force_login(cast.teacher)
    page = client.get(reverse("matching:offer_detail", args=[offer.pk])).content.decode()
    link = f"{reverse('matching:request_create')}?offer={offer.pk}"
    assert link in page
    form = client.get(link).context["form"]
    assert form.initial["kind"] == offer.kind and form.initial["title"] == offer.title
    assert form.initial["wanted_until"] == offer.available_until


def test_dates_are_unambiguous_in_english_and_dutch_style_in_dutch(client, cast) -> None:
    offer = open_offer(
        cast.company, cast.hr, available_from=date(2027, 4, 12), available_until=date(2027, 6, 30)
    )
    client.force_login(cast.teacher)
    english = client.get(reverse("matching:offer_browse")).content.decode()
    assert "12 Apr 2027" in english and "04/12/2027" not in english and "12/04/2027" not in english
    client.cookies["django_language"] = "nl"
    dutch = client.get(reverse("matching:offer_browse")).content.decode()
    assert "12-04-2027" in dutch
    assert (
        "maandag 12-04-2027" in client.get(reverse("matching:offer_detail", args=[offer.pk])).content.decode()
    )


def test_swagger_page_has_no_inline_script(client, cast) -> None:
    client.force_login(cast.teacher)
    html = client.get("/api/v1/docs/").content.decode()
    assert "<script>" not in html and "<style>" not in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_offers_rows_are_the_same_in_the_model() -> None:
    assert Offer._meta.get_field("title").max_length == 200


def test_the_inbox_offers_the_calendar_invitation_of_a_confirmed_or_moved_activity(client, cast) -> None:
    offer = open_offer(cast.company, cast.hr)
    wanted = open_request(cast.school, cast.teacher)
    match = match_services.match_propose(offer=offer, request=wanted)
    match_services.match_accept(match=match, by=cast.teacher)
    match_services.match_accept(match=match, by=cast.hr)
    client.force_login(cast.teacher)
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert reverse("matches:calendar", args=[match.pk]) in html

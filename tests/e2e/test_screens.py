"""Issue 17: every screen as good as the matcher behind it, checked in headless Chromium.

At 1280 px and at a 390 px phone: accept and decline look different; the match list and the offer
list never scroll sideways and keep the answer buttons inside the viewport; a request form with an
empty title and reversed dates shows every error at once; the sign-in page has a styled button
and refuses a short password in Dutch; Swagger UI lists the API's operations under the site's
own Content-Security-Policy; axe finds no violation at all (of any impact) on the home page, the
offers, a match, the dashboard and the login page.
"""

from __future__ import annotations

from typing import Any

import pytest

from matching.models import Match, Offer, Request
from matching.services import matches as match_services
from tests.e2e.conftest import PASSWORD, nl, no_problems
from tests.e2e.test_journeys import company_with_offer, log_in, school_with_request, verify_by_service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}


def open_page(browser: Any, live_server: Any, width: int, *, like: Any = None) -> Any:
    context = browser.new_context(
        storage_state=like.context.storage_state() if like is not None else None,
        viewport={"width": width, "height": 844 if width < 600 else 800},
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
    page.on("console", lambda m: page.problems.append(f"console: {m.text}") if m.type == "error" else None)
    return page


def all_axe_violations(page: Any) -> list[str]:
    """Every axe violation, whatever its impact (the strict reading of "0 violations")."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`)"""
    )


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, page.url


def inside_viewport(locator: Any) -> None:
    page = locator.page
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)


@pytest.fixture
def proposal(db: Any) -> dict[str, Any]:
    """A verified school and company, a matching offer and request, and a proposal between them."""
    hr, offer = company_with_offer(levels=["havo"])
    teacher, wanted = school_with_request(kind="guest_lesson", levels=["havo"], title="Gastles techniek")
    verify_by_service(offer.organisation)
    verify_by_service(wanted.organisation)
    # Publishing runs the matcher (eagerly in tests); propose by hand only if it did not.
    match = Match.objects.filter(offer=offer, request=wanted).first() or match_services.match_propose(
        offer=Offer.objects.get(pk=offer.pk), request=Request.objects.get(pk=wanted.pk), score=0.9
    )
    for user in (teacher, hr):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return {"teacher": teacher, "hr": hr, "match": match}


@pytest.mark.parametrize("viewport", WIDTHS)
def test_main_pages_fit_the_screen_and_pass_axe(browser, live_server, proposal, viewport) -> None:
    width = WIDTHS[viewport]
    anonymous = open_page(browser, live_server, width)
    for path in ("/", "/accounts/login/", "/offers/"):
        anonymous.goto(path)
        no_sideways_scroll(anonymous)
        assert all_axe_violations(anonymous) == [], path

    teacher = open_page(browser, live_server, width)
    log_in(teacher, proposal["teacher"].email)
    for path in ("/dashboard/", "/offers/", "/matches/", f"/matches/{proposal['match'].pk}/"):
        teacher.goto(path)
        no_sideways_scroll(teacher)
        assert all_axe_violations(teacher) == [], path

    # The answer buttons of the proposal are inside the viewport, and look different.
    teacher.goto("/matches/")
    accept = teacher.get_by_role("button", name=nl("Accept")).first
    decline = teacher.get_by_role("button", name=nl("Decline")).first
    inside_viewport(accept)
    inside_viewport(decline)
    style = "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.color, s.borderColor]; }"
    assert accept.evaluate(style) != decline.evaluate(style)
    no_problems(teacher)


def test_opposite_actions_have_different_styles(browser, live_server, proposal) -> None:
    page = open_page(browser, live_server, 1280)
    log_in(page, proposal["teacher"].email)
    page.goto(f"/matches/{proposal['match'].pk}/")
    background = "el => getComputedStyle(el).backgroundColor"
    accept = page.get_by_role("button", name=nl("Accept"), exact=True).evaluate(background)
    decline = page.get_by_role("button", name=nl("Decline"), exact=True).evaluate(background)
    assert accept != decline
    with page.expect_navigation():
        page.get_by_role("button", name=nl("Accept"), exact=True).click()
    withdraw = page.get_by_role("button", name=nl("Withdraw"), exact=True).evaluate(background)
    assert len({accept, decline, withdraw}) == 3  # primary, secondary, danger


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_menu_folds_on_a_phone_and_fits_one_line_on_a_desktop(
    browser, live_server, proposal, viewport
) -> None:
    page = open_page(browser, live_server, WIDTHS[viewport])
    log_in(page, proposal["teacher"].email)
    nav = page.get_by_role("navigation", name=nl("Main menu"))
    toggle = page.get_by_role("button", name=nl("Menu"))
    if viewport == "phone":
        assert not nav.is_visible()
        toggle.click()
        assert nav.get_by_role("link", name=nl("Matches")).is_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
    else:
        assert not toggle.is_visible()
        heights = {round(box["y"]) for li in nav.locator("li").all() if (box := li.bounding_box())}
        assert len(heights) == 1, heights


def test_request_form_shows_every_error_at_once_and_keeps_the_input(browser, live_server, proposal) -> None:
    page = open_page(browser, live_server, 390)
    log_in(page, proposal["teacher"].email)
    page.goto("/requests/new/")
    page.get_by_label(nl("Description")).fill("Wat we al typten blijft staan.")
    page.locator("input[name=wanted_from]").fill("2031-03-10")
    page.locator("input[name=wanted_until]").fill("2031-03-01")
    with page.expect_navigation():
        page.get_by_role("button", name=nl("Save as draft")).click()
    errors = page.locator(".field .errorlist li").all_inner_texts()
    assert nl("This field is required.") in errors  # the empty title
    assert nl("The end date must be on or after the start date.") in errors
    assert page.locator("input[name=title]").get_attribute("aria-invalid") == "true"
    assert page.get_by_label(nl("Description")).input_value() == "Wat we al typten blijft staan."
    no_sideways_scroll(page)


def test_sign_up_refuses_a_short_password_in_dutch_with_styled_buttons(browser, live_server) -> None:
    page = open_page(browser, live_server, 390)
    page.goto("/accounts/login/")
    button = page.get_by_role("button", name=nl("Sign In"))
    assert button.inner_text().strip() == "Inloggen"
    assert button.evaluate("el => getComputedStyle(el).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "rgb(239, 239, 239)",
    )
    page.goto("/accounts/signup/")
    page.locator("input[name=email]").fill("nieuw@school.nl")
    page.locator("input[name=name]").fill("Nieuwe Docent")
    page.locator("input[name=password1]").fill("kort1")
    page.locator("input[name=password2]").fill("kort1")
    with page.expect_navigation():
        page.get_by_role("button", name=nl("Sign Up")).click()
    errors = " ".join(page.locator(".errorlist").all_inner_texts())
    assert "te kort" in errors and "too short" not in errors
    assert page.locator("input[name=email]").input_value() == "nieuw@school.nl"  # kept
    assert PASSWORD not in page.content()


def test_swagger_lists_the_operations_under_the_csp(browser, live_server, proposal) -> None:
    page = open_page(browser, live_server, 1280)
    log_in(page, proposal["teacher"].email)
    response = page.goto("/api/v1/docs/")
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() > 10
    assert page.get_by_text("/api/v1/offers/").first.is_visible()
    no_problems(page)

"""The three journeys of issue 7, in headless Chromium against the live server.

1. A teacher signs up, verifies the e-mail address, creates a school, asks for a guest lesson,
   sees the proposal with its explanation, accepts it (keyboard only), sees the confirmed
   activity and downloads the calendar invitation.
2. Company staff sign up, create a company, publish internship places and a guest lesson offer,
   accept a proposal and, after the activity, say it took place and give feedback.
3. A coordinator verifies both organisations, watches the unmatched queue, matches by hand and
   sees the KPIs move.

Every main page is checked with axe-core (no serious or critical violation) and photographed at
1280 px; a few key pages again at 375 px. Locators are accessible ones (label, role), which also
proves that the fields are labelled. The site is used in Dutch, its default language; `nl()` gives
the Dutch text of an English source string from the same catalogue the server uses.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services.organisations import organisation_verify
from matching.forms import default_window
from matching.models import Match, Offer, Request
from matching.services import listings
from matching.services import matches as match_services
from matching.tasks import sweep_matches
from tests.accounts.factories import MembershipFactory, OrganisationFactory, make_coordinator
from tests.e2e.conftest import PASSWORD, axe, confirmation_path, nl, no_problems, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# --- Small helpers -------------------------------------------------------------------------------


def label(msgid: str, *, whole: bool = False, **params: Any) -> re.Pattern[str]:
    """A label that starts with (or, `whole`, is) the Dutch text; Django adds a colon."""
    text = re.escape(nl(msgid, **params))
    return re.compile(rf"^\s*{text}\s*:?\s*$" if whole else rf"^\s*{text}", re.IGNORECASE)


def follow(locator: Any) -> None:
    """Click a link or submit button and wait until the next page has loaded."""
    with locator.page.expect_navigation():
        locator.click()


def menu(page: Any, msgid: str) -> Any:
    """A link of the main menu (its name may carry an unread badge)."""
    nav = page.get_by_role("navigation", name=nl("Main menu"))
    return nav.get_by_role("link", name=re.compile(rf"^{re.escape(nl(msgid))}\b"))


def sign_up(page: Any, *, email: str, name: str) -> None:
    """Fill in the sign-up form (the page is open) and follow the link from the e-mail."""
    page.get_by_label(label("Email address", whole=True)).fill(email)
    page.get_by_label(label("Your name", whole=True)).fill(name)
    page.get_by_label(label("Password", whole=True)).fill(PASSWORD)
    page.get_by_label(label("Password (again)", whole=True)).fill(PASSWORD)
    follow(page.get_by_role("button", name=nl("Sign Up")))
    # Mandatory verification: the live server runs in this process with the locmem backend,
    # so the message waits in django.core.mail.outbox.
    page.goto(confirmation_path(email))


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(label("Email address", whole=True)).fill(email)
    page.get_by_label(label("Password", whole=True)).fill(PASSWORD)
    follow(page.get_by_role("button", name=nl("Sign In")))


def tab_to(page: Any, name: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element's accessible text is `name` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement ? document.activeElement.innerText.trim() : ''")
        if focused == name:
            return
    raise AssertionError(f"{name!r} is not reachable with Tab within {limit} presses")


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(css: str) -> tuple[float, float, float] | None:
    found = re.match(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?", css or "")
    if not found or (found.group(4) is not None and float(found.group(4)) == 0):
        return None
    return float(found.group(1)), float(found.group(2)), float(found.group(3))


def assert_visible_focus(page: Any) -> None:
    """The focused element shows a focus indicator with at least 3:1 contrast against the
    background around it (WCAG 2.1 SC 2.4.7 and 1.4.11)."""
    style = page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            let bg = 'rgba(0, 0, 0, 0)', node = el.parentElement;
            while (node && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg)) {
                bg = getComputedStyle(node).backgroundColor; node = node.parentElement;
            }
            return {outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth,
                    outlineColor: s.outlineColor, boxShadow: s.boxShadow, background: bg};
        }"""
    )
    background = _rgb(style["background"]) or (255.0, 255.0, 255.0)
    colours = []
    if style["outlineStyle"] != "none" and float(style["outlineWidth"].rstrip("px") or 0) >= 2:
        colours.append(_rgb(style["outlineColor"]))
    if style["boxShadow"] != "none":
        colours.append(_rgb(style["boxShadow"]))
    assert colours, f"no visible focus indicator: {style}"
    best = max(contrast(c, background) for c in colours if c)
    assert best >= 3, f"focus indicator contrast {best:.2f}:1 is below 3:1: {style}"


def on_phone(page: Any, journey: str, pages: list[tuple[str, str]]) -> None:
    """Open key pages at 375 px: checked with axe, photographed, and nothing wider than the screen."""
    for path, name in pages:
        page.goto(path)
        shot(page, journey, name)
        axe(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways on a phone by {overflow}px"
    no_problems(page)


def kpi(page: Any, msgid: str) -> str:
    return page.locator(".kpi", has_text=nl(msgid)).locator("strong").inner_text().strip()


def window() -> dict[str, Any]:
    """The date window the forms preset: from two weeks ahead to the end of the school year."""
    start, end = default_window()
    return {"start": start, "end": end}


def company_with_offer(*, levels: list[str]) -> tuple[User, Offer]:
    """A verified company in Zwolle with an open guest lesson offer, set up through the services."""
    company = OrganisationFactory(kind="company", name="Demcon", at="Zwolle")
    hr = MembershipFactory(organisation=company, is_admin=True, user__email="hr@demcon.nl").user
    w = window()
    offer = listings.listing_create(
        Offer,
        organisation=company,
        by=hr,
        kind="guest_lesson",
        title="Gastles robotica",
        description="Een engineer laat zien hoe een robot denkt.",
        levels=levels,
        subjects=[],
        capacity=2,
        available_from=w["start"],
        available_until=w["end"],
        language="nl",
    )
    return hr, listings.listing_publish(offer, by=hr)


def school_with_request(*, kind: str, levels: list[str], title: str) -> tuple[User, Request]:
    school = OrganisationFactory(kind="school", name="Carolus Clusius College", at="Zwolle", levels=levels)
    teacher = MembershipFactory(organisation=school, is_admin=True, user__email="docent@carolus.nl").user
    w = window()
    wanted = listings.listing_create(
        Request,
        organisation=school,
        by=teacher,
        kind=kind,
        title=title,
        description="Voor onze bovenbouw.",
        levels=levels,
        subjects=[],
        slots=1,
        wanted_from=w["start"],
        wanted_until=w["end"],
        crebo=[],
    )
    return teacher, listings.listing_publish(wanted, by=teacher)


def verify_by_service(org: Organisation) -> None:
    """Journeys 1 and 2 verify the new organisation through the service, as a coordinator of
    its province would; journey 3 does this step in the browser."""
    coordinator = make_coordinator(org.province, email=f"coordinator-{org.pk}@techniekpact.nl")
    organisation_verify(organisation=org, by=coordinator)


# --- Journey 1: the teacher ----------------------------------------------------------------------


def test_teacher_asks_for_a_guest_lesson_and_accepts_the_proposal(page_for: Any) -> None:
    journey = "1-teacher"
    hr, offer = company_with_offer(levels=["havo", "vwo"])
    page = page_for("desktop")

    page.goto("/")
    axe(page)
    shot(page, journey, "home")
    # The first Tab reaches the skip link, which then becomes visible.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=nl("Skip to content"))
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, box
    assert_visible_focus(page)

    follow(page.get_by_role("link", name=nl("Sign up for free")))
    axe(page)
    shot(page, journey, "sign-up")
    sign_up(page, email="sanne@carolus.nl", name="Sanne de Vries")
    axe(page)
    shot(page, journey, "confirm-email")
    follow(page.get_by_role("button", name=nl("Confirm")))

    # Signed in by the confirmation; the dashboard offers the next step.
    page.get_by_role("heading", name=nl("Next step: your organisation")).wait_for()
    axe(page)
    shot(page, journey, "dashboard-new")

    follow(page.get_by_role("link", name=nl("Create a school")))
    axe(page)
    page.get_by_label(label("Name", whole=True)).fill("Carolus Clusius College")
    page.get_by_label(label("BRIN code")).fill("20AB")
    page.get_by_label(label("Place", whole=True)).fill("Zwolle")
    page.get_by_label("havo", exact=True).check()
    page.get_by_label("vwo", exact=True).check()
    shot(page, journey, "create-school")
    follow(page.get_by_role("button", name=nl("Save")))
    page.get_by_text(nl("awaiting verification")).first.wait_for()
    axe(page)
    shot(page, journey, "school-awaiting-verification")

    school = Organisation.objects.get(name="Carolus Clusius College")
    assert (school.kind, school.brin, school.province) == ("school", "20AB", "overijssel")
    verify_by_service(school)

    follow(menu(page, "Dashboard"))
    follow(page.get_by_role("link", name=nl("Create a request")))
    page.get_by_label(label("Guest lesson")).check()
    page.get_by_label(label("Title", whole=True)).fill("Gastles over robots voor 4 havo")
    page.get_by_label(label("Description", whole=True)).fill("Twee klassen, dinsdagochtend het liefst.")
    # The school's levels are preset from its profile.
    assert page.get_by_label("havo", exact=True).is_checked()
    axe(page)
    shot(page, journey, "request-form")
    follow(page.get_by_role("button", name=nl("Save and publish")))
    page.get_by_text(nl("Published. The matcher will now look for a match.")).wait_for()
    axe(page)
    shot(page, journey, "request-published")

    # Publishing queued a matcher run (Celery runs eagerly in tests), so the proposal is there.
    match = Match.objects.get(offer=offer, request__organisation=school)
    assert match.status == Match.Status.PROPOSED
    # The company answers first, through the service; the teacher's accept then confirms.
    match_services.match_accept(match=match, by=hr)

    follow(menu(page, "Matches"))
    row = page.get_by_role("row").filter(has_text="Gastles robotica")
    row.get_by_text(re.compile(r"\d+% ")).wait_for()  # the short "why" in the list
    axe(page)
    shot(page, journey, "matches-to-answer")
    follow(row.get_by_role("link", name="Gastles robotica"))

    why = page.get_by_role("region", name=nl("Why this match"))
    why.get_by_text(nl("Levels that fit")).wait_for()
    assert "havo" in why.inner_text()
    axe(page)
    shot(page, journey, "proposal-with-explanation")

    # Keyboard only: Tab to "Accept", check that the focus is visible, press Enter.
    tab_to(page, nl("Accept"))
    assert_visible_focus(page)
    shot(page, journey, "accept-focused")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text(
        nl("Confirmed! Both sides accepted; the contact details are now shown on the match.")
    ).wait_for()
    match.refresh_from_db()
    assert match.status == Match.Status.CONFIRMED
    contacts = page.get_by_role("region", name=nl("Contact details"))
    assert "hr@demcon.nl" in contacts.inner_text()
    axe(page)
    shot(page, journey, "confirmed")

    with page.expect_download() as info:
        page.get_by_role("link", name=nl("Add to my calendar (.ics)")).click()
    download = info.value
    assert download.suggested_filename == f"techniekpact-match-{match.pk}.ics"
    ics = Path(download.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in ics and "BEGIN:VEVENT" in ics
    assert match.activity_date.strftime("%Y%m%d") in ics

    follow(menu(page, "Notifications"))
    assert page.get_by_role("row").count() > 1
    axe(page)
    shot(page, journey, "inbox")
    no_problems(page)

    # The same key pages on a phone.
    phone = page_for("phone", like=page)
    on_phone(
        phone,
        journey,
        [("/", "dashboard"), ("/matches/?tab=confirmed", "matches"), (f"/matches/{match.pk}/", "confirmed")],
    )


# --- Journey 2: company staff --------------------------------------------------------------------


def test_company_publishes_offers_accepts_a_proposal_and_gives_feedback(page_for: Any) -> None:
    journey = "2-company"
    # A verified mbo school nearby already asks for internship places and a guest lesson.
    teacher, internship_request = school_with_request(
        kind="internship", levels=["mbo-3", "mbo-4"], title="Stages voor mechatronica-studenten"
    )
    guest_request = listings.listing_publish(
        listings.listing_create(
            Request,
            organisation=internship_request.organisation,
            by=teacher,
            kind="guest_lesson",
            title="Gastles slimme fabriek",
            description="Voor onze tweedejaars.",
            levels=["mbo-4"],
            subjects=[],
            slots=1,
            wanted_from=window()["start"],
            wanted_until=window()["end"],
        ),
        by=teacher,
    )
    page = page_for("desktop")

    page.goto("/accounts/signup/")
    sign_up(page, email="lotte@holland-mechatronics.nl", name="Lotte Jansen")
    follow(page.get_by_role("button", name=nl("Confirm")))
    follow(page.get_by_role("link", name=nl("Create a company")))
    assert page.get_by_label(label("Company")).is_checked()  # preset by the dashboard's link
    page.get_by_label(label("Name", whole=True)).fill("Holland Mechatronics")
    page.get_by_label(label("KvK number")).fill("12345678")
    page.get_by_label(label("Place", whole=True)).fill("Zwolle")
    page.get_by_label(label("Metal & mechatronics")).check()
    axe(page)
    shot(page, journey, "create-company")
    follow(page.get_by_role("button", name=nl("Save")))
    axe(page)
    shot(page, journey, "company-profile")
    company = Organisation.objects.get(name="Holland Mechatronics")
    assert (company.kind, company.kvk, company.sectors) == ("company", "12345678", ["metaal-mechatronica"])

    # Before verification, an offer can only be a draft.
    follow(menu(page, "Dashboard"))
    follow(page.get_by_role("link", name=nl("Create an offer")))
    page.get_by_label(label("Internship place")).check()
    page.get_by_label(label("Title", whole=True)).fill("Stageplaatsen mechatronica")
    page.get_by_label(label("Description", whole=True)).fill(
        "BOL-stage in onze werkplaats, met vaste begeleider."
    )
    page.get_by_label(nl("mbo level 3"), exact=True).check()
    page.get_by_label(nl("mbo level 4"), exact=True).check()
    page.get_by_label(label("Capacity", whole=True)).fill("3")
    page.get_by_label(label("BOL or BBL (internships)", whole=True)).select_option("bol")
    axe(page)
    shot(page, journey, "internship-offer-form")
    follow(page.get_by_role("button", name=nl("Save as draft")))
    page.get_by_text(
        nl("Publishing is possible once a coordinator has verified your organisation.")
    ).wait_for()
    axe(page)
    shot(page, journey, "internship-offer-draft")

    verify_by_service(company)

    follow(page.get_by_role("button", name=nl("Publish")))
    page.get_by_text(nl("Published. The matcher will now look for a match.")).wait_for()
    shot(page, journey, "internship-offer-published")

    follow(menu(page, "Dashboard"))
    follow(page.get_by_role("link", name=nl("Create an offer")))
    page.get_by_label(label("Guest lesson")).check()
    page.get_by_label(label("Title", whole=True)).fill("Gastles: de slimme fabriek")
    page.get_by_label(label("Description", whole=True)).fill(
        "Een engineer vertelt over robots in de productie."
    )
    page.get_by_label(nl("mbo level 4"), exact=True).check()
    follow(page.get_by_role("button", name=nl("Save and publish")))
    page.get_by_text(nl("Published. The matcher will now look for a match.")).wait_for()
    axe(page)
    shot(page, journey, "guest-lesson-offer-published")

    follow(menu(page, "Our offers"))
    assert page.get_by_role("link", name="Stageplaatsen mechatronica").is_visible()
    axe(page)
    shot(page, journey, "our-offers")

    # Publishing ran the matcher (eagerly in tests): both requests got a proposal.
    internship_match = Match.objects.get(request=internship_request)
    guest_match = Match.objects.get(request=guest_request)
    assert internship_match.offer.title == "Stageplaatsen mechatronica"
    assert guest_match.offer.title == "Gastles: de slimme fabriek"
    # The school says yes to the guest lesson first (service), so the company's yes confirms it.
    match_services.match_accept(match=guest_match, by=teacher)

    follow(menu(page, "Matches"))
    assert page.get_by_role("row").filter(has_text="Stageplaatsen mechatronica").is_visible()
    axe(page)
    shot(page, journey, "matches-to-answer")
    follow(
        page.get_by_role("row")
        .filter(has_text="Gastles: de slimme fabriek")
        .get_by_role("link", name="Gastles: de slimme fabriek")
    )
    page.get_by_role("region", name=nl("Why this match")).get_by_text(nl("Levels that fit")).wait_for()
    follow(page.get_by_role("button", name=nl("Accept"), exact=True))
    page.get_by_text(
        nl("Confirmed! Both sides accepted; the contact details are now shown on the match.")
    ).wait_for()
    assert "docent@carolus.nl" in page.get_by_role("region", name=nl("Contact details")).inner_text()
    axe(page)
    shot(page, journey, "confirmed")

    # Later: the day has passed. Nothing completes by itself (the beat only asks the sides);
    # the company says on the match page that the lesson took place.
    Match.objects.filter(pk=guest_match.pk).update(activity_date=timezone.localdate() - timedelta(days=1))
    sweep_matches()
    assert Match.objects.get(pk=guest_match.pk).status == Match.Status.CONFIRMED
    page.reload()
    follow(page.get_by_role("button", name=nl("Yes, it took place")))
    page.get_by_text(nl("Thank you: your answer is recorded.")).wait_for()

    page.goto("/matches/?tab=past")
    follow(page.get_by_role("link", name="Gastles: de slimme fabriek"))
    feedback = page.get_by_role("region", name=nl("Feedback"))
    feedback.get_by_label("4", exact=True).check()
    feedback.get_by_label(label("Comment (optional)", whole=True)).fill("Leuke klas, goede vragen.")
    axe(page)
    shot(page, journey, "feedback-form")
    follow(feedback.get_by_role("button", name=nl("Send feedback")))
    page.get_by_text(nl("Thank you for your feedback.")).wait_for()
    assert "Leuke klas, goede vragen." in page.get_by_role("region", name=nl("Feedback")).inner_text()
    guest_match.refresh_from_db()
    assert guest_match.status == Match.Status.COMPLETED
    assert guest_match.feedback.get().rating == 4
    shot(page, journey, "feedback-given")
    no_problems(page)

    phone = page_for("phone", like=page)
    on_phone(
        phone,
        journey,
        [
            ("/offers/new/", "offer-form"),
            ("/matches/", "matches"),
            (f"/matches/{guest_match.pk}/", "feedback-given"),
        ],
    )


# --- Issue 15: an agreed date, and both say the lesson took place ---------------------------------


def test_teacher_and_company_agree_a_date_and_both_confirm_the_lesson_took_place(page_for: Any) -> None:
    """Issue 15: the teacher proposes another date, the company accepts it (confirmed); after the
    day nothing completes by itself until both say on the match page that the lesson took place."""
    journey = "agreed-date"
    hr, offer = company_with_offer(levels=["havo"])
    teacher, wanted = school_with_request(kind="guest_lesson", levels=["havo"], title="Gastles voor havo 5")
    match = Match.objects.filter(offer=offer, request=wanted).first() or match_services.match_propose(
        offer=offer, request=wanted
    )
    for person in (hr, teacher):
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    school_page = page_for()
    log_in(school_page, teacher.email)
    school_page.goto(f"/matches/{match.pk}/")
    picker = school_page.get_by_label(label("Propose another date"))
    other_day = picker.locator("option").nth(1).get_attribute("value")
    picker.select_option(other_day)
    axe(school_page)
    shot(school_page, journey, "propose-a-date")
    follow(school_page.get_by_role("button", name=nl("Propose this date")))
    school_page.get_by_text(nl("Your date is proposed; the other side is asked to accept it.")).wait_for()

    company_page = page_for()
    log_in(company_page, hr.email)
    company_page.goto(f"/matches/{match.pk}/")
    follow(company_page.get_by_role("button", name=nl("Accept"), exact=True))
    company_page.get_by_text(
        nl("Confirmed! Both sides accepted; the contact details are now shown on the match.")
    ).wait_for()
    match.refresh_from_db()
    assert match.status == Match.Status.CONFIRMED and match.activity_date.isoformat() == other_day

    # The day passes: every beat run leaves it confirmed until a side answers.
    Match.objects.filter(pk=match.pk).update(activity_date=timezone.localdate() - timedelta(days=1))
    sweep_matches()
    sweep_matches()
    assert Match.objects.get(pk=match.pk).status == Match.Status.CONFIRMED
    for page in (company_page, school_page):
        page.goto(f"/matches/{match.pk}/")
        axe(page)
        follow(page.get_by_role("button", name=nl("Yes, it took place")))
        page.get_by_text(nl("Thank you: your answer is recorded.")).wait_for()
        no_problems(page)
    shot(school_page, journey, "took-place")
    match.refresh_from_db()
    assert match.status == Match.Status.COMPLETED and match.school_held and match.company_held


# --- Journey 3: the coordinator ------------------------------------------------------------------

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a known secret: the test computes the codes


def totp_code() -> str:
    """The current code, never one about to expire (the server allows no clock tolerance)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def coordinator_oost() -> User:
    """Coordinator of Overijssel and Gelderland, with TOTP set up (coordinators must have it)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.models import CoordinatorRegion
    from tests.accounts.factories import UserFactory

    user = UserFactory(email="coordinator@oost.nl", name="Jet Coordinator", password=PASSWORD)
    for province in ("overijssel", "gelderland"):
        CoordinatorRegion.objects.create(user=user, province=province)
    TOTP.activate(user, TOTP_SECRET)
    return user


def tool(page: Any, msgid: str) -> Any:
    """A link of the coordinator's tools menu."""
    return page.get_by_role("navigation", name=nl("Coordinator tools")).get_by_role("link", name=nl(msgid))


def test_coordinator_verifies_watches_the_queue_matches_by_hand_and_sees_the_kpis_move(page_for: Any) -> None:
    journey = "3-coordinator"
    coordinator_oost()
    school = OrganisationFactory(kind="school", name="Thomas a Kempis College", at="Zwolle", verified_at=None)
    teacher = MembershipFactory(organisation=school, is_admin=True, user__email="docent@tak.nl").user
    company = OrganisationFactory(
        kind="company", name="Apeldoorn Techniek", at=("Apeldoorn", "gelderland"), verified_at=None
    )
    hr = MembershipFactory(organisation=company, is_admin=True, user__email="hr@apeldoorn-techniek.nl").user
    page = page_for("desktop")

    # Password, then the code from the authenticator app.
    log_in(page, "coordinator@oost.nl")
    axe(page)
    page.get_by_label(label("Code", whole=True)).fill(totp_code())
    shot(page, journey, "two-factor")
    follow(page.get_by_role("button", name=re.compile(rf"^{re.escape(nl('Sign In'))}$")))
    page.get_by_role("link", name=nl("Open the verification queue")).wait_for()
    axe(page)
    shot(page, journey, "dashboard")

    follow(page.get_by_role("link", name=nl("Open the verification queue")))
    axe(page)
    shot(page, journey, "verification-queue")
    for org in (school, company):
        follow(page.get_by_role("row").filter(has_text=org.name).get_by_role("button", name=nl("Verify")))
        page.get_by_text(nl("%(name)s is verified.", name=org.name)).wait_for()
    page.get_by_text(nl("Nothing to verify. New organisations in your provinces appear here.")).wait_for()
    shot(page, journey, "verification-done")
    school.refresh_from_db()
    company.refresh_from_db()
    assert school.verified_at and company.verified_at

    # Now verified, both publish (through the services). The school wants the company within
    # 10 km; Apeldoorn is farther from Zwolle, so the matcher proposes nothing.
    w = window()
    wanted = listings.listing_create(
        Request,
        organisation=school,
        by=teacher,
        kind="company_visit",
        title="Excursie techniekbedrijf 3 havo",
        description="Een klas van 28 leerlingen.",
        levels=["havo"],
        subjects=[],
        slots=1,
        max_travel_km=10,
        wanted_from=w["start"],
        wanted_until=w["end"],
    )
    listings.listing_publish(wanted, by=teacher)
    offer = listings.listing_create(
        Offer,
        organisation=company,
        by=hr,
        kind="company_visit",
        title="Rondleiding in de fabriek",
        description="Twee uur, met een proefje aan de lopende band.",
        levels=["havo", "vwo"],
        subjects=[],
        capacity=4,
        available_from=w["start"],
        available_until=w["end"],
        language="nl",
    )
    listings.listing_publish(offer, by=hr)
    assert not Match.objects.exists()

    follow(menu(page, "Coordinator"))
    before = {name: kpi(page, name) for name in ("open requests", "proposals awaiting an answer")}
    assert before == {"open requests": "1", "proposals awaiting an answer": "0"}
    axe(page)
    shot(page, journey, "kpis-before")

    follow(tool(page, "Unmatched queue"))
    card = page.get_by_role("region", name="Excursie techniekbedrijf 3 havo")
    card.get_by_text(nl("No feasible offer right now.")).wait_for()
    axe(page)
    shot(page, journey, "unmatched-queue")

    # Match by hand: the coordinator knows this company, looks the pair up and overrides the
    # distance rule, with a reason for the audit log.
    card.get_by_label(label("Another offer (its number)", whole=True)).fill(str(offer.pk))
    follow(card.get_by_role("button", name=nl("Check this pair")))
    page.get_by_text(nl("The company is farther away than the travel distance allowed.")).wait_for()
    axe(page)
    shot(page, journey, "pair")
    propose = page.get_by_role("region", name=nl("Propose this pair"))
    propose.get_by_label(
        label("Override the rules (propose although the pair breaks a matching rule)", whole=True)
    ).check()
    propose.get_by_label(label("Reason (required when you override the rules)", whole=True)).fill(
        "De school regelt een bus; de afstand is geen bezwaar."
    )
    follow(propose.get_by_role("button", name=nl("Propose"), exact=True))
    page.get_by_text(nl("Proposed. Both sides have been told and can now answer.")).wait_for()
    axe(page)
    shot(page, journey, "match-by-hand")
    match = Match.objects.get()
    assert (match.offer, match.request, match.source) == (offer, wanted, Match.Source.COORDINATOR)

    follow(tool(page, "Unmatched queue"))
    page.get_by_text(
        nl("No unmatched requests. Every open request in your provinces has a proposal or an activity.")
    ).wait_for()
    shot(page, journey, "queue-empty")

    follow(tool(page, "Dashboard"))
    assert kpi(page, "proposals awaiting an answer") == "1"
    shot(page, journey, "kpis-proposed")

    # Both sides accept (through the services): the activity is confirmed. The school counts as
    # reached only once a side says the activity took place (DESIGN §3), so not yet.
    match_services.match_accept(match=match, by=teacher)
    match_services.match_accept(match=match, by=hr)
    page.reload()
    assert kpi(page, "proposals awaiting an answer") == "0"
    assert kpi(page, "activities confirmed (still to happen)") == "1"
    assert kpi(page, "of schools reached") == "0%"
    axe(page)
    shot(page, journey, "kpis-confirmed")
    no_problems(page)

    phone = page_for("phone", like=page)
    on_phone(
        phone,
        journey,
        [
            ("/coordinator/", "kpis"),
            ("/coordinator/queue/", "unmatched-queue"),
            (f"/coordinator/queue/{wanted.pk}/offers/{offer.pk}/", "pair"),
            ("/coordinator/verification/", "verification-queue"),
        ],
    )

"""The authorization matrix (issue 8): every URL of the web and the API × every role.

`ROWS` holds, per named route, the concrete requests to make (built from the scenario) and the
status each role must get. One test per role walks all rows and collects every mismatch into one
message, so a single run shows the whole picture. On top of the status:

- every 200 a role gets is searched for the words of objects that role must never see (IDOR in
  lists, details, exports and search alike);
- a refused write (403/404/login) must change nothing: key writes carry a snapshot that is
  compared before and after.

Each request runs in a savepoint that is rolled back, so every row sees the same fresh scenario
and the order of the rows does not matter.

`test_every_url_has_a_row` walks config.urls and fails for any route without a row (and any row
whose route is gone): a new URL cannot ship without its line in this table.

Policy (STYLE §3): other organisations' objects answer 404, never 403; 403 means "you may read
this but not change it" or "this page is not for your role". Anonymous people are sent to the
login page on the web and get 403 from the API (session authentication comes first, and it
has no WWW-Authenticate challenge).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, Invitation, JoinRequest, Membership, Organisation
from matching.models import Attachment, Match, MatchMessage, Offer, Placement, Request, TeacherReflection
from notifications.models import Notification
from oversight.models import ConductReport, PlacementRecord
from tests.accounts.factories import make_api_token
from tests.matching.helpers import LATER, SOON, weekday_after
from tests.security.scenario import Scenario, build_scenario

pytestmark = pytest.mark.django_db

MIDDLE = weekday_after(SOON + (LATER - SOON) / 2, 0)  # a weekday inside every scenario listing's dates

ROLES = (
    "anonymous",
    "teacher",  # school staff of cast.school
    "school_admin",  # organisation admin of cast.school
    "hr",  # company staff and organisation admin of cast.company
    "other_member",  # admin of cast.other_school: "a member of another organisation"
    "coordinator",  # Overijssel + Gelderland: every cast organisation is in scope
    "coordinator_elsewhere",  # Zuid-Holland: the far_* organisations are in scope
    "platform_admin",  # superuser
)
AUTHED = ROLES[1:]
LOGIN = "login"  # a 302 to the login page
Expected = int | str

# ---------------------------------------------------------------------------------------------
# Routes that are not ours to test here. Every skip is explicit, with its reason.
# ---------------------------------------------------------------------------------------------

# allauth's own views under /accounts/ (login, signup, password and e-mail management, 2FA).
# They act on the signed-in person only and have their own test suite upstream; our use of
# them is tested in tests/accounts/. A route added by enabling another allauth feature fails
# `test_every_url_has_a_row` until it is listed here (or given a row).
THIRD_PARTY_ROUTES = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_email",
    "account_email_verification_sent",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password_from_key_done",
    "account_reset_password_from_key",
    "account_reset_password_done",
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    # Django's language switch and JavaScript catalogue: no data, no permissions.
    "set_language",
    "javascript-catalog",
}


def _skipped(route: str, name: str | None) -> str | None:
    """Why a route has no row, or None when it must have one."""
    if name in THIRD_PARTY_ROUTES:
        return "third-party route (allow-list above)"
    if route.startswith("admin/") and name != "admin:index":
        # The Django admin's own views all sit behind admin_view (is_staff); the index row
        # proves that gate for every role.
        return "Django admin internals"
    if name is None and route.startswith("^static/"):
        return "static files (DEBUG only)"
    return None


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> list[tuple[str, str | None]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            found.append((prefix + str(pattern.pattern), name))
    return found


def all_routes() -> list[tuple[str, str | None]]:
    """(route, namespace:name) of every URL pattern, format-suffix variants included."""
    return _walk(get_resolver().url_patterns)


# ---------------------------------------------------------------------------------------------
# How a row is written
# ---------------------------------------------------------------------------------------------


def _expect(anonymous: Expected, rest: Expected, roles: dict[str, Expected]) -> dict[str, Expected]:
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    table: dict[str, Expected] = dict.fromkeys(ROLES, rest)
    table["anonymous"] = anonymous
    table.update(roles)
    return table


def web(rest: Expected, **roles: Expected) -> dict[str, Expected]:
    """Web page: anonymous is sent to the login page unless stated."""
    return _expect(roles.pop("anonymous", LOGIN), rest, roles)


def api(rest: Expected, **roles: Expected) -> dict[str, Expected]:
    """API endpoint: anonymous gets 403 unless stated."""
    return _expect(roles.pop("anonymous", 403), rest, roles)


def only(kind: Callable[..., dict[str, Expected]], ok: Expected, who: tuple[str, ...], rest: Expected):
    return kind(rest, **dict.fromkeys(who, ok))


# Who sees / may change what (see tests/security/scenario.py for the objects).
SCHOOL = ("teacher", "school_admin")
COORDS = ("coordinator", "coordinator_elsewhere", "platform_admin")
OOST_READERS = ("coordinator", "platform_admin")  # in-province coordinator and the superuser


def access(
    kind: Callable[..., dict[str, Expected]],
    ok: Expected,
    *,
    write: tuple[str, ...],
    read: tuple[str, ...] = (),
    read_status: Expected = 403,
) -> dict[str, Expected]:
    """`write` roles get `ok`; `read` roles may see the object but not do this: 403 (or
    read_status); everyone else: 404, the object is not theirs to know about."""
    table = kind(404, **dict.fromkeys(read, read_status))
    table.update(dict.fromkeys(write, ok))
    return table


def coordinator_page(kind: Callable[..., dict[str, Expected]] = web, ok: Expected = 200):
    """A page of the oversight side: coordinators (any province) and platform admins."""
    return only(kind, ok, COORDS, 403)


def coordinator_object(ok: Expected = 200, kind: Callable[..., dict[str, Expected]] = web):
    """An object of an Oost organisation on the oversight side: 404 for the other province."""
    return kind(403, coordinator=ok, platform_admin=ok, coordinator_elsewhere=404)


@dataclass(frozen=True)
class Ref:
    """A value taken from the scenario: "offer" is scenario.offer.pk, "invitation.token" a field."""

    path: str

    def __call__(self, s: Scenario) -> Any:
        value: Any = s
        for part in self.path.split("."):
            value = getattr(value, part)
        return value.pk if hasattr(value, "pk") else value


@dataclass(frozen=True)
class Check:
    url: Callable[[Scenario], str]
    expect: dict[str, Expected]
    method: str = "GET"
    data: Callable[[Scenario], dict] | dict | None = None
    # A snapshot of what a refused request must leave alone (compared before and after).
    keeps: Callable[[Scenario], Any] | None = None
    keeps_for: tuple[str, ...] | None = None  # default: the roles whose request is refused
    # Coordinator-scoped pages: also hide the other province's public objects.
    scoped: bool = False
    # Words that must be on the page for these roles (so an empty page cannot pass an IDOR check).
    shows: dict[str, tuple[str, ...]] = field(default_factory=dict)


def url(name: str, query: str = "", **kwargs: Any) -> Callable[[Scenario], str]:
    def build(s: Scenario) -> str:
        resolved = {k: v(s) if isinstance(v, Ref) else v for k, v in kwargs.items()}
        return reverse(name, kwargs=resolved) + (
            f"?{query(s) if callable(query) else query}" if query else ""
        )

    return build


def GET(name: str, expect: dict[str, Expected], query: Any = "", **kw: Any) -> Check:  # noqa: N802
    extra = {k: kw.pop(k) for k in ("scoped", "shows") if k in kw}
    return Check(url(name, query, **kw), expect, **extra)


def POST(  # noqa: N802
    name: str,
    expect: dict[str, Expected],
    data: Any = None,
    keeps: Any = None,
    keeps_for: tuple[str, ...] | None = None,
    **kw: Any,
) -> Check:
    return Check(url(name, **kw), expect, "POST", data, keeps, keeps_for)


def PATCH(  # noqa: N802
    name: str,
    expect: dict[str, Expected],
    data: Any = None,
    keeps: Any = None,
    keeps_for: tuple[str, ...] | None = None,
    **kw: Any,
) -> Check:
    return Check(url(name, **kw), expect, "PATCH", data, keeps, keeps_for)


def DELETE(  # noqa: N802
    name: str,
    expect: dict[str, Expected],
    data: Any = None,
    keeps: Any = None,
    keeps_for: tuple[str, ...] | None = None,
    **kw: Any,
) -> Check:
    return Check(url(name, **kw), expect, "DELETE", data, keeps, keeps_for)


def row_of(model: type, ref: str) -> Callable[[Scenario], Any]:
    """Snapshot of one row, every column (updated_at included)."""
    return lambda s: model.objects.filter(pk=Ref(ref)(s)).values().first()


def messages_of(ref: str) -> Callable[[Scenario], Any]:
    return lambda s: list(MatchMessage.objects.filter(match_id=Ref(ref)(s)).values_list("pk", "body"))


def _offer_body(s: Scenario) -> dict:
    return {
        "kind": "guest_lesson",
        "title": "Nieuw Aanbod Via API",
        "levels": ["havo"],
        "capacity": 1,
        "available_from": SOON.isoformat(),
        "available_until": LATER.isoformat(),
    }


def _request_body(s: Scenario) -> dict:
    return {
        "kind": "guest_lesson",
        "title": "Nieuwe Aanvraag Via API",
        "levels": ["havo"],
        "slots": 1,
        "wanted_from": SOON.isoformat(),
        "wanted_until": LATER.isoformat(),
    }


# Who may do what with the scenario's objects.
OPEN_OFFER = {"write": ("hr",), "read": AUTHED}  # open offers are public to signed-in people
PRIVATE_OFFER = {"write": ("hr",), "read": OOST_READERS}  # draft / closed offers of cast.company
OPEN_REQUEST = {"write": SCHOOL, "read": ("hr", "coordinator", "coordinator_elsewhere", "platform_admin")}
PRIVATE_REQUEST = {"write": SCHOOL, "read": OOST_READERS}
MATCH = {"write": (*SCHOOL, "hr"), "read": OOST_READERS}
SCHOOL_ORG = {"write": ("school_admin",), "read": ("teacher", *OOST_READERS)}
NOTE = {"write": ("teacher",)}  # a notification: its recipient only, even for superusers

# Writes by a coordinator who may read a match but not answer it: 403, never a change.
SIDES_ONLY = access(web, 302, **MATCH)
API_SIDES_ONLY = access(api, 200, **MATCH)
# The match's thread: both sides, the coordinators of either province, superusers.
THREAD = access(web, 302, write=(*SCHOOL, "hr", *OOST_READERS))
VERIFY = web(403, coordinator=302, coordinator_elsewhere=404)

# ---------------------------------------------------------------------------------------------
# The table: route name → the requests to make
# ---------------------------------------------------------------------------------------------

ROWS: dict[str, list[Check]] = {
    # --- platform ---
    "healthz": [GET("healthz", web(200, anonymous=200))],
    "admin:index": [GET("admin:index", web(302, platform_admin=200, anonymous=302))],
    # --- accounts (web) ---
    "accounts:home": [GET("accounts:home", web(302, anonymous=200))],
    # A coordinator without an organisation is sent on to their own dashboard (/coordinator/).
    "accounts:dashboard": [GET("accounts:dashboard", web(200, coordinator=302, coordinator_elsewhere=302))],
    "accounts:profile": [GET("accounts:profile", web(200))],
    "accounts:privacy": [GET("accounts:privacy", web(200, anonymous=200))],
    "accounts:privacy_export": [GET("accounts:privacy_export", web(200))],
    "accounts:account_delete": [
        GET("accounts:account_delete", web(200)),
        # A wrong password: the form comes back, the account stays.
        POST("accounts:account_delete", web(200), {"password": "not-the-password"}),
    ],
    "accounts:set_language": [
        POST("accounts:set_language", web(302, anonymous=302), {"language": "en", "next": "/"})
    ],
    "accounts:organisation_create": [GET("accounts:organisation_create", web(200))],
    "accounts:organisation_detail": [
        GET(
            "accounts:organisation_detail",
            access(web, 200, write=(*SCHOOL, *OOST_READERS)),
            pk=Ref("cast.school"),
        ),
        GET(
            "accounts:organisation_detail",
            access(web, 200, write=("hr", *OOST_READERS)),
            pk=Ref("cast.company"),
        ),
        GET(
            "accounts:organisation_detail",
            access(web, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_school"),
        ),
    ],
    "accounts:organisation_edit": [
        GET("accounts:organisation_edit", access(web, 200, **SCHOOL_ORG), pk=Ref("cast.school")),
        # An incomplete form: the admin gets it back with errors; nobody else changes a thing.
        POST(
            "accounts:organisation_edit",
            access(web, 200, **SCHOOL_ORG),
            {"name": "Gekaapte School"},
            keeps=row_of(Organisation, "cast.school"),
            pk=Ref("cast.school"),
        ),
    ],
    "accounts:invitation_create": [
        POST(
            "accounts:invitation_create",
            access(web, 302, **SCHOOL_ORG),
            {"email": "indringer@example.nl", "is_admin": "on"},
            keeps=lambda s: list(Invitation.objects.filter(organisation=s.cast.school).values_list("pk")),
            pk=Ref("cast.school"),
        )
    ],
    "accounts:invitation_revoke": [
        POST(
            "accounts:invitation_revoke",
            web(404, coordinator=403, platform_admin=403),
            keeps=row_of(Invitation, "invitation"),
            keeps_for=ROLES,
            pk=Ref("cast.company"),
            invitation_id=Ref("invitation"),
        ),
        POST(
            "accounts:invitation_revoke",
            access(web, 302, **SCHOOL_ORG),
            keeps=row_of(Invitation, "invitation"),
            pk=Ref("cast.school"),
            invitation_id=Ref("invitation"),
        ),
    ],
    "accounts:member_remove": [
        # The company's admin, with the company in the URL and the school's membership: 404.
        POST(
            "accounts:member_remove",
            web(404, coordinator=403, platform_admin=403),
            keeps=row_of(Membership, "teacher_membership"),
            keeps_for=ROLES,
            pk=Ref("cast.company"),
            membership_id=Ref("teacher_membership"),
        ),
        POST(
            "accounts:member_remove",
            access(web, 302, **SCHOOL_ORG),
            keeps=row_of(Membership, "teacher_membership"),
            pk=Ref("cast.school"),
            membership_id=Ref("teacher_membership"),
        ),
    ],
    "accounts:member_set_admin": [
        POST(
            "accounts:member_set_admin",
            web(404, coordinator=403, platform_admin=403),
            {"is_admin": "1"},
            keeps=row_of(Membership, "teacher_membership"),
            keeps_for=ROLES,
            pk=Ref("cast.company"),
            membership_id=Ref("teacher_membership"),
        ),
        POST(
            "accounts:member_set_admin",
            access(web, 302, **SCHOOL_ORG),
            {"is_admin": "1"},
            keeps=row_of(Membership, "teacher_membership"),
            pk=Ref("cast.school"),
            membership_id=Ref("teacher_membership"),
        ),
    ],
    # Members only; the school's last admin is told to hand over first (a message, no change).
    "accounts:organisation_leave": [
        POST(
            "accounts:organisation_leave",
            web(404, teacher=302, school_admin=302),
            keeps=lambda s: list(Membership.objects.filter(organisation=s.cast.school).values_list("pk")),
            keeps_for=tuple(r for r in ROLES if r != "teacher"),
            pk=Ref("cast.school"),
        )
    ],
    "accounts:invitation_resend": [
        POST(
            "accounts:invitation_resend",
            access(web, 302, **SCHOOL_ORG),
            keeps=row_of(Invitation, "invitation"),
            pk=Ref("cast.school"),
            invitation_id=Ref("invitation"),
        )
    ],
    "accounts:organisation_search": [
        GET("accounts:organisation_search", web(200)),
        GET("accounts:organisation_search", web(200), query="q=Geheim"),
    ],
    # Anyone signed in may ask to join a verified organisation; its members are told they are.
    "accounts:join_request_create": [POST("accounts:join_request_create", web(302), pk=Ref("cast.school"))],
    "accounts:join_request_decide": [
        POST(
            "accounts:join_request_decide",
            access(web, 302, **SCHOOL_ORG),
            {"decision": "approve"},
            keeps=row_of(JoinRequest, "join_request"),
            pk=Ref("cast.school"),
            join_request_id=Ref("join_request"),
        ),
        POST(
            "accounts:join_request_decide",
            web(404, coordinator=403, platform_admin=403),
            {"decision": "approve"},
            keeps=row_of(JoinRequest, "join_request"),
            keeps_for=ROLES,
            pk=Ref("cast.company"),
            join_request_id=Ref("join_request"),
        ),
    ],
    # Only to an organisation one is a member of.
    "accounts:organisation_switch": [
        POST(
            "accounts:organisation_switch",
            web(403, teacher=302, school_admin=302),
            lambda s: {"organisation": s.cast.school.pk},
        )
    ],
    "accounts:tokens": [
        GET("accounts:tokens", web(200), shows={"teacher": ("Rooster",)}),
        POST("accounts:tokens", web(200), {"name": ""}),
    ],
    "accounts:token_revoke": [
        POST(
            "accounts:token_revoke",
            web(404, teacher=302),
            keeps=row_of(ApiToken, "token"),
            token_id=Ref("token"),
        )
    ],
    "accounts:invitation_accept": [
        # The token is the secret; the page shows the invitation to whoever holds it.
        GET("accounts:invitation_accept", web(200, anonymous=200), token=Ref("invitation.token")),
        # Nobody in the cast is the invitee: refused with a message, no membership.
        POST(
            "accounts:invitation_accept",
            web(302, anonymous=200),
            keeps=row_of(Invitation, "invitation"),
            keeps_for=ROLES,
            token=Ref("invitation.token"),
        ),
    ],
    # Coordinators only; platform admins verify in the Django admin (a 403 here, not a leak).
    "accounts:verification_queue": [
        GET(
            "accounts:verification_queue",
            web(403, coordinator=200, coordinator_elsewhere=200),
            shows={
                "coordinator": ("Deventer Wachtschool",),
                "coordinator_elsewhere": ("Delftse Wachtschool",),
            },
            scoped=True,
        )
    ],
    "accounts:organisation_verify": [
        POST(
            "accounts:organisation_verify", VERIFY, keeps=row_of(Organisation, "pending"), pk=Ref("pending")
        ),
        POST(
            "accounts:organisation_verify",
            web(403, coordinator=404, coordinator_elsewhere=302),
            keeps=row_of(Organisation, "far_pending"),
            pk=Ref("far_pending"),
        ),
    ],
    # Nothing awaits a decision in the scenario: coordinators get 404 as for a foreign object.
    "accounts:organisation_identity_decide": [
        POST(
            "accounts:organisation_identity_decide",
            web(403, coordinator=404, coordinator_elsewhere=404),
            {"decision": "approve"},
            keeps=row_of(Organisation, "cast.company"),
            pk=Ref("cast.company"),
        )
    ],
    "accounts:organisation_reject": [
        POST(
            "accounts:organisation_reject",
            VERIFY,
            {"reason": "Onvolledig"},
            keeps=row_of(Organisation, "pending"),
            pk=Ref("pending"),
        )
    ],
    # --- offers and requests (web) ---
    # --- catalogue (issue 19): public pages answer everyone; the rest is one's own ---
    "catalogue:catalogue": [
        GET(
            "catalogue:catalogue", web(200, anonymous=200), shows={"anonymous": ("Gastles Robotica Demcon",)}
        ),
        GET("catalogue:catalogue", web(200, anonymous=200), query="q=robotica&near=Zwolle&within_km=50"),
        GET("catalogue:catalogue", web(400, anonymous=400), query="near=Atlantis"),
    ],
    "catalogue:map_data": [
        GET("catalogue:map_data", web(200, anonymous=200), shows={"anonymous": ("Gastles Robotica Demcon",)}),
    ],
    "catalogue:place_suggestions": [
        GET("catalogue:place_suggestions", web(200, anonymous=200), query="q=zwol")
    ],
    "catalogue:offer_detail": [
        GET("catalogue:offer_detail", web(200, anonymous=200), pk=Ref("offer")),
        GET("catalogue:offer_detail", web(404, anonymous=404), pk=Ref("draft_offer")),
        GET("catalogue:offer_detail", web(404, anonymous=404), pk=Ref("closed_offer")),
    ],
    "catalogue:organisation_detail": [
        GET("catalogue:organisation_detail", web(200, anonymous=200), pk=Ref("cast.company")),
        GET("catalogue:organisation_detail", web(200, anonymous=200), pk=Ref("cast.school")),
        GET("catalogue:organisation_detail", web(404, anonymous=404), pk=Ref("pending")),
    ],
    "catalogue:coverage_map": [GET("catalogue:coverage_map", coordinator_page(), scoped=True)],
    "catalogue:coverage_map_data": [
        GET(
            "catalogue:coverage_map_data",
            coordinator_page(),
            scoped=True,
            shows={"coordinator": ("Thomas a Kempis",), "coordinator_elsewhere": ("Rotterdamsch Gymnasium",)},
        )
    ],
    "catalogue:sitemap": [GET("catalogue:sitemap", web(200, anonymous=200))],
    "catalogue:robots": [GET("catalogue:robots", web(200, anonymous=200))],
    "catalogue:saved_search_list": [GET("catalogue:saved_search_list", web(200))],
    # Without criteria the search is refused (a message, back to the catalogue).
    "catalogue:saved_search_create": [
        POST("catalogue:saved_search_create", web(302), {"email_mode": "daily"})
    ],
    "catalogue:saved_search_delete": [POST("catalogue:saved_search_delete", web(404), pk=999999)],
    "catalogue:calendar_feed_create": [POST("catalogue:calendar_feed_create", web(302))],
    "catalogue:calendar_feed_revoke": [POST("catalogue:calendar_feed_revoke", web(302))],
    "catalogue:calendar_feed": [GET("catalogue:calendar_feed", web(404, anonymous=404), token="1-forged")],
    "matching:offer_browse": [
        GET("matching:offer_browse", web(200), shows={"teacher": ("Gastles Robotica Demcon",)}),
        GET("matching:offer_browse", web(200), query="q=Concept&kind=company_visit"),
    ],
    # People without a company are sent where they can act (their requests, or the dashboard).
    "matching:offer_mine": [
        GET("matching:offer_mine", web(302, hr=200), shows={"hr": ("Conceptaanbod Demcon",)}),
        GET("matching:offer_mine", web(302, hr=200), query="status=draft"),
    ],
    "matching:offer_create": [GET("matching:offer_create", web(302, hr=200))],
    "matching:offer_detail": [
        GET("matching:offer_detail", web(200), pk=Ref("offer")),
        GET(
            "matching:offer_detail",
            access(web, 200, write=PRIVATE_OFFER["read"] + ("hr",)),
            pk=Ref("draft_offer"),
        ),
        GET(
            "matching:offer_detail",
            access(web, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_draft_offer"),
        ),
    ],
    "matching:offer_edit": [
        GET("matching:offer_edit", access(web, 200, **PRIVATE_OFFER), pk=Ref("draft_offer")),
        GET("matching:offer_edit", access(web, 200, **OPEN_OFFER), pk=Ref("offer")),
        POST(
            "matching:offer_edit",
            access(web, 200, **OPEN_OFFER),
            {"title": "Gekaapt Aanbod"},
            keeps=row_of(Offer, "offer"),
            pk=Ref("offer"),
        ),
    ],
    "matching:offer_publish": [
        POST(
            "matching:offer_publish",
            access(web, 302, **PRIVATE_OFFER),
            keeps=row_of(Offer, "draft_offer"),
            pk=Ref("draft_offer"),
        )
    ],
    "matching:offer_close": [
        POST(
            "matching:offer_close",
            access(web, 302, **OPEN_OFFER),
            keeps=row_of(Offer, "offer"),
            pk=Ref("offer"),
        )
    ],
    "matching:offer_reopen": [
        POST(
            "matching:offer_reopen",
            access(web, 302, **PRIVATE_OFFER),
            keeps=row_of(Offer, "closed_offer"),
            pk=Ref("closed_offer"),
        )
    ],
    # Schools see each other's requests only through a coordinator.
    "matching:request_browse": [
        GET(
            "matching:request_browse",
            web(403, hr=200, **dict.fromkeys(COORDS, 200)),
            shows={"hr": ("Robotica Havo Vier",)},
        ),
        GET(
            "matching:request_browse", web(403, hr=200, **dict.fromkeys(COORDS, 200)), query="landsdeel=west"
        ),
    ],
    "matching:request_mine": [
        GET(
            "matching:request_mine",
            web(302, teacher=200, school_admin=200, other_member=200),
            shows={"teacher": ("Conceptaanvraag Zwolle",), "other_member": ("Lyceum Geheime Aanvraag",)},
        )
    ],
    "matching:request_create": [
        GET("matching:request_create", web(302, teacher=200, school_admin=200, other_member=200))
    ],
    "matching:request_detail": [
        GET(
            "matching:request_detail",
            access(web, 200, write=OPEN_REQUEST["read"] + SCHOOL),
            pk=Ref("request"),
        ),
        GET(
            "matching:request_detail",
            access(web, 200, write=PRIVATE_REQUEST["read"] + SCHOOL),
            pk=Ref("draft_request"),
        ),
        GET(
            "matching:request_detail",
            access(web, 200, write=("other_member", *OOST_READERS)),
            pk=Ref("other_draft_request"),
        ),
    ],
    "matching:request_edit": [
        GET("matching:request_edit", access(web, 200, **PRIVATE_REQUEST), pk=Ref("draft_request")),
        POST(
            "matching:request_edit",
            access(web, 200, **OPEN_REQUEST),
            {"title": "Gekaapte Aanvraag"},
            keeps=row_of(Request, "request"),
            pk=Ref("request"),
        ),
    ],
    "matching:request_publish": [
        POST(
            "matching:request_publish",
            access(web, 302, **PRIVATE_REQUEST),
            keeps=row_of(Request, "draft_request"),
            pk=Ref("draft_request"),
        )
    ],
    "matching:request_close": [
        POST(
            "matching:request_close",
            access(web, 302, **OPEN_REQUEST),
            keeps=row_of(Request, "request2"),
            pk=Ref("request2"),
        )
    ],
    "matching:request_reopen": [
        POST(
            "matching:request_reopen",
            access(web, 302, **PRIVATE_REQUEST),
            keeps=row_of(Request, "closed_request"),
            pk=Ref("closed_request"),
        )
    ],
    # --- matches (web) ---
    "impact:mine": [GET("impact:mine", web(404, teacher=302, school_admin=302, hr=302, other_member=302))],
    "impact:page": [
        GET(
            "impact:page",
            web(403, teacher=200, school_admin=200, coordinator=200, platform_admin=200),
            pk=Ref("cast.school"),
        )
    ],
    "impact:certificate": [
        GET(
            "impact:certificate",
            web(403, hr=200, coordinator=200, platform_admin=200),
            pk=Ref("cast.company"),
        )
    ],
    "matches:list": [
        GET("matches:list", web(200), shows={"teacher": ("Demcon",), "hr": ("Thomas a Kempis",)}),
        GET("matches:list", web(200), query="tab=waiting"),
        GET("matches:list", web(200), query="tab=confirmed"),
        GET("matches:list", web(200), query="tab=past"),
    ],
    "matches:detail": [
        GET("matches:detail", access(web, 200, write=MATCH["write"] + MATCH["read"]), pk=Ref("proposed")),
        GET(
            "matches:detail",
            access(web, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_match"),
        ),
    ],
    "matches:accept": [
        POST("matches:accept", SIDES_ONLY, keeps=row_of(Match, "proposed"), pk=Ref("proposed"))
    ],
    "matches:decline": [
        POST(
            "matches:decline",
            SIDES_ONLY,
            {"reason": "Past niet"},
            keeps=row_of(Match, "proposed"),
            pk=Ref("proposed"),
        )
    ],
    "matches:cancel": [
        POST(
            "matches:cancel",
            SIDES_ONLY,
            {"reason": "Ziek"},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    # The activity lies ahead: a side is told it is too early (a message and a redirect).
    "matches:outcome": [
        POST(
            "matches:outcome",
            SIDES_ONLY,
            {"held": "yes"},
            keeps=row_of(Match, "confirmed"),
            keeps_for=ROLES,
            pk=Ref("confirmed"),
        )
    ],
    # The signed one-click answer needs no login; a forged link records nothing, for anyone.
    "matches:outcome_link": [
        GET("matches:outcome_link", web(400, anonymous=400), token="forged-token"),
        POST(
            "matches:outcome_link",
            web(400, anonymous=400),
            {"reason": "Niet gekomen"},
            keeps=row_of(Match, "confirmed"),
            keeps_for=ROLES,
            token="forged-token",
        ),
    ],
    "matches:feedback": [
        POST(
            "matches:feedback",
            SIDES_ONLY,
            {"rating": "4"},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    "matches:calendar": [
        GET("matches:calendar", access(web, 200, write=MATCH["write"] + MATCH["read"]), pk=Ref("confirmed"))
    ],
    "matches:set_date": [
        POST(
            "matches:set_date",
            SIDES_ONLY,
            lambda s: {"activity_date": MIDDLE.isoformat()},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    "matches:message_post": [
        POST(
            "matches:message_post",
            THREAD,
            {"body": "Ingebroken Bericht"},
            keeps=messages_of("proposed"),
            pk=Ref("proposed"),
        ),
        POST(
            "matches:message_post",
            access(web, 302, write=("coordinator_elsewhere", "platform_admin")),
            {"body": "Ingebroken Bericht"},
            keeps=messages_of("far_match"),
            pk=Ref("far_match"),
        ),
    ],
    # Self-service: a school asks an open offer for one of its own requests.
    "matches:ask": [
        POST(
            "matches:ask",
            access(
                web, 302, write=SCHOOL, read=("hr", "coordinator", "coordinator_elsewhere", "platform_admin")
            ),
            lambda s: {"counterpart": s.request2.pk},
            keeps=lambda s: list(Match.objects.values_list("pk")),
            pk=Ref("offer"),
        ),
        # Someone else's request as the counterpart: never theirs to ask with.
        POST(
            "matches:ask",
            web(403, teacher=404, school_admin=404, other_member=302),
            lambda s: {"counterpart": s.other_request.pk},
            keeps=lambda s: list(Match.objects.values_list("pk")),
            keeps_for=("teacher", "school_admin"),
            pk=Ref("offer"),
        ),
    ],
    "matches:propose": [
        POST(
            "matches:propose",
            access(
                web,
                302,
                write=("hr",),
                read=(*SCHOOL, "coordinator", "coordinator_elsewhere", "platform_admin"),
            ),
            lambda s: {"counterpart": s.offer.pk},
            keeps=lambda s: list(Match.objects.values_list("pk")),
            pk=Ref("request2"),
        ),
        # Another company's open offer as the counterpart: refused.
        POST(
            "matches:propose",
            web(403, other_member=404),
            lambda s: {"counterpart": s.far_offer.pk},
            keeps=lambda s: list(Match.objects.values_list("pk")),
            keeps_for=ROLES,
            pk=Ref("request2"),
        ),
    ],
    # --- issue 18: documents, placements, reflection, copies, roll-over, SBB checks ---
    "matches:attachment": [
        GET(
            "matches:attachment",
            access(web, 200, write=MATCH["write"] + MATCH["read"]),
            pk=Ref("confirmed"),
            attachment_id=Ref("attachment"),
        )
    ],
    "matches:attachment_upload": [
        POST(
            "matches:attachment_upload",
            SIDES_ONLY,
            keeps=lambda s: list(Attachment.objects.values_list("pk", "name")),
            pk=Ref("confirmed"),
        )
    ],
    "matches:placement_add": [
        POST(
            "matches:placement_add",
            access(web, 302, write=SCHOOL, read=("hr", *OOST_READERS)),
            lambda s: {
                "label": "Leerling A",
                "starts_on": MIDDLE.isoformat(),
                "ends_on": LATER.isoformat(),
                "hours_per_week": "32",
            },
            keeps=lambda s: list(Placement.objects.values_list("pk")),
            keeps_for=("hr", *OOST_READERS, "other_member", "coordinator_elsewhere", "anonymous"),
            pk=Ref("confirmed"),
        )
    ],
    # An internship has no reflection: refused for everyone who may see the match.
    "matches:reflection": [
        POST(
            "matches:reflection",
            access(web, 403, write=(), read=(*MATCH["write"], *MATCH["read"])),
            {"text": "Ingebroken Reflectie"},
            keeps=lambda s: list(TeacherReflection.objects.values_list("pk")),
            pk=Ref("confirmed"),
        )
    ],
    "matching:offer_duplicate": [
        POST(
            "matching:offer_duplicate",
            access(web, 302, **OPEN_OFFER),
            keeps=lambda s: Offer.objects.count(),
            pk=Ref("offer"),
        )
    ],
    "matching:request_duplicate": [
        POST(
            "matching:request_duplicate",
            access(web, 302, **OPEN_REQUEST),
            keeps=lambda s: Request.objects.count(),
            pk=Ref("request"),
        )
    ],
    "matching:rollover": [
        GET("matching:rollover", web(403, teacher=200, school_admin=200, hr=200, other_member=200))
    ],
    "matching:sbb_unchecked": [
        GET("matching:sbb_unchecked", coordinator_page(), shows={"coordinator": ("100200300",)})
    ],
    "matching:sbb_check": [
        POST(
            "matching:sbb_check",
            coordinator_object(302),
            keeps=row_of(Offer, "intern_offer"),
            pk=Ref("intern_offer"),
        )
    ],
    # --- notifications (web) ---
    "notifications:inbox": [
        GET("notifications:inbox", web(200), shows={"teacher": ("Notitie Voor Docent",)})
    ],
    "notifications:mark_all_read": [
        POST(
            "notifications:mark_all_read",
            web(302),
            keeps=row_of(Notification, "teacher_note"),
            keeps_for=tuple(r for r in ROLES if r != "teacher"),
        )
    ],
    "notifications:preferences": [GET("notifications:preferences", web(200))],
    "notifications:mark_read": [
        POST(
            "notifications:mark_read",
            access(web, 302, **NOTE),
            keeps=row_of(Notification, "teacher_note"),
            pk=Ref("teacher_note"),
        )
    ],
    # --- oversight (web, /coordinator/) ---
    "oversight:dashboard": [
        GET("oversight:dashboard", coordinator_page(), scoped=True),
        GET("oversight:dashboard", web(403, platform_admin=200), query="scope=zuidwest"),
    ],
    "oversight:monitor": [GET("oversight:monitor", coordinator_page(), scoped=True)],
    # Not coordinator-only: the people of the match record their students' gender.
    "oversight:placement_record": [
        GET(
            "oversight:placement_record",
            access(web, 200, write=MATCH["write"] + MATCH["read"]),
            match_pk=Ref("confirmed"),
        ),
        POST(
            "oversight:placement_record",
            access(web, 302, write=MATCH["write"] + MATCH["read"]),
            {"girls": "0", "boys": "1", "other_or_unknown": "0"},
            keeps=lambda s: list(PlacementRecord.objects.filter(match=s.confirmed).values()),
            match_pk=Ref("confirmed"),
        ),
        GET(
            "oversight:placement_record",
            access(web, 404, write=()),  # not an internship: 404 for everyone
            match_pk=Ref("proposed"),
        ),
    ],
    "oversight:conduct_list": [
        GET(
            "oversight:conduct_list",
            coordinator_page(),
            scoped=True,
            shows={"coordinator": ("Demcon",), "coordinator_elsewhere": ("Haagse Hoogbouw",)},
        )
    ],
    # The reporting pages are for school members; 404 for people without a school.
    "oversight:conduct_new": [
        GET("oversight:conduct_new", web(404, teacher=200, school_admin=200, other_member=200)),
        # Choosing a school one does not belong to: 404.
        GET(
            "oversight:conduct_new",
            web(404, teacher=200, school_admin=200),
            query=lambda s: f"school={s.cast.school.pk}",
        ),
        POST(
            "oversight:conduct_new",
            web(404, teacher=302, school_admin=302, other_member=302),
            lambda s: {
                "company": s.cast.company.pk,
                "category": "discrimination",
                "description": "Nieuwe Melding",
            },
        ),
        # Another school's match as the related match: the form refuses it (200 with errors).
        POST(
            "oversight:conduct_new",
            web(404, teacher=302, school_admin=302, other_member=200),
            lambda s: {
                "company": s.cast.company.pk,
                "match": s.confirmed.pk,
                "category": "discrimination",
                "description": "Nieuwe Melding",
            },
            keeps=lambda s: ConductReport.objects.count(),
            keeps_for=("other_member",),
        ),
    ],
    "oversight:conduct_mine": [
        GET(
            "oversight:conduct_mine",
            web(404, teacher=200, school_admin=200, other_member=200),
            shows={"teacher": ("Demcon",)},
        )
    ],
    "oversight:conduct_detail": [
        GET("oversight:conduct_detail", coordinator_object(), pk=Ref("report")),
        POST(
            "oversight:conduct_detail",
            coordinator_object(302),
            {"status": "in_progress", "outcome": ""},
            keeps=row_of(ConductReport, "report"),
            pk=Ref("report"),
        ),
    ],
    "oversight:feedback": [GET("oversight:feedback", coordinator_page(), scoped=True)],
    "oversight:exports": [
        GET("oversight:exports", coordinator_page(), scoped=True),
        # A province outside one's scope is not a valid filter.
        GET("oversight:exports", coordinator_page(), query="province=zuid-holland", scoped=True),
    ],
    "oversight:export_download": [
        GET(
            "oversight:export_download",
            coordinator_page(),
            dataset="requests",
            scoped=True,
            shows={
                "coordinator": ("Robotica Havo Vier",),
                "coordinator_elsewhere": ("Rotterdamse Aanvraag",),
            },
        ),
        GET(
            "oversight:export_download",
            coordinator_page(),
            dataset="offers",
            scoped=True,
            shows={
                "coordinator": ("Conceptaanbod Demcon",),
                "coordinator_elsewhere": ("Haags Geheim Aanbod",),
            },
        ),
        GET(
            "oversight:export_download",
            coordinator_page(),
            dataset="matches",
            scoped=True,
            shows={"coordinator": ("Robotica Havo Vier",)},
        ),
        GET(
            "oversight:export_download",
            coordinator_page(ok=200) | {"coordinator": 400},
            query="province=zuid-holland",
            dataset="requests",
            scoped=True,
        ),
        GET("oversight:export_download", coordinator_page(ok=404), dataset="users"),
    ],
    "oversight:import": [GET("oversight:import", coordinator_page())],
    "oversight:queue": [
        GET(
            "oversight:queue",
            coordinator_page(),
            scoped=True,
            shows={"coordinator": ("Tweede Aanvraag Zwolle",)},
        ),
        GET("oversight:queue", coordinator_page(), query="province=zuid-holland", scoped=True),
    ],
    "oversight:run_now": [POST("oversight:run_now", coordinator_page(ok=302))],
    "oversight:pair_pick": [
        GET(
            "oversight:pair_pick",
            coordinator_object(302),
            query=lambda s: f"offer={s.offer.pk}",
            request_pk=Ref("request2"),
        )
    ],
    "oversight:pair": [
        GET("oversight:pair", coordinator_object(), request_pk=Ref("request2"), offer_pk=Ref("offer")),
        # A draft offer of another province is not the coordinator's to see.
        GET(
            "oversight:pair",
            web(403, coordinator=404, coordinator_elsewhere=404, platform_admin=200),
            request_pk=Ref("request2"),
            offer_pk=Ref("far_draft_offer"),
        ),
        POST(
            "oversight:pair",
            coordinator_object(302),
            {"action": "block", "block-reason": "Geen goed idee"},
            keeps=lambda s: list(Match.objects.values_list("pk", "status")),
            request_pk=Ref("request2"),
            offer_pk=Ref("offer"),
        ),
    ],
    "oversight:match": [
        GET("oversight:match", coordinator_object(), pk=Ref("proposed")),
        POST(
            "oversight:match",
            coordinator_object(302),
            {"action": "cancel", "cancel-reason": "Dubbel"},
            keeps=row_of(Match, "proposed"),
            pk=Ref("proposed"),
        ),
    ],
    "oversight:audit": [
        GET(
            "oversight:audit",
            coordinator_page(),
            scoped=True,
            shows={"coordinator": ("Audit Zwolle",), "coordinator_elsewhere": ("Audit Rotterdam",)},
        ),
        GET("oversight:audit", coordinator_page(), query="organisation=Rotterdam", scoped=True),
    ],
    "oversight:organisation_audit": [
        GET("oversight:organisation_audit", coordinator_object(), pk=Ref("cast.school")),
    ],
    "oversight:coverage": [
        GET("oversight:coverage", coordinator_page(), scoped=True),
        GET("oversight:coverage", coordinator_page(), query="format=csv", scoped=True),
    ],
    "oversight:coverage_target": [
        POST(
            "oversight:coverage_target",
            coordinator_page(ok=302) | {"coordinator_elsewhere": 400},
            {"province": "overijssel", "percent": "40"},
        )
    ],
    # --- API ---
    "api:api-root": [GET("api:api-root", api(200))],
    # The schema and its viewers are public: they describe the API, not its data.
    "api:schema": [GET("api:schema", api(200, anonymous=200))],
    "api:docs": [GET("api:docs", api(200, anonymous=200))],
    "api:redoc": [GET("api:redoc", api(200, anonymous=200))],
    "api:me": [GET("api:me", api(200))],
    "api:me_export": [GET("api:me_export", api(200))],
    "api:report_kpis": [
        GET("api:report_kpis", coordinator_page(api), scoped=True),
        # A region one does not cover completely: 403 (Zuidwest is Zuid-Holland and Zeeland).
        GET("api:report_kpis", api(403, platform_admin=200), query="scope=zuidwest"),
    ],
    "api:report_monitor": [GET("api:report_monitor", coordinator_page(api), scoped=True)],
    "api:organisation-list": [
        GET(
            "api:organisation-list",
            api(200),
            scoped=True,
            shows={
                "teacher": ("Thomas a Kempis",),
                "hr": ("Demcon",),
                "coordinator": ("Deventer Wachtschool",),
                "coordinator_elsewhere": ("Rotterdamsch Gymnasium",),
            },
        ),
        GET("api:organisation-list", api(200), query="province=zuid-holland", scoped=True),
    ],
    "api:organisation-detail": [
        GET(
            "api:organisation-detail",
            access(api, 200, write=SCHOOL_ORG["read"] + ("school_admin",)),
            pk=Ref("cast.school"),
        ),
        GET(
            "api:organisation-detail",
            access(api, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_school"),
        ),
        # The profile: admins only (an empty name: 400, nothing saved).
        PATCH(
            "api:organisation-detail",
            access(api, 400, **SCHOOL_ORG),
            {"name": ""},
            keeps=row_of(Organisation, "cast.school"),
            pk=Ref("cast.school"),
        ),
    ],
    # Impact and own exports (issue 21): members, coordinators of the province, platform admins;
    # everyone else 403 (an export by someone outside the organisation or region is refused).
    "api:organisation_impact": [
        GET(
            "api:organisation_impact",
            api(403, teacher=200, school_admin=200, coordinator=200, platform_admin=200),
            pk=Ref("cast.school"),
        ),
        GET(
            "api:organisation_impact",
            api(403, coordinator_elsewhere=200, platform_admin=200),
            pk=Ref("far_school"),
        ),
    ],
    "api:organisation_export": [
        GET(
            "api:organisation_export",
            api(403, teacher=200, school_admin=200, coordinator=200, platform_admin=200),
            query="format=xlsx",
            pk=Ref("cast.school"),
        ),
        GET(
            "api:organisation_export",
            api(403, hr=200, coordinator=200, platform_admin=200),
            query="format=csv",
            pk=Ref("cast.company"),
        ),
    ],
    "api:organisation-members": [
        GET(
            "api:organisation-members",
            access(api, 200, write=SCHOOL_ORG["read"] + ("school_admin",)),
            pk=Ref("cast.school"),
        ),
        # Inviting: admins only (a bad address: 400, nothing sent).
        POST(
            "api:organisation-members",
            access(api, 400, **SCHOOL_ORG),
            {"email": "geen-adres"},
            keeps=lambda s: list(Invitation.objects.filter(organisation=s.cast.school).values_list("pk")),
            pk=Ref("cast.school"),
        ),
    ],
    "api:organisation-member": [
        PATCH(
            "api:organisation-member",
            access(api, 200, **SCHOOL_ORG),
            {"is_admin": True},
            keeps=row_of(Membership, "teacher_membership"),
            pk=Ref("cast.school"),
            user_id=Ref("cast.teacher"),
        ),
        DELETE(
            "api:organisation-member",
            access(api, 204, **SCHOOL_ORG),
            keeps=row_of(Membership, "teacher_membership"),
            pk=Ref("cast.school"),
            user_id=Ref("cast.teacher"),
        ),
    ],
    # The teacher may leave; the last admin may not (400); non-members: 404.
    "api:organisation-leave": [
        POST(
            "api:organisation-leave",
            api(404, teacher=204, school_admin=400),
            keeps=lambda s: list(Membership.objects.filter(organisation=s.cast.school).values_list("pk")),
            keeps_for=tuple(r for r in ROLES if r != "teacher"),
            pk=Ref("cast.school"),
        )
    ],
    "api:organisation-invitations": [
        GET("api:organisation-invitations", access(api, 200, **SCHOOL_ORG), pk=Ref("cast.school"))
    ],
    "api:organisation-invitation": [
        DELETE(
            "api:organisation-invitation",
            access(api, 204, **SCHOOL_ORG),
            keeps=row_of(Invitation, "invitation"),
            pk=Ref("cast.school"),
            invitation_id=Ref("invitation"),
        )
    ],
    "api:organisation-invitation-resend": [
        POST(
            "api:organisation-invitation-resend",
            access(api, 200, **SCHOOL_ORG),
            keeps=row_of(Invitation, "invitation"),
            pk=Ref("cast.school"),
            invitation_id=Ref("invitation"),
        )
    ],
    "api:organisation-search": [GET("api:organisation-search", api(200), query="q=Geheim")],
    "api:organisation-join-requests": [
        GET("api:organisation-join-requests", access(api, 200, **SCHOOL_ORG), pk=Ref("cast.school")),
        # Anyone signed in may ask; its members already belong (400).
        POST(
            "api:organisation-join-requests",
            api(201, teacher=400, school_admin=400),
            {},
            pk=Ref("cast.school"),
        ),
    ],
    "api:organisation-join-request-approve": [
        POST(
            "api:organisation-join-request-approve",
            access(api, 200, **SCHOOL_ORG),
            keeps=row_of(JoinRequest, "join_request"),
            pk=Ref("cast.school"),
            join_request_id=Ref("join_request"),
        )
    ],
    "api:organisation-join-request-refuse": [
        POST(
            "api:organisation-join-request-refuse",
            access(api, 200, **SCHOOL_ORG),
            keeps=row_of(JoinRequest, "join_request"),
            pk=Ref("cast.school"),
            join_request_id=Ref("join_request"),
        )
    ],
    # Everyone who may see the organisation reads its locations; its admins add them (bad: 400).
    # Coordinators of the organisation's province act for it; platform admins may look (200) but
    # coordinate no province, so their writes are refused (403); other provinces: 404.
    "oversight:act_for": [
        GET("oversight:act_for", coordinator_object(), pk=Ref("cast.school")),
        POST(
            "oversight:act_for",
            web(403, coordinator=302, coordinator_elsewhere=404),
            {"step": "contact", "note": "Gebeld"},
            keeps=row_of(Organisation, "cast.school"),
            pk=Ref("cast.school"),
        ),
    ],
    "oversight:organisation_create_for": [
        GET("oversight:organisation_create_for", coordinator_page()),
        # An incomplete form: back with errors; nothing is created.
        POST(
            "oversight:organisation_create_for",
            coordinator_page(ok=200),
            {"kind": "school", "name": "Nieuwe School"},
            keeps=lambda s: Organisation.objects.count(),
        ),
    ],
    # Only the organisation's admins take over what a coordinator posted; the scenario's
    # listings were posted by their own people (a message, nothing changes).
    "matching:offer_take_over": [
        POST(
            "matching:offer_take_over",
            access(web, 302, **OPEN_OFFER),
            keeps=row_of(Offer, "offer"),
            keeps_for=ROLES,
            pk=Ref("offer"),
        )
    ],
    # A plain member (the teacher) may edit the request but not take it over: admins only.
    "matching:request_take_over": [
        POST(
            "matching:request_take_over",
            access(web, 302, write=("school_admin",), read=("teacher", *OPEN_REQUEST["read"])),
            keeps=row_of(Request, "request"),
            keeps_for=ROLES,
            pk=Ref("request"),
        )
    ],
    "api:organisation-locations": [
        GET(
            "api:organisation-locations",
            access(api, 200, write=SCHOOL_ORG["read"] + ("school_admin",)),
            pk=Ref("cast.school"),
        ),
        POST(
            "api:organisation-locations",
            access(api, 400, **SCHOOL_ORG),
            {"number": "1", "place": "Kampen"},
            keeps=lambda s: list(s.cast.school.locations.values_list("pk")),
            pk=Ref("cast.school"),
        ),
    ],
    "api:token-list": [
        GET("api:token-list", api(200), shows={"teacher": ("Rooster",)}),
        POST("api:token-list", api(400), {"name": ""}, keeps=lambda s: ApiToken.objects.count()),
    ],
    "api:token-detail": [
        DELETE("api:token-detail", api(404, teacher=204), keeps=row_of(ApiToken, "token"), pk=Ref("token"))
    ],
    # Anonymous readers get the public catalogue's offers (issue 19): open, verified, public fields.
    "api:offer-list": [
        GET(
            "api:offer-list",
            api(200, anonymous=200),
            shows={
                "hr": ("Conceptaanbod Demcon",),
                "teacher": ("Gastles Robotica Demcon",),
                "anonymous": ("Gastles Robotica Demcon",),
            },
        ),
        GET("api:offer-list", api(200, anonymous=200), query="status=draft"),
        GET("api:offer-list", api(200, anonymous=200), query=lambda s: f"organisation={s.far_company.pk}"),
        GET("api:offer-list", api(200, anonymous=200), query="q=robotica&near=Zwolle&ordering=distance"),
        GET("api:offer-list", api(400, anonymous=400), query="near=Atlantis"),
        # Creating for one's own organisation; schools cannot make offers; no organisation: 403.
        POST(
            "api:offer-list",
            api(400, hr=201, coordinator=403, coordinator_elsewhere=403, platform_admin=403),
            _offer_body,
            keeps=lambda s: Offer.objects.count(),
        ),
    ],
    "api:offer-detail": [
        GET("api:offer-detail", api(200, anonymous=200), pk=Ref("offer")),
        GET(
            "api:offer-detail",
            access(api, 200, write=PRIVATE_OFFER["read"] + ("hr",)) | {"anonymous": 404},
            pk=Ref("draft_offer"),
        ),
        Check(
            url("api:offer-detail", pk=Ref("draft_offer")),
            access(api, 200, **PRIVATE_OFFER),
            "PATCH",
            {"title": "Gekaapt Aanbod"},
            keeps=row_of(Offer, "draft_offer"),
        ),
        Check(
            url("api:offer-detail", pk=Ref("offer")),
            api(405),
            "DELETE",
            keeps=row_of(Offer, "offer"),
            keeps_for=ROLES,
        ),
    ],
    "api:offer-ask": [
        POST(
            "api:offer-ask",
            access(
                api, 201, write=SCHOOL, read=("hr", "coordinator", "coordinator_elsewhere", "platform_admin")
            ),
            lambda s: {"request": s.request2.pk},
            keeps=lambda s: Match.objects.count(),
            pk=Ref("offer"),
        ),
        POST(
            "api:offer-ask",
            api(403, teacher=404, school_admin=404, other_member=201),
            lambda s: {"request": s.other_request.pk},
            keeps=lambda s: Match.objects.count(),
            keeps_for=("teacher", "school_admin"),
            pk=Ref("offer"),
        ),
    ],
    "api:offer-close": [
        POST("api:offer-close", access(api, 200, **OPEN_OFFER), keeps=row_of(Offer, "offer"), pk=Ref("offer"))
    ],
    "api:offer-publish": [
        POST(
            "api:offer-publish",
            access(api, 200, **PRIVATE_OFFER),
            keeps=row_of(Offer, "draft_offer"),
            pk=Ref("draft_offer"),
        )
    ],
    "api:offer-reopen": [
        POST(
            "api:offer-reopen",
            access(api, 200, **PRIVATE_OFFER),
            keeps=row_of(Offer, "closed_offer"),
            pk=Ref("closed_offer"),
        )
    ],
    "api:request-list": [
        GET(
            "api:request-list",
            api(200),
            shows={"teacher": ("Conceptaanvraag Zwolle",), "hr": ("Robotica Havo Vier",)},
        ),
        GET("api:request-list", api(200), query="status=draft"),
        GET("api:request-list", api(200), query=lambda s: f"organisation={s.cast.other_school.pk}"),
        POST(
            "api:request-list",
            api(201, hr=400, coordinator=403, coordinator_elsewhere=403, platform_admin=403),
            _request_body,
            keeps=lambda s: Request.objects.count(),
        ),
    ],
    "api:request-detail": [
        GET("api:request-detail", access(api, 200, write=OPEN_REQUEST["read"] + SCHOOL), pk=Ref("request")),
        GET(
            "api:request-detail",
            access(api, 200, write=PRIVATE_REQUEST["read"] + SCHOOL),
            pk=Ref("draft_request"),
        ),
        GET(
            "api:request-detail",
            access(api, 200, write=("other_member", "hr", *COORDS)),
            pk=Ref("other_request"),
        ),
        Check(
            url("api:request-detail", pk=Ref("draft_request")),
            access(api, 200, **PRIVATE_REQUEST),
            "PATCH",
            {"title": "Gekaapte Aanvraag"},
            keeps=row_of(Request, "draft_request"),
        ),
    ],
    "api:request-close": [
        POST(
            "api:request-close",
            access(api, 200, **OPEN_REQUEST),
            keeps=row_of(Request, "request2"),
            pk=Ref("request2"),
        )
    ],
    "api:request-publish": [
        POST(
            "api:request-publish",
            access(api, 200, **PRIVATE_REQUEST),
            keeps=row_of(Request, "draft_request"),
            pk=Ref("draft_request"),
        )
    ],
    "api:request-reopen": [
        POST(
            "api:request-reopen",
            access(api, 200, **PRIVATE_REQUEST),
            keeps=row_of(Request, "closed_request"),
            pk=Ref("closed_request"),
        )
    ],
    "api:request-propose": [
        POST(
            "api:request-propose",
            access(
                api,
                201,
                write=("hr",),
                read=(*SCHOOL, "coordinator", "coordinator_elsewhere", "platform_admin"),
            ),
            lambda s: {"offer": s.offer.pk},
            keeps=lambda s: Match.objects.count(),
            pk=Ref("request2"),
        ),
        POST(
            "api:request-propose",
            api(403, other_member=404),
            lambda s: {"offer": s.far_offer.pk},
            keeps=lambda s: Match.objects.count(),
            keeps_for=ROLES,
            pk=Ref("request2"),
        ),
    ],
    "api:match-list": [
        GET(
            "api:match-list",
            api(200),
            shows={"teacher": ("Demcon",), "coordinator_elsewhere": ("Haagse Hoogbouw",)},
        ),
        GET("api:match-list", api(200), query="status=proposed"),
    ],
    "api:match-detail": [
        GET("api:match-detail", access(api, 200, write=MATCH["write"] + MATCH["read"]), pk=Ref("proposed")),
        GET(
            "api:match-detail",
            access(api, 200, write=("coordinator_elsewhere", "platform_admin")),
            pk=Ref("far_match"),
        ),
    ],
    "api:match-accept": [
        POST("api:match-accept", API_SIDES_ONLY, keeps=row_of(Match, "proposed"), pk=Ref("proposed"))
    ],
    "api:match-decline": [
        POST(
            "api:match-decline",
            API_SIDES_ONLY,
            {"reason": "Nee"},
            keeps=row_of(Match, "proposed"),
            pk=Ref("proposed"),
        )
    ],
    "api:match-cancel": [
        POST(
            "api:match-cancel",
            API_SIDES_ONLY,
            {"reason": "Ziek"},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    # The activity lies ahead: a side gets 400 (too_early), the others never get that far.
    "api:match-outcome": [
        POST(
            "api:match-outcome",
            access(api, 400, **MATCH),
            {"held": True},
            keeps=row_of(Match, "confirmed"),
            keeps_for=ROLES,
            pk=Ref("confirmed"),
        )
    ],
    "api:match-feedback": [
        POST(
            "api:match-feedback",
            access(api, 409, **MATCH),
            {"rating": 4},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    "api:match-schedule": [
        POST(
            "api:match-schedule",
            API_SIDES_ONLY,
            lambda s: {"activity_date": MIDDLE.isoformat()},
            keeps=row_of(Match, "confirmed"),
            pk=Ref("confirmed"),
        )
    ],
    "api:match-messages": [
        GET("api:match-messages", access(api, 200, write=MATCH["write"] + MATCH["read"]), pk=Ref("proposed")),
        POST(
            "api:match-messages",
            access(api, 201, write=(*SCHOOL, "hr", *OOST_READERS)),
            {"body": "Ingebroken Bericht"},
            keeps=messages_of("proposed"),
            pk=Ref("proposed"),
        ),
    ],
    "api:match-attachments": [
        GET(
            "api:match-attachments",
            access(api, 200, write=MATCH["write"] + MATCH["read"]),
            pk=Ref("confirmed"),
            shows={"hr": ("POK Demcon.pdf",)},
        ),
        # JSON instead of multipart: the sides are told so (415); the rest never get that far.
        POST(
            "api:match-attachments",
            access(api, 415, **MATCH),
            keeps=lambda s: list(Attachment.objects.values_list("pk")),
            pk=Ref("confirmed"),
        ),
    ],
    "api:match-placements": [
        GET(
            "api:match-placements",
            access(api, 200, write=MATCH["write"] + MATCH["read"]),
            pk=Ref("confirmed"),
        ),
        POST(
            "api:match-placements",
            access(api, 201, write=SCHOOL, read=("hr", *OOST_READERS)),
            lambda s: {
                "label": "Leerling B",
                "starts_on": MIDDLE.isoformat(),
                "ends_on": LATER.isoformat(),
                "hours_per_week": 32,
            },
            keeps=lambda s: list(Placement.objects.values_list("pk")),
            keeps_for=("hr", *OOST_READERS, "other_member", "coordinator_elsewhere", "anonymous"),
            pk=Ref("confirmed"),
        ),
    ],
    "api:notification-list": [
        GET("api:notification-list", api(200), shows={"teacher": ("Notitie Voor Docent",)})
    ],
    "api:notification-detail": [
        GET("api:notification-detail", access(api, 200, **NOTE), pk=Ref("teacher_note")),
    ],
    "api:notification-read": [
        POST(
            "api:notification-read",
            access(api, 200, **NOTE),
            keeps=row_of(Notification, "teacher_note"),
            pk=Ref("teacher_note"),
        )
    ],
    "api:notification-read-all": [
        POST(
            "api:notification-read-all",
            api(200),
            keeps=row_of(Notification, "teacher_note"),
            keeps_for=tuple(r for r in ROLES if r != "teacher"),
        )
    ],
}

# ---------------------------------------------------------------------------------------------
# What each role must never see (checked on every 200 the role gets)
# ---------------------------------------------------------------------------------------------

# Private objects of the far (Zuid-Holland) side: drafts, audit, conduct, thread, notification.
FAR_PRIVATE = (
    "Haags Geheim Aanbod",
    "Rotterdamse Geheime Aanvraag",
    "Audit Rotterdam",
    "Melding Over Hoogbouw",
    "Rotterdams Bericht",
    "Notitie Voor Rotterdam",
    "Delftse Wachtschool",
)
# Private objects of the Oost side.
COMPANY_PRIVATE = ("Conceptaanbod Demcon", "Gesloten Aanbod Demcon")
SCHOOL_PRIVATE = ("Conceptaanvraag Zwolle", "Gesloten Aanvraag Zwolle")
OTHER_SCHOOL_PRIVATE = ("Lyceum Geheime Aanvraag",)
TEACHER_PRIVATE = ("Notitie Voor Docent",)
OOST_PRIVATE = (
    *COMPANY_PRIVATE,
    *SCHOOL_PRIVATE,
    *OTHER_SCHOOL_PRIVATE,
    "Audit Zwolle",
    "Melding Over Demcon",
    "Bericht Van De Docent",
    *TEACHER_PRIVATE,
    "Deventer Wachtschool",
)
# Another school's requests, open or not, are not for schools' eyes.
OTHER_SCHOOLS_REQUESTS = ("Lyceum Open Aanvraag", "Rotterdamse Aanvraag")

NEVER_SEES: dict[str, tuple[str, ...]] = {
    # Open offers of verified companies are public (issue 19); people's addresses never are.
    "anonymous": (
        *FAR_PRIVATE,
        *OOST_PRIVATE,
        "Robotica Havo Vier",
        "hr@company.nl",
        "teacher@school.nl",
        "admin@school.nl",
    ),
    "teacher": (
        *FAR_PRIVATE,
        *COMPANY_PRIVATE,
        *OTHER_SCHOOL_PRIVATE,
        *OTHER_SCHOOLS_REQUESTS,
        "Audit Zwolle",
    ),
    "school_admin": (
        *FAR_PRIVATE,
        *COMPANY_PRIVATE,
        *OTHER_SCHOOL_PRIVATE,
        *OTHER_SCHOOLS_REQUESTS,
        *TEACHER_PRIVATE,
        "Audit Zwolle",
    ),
    # The reported company never learns that a report exists.
    "hr": (
        *FAR_PRIVATE,
        *SCHOOL_PRIVATE,
        *OTHER_SCHOOL_PRIVATE,
        *TEACHER_PRIVATE,
        "Audit Zwolle",
        "Melding Over Demcon",
    ),
    "other_member": (
        *FAR_PRIVATE,
        *COMPANY_PRIVATE,
        *SCHOOL_PRIVATE,
        *TEACHER_PRIVATE,
        "Robotica Havo Vier",
        "Tweede Aanvraag Zwolle",
        "Stageplekken Zwolle",
        "Rotterdamse Aanvraag",
        "Audit Zwolle",
        "Melding Over Demcon",
        "Bericht Van De Docent",
    ),
    "coordinator": (*FAR_PRIVATE, *TEACHER_PRIVATE),
    "coordinator_elsewhere": OOST_PRIVATE,
    "platform_admin": (*TEACHER_PRIVATE, "Notitie Voor Rotterdam"),
}
# On coordinator-scoped pages (queue, exports, audit, conduct, coverage, figures), the other
# province's public objects stay out too.
SCOPED_NEVER_SEES: dict[str, tuple[str, ...]] = {
    "coordinator": ("Rotterdamse Aanvraag", "Rotterdamsch Gymnasium", "Haagse Hoogbouw", "Delftse"),
    "coordinator_elsewhere": (
        "Thomas a Kempis",
        "Stedelijk Lyceum",
        "Demcon",
        "Robotica Havo Vier",
        "Deventer",
    ),
}


# ---------------------------------------------------------------------------------------------
# Running the matrix
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def scenario(cast) -> Scenario:
    return build_scenario(cast)


@pytest.fixture
def quiet_refusals():
    """Django logs every 4xx as a warning with its traceback, which the console renderer formats
    at length: hundreds of expected refusals would dominate the run time. Errors still show."""
    logger = logging.getLogger("django.request")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(previous)


def user_of(s: Scenario, role: str):
    return None if role == "anonymous" else getattr(s.cast, role)


def _client_for(s: Scenario, role: str, *, for_api: bool) -> Client:
    # Session login for the API too, so the coordinators' two-factor middleware sees the
    # person exactly as it does in production (force_authenticate would bypass it).
    client: Client = APIClient() if for_api else Client()
    client.cookies["django_language"] = "en"
    user = user_of(s, role)
    if user is not None:
        client.force_login(user)
    return client


def _outcome(response) -> Expected:  # noqa: ANN001
    if response.status_code == 302 and "/accounts/login/" in response.get("Location", ""):
        return LOGIN
    if response.status_code == 302 and "/accounts/2fa/" in response.get("Location", ""):
        return "2fa"
    return response.status_code


def _body(response) -> str:  # noqa: ANN001
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _request(client: Client, check: Check, target: str, s: Scenario, for_api: bool):  # noqa: ANN202
    data = check.data(s) if callable(check.data) else check.data
    method = getattr(client, check.method.lower())
    if check.method == "GET":
        return method(target)
    if for_api:
        return method(target, data or {}, format="json")
    return method(target, data or {})


def _format_suffix_variants(name: str, target: str) -> list[str]:
    """The same URL with a format suffix (`/offers/1.json`), where a route for it exists."""
    path, _, query = target.partition("?")
    for candidate in (path.rstrip("/") + ".json", path + ".json"):
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if match.view_name == name:
            return [candidate + (f"?{query}" if query else "")]
    return []


REFUSED = {403, 404, 405, LOGIN}


def run_matrix(s: Scenario, role: str) -> tuple[list[str], int]:
    """Every check of every row for one role; returns the mismatches and the number of requests."""
    web_client = _client_for(s, role, for_api=False)
    api_client = _client_for(s, role, for_api=True)
    problems: list[str] = []
    count = 0
    never = NEVER_SEES[role]
    for name, checks in ROWS.items():
        for check in checks:
            target = check.url(s)
            for_api = target.startswith("/api/")
            targets = [target, *_format_suffix_variants(name, target)] if check.method == "GET" else [target]
            for current in targets:
                count += 1
                label = f"{name} {check.method} {current}"
                expected = check.expect[role]
                keeps_for = check.keeps_for if check.keeps_for is not None else ()
                guard = check.keeps is not None and (expected in REFUSED or role in keeps_for)
                with transaction.atomic():
                    before = check.keeps(s) if guard else None
                    try:
                        response = _request(api_client if for_api else web_client, check, current, s, for_api)
                    except Exception as exc:  # a crash is a finding too; keep going
                        problems.append(f"{label}: raised {exc.__class__.__name__}: {exc}")
                        transaction.set_rollback(True)
                        continue
                    got = _outcome(response)
                    if got != expected:
                        problems.append(f"{label}: expected {expected}, got {got}")
                    if guard and check.keeps(s) != before:
                        problems.append(f"{label}: refused (or not theirs), yet something changed")
                    if got == 200:
                        body = _body(response)
                        hidden = never + (SCOPED_NEVER_SEES.get(role, ()) if check.scoped else ())
                        leaked = [word for word in hidden if word in body]
                        if leaked:
                            problems.append(f"{label}: shows {leaked}")
                        missing = [word for word in check.shows.get(role, ()) if word not in body]
                        if missing:
                            problems.append(f"{label}: should show {missing}")
                    transaction.set_rollback(True)
    return problems, count


@pytest.mark.parametrize("role", ROLES)
def test_role_gets_expected_status_and_sees_nothing_of_others(scenario, role, quiet_refusals):
    problems, count = run_matrix(scenario, role)
    assert count > 150
    assert not problems, f"{len(problems)} of {count} requests as {role}:\n" + "\n".join(problems)


def test_every_url_has_a_row():
    named = set()
    unnamed = []
    for route, name in all_routes():
        if _skipped(route, name):
            continue
        if name is None:
            unnamed.append(route)
        else:
            named.add(name)
    missing = sorted(named - set(ROWS))
    gone = sorted(set(ROWS) - named)
    assert not unnamed, f"URL patterns without a name cannot get a row: {unnamed}"
    assert not missing, f"routes without a row in ROWS: {missing}"
    assert not gone, f"rows for routes that no longer exist: {gone}"
    # The allow-list must not hide our own routes under a third-party name.
    names = {name for _, name in all_routes()}
    stale = sorted(THIRD_PARTY_ROUTES - names)
    assert not stale, f"allow-listed routes that no longer exist: {stale}"


# ---------------------------------------------------------------------------------------------
# Related fields: a POST pointing at another organisation's object (DRF does not scope them)
# ---------------------------------------------------------------------------------------------

BODIES = {"offers": _offer_body, "requests": _request_body}


@pytest.mark.parametrize(
    ("role", "endpoint", "target"),
    [
        ("teacher", "offers", "cast.company"),  # an offer in the name of a company
        ("teacher", "requests", "cast.other_school"),  # a request in the name of another school
        ("other_member", "requests", "cast.school"),
        ("hr", "offers", "far_company"),  # another company
        ("hr", "requests", "cast.school"),
        ("coordinator", "requests", "cast.school"),  # in the province, yet not a member
        ("platform_admin", "offers", "cast.company"),
    ],
)
def test_api_create_for_another_organisation_is_refused(scenario, role, endpoint, target):
    client = APIClient()
    client.force_login(user_of(scenario, role))
    model = Offer if endpoint == "offers" else Request
    before = set(model.objects.values_list("pk", flat=True))

    response = client.post(
        f"/api/v1/{endpoint}/",
        BODIES[endpoint](scenario) | {"organisation": Ref(target)(scenario)},
        format="json",
    )

    assert response.status_code in (400, 403, 404), response.content
    assert set(model.objects.values_list("pk", flat=True)) == before


def test_api_create_for_own_organisation_works(scenario):
    """The control for the test above: the same body with one's own organisation is accepted."""
    client = APIClient()
    client.force_login(scenario.cast.hr)
    response = client.post(
        "/api/v1/offers/", _offer_body(scenario) | {"organisation": scenario.cast.company.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Offer.objects.get(pk=response.json()["id"]).organisation == scenario.cast.company


def test_api_update_never_moves_an_item_to_another_organisation(scenario):
    client = APIClient()
    client.force_login(scenario.cast.hr)
    draft = scenario.draft_offer

    response = client.patch(
        f"/api/v1/offers/{draft.pk}/",
        {"organisation": scenario.far_company.pk, "title": "Verhuisd Aanbod"},
        format="json",
    )

    assert response.status_code in (200, 400)
    draft.refresh_from_db()
    assert draft.organisation == scenario.cast.company


def test_conduct_report_cannot_name_another_schools_match(client, scenario):
    """The conduct form's related match is scoped to the reporting school."""
    client.force_login(scenario.cast.other_member)
    response = client.post(
        reverse("oversight:conduct_new"),
        {
            "company": scenario.cast.company.pk,
            "match": scenario.confirmed.pk,
            "category": "discrimination",
            "description": "Over een match van een andere school.",
        },
    )
    assert response.status_code == 200  # the form again, with an error on "match"
    assert "match" in response.context["form"].errors
    assert not ConductReport.objects.filter(school=scenario.cast.other_school).exists()


# ---------------------------------------------------------------------------------------------
# Coordinators without two-factor authentication
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def coordinator_without_2fa(scenario):
    from accounts.models import CoordinatorRegion
    from tests.accounts.factories import UserFactory

    user = UserFactory(email="zonder2fa@oost.nl")
    CoordinatorRegion.objects.create(user=user, province="overijssel")
    return user


def test_coordinator_without_two_factor_is_sent_to_set_it_up(client, scenario, coordinator_without_2fa):
    client.force_login(coordinator_without_2fa)
    pending = scenario.pending
    for page in ("/coordinator/", f"/matches/{scenario.proposed.pk}/", "/coordinator/exports/requests.csv"):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp")), page

    response = client.post(reverse("accounts:organisation_verify", args=[pending.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    pending.refresh_from_db()
    assert pending.verified_at is None
    # Setting it up stays possible (allauth may first ask for the password again): no loop.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200 or response["Location"].startswith("/accounts/reauthenticate/")


def test_coordinator_without_two_factor_gets_403_from_the_api(scenario, coordinator_without_2fa):

    session = APIClient()
    session.force_login(coordinator_without_2fa)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(coordinator_without_2fa)}")
    for client in (session, token):
        for path in ("/api/v1/organisations/", "/api/v1/matches/", "/api/v1/reports/kpis/"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert scenario.cast.school.name not in response.content.decode()


def test_coordinator_with_two_factor_is_let_through(client, scenario):
    """The control: the cast's coordinators have TOTP (tests.accounts.factories.make_coordinator)."""
    client.force_login(scenario.cast.coordinator)
    assert client.get("/coordinator/").status_code == 200


def test_matrix_size():
    """The figure for the report: routes with a row × roles, and the requests that makes."""
    checks = sum(len(checks) for checks in ROWS.values())
    assert len(ROWS) >= 90 and checks >= 150
    print(
        f"\n{len(ROWS)} routes × {len(ROLES)} roles; {checks} checks × {len(ROLES)} = {checks * len(ROLES)}"
    )

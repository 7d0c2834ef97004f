"""How a row of the matrix is written: the roles, what each may get, and the requests to make.

A row is `"namespace:name": [GET(...), POST(...)]`: the requests to make for that route, each
with the outcome every role must get. `web(200, anonymous=200)` reads "200 for everyone, also
anonymous"; `access(web, 302, write=..., read=...)` reads "these may do it, those may look (403),
everyone else does not know the object exists (404)".

Policy (STYLE §3): other organisations' objects answer 404, never 403; 403 means "you may read
this but not change it" or "this page is not for your role". Anonymous people are sent to the
login page on the web and get 403 from the API (session authentication comes first, and it
has no WWW-Authenticate challenge).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from matching.models import MatchMessage
from tests.matching.helpers import LATER, SOON, weekday_after
from tests.security.scenario import Scenario

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


def _write(method: str) -> Callable[..., Check]:
    def check(
        name: str,
        expect: dict[str, Expected],
        data: Any = None,
        keeps: Any = None,
        keeps_for: tuple[str, ...] | None = None,
        **kw: Any,
    ) -> Check:
        return Check(url(name, **kw), expect, method, data, keeps, keeps_for)

    check.__name__ = method
    return check


POST = _write("POST")
PATCH = _write("PATCH")
DELETE = _write("DELETE")


def row_of(model: type, ref: str) -> Callable[[Scenario], Any]:
    """Snapshot of one row, every column (updated_at included)."""
    return lambda s: model.objects.filter(pk=Ref(ref)(s)).values().first()


def messages_of(ref: str) -> Callable[[Scenario], Any]:
    return lambda s: list(MatchMessage.objects.filter(match_id=Ref(ref)(s)).values_list("pk", "body"))


def offer_body(s: Scenario) -> dict:
    """A valid new offer for the API."""
    return {
        "kind": "guest_lesson",
        "title": "Nieuw Aanbod Via API",
        "levels": ["havo"],
        "capacity": 1,
        "available_from": SOON.isoformat(),
        "available_until": LATER.isoformat(),
    }


def request_body(s: Scenario) -> dict:
    """A valid new request for the API."""
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

"""Who a person is acting as: the one place that answers it.

A person may belong to several organisations and works as one *active organisation* at a time.
Pages keep it in the session (the switcher in the header); API clients name it per call with
the `X-Organisation` header or `?organisation=`. Everything that asks "which organisation(s)
is this person acting for?" — listings, matches, notifications, oversight — asks this module,
never an unordered first membership.

The answer is bound to the user object of the request (`bind`), so services that receive only
a user see the same active organisation as the view that called them. A user object that was
never bound (a task, a management command, a test calling a service) acts for its oldest
membership: the only sensible default for the many people with one organisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

SESSION_KEY = "active_organisation"
HEADER = "X-Organisation"
QUERY = "organisation"

# Attributes cached on the user object of one request.
_MEMBERSHIPS = "_access_memberships"
_ACTIVE = "_access_active_id"


def memberships_of(user: User) -> list[Membership]:
    """The person's memberships, oldest first (cached on the user object for the request)."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, _MEMBERSHIPS, None)
    if cached is None:
        cached = list(
            Membership.objects.select_related("organisation").filter(user=user).order_by("created_at", "pk")
        )
        setattr(user, _MEMBERSHIPS, cached)
    return cached


def forget(user: User) -> None:
    """Drop what was cached on this user object (after a membership changed)."""
    for attribute in (_MEMBERSHIPS, _ACTIVE, "_member_org_ids"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def user_organisations(user: User) -> list[Organisation]:
    return [m.organisation for m in memberships_of(user)]


def is_member(user: User, organisation: Organisation | int) -> bool:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return any(m.organisation_id == org_id for m in memberships_of(user))


def is_admin(user: User, organisation: Organisation | int) -> bool:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return any(m.organisation_id == org_id and m.is_admin for m in memberships_of(user))


def active_membership(user: User) -> Membership | None:
    """The membership of the organisation the person is acting for now (None without any)."""
    rows = memberships_of(user)
    if not rows:
        return None
    chosen = getattr(user, _ACTIVE, None)
    for membership in rows:
        if membership.organisation_id == chosen:
            return membership
    return rows[0]


def active_organisation(user: User) -> Organisation | None:
    membership = active_membership(user)
    return membership.organisation if membership else None


def acting_org_ids(user: User) -> list[int]:
    """The organisation ids whose private listings and matches this person works with now:
    the active organisation only (empty without any membership)."""
    membership = active_membership(user)
    return [membership.organisation_id] if membership else []


def side_of(user: User, match: Any) -> set[str]:
    """Which side(s) of a match the person is on through their active organisation."""
    org_ids = set(acting_org_ids(user))
    sides = set()
    if match.request.organisation_id in org_ids:
        sides.add("school")
    if match.offer.organisation_id in org_ids:
        sides.add("company")
    return sides


def coordinates(user: User, province: str) -> bool:
    """Whether the person coordinates this province."""
    return bool(user and user.is_authenticated and province in user.coordinator_provinces)


def _requested_id(request: HttpRequest) -> tuple[str | None, bool]:
    """The organisation the request names, and whether naming a foreign one is an error.

    The header is explicit, so a wrong one is refused (403). `?organisation=` is also a filter
    of the listing APIs (other organisations' open offers), so a value the person is not a
    member of is left to that filter."""
    header = request.headers.get(HEADER)
    if header:
        return header.strip(), True
    if request.path.startswith("/api/"):
        value = request.GET.get(QUERY)
        if value:
            return value.strip(), False
    return None, False


def bind(request: HttpRequest, user: User, *, token_organisation_id: int | None = None) -> None:
    """Fix the active organisation of this request on `user`.

    Order: the X-Organisation header / ?organisation= (API), then the organisation a personal
    token was made for, then the session (pages), then the oldest membership. Raises
    PermissionDenied for a header naming an organisation the person is not a member of."""
    if user is None or not user.is_authenticated:
        return
    forget(user)
    member_ids = {m.organisation_id for m in memberships_of(user)}
    raw, strict = _requested_id(request)
    chosen: int | None = None
    if raw is not None:
        try:
            wanted = int(raw)
        except ValueError:
            wanted = None
        if wanted in member_ids:
            chosen = wanted
        elif strict:
            raise PermissionDenied(_("You are not a member of this organisation."))
    if chosen is None and token_organisation_id is not None:
        # The organisation that was active when the token was made is its default; the header
        # may still name another of the person's organisations.
        if token_organisation_id not in member_ids:
            raise PermissionDenied(_("You are not a member of this organisation."))
        chosen = token_organisation_id
    if chosen is None:
        session = getattr(request, "session", None)
        stored = session.get(SESSION_KEY) if session is not None else None
        if stored in member_ids:
            chosen = stored
    setattr(user, _ACTIVE, chosen)


def activate(request: HttpRequest, organisation: Organisation) -> None:
    """The switcher: make `organisation` the active one of this browser session."""
    if not is_member(request.user, organisation):
        raise PermissionDenied(_("You are not a member of this organisation."))
    request.session[SESSION_KEY] = organisation.pk
    setattr(request.user, _ACTIVE, organisation.pk)


class ActiveOrganisationMiddleware:
    """Binds the session's active organisation (and an X-Organisation header) for every page.

    API views bind again in their authentication classes, after a token has been read."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            try:
                bind(request, user)
            except PermissionDenied:
                from django.http import HttpResponseForbidden

                return HttpResponseForbidden(_("You are not a member of this organisation."))
        return self.get_response(request)

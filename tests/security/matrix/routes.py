"""Every route of the project, and the check that each has a row: a new URL cannot ship without
its line in the matrix."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

# ---------------------------------------------------------------------------------------------
# Routes that are not ours to test here. Every skip is explicit, with its reason.
# ---------------------------------------------------------------------------------------------

# allauth's own views under /accounts/ (login, signup, password and e-mail management, 2FA).
# They act on the signed-in person only and have their own test suite upstream; our use of
# them is tested in tests/accounts/. A route added by enabling another allauth feature fails
# `test_every_route_has_a_row` until it is listed here (or given a row).
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


def skipped(route: str, name: str | None) -> str | None:
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


def row_problems(rows: dict) -> list[str]:
    """What is wrong between the project's routes and the matrix's rows (empty when nothing)."""
    named = set()
    unnamed = []
    for route, name in all_routes():
        if skipped(route, name):
            continue
        if name is None:
            unnamed.append(route)
        else:
            named.add(name)
    problems = []
    if unnamed:
        problems.append(f"URL patterns without a name cannot get a row: {unnamed}")
    if missing := sorted(named - set(rows)):
        problems.append(f"routes without a row (add one to tests/security/matrix/rows_<app>.py): {missing}")
    if gone := sorted(set(rows) - named):
        problems.append(f"rows for routes that no longer exist: {gone}")
    # The allow-list must not hide our own routes under a third-party name.
    if stale := sorted(THIRD_PARTY_ROUTES - {name for _, name in all_routes()}):
        problems.append(f"allow-listed routes that no longer exist: {stale}")
    return problems

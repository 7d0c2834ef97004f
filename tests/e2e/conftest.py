"""Real-browser end-to-end tests: Debian's headless Chromium, driven by Playwright, against
pytest-django's `live_server` (DESIGN §7: responsive, accessible, WCAG 2.1 AA).

We never download a browser: the tests use /usr/bin/chromium and skip when it is missing, unless
CI_REQUIRE_BROWSER=1 says a missing browser is a failure (.ci/run sets it).

Helpers for the journeys:
- `page_for(viewport)`: a fresh browser context (own cookies) per person and viewport, Dutch
  locale, desktop 1280×800 or phone 375×812;
- `shot(page, journey, name)`: a full-page PNG under test-output/e2e/<journey>/;
- `axe(page)`: runs the vendored axe-core in the page and fails on serious/critical violations;
- `nl(msgid)`: the Dutch text the server renders for an English source string, so locators follow
  the translation catalogue instead of hard-coding Dutch.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(settings.BASE_DIR) / "test-output" / "e2e"
AXE_URL = "/static/vendor/axe-core/axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
PASSWORD = "a-long-secret-9731"  # noqa: S105


def _unavailable(reason: str) -> None:
    if os.environ.get("CI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CI_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for all e2e tests (a session of this package).

    Package scope, not session: while Playwright's sync API is alive, its event loop counts as
    running in this thread, which would break the asyncio/async_to_sync use of tests that run
    after these ones. So it stops when the e2e tests are done, and so does the exemption below.
    """
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    # That running loop also makes Django refuse the ORM calls the tests make between browser
    # steps; they are safe (the live server answers in its own threads), so allow them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_for(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """`page_for("desktop" | "phone")` → a new page in its own context (its own session);
    `like=page` starts it with that page's cookies, i.e. signed in as the same person."""
    contexts: list[Any] = []

    def make(viewport: str = "desktop", *, like: Any = None) -> Any:
        context = browser.new_context(
            storage_state=like.context.storage_state() if like is not None else None,
            viewport=VIEWPORTS[viewport],
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            base_url=live_server.url,
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        # The site's CSP forbids inline scripts; any violation (or script error) is a bug.
        page.problems = []
        page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
        page.on(
            "console",
            lambda msg: (
                page.problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


_counters: dict[str, int] = {}


def shot(page: Any, journey: str, name: str) -> Path:
    """Save a full-page screenshot as test-output/e2e/<journey>/<NN-name>-<desktop|phone>.png."""
    folder = OUTPUT / journey
    if journey not in _counters:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):  # a fresh set per run, numbered in journey order
            old.unlink()
    _counters[journey] = _counters.get(journey, 0) + 1
    width = (page.viewport_size or {}).get("width", 0)
    viewport = "phone" if width and width < 600 else "desktop"
    path = folder / f"{_counters[journey]:02d}-{name}-{viewport}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe(page: Any, *, context: str | None = None) -> list[dict[str, Any]]:
    """Run axe-core in the page; fail on any serious or critical violation.

    The script is added as <script src> from our own origin, which the strict CSP allows
    (script-src 'self'), so the page is checked under its real policy: no bypass_csp needed.
    Returns the minor/moderate violations for the caller to look at.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                count: v.nodes.length,
            }));
        }"""
    )
    bad = [v for v in results if v["impact"] in ("serious", "critical")]
    if bad:
        where = context or page.url
        lines = [
            f"- {v['id']} ({v['impact']}, {v['count']}×): {v['help']} — at {'; '.join(v['targets'])}"
            for v in bad
        ]
        pytest.fail(f"axe: serious/critical violations on {where}:\n" + "\n".join(lines), pytrace=False)
    return results


def nl(msgid: str, **params: Any) -> str:
    """The Dutch text for an English source string, as the server renders it."""
    with translation.override("nl"):
        text = translation.gettext(msgid)
    return text % params if params else text


def confirmation_path(email: str) -> str:
    """The path of the newest e-mail verification link sent to `email` (locmem outbox)."""
    for message in reversed(mail.outbox):
        if email in message.to:
            found = re.search(r"https?://[^\s/]+(/accounts/confirm-email/\S+)", message.body)
            assert found, message.body
            return found.group(1)
    raise AssertionError(f"no e-mail to {email}; outbox: {[m.to for m in mail.outbox]}")


def no_problems(page: Any) -> None:
    """No script errors or CSP violations in the console so far."""
    problems, page.problems[:] = list(page.problems), []
    assert not problems, "\n".join(problems)

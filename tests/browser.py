"""What every browser test shares: Debian's chromium (never a browser Playwright would download),
when to skip, and a live server of its own app on a free port.

Browser tests run once, on the SQLite pass of the suite, and skip — saying why — where there is
no chromium (``CHROMIUM`` names another path) or no Playwright.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pyotp
import pytest
from flask_limiter import Limiter

import service
from service.common.clock import set_clock
from service.extensions import ProblemApi, _rate_limit_key, db
from tests.conftest import DEFAULT_NOW, Env

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "web" / "assets" / "axe-core-4.14.1" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "web" / "screenshots"
SERIOUS = {"serious", "critical"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def skip_reason() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        return "browser tests run once, on the SQLite pass of the suite"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


requires_browser = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


def fresh_app(tmp_path_factory, name: str):
    """An app of its own on a SQLite file of its own, migrated, on the suite's day; and its Env."""
    database = tmp_path_factory.mktemp(name) / "web.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        # As tests/conftest.py's fresh_app: the extensions that keep per-app state get new instances.
        patch.setattr(service, "api", ProblemApi())
        patch.setattr(service, "limiter", Limiter(key_func=_rate_limit_key))
        app = service.create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        flask_migrate.upgrade()
    # The suite's day, for the rows' deadlines and for the TOTP codes alike (a code is accepted once).
    set_clock(app, DEFAULT_NOW)
    return app, Env(app)


@contextmanager
def serving(app, *, dispose: bool = True) -> Iterator[str]:
    """``app`` served on a free port of 127.0.0.1 while the block runs; its URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        if dispose:
            with app.app_context():
                db.engine.dispose()


def now_code(secret: str) -> str:
    """The TOTP code of the live server's (frozen) clock."""
    return pyotp.TOTP(secret).at(DEFAULT_NOW)


class Visit:
    """One browser tab. Every page it loads is checked for the CSP header, and every violation the
    browser reports is kept; ``check`` runs axe-core and takes a screenshot. An htmx swap counts as
    a new page: a swap that is followed by another swap, a page load or the end of the tab before
    ``check`` ran on it fails the test (``close``), so axe sees every state a person sees."""

    def __init__(self, browser, base_url: str):
        from service.web import CONTENT_SECURITY_POLICY

        self.policy = CONTENT_SECURITY_POLICY
        self.context = browser.new_context(base_url=base_url, locale="nb-NO", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.violations: list[str] = []
        self.swaps = 0  # htmx swaps settled since the last check
        self.unchecked: list[str] = []  # what a swap showed that axe never saw
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        # Reported by the browser itself for every blocked load or inline code (CSP Level 3), and
        # every settled htmx swap (the event is htmx's own; no code of the page changes).
        self.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
            "document.addEventListener('htmx:afterSettle', e => console.debug('htmx swap settled'));")

    def _console(self, message):
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            self.violations.append(message.text)
        elif message.text == "htmx swap settled":
            if self.swaps:
                self.unchecked.append(self.page.url)
            self.swaps += 1

    def _response(self, response):
        if response.request.resource_type == "document":
            assert response.headers.get("content-security-policy") == self.policy, response.url
            if self.swaps:
                self.unchecked.append(response.url)
                self.swaps = 0

    def check(self, name: str) -> None:
        """No CSP violation so far, axe finds nothing serious, and a screenshot to look at."""
        self.page.wait_for_load_state("networkidle")
        assert self.violations == [], self.violations
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        # Evaluated through the DevTools protocol: an injected <script> would itself be refused by the CSP.
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        results = self.page.evaluate("""() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
        assert len(results["passes"]) > 10, "axe checked the page"
        serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                   for v in results["violations"] if v["impact"] in SERIOUS]
        assert serious == [], f"{name}: {serious}"
        self.swaps = 0

    def close(self) -> None:
        self.page.wait_for_timeout(50)  # a last swap's console message
        self.context.close()
        assert not self.swaps and not self.unchecked, f"htmx swaps axe did not check (call check() after each): " \
                                                        f"{self.unchecked or [self.page.url]}"


def has_focus(page, field_id: str) -> None:
    """Wait until the field has the focus (a page focuses its first field once it has loaded: keys
    typed before that go nowhere)."""
    page.wait_for_function("id => document.activeElement !== null && document.activeElement.id === id", arg=field_id)


def log_in(tab: Visit, user, password: str) -> None:
    """Password, then the second factor's code; on the start page (or where the login was asked for)."""
    page = tab.page
    if "/app/login" not in page.url:
        page.goto("/app/login")
    page.fill("#username", user.username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/app/login/code")
    page.fill("#code", now_code(user.secret))
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/app/login" not in url)


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium, launched by path, once per module."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

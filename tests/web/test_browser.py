"""The web application in a real browser: Debian's chromium driven by Playwright, against a live
server on a free port, on a SQLite file of its own.

What a person would notice: the case officer logs in with a password and a code, finds a person
by name and opens the person's page (with the keyboard only); a first login enrols the second
factor from the QR page; a coordinator is refused the case officers' page; a wrong password is
said beside the form. On every page: the Content-Security-Policy header, no violation reported by
the browser, and axe-core (WCAG 2.1 AA) finds no serious or critical problem. Screenshots of each
page are saved in tests/web/screenshots/ (git ignores it) to look at.

Skipped, with the reason, where there is no chromium (``CHROMIUM`` names another path) or no
Playwright, and on the PostgreSQL pass of the suite (they run once, on SQLite).
"""

from __future__ import annotations

import re

import pytest

from tests.browser import fresh_app, log_in, now_code, requires_browser, serving
from tests.helpers import CaseRows
from tests.web.client import PASSWORD, make_web_user

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server of its own app and database, with a municipality of every kind of row, on a free port."""
    app, env = fresh_app(tmp_path_factory, "browser")
    town = env.municipality(name="Nettleserby")
    callers = {role: env.caller(role, town) for role in ("case_officer", "housing_officer", "coordinator", "provider")}
    rows = CaseRows(env, town, callers)
    case = rows.case(rows.person("Ingrid Testesen"), coordinator=callers["coordinator"])
    rows.person("Ingeborg Hansen")
    users = {
        "officer": make_web_user(app, env, town, "case_officer"),
        "coordinator": make_web_user(app, env, town, "coordinator"),
        "newcomer": make_web_user(app, env, town, "housing_officer", enrolled=False),
        "clumsy": make_web_user(app, env, town, "case_officer"),
        "watcher": make_web_user(app, env, town, "case_officer"),  # a code is accepted once: a user per test
        "keyboard": make_web_user(app, env, town, "case_officer"),  # tests/web/test_cases_keyboard.py
    }
    with serving(app) as url:
        yield {"url": url, "case": case, "users": users}


def test_the_case_officer_logs_in_and_finds_a_person_with_the_keyboard_only(visit, live):
    officer, case = live["users"]["officer"], live["case"]
    tab = visit()
    page = tab.page
    page.goto("/app/persons")
    assert page.url.endswith("/app/login?next=/app/persons")
    tab.check("01-login")
    # The username field has the focus; Tab and Enter do the rest.
    page.keyboard.type(officer.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/login/code")
    tab.check("02-code")
    page.keyboard.type(now_code(officer.secret))
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/persons")
    assert page.title() == "Finn en person – tjenestespor" or page.title().endswith("– tjenestespor")
    tab.check("03-person-search")

    page.get_by_label(re.compile("^(Navn|Name)$")).focus()
    page.keyboard.type("ingrid")
    page.keyboard.press("Enter")  # htmx swaps the results in and puts the search in the address
    page.wait_for_url("**/app/persons?name=ingrid")
    link = page.get_by_role("link", name="Ingrid Testesen")
    link.wait_for()
    tab.check("04-search-results")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/app/persons/{case.person['id']}")
    assert page.title() == "Ingrid Testesen – tjenestespor"
    assert page.locator("h1").inner_text() == "Ingrid Testesen"
    body = page.locator("main").inner_text()
    assert "10.03.2026" in body and "01.01.2026–31.12.2026" in body and case.person["national_id"] in body
    assert case.person["national_id"] not in page.url
    tab.check("05-person")


def test_a_national_id_found_by_the_post_form_never_enters_the_address(visit, live):
    officer, case = live["users"]["clumsy"], live["case"]
    tab = visit()
    page = tab.page
    page.goto("/app/login")
    page.fill("#username", officer.username)
    page.fill("#password", "wrong password, twice wrong")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() == 1
    tab.check("06-login-failed")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/app/login/code")
    page.fill("#code", now_code(officer.secret))
    page.click("button[type=submit]")
    page.wait_for_url("**/app/")
    tab.check("07-start")
    page.goto("/app/persons")
    page.fill("#national_id", case.person["national_id"])
    page.get_by_role("button", name=re.compile("Slå opp|Look up")).click()
    page.wait_for_url(f"**/app/persons/{case.person['id']}")
    assert case.person["national_id"] not in page.url
    page.goto("/app/persons")
    page.fill("#national_id", "12345678901")
    page.get_by_role("button", name=re.compile("Slå opp|Look up")).click()
    page.wait_for_load_state()
    assert page.locator("#national_id-error").is_visible()
    tab.check("08-national-id-invalid")


def test_a_first_login_enrols_the_second_factor_from_the_qr_page(visit, live):
    newcomer = live["users"]["newcomer"]
    tab = visit()
    page = tab.page
    page.goto("/app/login")
    page.fill("#username", newcomer.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/app/login/enrol")
    assert page.locator(".app-qr svg").is_visible()
    tab.check("09-enrol")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.fill("#code", now_code(secret))
    page.click("button[type=submit]")
    page.wait_for_url("**/app/")
    person = live["case"].person
    page.goto(f"/app/persons/{person['id']}")
    assert "***********" in page.locator("main").inner_text(), "a housing officer sees the number masked"
    tab.check("10-person-housing-officer")


def test_a_coordinator_is_refused_the_case_officers_page(visit, live):
    coordinator = live["users"]["coordinator"]
    tab = visit()
    page = tab.page
    page.goto("/app/login")
    page.fill("#username", coordinator.username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#code", now_code(coordinator.secret))
    page.click("button[type=submit]")
    page.wait_for_url("**/app/")
    assert page.locator("nav a[href='/app/referrals']").count() == 0
    response = page.goto("/app/referrals")
    assert response.status == 403
    tab.check("11-refused")


def test_the_violation_watch_notices_what_the_policy_refuses(visit, live):
    """The check the other tests rely on: an inline style and an image from elsewhere are refused
    and reported (loopback only: nothing leaves the machine, and the policy stops it first)."""
    tab = visit()
    page = tab.page
    page.goto("/app/login")
    page.evaluate("""() => {
        document.body.insertAdjacentHTML('beforeend', '<img alt="" src="http://127.0.0.2:9/x.png">');
        const style = document.createElement('style');
        style.textContent = 'body { color: red; }';
        document.head.appendChild(style);
    }""")
    page.wait_for_timeout(300)
    assert any("img-src" in text for text in tab.violations), tab.violations
    assert any("style-src" in text for text in tab.violations), tab.violations


def test_the_swap_watch_notices_a_swap_that_axe_did_not_check(visit, live):
    """The check behind "axe after every htmx swap": a swap followed by a page load, with no
    ``check`` between, is caught (and would fail the test at the tab's close)."""
    tab = visit()
    page = tab.page
    log_in(tab, live["users"]["watcher"], PASSWORD)
    page.goto("/app/persons")
    page.fill("#name", "ingrid")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Ingrid Testesen").wait_for()
    page.wait_for_timeout(100)
    assert tab.swaps == 1
    page.goto("/app/persons")
    assert tab.unchecked and tab.swaps == 0
    tab.unchecked.clear()  # seen; the tab may close

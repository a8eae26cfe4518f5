"""The auditor's day in a real browser: find a person with the posted look-up, read the person's
access log, open the month's sample and mark a sampled access reviewed with a note; and the
emergency openings. Every page is checked as in test_browser.py (CSP header and violations,
axe-core WCAG 2.1 AA: nothing serious or critical) and photographed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from service.common.clock import set_clock
from service.persons.national_id import generate_synthetic_national_id
from tests.browser import fresh_app, log_in, requires_browser, serving
from tests.conftest import DEFAULT_NOW
from tests.helpers import ok
from tests.web.client import PASSWORD, make_web_user

pytestmark = requires_browser

API = "/api/v1"
UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server of its own app: in February a case officer registers and reads Ingrid, a provider
    opens her with emergency access and reads her; the auditor comes on 3 March."""
    app, env = fresh_app(tmp_path_factory, "audit-browser")
    town = env.municipality(name="Loggby")
    officer = env.caller("case_officer", town, display_name="Kari Saksbehandler")
    provider = env.caller("provider", town, display_name="Per Teamleder")
    national_id = generate_synthetic_national_id(dt.date(1971, 4, 5), 78)
    set_clock(app, dt.datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
    person = ok(officer.post(f"{API}/persons", json={"name": "Ingrid Testesen", "national_id": national_id,
                                                     "sex": "female", "has_minor_children": "no"}), 201)
    set_clock(app, dt.datetime(2026, 2, 12, 10, 0, tzinfo=UTC))
    ok(officer.get(f"{API}/persons/{person['id']}"))
    set_clock(app, dt.datetime(2026, 2, 14, 21, 30, tzinfo=UTC))
    ok(provider.post(f"{API}/persons/{person['id']}/emergency-access",
                     json={"reason": "Akutt: må se vedtakene i natt"}), 201)
    ok(provider.get(f"{API}/persons/{person['id']}"))
    set_clock(app, DEFAULT_NOW)
    auditor = make_web_user(app, env, town, "auditor")
    with serving(app) as url:
        yield {"url": url, "auditor": auditor, "person": person, "national_id": national_id}


def test_the_auditor_finds_a_person_reads_the_log_and_reviews_the_sample(visit, live):
    tab = visit()
    page = tab.page
    log_in(tab, live["auditor"], PASSWORD)
    tab.check("audit-01-start")

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=re.compile("Access log|Tilgangslogg")).click()
    page.wait_for_url("**/app/audit")
    tab.check("audit-02-find")

    page.fill("#name", "testes")
    page.locator("form:has(#name) button[type=submit]").click()
    page.wait_for_url("**/app/audit/persons")
    page.get_by_role("link", name="Ingrid Testesen").wait_for()
    tab.check("audit-03-found-by-name")

    page.fill("#national_id", live["national_id"])
    page.locator("form:has(#national_id) button[type=submit]").click()
    page.wait_for_url(f"**/app/audit/persons/{live['person']['id']}")
    assert live["national_id"] not in page.url
    main = page.locator("main").inner_text().replace("\xa0", " ")
    assert "Ingrid Testesen" in main and live["national_id"] not in main
    assert "12.02.2026 11:00" in main and "Kari Saksbehandler" in main
    assert "Per Teamleder" in main and "Akutt: må se vedtakene i natt" in main
    tab.check("audit-04-access-log")

    page.get_by_role("link", name=re.compile("Monthly sample|Månedlig stikkprøve|Stikkprøve")).click()
    page.wait_for_url("**/app/audit/sample")
    assert page.locator("#period").input_value() == "2026-02"
    tab.check("audit-05-sample")

    row = page.locator("tr[id^=event-]").first
    row_id = row.get_attribute("id")
    row.locator("select[name=finding]").select_option("follow_up")
    row.locator("textarea[name=note]").fill("Spør lederen om grunnen")
    row.locator("button[type=submit]").click()
    page.wait_for_url(f"**/app/audit/sample?period=2026-02#{row_id}")
    reviewed = page.locator(f"tr#{row_id}")
    assert "Spør lederen om grunnen" in reviewed.inner_text()
    assert live["auditor"].username in reviewed.inner_text()
    assert reviewed.locator("form").count() == 0
    tab.check("audit-06-reviewed")

    page.get_by_role("link", name=re.compile("Emergency access|Nødtilgang")).first.click()
    page.wait_for_url("**/app/audit/emergency-access")
    main = page.locator("main").inner_text().replace("\xa0", " ")
    assert "Per Teamleder" in main and "Ingrid Testesen" in main and "14.02.2026 22:30" in main
    tab.check("audit-07-emergency")

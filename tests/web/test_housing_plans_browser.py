"""The housing officer's and the coordinator's days in a real browser: the stock, a unit, its
candidates, an offer, the acceptance that makes the tenancy; a plan's consent, its activation and
its first evaluation. Every page is checked as in test_browser.py (CSP header and
violations, axe-core WCAG 2.1 AA: nothing serious or critical) and photographed."""

from __future__ import annotations

import re

import pytest

from tests.browser import fresh_app, log_in, requires_browser, serving
from tests.web.client import PASSWORD, make_web_user
from tests.web.housing_rows import housing_office
from tests.web.plan_rows import requested_plan

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server of its own app and database with a small housing office, on a free port."""
    app, env = fresh_app(tmp_path_factory, "housing-browser")
    town = env.municipality(name="Boligby")
    office = housing_office(env, town)
    officer = make_web_user(app, env, town, "housing_officer")
    coordinator = make_web_user(app, env, town, "coordinator")
    plan = requested_plan(env, town, coordinator.user_id)
    with serving(app) as url:
        yield {"url": url, "office": office, "officer": officer, "coordinator": coordinator, "plan": plan}


def test_the_housing_officer_offers_a_unit_to_the_best_candidate_who_accepts(visit, live):
    tab = visit()
    page = tab.page
    log_in(tab, live["officer"], PASSWORD)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Bolig").click()
    page.wait_for_url("**/app/housing")
    tab.check("housing-01-stock")
    # A count swaps the list of its units in (htmx) and puts the filter in the address.
    page.get_by_role("row", name=re.compile("^Rød")).get_by_role("link", name="1").click()
    page.wait_for_url("**/app/housing?status=available&risk_class=red")
    page.get_by_role("link", name="Robusthuset 2").wait_for()
    assert page.get_by_role("link", name="Grønnvegen 1").count() == 0
    tab.check("housing-01b-stock-red-swapped")
    page.get_by_role("link", name=re.compile("Show all units|Vis alle")).click()
    page.wait_for_url("**/app/housing")
    page.get_by_role("link", name="Grønnvegen 1").click()
    page.wait_for_url("**/app/housing/units/*")
    assert "Grønn" in page.locator("h1").inner_text()
    tab.check("housing-02-unit")

    page.get_by_role("link", name=re.compile("Find candidates|Finn kandidater")).click()
    page.wait_for_url("**/candidates")
    main = page.locator("main").inner_text()
    assert "Kari Venter" in main and "Ola Robust" in main
    assert "Boligen er grønn; behovet krever rød" in main.replace("«", "").replace("»", "")
    tab.check("housing-03-candidates")

    page.get_by_role("button", name=re.compile("Kari Venter")).click()
    page.wait_for_url("**/app/housing/offers/*")
    assert "17.03.2026" in page.locator("main").inner_text(), "answer by: 14 days from 03.03.2026"
    tab.check("housing-04-offer")

    page.fill("#start_on", "2026-03-05")
    page.get_by_role("button", name=re.compile("Register the acceptance|Registrer")).first.click()
    page.wait_for_load_state()
    assert page.locator(".ds-alert[data-color=success]").is_visible()
    tab.check("housing-05-accepted")

    page.goto("/app/housing/tenancies")
    assert "Grønnvegen 1" in page.locator("main").inner_text()
    tab.check("housing-06-tenancies")


def test_the_coordinator_records_consent_activates_and_evaluates_the_plan(visit, live):
    tab = visit()
    page = tab.page
    log_in(tab, live["coordinator"], PASSWORD)
    menu = page.get_by_role("navigation", name="Hovedmeny")
    menu.get_by_role("link", name=re.compile("^Individuell plan|^Individual plans")).click()
    page.wait_for_url("**/app/plans")
    tab.check("plans-01-list")
    page.get_by_role("link", name=re.compile("15.01.2026")).click()
    page.wait_for_url(f"**/app/plans/{live['plan']['plan']}")
    tab.check("plans-02-requested")

    page.fill("#given_on", "2026-02-02")
    page.fill("#scope", "IP")  # too short: said beside the field
    page.locator("form[action$='/consent'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#scope-error").is_visible()
    assert page.input_value("#given_on") == "2026-02-02"
    tab.check("plans-03-consent-refused")
    page.fill("#scope", "Individuell plan og samarbeid")
    page.check("#information_sharing")
    page.locator("form[action$='/consent'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Individuell plan og samarbeid" in page.locator("main").inner_text()
    tab.check("plans-04-consent-given")

    page.fill("#activated_on", "2026-02-10")
    page.locator("form[action$='/activate'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "10.08.2026" in page.locator("main").inner_text(), "the first evaluation, six months on"
    tab.check("plans-05-active")

    page.fill("#evaluated_on", "2026-03-02")
    page.fill("#summary", "Godt i gang med boveiledning")
    page.fill("#next_evaluation_on", "2026-09-01")
    page.locator("form[action$='/evaluations'] button[type=submit]").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "02.03.2026: Godt i gang med boveiledning" in main and "01.09.2026" in main
    tab.check("plans-06-evaluated")

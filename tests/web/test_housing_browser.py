"""The housing officer's day in a real browser: the allocation proposal and an offer from one of
its pairs, another offer withdrawn, a need put on hold and back on the waiting list, a tenancy
ended. Every page is checked as in test_browser.py (CSP header and violations, axe-core WCAG 2.1
AA: nothing serious or critical) and photographed."""

from __future__ import annotations

import re

import pytest

from tests.browser import fresh_app, log_in, requires_browser, serving
from tests.web.client import PASSWORD, make_web_user
from tests.web.housing_rows import housing_office, settled_office

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server of its own app and database with a housing office that has a tenant and a pending offer."""
    app, env = fresh_app(tmp_path_factory, "housing-office-browser")
    town = env.municipality(name="Boligby")
    office = housing_office(env, town)
    settled = settled_office(env, town, office)
    officer = make_web_user(app, env, town, "housing_officer")
    with serving(app) as url:
        yield {"url": url, "office": office, "settled": settled, "officer": officer}


def test_the_housing_officer_works_through_the_proposal_an_offer_a_need_and_a_tenancy(visit, live):
    tab = visit()
    page = tab.page
    main = page.locator("main")
    office, settled = live["office"], live["settled"]
    log_in(tab, live["officer"], PASSWORD)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Bolig").click()
    page.wait_for_url("**/app/housing")
    tab.check("housing-office-01-stock")
    page.locator("main a.ds-button[href='/app/housing/proposal']").click()
    page.wait_for_url("**/app/housing/proposal")
    tab.check("housing-office-02-proposal-form")
    page.get_by_role("button", name=re.compile("Make a proposal|Lag")).click()
    page.wait_for_url("**/app/housing/proposal?run=1")
    text = main.inner_text()
    assert "Kari Venter" in text and "Grønnvegen 1" in text and "Per Gul" in text
    tab.check("housing-office-03-proposal")

    page.get_by_role("button", name=re.compile("Kari Venter")).click()
    page.wait_for_url("**/app/housing/proposal?run=1*offered=*")
    made = page.get_by_role("region", name=re.compile("Offers made|Tilbud gitt"))
    assert "Kari Venter" in made.inner_text() and "17.03.2026" in made.inner_text()
    assert page.get_by_role("button", name=re.compile("Kari Venter")).count() == 0, "the pair is offered"
    tab.check("housing-office-04-proposal-offered")

    page.goto(f"/app/housing/offers/{settled.offer}")
    assert "Ola Robust" in main.inner_text()
    tab.check("housing-office-05-offer")
    page.fill("#withdraw-reason", "Boligen trengs til en akutt sak")
    page.locator("form[action$='/withdraw'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Boligen trengs til en akutt sak" in main.inner_text()
    tab.check("housing-office-06-offer-withdrawn")

    page.goto("/app/housing/needs")
    page.get_by_role("link", name="Ola Robust").click()
    page.wait_for_url(f"**/app/housing/needs/{office.needs['ola']}")
    tab.check("housing-office-07-need")
    page.fill("#park-until", "2026-04-15")
    page.fill("#park-reason", "Innlagt på DPS til midten av april")
    page.locator("form[action$='/park'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "15.04.2026" in main.inner_text() and "Innlagt på DPS til midten av april" in main.inner_text()
    tab.check("housing-office-08-need-on-hold")
    page.locator("form[action$='/resume'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/resume']").count() == 0
    assert "Innlagt på DPS" not in main.inner_text()
    tab.check("housing-office-09-need-resumed")

    page.goto("/app/housing/tenancies")
    tab.check("housing-office-10-tenancies")
    page.get_by_role("link", name="Tora Leier").click()
    page.wait_for_url(f"**/app/housing/tenancies/{settled.tenancy}")
    tab.check("housing-office-11-tenancy")
    page.fill("#ended_on", "2026-03-01")  # before the tenancy began: said beside the field
    page.select_option("#reason", "moved_to_own_home")
    page.locator("form[action$='/end'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#ended_on-error").is_visible()
    assert page.input_value("#reason") == "moved_to_own_home"
    tab.check("housing-office-12-tenancy-refused")
    page.fill("#ended_on", "2026-03-03")
    page.locator("form[action$='/end'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "03.03.2026" in main.inner_text() and page.locator("form[action$='/end']").count() == 0
    tab.check("housing-office-13-tenancy-ended")

    # A unit below the class a need requires: offered all the same, with the reason in writing.
    page.goto(f"/app/housing/units/{office.units['unclassified']}/candidates")
    row = page.get_by_role("row", name=re.compile("Per Gul"))
    tab.check("housing-office-14-board-below-class")
    row.get_by_role("button", name=re.compile("Offer all the same|Tilby likevel")).click()
    page.wait_for_load_state()
    row = page.get_by_role("row", name=re.compile("Per Gul"))
    assert row.locator("[id$='class_mismatch_reason-error']").is_visible(), "the API's refusal beside the field"
    tab.check("housing-office-15-board-below-class-refused")
    row.locator("textarea").fill("Ingen gul bolig ledig; tett oppfølging fra psykisk helseteam")
    row.get_by_role("button", name=re.compile("Offer all the same|Tilby likevel")).click()
    page.wait_for_url("**/app/housing/offers/*")
    assert "Ingen gul bolig ledig" in main.inner_text()
    tab.check("housing-office-16-offer-below-class")

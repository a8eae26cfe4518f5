"""Bolig: the stock, a unit, the matching board, offers and their answers, as the housing office sees them."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.web import CONTENT_SECURITY_POLICY
from tests.web.client import Browser
from tests.web.housing_rows import housing_office

NORWEGIAN = {"Accept-Language": "nb-NO,nb;q=0.9"}


@pytest.fixture
def office(env, town):
    return housing_office(env, town)


def logged_in(app, web_user, role: str) -> tuple[Browser, object]:
    user = web_user(role)
    browser = Browser(app)
    assert browser.log_in(user).status_code == 303
    return browser, user


def text(response) -> str:
    """The page's words, without the markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_stock_counts_units_by_class_and_status_and_each_count_lists_its_units(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    page = browser.get("/app/housing")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    cells = dict((href, count) for href, count in re.findall(r'<a class="ds-link" href="([^"]+)"[^>]*>(\d+)</a>', html))
    assert cells == {"/app/housing?status=available&amp;risk_class=green": "1",
                     "/app/housing?status=available&amp;risk_class=red": "1",
                     "/app/housing?status=available&amp;unclassified=true": "1"}, "one link per count above zero"
    assert "All units: 3" in text(page)
    green = browser.get("/app/housing?status=available&risk_class=green")
    assert "Units shown: 1" in text(green) and "Grønnvegen 1" in text(green) and "Uklar 3" not in text(green)
    assert 'href="/app/housing"' in browser.get("/app/").get_data(as_text=True), "the menu offers Bolig"


def test_a_units_page_shows_its_checklist_and_why_it_has_no_class(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    page = text(browser.get(f"/app/housing/units/{office.units['unclassified']}"))
    assert "Not classified" in page
    assert "In place Smoke detector" in page and "Missing Fire extinguisher" in page
    assert "No inspections recorded." in page and "Find candidates for the unit" in page


def test_the_board_ranks_candidates_with_each_term_and_says_why_others_are_excluded(app, web_user, office):
    browser, user = logged_in(app, web_user, "housing_officer")
    response = browser.get(f"/app/housing/units/{office.units['green']}/candidates", headers=NORWEGIAN)
    page = text(response)
    assert response.status_code == 200
    assert "Kari Venter 20 3 30 0 10 0 63 " in page, "urgency, days waiting, homelessness, needed-by, class, area; total"
    assert "Ola Robust" in page and "Boligen er grønn; behovet krever rød" in page.replace("«", "").replace("»", "")
    with app.app_context():
        reads = db.session.scalars(sa.select(AuditEvent.detail).where(
            AuditEvent.actor_id == user.user_id, AuditEvent.object_type == "housing_need")).all()
    assert len(reads) == 2, "each need shown on the board is an audited read"


def test_an_offer_from_a_row_keeps_the_date_typed_and_is_answered_with_the_offers_version(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    board = f"/app/housing/units/{office.units['green']}/candidates"
    browser.get(board)
    refused = browser.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                   "respond_by": "17.03.2026", "from": "unit"})
    assert refused.status_code == 422
    assert 'id="respond_by-error">Not a valid date: use the format YYYY-MM-DD' in refused.get_data(as_text=True)
    assert 'value="17.03.2026"' in refused.get_data(as_text=True), "what was typed is kept"

    made = browser.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                "respond_by": "2026-03-17", "from": "unit"})
    assert made.status_code == 303, re.findall(r'role="alert">(.*?)</div>', made.get_data(as_text=True), re.S)
    offer_url = made.headers["Location"]
    page = browser.get(offer_url)
    assert "Awaiting reply" in text(page) and "2026-03-17" in text(page)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.get_data(as_text=True)).group(1)

    stale = browser.post(f"{offer_url}/accept", {"version": str(int(version) + 1), "start_on": "2026-03-05",
                                                 "responded_on": "2026-03-03"})
    assert stale.status_code == 412
    assert "Changed by someone else" in text(stale) and 'value="2026-03-05"' in stale.get_data(as_text=True)

    accepted = browser.post(f"{offer_url}/accept", {"version": version, "start_on": "2026-03-05",
                                                    "responded_on": "2026-03-03"})
    assert accepted.status_code == 303
    assert "The offer is accepted" in text(browser.get(offer_url))
    assert "Current tenancies: 1." in text(browser.get("/app/housing/tenancies"))
    assert "Occupied" in text(browser.get(f"/app/housing/units/{office.units['green']}"))
    again = browser.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                 "respond_by": "2026-03-17", "from": "unit"})
    assert again.status_code == 409 and "only a waiting need can" in text(again)


def test_declining_needs_a_reason_said_beside_the_field(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    browser.get(f"/app/housing/needs/{office.needs['kari']}")
    made = browser.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                "respond_by": "2026-03-17", "from": "need"})
    assert made.status_code == 303
    page = browser.get(made.headers["Location"]).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    refused = browser.post(f"{made.headers['Location']}/decline", {"version": version, "reason": ""})
    assert refused.status_code == 422 and 'id="reason-error">Missing data for required field.' in refused.get_data(
        as_text=True)
    declined = browser.post(f"{made.headers['Location']}/decline", {"version": version, "reason": "Vil bo nær familien"})
    assert declined.status_code == 303
    assert "Vil bo nær familien" in text(browser.get(made.headers["Location"]))
    assert "Waiting" in text(browser.get("/app/housing/needs"))


def test_a_planner_reads_the_stock_but_not_the_board_and_a_post_needs_the_csrf_token(app, web_user, office):
    planner, _user = logged_in(app, web_user, "planner")
    stock = planner.get("/app/housing")
    assert stock.status_code == 200 and "Waiting list" not in text(stock)
    assert "Find candidates" not in text(planner.get(f"/app/housing/units/{office.units['green']}"))
    assert planner.get(f"/app/housing/units/{office.units['green']}/candidates").status_code == 403
    officer, _user = logged_in(app, web_user, "housing_officer")
    forged = officer.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                  "respond_by": "2026-03-17"}, token=False)
    assert forged.status_code == 400


def test_every_housing_page_carries_the_csp_and_no_inline_code(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    for url in ("/app/housing", f"/app/housing/units/{office.units['red']}",
                f"/app/housing/units/{office.units['green']}/candidates", "/app/housing/needs",
                f"/app/housing/needs/{office.needs['ola']}", "/app/housing/offers", "/app/housing/tenancies"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        page = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", page), url

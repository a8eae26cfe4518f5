"""The person pages and the referrals page: the API's services, rules and audit, as HTML in Norwegian."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.persons.national_id import generate_synthetic_national_id
from service.web import CONTENT_SECURITY_POLICY
from tests.helpers import CaseRows
from tests.web.client import Browser, logged_in

NORWEGIAN = {"Accept-Language": "nb-NO,nb;q=0.9"}


@pytest.fixture
def case(env, town):
    """A person with a referral, a decided decision with an appeal, an active plan and a housing
    need offered and accepted: one row of every section of the person page."""
    callers = {role: env.caller(role, town) for role in ("case_officer", "housing_officer", "coordinator", "provider")}
    rows = CaseRows(env, town, callers)
    return rows.case(rows.person("Ingrid Testesen"), coordinator=callers["coordinator"])



def events(app, actor_id, **where) -> list[AuditEvent]:
    with app.app_context():
        stmt = sa.select(AuditEvent).where(AuditEvent.actor_id == actor_id)
        for column, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, column) == value)
        rows = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return rows


def test_a_name_search_lists_the_matching_persons_and_audits_each_row_shown(app, web_user, case):
    browser, user = logged_in(app, web_user, "case_officer")
    response = browser.get("/app/persons?name=ingrid")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/app/persons/{case.person["id"]}">Ingrid Testesen</a>' in page
    assert "Persons found: 1" in page
    assert [(e.object_type, str(e.person_id), e.detail) for e in events(app, user.user_id, action="read")] == [
        ("person", case.person["id"], "list")]
    too_short = browser.get("/app/persons?name=i")
    assert too_short.status_code == 422 and "Write at least two letters of the name." in too_short.get_data(
        as_text=True)


def test_a_national_id_is_posted_and_leads_to_the_person_without_ever_being_in_an_address(app, web_user, case):
    browser, user = logged_in(app, web_user, "case_officer")
    number = case.person["national_id"]
    browser.get("/app/persons")
    found = browser.post("/app/persons/search", {"national_id": f"{number[:6]} {number[6:]}"})
    assert found.status_code == 303
    assert found.headers["Location"] == f"/app/persons/{case.person['id']}" and number not in found.headers["Location"]
    person_page = browser.get(found.headers["Location"]).get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", person_page).group(1)
    assert title == "Ingrid Testesen – tjenestespor" and number not in title

    browser.get("/app/persons")
    broken = number[:10] + str((int(number[10]) + 1) % 10)
    invalid = browser.post("/app/persons/search", {"national_id": broken})
    assert invalid.status_code == 422
    assert "second check digit does not match" in invalid.get_data(as_text=True)

    browser.get("/app/persons")
    nobody = generate_synthetic_national_id(dt.date(1990, 1, 1), 5)
    missed = browser.post("/app/persons/search", {"national_id": nobody})
    assert missed.status_code == 200 and "No person you may see matches." in missed.get_data(as_text=True)
    assert nobody not in missed.get_data(as_text=True), "a number that found nobody is not shown back"
    assert [e.outcome for e in events(app, user.user_id, object_type="person_search")] == ["no_match"]


def test_the_person_page_shows_every_section_in_norwegian_dates_and_is_audited_as_the_overview(app, web_user, case):
    browser, user = logged_in(app, web_user, "case_officer")
    response = browser.get(f"/app/persons/{case.person['id']}", headers=NORWEGIAN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="nb"' in page
    assert "10.03.2026" in page, "the referral's answer deadline (received 10.02.2026 + 1 month)"
    assert "01.01.2026–31.12.2026" in page, "the decision's validity"
    assert "2026-" not in re.sub(r"<[^>]+>", "", page), "no ISO date shown to a Norwegian reader"
    assert case.person["national_id"] in page, "the case officer sees the whole number"
    for heading in ("referrals-heading", "decisions-heading", "appeals-heading", "plan-heading", "housing-heading"):
        assert f'id="{heading}"' in page, heading
    assert "Egen bolig" in page and "Boveiledning" in page, "the plan's goal and measure"
    overview_reads = {e.object_type for e in events(app, user.user_id, action="read", detail="overview")}
    assert overview_reads >= {"referral", "decision", "appeal", "individual_plan", "housing_need"}
    assert events(app, user.user_id, action="read", object_type="person", detail=None), "the person read itself"


def test_a_housing_officer_sees_the_number_masked_and_the_housing_but_no_referrals(app, web_user, case):
    browser, _user = logged_in(app, web_user, "housing_officer")
    page = browser.get(f"/app/persons/{case.person['id']}").get_data(as_text=True)
    assert "***********" in page and case.person["national_id"] not in page
    assert 'id="referrals-heading"' not in page and 'id="appeals-heading"' not in page
    assert "Sikker " in page, "the offered and let unit"


def test_another_municipalitys_person_is_a_404_page(app, env, web_user, case):
    elsewhere = env.municipality()
    browser, user = logged_in(app, web_user, "case_officer", municipality=elsewhere)
    response = browser.get(f"/app/persons/{case.person['id']}")
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Ingrid" not in page and "No such person." in page
    assert "No person you may see matches." in browser.get("/app/persons?name=ingrid").get_data(as_text=True)


def test_a_coordinator_is_refused_the_case_officers_page_and_is_not_offered_it(app, web_user, case):
    browser, user = logged_in(app, web_user, "coordinator")
    assert 'href="/app/referrals"' not in browser.get("/app/").get_data(as_text=True)
    refused = browser.get("/app/referrals")
    assert refused.status_code == 403 and refused.mimetype == "text/html"
    assert "Your role does not give access to this page." in refused.get_data(as_text=True)
    assert [(e.outcome, e.object_id) for e in events(app, user.user_id, action="denied")] == [
        ("denied", "GET /app/referrals")]

    officer, _ = logged_in(app, web_user, "case_officer")
    assert 'href="/app/referrals"' in officer.get("/app/").get_data(as_text=True)
    listing = officer.get("/app/referrals", headers=NORWEGIAN).get_data(as_text=True)
    assert "10.03.2026" in listing and f'/app/persons/{case.person["id"]}' in listing


def test_every_page_carries_the_csp_and_has_no_inline_script_style_or_handler(app, web_user, case):
    browser, _user = logged_in(app, web_user, "case_officer")
    anonymous = Browser(app, "192.0.2.99")
    for client, url in ((anonymous, "/app/login"), (browser, "/app/"), (browser, "/app/persons"),
                        (browser, "/app/persons?name=ingrid"), (browser, f"/app/persons/{case.person['id']}"),
                        (browser, "/app/referrals"), (browser, "/app/persons/00000000-0000-4000-8000-000000000000")):
        response = client.get(url)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert response.headers["Cache-Control"] == "no-store", url
        page = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), f"inline script on {url}"
        assert not re.search(r"<style|\sstyle=", page), f"inline style on {url}"
        assert not re.search(r"\son[a-z]+=", page), f"inline event handler on {url}"

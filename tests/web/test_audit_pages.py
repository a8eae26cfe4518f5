"""Tilgangslogg: the auditor finds a person (by a posted name or national id), reads who read and
changed the person's data, lists the emergency openings, and reviews the month's sample."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.persons.national_id import generate_synthetic_national_id
from service.web import CONTENT_SECURITY_POLICY
from tests.helpers import ok
from tests.web.client import logged_in, text

API = "/api/v1"
NORWEGIAN = {"Accept-Language": "nb-NO,nb;q=0.9"}
UTC = dt.timezone.utc
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Trail:
    """February: a case officer registers Ingrid and reads her; a provider opens her with emergency
    access and reads her. The pages are read on 3 March (the suite's day)."""

    def __init__(self, env, town, frozen_clock):
        self.officer = env.caller("case_officer", town, display_name="Kari Saksbehandler")
        self.provider = env.caller("provider", town, display_name="Per Teamleder")
        self.national_id = generate_synthetic_national_id(dt.date(1971, 4, 5), 77)
        frozen_clock.set(dt.datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
        self.person = ok(self.officer.post(f"{API}/persons", json={
            "name": "Ingrid Testesen", "national_id": self.national_id, "sex": "female",
            "has_minor_children": "no"}), 201)
        frozen_clock.set(dt.datetime(2026, 2, 12, 10, 0, tzinfo=UTC))  # 11:00 in Oslo
        ok(self.officer.get(f"{API}/persons/{self.person['id']}"))
        frozen_clock.set(dt.datetime(2026, 2, 14, 21, 30, tzinfo=UTC))  # 22:30 in Oslo
        self.opening = ok(self.provider.post(f"{API}/persons/{self.person['id']}/emergency-access",
                                             json={"reason": "Akutt: må se vedtakene i natt"}), 201)
        ok(self.provider.get(f"{API}/persons/{self.person['id']}"))
        frozen_clock.set(dt.datetime(2026, 3, 3, 9, 0, tzinfo=UTC))


@pytest.fixture
def trail(env, town, frozen_clock):
    return Trail(env, town, frozen_clock)



def events(app, **where) -> list[AuditEvent]:
    with app.app_context():
        stmt = sa.select(AuditEvent)
        for column, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, column) == value)
        rows = db.session.scalars(stmt.order_by(AuditEvent.seq)).all()
        db.session.expunge_all()
        return rows


def test_the_log_of_a_person_found_by_national_id_names_who_did_what_when_and_why(app, web_user, trail):
    browser, auditor = logged_in(app, web_user, "auditor")
    browser.get("/app/audit")
    found = browser.post("/app/audit/persons", {"national_id": trail.national_id})
    assert found.status_code == 303
    log_url = found.headers["Location"]
    assert log_url == f"/app/audit/persons/{trail.person['id']}" and trail.national_id not in log_url

    response = browser.get(log_url, headers=NORWEGIAN)
    page = text(response)
    assert response.status_code == 200 and "Ingrid Testesen" in page
    assert trail.national_id not in response.get_data(as_text=True)
    # The actors by name, the times as the Oslo clock showed them, the actions and the reason in words.
    assert re.search(r"12\.02\.2026 11:00 Kari Saksbehandler \((Case officer|Saksbehandler)\) (Read|Lest)", page)
    assert re.search(r"14\.02\.2026 22:30 Per Teamleder \((Service provider|Tjenesteyter)\) (Read|Lest): "
                     r"(emergency access|nødtilgang) (Read in emergency access|Lest i nødtilgang): "
                     r"Akutt: må se vedtakene i natt", page)
    assert re.search(r"(Created|Opprettet): (emergency access|nødtilgang) (Opened for 8 hours|Åpnet i 8 timer): Akutt", page)
    assert "10.02.2026 10:00 Kari Saksbehandler" in page  # the registration (a create)
    assert str(trail.officer.user_id) not in page and str(trail.provider.user_id) not in page
    # The look-up and the log's reading are the auditor's own audited reads.
    mine = [(e.action, e.object_type, e.detail) for e in events(app, actor_id=auditor.user_id, action="read")]
    assert ("read", "person", "access log search") in mine and ("read", "access_log", None) in mine


def test_a_name_search_is_posted_and_lists_the_persons_to_choose_from(app, web_user, trail):
    browser, auditor = logged_in(app, web_user, "auditor")
    browser.get("/app/audit")
    response = browser.post("/app/audit/persons", {"name": "testes"})
    assert response.status_code == 200
    assert f'href="/app/audit/persons/{trail.person["id"]}">Ingrid Testesen</a>' in response.get_data(as_text=True)
    assert "Persons found: 1" in text(response) and "1971" in text(response)

    too_short = browser.post("/app/audit/persons", {"name": "i"})
    html = too_short.get_data(as_text=True)
    assert too_short.status_code == 422
    assert re.search(r'id="name-error">(Write at least two letters|Skriv minst to bokstaver)', html)
    assert 'value="i"' in html, "what was typed is kept"

    nobody = browser.post("/app/audit/persons", {"national_id": "12345678901"})
    assert nobody.status_code == 422 and 'id="national_id-error"' in nobody.get_data(as_text=True)
    assert "12345678901" not in nobody.get_data(as_text=True), "the number is not shown back"
    missed = browser.post("/app/audit/persons", {"name": "Ingen Slik"})
    assert "Persons found: 0" in text(missed)
    assert [e.outcome for e in events(app, actor_id=auditor.user_id, object_type="person_search")] == ["no_match"]


def test_the_emergency_openings_say_who_opened_whom_when_and_why(app, web_user, trail):
    browser, _auditor = logged_in(app, web_user, "auditor")
    response = browser.get("/app/audit/emergency-access", headers=NORWEGIAN)
    page = text(response)
    assert response.status_code == 200
    assert re.search(r"14\.02\.2026 22:30 Per Teamleder \([^)]+\) Ingrid Testesen Akutt: må se vedtakene i natt "
                     r"15\.02\.2026 06:30 1 ", page), page[-800:]
    assert f'href="/app/audit/persons/{trail.person["id"]}"' in response.get_data(as_text=True)


def test_the_months_sample_is_reviewed_with_a_note_and_a_follow_up_needs_one(app, web_user, trail):
    browser, auditor = logged_in(app, web_user, "auditor")
    response = browser.get("/app/audit/sample")  # the month that ended last: February
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<option value="2026-02" selected>' in html
    assert re.search(r"Sample: 2 of 2 reads of person data|2 av 2", text(response))
    event_ids = re.findall(r'name="event_id" value="([0-9a-f-]{36})"', html)
    assert len(event_ids) == 4, "two sampled reads, the opening and the read in it (outside the rule)"
    first = event_ids[0]

    refused = browser.post("/app/audit/reviews", {"event_id": first, "period": "2026-02", "finding": "follow_up",
                                                  "note": " "})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'id="r-{first}-note-error"' in page, "the API's refusal beside the note of that row"
    assert '<option value="follow_up" selected>' in page, "the finding chosen is kept"

    done = browser.post("/app/audit/reviews", {"event_id": first, "period": "2026-02", "finding": "follow_up",
                                               "note": "Spør lederen om grunnen"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"?period=2026-02#event-{first}")
    after = browser.get("/app/audit/sample?period=2026-02")
    row = re.search(rf'<tr id="event-{first}">(.*?)</tr>', after.get_data(as_text=True), re.S).group(1)
    assert "Spør lederen om grunnen" in row and auditor.username in row and 'name="event_id"' not in row
    assert len(re.findall(r'name="event_id"', after.get_data(as_text=True))) == 3
    # The review is the API's: one row, audited as audit_review by the auditor.
    reviews = events(app, actor_id=auditor.user_id, object_type="audit_review")
    assert [(e.action, e.detail) for e in reviews] == [("create", f"event {first}: follow_up")]
    again = browser.post("/app/audit/reviews", {"event_id": first, "period": "2026-02", "finding": "ok"})
    assert again.status_code == 409 and "reviewed already" in text(again)


def test_a_month_is_chosen_and_a_broken_one_is_refused(app, web_user, trail):
    browser, _auditor = logged_in(app, web_user, "auditor")
    march = browser.get("/app/audit/sample?period=2026-03")
    assert march.status_code == 200 and '<option value="2026-03" selected>' in march.get_data(as_text=True)
    broken = browser.get("/app/audit/sample?period=2026-13")
    assert broken.status_code == 422 and 'id="period-error"' in broken.get_data(as_text=True)


def test_a_case_officer_is_refused_and_another_municipalitys_person_does_not_exist(app, env, web_user, trail):
    officer, _user = logged_in(app, web_user, "case_officer")
    for url in ("/app/audit", "/app/audit/sample", "/app/audit/emergency-access",
                f"/app/audit/persons/{trail.person['id']}"):
        assert officer.get(url).status_code == 403, url
    assert 'href="/app/audit"' not in officer.get("/app/").get_data(as_text=True), "no menu item for the role"

    elsewhere = env.municipality()
    other = ok(env.caller("case_officer", elsewhere).post(f"{API}/persons", json={
        "name": "Ingrid Annenby", "national_id": None, "national_id_missing_reason": "Venter",
        "birth_date": "1990-01-01"}), 201)
    browser, _auditor = logged_in(app, web_user, "auditor")
    assert 'href="/app/audit"' in browser.get(browser.get("/app/").headers["Location"]).get_data(as_text=True), "the menu offers the access log"
    assert browser.get(f"/app/audit/persons/{other['id']}").status_code == 404
    found = browser.post("/app/audit/persons", {"name": "ingrid"})
    assert "Ingrid Testesen" in text(found) and "Ingrid Annenby" not in text(found)


def test_every_audit_page_carries_the_csp_and_no_inline_code(app, web_user, trail):
    browser, _auditor = logged_in(app, web_user, "auditor")
    for url in ("/app/audit", f"/app/audit/persons/{trail.person['id']}", "/app/audit/emergency-access",
                "/app/audit/sample"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        page = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", page), url
        assert not UUID.search(text(response).replace(str(trail.person["id"]), "")), url


@pytest.mark.parametrize(("detail", "object_type", "words"), [
    ("list", "person", "Shown in a list"),
    ("fields: name,has_minor_children", "person", "Fields changed: name, has minor children"),
    ("read in emergency access: Akutt", "emergency_access", "Read in emergency access: Akutt"),
    ("8 h: Akutt", "emergency_access", "Opened for 8 hours: Akutt"),
    ("read: barred (per-person block)", "person", "Refused (read): the user is barred from the person"),
    ("status reversed", "appeal", "Status set to Reversed"),
    ("consent; requested -> in_preparation", "individual_plan", "Consent recorded; From Requested to In preparation"),
    ("none -> confidential: Trusler", "address_protection", "From No protection to Confidential address (kode 7): Trusler"),
    ("received after the deadline", "appeal", "Appeal received after the deadline"),
    ("something new", "person", "something new"),
])
def test_a_detail_written_in_codes_is_shown_in_words(app, detail, object_type, words):
    from service.web.audit.details import in_words

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert in_words(detail, object_type) == words

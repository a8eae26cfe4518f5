"""Henvendelser og vedtak as pages: a referral registered from the person's page, its preliminary
reply, a decision written as a draft, decided, notified and appealed, a draft discarded, an
expiring decision renewed, and two officers on one draft (the second is told, not overwritten).

The clock is the suite's (3 March 2026); the pages are read in English (the test client's
Accept-Language), where a date is ISO."""

from __future__ import annotations

import re

import pytest

from tests.helpers import HOUSING_SERVICE, CaseRows
from tests.web.client import Browser, text


@pytest.fixture
def case(env, town):
    callers = {role: env.caller(role, town) for role in ("case_officer", "housing_officer", "coordinator", "provider")}
    rows = CaseRows(env, town, callers)
    return rows.case(rows.person("Ingrid Testesen"), coordinator=callers["coordinator"], tenancy=False)


def officer(app, web_user, offset_steps: int = 0) -> Browser:
    browser = Browser(app)
    assert browser.log_in(web_user("case_officer"), offset_steps).status_code == 303
    return browser



def version_on(html: str, action: str) -> str:
    form = html[html.index(f'action="{action}"'):]
    return re.search(r'name="version" value="(\d+)"', form).group(1)


def register_referral(browser, person_id) -> str:
    browser.get(f"/app/cases/referrals/new?person_id={person_id}")
    done = browser.post("/app/cases/referrals", {
        "person_id": person_id, "received_on": "2026-03-02", "source": "gp", "channel": "letter",
        "urgency": "routine", "requested_services": HOUSING_SERVICE})
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    return done.headers["Location"]


def write_draft(browser, referral_url: str, **fields) -> str:
    form = browser.get(referral_url).get_data(as_text=True)
    new = re.search(r'href="(/app/cases/decisions/new\?referral_id=[^"]+)"', form).group(1)
    page = browser.get(new).get_data(as_text=True)
    person_id = re.search(r'name="person_id" value="([^"]+)"', page).group(1)
    referral_id = re.search(r'name="referral_id" value="([^"]+)"', page).group(1)
    assert f'<option value="{HOUSING_SERVICE}" selected>' in page, "the service asked for is chosen"
    body = {"person_id": person_id, "referral_id": referral_id, "service_code": HOUSING_SERVICE, "legal_basis": "",
            "outcome": "granted", "hours_per_week": "3,5", "valid_from": "2026-04-01", "valid_to": "2026-09-30",
            "provider_unit": "Psykisk helseteam", "reasoning": "Behov for oppfølging i bolig.", **fields}
    done = browser.post("/app/cases/decisions", body)
    assert done.status_code == 303, text(done)[:2000]
    return done.headers["Location"]


def test_the_person_page_offers_a_referral_whose_page_shows_its_deadline(app, web_user, case):
    browser = officer(app, web_user)
    person_page = browser.get(f"/app/persons/{case.person['id']}").get_data(as_text=True)
    assert f'href="/app/cases/referrals/new?person_id={case.person["id"]}">Register a referral</a>' in person_page

    form = browser.get(f"/app/cases/referrals/new?person_id={case.person['id']}")
    assert form.status_code == 200 and "For Ingrid Testesen." in text(form)
    refused = browser.post("/app/cases/referrals", {"person_id": case.person["id"], "received_on": "2026-03-02",
                                                    "channel": "letter", "summary": "Ringte fra legekontoret"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'id="source-error">[^<]*required', page, re.I), "the error is beside the field"
    assert "Ringte fra legekontoret</textarea>" in page and 'value="2026-03-02"' in page, "what was typed is kept"

    url = register_referral(browser, case.person["id"])
    referral = text(browser.get(url))
    # received 2 March: the answer is due one calendar month later
    assert "Answer due 2026-04-02" in referral and "Received" in referral
    assert "Bo og veiledning" in referral

    listed = browser.get("/app/referrals").get_data(as_text=True)
    assert f'href="{url}">2026-04-02</a>' in listed


def test_a_preliminary_reply_is_recorded_once_and_a_stale_one_is_told(app, web_user, case):
    browser = officer(app, web_user)
    url = register_referral(browser, case.person["id"])
    html = browser.get(url).get_data(as_text=True)
    action = f"{url}/preliminary-reply"
    stale = str(int(version_on(html, action)) - 1)
    told = browser.post(action, {"version": stale, "sent_on": "2026-03-03", "reason": "Venter på epikrise",
                                 "expected_by": "2026-05-01"})
    assert told.status_code == 412
    assert "Changed by someone else" in text(told) and "Venter på epikrise</textarea>" in told.get_data(as_text=True)

    short = browser.post(action, {"version": version_on(html, action), "sent_on": "2026-03-03", "reason": "x",
                                  "expected_by": "2026-05-01"})
    assert short.status_code == 422 and 'id="reason-error"' in short.get_data(as_text=True)
    done = browser.post(action, {"version": version_on(html, action), "sent_on": "2026-03-03",
                                 "reason": "Venter på epikrise", "expected_by": "2026-05-01"})
    assert done.status_code == 303
    page = text(browser.get(url))
    assert "Sent 2026-03-03 Reason Venter på epikrise Answer expected by 2026-05-01" in page
    assert "Send preliminary reply" not in page


def test_a_decision_goes_from_draft_to_decided_notified_and_appealed(app, web_user, case):
    browser = officer(app, web_user)
    referral_url = register_referral(browser, case.person["id"])
    url = write_draft(browser, referral_url)
    page = text(browser.get(url))
    assert "State Draft" in page and "Hours per week 3.5" in page and "Valid 2026-04-01–2026-09-30" in page
    assert "Legal basis Personlig assistanse, herunder praktisk bistand" in page, "the default of the service"
    assert "Appeal deadline runs from the notification" in page

    html = browser.last_html
    decided = browser.post(f"{url}/decide", {"version": version_on(html, f"{url}/decide"), "decided_on": "2026-03-03"})
    assert decided.status_code == 303
    page = text(browser.get(url))
    assert "State Upcoming" in page and "Decided 2026-03-03" in page
    assert "Decided" in text(browser.get(referral_url)), "the referral it answers is decided"

    html = browser.last_html if "notify" in browser.last_html else browser.get(url).get_data(as_text=True)
    future = browser.post(f"{url}/notify", {"version": version_on(html, f"{url}/notify"), "sent_on": "2026-03-03",
                                            "notified_on": "2026-03-09", "channel": "letter"})
    assert future.status_code == 422 and 'id="notified_on-error"' in future.get_data(as_text=True)
    notified = browser.post(f"{url}/notify", {"version": version_on(html, f"{url}/notify"), "sent_on": "2026-03-03",
                                              "notified_on": "2026-03-03", "channel": "letter"})
    assert notified.status_code == 303, text(notified)[:2000]
    page = text(browser.get(url))
    # notified Tuesday 3 March + 4 weeks (pasient- og brukerrettighetsloven § 7-5) = Tuesday 31 March
    assert "Appeal deadline 2026-03-31" in page and "Notified 2026-03-03 (letter)" in page

    html = browser.last_html
    appealed = browser.post(f"{url}/appeals", {"version": version_on(html, f"{url}/appeals"),
                                               "received_on": "2026-03-03", "summary": "Ønsker flere timer"})
    assert appealed.status_code == 303, text(appealed)[:2000]
    html = browser.get(url).get_data(as_text=True)
    assert "Appeal received 2026-03-03: Received" in text(browser.get(url))
    action = re.search(r'action="(/app/cases/decisions/[^"]+/appeals/[^"]+/status)"', html).group(1)
    moved = browser.post(action, {"version": version_on(html, action), "status": "reassessing", "on": "2026-03-03"})
    assert moved.status_code == 303
    page = text(browser.get(url))
    assert "Appeal received 2026-03-03: Under reassessment" in page
    history = page[page.index("History"):]
    assert history.index("Written as a draft") < history.index("Decided") < history.index("Sent to the person")
    assert "Appeal: Under reassessment" in history


def test_two_officers_on_one_draft_the_second_is_told_and_keeps_what_they_wrote(app, web_user, case):
    first = officer(app, web_user)
    url = write_draft(first, register_referral(first, case.person["id"]))
    second = Browser(app)
    assert second.log_in(web_user("case_officer"), 1).status_code == 303
    their_page = second.get(url).get_data(as_text=True)
    our_page = first.get(url).get_data(as_text=True)
    edit = f"{url}/edit"
    fields = {"service_code": HOUSING_SERVICE, "outcome": "granted", "hours_per_week": "4", "valid_from": "2026-04-01",
              "valid_to": "2026-09-30", "provider_unit": "Psykisk helseteam"}
    saved = first.post(edit, {**fields, "version": version_on(our_page, edit), "reasoning": "Første vurdering"})
    assert saved.status_code == 303
    told = second.post(edit, {**fields, "version": version_on(their_page, edit), "hours_per_week": "6",
                              "reasoning": "Andre vurdering"})
    page = told.get_data(as_text=True)
    assert told.status_code == 412
    assert "Changed by someone else" in text(told)
    assert "Andre vurdering</textarea>" in page and 'value="6"' in page, "what the second officer typed is kept"
    assert "Hours per week 4" in text(told), "the page shows the draft as it is now"
    assert "Første vurdering" in text(second.get(url))


def test_a_draft_is_discarded_only_with_a_reason(app, web_user, case):
    browser = officer(app, web_user)
    url = write_draft(browser, register_referral(browser, case.person["id"]))
    html = browser.get(url).get_data(as_text=True)
    empty = browser.post(f"{url}/discard", {"version": version_on(html, f"{url}/discard"), "reason": ""})
    assert empty.status_code == 422 and 'id="discard-reason-error"' in empty.get_data(as_text=True)
    done = browser.post(f"{url}/discard", {"version": version_on(html, f"{url}/discard"), "reason": "Feil person"})
    assert done.status_code == 303
    page = text(browser.get(url))
    assert "State Discarded" in page and "Discarded: Feil person" in page
    assert f'action="{url}/decide"' not in browser.last_html and "Register an appeal" not in page


def test_a_decision_is_renewed_from_a_form_filled_in_from_it(app, web_user, case):
    browser = officer(app, web_user)
    old = f"/app/cases/decisions/{case.ids['decision']}"
    assert "Renew the decision" in text(browser.get(old))
    form = browser.get(f"{old}/renew")
    html = form.get_data(as_text=True)
    assert form.status_code == 200
    assert 'name="hours_per_week" value="3"' in html and '<option value="Psykisk helseteam" selected>' in html
    assert "Vurdering for Ingrid Testesen</textarea>" in html
    done = browser.post(f"{old}/renew", {
        "version": version_on(html, f"{old}/renew"), "service_code": HOUSING_SERVICE, "legal_basis": "hol-3-2-6b",
        "outcome": "granted", "hours_per_week": "3", "valid_from": "", "valid_to": "2027-12-31",
        "provider_unit": "Psykisk helseteam", "reasoning": "Fornyet", "decided_on": "2026-03-03"})
    assert done.status_code == 303, text(done)[:2000]
    page = text(browser.get(done.headers["Location"]))
    # the renewal starts the day after the old decision ends (31 December 2026)
    assert "Valid 2027-01-01–2027-12-31" in page and "The decision this one supersedes" in page


def test_the_pages_are_the_case_officers(app, web_user, case):
    browser = Browser(app)
    assert browser.log_in(web_user("housing_officer")).status_code == 303
    assert browser.get(f"/app/cases/referrals/new?person_id={case.person['id']}").status_code == 403
    assert browser.get(f"/app/cases/decisions/{case.ids['decision']}/renew").status_code == 403
    person_page = browser.get(f"/app/persons/{case.person['id']}").get_data(as_text=True)
    assert "Register a referral" not in person_page

"""Appeals judged as the law counts them, through the API (SQLite and PostgreSQL).

The deadline moves past weekends and public holidays (domstolloven § 149), an appeal
posted in time is in time (fvl § 30), timeliness follows the notification date when it
is recorded or corrected later, the one-year limit (fvl § 31) runs from decided_on, and
a decision uses the legal basis in force on the day it is made.
"""

import pytest

from tests.helpers import assert_problem as problem
from tests.helpers import at

# midlertidig-botilbud is decided under sosialtjenesteloven § 27: 3 weeks, forvaltningsloven § 29.
FVL_SERVICE = {"service_code": "midlertidig-botilbud", "hours_per_week": None}


@pytest.fixture(autouse=True)
def _summer_2027(frozen_clock):
    """Callers' tokens are issued on this test's today (they last 90 days)."""
    frozen_clock.set(at("2027-06-01"))


@pytest.fixture
def fvl_decision(new_decision):
    def make(**fields):
        body = {**FVL_SERVICE, "valid_from": "2027-03-01", "valid_to": "2027-12-31", "decided_on": "2027-03-01"}
        body.update(fields)
        return new_decision(**body)

    return make


def _appeal(caller, decision, **body):
    response = caller.post(f"/api/v1/decisions/{decision['id']}/appeals", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _notify(caller, decision, **body):
    response = caller.post(f"/api/v1/decisions/{decision['id']}/notify", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_issue_example_easter_2027(case_officer, fvl_decision):
    """Notified Thursday 4 March 2027: three weeks end on Maundy Thursday; the deadline is Tuesday 30 March."""
    decision = fvl_decision()
    notified = _notify(case_officer, decision, notified_on="2027-03-04")
    assert notified["appeal_period_days"] == 21
    assert notified["appeal_deadline_on"] == "2027-03-30"

    on_easter_monday = _appeal(case_officer, decision, received_on="2027-03-29")
    assert on_easter_monday["deadline_on"] == "2027-03-30" and on_easter_monday["deadline_met"] is True
    on_tuesday = _appeal(case_officer, decision, received_on="2027-03-30")
    assert on_tuesday["deadline_met"] is True
    wednesday = _appeal(case_officer, decision, received_on="2027-03-31")
    assert wednesday["deadline_met"] is False, "a late appeal is registered and marked late"


def test_an_appeal_posted_on_the_last_day_and_received_three_days_later_is_in_time(case_officer, fvl_decision):
    decision = fvl_decision()
    _notify(case_officer, decision, notified_on="2027-03-04", sent_on="2027-03-02", channel="letter")
    posted = _appeal(case_officer, decision, sent_on="2027-03-30", received_on="2027-04-02")
    assert posted["sent_on"] == "2027-03-30" and posted["deadline_met"] is True
    posted_late = _appeal(case_officer, decision, sent_on="2027-03-31", received_on="2027-04-02")
    assert posted_late["deadline_met"] is False


def test_the_decision_records_how_and_when_it_was_sent(case_officer, fvl_decision):
    decision = fvl_decision()
    notified = _notify(case_officer, decision, notified_on="2027-03-04", sent_on="2027-03-02",
                       channel="digital_mailbox")
    assert notified["notification_sent_on"] == "2027-03-02"
    assert notified["notification_channel"] == "digital_mailbox"
    assert notified["notified_on"] == "2027-03-04"
    bad = problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/notify",
                                    json={"notified_on": "2027-03-04", "correction_reason": "feil dato",
                                          "sent_on": "2027-03-05"}), 422)
    assert "sent_on" in bad["errors"]
    bad = problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/notify",
                                    json={"notified_on": "2027-03-04", "correction_reason": "feil kanal",
                                          "channel": "pigeon"}), 422)
    assert "channel" in bad["errors"]


def test_notification_recorded_after_the_appeal_rejudges_it(case_officer, fvl_decision, env, town):
    decision = fvl_decision()
    appeal = _appeal(case_officer, decision, received_on="2027-04-20")
    assert appeal["deadline_on"] is None and appeal["deadline_met"] is True, "the period has not started"

    _notify(case_officer, decision, notified_on="2027-03-04")
    again = case_officer.get(f"/api/v1/decisions/{decision['id']}/appeals/{appeal['id']}").get_json()
    assert again["deadline_on"] == "2027-03-30" and again["deadline_met"] is False

    auditor = env.caller("auditor", town)
    events = auditor.get(f"/api/v1/audit?object_id={appeal['id']}&action=update").get_json()
    assert any("deadline recomputed" in (e.get("detail") or "") for e in events)


def test_correcting_the_notification_date_rejudges_appeals(case_officer, fvl_decision):
    decision = fvl_decision()
    _notify(case_officer, decision, notified_on="2027-03-04")
    appeal = _appeal(case_officer, decision, received_on="2027-04-06")
    assert appeal["deadline_met"] is False

    refused = problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/notify",
                                        json={"notified_on": "2027-03-18"}), 409)
    assert refused["type"].endswith(":already_notified")
    corrected = _notify(case_officer, decision, notified_on="2027-03-18",
                        correction_reason="Brevet kom fram 18.03 (poststempel)")
    assert corrected["notified_on"] == "2027-03-18" and corrected["appeal_deadline_on"] == "2027-04-08"
    again = case_officer.get(f"/api/v1/decisions/{decision['id']}/appeals/{appeal['id']}").get_json()
    assert again["deadline_on"] == "2027-04-08" and again["deadline_met"] is True


def test_correcting_an_appeals_dates_rejudges_it(case_officer, fvl_decision):
    decision = fvl_decision()
    _notify(case_officer, decision, notified_on="2027-03-04")
    appeal = _appeal(case_officer, decision, received_on="2027-04-02")
    assert appeal["deadline_met"] is False
    response = case_officer.patch(f"/api/v1/decisions/{decision['id']}/appeals/{appeal['id']}",
                                  json={"sent_on": "2027-03-29"}, headers={"If-Match": '"v1"'})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["deadline_met"] is True
    stale = case_officer.patch(f"/api/v1/decisions/{decision['id']}/appeals/{appeal['id']}",
                               json={"sent_on": None}, headers={"If-Match": '"v1"'})
    assert stale.status_code == 412
    after_receipt = problem(case_officer.patch(f"/api/v1/decisions/{decision['id']}/appeals/{appeal['id']}",
                                               json={"sent_on": "2027-04-03"}, headers={"If-Match": '"v2"'}), 422)
    assert "sent_on" in after_receipt["errors"]


def test_the_one_year_limit_runs_from_decided_on(case_officer, new_decision, frozen_clock):
    frozen_clock.set(at("2026-06-01"))
    decision = new_decision(**FVL_SERVICE, valid_from="2025-05-17", valid_to="2025-12-31", decided_on="2025-05-17")
    _notify(case_officer, decision, notified_on="2025-05-20")
    # 17 May 2026 is a Sunday (and Constitution Day): the year runs to Monday 18 May 2026.
    last_day = _appeal(case_officer, decision, received_on="2026-05-18")
    assert last_day["absolute_limit_on"] == "2026-05-18"
    assert last_day["beyond_absolute_limit"] is False and last_day["deadline_met"] is False
    beyond = _appeal(case_officer, decision, received_on="2026-05-19")
    assert beyond["beyond_absolute_limit"] is True, "registered, and flagged as beyond fvl § 31's limit"


def test_a_legal_basis_replaced_mid_year(case_officer, env, town, new_decision, frozen_clock):
    frozen_clock.set(at("2027-08-01"))
    admin = env.caller("admin", town)
    created = admin.post("/api/v1/service-catalogue/legal-bases", json={
        "code": "stjl-27-ny", "name_nb": "Midlertidig botilbud (ny forvaltningslov)",
        "law_reference": "sosialtjenesteloven § 27", "appeal_period_days": 28,
        "appeal_rule": "ny forvaltningslov", "appeal_body": "Statsforvalteren", "valid_from": "2027-07-01"})
    assert created.status_code == 201, created.get_json()
    old = admin.get("/api/v1/service-catalogue/legal-bases/stjl-27")
    replaced = admin.patch("/api/v1/service-catalogue/legal-bases/stjl-27",
                           json={"valid_to": "2027-06-30", "replaced_by": "stjl-27-ny"},
                           headers={"If-Match": old.headers["ETag"]})
    assert replaced.status_code == 200, replaced.get_json()
    assert replaced.get_json()["valid_to"] == "2027-06-30"

    june = new_decision(**FVL_SERVICE, valid_from="2027-06-15", valid_to="2027-12-31", decided_on="2027-06-15")
    assert june["legal_basis"] == "stjl-27"
    july = new_decision(**FVL_SERVICE, valid_from="2027-07-15", valid_to="2027-12-31", decided_on="2027-07-15")
    assert july["legal_basis"] == "stjl-27-ny", "the default follows the basis in force on decided_on"

    june = _notify(case_officer, june, notified_on="2027-07-05")
    july = _notify(case_officer, july, notified_on="2027-07-19")
    assert june["appeal_period_days"] == 21 and june["appeal_deadline_on"] == "2027-07-26"
    assert july["appeal_period_days"] == 28 and july["appeal_deadline_on"] == "2027-08-16"

    explicit = problem(case_officer.post("/api/v1/decisions", json={
        "person_id": june["person_id"], **FVL_SERVICE, "legal_basis": "stjl-27",
        "valid_from": "2027-07-15", "decided_on": "2027-07-15"}), 422)
    assert "stjl-27-ny" in explicit["errors"]["legal_basis"][0]


def test_legal_basis_validity_is_checked(env, town):
    admin = env.caller("admin", town)
    old = admin.get("/api/v1/service-catalogue/legal-bases/stjl-27")
    backwards = problem(admin.patch("/api/v1/service-catalogue/legal-bases/stjl-27",
                                    json={"valid_from": "2027-07-01", "valid_to": "2027-06-30"},
                                    headers={"If-Match": old.headers["ETag"]}), 422)
    assert "valid_to" in backwards["errors"]
    unknown = problem(admin.patch("/api/v1/service-catalogue/legal-bases/stjl-27",
                                  json={"replaced_by": "finnes-ikke"}, headers={"If-Match": old.headers["ETag"]}), 422)
    assert "replaced_by" in unknown["errors"]
    itself = problem(admin.patch("/api/v1/service-catalogue/legal-bases/stjl-27",
                                 json={"replaced_by": "stjl-27"}, headers={"If-Match": old.headers["ETag"]}), 422)
    assert "replaced_by" in itself["errors"]

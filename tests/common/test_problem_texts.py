"""Problem texts name states by their label and dates as dd.mm.åååå in bokmål; members keep codes."""

from tests.helpers import assert_problem as problem

NB = {"Accept-Language": "nb"}


def test_a_state_conflict_names_the_state_by_its_label(case_officer, new_referral):
    referral = new_referral()
    url = f"/api/v1/referrals/{referral['id']}/withdraw"
    assert case_officer.post(url, json={"on": "2026-03-02"}).status_code == 200
    body = problem(case_officer.post(url, json={"on": "2026-03-02"}, headers=NB), 409)
    assert body["state"] == "withdrawn"
    assert body["detail"] == "Henvisningen kan ikke trekkes i status «trukket»."
    body = problem(case_officer.post(url, json={"on": "2026-03-02"}), 409)
    assert body["detail"] == "The referral cannot be withdrawn in state withdrawn."


def test_a_date_in_a_problem_reads_as_norwegians_write_it(case_officer, new_decision):
    decision = new_decision()
    url = f"/api/v1/decisions/{decision['id']}/notify"
    assert case_officer.post(url, json={"notified_on": "2025-12-16"}).status_code == 200
    body = problem(case_officer.post(url, json={"notified_on": "2025-12-17"}, headers=NB), 409)
    assert "registrert 16.12.2025" in body["detail"] and body["state"] == "active"
    english = problem(case_officer.post(url, json={"notified_on": "2025-12-17"}), 409)
    assert "notified on 2025-12-16" in english["detail"]


def test_a_refused_role_is_named_in_bokmal(env, town):
    body = problem(env.caller("planner", town).get("/api/v1/persons", headers=NB), 403)
    assert body["detail"].startswith("Rollen «planlegger» har ikke lov til å bruke GET")

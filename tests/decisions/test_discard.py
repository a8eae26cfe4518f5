"""Discarding a draft decision made by mistake: kept and audited with its reason, never deleted,
gone from lists and the person overview, and nothing more can be done with it."""

from __future__ import annotations

from tests.helpers import assert_problem as problem

DECISIONS = "/api/v1/decisions"


def _discard(caller, decision, reason="Registrert på feil person", **headers):
    return caller.post(f"{DECISIONS}/{decision['id']}/discard", json={"reason": reason}, headers=headers or None)


def test_a_discarded_draft_is_kept_but_no_longer_listed(env, town, case_officer, person, new_decision):
    draft = new_decision(decided_on=None)
    kept = new_decision()
    response = _discard(case_officer, draft)
    assert response.status_code == 200
    discarded = response.get_json()
    assert (discarded["state"], discarded["discarded_at"], discarded["discard_reason"]) == (
        "discarded", "2026-03-03", "Registrert på feil person")
    assert response.headers["ETag"] == f'"v{draft["version"] + 1}"'

    assert [d["id"] for d in case_officer.get(DECISIONS).get_json()] == [kept["id"]]
    assert [d["id"] for d in case_officer.get(DECISIONS, query_string={"state": "draft"}).get_json()] == []
    asked = case_officer.get(DECISIONS, query_string={"state": "discarded"}).get_json()
    assert [d["id"] for d in asked] == [draft["id"]]
    assert case_officer.get(f"{DECISIONS}/{draft['id']}").get_json()["state"] == "discarded"
    overview = case_officer.get(f"/api/v1/persons/{person['id']}/overview").get_json()
    assert "discarded" not in overview["decisions"]
    assert {d["id"] for ds in overview["decisions"].values() for d in ds} == {kept["id"]}

    auditor = env.caller("auditor", town)
    events = auditor.get("/api/v1/audit", query_string={"object_id": draft["id"], "action": "update"}).get_json()
    assert [e["detail"] for e in events] == ["discard"]


def test_only_a_draft_is_discarded_and_a_reason_is_required(case_officer, new_decision):
    decided = new_decision()
    error = problem(_discard(case_officer, decided), 409)
    assert error["state"] == "active" and "active" in error["detail"]
    draft = new_decision(decided_on=None)
    assert "reason" in problem(case_officer.post(f"{DECISIONS}/{draft['id']}/discard", json={}), 422)["errors"]
    assert "reason" in problem(_discard(case_officer, draft, reason="  "), 422)["errors"]
    problem(_discard(case_officer, draft, **{"If-Match": '"v9"'}), 412)
    assert case_officer.get(f"{DECISIONS}/{draft['id']}").get_json()["state"] == "draft"


def test_nothing_more_happens_to_a_discarded_decision(case_officer, new_decision):
    draft = new_decision(decided_on=None)
    _discard(case_officer, draft)
    url = f"{DECISIONS}/{draft['id']}"
    attempts = [
        case_officer.post(f"{url}/decide", json={"decided_on": "2026-03-01"}),
        case_officer.patch(url, json={"reasoning": "likevel"}, headers={"If-Match": "*"}),
        case_officer.post(f"{url}/notify", json={"notified_on": "2026-03-02"}),
        case_officer.post(f"{url}/renew", json={}),
        case_officer.post(f"{url}/appeals", json={"received_on": "2026-03-02"}),
        _discard(case_officer, draft, reason="En gang til"),
    ]
    for response in attempts:
        assert problem(response, 409)["state"] == "discarded", response.request.path
    correction = case_officer.post(DECISIONS, json={"person_id": draft["person_id"], "service_code": "kpr-6",
                                                    "valid_from": "2026-03-01", "supersedes_id": draft["id"]})
    assert problem(correction, 409)["state"] == "discarded"


def test_a_discarded_renewal_frees_the_decision_for_a_new_one(case_officer, new_decision):
    old = new_decision(valid_to="2026-04-30")
    first = case_officer.post(f"{DECISIONS}/{old['id']}/renew", json={}).get_json()
    problem(case_officer.post(f"{DECISIONS}/{old['id']}/renew", json={}), 409)
    _discard(case_officer, first, reason="Feil tjeneste valgt")
    assert case_officer.get(f"{DECISIONS}/{old['id']}").get_json()["superseded_by_id"] is None
    second = case_officer.post(f"{DECISIONS}/{old['id']}/renew", json={"decided_on": "2026-03-03"})
    assert second.status_code == 201, second.get_json()
    assert case_officer.get(f"{DECISIONS}/{old['id']}").get_json()["superseded_by_id"] == second.get_json()["id"]


def test_who_may_discard(env, town, new_decision):
    draft = new_decision(decided_on=None)
    for role in ("housing_officer", "coordinator", "provider", "planner", "auditor", "admin"):
        problem(_discard(env.caller(role, town), draft), 403)
    assert _discard(env.caller("case_officer", town), draft).status_code == 200


def test_a_discarded_decision_cannot_be_pointed_at(case_officer, person, new_decision, env, town):
    draft = new_decision(decided_on=None)
    _discard(case_officer, draft)
    housing_officer = env.caller("housing_officer", town)
    need = housing_officer.post("/api/v1/housing/needs", json={
        "person_id": person["id"], "category": "ordinary", "housing_situation": "housed",
        "registered_on": "2026-03-03", "decision_id": draft["id"]})
    assert "decision_id" in problem(need, 422)["errors"]

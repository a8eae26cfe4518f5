"""Who sees and changes which plans, and that every access is audited."""

import pytest

from tests.helpers import ok

API = "/api/v1/plans"


def test_coordinator_sees_and_changes_only_its_own_plans(active_plan, coordinator, other_coordinator):
    mine = active_plan()
    theirs = active_plan(coordinator_caller=other_coordinator)
    assert [p["id"] for p in ok(coordinator.get(API))] == [mine["id"]]
    assert coordinator.get(f"{API}/{theirs['id']}").status_code == 404
    assert coordinator.get(f"{API}/{theirs['id']}/goals").status_code == 404
    assert coordinator.post(f"{API}/{theirs['id']}/goals",
                            json={"area": "housing", "text": "x"}).status_code == 404
    assert coordinator.post(f"{API}/{theirs['id']}/close",
                            json={"reason": "forsøk", "closed_on": "2026-03-03"}).status_code == 404
    # Filtering on someone else cannot widen the view.
    assert ok(coordinator.get(API, query_string={"coordinator": str(other_coordinator.user_id)})) == []


def test_coordinator_reads_its_persons_only_and_read_only(active_plan, coordinator, make_person):
    person = make_person(name="Per Planperson")
    stranger = make_person(name="Ikke Min")
    plan = active_plan(person)
    assert ok(coordinator.get(f"/api/v1/persons/{person['id']}"))["name"] == "Per Planperson"
    assert coordinator.get(f"/api/v1/persons/{stranger['id']}").status_code == 404
    assert [p["id"] for p in ok(coordinator.get("/api/v1/persons"))] == [person["id"]]
    assert coordinator.patch(f"/api/v1/persons/{person['id']}", json={"district": "x"},
                             headers={"If-Match": '"v1"'}).status_code == 403
    # Once the plan is closed the person is no longer the coordinator's to see.
    ok(coordinator.post(f"{API}/{plan['id']}/close", json={"reason": "Flyttet", "closed_on": "2026-03-03"}))
    assert coordinator.get(f"/api/v1/persons/{person['id']}").status_code == 404
    # ... while the closed plan itself stays readable to the coordinator who ran it.
    assert ok(coordinator.get(f"{API}/{plan['id']}"))["status"] == "closed"


def test_coordinator_handing_over_loses_the_plan(active_plan, coordinator, other_coordinator):
    plan = active_plan()
    handed = ok(coordinator.post(f"{API}/{plan['id']}/appoint-coordinator",
                                 json={"user_id": str(other_coordinator.user_id), "appointed_on": "2026-03-03"}))
    assert handed["coordinator"]["user_id"] == str(other_coordinator.user_id)
    assert coordinator.get(f"{API}/{plan['id']}").status_code == 404
    assert other_coordinator.get(f"{API}/{plan['id']}").status_code == 200


def test_coordinator_cannot_request_plans(coordinator, make_person):
    assert coordinator.post(API, json={"person_id": make_person()["id"]}).status_code == 403


def test_case_officer_reads_all_but_does_not_run_the_plan(active_plan, prepared_plan, case_officer):
    active = active_plan()
    prepared = prepared_plan()
    assert {p["id"] for p in ok(case_officer.get(API))} == {active["id"], prepared["id"]}
    assert ok(case_officer.get(f"{API}/{active['id']}/members")) == []
    assert case_officer.post(f"{API}/{prepared['id']}/activate", json={}).status_code == 403
    assert case_officer.post(f"{API}/{active['id']}/goals", json={"area": "housing", "text": "x"}).status_code == 403
    assert case_officer.post(f"{API}/{active['id']}/evaluations", json={
        "evaluated_on": "2026-03-01", "summary": "x", "next_evaluation_on": "2026-06-01"}).status_code == 403


def test_provider_reads_plans_of_the_persons_it_serves(provider_serves_district, active_plan, coordinator,
                                                       make_person, env, town):
    provider = env.caller("provider", town, provider_unit="Psykisk helseteam")
    served = make_person(district="Psykisk helseteam")
    other = make_person(district="Sannidal")
    served_plan = active_plan(served)
    other_plan = active_plan(other)
    ok(coordinator.post(f"{API}/{served_plan['id']}/goals",
                        json={"area": "mental_health", "text": "Færre innleggelser"}), 201)
    assert [p["id"] for p in ok(provider.get(API))] == [served_plan["id"]]
    assert len(ok(provider.get(f"{API}/{served_plan['id']}/goals"))) == 1
    assert provider.get(f"{API}/{other_plan['id']}").status_code == 404
    # Read-only.
    assert provider.post(f"{API}/{served_plan['id']}/goals", json={"area": "housing", "text": "x"}).status_code == 403
    assert provider.post(f"{API}/{served_plan['id']}/close", json={"reason": "x"}).status_code == 403


def test_provider_without_a_registered_scope_sees_no_plans(active_plan, make_person, env, town):
    provider = env.caller("provider", town, provider_unit="Psykisk helseteam")
    plan = active_plan(make_person(district="Psykisk helseteam"))
    assert ok(provider.get(API)) == []
    assert provider.get(f"{API}/{plan['id']}").status_code == 404


@pytest.mark.parametrize("role", ["planner", "housing_officer", "auditor", "admin"])
def test_roles_without_need_to_know_get_no_plans(role, active_plan, env, town):
    plan = active_plan()
    caller = env.caller(role, town)
    assert caller.get(API).status_code == 403
    assert caller.get(f"{API}/{plan['id']}").status_code == 403
    assert caller.get(f"{API}/{plan['id']}/evaluations").status_code == 403


def test_another_municipality_does_not_see_the_plan(active_plan, env):
    plan = active_plan()
    foreign = env.caller("case_officer", env.municipality())
    assert foreign.get(f"{API}/{plan['id']}").status_code == 404
    assert ok(foreign.get(API)) == []
    assert foreign.post(f"{API}/{plan['id']}/close",
                        json={"reason": "forsøk", "closed_on": "2026-03-03"}).status_code == 404


def _events(auditor, **filters):
    return ok(auditor.get("/api/v1/audit", query_string=filters))


def test_every_access_is_audited(active_plan, coordinator, case_officer, make_person, env, town):
    auditor = env.caller("auditor", town)
    person = make_person()
    plan = active_plan(person)
    before = len(_events(auditor, object_id=plan["id"], page_size=200))

    ok(coordinator.get(f"{API}/{plan['id']}"))
    ok(case_officer.get(API))
    goal = ok(coordinator.post(f"{API}/{plan['id']}/goals", json={"area": "housing", "text": "Bolig"}), 201)
    ok(coordinator.get(f"{API}/{plan['id']}/goals"))

    plan_events = _events(auditor, object_id=plan["id"], page_size=200)
    assert len(plan_events) == before + 2
    newest = plan_events[:2]
    assert [(e["action"], e["role"], e["detail"]) for e in newest] == [
        ("read", "case_officer", "list"), ("read", "coordinator", None)]
    assert all(e["person_id"] == person["id"] and e["object_type"] == "individual_plan" for e in newest)

    goal_events = _events(auditor, object_id=goal["id"])
    assert [(e["action"], e["object_type"]) for e in goal_events] == [("read", "plan_goal"), ("create", "plan_goal")]
    # The whole history of the plan is in the person's access log.
    log = ok(auditor.get(f"/api/v1/persons/{person['id']}/access-log", query_string={"page_size": 200}))
    details = [e["detail"] for e in log if e["object_type"] == "individual_plan"]
    assert "in_preparation -> active" in details
    assert "consent; requested -> in_preparation" in details


def test_overview_has_the_plan_section(active_plan, coordinator, case_officer, make_person, env, town):
    person = make_person()
    plan = active_plan(person)
    ok(coordinator.post(f"{API}/{plan['id']}/members", json={
        "organisation": "NAV", "role": "veileder", "name": "Nina"}), 201)
    ok(coordinator.post(f"{API}/{plan['id']}/goals", json={"area": "finances", "text": "Gjeldsordning"}), 201)
    ok(coordinator.post(f"{API}/{plan['id']}/evaluations", json={
        "evaluated_on": "2026-03-02", "summary": "Ok", "next_evaluation_on": "2026-09-01"}), 201)

    for caller in (case_officer, coordinator):
        section = ok(caller.get(f"/api/v1/persons/{person['id']}/overview"))["plan"]
        assert section["id"] == plan["id"] and section["status"] == "active"
        assert [m["name"] for m in section["members"]] == ["Nina"]
        assert [g["area"] for g in section["goals"]] == ["finances"]
        assert section["last_evaluation"]["summary"] == "Ok"
        assert section["next_evaluation_on"] == "2026-09-01"

    housing_officer = env.caller("housing_officer", town)  # reads the person, not their plans
    assert ok(housing_officer.get(f"/api/v1/persons/{person['id']}/overview"))["plan"] is None
    without_plan = make_person()
    assert ok(case_officer.get(f"/api/v1/persons/{without_plan['id']}/overview"))["plan"] is None


def test_overview_prefers_the_open_plan_over_closed_ones(request_plan, case_officer, make_person):
    person = make_person()
    old = request_plan(person, requested_on="2025-01-10")
    ok(case_officer.post(f"{API}/{old['id']}/close", json={"reason": "Flyttet ut", "closed_on": "2025-06-01"}))
    new = request_plan(person, requested_on="2024-12-01")  # registered late, older date
    assert ok(case_officer.get(f"/api/v1/persons/{person['id']}/overview"))["plan"]["id"] == new["id"]


def test_a_plan_request_sent_twice_with_one_key_creates_one_plan(case_officer, make_person):
    person = make_person()
    body = {"person_id": person["id"], "requested_on": "2026-02-01"}
    first = case_officer.post("/api/v1/plans", json=body, headers={"Idempotency-Key": "ip-1"})
    again = case_officer.post("/api/v1/plans", json=body, headers={"Idempotency-Key": "ip-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]

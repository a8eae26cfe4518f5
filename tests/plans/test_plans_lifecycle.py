"""Individual plans through the API: request → in preparation → active → closed, or declined.

Today is frozen at 2026-03-03 (Europe/Oslo).
"""

import datetime as dt
import uuid

import pytest

from service.common.errors import Conflict
from service.common.tenancy import tenant_scope
from service.extensions import db
from service.plans import services
from service.plans.models import IndividualPlan
from tests.helpers import etag, ok

API = "/api/v1/plans"


def test_coordinator_takes_a_plan_from_request_to_active_with_content(case_officer, coordinator, make_person):
    person = make_person(name="Ola Plansen")
    plan = ok(case_officer.post(API, json={"person_id": person["id"], "requested_on": "2026-01-20",
                                           "needs": "Trenger bolig og oppfølging"}), 201)
    assert plan["status"] == "requested" and plan["coordinator"] is None and plan["consent"] is None

    plan = ok(case_officer.post(f"{API}/{plan['id']}/appoint-coordinator",
                                json={"user_id": str(coordinator.user_id), "appointed_on": "2026-01-25"}))
    assert plan["coordinator"]["user_id"] == str(coordinator.user_id)
    assert plan["coordinator"]["appointed_on"] == "2026-01-25"
    assert plan["status"] == "requested"  # appointing alone does not start the preparation

    plan_url = f"{API}/{plan['id']}"
    response = coordinator.post(f"{plan_url}/consent", json={
        "given_on": "2026-02-01", "scope": "IP, ansvarsgruppe og deling med NAV", "information_sharing": True})
    plan = ok(response)
    assert plan["status"] == "in_preparation"
    assert plan["consent"] == {"given_on": "2026-02-01", "scope": "IP, ansvarsgruppe og deling med NAV",
                               "information_sharing": True}
    assert etag(response) == f'"v{plan["version"]}"'

    member = ok(coordinator.post(f"{plan_url}/members", json={
        "organisation": "NAV Kragerø", "role": "veileder", "name": "Nina Nav", "contact": "nina@nav.example"}), 201)
    assert member["joined_on"] == "2026-03-03"
    goal = ok(coordinator.post(f"{plan_url}/goals", json={
        "area": "housing", "text": "Egen leilighet innen sommeren", "target_on": "2026-07-01"}), 201)
    assert goal["status"] == "open"
    decision = ok(case_officer.post("/api/v1/decisions", json={
        "person_id": person["id"], "service_code": "bo-og-veiledning", "outcome": "granted",
        "hours_per_week": 2, "valid_from": "2026-02-01", "valid_to": "2027-01-31",
        "decided_on": "2026-02-01"}), 201)
    measure = ok(coordinator.post(f"{plan_url}/measures", json={
        "goal_id": goal["id"], "description": "Boveiledning", "extent": "2 timer per uke",
        "responsible_organisation": "Psykisk helse- og rustjenesten",
        "decision_id": decision["id"]}), 201)
    assert measure["decision_id"] == decision["id"]

    response = coordinator.get(plan_url)
    ok(response)
    plan = ok(coordinator.patch(plan_url, json={
        "person_contribution": "Møter på avtaler", "relatives_contribution": "Søster hjelper med flytting",
        "services_contribution": "Boveiledning og samtaler", "cooperation": "NAV og DPS",
        "period_to": "2027-02-28"}, headers={"If-Match": etag(response)}))
    assert plan["cooperation"] == "NAV og DPS"

    plan = ok(coordinator.post(f"{plan_url}/activate", json={"activated_on": "2026-02-15"}))
    assert plan["status"] == "active"
    assert plan["activated_on"] == "2026-02-15"
    assert plan["period_from"] == "2026-02-15"
    assert plan["next_evaluation_on"] == "2026-08-15"  # default: six months after activation

    evaluation = ok(coordinator.post(f"{plan_url}/evaluations", json={
        "evaluated_on": "2026-03-02", "summary": "God fremgang", "next_evaluation_on": "2026-06-01"}), 201)
    assert evaluation["next_evaluation_on"] == "2026-06-01"
    plan = ok(coordinator.get(plan_url))
    assert plan["next_evaluation_on"] == "2026-06-01"

    assert [m["name"] for m in ok(coordinator.get(f"{plan_url}/members"))] == ["Nina Nav"]
    assert [g["id"] for g in ok(coordinator.get(f"{plan_url}/goals"))] == [goal["id"]]
    assert [m["id"] for m in ok(coordinator.get(f"{plan_url}/measures"))] == [measure["id"]]
    assert [e["id"] for e in ok(coordinator.get(f"{plan_url}/evaluations"))] == [evaluation["id"]]


def test_second_open_plan_for_the_same_person_is_409(request_plan, case_officer, make_person):
    person = make_person()
    first = request_plan(person)
    response = case_officer.post(API, json={"person_id": person["id"], "requested_on": "2026-02-01"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["type"].endswith("plan_exists")
    assert body["existing_id"] == first["id"]
    assert "requested" in body["detail"]


def test_a_closed_plan_does_not_block_a_new_one(request_plan, case_officer, make_person):
    person = make_person()
    first = request_plan(person)
    closed = ok(case_officer.post(f"{API}/{first['id']}/close",
                                  json={"reason": "Søknaden trukket", "closed_on": "2026-03-02"}))
    assert closed["status"] == "closed" and closed["closed_on"] == "2026-03-02"
    assert closed["close_reason"] == "Søknaden trukket"
    ok(case_officer.post(API, json={"person_id": person["id"], "requested_on": "2026-03-03"}), 201)


def test_activation_needs_consent(request_plan, case_officer, coordinator):
    plan = request_plan()
    ok(case_officer.post(f"{API}/{plan['id']}/appoint-coordinator", json={"user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}))
    response = coordinator.post(f"{API}/{plan['id']}/activate", json={"activated_on": "2026-03-03"})
    assert response.status_code == 409
    assert "requested" in response.get_json()["detail"]


def test_activation_without_coordinator_is_refused_with_its_reason(app, request_plan, case_officer):
    """Only the coordinator role activates, and it cannot reach a plan without a coordinator,
    so the rule is checked by calling the service as the system (CLI/jobs)."""

    plan = request_plan()
    ok(case_officer.post(f"{API}/{plan['id']}/consent", json={"scope": "Individuell plan", "given_on": "2026-02-01"}))
    with app.app_context():
        municipality_id = db.session.get(IndividualPlan, uuid.UUID(plan["id"])).municipality_id
        with tenant_scope(municipality_id), pytest.raises(Conflict) as raised:
            services.activate(uuid.UUID(plan["id"]), {"activated_on": dt.date(2026, 3, 3)})
    assert raised.value.code == "coordinator_missing"


def test_declining_keeps_the_coordinator_offer(request_plan, case_officer, make_person):
    person = make_person()
    plan = request_plan(person)
    ok(case_officer.post(f"{API}/{plan['id']}/appoint-coordinator",
                         json={"name": "Kari Koordinator", "contact": "Fastlegekontoret", "appointed_on": "2026-02-01"}))
    plan = ok(case_officer.post(f"{API}/{plan['id']}/decline",
                                json={"coordinator_only": True, "reason": "Ønsker ikke plan nå",
                                      "declined_on": "2026-03-03"}))
    assert plan["status"] == "declined" and plan["coordinator_only"] is True
    assert plan["coordinator"]["name"] == "Kari Koordinator"
    assert plan["coordinator"]["user_id"] is None
    assert plan["declined_on"] == "2026-03-03"
    # Still the person's one open arrangement, and the 409 names it.
    again = case_officer.post(API, json={"person_id": person["id"], "requested_on": "2026-03-03"})
    assert again.status_code == 409
    assert again.get_json()["existing_id"] == plan["id"]
    assert again.get_json()["detail"] == ("The person already has an open individual plan (status declined "
                                          "(coordinator only)); there is only one plan per person.")
    # Declining again names the state, coordinator only included; the state member is the status.
    refused = case_officer.post(f"{API}/{plan['id']}/decline", json={"coordinator_only": False,
                                                                     "declined_on": "2026-03-03"})
    assert refused.status_code == 409
    assert (refused.get_json()["type"].endswith("invalid_state") and refused.get_json()["state"] == "declined")
    assert refused.get_json()["detail"] == "The plan is declined (coordinator only); it cannot be declined."
    # The coordinator may still be replaced, but there is no plan to activate.
    assert case_officer.post(f"{API}/{plan['id']}/appoint-coordinator",
                             json={"name": "Per Koordinator", "appointed_on": "2026-03-03"}).status_code == 200
    listed = ok(case_officer.get(API, query_string={"coordinator_only": "true", "person_id": person["id"]}))
    assert [p["id"] for p in listed] == [plan["id"]]


def test_declining_outright_frees_the_person_for_a_new_request(request_plan, case_officer, make_person):
    person = make_person()
    plan = request_plan(person)
    plan = ok(case_officer.post(f"{API}/{plan['id']}/decline",
                                json={"coordinator_only": False, "declined_on": "2026-03-03"}))
    assert plan["status"] == "declined" and plan["coordinator_only"] is False
    for action, body in (("consent", {"scope": "Individuell plan", "given_on": "2026-03-03"}),
                         ("close", {"reason": "Avsluttet", "closed_on": "2026-03-03"}),
                         ("appoint-coordinator", {"name": "Kari", "appointed_on": "2026-03-03"})):
        response = case_officer.post(f"{API}/{plan['id']}/{action}", json=body)
        assert response.status_code == 409, action
        assert "declined" in response.get_json()["detail"]
    ok(case_officer.post(API, json={"person_id": person["id"], "requested_on": "2026-03-03"}), 201)


def test_decline_needs_an_explicit_answer_on_the_coordinator(request_plan, case_officer):
    plan = request_plan()
    response = case_officer.post(f"{API}/{plan['id']}/decline", json={})
    assert response.status_code == 422
    assert "coordinator_only" in response.get_json()["errors"]


def test_consent_after_coordinator_only_takes_the_plan_up_again(request_plan, case_officer, coordinator):
    plan = request_plan()
    ok(case_officer.post(f"{API}/{plan['id']}/appoint-coordinator", json={"user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}))
    ok(case_officer.post(f"{API}/{plan['id']}/decline", json={"coordinator_only": True, "declined_on": "2026-02-02"}))
    plan = ok(coordinator.post(f"{API}/{plan['id']}/consent",
                               json={"scope": "Ombestemt seg: ønsker IP", "given_on": "2026-03-03"}))
    assert plan["status"] == "in_preparation"
    assert plan["coordinator_only"] is False and plan["declined_on"] is None


def test_an_active_plan_cannot_be_declined_but_can_be_closed(active_plan, coordinator):
    plan = active_plan()
    response = coordinator.post(f"{API}/{plan['id']}/decline",
                                json={"coordinator_only": True, "declined_on": "2026-03-03"})
    assert response.status_code == 409
    assert "active" in response.get_json()["detail"]
    closed = ok(coordinator.post(f"{API}/{plan['id']}/close",
                                 json={"reason": "Mål nådd, ønsker ikke videre plan", "closed_on": "2026-03-01"}))
    assert closed["status"] == "closed" and closed["closed_on"] == "2026-03-01"
    assert coordinator.post(f"{API}/{plan['id']}/close",
                            json={"reason": "igjen", "closed_on": "2026-03-03"}).status_code == 409
    assert coordinator.post(f"{API}/{plan['id']}/goals", json={"area": "housing", "text": "x"}).status_code == 409


def test_close_needs_a_reason(active_plan, coordinator):
    plan = active_plan()
    response = coordinator.post(f"{API}/{plan['id']}/close", json={})
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]


def test_activating_twice_names_the_state(active_plan, coordinator):
    plan = active_plan()
    response = coordinator.post(f"{API}/{plan['id']}/activate", json={"activated_on": "2026-03-03"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["detail"] == "The plan is active; it cannot be activated."
    assert body["type"].endswith("invalid_state") and body["state"] == "active"


def test_content_needs_consent_first(request_plan, case_officer, coordinator):
    plan = request_plan()
    ok(case_officer.post(f"{API}/{plan['id']}/appoint-coordinator", json={"user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}))
    response = coordinator.post(f"{API}/{plan['id']}/goals", json={"area": "housing", "text": "Bolig"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["type"].endswith("consent_missing") and body["state"] == "requested"
    assert body["detail"] == "The plan is requested; record the person's consent before adding goals."


def test_evaluations_only_on_active_plans_and_the_latest_sets_next(prepared_plan, active_plan, coordinator):
    prepared = prepared_plan()
    response = coordinator.post(f"{API}/{prepared['id']}/evaluations", json={
        "evaluated_on": "2026-03-01", "summary": "For tidlig", "next_evaluation_on": "2026-06-01"})
    assert response.status_code == 409

    plan = active_plan()
    url = f"{API}/{plan['id']}/evaluations"
    ok(coordinator.post(url, json={"evaluated_on": "2026-03-01", "summary": "Første",
                                   "next_evaluation_on": "2026-05-01"}), 201)
    # A late-registered older evaluation does not move the plan's next evaluation back.
    ok(coordinator.post(url, json={"evaluated_on": "2026-02-20", "summary": "Etterregistrert",
                                   "next_evaluation_on": "2026-04-01"}), 201)
    assert ok(coordinator.get(f"{API}/{plan['id']}"))["next_evaluation_on"] == "2026-05-01"
    assert [e["evaluated_on"] for e in ok(coordinator.get(url))] == ["2026-03-01", "2026-02-20"]


def test_evaluation_dates_are_checked(active_plan, coordinator):
    plan = active_plan()
    url = f"{API}/{plan['id']}/evaluations"
    cases = [
        ({"evaluated_on": "2026-03-04", "summary": "x", "next_evaluation_on": "2026-06-01"}, "evaluated_on"),
        ({"evaluated_on": "2026-02-01", "summary": "x", "next_evaluation_on": "2026-06-01"}, "evaluated_on"),
        ({"evaluated_on": "2026-03-01", "summary": "x", "next_evaluation_on": "2026-03-01"}, "next_evaluation_on"),
        ({"evaluated_on": "2026-03-01", "next_evaluation_on": "2026-06-01"}, "summary"),
    ]
    for body, field in cases:
        response = coordinator.post(url, json=body)
        assert response.status_code == 422, body
        assert field in response.get_json()["errors"], body


def test_evaluation_due_filter_and_overdue_flag(active_plan, coordinator, case_officer):
    due = active_plan(next_evaluation_on="2026-03-01")  # already passed
    later = active_plan(next_evaluation_on="2026-09-01")
    assert due["evaluation_overdue"] is True and later["evaluation_overdue"] is False  # the action's answer
    assert ok(coordinator.get(f"{API}/{due['id']}"))["evaluation_overdue"] is True
    assert ok(coordinator.get(f"{API}/{later['id']}"))["evaluation_overdue"] is False
    listed = ok(case_officer.get(API, query_string={"evaluation_due_before": "2026-03-17"}))
    assert [(p["id"], p["evaluation_overdue"]) for p in listed] == [(due["id"], True)]


def test_list_filters_by_status_and_coordinator(request_plan, active_plan, case_officer, coordinator,
                                                other_coordinator):
    requested = request_plan()
    mine = active_plan()
    theirs = active_plan(coordinator_caller=other_coordinator)
    by_status = ok(case_officer.get(API, query_string={"status": "requested"}))
    assert [p["id"] for p in by_status] == [requested["id"]]
    by_coordinator = ok(case_officer.get(API, query_string={"coordinator": str(coordinator.user_id)}))
    assert [p["id"] for p in by_coordinator] == [mine["id"]]
    assert theirs["id"] not in [p["id"] for p in by_coordinator]
    assert case_officer.get(API, query_string={"status": "bogus"}).status_code == 422


def test_patch_needs_if_match(request_plan, case_officer):
    plan = request_plan()
    url = f"{API}/{plan['id']}"
    assert case_officer.patch(url, json={"needs": "x"}).status_code == 428
    assert case_officer.patch(url, json={"needs": "x"}, headers={"If-Match": '"v999"'}).status_code == 412
    updated = ok(case_officer.patch(url, json={"needs": "Bolig", "requested_on": "2026-02-01"},
                                    headers={"If-Match": f'"v{plan["version"]}"'}))
    assert updated["needs"] == "Bolig" and updated["requested_on"] == "2026-02-01"
    assert updated["version"] == plan["version"] + 1


def test_actions_honour_a_stale_if_match(request_plan, case_officer):
    plan = request_plan()
    response = case_officer.post(f"{API}/{plan['id']}/consent",
                                 json={"scope": "Individuell plan", "given_on": "2026-02-01"},
                                 headers={"If-Match": '"v999"'})
    assert response.status_code == 412


def test_case_officer_edits_only_requests(prepared_plan, case_officer):
    plan = prepared_plan()
    response = case_officer.patch(f"{API}/{plan['id']}", json={"needs": "x"},
                                  headers={"If-Match": f'"v{plan["version"]}"'})
    assert response.status_code == 403


def test_members_leave_goals_change_status_measures_end(prepared_plan, coordinator):
    plan = prepared_plan()
    url = f"{API}/{plan['id']}"
    member = ok(coordinator.post(f"{url}/members", json={
        "organisation": "DPS", "role": "behandler", "name": "Dr. Dps", "joined_on": "2026-02-05"}), 201)
    member_url = f"{url}/members/{member['id']}"
    assert coordinator.patch(member_url, json={"ended_on": "2026-03-01"}).status_code == 428
    bad = coordinator.patch(member_url, json={"ended_on": "2026-02-01"}, headers={"If-Match": '"v1"'})
    assert bad.status_code == 422 and "ended_on" in bad.get_json()["errors"]
    left = ok(coordinator.patch(member_url, json={"ended_on": "2026-03-01"}, headers={"If-Match": '"v1"'}))
    assert left["ended_on"] == "2026-03-01" and left["version"] == 2

    goal = ok(coordinator.post(f"{url}/goals", json={"area": "substance_use", "text": "Redusere bruk"}), 201)
    achieved = ok(coordinator.patch(f"{url}/goals/{goal['id']}", json={"status": "achieved"},
                                    headers={"If-Match": '"v1"'}))
    assert achieved["status"] == "achieved"
    bad_area = coordinator.post(f"{url}/goals", json={"area": "bolig", "text": "x"})
    assert bad_area.status_code == 422

    measure = ok(coordinator.post(f"{url}/measures", json={
        "description": "Samtaler", "responsible_organisation": "Kommunen", "starts_on": "2026-02-10"}), 201)
    assert measure["status"] == "ongoing" and measure["decision_id"] is None
    ended = ok(coordinator.patch(f"{url}/measures/{measure['id']}",
                                 json={"status": "completed", "ends_on": "2026-03-01"}, headers={"If-Match": '"v1"'}))
    assert ended["status"] == "completed"
    assert ok(coordinator.get(f"{url}/measures/{measure['id']}"))["ends_on"] == "2026-03-01"


def test_measure_goal_must_belong_to_the_plan(prepared_plan, coordinator, make_person):
    one = prepared_plan()
    other = prepared_plan()
    goal = ok(coordinator.post(f"{API}/{other['id']}/goals", json={"area": "housing", "text": "x"}), 201)
    response = coordinator.post(f"{API}/{one['id']}/measures", json={
        "description": "x", "responsible_organisation": "y", "goal_id": goal["id"]})
    assert response.status_code == 422 and "goal_id" in response.get_json()["errors"]


def test_sub_resource_of_another_plan_is_not_found(prepared_plan, coordinator):
    one = prepared_plan()
    other = prepared_plan()
    goal = ok(coordinator.post(f"{API}/{other['id']}/goals", json={"area": "housing", "text": "x"}), 201)
    assert coordinator.get(f"{API}/{one['id']}/goals/{goal['id']}").status_code == 404


def test_appoint_coordinator_validates_the_user(request_plan, case_officer, env, town):
    plan = request_plan()
    url = f"{API}/{plan['id']}/appoint-coordinator"
    assert case_officer.post(url, json={}).status_code == 422
    assert case_officer.post(url, json={"user_id": str(case_officer.user_id), "name": "x"}).status_code == 422
    not_a_coordinator = case_officer.post(url, json={"user_id": str(case_officer.user_id),
                                                     "appointed_on": "2026-03-03"})
    assert not_a_coordinator.status_code == 422 and "user_id" in not_a_coordinator.get_json()["errors"]
    elsewhere = env.caller("coordinator", env.municipality())
    assert case_officer.post(url, json={"user_id": str(elsewhere.user_id),
                                        "appointed_on": "2026-03-03"}).status_code == 422


def test_dates_may_not_be_in_the_future(request_plan, case_officer, make_person):
    person = make_person()
    response = case_officer.post(API, json={"person_id": person["id"], "requested_on": "2026-03-04"})
    assert response.status_code == 422 and "requested_on" in response.get_json()["errors"]
    plan = request_plan(person)
    response = case_officer.post(f"{API}/{plan['id']}/consent", json={"scope": "IP", "given_on": "2026-03-04"})
    assert response.status_code == 422


def test_unknown_person_is_422(case_officer):
    response = case_officer.post(API, json={"person_id": "6f1f9c4e-0000-4000-8000-000000000000",
                                            "requested_on": "2026-03-03"})
    assert response.status_code == 422 and "person_id" in response.get_json()["errors"]


def test_unknown_fields_are_refused(case_officer, make_person):
    response = case_officer.post(API, json={"person_id": make_person()["id"], "status": "active"})
    assert response.status_code == 422

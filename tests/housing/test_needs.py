"""The needs register: Kragerø's need categories, homelessness categories, parking, withdrawing."""

import pytest

from service.housing import needs
from tests.housing.conftest import N, U


def test_register_need_with_category_defaults(make_need):
    need = make_need(category="robust_staff_base", housing_situation="sleeping_rough", active_substance_use=True)
    assert (need["required_risk_class"], need["required_staffing"], need["status"]) == ("red", "staff_base", "waiting")
    assert need["homeless"] is True


def test_registered_on_is_required_never_today_by_default(housing_officer, make_person):
    """Waiting time counts from registered_on (report T9), so it is a fact the officer states."""
    body = {"person_id": make_person()["id"], "category": "ordinary", "housing_situation": "housed"}
    response = housing_officer.post(N, json=body)
    assert response.status_code == 422 and "registered_on" in response.get_json()["errors"]
    registered = housing_officer.post(N, json={**body, "registered_on": "2026-01-15"}).get_json()
    assert registered["registered_on"] == "2026-01-15"


def test_training_flat_requires_substance_free_by_default(make_need):
    need = make_need(category="training_flat", housing_situation="institution_release")
    assert need["requires_substance_free"] is True


def test_contradictory_substance_flags_are_refused(housing_officer, make_person):
    person = make_person()
    response = housing_officer.post(N, json={"registered_on": "2026-03-03", "person_id": person["id"], "category": "ordinary",
                                             "housing_situation": "housed", "active_substance_use": True,
                                             "requires_substance_free": True})
    assert response.status_code == 422
    assert "requires_substance_free" in response.get_json()["errors"]


def test_one_open_need_per_person(make_need, make_person, housing_officer, problem):
    person = make_person()
    make_need(make_person())  # another person's need is no clash
    need = make_need(person)
    response = housing_officer.post(N, json={"registered_on": "2026-03-03", "person_id": person["id"], "category": "ordinary",
                                             "housing_situation": "housed"})
    body = problem(response, 409)
    assert (body["type"], body["existing_id"]) == ("urn:tjenestespor:problem:open_need_exists", need["id"])
    assert body["detail"] == "The person already has an open housing need; update it instead."


def test_an_open_need_registered_after_the_check_is_pointed_to(make_need, make_person, housing_officer, problem,
                                                                check_misses_once):
    person = make_person()
    need = make_need(person)
    calls = check_misses_once(needs, "_open_need_of")
    response = housing_officer.post(N, json={"registered_on": "2026-03-03", "person_id": person["id"],
                                             "category": "ordinary", "housing_situation": "housed"})
    body = problem(response, 409)
    assert (body["type"], body["existing_id"]) == ("urn:tjenestespor:problem:open_need_exists", need["id"])
    assert len(calls) == 2  # the check missed; the unique index caught it and the lookup found the need
    assert [n["id"] for n in housing_officer.get(N, query_string={"person_id": person["id"]}).get_json()] == [
        need["id"]]


def test_a_withdrawn_need_does_not_block_a_new_one(make_need, make_person, housing_officer):
    person = make_person()
    old = make_need(person)
    housing_officer.post(f"{N}/{old['id']}/withdraw", json={"reason": "Flyttet", "withdrawn_on": "2026-03-03"})
    assert make_need(person)["id"] != old["id"]


def test_avoid_list_must_name_registered_persons(housing_officer, make_person):
    person = make_person()
    response = housing_officer.post(N, json={"registered_on": "2026-03-03", "person_id": person["id"], "category": "ordinary",
                                             "housing_situation": "housed",
                                             "avoid_person_ids": ["7d1b4f55-2a7a-4f0e-9d55-4c1f5e0a0a0a"]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"avoid_person_ids": ["names a person who is not registered"]}
    response = housing_officer.post(N, json={"registered_on": "2026-03-03", "person_id": person["id"], "category": "ordinary",
                                             "housing_situation": "housed", "avoid_person_ids": [person["id"]]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"avoid_person_ids": ["a person cannot avoid themselves"]}


def test_avoid_list_can_be_changed_on_an_existing_need(make_need, make_person, housing_officer):
    """Found by the API fuzz test: PATCHing the list answered 500 (uuid objects in the JSON column)."""
    need, other = make_need(), make_person(name="Unngå Meg")
    response = housing_officer.patch(f"{N}/{need['id']}", json={"avoid_person_ids": [other["id"], other["id"]]},
                                     headers={"If-Match": '"v1"'})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["avoid_person_ids"] == [other["id"]]
    response = housing_officer.patch(f"{N}/{need['id']}", json={"avoid_person_ids": [need["person_id"]],
                                                                 "urgency": "high"}, headers={"If-Match": "*"})
    assert response.status_code == 422 and "avoid_person_ids" in response.get_json()["errors"]


def _housing_decision(case_officer, person) -> dict:
    response = case_officer.post("/api/v1/decisions", json={
        "person_id": person["id"], "service_code": "kpr-29", "outcome": "granted",
        "valid_from": "2026-02-01", "decided_on": "2026-02-01"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_need_may_rest_on_the_persons_own_decision(make_need, make_person, case_officer, housing_officer):
    person, stranger = make_person(), make_person()
    decision = _housing_decision(case_officer, person)
    need = make_need(person, decision_id=decision["id"])
    assert need["decision_id"] == decision["id"]

    strangers = _housing_decision(case_officer, stranger)
    for bad in (strangers["id"], "0b6f7a3e-9a43-4d8e-8f4c-2f1e9b7c6d5a"):
        response = housing_officer.post(N, json={"registered_on": "2026-03-03", "person_id": make_person()["id"], "category": "ordinary",
                                                 "housing_situation": "housed", "decision_id": bad})
        assert response.status_code == 422 and "decision_id" in response.get_json()["errors"]


def test_park_until_date_then_waiting_again(make_need, housing_officer, frozen_clock):
    import datetime as dt

    need = make_need()
    assert housing_officer.post(f"{N}/{need['id']}/park", json={"until": "2026-03-03", "reason": "I behandling"}
                                ).status_code == 422
    response = housing_officer.post(f"{N}/{need['id']}/park", json={"until": "2026-04-01",
                                                                    "reason": "Innlagt på institusjon"})
    assert (response.get_json()["status"], response.get_json()["parked_until"]) == ("parked", "2026-04-01")
    assert housing_officer.get(f"{N}?status=waiting").get_json() == []
    frozen_clock.set(dt.datetime(2026, 4, 1, 8, tzinfo=dt.timezone.utc))
    assert [n["id"] for n in housing_officer.get(f"{N}?status=waiting").get_json()] == [need["id"]]


def test_resume_and_withdraw(make_need, housing_officer, problem):
    need = make_need()
    housing_officer.post(f"{N}/{need['id']}/park", json={"until": "2026-04-01", "reason": "Utreis"})
    assert housing_officer.post(f"{N}/{need['id']}/resume", json={}).get_json()["status"] == "waiting"
    response = housing_officer.post(f"{N}/{need['id']}/withdraw", json={"reason": "Fått bolig privat"})
    assert response.status_code == 422 and "withdrawn_on" in response.get_json()["errors"]
    response = housing_officer.post(f"{N}/{need['id']}/withdraw", json={"reason": "Fått bolig privat",
                                                                         "withdrawn_on": "2026-03-03"})
    assert (response.get_json()["status"], response.get_json()["withdrawn_on"]) == ("withdrawn", "2026-03-03")
    body = problem(housing_officer.post(f"{N}/{need['id']}/park", json={"until": "2026-04-01", "reason": "x y z"}),
                   409)
    assert (body["type"], body["state"]) == ("urn:tjenestespor:problem:invalid_state", "withdrawn")
    assert body["detail"] == "The need cannot be parked in state withdrawn; only a waiting need can."
    for action, body, sentence in (
            ("resume", {}, "The need cannot be resumed in state withdrawn; only a parked need can."),
            ("withdraw", {"reason": "Igjen", "withdrawn_on": "2026-03-03"},
             "The need cannot be withdrawn in state withdrawn; only an open need can.")):
        error = problem(housing_officer.post(f"{N}/{need['id']}/{action}", json=body), 409)
        assert (error["state"], error["detail"]) == ("withdrawn", sentence)
    error = problem(housing_officer.patch(f"{N}/{need['id']}", json={"urgency": "high"}, headers={"If-Match": "*"}),
                    409)
    assert error["state"] == "withdrawn"
    assert error["detail"] == "The need cannot be changed in state withdrawn; only an open need can."


def test_only_a_parked_need_resumes(make_need, housing_officer, problem):
    need = make_need()
    error = problem(housing_officer.post(f"{N}/{need['id']}/resume", json={}), 409)
    assert (error["type"], error["state"]) == ("urn:tjenestespor:problem:invalid_state", "waiting")


def test_an_offered_need_is_withdrawn_only_after_its_offer(make_need, make_unit, offer, housing_officer, problem):
    need = make_need()
    made = offer(make_unit(), need)
    error = problem(housing_officer.post(f"{N}/{need['id']}/withdraw",
                                         json={"reason": "Fått bolig privat", "withdrawn_on": "2026-03-03"}), 409)
    assert (error["type"], error["state"]) == ("urn:tjenestespor:problem:invalid_state", "offered")
    assert "withdraw or decline the offer first" in error["detail"]
    housing_officer.post(f"/api/v1/housing/offers/{made['id']}/withdraw", json={})
    response = housing_officer.post(f"{N}/{need['id']}/withdraw",
                                    json={"reason": "Fått bolig privat", "withdrawn_on": "2026-03-03"})
    assert response.get_json()["status"] == "withdrawn"
    assert housing_officer.get(f"{U}/{made['unit_id']}").get_json()["status"] == "available"


def test_update_needs_if_match_and_open_need(make_need, housing_officer):
    need = make_need()
    assert housing_officer.patch(f"{N}/{need['id']}", json={"urgency": "acute"}).status_code == 428
    response = housing_officer.patch(f"{N}/{need['id']}", json={"urgency": "acute"}, headers={"If-Match": '"v1"'})
    assert (response.status_code, response.get_json()["urgency"]) == (200, "acute")


def test_filters(make_need, housing_officer):
    old = make_need(registered_on="2025-11-01", housing_situation="sleeping_rough", category="robust_supervised")
    make_need(registered_on="2026-02-20", housing_situation="housed_insecure")

    def ids(query):
        return [n["id"] for n in housing_officer.get(f"{N}?{query}").get_json()]

    assert ids("homeless=true") == [old["id"]]
    assert ids("waiting_longer_than=90") == [old["id"]]
    assert ids("required_risk_class=red") == [old["id"]]
    assert ids("category=robust_supervised") == [old["id"]]
    assert len(ids("status=waiting")) == 2


def test_case_officer_registers_and_reads_but_does_not_manage(env, town, make_need, make_person):
    case_officer = env.caller("case_officer", town)
    need = make_need(caller=case_officer)
    assert case_officer.get(f"{N}/{need['id']}").status_code == 200
    assert case_officer.get(N).status_code == 200
    assert case_officer.patch(f"{N}/{need['id']}", json={"urgency": "high"},
                              headers={"If-Match": '"v1"'}).status_code == 403
    assert case_officer.post(f"{N}/{need['id']}/withdraw", json={"reason": "abc"}).status_code == 403
    assert case_officer.get(f"{N}/{need['id']}/candidates").status_code == 403


@pytest.mark.parametrize("role", ["planner", "provider", "coordinator", "auditor"])
def test_other_roles_do_not_see_needs(env, town, role):
    assert env.caller(role, town).get(N).status_code == 403


def test_reads_are_audited_per_row(make_need, housing_officer, app):
    import sqlalchemy as sa

    from service.audit.models import AuditEvent
    from service.extensions import db

    need = make_need()
    housing_officer.get(N)
    with app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.action, AuditEvent.person_id).where(
            AuditEvent.object_type == "housing_need", AuditEvent.object_id == need["id"])).all()
    assert [(a, str(p)) for a, p in rows] == [("create", need["person_id"]), ("read", need["person_id"])]


def test_other_municipality_does_not_see_need(env, make_need):
    need = make_need()
    other = env.caller("housing_officer", env.municipality())
    assert other.get(f"{N}/{need['id']}").status_code == 404
    assert other.get(N).get_json() == []

"""The person overview: a typed answer, sections that follow the policy table, every row shown audited."""

from __future__ import annotations

import dataclasses

import pytest

from service.auth import matrix, policy
from tests.helpers import ok

API = "/api/v1"
SECTIONS = ["referrals", "decisions", "appeals", "housing_needs", "housing_offers", "housing_tenancies", "plan"]


@pytest.fixture
def full_person(case_officer, housing_officer, make_person):
    """A person with an open referral, a granted and a refused decision and a granted housing-related
    one, an appeal, a requested plan, and a housing need offered a unit that they accepted (a tenancy)."""
    person = make_person()
    pid = person["id"]
    referral = ok(case_officer.post(f"{API}/referrals", json={
        "person_id": pid, "received_on": "2026-02-10", "source": "gp", "channel": "electronic_message",
        "requested_services": ["psykisk-helse-oppfolging"]}), 201)
    granted = ok(case_officer.post(f"{API}/decisions", json={
        "person_id": pid, "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
        "valid_from": "2026-01-01", "valid_to": "2026-12-31", "decided_on": "2025-12-15"}), 201)
    refused = ok(case_officer.post(f"{API}/decisions", json={
        "person_id": pid, "service_code": "kpr-1", "outcome": "refused", "decided_on": "2026-02-20"}), 201)
    housing = ok(case_officer.post(f"{API}/decisions", json={
        "person_id": pid, "service_code": "bo-og-veiledning", "hours_per_week": 3,
        "valid_from": "2026-02-01", "valid_to": "2026-12-31", "decided_on": "2026-01-20"}), 201)
    appeal = ok(case_officer.post(f"{API}/decisions/{refused['id']}/appeals",
                                  json={"received_on": "2026-03-01"}), 201)
    plan = ok(case_officer.post(f"{API}/plans", json={"person_id": pid, "requested_on": "2026-02-01"}), 201)
    unit = ok(housing_officer.post(f"{API}/housing/units", json={
        "label": "Unit 1", "unit_type": "ordinary_rental", "features": ["smoke_detector", "fire_extinguisher"]}), 201)
    need = ok(housing_officer.post(f"{API}/housing/needs", json={
        "person_id": pid, "registered_on": "2026-03-02", "category": "ordinary",
        "housing_situation": "housed_insecure"}), 201)
    offer = ok(housing_officer.post(f"{API}/housing/offers", json={
        "unit_id": unit["id"], "need_id": need["id"], "offered_on": "2026-03-03", "respond_by": "2026-03-17"}), 201)
    accepted = ok(housing_officer.post(f"{API}/housing/offers/{offer['id']}/accept", json={"start_on": "2026-03-03"}))
    return {"person": person, "referral": referral, "granted": granted, "refused": refused, "housing": housing,
            "appeal": appeal,
            "plan": plan, "need": need, "offer": offer, "tenancy_id": accepted["tenancy_id"]}


# Written out by hand: who sees which kind of row about a person, and which decisions (by state).
VISIBLE = {
    "case_officer": {"referrals", "decisions", "appeals", "housing_needs", "plan"},
    "housing_officer": {"decisions", "housing_needs", "housing_offers", "housing_tenancies"},
}
DECISIONS = {
    "case_officer": {"active": ["granted", "housing"], "refused": ["refused"]},
    # Only the housing group's decisions: not the mental-health service, nor the refusal.
    "housing_officer": {"active": ["housing"]},
}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_each_role_sees_the_sections_it_may_list(role, env, town, full_person):
    rows = full_person
    body = ok(env.caller(role, town).get(f"{API}/persons/{rows['person']['id']}/overview"))

    assert list(body) == ["person", *SECTIONS]
    assert body["person"]["id"] == rows["person"]["id"]
    assert {section for section in SECTIONS if body[section] is not None} == VISIBLE[role]
    if "referrals" in VISIBLE[role]:
        assert [r["id"] for r in body["referrals"]] == [rows["referral"]["id"]]
    assert {state: [d["id"] for d in ds] for state, ds in body["decisions"].items()} == {
        state: [rows[name]["id"] for name in names] for state, names in DECISIONS[role].items()}
    if "appeals" in VISIBLE[role]:
        assert [a["id"] for a in body["appeals"]] == [rows["appeal"]["id"]]
    if "housing_needs" in VISIBLE[role]:
        assert [n["id"] for n in body["housing_needs"]] == [rows["need"]["id"]]
    if "housing_offers" in VISIBLE[role]:
        assert [(o["id"], o["status"]) for o in body["housing_offers"]] == [(rows["offer"]["id"], "accepted")]
        assert [t["id"] for t in body["housing_tenancies"]] == [rows["tenancy_id"]]
    if "plan" in VISIBLE[role]:
        plan = body["plan"]
        assert (plan["id"], plan["status"]) == (rows["plan"]["id"], "requested")
        assert plan["members"] == [] and plan["goals"] == [] and plan["measures"] == []
        assert plan["last_evaluation"] is None


def test_changing_a_list_routes_policy_changes_the_overview(env, town, case_officer, full_person, monkeypatch):
    url = f"{API}/persons/{full_person['person']['id']}/overview"
    monkeypatch.setitem(policy.POLICY, ("GET", f"{API}/housing/needs"), frozenset({"housing_officer"}))
    monkeypatch.setitem(policy.POLICY, ("GET", f"{API}/housing/offers"), frozenset({"housing_officer",
                                                                                     "case_officer"}))
    # The rows follow the access matrix (which the route table is made from).
    offers = matrix.MATRIX[matrix.HOUSING_OFFER]
    monkeypatch.setitem(matrix.MATRIX, matrix.HOUSING_OFFER,
                        dataclasses.replace(offers, rows={**offers.rows, "case_officer": matrix.ALL}))
    body = ok(case_officer.get(url))
    assert body["housing_needs"] is None
    assert [o["id"] for o in body["housing_offers"]] == [full_person["offer"]["id"]]


def test_every_row_shown_is_audited_as_an_overview_read(env, town, case_officer, housing_officer, full_person):
    rows = full_person
    url = f"{API}/persons/{rows['person']['id']}/overview"
    ok(case_officer.get(url))
    ok(housing_officer.get(url))

    auditor = env.caller("auditor", town)
    events = ok(auditor.get(f"{API}/audit", query_string={
        "person_id": rows["person"]["id"], "action": "read", "page_size": 200}))
    shown = {(e["role"], e["object_type"], e["object_id"]) for e in events if e["detail"] == "overview"}
    by_case_officer = {("referral", rows["referral"]["id"]), ("decision", rows["granted"]["id"]),
                       ("decision", rows["refused"]["id"]), ("decision", rows["housing"]["id"]),
                       ("appeal", rows["appeal"]["id"]),
                       ("housing_need", rows["need"]["id"]), ("individual_plan", rows["plan"]["id"])}
    by_housing_officer = {("decision", rows["housing"]["id"]), ("housing_need", rows["need"]["id"]), ("housing_offer", rows["offer"]["id"]),
                          ("housing_tenancy", rows["tenancy_id"])}
    assert shown == ({("case_officer", *row) for row in by_case_officer}
                     | {("housing_officer", *row) for row in by_housing_officer})
    # The person itself is read (and audited) like GET /persons/{id}.
    person_reads = [e for e in events if e["object_type"] == "person" and e["object_id"] == rows["person"]["id"]]
    assert {e["role"] for e in person_reads} >= {"case_officer", "housing_officer"}


def test_the_openapi_document_describes_every_section(env):
    spec = ok(env.anonymous().get(f"{API}/openapi.json"))
    schemas = spec["components"]["schemas"]
    operation = spec["paths"][f"{API}/persons/{{person_id}}/overview"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    overview = schemas[ref.rsplit("/", 1)[-1]]
    props = overview["properties"]

    assert list(props) == ["person", *SECTIONS]
    assert overview.get("additionalProperties") is not True
    items = {name: props[name]["items"]["$ref"].rsplit("/", 1)[-1]
             for name in ("referrals", "appeals", "housing_needs", "housing_offers", "housing_tenancies")}
    assert items == {"referrals": "Referral", "appeals": "Appeal", "housing_needs": "Need",
                     "housing_offers": "Offer", "housing_tenancies": "Tenancy"}
    assert all(props[name]["nullable"] for name in SECTIONS if name != "plan")
    assert any(part.get("nullable") for part in props["plan"]["anyOf"])
    assert props["decisions"]["additionalProperties"]["items"]["$ref"].endswith("/Decision")
    plan_ref = next(part["$ref"] for part in props["plan"]["anyOf"] if "$ref" in part)
    plan = schemas[plan_ref.rsplit("/", 1)[-1]]["properties"]
    assert {"id", "status", "members", "goals", "measures", "last_evaluation"} <= set(plan)

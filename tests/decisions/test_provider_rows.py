"""Who sees which decisions beyond the allocation office (issue 11, findings 2 and 3).

Finding 2: a provider saw anyone with any decided decision naming its unit, refused ones and
ones that ended years ago included, with the refusal's reasoning. Now a provider's persons
are those with a decision of its unit that is decided, not refused, and upcoming, running or
ended at most ``PROVIDER_ACCESS_AFTER_END_DAYS`` (90) days ago.

Finding 3: a housing officer read every decision with its reasoning, a coordinator every
decision of the persons in its plans. Now a housing officer sees the housing group's
decisions and those a housing need rests on; a coordinator those its open plans point at,
without the reasoning.

Today is 2026-03-03 (the frozen clock): 90 days back is 2025-12-03.
"""

from __future__ import annotations

import pytest

from tests.helpers import assert_problem, ok

API = "/api/v1"
UNIT = "Psykisk helseteam"


@pytest.fixture
def provider(env, town):
    return env.caller("provider", town, provider_unit=UNIT)


@pytest.fixture
def unit_decision(make_person, new_decision, case_officer):
    """``unit_decision(name, end=None, **fields)``: a person with one decision of the provider's
    unit (valid 2026-01-01..2026-12-31, decided 2025-12-15 unless told), ended on ``end`` if given."""
    def make(name, end=None, **fields):
        person = make_person(name=name)
        decision = new_decision(person_id=person["id"], provider_unit=UNIT, reasoning=f"Vurdering: {name}", **fields)
        if end is not None:
            ok(case_officer.post(f"{API}/decisions/{decision['id']}/end",
                                 json={"ended_on": end, "end_reason": "Flyttet"}))
        return person, decision

    return make


# (name, decision fields, ended_on, does the provider see the person and the decision?)
CASES = [
    ("Aktiv", {}, None, True),
    ("Kommende", {"valid_from": "2026-06-01", "valid_to": "2026-12-31", "decided_on": "2026-03-01"}, None, True),
    ("Avslått", {"outcome": "refused", "hours_per_week": None, "valid_from": None, "valid_to": None}, None, False),
    ("Utløpt for lenge siden", {"valid_from": "2023-01-01", "valid_to": "2024-06-30", "decided_on": "2022-12-15"},
     None, False),
    ("Utløpt 2. desember", {"valid_from": "2025-01-01", "valid_to": "2025-12-02", "decided_on": "2024-12-15"},
     None, False),  # 91 days ago
    ("Utløpt 3. desember", {"valid_from": "2025-01-01", "valid_to": "2025-12-03", "decided_on": "2024-12-15"},
     None, True),  # 90 days ago: still inside the window
    ("Avsluttet 3. desember", {"valid_from": "2025-01-01", "decided_on": "2024-12-15"}, "2025-12-03", False),
    # ended_on is the first day without the service: ended on 4 December, served until the 3rd
    ("Avsluttet 4. desember", {"valid_from": "2025-01-01", "decided_on": "2024-12-15"}, "2025-12-04", True),
    ("Utkast", {"decided_on": None}, None, False),
]


@pytest.mark.parametrize("name, fields, end, sees", CASES, ids=[c[0] for c in CASES])
def test_a_provider_sees_the_persons_its_unit_serves_now_or_served_lately(name, fields, end, sees, unit_decision,
                                                                          provider):
    person, decision = unit_decision(name, end, **fields)
    expected = 200 if sees else 404
    assert provider.get(f"{API}/persons/{person['id']}").status_code == expected
    assert provider.get(f"{API}/decisions/{decision['id']}").status_code == expected
    assert (person["id"] in {p["id"] for p in ok(provider.get(f"{API}/persons"))}) == sees
    assert (decision["id"] in {d["id"] for d in ok(provider.get(f"{API}/decisions"))}) == sees


def test_a_refusal_and_its_reasoning_never_reach_the_provider(unit_decision, new_decision, provider):
    person, refused = unit_decision("Avslått", outcome="refused", hours_per_week=None, valid_from=None,
                                    valid_to=None)
    # Even when the unit serves the person with another decision, the refusal stays unseen.
    served = new_decision(person_id=person["id"], provider_unit=UNIT, service_code="rus-oppfolging")
    assert_problem(provider.get(f"{API}/decisions/{refused['id']}"), 404)
    overview = ok(provider.get(f"{API}/persons/{person['id']}/overview"))
    assert [d["id"] for ds in overview["decisions"].values() for d in ds] == [served["id"]]
    assert refused["reasoning"] not in str(overview)


def test_the_window_after_the_end_is_configurable(app, unit_decision, provider, monkeypatch):
    person, _ = unit_decision("Utløpt i januar", valid_from="2025-01-01", valid_to="2026-01-15",
                              decided_on="2024-12-15")  # 47 days ago
    assert provider.get(f"{API}/persons/{person['id']}").status_code == 200
    monkeypatch.setitem(app.config, "PROVIDER_ACCESS_AFTER_END_DAYS", 30)
    assert provider.get(f"{API}/persons/{person['id']}").status_code == 404


def test_a_housing_officer_sees_only_the_housing_decisions_and_those_a_need_rests_on(
        env, town, make_person, new_decision, housing_officer):
    person = make_person()
    housing = new_decision(person_id=person["id"], service_code="bo-og-veiledning", reasoning="Trenger bolig")
    health = new_decision(person_id=person["id"], service_code="psykisk-helse-oppfolging", reasoning="Samtaler")
    refused = new_decision(person_id=person["id"], service_code="kpr-1", outcome="refused", hours_per_week=None,
                           valid_from=None, valid_to=None, reasoning="Avslag")
    listed = ok(housing_officer.get(f"{API}/decisions", query_string={"person_id": person["id"]}))
    assert [d["id"] for d in listed] == [housing["id"]]
    assert listed[0]["reasoning"] == "Trenger bolig"
    for other in (health, refused):
        assert_problem(housing_officer.get(f"{API}/decisions/{other['id']}"), 404)

    # A need resting on a decision makes that decision the housing office's to read.
    ok(housing_officer.post(f"{API}/housing/needs", json={
        "person_id": person["id"], "category": "care_home_staffed", "housing_situation": "housed_insecure",
        "registered_on": "2026-03-02", "decision_id": health["id"]}), 201)
    listed = ok(housing_officer.get(f"{API}/decisions", query_string={"person_id": person["id"]}))
    assert sorted(d["id"] for d in listed) == sorted([housing["id"], health["id"]])
    assert_problem(housing_officer.get(f"{API}/decisions/{refused['id']}"), 404)


def test_a_coordinator_sees_the_decisions_its_plan_points_at_without_the_reasoning(
        env, town, make_person, new_decision, case_officer):
    coordinator = env.caller("coordinator", town)
    person = make_person()
    linked = new_decision(person_id=person["id"], service_code="bo-og-veiledning", reasoning="Vurdering A")
    unlinked = new_decision(person_id=person["id"], service_code="rus-oppfolging", reasoning="Vurdering B")
    plan = ok(case_officer.post(f"{API}/plans", json={"person_id": person["id"], "requested_on": "2026-01-15"}), 201)
    url = f"{API}/plans/{plan['id']}"
    ok(case_officer.post(f"{url}/appoint-coordinator",
                         json={"user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}))
    ok(coordinator.post(f"{url}/consent", json={"given_on": "2026-02-02", "scope": "Individuell plan"}))
    ok(coordinator.post(f"{url}/measures", json={
        "description": "Boveiledning", "responsible_organisation": UNIT, "decision_id": linked["id"]}), 201)

    listed = ok(coordinator.get(f"{API}/decisions"))
    assert [d["id"] for d in listed] == [linked["id"]]
    assert listed[0]["reasoning"] is None and listed[0]["service_code"] == "bo-og-veiledning"
    assert ok(coordinator.get(f"{API}/decisions/{linked['id']}"))["reasoning"] is None
    assert_problem(coordinator.get(f"{API}/decisions/{unlinked['id']}"), 404)
    overview = ok(coordinator.get(f"{API}/persons/{person['id']}/overview"))
    assert [d["id"] for ds in overview["decisions"].values() for d in ds] == [linked["id"]]
    assert "Vurdering" not in str(overview["decisions"])

    # Once the plan is closed the coordinator no longer serves the person.
    ok(case_officer.post(f"{url}/close", json={"reason": "Mål nådd", "closed_on": "2026-03-03"}))
    assert_problem(coordinator.get(f"{API}/decisions/{linked['id']}"), 404)

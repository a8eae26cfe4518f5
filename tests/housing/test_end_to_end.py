"""Done-when of issue 5, through the API alone; and a property: no request sequence overbooks a unit."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.housing.conftest import GREEN, RED, YELLOW, N, O, T, U

P = "/api/v1/housing/allocation-proposal"


def test_officer_classifies_registers_matches_offers_and_houses(housing_officer, make_person, env, town):
    # classify units by inspection
    units = []
    for label, unit_type, features, staffing in (("Robust 1", "staffed_complex", RED, "staff_base"),
                                                 ("Gul 1", "ordinary_rental", YELLOW, "none"),
                                                 ("Grønn 1", "ordinary_rental", GREEN, "none")):
        unit = housing_officer.post(U, json={"label": label, "unit_type": unit_type, "staffing": staffing,
                                             "features": ["smoke_detector"]}).get_json()
        assert unit["risk_class"] is None
        unit = housing_officer.post(f"{U}/{unit['id']}/inspections",
                                    json={"inspected_on": "2026-03-02", "features": features}).get_json()
        units.append(unit)
    assert [u["risk_class"] for u in units] == ["red", "yellow", "green"]
    # register needs (one registered by the allocation office)
    case_officer = env.caller("case_officer", town)
    needs = [
        case_officer.post(N, json={"registered_on": "2026-03-03", "person_id": make_person()["id"], "category": "robust_staff_base",
                                   "housing_situation": "sleeping_rough", "active_substance_use": True}).get_json(),
        housing_officer.post(N, json={"registered_on": "2026-03-03", "person_id": make_person()["id"], "category": "ordinary",
                                      "housing_situation": "with_friends_family"}).get_json(),
        housing_officer.post(N, json={"registered_on": "2026-03-03", "person_id": make_person()["id"], "category": "training_flat",
                                      "housing_situation": "institution_release"}).get_json(),
    ]
    # ranked and excluded candidates with reasons
    body = housing_officer.get(f"{U}/{units[0]['id']}/candidates").get_json()
    assert [c["need_id"] for c in body["candidates"]] == [needs[0]["id"]]
    assert {e["need_id"]: e["reasons"] for e in body["excluded"]}[needs[2]["id"]] == [
        "unit_type_unsuitable", "substance_free_required"]
    # accept the proposal by making offers, then record the tenancies
    proposal = housing_officer.post(P, json={}).get_json()
    assert len(proposal["pairs"]) == 2 and proposal["unassigned_need_ids"] == [needs[2]["id"]]
    for pair in proposal["pairs"]:
        made = housing_officer.post(O, json={"offered_on": "2026-03-03", "unit_id": pair["unit_id"], "need_id": pair["need_id"],
                                             "respond_by": "2026-03-10"}).get_json()
        accepted = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-03-05"}).get_json()
        assert accepted["status"] == "accepted"
    tenancies = housing_officer.get(f"{T}?active=true").get_json()
    assert {t["unit_id"] for t in tenancies} == {p["unit_id"] for p in proposal["pairs"]}
    assert housing_officer.get(f"{U}?status=occupied").headers["X-Pagination"]
    assert len(housing_officer.get(f"{U}?status=occupied").get_json()) == 2


OPS = st.lists(st.tuples(st.sampled_from(["offer", "accept", "decline", "withdraw", "end"]),
                         st.integers(0, 5), st.integers(0, 1)), min_size=1, max_size=25)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_no_sequence_of_requests_overbooks(housing_officer, make_person, ops):
    units = [housing_officer.post(U, json={"label": f"P{i}-{make_person()['id'][:8]}", "unit_type": "ordinary_rental",
                                           "features": GREEN, "capacity": i + 1}).get_json() for i in range(2)]
    needs = [housing_officer.post(N, json={"registered_on": "2026-03-03", "person_id": make_person()["id"], "category": "ordinary",
                                           "housing_situation": "housed"}).get_json() for _ in range(6)]
    offers, tenancies = [], []
    for op, n, u in ops:
        if op == "offer":
            r = housing_officer.post(O, json={"offered_on": "2026-03-03", "unit_id": units[u]["id"], "need_id": needs[n]["id"],
                                              "respond_by": "2026-03-10"})
            assert r.status_code in (201, 409), r.get_json()
            if r.status_code == 201:
                offers.append(r.get_json()["id"])
        elif op in ("accept", "decline", "withdraw") and offers:
            oid = offers[n % len(offers)]
            body = {"accept": {"start_on": "2026-03-03"}, "decline": {"reason": "Nei takk"},
                    "withdraw": {}}[op]
            r = housing_officer.post(f"{O}/{oid}/{op}", json=body)
            assert r.status_code in (200, 409), r.get_json()
            if op == "accept" and r.status_code == 200:
                tenancies.append(r.get_json()["tenancy_id"])
        elif op == "end" and tenancies:
            r = housing_officer.post(f"{T}/{tenancies[n % len(tenancies)]}/end",
                                     json={"ended_on": "2026-03-03", "reason": "other"})
            assert r.status_code in (200, 409), r.get_json()
        for unit in units:
            held = len(housing_officer.get(f"{O}?unit_id={unit['id']}&status=pending").get_json()) + len(
                housing_officer.get(f"{T}?unit_id={unit['id']}&active=true").get_json())
            assert held <= unit["capacity"]
            status = housing_officer.get(f"{U}/{unit['id']}").get_json()["status"]
            assert status in (("available",) if held < unit["capacity"] else ("reserved", "occupied"))

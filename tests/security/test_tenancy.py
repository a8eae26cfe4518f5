"""One municipality never sees another's persons: their rows are simply not there (404)."""

from __future__ import annotations

import json

import pytest

from tests.helpers import pagination_total as total


@pytest.fixture
def two_towns(env, synthetic_id, make_person):
    a, b = env.municipality(name="Aby"), env.municipality(name="Bby")
    officer_a, officer_b = env.caller("case_officer", a), env.caller("case_officer", b)
    person_a = make_person(officer_a, name="Anne Aby", national_id=synthetic_id())
    person_b = make_person(officer_b, name="Bjarne Bby", national_id=synthetic_id())
    return {"a": a, "b": b, "officer_a": officer_a, "officer_b": officer_b,
            "person_a": person_a, "person_b": person_b}


@pytest.mark.parametrize("role", ["case_officer", "housing_officer"])
def test_another_municipalitys_person_is_404_never_403(role, env, two_towns, problem):
    caller_b = env.caller(role, two_towns["b"])
    person_id = two_towns["person_a"]["id"]
    for response in (
        caller_b.get(f"/api/v1/persons/{person_id}"),
        caller_b.patch(f"/api/v1/persons/{person_id}", json={"name": "Stolen"}, headers={"If-Match": '"v1"'}),
        caller_b.get(f"/api/v1/persons/{person_id}/overview"),
    ):
        body = problem(response, 404)
        assert "Anne" not in json.dumps(body)
    # Untouched: A still reads the original.
    still = two_towns["officer_a"].get(f"/api/v1/persons/{person_id}").get_json()
    assert still["name"] == "Anne Aby" and still["version"] == 1


def test_another_municipalitys_access_log_is_404(env, two_towns, problem):
    auditor_b = env.caller("auditor", two_towns["b"])
    problem(auditor_b.get(f"/api/v1/persons/{two_towns['person_a']['id']}/access-log"), 404)
    auditor_a = env.caller("auditor", two_towns["a"])
    assert auditor_a.get(f"/api/v1/persons/{two_towns['person_a']['id']}/access-log").status_code == 200


def test_lists_and_counts_hold_only_the_callers_municipality(two_towns):
    response = two_towns["officer_b"].get("/api/v1/persons")
    assert response.status_code == 200
    assert [p["id"] for p in response.get_json()] == [two_towns["person_b"]["id"]]
    assert total(response) == 1
    by_name = two_towns["officer_b"].get("/api/v1/persons?name=anne")
    assert by_name.get_json() == [] and total(by_name) == 0


def test_search_by_another_municipalitys_national_id_finds_nothing(two_towns):
    response = two_towns["officer_b"].post("/api/v1/persons/search",
                                           json={"national_id": two_towns["person_a"]["national_id"]})
    assert response.status_code == 200
    assert response.get_json() == []
    mine = two_towns["officer_a"].post("/api/v1/persons/search",
                                       json={"national_id": two_towns["person_a"]["national_id"]})
    assert [p["id"] for p in mine.get_json()] == [two_towns["person_a"]["id"]]


def test_the_audit_trail_of_one_municipality_holds_none_of_the_others_events(env, two_towns):
    two_towns["officer_a"].get(f"/api/v1/persons/{two_towns['person_a']['id']}")
    auditor_b = env.caller("auditor", two_towns["b"])
    events = auditor_b.get("/api/v1/audit?page_size=200").get_json()
    assert events
    assert all(e["person_id"] != two_towns["person_a"]["id"] for e in events)
    assert all(e["actor_id"] != str(two_towns["officer_a"].user_id) for e in events)
    filtered = auditor_b.get(f"/api/v1/audit?person_id={two_towns['person_a']['id']}")
    assert filtered.get_json() == []

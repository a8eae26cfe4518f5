"""Finding 3 of issue 18: ``PATCH /housing/needs/{id}`` with another municipality's ``decision_id``
answered 422, with a random id 409: the change reached the database's foreign key (a flush before
the scoped look-up) before the look-up said "no such decision", so the answer told whether an id
existed anywhere. The same for ``goal_id`` and ``decision_id`` of a plan measure. The scoped
look-up now comes first: another municipality's id and a random one get the same answer."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import UNIT, CaseRows, etag

API = "/api/v1"


@pytest.fixture
def towns(env):
    """Two municipalities, each with a person whose case has a decision, an active plan with a goal
    and a measure, and a housing need."""
    built = {}
    for name in ("A", "B"):
        town = env.municipality()
        env.provider_unit(town, UNIT)
        callers = {role: env.caller(role, town) for role in ("case_officer", "housing_officer", "coordinator")}
        rows = CaseRows(env, town, callers)
        case = rows.case(rows.person(f"Person {name}"), coordinator=callers["coordinator"], tenancy=False)
        built[name] = (callers, case.ids)
    return built


def _answer(response) -> tuple:
    body = response.get_json()
    return response.status_code, body.get("type"), body.get("detail"), body.get("errors")


def _same_answer_for_foreign_and_random(caller, url: str, field: str, foreign: str) -> tuple:
    answers = []
    for value in (foreign, str(uuid.uuid4())):
        before = caller.get(url)
        response = caller.patch(url, json={field: value}, headers={"If-Match": etag(before)})
        answers.append(_answer(response))
        after = caller.get(url)
        assert etag(after) == etag(before), "a refused change changed nothing"
        assert after.get_json()[field] == before.get_json()[field]
    assert answers[0] == answers[1], answers
    return answers[0]


def test_a_needs_decision_id_from_another_municipality_answers_as_a_random_id(towns):
    (callers, ids), (_, foreign) = towns["A"], towns["B"]
    status, kind, _detail, errors = _same_answer_for_foreign_and_random(
        callers["housing_officer"], f"{API}/housing/needs/{ids['need']}", "decision_id", foreign["decision"])
    assert (status, kind, errors) == (422, "urn:tjenestespor:problem:validation_failed",
                                      {"decision_id": ["no such decision for this person"]})


@pytest.mark.parametrize("field, foreign_key, message", [
    ("goal_id", "goal", "no such goal in this plan"),
    ("decision_id", "decision", "no such decision for this person"),
])
def test_a_measures_ids_from_another_municipality_answer_as_random_ids(towns, field, foreign_key, message):
    (callers, ids), (_, foreign) = towns["A"], towns["B"]
    url = f"{API}/plans/{ids['plan']}/measures/{ids['measure']}"
    status, kind, _detail, errors = _same_answer_for_foreign_and_random(
        callers["coordinator"], url, field, foreign[foreign_key])
    assert (status, kind, errors) == (422, "urn:tjenestespor:problem:validation_failed", {field: [message]})


def test_the_own_ids_still_work(towns):
    callers, ids = towns["A"]
    officer = callers["housing_officer"]
    url = f"{API}/housing/needs/{ids['need']}"
    response = officer.patch(url, json={"decision_id": ids["decision"], "notes": "Vedtak"},
                             headers={"If-Match": etag(officer.get(url))})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["decision_id"] == ids["decision"]

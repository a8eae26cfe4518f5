"""``evaluation_overdue`` is derived by the database on the day of the answer (``query_expression``):
every answer shape carries it as a boolean, it follows the clock without a write, a plan already
in the session is loaded anew, and report T7 counts by the same rule."""

from __future__ import annotations

import uuid

from service.common.tenancy import tenant_scope
from service.extensions import db
from service.plans import rules
from service.plans.models import IndividualPlan
from tests.helpers import at, ok

API = "/api/v1/plans"


def _overdue(body: dict) -> bool:
    assert isinstance(body["evaluation_overdue"], bool), body  # never null: a load path forgot the expression
    return body["evaluation_overdue"]


def _overview_plan(caller, person_id: str) -> dict:
    return ok(caller.get(f"/api/v1/persons/{person_id}/overview"))["plan"]


def test_every_answer_carries_evaluation_overdue(case_officer, coordinator, make_person):
    person = make_person()
    plan = ok(case_officer.post(API, json={"person_id": person["id"], "requested_on": "2026-01-15"}), 201)
    assert _overdue(plan) is False  # POST
    url = f"{API}/{plan['id']}"
    assert _overdue(ok(case_officer.get(url))) is False
    patched = ok(case_officer.patch(url, json={"needs": "Bolig og arbeid"}, headers={"If-Match": '"v1"'}))
    assert _overdue(patched) is False
    appointed = ok(case_officer.post(f"{url}/appoint-coordinator",
                                     json={"user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}))
    assert _overdue(appointed) is False
    consented = ok(coordinator.post(f"{url}/consent", json={"given_on": "2026-02-02", "scope": "Individuell plan"}))
    assert _overdue(consented) is False
    active = ok(coordinator.post(f"{url}/activate",
                                 json={"activated_on": "2026-02-10", "next_evaluation_on": "2026-03-01"}))
    assert _overdue(active) is True  # the action's answer is derived after the write
    assert _overdue(ok(coordinator.get(url))) is True
    assert [_overdue(p) for p in ok(coordinator.get(API))] == [True]
    assert _overdue(_overview_plan(case_officer, person["id"])) is True
    moved = ok(coordinator.patch(url, json={"next_evaluation_on": "2026-06-01"},
                                 headers={"If-Match": f'"v{active["version"]}"'}))
    assert _overdue(moved) is False
    moved = ok(coordinator.patch(url, json={"next_evaluation_on": "2026-03-02"},
                                 headers={"If-Match": f'"v{moved["version"]}"'}))
    assert _overdue(moved) is True
    ok(coordinator.post(f"{url}/evaluations", json={"evaluated_on": "2026-03-03", "summary": "Revidert",
                                                    "next_evaluation_on": "2026-09-01"}), 201)
    assert _overdue(ok(coordinator.get(url))) is False
    ok(coordinator.patch(url, json={"next_evaluation_on": "2026-03-02"},
                         headers={"If-Match": f'"v{ok(coordinator.get(url))["version"]}"'}))
    closed = ok(coordinator.post(f"{url}/close", json={"reason": "Flyttet", "closed_on": "2026-03-03"}))
    assert _overdue(closed) is False  # overdue a moment ago; closed plans are never overdue


def test_a_declined_plan_answers_evaluation_overdue(request_plan, case_officer):
    plan = request_plan()
    declined = ok(case_officer.post(f"{API}/{plan['id']}/decline",
                                    json={"coordinator_only": False, "declined_on": "2026-03-01"}))
    assert _overdue(declined) is False


def test_evaluation_overdue_follows_the_clock_without_a_write(active_plan, coordinator, case_officer, frozen_clock):
    plan = active_plan(next_evaluation_on="2026-03-15")
    url = f"{API}/{plan['id']}"
    assert _overdue(plan) is False
    frozen_clock.set(at("2026-03-15"))  # due today: not yet overdue
    assert _overdue(ok(coordinator.get(url))) is False
    frozen_clock.set(at("2026-03-16"))
    body = ok(coordinator.get(url))
    assert _overdue(body) is True and body["version"] == plan["version"]  # nothing was written
    assert [_overdue(p) for p in ok(coordinator.get(API))] == [True]
    assert _overdue(_overview_plan(case_officer, plan["person_id"])) is True


def test_a_plan_already_in_the_session_is_derived_anew(app, active_plan, frozen_clock):
    """The identity map: a row loaded without the expression, or on another day, is populated anew."""
    plan = active_plan(next_evaluation_on="2026-03-15")
    plan_id = uuid.UUID(plan["id"])
    with app.app_context():
        municipality_id = db.session.get(IndividualPlan, plan_id).municipality_id
        with tenant_scope(municipality_id):
            plain = db.session.get(IndividualPlan, plan_id)  # no expression: null
            assert plain.evaluation_overdue is None
            loaded = rules.load_plan(plan_id)
            assert loaded is plain and loaded.evaluation_overdue is False
            frozen_clock.set(at("2026-03-16"))
            assert rules.load_plan(plan_id).evaluation_overdue is True

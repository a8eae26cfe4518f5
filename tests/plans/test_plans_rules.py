"""Date arithmetic, the decision hook, and the worklist helpers of the plans service."""

import datetime as dt
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.common.deadlines import add_months
from service.common.tenancy import tenant_scope
from service.extensions import db
from service.persons.models import Person
from service.plans import reports, rules
from tests.helpers import ok

API = "/api/v1/plans"


@pytest.mark.parametrize("start, months, expected", [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
    (dt.date(2026, 2, 15), 6, dt.date(2026, 8, 15)),
    (dt.date(2026, 10, 31), 4, dt.date(2027, 2, 28)),
    (dt.date(2026, 12, 1), 1, dt.date(2027, 1, 1)),
])
def test_add_months_by_hand(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)), st.integers(0, 240))
def test_add_months_lands_in_the_right_month_and_never_overshoots(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == start.day or (result.day < start.day and (result + dt.timedelta(days=1)).day == 1)


def test_default_next_evaluation_is_six_months_clamped(prepared_plan, coordinator, frozen_clock):
    frozen_clock.set(dt.datetime(2026, 3, 31, 9, 0, tzinfo=dt.timezone.utc))
    plan = prepared_plan()
    plan = ok(coordinator.post(f"{API}/{plan['id']}/activate", json={"activated_on": "2026-03-31"}))
    assert plan["activated_on"] == "2026-03-31"
    assert plan["next_evaluation_on"] == "2026-09-30"


def test_evaluation_interval_is_configuration(app, prepared_plan, coordinator):
    app.config["PLAN_EVALUATION_INTERVAL_MONTHS"] = 3
    try:
        plan = prepared_plan()
        plan = ok(coordinator.post(f"{API}/{plan['id']}/activate", json={"activated_on": "2026-02-28"}))
    finally:
        app.config["PLAN_EVALUATION_INTERVAL_MONTHS"] = 6
    assert plan["next_evaluation_on"] == "2026-05-28"


def test_the_oslo_date_decides_what_is_in_the_future(prepared_plan, coordinator, frozen_clock):
    # 23:30 UTC on 2 March is already 3 March in Oslo.
    frozen_clock.set(dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.timezone.utc))
    plan = prepared_plan()
    url = f"{API}/{plan['id']}/activate"
    tomorrow = coordinator.post(url, json={"activated_on": "2026-03-04"})
    assert tomorrow.status_code == 422 and "activated_on" in tomorrow.get_json()["errors"]
    plan = ok(coordinator.post(url, json={"activated_on": "2026-03-03"}))
    assert plan["activated_on"] == "2026-03-03"


def _municipality_of(person_id: str):
    return db.session.get(Person, uuid.UUID(person_id)).municipality_id


def _decide(case_officer, person, service_code, **fields) -> dict:
    body = {"person_id": person["id"], "service_code": service_code, "outcome": "granted",
            "valid_from": "2026-02-01", "valid_to": "2027-01-31",
            "decided_on": "2026-02-01", **fields}
    response = case_officer.post("/api/v1/decisions", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_deciding_an_ip_decision_links_it_to_the_open_plan(case_officer, request_plan, make_person):
    person = make_person()
    plan = request_plan(person)
    _decide(case_officer, person, "psykisk-helse-oppfolging", hours_per_week=2)
    assert ok(case_officer.get(f"{API}/{plan['id']}"))["decision_id"] is None
    decision = _decide(case_officer, person, rules.IP_SERVICE_CODE)
    assert ok(case_officer.get(f"{API}/{plan['id']}"))["decision_id"] == decision["id"]


def test_deciding_an_ip_decision_requests_a_plan_when_there_is_none(case_officer, make_person):
    person = make_person()
    decision = _decide(case_officer, person, rules.IP_SERVICE_CODE)
    listed = ok(case_officer.get(API, query_string={"person_id": person["id"]}))
    assert [(p["status"], p["requested_on"], p["decision_id"]) for p in listed] == [
        ("requested", "2026-02-01", decision["id"])]


def test_a_refused_ip_decision_links_nothing(case_officer, make_person):
    person = make_person()
    _decide(case_officer, person, rules.IP_SERVICE_CODE, outcome="refused",
            valid_from=None, valid_to=None, reasoning="Vilkårene er ikke oppfylt")
    assert ok(case_officer.get(API, query_string={"person_id": person["id"]})) == []


def test_plans_and_measures_only_link_the_persons_own_decisions(case_officer, make_person, prepared_plan,
                                                               coordinator):
    person, stranger = make_person(), make_person()
    ip_decision = _decide(case_officer, person, rules.IP_SERVICE_CODE)
    other_service = _decide(case_officer, person, "psykisk-helse-oppfolging", hours_per_week=2)
    strangers = _decide(case_officer, stranger, "psykisk-helse-oppfolging", hours_per_week=2)

    # A plan links only a decision on the IP service.
    plan = ok(case_officer.get(API, query_string={"person_id": person["id"]}))[0]
    etag = case_officer.get(f"{API}/{plan['id']}").headers["ETag"]
    response = case_officer.patch(f"{API}/{plan['id']}", json={"decision_id": other_service["id"]},
                             headers={"If-Match": etag})
    assert response.status_code == 422 and "decision_id" in response.get_json()["errors"]
    assert ok(case_officer.get(f"{API}/{plan['id']}"))["decision_id"] == ip_decision["id"]

    prepared = prepared_plan()
    for bad in (strangers["id"], str(uuid.uuid4())):
        response = coordinator.post(f"{API}/{prepared['id']}/measures", json={
            "description": "Samtaler", "responsible_organisation": "Psykisk helseteam", "decision_id": bad})
        assert response.status_code == 422, response.get_json()


def test_worklist_helpers_find_due_and_coordinatorless_plans(app, active_plan, request_plan, case_officer,
                                                            make_person):
    due = active_plan(next_evaluation_on="2026-03-10")  # within 14 days of 2026-03-03
    active_plan(next_evaluation_on="2026-04-01")
    lonely = request_plan()
    ok(case_officer.post(f"{API}/{lonely['id']}/consent", json={"scope": "Individuell plan", "given_on": "2026-02-01"}))
    request_plan()  # requested without coordinator: not yet a flag
    with app.app_context(), tenant_scope(_municipality_of(due["person_id"])):
        due_ids = {str(p.id) for p in db.session.scalars(reports.evaluation_due_stmt(dt.date(2026, 3, 3)))}
        missing_ids = {str(p.id) for p in db.session.scalars(reports.coordinator_missing_stmt())}
    assert due_ids == {due["id"]}
    assert missing_ids == {lonely["id"]}


def test_patch_checks_the_plan_period_and_refuses_closed_plans(active_plan, coordinator):
    plan = active_plan()
    url = f"{API}/{plan['id']}"
    bad = coordinator.patch(url, json={"period_to": "2026-01-01"}, headers={"If-Match": f'"v{plan["version"]}"'})
    assert bad.status_code == 422 and "period_to" in bad.get_json()["errors"]
    too_late = coordinator.patch(url, json={"requested_on": "2026-01-01"},
                                 headers={"If-Match": f'"v{plan["version"]}"'})
    assert too_late.status_code == 422 and "requested_on" in too_late.get_json()["errors"]
    closed = ok(coordinator.post(f"{url}/close", json={"reason": "Flyttet", "closed_on": "2026-03-03"}))
    response = coordinator.patch(url, json={"needs": "x"}, headers={"If-Match": f'"v{closed["version"]}"'})
    assert response.status_code == 409 and "closed" in response.get_json()["detail"]

"""The person overview shows what the features derive on the day it is asked for: a referral's
``reply_overdue``, a decision's ``state`` and the plan's ``evaluation_overdue`` are loaded by the
features' own queries, never null, and move with the clock without a write."""

from __future__ import annotations

from tests.helpers import at, ok

API = "/api/v1"


def _derived(overview: dict) -> tuple:
    (referral,) = overview["referrals"]
    ((state, (decision,)),) = overview["decisions"].items()
    plan = overview["plan"]
    assert isinstance(referral["reply_overdue"], bool) and isinstance(plan["evaluation_overdue"], bool)
    assert decision["state"] == state and isinstance(decision["appeal_period_days"], int)
    return referral["reply_overdue"], state, plan["evaluation_overdue"]


def test_the_overview_follows_the_clock_without_a_write(env, town, case_officer, make_person, frozen_clock):
    person = make_person()
    pid = person["id"]
    ok(case_officer.post(f"{API}/referrals", json={
        "person_id": pid, "received_on": "2026-02-20", "source": "gp", "channel": "letter"}), 201)  # due 20 March
    ok(case_officer.post(f"{API}/decisions", json={
        "person_id": pid, "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
        "valid_from": "2026-03-10", "valid_to": "2026-12-31", "decided_on": "2026-03-02"}), 201)
    coordinator = env.caller("coordinator", town)
    plan = ok(case_officer.post(f"{API}/plans", json={"person_id": pid, "requested_on": "2026-01-15"}), 201)
    url = f"{API}/plans/{plan['id']}"
    ok(case_officer.post(f"{url}/appoint-coordinator",
                         json={"user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}))
    ok(coordinator.post(f"{url}/consent", json={"given_on": "2026-02-02", "scope": "Individuell plan"}))
    ok(coordinator.post(f"{url}/activate", json={"activated_on": "2026-02-10", "next_evaluation_on": "2026-03-15"}))

    overview_url = f"{API}/persons/{pid}/overview"
    assert _derived(ok(case_officer.get(overview_url))) == (False, "upcoming", False)
    frozen_clock.set(at("2026-03-21"))
    assert _derived(ok(case_officer.get(overview_url))) == (True, "active", True)

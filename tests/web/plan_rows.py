"""A requested individual plan whose coordinator is a given user (the plan page and browser tests)."""

from __future__ import annotations

import datetime as dt

from service.persons.national_id import generate_synthetic_national_id
from tests.helpers import OK_OR_CREATED, ok

_API = "/api/v1"


def requested_plan(env, town, coordinator_id, serial: int = 60) -> dict:
    """Person "Per Planlagt" with a plan requested 15.01.2026 and its coordinator appointed 01.02.2026
    (none when ``coordinator_id`` is None)."""
    officer = env.caller("case_officer", town)
    person = ok(officer.post(f"{_API}/persons", json={
        "name": "Per Planlagt", "national_id": generate_synthetic_national_id(dt.date(1979, 8, 9), serial),
        "sex": "male", "has_minor_children": "no"}), OK_OR_CREATED)
    plan = ok(officer.post(f"{_API}/plans", json={"person_id": person["id"], "requested_on": "2026-01-15"}),
              OK_OR_CREATED)
    if coordinator_id is not None:
        ok(officer.post(f"{_API}/plans/{plan['id']}/appoint-coordinator",
                        json={"user_id": str(coordinator_id), "appointed_on": "2026-02-01"}), OK_OR_CREATED)
    return {"person": person, "plan": plan["id"]}


def prepared_plan(env, town, coordinator_id, serial: int = 61) -> dict:
    """As ``requested_plan``, and the person's consent recorded 02.02.2026: the plan is in preparation
    (members, goals and measures may be added)."""
    plan = requested_plan(env, town, coordinator_id, serial)
    officer = env.caller("case_officer", town)
    ok(officer.post(f"{_API}/plans/{plan['plan']}/consent",
                    json={"given_on": "2026-02-02", "scope": "Individuell plan", "information_sharing": True}))
    return plan

"""A requested individual plan whose coordinator is a given user (the plan page and browser tests)."""

from __future__ import annotations

import datetime as dt

from service.persons.national_id import generate_synthetic_national_id
from tests.helpers import OK_OR_CREATED, ok

_API = "/api/v1"


def requested_plan(env, town, coordinator_id, serial: int = 60) -> dict:
    """Person "Per Planlagt" with a plan requested 15.01.2026 and its coordinator appointed 01.02.2026."""
    officer = env.caller("case_officer", town)
    person = ok(officer.post(f"{_API}/persons", json={
        "name": "Per Planlagt", "national_id": generate_synthetic_national_id(dt.date(1979, 8, 9), serial),
        "sex": "male", "has_minor_children": "no"}), OK_OR_CREATED)
    plan = ok(officer.post(f"{_API}/plans", json={"person_id": person["id"], "requested_on": "2026-01-15"}),
              OK_OR_CREATED)
    ok(officer.post(f"{_API}/plans/{plan['id']}/appoint-coordinator",
                    json={"user_id": str(coordinator_id), "appointed_on": "2026-02-01"}), OK_OR_CREATED)
    return {"person": person, "plan": plan["id"]}

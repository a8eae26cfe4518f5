"""An allocation office's desk with flags on it (shared by the worklist page and browser tests).

Built through the API as the office would, then the ``deadlines`` job run for the town on the
suite's day (03.03.2026), as the scheduler would: flags come from the job, never from inserts.

* a referral to Kari Frist received 20.01.2026 with no reply: answer due 20.02, 11 days overdue,
  assigned to the officer;
* a decision on Ola Utløp decided by the colleague, valid to 20.03: expiring, the colleague's;
* a decision on Kari Frist decided by the officer, valid to 01.04: expiring, the officer's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from service.auth import services as auth
from service.extensions import db
from service.jobs import tasks
from service.persons.national_id import generate_synthetic_national_id
from tests.conftest import Caller
from tests.helpers import OK_OR_CREATED, ok
from tests.web.client import WebUser, make_web_user

_API = "/api/v1"
ON = dt.date(2026, 3, 3)


@dataclasses.dataclass
class Desk:
    officer: WebUser
    api: Caller  # the officer's own token: what they register is theirs
    colleague: Caller
    persons: dict
    referral: str
    decisions: dict  # "mine" (Kari Frist, 01.04), "colleagues" (Ola Utløp, 20.03)


def token_for(app, env, user: WebUser) -> Caller:
    """An API token for a web user, so rows registered through the API are that user's."""
    with app.app_context():
        _, token = auth.issue_token(user.username)
        db.session.commit()
    return Caller(env.client, token, user.user_id, user.role, user.username)


def run_deadlines(app, town: str, on: dt.date = ON) -> dict:
    """The ``deadlines`` job for the town on ``on`` (the scheduler's call); its counts."""
    with app.app_context():
        municipality_id = auth.get_municipality_by_number(town).id
        return tasks.run_deadlines(on, [municipality_id])[town]


def case_desk(app, env, town: str, serial: int = 60, officer: WebUser | None = None) -> Desk:
    officer = officer or make_web_user(app, env, town, "case_officer")
    api = token_for(app, env, officer)
    colleague = env.caller("case_officer", town, display_name="Kai Kollega")

    def person(name, number):
        return ok(api.post(f"{_API}/persons", json={
            "name": name, "national_id": generate_synthetic_national_id(dt.date(1980, 4, 5), number),
            "sex": "female", "has_minor_children": "no"}), OK_OR_CREATED)["id"]

    def decision(caller, person_id, valid_to):
        return ok(caller.post(f"{_API}/decisions", json={
            "person_id": person_id, "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
            "valid_from": "2026-01-01", "valid_to": valid_to, "decided_on": "2025-12-20"}), OK_OR_CREATED)["id"]

    persons = {"kari": person("Kari Frist", serial), "ola": person("Ola Utløp", serial + 1)}
    referral = ok(api.post(f"{_API}/referrals", json={
        "person_id": persons["kari"], "received_on": "2026-01-20", "source": "gp", "channel": "letter",
        "requested_services": ["psykisk-helse-oppfolging"], "assigned_to": str(officer.user_id)}), OK_OR_CREATED)["id"]
    decisions = {"mine": decision(api, persons["kari"], "2026-04-01"),
                 "colleagues": decision(colleague, persons["ola"], "2026-03-20")}
    raised = run_deadlines(app, town)["raised"]
    assert raised == {"decision_expiring": 2, "referral_reply_due": 1}, raised
    return Desk(officer, api, colleague, persons, referral, decisions)

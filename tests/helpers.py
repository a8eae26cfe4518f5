"""Helpers shared by every test folder (import them; do not copy them).

- ``assert_problem``: the response is an RFC 9457 problem document (also the
  ``problem`` fixture of tests/conftest.py);
- ``pagination_total``: the total from a list's ``X-Pagination`` header (also the
  ``total`` fixture);
- ``ok``: the response has the expected status (200 unless told; ``OK_OR_CREATED``
  for seeding code that takes either), return its JSON body;
- ``etag``: the response's ``ETag`` header;
- ``openapi_path``: a Flask URL rule spelled as the OpenAPI document spells its path;
- ``session_in_outer_transaction``: every session joins one outer transaction that
  is rolled back afterwards (the ``db_connection`` fixture per test, ``module_connection``
  per module);
- ``CaseRows``: gives a person a row of every kind the access matrix rules over (referral,
  decision, appeal, plan with a measure, housing need, offer, tenancy) and records blocks,
  through the API as the offices would (the security suite and the block tests).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import json
import re
from collections.abc import Collection

import sqlalchemy as sa

from service.extensions import AppSession, db
from service.persons.national_id import generate_synthetic_national_id

PROBLEM = "application/problem+json"
OK_OR_CREATED = (200, 201)
_RULE_PARAM = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")


def ok(response, status: int | Collection[int] = 200):
    """The response has the status (or one of the statuses) given; return its JSON body."""
    expected = (status,) if isinstance(status, int) else status
    assert response.status_code in expected, (response.status_code, response.get_json(), response.request.path)
    return response.get_json()


def etag(response) -> str:
    """The response's ``ETag`` header."""
    return response.headers["ETag"]


def openapi_path(rule: str) -> str:
    """A URL rule as the OpenAPI document spells it: ``<uuid:person_id>`` -> ``{person_id}``."""
    return _RULE_PARAM.sub(r"{\1}", rule)


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem with the given status, a title, a type and the request id."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM, response.mimetype
    body = response.get_json()
    assert body["status"] == status
    assert body["title"] and body["type"]
    assert body["request_id"] and body["request_id"] == response.headers["X-Request-Id"]
    return body


def pagination_total(response) -> int:
    """The total count from a list response's ``X-Pagination`` header."""
    return json.loads(response.headers["X-Pagination"])["total"]


@contextlib.contextmanager
def count_statements(app):
    """The SQL statements the requests inside the block send, as a list filled as they go."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


@contextlib.contextmanager
def session_in_outer_transaction(app):
    """Bind ``db.session`` to one connection whose outer transaction is rolled back at the end.

    Requests commit into savepoints of it (``join_transaction_mode="create_savepoint"``),
    so nothing a test does outlives it.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": AppSession, "bind": connection, "join_transaction_mode": "create_savepoint"})
    try:
        yield connection
    finally:
        with app.app_context():
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@contextlib.contextmanager
def database_at(fresh_app, path, revision: str):
    """An app on a SQLite file of its own at ``path``, migrated up to ``revision``: for a migration
    tested on rows written before it (``flask_migrate.upgrade()`` then runs it)."""
    import flask_migrate

    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        flask_migrate.upgrade(revision=revision)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def restricted_role(connection) -> str:
    """A role like the application's production login on PostgreSQL (not the tables' owner, no
    BYPASSRLS: row-level security binds it), made in ``connection``'s transaction and rolled back
    with it; ``SET LOCAL ROLE <name>`` on that connection makes the rest of the transaction (or
    savepoint) act as it."""
    import uuid

    name = f"tsp_rls_{uuid.uuid4().hex[:12]}"
    for statement in (f"CREATE ROLE {name} NOLOGIN NOSUPERUSER NOBYPASSRLS",
                      f"GRANT USAGE ON SCHEMA public TO {name}",
                      f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
                      f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}"):
        connection.exec_driver_sql(statement)
    return name


def at(day: str) -> dt.datetime:
    """09:00 UTC on an ISO date (10:00 in Oslo: the same date), for ``frozen_clock.set``."""
    return dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=dt.timezone.utc)


# --- rows about a person, of every kind the access matrix rules over ---

# The numbers of the municipalities tests make, one sequence for the whole session. It lives here,
# not in tests/conftest.py: pytest loads that file as ``conftest`` and a test that imports
# ``tests.conftest`` gets a second copy of it, whose own count would hand out numbers a committed
# test already holds (on PostgreSQL, where committed rows stay for the session).
MUNICIPALITY_NUMBERS = itertools.count(1000)

_API = "/api/v1"
UNIT = "Psykisk helseteam"  # the provider's unit (tests/conftest.py's default)
OTHER_UNIT = "Hjemmetjenesten"
HOUSING_SERVICE = "bo-og-veiledning"  # report group housing_support
HEALTH_SERVICE = "psykisk-helse-oppfolging"  # report group home_based
GREEN = ["smoke_detector", "fire_extinguisher"]


@dataclasses.dataclass
class Case:
    """A person and the ids of the rows ``CaseRows.case`` made about them."""

    person: dict
    ids: dict


class CaseRows:
    """Builds rows about persons through the API, as the offices would."""

    _serials = itertools.count(1)
    _labels = itertools.count(1)

    def __init__(self, env, town, callers: dict):
        self.env, self.town, self.callers = env, town, callers
        env.provider_unit(town, OTHER_UNIT)

    def person(self, name: str, born: dt.date = dt.date(1980, 3, 4), **fields) -> dict:
        body = {"name": name, "national_id": generate_synthetic_national_id(born, next(self._serials)),
                "sex": "female", "has_minor_children": "no", "district": "Sentrum", **fields}
        return ok(self.callers["case_officer"].post(f"{_API}/persons", json=body), OK_OR_CREATED)

    def case(self, person: dict, *, coordinator, unit: str = UNIT, service: str = HOUSING_SERVICE,
             tenancy: bool = True) -> Case:
        """A referral, a decided decision (with reasoning) and an appeal against it, an active plan
        coordinated by ``coordinator`` with a goal and a measure resting on the decision, and a
        housing need; with ``tenancy`` the need is offered a unit the person accepts."""
        officer, housing = self.callers["case_officer"], self.callers["housing_officer"]
        pid = person["id"]
        ids = {"person": pid}
        ids["referral"] = ok(officer.post(f"{_API}/referrals", json={
            "person_id": pid, "received_on": "2026-02-10", "source": "gp", "channel": "electronic_message",
            "requested_services": [service]}), OK_OR_CREATED)["id"]
        decision = ok(officer.post(f"{_API}/decisions", json={
            "person_id": pid, "service_code": service, "hours_per_week": 3, "valid_from": "2026-01-01",
            "valid_to": "2026-12-31", "provider_unit": unit, "decided_on": "2025-12-15",
            "reasoning": f"Vurdering for {person['name']}"}), OK_OR_CREATED)
        ids["decision"], ids["reasoning"] = decision["id"], decision["reasoning"]
        ids["appeal"] = ok(officer.post(f"{_API}/decisions/{decision['id']}/appeals",
                                        json={"received_on": "2026-01-10"}), OK_OR_CREATED)["id"]
        plan = ok(officer.post(f"{_API}/plans", json={"person_id": pid, "requested_on": "2026-01-15"}), OK_OR_CREATED)
        url = f"{_API}/plans/{plan['id']}"
        ok(officer.post(f"{url}/appoint-coordinator",
                        json={"user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}), OK_OR_CREATED)
        ok(coordinator.post(f"{url}/consent", json={"given_on": "2026-02-02", "scope": "Individuell plan"}),
           OK_OR_CREATED)
        ok(coordinator.post(f"{url}/activate", json={"activated_on": "2026-02-10"}), OK_OR_CREATED)
        ids["plan"] = plan["id"]
        ids["goal"] = ok(coordinator.post(f"{url}/goals", json={"area": "housing", "text": "Egen bolig"}),
                         OK_OR_CREATED)["id"]
        ids["measure"] = ok(coordinator.post(f"{url}/measures", json={
            "goal_id": ids["goal"], "description": "Boveiledning", "responsible_organisation": unit,
            "decision_id": decision["id"]}), OK_OR_CREATED)["id"]
        ids["need"] = ok(housing.post(f"{_API}/housing/needs", json={
            "person_id": pid, "category": "ordinary", "housing_situation": "housed_insecure",
            "registered_on": "2026-03-01"}), OK_OR_CREATED)["id"]
        if tenancy:
            unit_id = self.unit()
            ids["offer"] = ok(housing.post(f"{_API}/housing/offers", json={
                "unit_id": unit_id, "need_id": ids["need"], "offered_on": "2026-03-02",
                "respond_by": "2026-03-17"}), OK_OR_CREATED)["id"]
            ids["tenancy"] = ok(housing.post(f"{_API}/housing/offers/{ids['offer']}/accept",
                                             json={"start_on": "2026-03-03"}), OK_OR_CREATED)["tenancy_id"]
            ids["unit"] = unit_id
        return Case(person, ids)

    def unit(self) -> str:
        return ok(self.callers["housing_officer"].post(f"{_API}/housing/units", json={
            "label": f"Sikker {next(self._labels)}", "unit_type": "ordinary_rental", "features": GREEN}),
            OK_OR_CREATED)["id"]

    def block(self, by, user, person: dict, reason: str = "related") -> str:
        return ok(by.post(f"{_API}/persons/{person['id']}/blocks", json={"user_id": str(user.user_id),
                                                                         "reason": reason}), OK_OR_CREATED)["id"]

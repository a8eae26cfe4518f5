"""Finding 8 of issue 18: every refused (403) request wrote and committed an audit row, so any valid
token could grow its municipality's trail at will.

A refusal is still evidence: the first one of an actor on a route in a minute is a ``denied`` row
in the chain at once; its repeats in that minute are counted, not written, and the count goes to
the security log (one line per actor, route and minute). The row's id is derived from actor,
route and minute, so two processes that both see no row yet cannot both write one: the second
insert is refused by the primary key, and that request answers 403 like the first. Failed
authentications (no user, so no municipality) never touch a chain: the security log counts them
per client address and minute.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import sqlalchemy as sa

from service.audit import denials
from service.audit.models import AuditEvent
from service.audit.services import verify_chains
from service.auth.services import get_municipality_by_number
from service.extensions import db
from tests.conftest import DEFAULT_NOW

PERSONS = "/api/v1/persons"
SECURITY = "service.security"


def denied_rows(app, town) -> list[tuple]:
    with app.app_context():
        municipality_id = get_municipality_by_number(town).id
        return [tuple(row) for row in db.session.execute(
            sa.select(AuditEvent.actor_id, AuditEvent.object_id, AuditEvent.at, AuditEvent.request_id)
            .where(AuditEvent.municipality_id == municipality_id, AuditEvent.action == "denied")
            .order_by(AuditEvent.seq)).all()]


def all_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == SECURITY]


@pytest.fixture(autouse=True)
def fresh_tallies():
    """The counters are per process; each test starts with none."""
    denials.reset()
    yield
    denials.reset()


def test_repeats_in_a_minute_are_one_row_and_a_count(app, env, town, frozen_clock, problem, caplog):
    caplog.set_level(logging.INFO, logger=SECURITY)
    planner = env.caller("planner", town)
    first = planner.get(PERSONS)
    problem(first, 403)
    for second in range(1, 50):
        frozen_clock.set(DEFAULT_NOW + dt.timedelta(seconds=second))
        problem(planner.get(PERSONS), 403)
    rows = denied_rows(app, town)
    assert [(actor, route) for actor, route, _at, _rid in rows] == [(planner.user_id, "GET /api/v1/persons")]
    assert rows[0][3] == first.headers["X-Request-Id"]  # the row is the first refusal's
    # The next minute starts a new row, and the security log says how many the last one had.
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(minutes=1))
    problem(planner.get(PERSONS), 403)
    assert len(denied_rows(app, town)) == 2
    assert (f"denied: user {planner.user_id} (planner, municipality {town}) GET /api/v1/persons: "
            "50 refusal(s) in the minute from 2026-03-03T09:00Z; the first is in the audit trail") in security_lines(caplog)
    with app.app_context():
        assert verify_chains(town)[1] is None


def test_each_route_and_each_actor_has_its_own_row(app, env, town, problem):
    planner, other = env.caller("planner", town), env.caller("planner", town)
    for _ in range(3):
        problem(planner.get(PERSONS), 403)
        problem(planner.get("/api/v1/referrals"), 403)
        problem(other.get(PERSONS), 403)
    assert sorted((str(actor), route) for actor, route, _at, _rid in denied_rows(app, town)) == sorted([
        (str(planner.user_id), "GET /api/v1/persons"), (str(planner.user_id), "GET /api/v1/referrals"),
        (str(other.user_id), "GET /api/v1/persons")])


def test_a_second_process_that_races_the_first_does_not_write_a_second_row(app, env, town, problem, monkeypatch):
    """Two workers refuse the same actor in the same minute, and both look before either has
    committed: the second's insert meets the first's row (same id) and is dropped; it still
    answers 403, and the chain stays whole."""
    planner = env.caller("planner", town)
    problem(planner.get(PERSONS), 403)
    monkeypatch.setattr(denials, "_already_recorded", lambda event_id: False)  # the race: it did not see the row
    response = planner.get(PERSONS)
    body = problem(response, 403)
    assert "may not GET" in body["detail"]
    assert len(denied_rows(app, town)) == 1
    with app.app_context():
        assert verify_chains(town)[1] is None


def test_a_repeat_does_not_write_or_commit(app, env, town, problem):
    planner = env.caller("planner", town)
    problem(planner.get(PERSONS), 403)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        problem(planner.get(PERSONS), 403)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert "INSERT" not in statements and "UPDATE" not in statements, statements


def test_failed_authentications_are_counted_in_the_security_log_not_in_a_chain(app, env, town, frozen_clock,
                                                                              problem, caplog):
    caplog.set_level(logging.INFO, logger=SECURITY)
    before = all_rows(app)
    for _ in range(30):
        problem(env.client.get(PERSONS, headers={"Authorization": "Bearer tsp_" + "A" * 43}), 401)
    problem(env.client.get(PERSONS), 401)
    assert security_lines(caplog) == ["authentication failed from 127.0.0.1: first in the minute from "
                                      "2026-03-03T09:00Z (further failures are counted)"]
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(minutes=1))
    problem(env.client.get(PERSONS), 401)
    assert security_lines(caplog)[1:] == [
        "authentication failed from 127.0.0.1: 31 failure(s) in the minute from 2026-03-03T09:00Z",
        "authentication failed from 127.0.0.1: first in the minute from 2026-03-03T09:01Z "
        "(further failures are counted)"]
    assert all_rows(app) == before


def test_counts_left_at_exit_are_written(app, env, town, problem, caplog):
    caplog.set_level(logging.INFO, logger=SECURITY)
    planner = env.caller("planner", town)
    for _ in range(3):
        problem(planner.get(PERSONS), 403)
    denials.flush()
    assert any(line.endswith("3 refusal(s) in the minute from 2026-03-03T09:00Z; the first is in the audit trail")
               for line in security_lines(caplog))


def test_a_barred_users_repeats_are_one_row_too(app, env, town, case_officer, make_person, problem):
    """The same holds for a user barred from a person (404 as for a random id, a ``denied`` row)."""
    barred = env.caller("housing_officer", town)
    person = make_person()
    blocked = case_officer.post(f"{PERSONS}/{person['id']}/blocks", json={"user_id": str(barred.user_id),
                                                                          "reason": "related"})
    assert blocked.status_code == 201, blocked.get_json()
    for _ in range(5):
        problem(barred.get(f"{PERSONS}/{person['id']}"), 404)
    assert [(str(actor), route) for actor, route, _at, _rid in denied_rows(app, town)] == [
        (str(barred.user_id), person["id"])]

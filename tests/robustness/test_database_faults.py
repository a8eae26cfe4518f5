"""Finding 5 of issue 18: a database outage answered 500 (as a bug would), not 503 with
``Retry-After``; and ``Retry-After`` (from the rate limiter) appeared on ordinary 2xx answers.

A lost or refused database connection is the service being unavailable for a moment: 503
problem+json with ``Retry-After``, one log line without a traceback, nothing half written. A
broken query (a bug) stays a 500. Only 429 and 503 say when to retry.
"""

from __future__ import annotations

import logging
import sqlite3

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import exc

from service.common.errors import database_unavailable
from service.extensions import AppSession, db

PERSONS = "/api/v1/persons"
UNAVAILABLE = "urn:tjenestespor:problem:service_unavailable"


def lost_connection(statement: str = "SELECT 1") -> exc.OperationalError:
    """What SQLAlchemy raises when PostgreSQL goes away under a query (psycopg's message)."""
    return exc.OperationalError(statement, {}, psycopg.OperationalError(
        "consuming input failed: server closed the connection unexpectedly"), connection_invalidated=True)


def assert_unavailable(problem, response) -> dict:
    body = problem(response, 503)
    assert body["type"] == UNAVAILABLE
    assert int(response.headers["Retry-After"]) > 0
    text = response.get_data(as_text=True)
    for leak in ("SELECT", "server closed", "sqlite", "Traceback"):
        assert leak not in text, leak
    return body


def test_a_database_that_cannot_be_opened_is_503_with_retry_after(fresh_app, tmp_path, problem, caplog):
    """The SQLite file's place is a directory: every connection fails (SQLITE_CANTOPEN), as when the
    database server is down; the first query (the token's look-up) meets it."""
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}"})
    response = app.test_client().get(PERSONS, headers={"Authorization": "Bearer tsp_" + "A" * 43,
                                                       "Accept-Language": "en"})
    body = assert_unavailable(problem, response)
    assert body["detail"] == ("The database is not reachable at the moment; try again in a little while. "
                              "Quote the request id if it lasts.")
    assert "Traceback" not in caplog.text
    lines = [r for r in caplog.records if r.name == "service.errors"]
    assert len(lines) == 1 and lines[0].levelname == "WARNING" and not lines[0].exc_info
    assert body["request_id"] in caplog.text


def test_the_outage_says_its_own_retry_after_when_rate_limits_are_on(fresh_app, tmp_path, problem):
    """The limiter sets Retry-After to its window's reset (up to a minute) on every answer."""
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}", "RATELIMIT_ENABLED": True,
                                "RATELIMIT_DEFAULT": "100 per minute"})
    response = app.test_client().get(PERSONS, headers={"Authorization": "Bearer tsp_" + "A" * 43})
    assert_unavailable(problem, response)
    assert response.headers["Retry-After"] == "5"  # service.common.errors.RETRY_AFTER_SECONDS


def test_a_connection_lost_during_a_request_is_503(case_officer, make_person, problem, monkeypatch):
    from service.persons import services as persons

    make_person()

    def gone(*args, **kwargs):
        raise lost_connection()

    monkeypatch.setattr(persons, "list_persons", gone)
    assert_unavailable(problem, case_officer.get(PERSONS))


def test_a_connection_lost_at_commit_is_503_and_nothing_is_written(case_officer, synthetic_id, problem,
                                                                     monkeypatch, total):
    real_commit = AppSession.commit

    def commit_fails(session):
        raise lost_connection("COMMIT")

    monkeypatch.setattr(AppSession, "commit", commit_fails)
    response = case_officer.post(PERSONS, json={"name": "Kari", "national_id": synthetic_id()})
    assert_unavailable(problem, response)
    monkeypatch.setattr(AppSession, "commit", real_commit)
    assert total(case_officer.get(PERSONS)) == 0


def test_a_broken_query_is_still_a_500(fresh_app, problem, monkeypatch):
    """'no such table' is an OperationalError on SQLite too, but a bug, not an outage."""
    from service.auth import policy

    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.add_url_rule("/api/v1/bad-sql", "bad_sql", lambda: db.session.execute(sa.text("SELECT x FROM nope")))
    monkeypatch.setattr(policy, "PUBLIC", policy.PUBLIC | {("GET", "/api/v1/bad-sql")})
    response = app.test_client().get("/api/v1/bad-sql")
    problem(response, 500)
    assert "Retry-After" not in response.headers


def _sqlite_error(message: str, code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize("error, unavailable", [
    (lost_connection(), True),
    (exc.OperationalError("x", {}, psycopg.OperationalError("connection failed: Connection refused")), True),
    (exc.OperationalError("x", {}, psycopg.errors.AdminShutdown("terminating connection")), True),
    (exc.OperationalError("x", {}, psycopg.errors.TooManyConnections("too many clients")), True),
    (exc.InterfaceError("x", {}, psycopg.InterfaceError("the connection is closed")), True),
    (exc.DisconnectionError("pool pre-ping failed"), True),
    (exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"), True),
    (exc.OperationalError("x", {}, _sqlite_error("unable to open database file", 14)), True),
    (exc.OperationalError("x", {}, _sqlite_error("database is locked", 5)), True),
    (exc.OperationalError("x", {}, _sqlite_error("disk I/O error", 10 | (3 << 8))), True),  # SQLITE_IOERR_WRITE
    (exc.OperationalError("x", {}, _sqlite_error("no such table: nope", 1)), False),
    (exc.OperationalError("x", {}, psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
     False),
    (exc.ProgrammingError("x", {}, psycopg.errors.UndefinedTable("relation does not exist")), False),
    (exc.IntegrityError("x", {}, psycopg.errors.UniqueViolation("duplicate key")), False),
    (RuntimeError("not a database error"), False),
])
def test_which_database_errors_mean_unavailable(error, unavailable):
    assert database_unavailable(error) is unavailable


def test_retry_after_only_on_429_and_503(fresh_app, problem):
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": True,
                                "RATELIMIT_DEFAULT": "2 per minute"})
    client = app.test_client()
    for remaining in ("1", "0"):
        answer = client.get("/api/v1/openapi.json")
        assert answer.status_code == 200
        assert "Retry-After" not in answer.headers
        assert answer.headers["X-RateLimit-Remaining"] == remaining  # the limiter's own headers stay
    missing = client.get("/api/v1/nope")
    problem(missing, 404)
    assert "Retry-After" not in missing.headers
    limited = client.get("/api/v1/openapi.json")
    problem(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0


def test_the_outage_log_line_names_the_request(fresh_app, tmp_path, caplog):
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}"})
    caplog.set_level(logging.INFO)
    response = app.test_client().get(PERSONS, headers={"Authorization": "Bearer tsp_" + "A" * 43})
    assert response.status_code == 503
    (line,) = [r.getMessage() for r in caplog.records if r.name == "service.errors"]
    assert line == (f"database unavailable in request {response.headers['X-Request-Id']}: "
                    "OperationalError (SQLITE_CANTOPEN); answered 503")

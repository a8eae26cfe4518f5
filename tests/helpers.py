"""Helpers shared by every test folder (import them; do not copy them).

- ``assert_problem``: the response is an RFC 9457 problem document (also the
  ``problem`` fixture of tests/conftest.py);
- ``pagination_total``: the total from a list's ``X-Pagination`` header (also the
  ``total`` fixture);
- ``session_in_outer_transaction``: every session joins one outer transaction that
  is rolled back afterwards (``db_connection`` per test, the fuzz suite per module).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json

from service.extensions import AppSession, db

PROBLEM = "application/problem+json"


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


def at(day: str) -> dt.datetime:
    """09:00 UTC on an ISO date (10:00 in Oslo: the same date), for ``frozen_clock.set``."""
    return dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=dt.timezone.utc)

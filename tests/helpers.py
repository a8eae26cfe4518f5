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
  per module).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Collection

from service.extensions import AppSession, db

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

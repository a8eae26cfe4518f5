"""Helpers for the API suite: problem+json checks and throw-away apps."""

from __future__ import annotations

import json

import pytest
from flask_limiter import Limiter

import service
from service.extensions import ProblemApi, _rate_limit_key

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem with the given status and the request id."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM, response.mimetype
    body = response.get_json()
    assert body["status"] == status
    assert body["title"] and body["type"]
    assert body["request_id"] and body["request_id"] == response.headers["X-Request-Id"]
    return body


@pytest.fixture
def problem():
    return assert_problem


@pytest.fixture
def total():
    """The total count from a list response's X-Pagination header."""
    return lambda response: json.loads(response.headers["X-Pagination"])["total"]


@pytest.fixture
def fresh_app(monkeypatch):
    """Build another app in this process without disturbing the session's app.

    flask-smorest's ``Api`` and flask-limiter's ``Limiter`` keep per-app state on
    the module-level singletons, so each throw-away app gets its own instances.
    """

    def build(config_name: str = "testing", overrides: dict | None = None):
        monkeypatch.setattr(service, "api", ProblemApi())
        monkeypatch.setattr(service, "limiter", Limiter(key_func=_rate_limit_key))
        return service.create_app(config_name, overrides)

    return build

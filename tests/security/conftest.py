"""Helpers for the security suite: one caller per role, problem+json checks."""

from __future__ import annotations

import pytest

from service.auth.roles import ALL_ROLES

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem with the given status and a request id."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM, response.mimetype
    body = response.get_json()
    assert body["status"] == status
    assert body["title"]
    assert body["request_id"] and body["request_id"] == response.headers["X-Request-Id"]
    return body


@pytest.fixture
def callers(env, town) -> dict:
    """A caller of every role in ``town`` (the provider has a unit)."""
    return {role: env.caller(role, town) for role in ALL_ROLES}


@pytest.fixture
def problem():
    return assert_problem

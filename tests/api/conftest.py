"""Fixtures for the API suite: throw-away apps (``problem`` and ``total`` are in tests/conftest.py)."""

from __future__ import annotations

import pytest
from flask_limiter import Limiter

import service
from service.extensions import ProblemApi, _rate_limit_key


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

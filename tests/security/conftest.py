"""Fixtures for the security suite: one caller per role (``problem`` is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from service.auth.roles import ALL_ROLES


@pytest.fixture
def callers(env, town) -> dict:
    """A caller of every role in ``town`` (the provider has a unit)."""
    return {role: env.caller(role, town) for role in ALL_ROLES}

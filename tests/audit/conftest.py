"""Fixtures for the audit tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def auditor(env, town):
    return env.caller("auditor", town)

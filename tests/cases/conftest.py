"""Helpers for the allocation-office tests (today is 2026-03-03 unless a test moves the clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import assert_problem as problem  # noqa: F401  (imported by the case tests)

UTC = dt.timezone.utc


def at(day: str) -> dt.datetime:
    """09:00 UTC on an ISO date (10:00 in Oslo: the same date)."""
    return dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


@pytest.fixture
def person(make_person):
    return make_person(name="Per Saksen")


@pytest.fixture
def new_referral(case_officer, person):
    def make(caller=None, **fields):
        body = {"person_id": person["id"], "received_on": "2026-02-10", "source": "gp",
                "channel": "electronic_message", "requested_services": ["psykisk-helse-oppfolging"]}
        body.update(fields)
        response = (caller or case_officer).post("/api/v1/referrals", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def new_decision(env, town, case_officer, person):
    """``new_decision(caller=None, **fields)``: a decision in ``town``, by default decided and
    delivered by "Psykisk helseteam"; the unit named is added to town's register first."""
    def make(caller=None, **fields):
        body = {"person_id": person["id"], "service_code": "psykisk-helse-oppfolging",
                "hours_per_week": 2, "valid_from": "2026-01-01", "valid_to": "2026-12-31",
                "provider_unit": "Psykisk helseteam", "decided_on": "2025-12-15"}
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        if "provider_unit" in body:
            env.provider_unit(town, body["provider_unit"])
        response = (caller or case_officer).post("/api/v1/decisions", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make

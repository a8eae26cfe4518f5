"""Fixtures for the individual-plan tests: callers, and plans brought to a given state."""

from __future__ import annotations

import pytest

from tests.helpers import ok

API = "/api/v1/plans"


@pytest.fixture
def coordinator(env, town):
    return env.caller("coordinator", town)


@pytest.fixture
def other_coordinator(env, town):
    return env.caller("coordinator", town)


@pytest.fixture
def request_plan(case_officer, make_person):
    """A plan in status ``requested`` (optionally for a given person)."""

    def make(person: dict | None = None, **body) -> dict:
        person = person or make_person()
        body.setdefault("requested_on", "2026-01-15")
        return ok(case_officer.post(API, json={"person_id": person["id"], **body}), 201)

    return make


@pytest.fixture
def prepared_plan(request_plan, case_officer, coordinator):
    """A plan with a coordinator (``coordinator`` fixture) and consent: ``in_preparation``."""

    def make(person: dict | None = None, coordinator_caller=None) -> dict:
        who = coordinator_caller or coordinator
        plan = request_plan(person)
        ok(case_officer.post(f"{API}/{plan['id']}/appoint-coordinator",
                             json={"user_id": str(who.user_id), "appointed_on": "2026-02-01"}))
        return ok(who.post(f"{API}/{plan['id']}/consent",
                           json={"given_on": "2026-02-02", "scope": "Individuell plan og ansvarsgruppe",
                                 "information_sharing": True}))

    return make


@pytest.fixture
def active_plan(prepared_plan, coordinator):
    def make(person: dict | None = None, coordinator_caller=None, **body) -> dict:
        who = coordinator_caller or coordinator
        plan = prepared_plan(person, who)
        return ok(who.post(f"{API}/{plan['id']}/activate",
                           json={"activated_on": "2026-02-10", **body}))

    return make


@pytest.fixture
def provider_serves_district(app):
    """Stand-in for the decisions feature's provider scope: a provider serves the
    persons whose district equals its unit name (removed again after the test)."""
    from service.auth import matrix
    from service.common.contributions import for_app
    from service.persons.models import Person

    def rule(user):
        return Person.district == user.provider_unit.name

    for_app(app).add_row_rule(matrix.PERSON, matrix.SERVED, rule)
    yield
    for_app(app).row_rules[(matrix.PERSON, matrix.SERVED)].remove(rule)

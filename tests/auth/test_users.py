"""``GET /api/v1/users``: colleagues an officer can pick (to assign a referral, appoint a
coordinator), by name, in the caller's own municipality only, never with credentials."""

from __future__ import annotations

import uuid

import pytest

from service.auth import services as auth
from service.extensions import db

USERS = "/api/v1/users"
FIELDS = {"id", "username", "display_name", "role", "disabled"}


@pytest.fixture
def colleague(app, env, town):
    """``colleague(username, role, display_name=None, disabled=False, municipality=town)``."""
    suffix = uuid.uuid4().hex[:6]

    def make(username, role, display_name=None, *, disabled=False, municipality=None) -> str:
        name = f"{username}-{suffix}"
        if role == "provider":
            env.provider_unit(municipality or town, "Psykisk helseteam")
        with app.app_context():
            auth.create_user(municipality or town, name, role, display_name=display_name,
                             provider_unit="Psykisk helseteam" if role == "provider" else None)
            auth.issue_token(name)
            if disabled:
                auth.disable_user(name)
            db.session.commit()
        return name

    return make


@pytest.fixture
def staff(colleague) -> dict:
    return {
        "kari": colleague("kari", "case_officer", "Kari Nordmann"),
        "ola": colleague("ola", "coordinator", "ola hansen"),
        "bjorn": colleague("bjorn", "coordinator"),
        "anne2": colleague("anne2", "coordinator", "Anne Lie"),
        "anne1": colleague("anne1", "provider", "Anne Lie"),
        "per": colleague("per", "coordinator", "Per Dahl", disabled=True),
    }


def names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [user["username"] for user in response.get_json()]


def test_a_case_officer_sees_colleagues_by_display_name_then_username(case_officer, staff, total):
    response = case_officer.get(USERS)
    # Case does not matter; a user without a display name is sorted by username; equal
    # display names are told apart by username.
    assert names(response) == [staff["anne1"], staff["anne2"], staff["bjorn"], case_officer.username,
                               staff["kari"], staff["ola"], staff["per"]]
    assert total(response) == 7
    kari = next(u for u in response.get_json() if u["username"] == staff["kari"])
    assert kari["display_name"] == "Kari Nordmann" and kari["role"] == "case_officer"
    assert kari["disabled"] is False
    uuid.UUID(kari["id"])


def test_a_user_answer_holds_no_token_or_password_data(case_officer, staff):
    users = case_officer.get(USERS).get_json()
    for user in users:
        assert set(user) == FIELDS
    text = case_officer.get(USERS).get_data(as_text=True)
    assert "tsp_" not in text and "hash" not in text and "password" not in text
    assert case_officer.token not in text


def test_filter_by_role_and_by_whether_the_user_can_log_in(case_officer, staff):
    assert names(case_officer.get(USERS, query_string={"role": "coordinator"})) == [
        staff["anne2"], staff["bjorn"], staff["ola"], staff["per"]]
    assert names(case_officer.get(USERS, query_string={"role": "coordinator", "active": "true"})) == [
        staff["anne2"], staff["bjorn"], staff["ola"]]
    disabled = case_officer.get(USERS, query_string={"active": "false"}).get_json()
    assert [(u["username"], u["disabled"]) for u in disabled] == [(staff["per"], True)]
    assert names(case_officer.get(USERS, query_string={"role": "planner"})) == []


def test_lists_are_paginated_like_the_others(case_officer, staff, total):
    first = case_officer.get(USERS, query_string={"page_size": 2})
    second = case_officer.get(USERS, query_string={"page_size": 2, "page": 2})
    assert names(first) == [staff["anne1"], staff["anne2"]]
    assert names(second) == [staff["bjorn"], case_officer.username]
    assert total(first) == total(second) == 7


@pytest.mark.parametrize("query", [{"role": "superuser"}, {"active": "maybe"}, {"page_size": 201}])
def test_bad_filters_are_422(case_officer, problem, query):
    problem(case_officer.get(USERS, query_string=query), 422)


def test_an_admin_may_list_users_too(env, town, staff):
    assert staff["kari"] in names(env.caller("admin", town).get(USERS))


@pytest.mark.parametrize("role", ["housing_officer", "coordinator", "provider", "planner", "auditor"])
def test_other_roles_may_not_list_users(role, env, town, problem):
    problem(env.caller(role, town).get(USERS), 403)


def test_another_municipalitys_users_never_appear(env, case_officer, colleague, total):
    elsewhere = env.municipality(name="Annenby")
    outsider = colleague("outsider", "coordinator", "Aaron Utenbys", municipality=elsewhere)
    for query in ({}, {"role": "coordinator"}, {"active": "true"}, {"page_size": 200}):
        response = case_officer.get(USERS, query_string=query)
        assert outsider not in names(response)
    response = case_officer.get(USERS)
    assert names(response) == [case_officer.username] and total(response) == 1
    assert names(env.caller("admin", elsewhere).get(USERS, query_string={"role": "coordinator"})) == [outsider]


def test_reading_the_user_list_is_not_audited_row_by_row(env, town, case_officer, staff, total):
    """Users are not person data: like the catalogue, listing them writes no audit events."""
    auditor = env.caller("auditor", town)
    before = total(auditor.get("/api/v1/audit"))
    assert len(names(case_officer.get(USERS))) == 8  # staff, the case officer, the auditor
    # Only the auditor's own listing of the trail was added in between.
    assert total(auditor.get("/api/v1/audit")) == before + 1

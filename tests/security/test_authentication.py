"""Bearer tokens: who gets in, who gets 401, and what a 403 leaves behind."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from service.auth import policy
from service.auth import services as auth
from service.extensions import db

DEFAULT_NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.timezone.utc)
ME = "/api/v1/me"


def assert_unauthorized(problem, response):
    body = problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="tjenestespor"'
    assert body["type"] == "urn:tjenestespor:problem:unauthorized"
    return body


def test_a_valid_token_identifies_the_user(case_officer, town):
    response = case_officer.get(ME)
    assert response.status_code == 200
    me = response.get_json()
    assert me["username"] == case_officer.username
    assert me["role"] == "case_officer"
    assert me["municipality_number"] == town


def test_no_token_is_401(env, problem):
    assert_unauthorized(problem, env.anonymous().get(ME))


@pytest.mark.parametrize("header", [
    "Bearer",
    "Bearer ",
    "Token {token}",
    "Basic {token}",
    "{token}",
    "Bearer{token}",
    "Bearer {token}x",
    "Bearer x{token}",
])
def test_a_malformed_authorization_header_is_401(header, case_officer, problem):
    response = case_officer.client.get(ME, headers={"Authorization": header.format(token=case_officer.token)})
    assert_unauthorized(problem, response)


def test_an_unknown_token_is_401(env, problem):
    response = env.client.get(ME, headers={"Authorization": "Bearer tsp_" + "A" * 43})
    assert_unauthorized(problem, response)


def test_an_overlong_token_is_refused_without_a_lookup(env, problem):
    response = env.client.get(ME, headers={"Authorization": "Bearer tsp_" + "A" * 500})
    assert_unauthorized(problem, response)


def test_a_token_in_the_query_string_is_not_accepted(case_officer, problem):
    for name in ("access_token", "token", "bearer", "Authorization"):
        response = case_officer.client.get(f"{ME}?{name}={case_officer.token}")
        assert_unauthorized(problem, response)


def test_a_token_expires_after_its_lifetime(app, case_officer, frozen_clock, problem):
    ttl = dt.timedelta(days=app.config["TOKEN_TTL_DAYS"])
    frozen_clock.set(DEFAULT_NOW + ttl - dt.timedelta(seconds=1))
    assert case_officer.get(ME).status_code == 200
    frozen_clock.set(DEFAULT_NOW + ttl)
    assert_unauthorized(problem, case_officer.get(ME))
    frozen_clock.set(DEFAULT_NOW + ttl + dt.timedelta(days=30))
    assert_unauthorized(problem, case_officer.get(ME))


def test_a_revoked_token_is_401(app, case_officer, problem):
    with app.app_context():
        assert auth.revoke_tokens(case_officer.username) == 1
        db.session.commit()
    assert_unauthorized(problem, case_officer.get(ME))


def test_revoking_one_token_by_hint_leaves_the_others(app, env, town, problem):
    caller = env.caller("case_officer", town)
    with app.app_context():
        _, second = auth.issue_token(caller.username)
        db.session.commit()
        assert auth.revoke_tokens(caller.username, hint=caller.token[:10]) == 1
        db.session.commit()
    assert_unauthorized(problem, caller.get(ME))
    other = env.client.get(ME, headers={"Authorization": f"Bearer {second}"})
    assert other.status_code == 200


def test_a_disabled_users_tokens_stop_working(app, case_officer, problem):
    with app.app_context():
        auth.disable_user(case_officer.username)
        db.session.commit()
    assert_unauthorized(problem, case_officer.get(ME))


def test_a_disabled_user_is_refused_even_with_an_unrevoked_token(app, case_officer, problem):
    """Disabling is checked at authentication, not only by revoking the tokens."""
    from service.auth.models import User

    with app.app_context():
        user = db.session.get(User, case_officer.user_id)
        user.disabled_at = DEFAULT_NOW
        db.session.commit()
    assert_unauthorized(problem, case_officer.get(ME))


def test_tokens_are_stored_only_as_hashes(app, case_officer):
    from service.auth.models import ApiToken

    with app.app_context():
        stored = db.session.execute(db.select(ApiToken.token_hash, ApiToken.hint)).all()
    assert stored
    for token_hash, hint in stored:
        assert case_officer.token not in token_hash
        assert len(hint) < len(case_officer.token) // 2
    assert auth.hash_token(case_officer.token) in {h for h, _ in stored}


def person_routes():
    return sorted(route for route in policy.POLICY if "/persons" in route[1])


def test_a_planner_gets_403_on_every_person_route(env, town, make_person, problem):
    planner = env.caller("planner", town)
    person = make_person()
    routes = person_routes()
    assert len(routes) >= 7
    for method, rule in routes:
        url = re.sub(r"<(?:uuid:)?[\w:]+>", lambda m: str(uuid.uuid4()) if m.group().startswith("<uuid") else "x",
                     rule.replace("<uuid:person_id>", person["id"]))
        response = {"GET": planner.get, "POST": planner.post, "PATCH": planner.patch,
                    "PUT": planner.put, "DELETE": planner.delete}[method](url, **(
                        {"json": {"national_id": person["national_id"]}} if method != "GET" else {}))
        body = problem(response, 403)
        assert "The role planner may not" in body["detail"]
        assert person["name"] not in response.get_data(as_text=True)


def test_a_403_leaves_a_denied_audit_event_that_survives_the_failed_request(env, town, problem):
    planner = env.caller("planner", town)
    auditor = env.caller("auditor", town)
    refused = planner.get("/api/v1/persons", headers={"X-Request-Id": "denied-req-0001"})
    problem(refused, 403)

    response = auditor.get("/api/v1/audit?action=denied")
    assert response.status_code == 200
    events = response.get_json()
    assert len(events) == 1
    event = events[0]
    assert event["actor_id"] == str(planner.user_id)
    assert event["role"] == "planner"
    assert event["action"] == "denied"
    assert event["outcome"] == "denied"
    assert event["object_type"] == "route"
    assert event["object_id"] == "GET /api/v1/persons"
    assert event["request_id"] == refused.headers["X-Request-Id"]  # the server's id, not the client's


def test_a_401_writes_nothing(env, town, total):
    auditor = env.caller("auditor", town)

    def events():
        return total(auditor.get("/api/v1/audit"))

    before = events()
    env.anonymous().get("/api/v1/persons")
    env.client.get("/api/v1/persons", headers={"Authorization": "Bearer tsp_nope"})
    # Only the auditor's own first listing was added in between.
    assert events() == before + 1

"""The role × route table is complete, and the running app enforces exactly it.

Nothing here names a route: everything is read from ``app.url_map`` and
``service.auth.policy``, so routes added by later features are covered (and a
route without a policy entry fails the suite).
"""

from __future__ import annotations

import re
import uuid

import pytest

from service.auth import policy
from service.auth.roles import ALL_ROLES

IGNORED_METHODS = {"HEAD", "OPTIONS"}
_PARAM = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def registered_routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule)
            for rule in app.url_map.iter_rules()
            for method in rule.methods - IGNORED_METHODS}


def concrete_url(rule: str) -> str:
    """Fill every path parameter with a value its converter accepts (ids that do not exist)."""
    def value(match):
        converter = match.group("converter") or "default"
        if converter == "uuid":
            return str(uuid.uuid4())
        if converter == "int":
            return "1"
        return "x"
    return _PARAM.sub(value, rule)


def call(caller, method: str, url: str):
    send = {"GET": caller.get, "POST": caller.post, "PUT": caller.put,
            "PATCH": caller.patch, "DELETE": caller.delete}[method]
    return send(url, json={}) if method in {"POST", "PUT", "PATCH"} else send(url)


def test_every_route_has_a_policy_decision(app):
    undecided = sorted(route for route in registered_routes(app)
                       if route not in policy.PUBLIC and route not in policy.POLICY)
    assert undecided == [], f"routes without an entry in service/auth/policy.py: {undecided}"


def test_policy_names_only_routes_that_exist(app):
    routes = registered_routes(app)
    stale = sorted(set(policy.POLICY) - routes)
    assert stale == [], f"POLICY entries for routes that do not exist: {stale}"
    stale_public = sorted(set(policy.PUBLIC) - routes)
    assert stale_public == [], f"PUBLIC entries for routes that do not exist: {stale_public}"


def test_policy_uses_known_roles_and_public_routes_are_not_also_policed():
    for route, roles in policy.POLICY.items():
        assert roles, f"{route} allows nobody: remove it or name the roles"
        assert set(roles) <= set(ALL_ROLES), f"{route} names unknown roles {set(roles) - set(ALL_ROLES)}"
    assert not set(policy.PUBLIC) & set(policy.POLICY), "a route is both public and policed"


def test_an_unlisted_route_is_denied_to_everyone(monkeypatch):
    route = next(iter(policy.POLICY))
    monkeypatch.delitem(policy.POLICY, route)
    assert policy.allowed_roles(*route) is None


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_protected_route_enforces_the_table_for(role, app, callers):
    """Roles outside an entry get a problem+json 403; roles inside never get 401/403/5xx."""
    caller = callers[role]
    # The 403 names the role as people read it ("The role case officer may not …").
    role_label = caller.get("/api/v1/labels").get_json()["role"][role]["en"].lower()
    wrong = []
    for (method, rule), allowed in sorted(policy.POLICY.items()):
        response = call(caller, method, concrete_url(rule))
        status = response.status_code
        if role in allowed:
            if status in (401, 403) or status >= 500:
                wrong.append(f"{method} {rule}: allowed for {role} but answered {status} "
                             f"{response.get_data(as_text=True)[:200]}")
        else:
            if status != 403 or response.mimetype != "application/problem+json":
                wrong.append(f"{method} {rule}: not allowed for {role} but answered {status}")
            elif role_label not in response.get_json()["detail"]:
                wrong.append(f"{method} {rule}: 403 does not say which role was refused")
    assert wrong == [], "\n".join(wrong)


def test_every_protected_route_needs_a_token(app, env, problem):
    anonymous = env.anonymous()
    for method, rule in sorted(policy.POLICY):
        response = call(anonymous, method, concrete_url(rule))
        body = problem(response, 401)
        assert body["type"].endswith(":unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_public_routes_answer_without_a_token(app, env):
    anonymous = env.anonymous()
    for method, rule in sorted(policy.PUBLIC):
        url = concrete_url(rule).replace("/x", "/swagger-ui.css") if "<path:" in rule else concrete_url(rule)
        response = call(anonymous, method, url)
        assert response.status_code not in (401, 403), f"{method} {rule} -> {response.status_code}"

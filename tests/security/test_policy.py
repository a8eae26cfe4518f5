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
from tests.web.client import Browser, csrf_token, make_web_user

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


# The API's routes and the web pages' (policy.WEB_POLICY, policy.WEB_PUBLIC): one set of decisions.
def decided() -> dict[tuple[str, str], frozenset[str]]:
    return {**policy.POLICY, **policy.WEB_POLICY}


def public() -> frozenset[tuple[str, str]]:
    return policy.PUBLIC | policy.WEB_PUBLIC


def test_every_route_has_a_policy_decision(app):
    undecided = sorted(route for route in registered_routes(app) if route not in public() and route not in decided())
    assert undecided == [], f"routes without an entry in service/auth/policy.py: {undecided}"


def test_policy_names_only_routes_that_exist(app):
    routes = registered_routes(app)
    stale = sorted(set(decided()) - routes)
    assert stale == [], f"POLICY entries for routes that do not exist: {stale}"
    stale_public = sorted(set(public()) - routes)
    assert stale_public == [], f"PUBLIC entries for routes that do not exist: {stale_public}"


def test_policy_uses_known_roles_and_public_routes_are_not_also_policed():
    for route, roles in decided().items():
        assert roles, f"{route} allows nobody: remove it or name the roles"
        assert set(roles) <= set(ALL_ROLES), f"{route} names unknown roles {set(roles) - set(ALL_ROLES)}"
    assert not set(public()) & set(decided()), "a route is both public and policed"


def test_the_api_table_holds_api_routes_and_the_web_table_web_pages():
    assert not any(policy.is_web(rule) for _method, rule in set(policy.POLICY) | policy.PUBLIC)
    assert all(policy.is_web(rule) for _method, rule in set(policy.WEB_POLICY) | policy.WEB_PUBLIC)


def test_an_unlisted_route_is_denied_to_everyone(monkeypatch):
    for table in (policy.POLICY, policy.WEB_POLICY):
        route = next(iter(table))
        monkeypatch.delitem(table, route)
        assert policy.allowed_roles(*route) is None


def api_policy() -> list[tuple[tuple[str, str], frozenset[str]]]:
    """The API's routes (bearer tokens); the web pages' are tested with a web login below."""
    return sorted(policy.POLICY.items())


def web_policy() -> list[tuple[tuple[str, str], frozenset[str]]]:
    """The web pages, logout last (it ends the session the others use)."""
    return sorted(policy.WEB_POLICY.items(), key=lambda item: (item[0][1].endswith("/logout"), item[0]))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_protected_route_enforces_the_table_for(role, app, callers):
    """Roles outside an entry get a problem+json 403; roles inside never get 401/403/5xx."""
    caller = callers[role]
    # The 403 names the role as people read it ("The role case officer may not …").
    role_label = caller.get("/api/v1/labels").get_json()["role"][role]["en"].lower()
    wrong = []
    for (method, rule), allowed in api_policy():
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
    for (method, rule), _roles in api_policy():
        response = call(anonymous, method, concrete_url(rule))
        body = problem(response, 401)
        assert body["type"].endswith(":unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_public_routes_answer_without_a_token(app, env):
    anonymous = env.anonymous()
    for method, rule in sorted(public()):
        url = concrete_url(rule).replace("/x", "/swagger-ui.css") if "<path:" in rule else concrete_url(rule)
        response = call(anonymous, method, url)
        assert response.status_code not in (401, 403), f"{method} {rule} -> {response.status_code}"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_web_page_enforces_the_table_for(role, app, env, town):
    """The web pages follow the same table with the session of a web login: a role outside an
    entry gets the 403 page (HTML), a role inside never a 403, a 5xx or the login page."""
    user = make_web_user(app, env, town, role)
    browser = Browser(app)
    assert browser.log_in(user).status_code == 303
    token = csrf_token(browser.last_html)
    wrong = []
    for (method, rule), allowed in web_policy():
        url = concrete_url(rule)
        response = browser.get(url) if method == "GET" else browser.post(url, {"national_id": "x"}, token=token)
        status, location = response.status_code, response.headers.get("Location", "")
        sent_to_login = location.startswith("/app/login") and "logged_out" not in location
        if role in allowed:
            if status == 403 or status >= 500 or sent_to_login:
                wrong.append(f"{method} {rule}: allowed for {role} but answered {status} {location}")
        elif status != 403 or response.mimetype != "text/html":
            wrong.append(f"{method} {rule}: not allowed for {role} but answered {status}")
    assert wrong == [], "\n".join(wrong)


def test_every_web_page_sends_a_visitor_without_a_session_to_the_login(app, env):
    """A bearer token opens no page: the pages take the session of a web login only."""
    caller = env.caller("case_officer", env.municipality())
    for (method, rule), _roles in web_policy():
        response = call(caller, method, concrete_url(rule))
        assert response.status_code == 303, (method, rule, response.status_code)
        assert response.headers["Location"].startswith("/app/login"), (method, rule)

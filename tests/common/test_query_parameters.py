"""Unknown query parameters are a 422 naming them (docs/architecture.md), on every operation.

A misspelt or unsupported filter must not silently answer with everything: before,
``GET /persons?national_id=…`` returned the first page of every person. One check in
``service/common/http.py`` compares the query with what the operation declares (its
query schema, ``page``/``page_size`` where it paginates), so routes without any query
schema refuse parameters too.
"""

from __future__ import annotations

import uuid

import pytest

from service.auth import policy
from tests.helpers import openapi_path

API = "/api/v1"
UNKNOWN = "unknown query parameter"


def _operations(app) -> list[tuple[str, str]]:
    """(method, rule) of every operation in the OpenAPI document, as the URL map spells it."""
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item
                  if method in ("get", "post", "patch", "put", "delete")}
    return sorted((method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods or ()
                  if (method, openapi_path(rule.rule)) in documented)


def _url(rule: str) -> str:
    """The rule with made-up path values: the unknown parameter is refused before anything is looked up."""
    url = rule
    while "<" in url:
        start, end = url.index("<"), url.index(">")
        kind = url[start + 1:end].split(":")[0]
        url = url[:start] + (str(uuid.uuid4()) if kind == "uuid" else "x") + url[end + 1:]
    return url


@pytest.fixture
def callers(env, town):
    made = {}

    def caller_for(method: str, rule: str):
        if policy.is_public(method, rule):
            return env.anonymous()
        role = sorted(policy.allowed_roles(method, rule))[0]
        if role not in made:
            made[role] = env.caller(role, town)
        return made[role]

    return caller_for


def test_a_filter_the_list_does_not_have_is_422_naming_it(case_officer, make_person, synthetic_id, problem):
    make_person(name="Kari Nordmann")
    national_id = synthetic_id()

    response = case_officer.get(f"{API}/persons?national_id={national_id}")

    body = problem(response, 422)
    assert body["errors"] == {"national_id": [UNKNOWN]}
    assert "national_id" in body["detail"]
    assert national_id not in response.get_data(as_text=True)


def test_a_route_without_query_parameters_refuses_any(case_officer, make_person, problem):
    person = make_person()

    response = case_officer.get(f"{API}/persons/{person['id']}?x=1")

    assert problem(response, 422)["errors"] == {"x": [UNKNOWN]}


def test_every_unknown_parameter_is_named_and_the_known_ones_are_not(case_officer, problem):
    response = case_officer.get(f"{API}/persons?name=Kari&page=1&colour=red&sort=name&sort=id")

    assert problem(response, 422)["errors"] == {"colour": [UNKNOWN], "sort": [UNKNOWN]}


def test_declared_filters_and_pagination_still_work(case_officer, make_person, total):
    make_person(name="Kari Nordmann")
    make_person(name="Per Hansen")

    response = case_officer.get(f"{API}/persons?name=kari&page=1&page_size=10")

    assert response.status_code == 200, response.get_json()
    assert [p["name"] for p in response.get_json()] == ["Kari Nordmann"]
    assert total(response) == 1


def test_an_unknown_parameter_on_an_action_is_refused_too(case_officer, make_person, problem):
    person = make_person()
    etag = case_officer.get(f"{API}/persons/{person['id']}").headers["ETag"]

    response = case_officer.patch(f"{API}/persons/{person['id']}?dry_run=1", json={"district": "Nord"},
                                  headers={"If-Match": etag})

    assert problem(response, 422)["errors"] == {"dry_run": [UNKNOWN]}
    assert case_officer.get(f"{API}/persons/{person['id']}").get_json()["district"] != "Nord"


def test_a_parameter_name_that_looks_like_a_national_id_is_not_echoed(case_officer, synthetic_id, problem):
    national_id = synthetic_id()

    response = case_officer.get(f"{API}/persons?{national_id}=1")

    assert problem(response, 422)["errors"] == {"*" * 11: [UNKNOWN]}
    assert national_id not in response.get_data(as_text=True)


def test_every_operation_refuses_an_unknown_parameter(app, callers, problem):
    operations = _operations(app)
    assert len(operations) > 40  # the walk found the document's operations
    for method, rule in operations:
        caller = callers(method, rule)
        response = caller.client.open(f"{_url(rule)}?not_a_parameter=1", method=method, json={},
                                      headers=caller._headers(None))
        assert response.status_code == 422, (method, rule, response.status_code)
        assert problem(response, 422)["errors"] == {"not_a_parameter": [UNKNOWN]}, (method, rule)


def test_every_documented_query_parameter_is_accepted(app, callers):
    """What the OpenAPI document declares is exactly what the check lets through."""
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    checked = 0
    for path, item in document["paths"].items():
        operation = item.get("get")
        names = [p["name"] for p in (operation or {}).get("parameters", []) if p["in"] == "query"]
        if not names:
            continue
        rule = next(r.rule for r in app.url_map.iter_rules() if openapi_path(r.rule) == path)
        caller = callers("GET", rule)
        response = caller.get(_url(rule) + "?" + "&".join(f"{name}=1" for name in names))
        body = response.get_json()
        errors = (body.get("errors") or {}) if isinstance(body, dict) else {}
        assert not [name for name, messages in errors.items() if UNKNOWN in messages], (path, errors)
        checked += 1
    assert checked >= 10


def test_the_index_and_the_api_document_are_not_operations(app):
    """They describe the API; their links may carry what a browser adds."""
    client = app.test_client()
    assert client.get(f"{API}/openapi.json?v=1").status_code == 200
    assert client.get(f"{API}?x=1").status_code == 200


def test_who_may_not_call_the_operation_learns_that_first(env, town, problem):
    """Authentication (401) and the role table (403) come before the query is judged."""
    problem(env.anonymous().get(f"{API}/persons?national_id=1"), 401)
    problem(env.caller("planner", town).get(f"{API}/persons?national_id=1"), 403)

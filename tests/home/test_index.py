"""``/api/v1`` (and ``/``) tell a newcomer what this is and where everything is, without a token."""

from __future__ import annotations

import pytest

from service.auth import policy

INDEX_PATHS = ["/api/v1", "/api/v1/", "/"]
COLLECTIONS = ["persons", "referrals", "decisions", "plans", "housing_units", "housing_needs",
               "housing_offers", "housing_tenancies", "service_catalogue", "legal_bases", "provider_units",
               "users", "labels", "audit"]


@pytest.mark.parametrize("path", INDEX_PATHS)
def test_the_index_answers_json_with_name_version_and_links_without_a_token(env, path):
    response = env.anonymous().get(path)
    assert response.status_code == 200 and response.mimetype == "application/json"
    index = response.get_json()
    assert index["name"] == "tjenestespor"
    assert index["api_version"] == "v1" and index["version"]
    links = index["links"]
    assert links["openapi"] == "/api/v1/openapi.json"
    assert links["docs"] == "/api/v1/docs"
    assert links["health"] == "/api/v1/health"
    assert set(COLLECTIONS) <= set(links)


def test_a_bad_token_does_not_keep_anyone_from_the_index(env):
    assert env.client.get("/api/v1", headers={"Authorization": "Bearer tsp_nope"}).status_code == 200


def test_the_public_links_answer_without_a_token(env):
    links = env.anonymous().get("/api/v1").get_json()["links"]
    for name in ("self", "openapi", "docs", "health"):
        assert env.anonymous().get(links[name]).status_code == 200, name


def test_every_other_link_is_a_list_that_a_role_allowed_on_it_can_read(env, town):
    """No dead links: each answers 401 without a token and 200 to a role the policy allows."""
    links = env.anonymous().get("/api/v1").get_json()["links"]
    protected = {name: url for name, url in links.items() if name not in ("self", "openapi", "docs", "health")}
    assert protected
    for name, url in protected.items():
        assert env.anonymous().get(url).status_code == 401, name
        roles = policy.allowed_roles("GET", url)
        assert roles, f"{name}: {url} is not a route in the policy table"
        response = env.caller(sorted(roles)[0], town).get(url)
        assert response.status_code == 200, (name, response.get_json())


def test_the_index_is_not_an_operation_in_the_openapi_document(env):
    paths = env.anonymous().get("/api/v1/openapi.json").get_json()["paths"]
    assert not {"/", "/api/v1", "/api/v1/"} & set(paths)


def test_the_index_has_no_docs_link_when_the_docs_ui_is_off(fresh_app):
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "DOCS_UI_ENABLED": False})
    links = app.test_client().get("/api/v1").get_json()["links"]
    assert links["docs"] is None and links["openapi"] == "/api/v1/openapi.json"


@pytest.mark.parametrize("path", INDEX_PATHS)
def test_other_methods_on_the_index_are_405_problems(env, problem, path):
    problem(env.anonymous().post(path, json={}), 405)


def test_a_browser_opening_the_root_is_sent_to_the_web_application(env):
    page = env.client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 302 and page.headers["Location"].endswith("/app/")
    # a client that asks for JSON (or for anything) still gets the index
    assert env.client.get("/", headers={"Accept": "application/json"}).get_json()["links"]
    assert env.client.get("/", headers={"Accept": "*/*"}).status_code == 200
    assert env.client.get("/api/v1", headers={"Accept": "text/html"}).status_code == 200

"""Finding 6 of issue 18: the API and its docs sent no Content-Security-Policy, no
frame-ancestors/X-Frame-Options and no Referrer-Policy.

A JSON answer needs nothing loaded and nothing framed: ``default-src 'none'; frame-ancestors
'none'``. The Swagger UI page loads its own files from /api/v1/docs/static/ (never a CDN) and runs
one inline script, allowed by its hash. The web application's pages (/app) keep their own policy.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

JSON_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_api_headers(response) -> None:
    assert response.headers["Content-Security-Policy"] == JSON_POLICY, response.request.path
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/api/v1", "/api/v1/openapi.json", "/api/v1/health", "/api/v1/nope",
                                  "/api/v1/persons"])
def test_every_api_answer_forbids_loading_and_framing(path, env):
    assert_api_headers(env.client.get(path))


def test_answers_with_a_token_and_errors_have_them_too(case_officer, problem):
    assert_api_headers(case_officer.get("/api/v1/persons"))
    response = case_officer.post("/api/v1/persons", json={"name": ""})
    problem(response, 422)
    assert_api_headers(response)


def test_the_docs_page_may_run_only_its_own_files_and_its_one_inline_script(env):
    response = env.client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'"]
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert policy["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # Every file the page loads is one of ours, and is served.
    files = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert files and all(f.startswith("/api/v1/docs/static/") for f in files), files
    for url in files:
        served = env.client.get(url)
        assert served.status_code == 200, url
        assert served.headers["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in served.headers


def test_the_web_pages_keep_their_own_policy(env):
    """The web application (service/web) loads its own CSS and scripts, and Flask-WTF checks the
    Referer of a form on https: its pages keep the headers it sets."""
    response = env.client.get("/app/login")
    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert response.headers["Referrer-Policy"] != "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"

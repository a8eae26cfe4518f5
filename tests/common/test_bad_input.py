"""Bad input gets a clear problem+json answer and nothing is stored."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from service.auth import policy
from service.extensions import db

PERSONS = "/api/v1/persons"
ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


@pytest.fixture
def nothing_stored(case_officer, total):
    """Asserts after the test that the municipality still has no persons."""
    yield
    assert total(case_officer.get(PERSONS)) == 0


def test_malformed_json_is_400(case_officer, problem, nothing_stored):
    response = case_officer.client.post(PERSONS, data='{"name": "Kari", ', headers={
        "Authorization": f"Bearer {case_officer.token}", "Content-Type": "application/json"})
    body = problem(response, 400)
    assert body["type"] == "urn:tjenestespor:problem:bad_request"
    assert body["detail"] == "Innholdet i forespørselen er ikke gyldig JSON."  # no Accept-Language: bokmål


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml"])
def test_a_body_that_is_not_json_is_415(content_type, case_officer, problem, nothing_stored):
    response = case_officer.client.post(PERSONS, data='{"name": "Kari"}', headers={
        "Authorization": f"Bearer {case_officer.token}", "Content-Type": content_type})
    body = problem(response, 415)
    assert "application/json" in body["detail"]


def test_a_json_body_without_content_type_is_415(case_officer, problem, nothing_stored):
    response = case_officer.client.post(PERSONS, data='{"name": "Kari"}',
                                        headers={"Authorization": f"Bearer {case_officer.token}"})
    problem(response, 415)


def test_an_unknown_field_is_422_naming_it(case_officer, synthetic_id, problem, nothing_stored):
    response = case_officer.post(PERSONS, json={"name": "Kari", "national_id": synthetic_id(),
                                                "diagnosis": "F20"})
    body = problem(response, 422)
    assert body["type"] == "urn:tjenestespor:problem:validation_failed"
    assert list(body["errors"]) == ["diagnosis"]
    assert "F20" not in response.get_data(as_text=True)


def test_missing_and_mistyped_fields_are_422_per_field(case_officer, problem, nothing_stored):
    body = problem(case_officer.post(PERSONS, json={"sex": "unknown-sex", "birth_date": "yesterday"}), 422)
    assert set(body["errors"]) == {"name", "sex", "birth_date"}
    body = problem(case_officer.post(PERSONS, json=["not", "an", "object"]), 422)
    assert body["errors"]


def test_a_too_large_body_is_413(app, case_officer, synthetic_id, problem, monkeypatch, total):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 200)
    small = case_officer.post(PERSONS, json={"name": "Kari", "national_id": synthetic_id(), "district": "x"})
    assert small.status_code == 201
    big = case_officer.post(PERSONS, json={"name": "Kari " + "x" * 300, "national_id": synthetic_id()})
    body = problem(big, 413)
    assert body["type"] == "urn:tjenestespor:problem:payload_too_large"
    assert "200" in body["detail"]
    assert [p["id"] for p in case_officer.get(PERSONS).get_json()] == [small.get_json()["id"]]


@pytest.mark.parametrize("number, reason", [
    ("1506851234", "eleven"),
    ("150685123456", "eleven"),
    ("15068512345", "check digit"),
    ("1506851234a", "eleven"),
    ("32018512345", None),
])
def test_an_invalid_national_id_is_422_naming_field_and_reason_without_the_number(
        number, reason, case_officer, problem, nothing_stored):
    response = case_officer.post(PERSONS, json={"name": "Kari", "national_id": number})
    body = problem(response, 422)
    assert list(body["errors"]) == ["national_id"]
    message = body["errors"]["national_id"][0]
    if reason:
        assert reason in message
    text = response.get_data(as_text=True)
    assert number not in text and number[:6] not in text and number[-5:] not in text


def test_405_on_a_wrong_method_names_the_allowed_ones(case_officer, make_person, problem):
    person = make_person()
    response = case_officer.put(f"{PERSONS}/{person['id']}", json={"name": "X"})
    body = problem(response, 405)
    assert body["type"] == "urn:tjenestespor:problem:method_not_allowed"
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "PATCH"} <= allowed and "PUT" not in allowed
    assert case_officer.get(f"{PERSONS}/{person['id']}").get_json()["name"] == person["name"]


def test_405_also_without_a_token(env, problem):
    response = env.anonymous().delete(PERSONS)
    problem(response, 405)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api", "/index.html", "/api/v2/persons",
                                  "/api/v1/persons/not-a-uuid"])
def test_unknown_paths_are_404_problems(path, case_officer, problem):
    body = problem(case_officer.get(path), 404)
    assert body["type"] == "urn:tjenestespor:problem:not_found"
    assert body["instance"] == path


def test_the_server_ids_every_request_and_keeps_a_valid_client_id_only_as_its_correlation_id(case_officer,
                                                                                              problem):
    good = case_officer.get("/api/v1/nope", headers={"X-Request-Id": "client-req-42abc"})
    server_id = problem(good, 404)["request_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", server_id) and good.headers["X-Request-Id"] == server_id
    assert good.headers["X-Correlation-Id"] == "client-req-42abc"
    again = case_officer.get("/api/v1/nope", headers={"X-Request-Id": "client-req-42abc"})
    assert problem(again, 404)["request_id"] != server_id  # the client's id does not pick the server's
    for bad in ("<script>", "short", "x" * 65, "-starts-with-dash", "has space 123", "ok-but-ünicode"):
        response = case_officer.get("/api/v1/nope", headers={"X-Request-Id": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", problem(response, 404)["request_id"])
        assert "X-Correlation-Id" not in response.headers, bad
    assert "X-Correlation-Id" not in case_officer.get("/api/v1/nope").headers


@pytest.fixture
def failing_app(fresh_app, monkeypatch):
    """A throw-away app with two routes that fail: a plain bug and a broken SQL query."""
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    def boom():
        raise RuntimeError("secret internal state 15068512345")

    def bad_sql():
        db.session.execute(sa.text("SELECT secret_column FROM no_such_table WHERE fnr = :v"),
                           {"v": "15068512345"})
        return "unreachable"

    app.add_url_rule("/api/v1/boom", "boom", boom)
    app.add_url_rule("/api/v1/bad-sql", "bad_sql", bad_sql)
    monkeypatch.setattr(policy, "PUBLIC", policy.PUBLIC | {("GET", "/api/v1/boom"), ("GET", "/api/v1/bad-sql")})
    return app


@pytest.mark.parametrize("path", ["/api/v1/boom", "/api/v1/bad-sql"])
def test_a_500_shows_neither_trace_nor_sql_and_quotes_the_request_id(path, failing_app, problem, caplog):
    response = failing_app.test_client().get(path, headers={"X-Request-Id": "trace-me-12345678"})
    body = problem(response, 500)
    assert body["request_id"] == response.headers["X-Request-Id"] != "trace-me-12345678"
    assert body["type"] == "urn:tjenestespor:problem:internal_error"
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "RuntimeError", "secret", "SELECT", "no_such_table", "15068512345", ".py"):
        assert leak not in text, leak
    # The operator gets the trace in the log, tied to the server's request id and to the client's
    # correlation id (every record carries both), with the number redacted.
    assert body["request_id"] in caplog.text
    assert "Traceback" in caplog.text
    assert "15068512345" not in caplog.text
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    assert logged and all((r.request_id, r.correlation_id) == (body["request_id"], "trace-me-12345678")
                          for r in logged)


def test_a_client_id_holding_a_national_id_is_logged_redacted_beside_the_server_id(failing_app, caplog):
    import logging

    from service.common.logging import LOG_FORMAT

    response = failing_app.test_client().get("/api/v1/boom", headers={"X-Request-Id": "fnr-15068512345-x"})
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.levelname == "ERROR")
    line = logging.Formatter(LOG_FORMAT).format(record)
    assert f"[request {response.headers['X-Request-Id']} client fnr-[redacted-id]-x]:" in line
    assert "15068512345" not in line


def test_429_when_the_rate_limit_is_exceeded(fresh_app, problem):
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": True,
                                "RATELIMIT_DEFAULT": "2 per minute"})
    client = app.test_client()
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    response = client.get("/api/v1/openapi.json")
    body = problem(response, 429)
    assert body["type"] == "urn:tjenestespor:problem:too_many_requests"
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("body, field", [
    ({"name": "Kari\x00"}, "name"),
    ({"name": "Kari", "district": "Sann\x00idal"}, "district"),
    ({"name": "Kari", "bad\x00key": 1}, "bad\\u0000key"),
])
def test_nul_characters_in_a_body_are_422_naming_the_field(body, field, case_officer, synthetic_id, problem,
                                                          nothing_stored):
    body = {**body, "national_id": synthetic_id()}
    assert problem(case_officer.post(PERSONS, json=body), 422)["errors"] == {field: ["must not contain NUL characters"]}


def test_nul_characters_in_a_query_are_422_naming_the_parameter(case_officer, problem):
    body = problem(case_officer.get(f"{PERSONS}?name=Ka%00ri"), 422)
    assert body["errors"] == {"name": ["must not contain NUL characters"]}


@pytest.mark.parametrize("path", ["/api/v1/persons", "/api/v1/decisions", "/api/v1/housing/needs"])
def test_a_page_beyond_any_list_is_422_naming_page(path, env, town, problem):
    """Found by the API fuzz test: ?page=46116860184273881 overflowed the OFFSET (500)."""
    from service.common.pagination import MAX_PAGE

    officer = env.caller("case_officer", town)
    body = problem(officer.get(f"{path}?page=46116860184273881&page_size=200"), 422)
    assert body["errors"] == {"page": [f"must be at most {MAX_PAGE}"]}
    problem(officer.get(f"{path}?page={MAX_PAGE + 1}"), 422)
    last = officer.get(f"{path}?page={MAX_PAGE}&page_size=200")
    assert (last.status_code, last.get_json()) == (200, [])


def _date_properties(spec: dict):
    """(where, name, schema) of every date in the document: component properties and parameters."""
    for name, schema in spec["components"]["schemas"].items():
        for prop, definition in schema.get("properties", {}).items():
            if definition.get("format") == "date" or definition.get("items", {}).get("format") == "date":
                yield name, prop, definition
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("schema", {}).get("format") == "date":
                    yield f"{method.upper()} {path}", parameter["name"], parameter["schema"]


def test_every_date_the_api_takes_is_bounded_to_the_calendar_the_rules_can_count_in(env):
    """Deadlines and stays are counted forward from given dates: a date near 9999-12-31 made them
    fail with a 500 (found by the API fuzz test). Every date field uses service.common.fields.Date."""
    spec = env.anonymous().get("/api/v1/openapi.json").get_json()
    dates = list(_date_properties(spec))
    assert len(dates) > 50, "the OpenAPI document lists too few dates; the test would prove nothing"
    unbounded = sorted(f"{name}.{prop}" for name, prop, definition in dates if not definition.get("readOnly")
                       and (definition.get("x-minimum"), definition.get("x-maximum")) != ("1850-01-01", "2199-12-31"))
    assert unbounded == [], f"date fields without the calendar bounds (use service.common.fields.Date): {unbounded}"


@pytest.mark.parametrize("day", ["9999-12-31", "2200-01-01", "1849-12-31", "0001-01-01"])
def test_a_date_outside_the_calendar_is_422_naming_the_field(day, case_officer, synthetic_id, problem,
                                                              nothing_stored):
    body = {"name": "Kari", "national_id": synthetic_id(), "birth_date": day}
    assert problem(case_officer.post(PERSONS, json=body), 422)["errors"] == {
        "birth_date": ["must be between 1850-01-01 and 2199-12-31"]}


@pytest.mark.parametrize("name", ["\t", "   ", "\n"])
def test_a_blank_name_is_refused(case_officer, problem, nothing_stored, synthetic_id, name):
    body = problem(case_officer.post(PERSONS, json={"name": name, "national_id": synthetic_id()}), 422)
    assert list(body["errors"]) == ["name"]


@pytest.mark.parametrize("day", ["30.03.2027", "2027/03/30", "30 March 2027", "2027-3-30x", "2027-02-30"])
def test_a_badly_written_date_is_422_saying_the_format(day, case_officer, synthetic_id, problem, nothing_stored):
    body = problem(case_officer.post(PERSONS, json={"name": "Kari", "national_id": synthetic_id(),
                                                    "birth_date": day}), 422)
    assert list(body["errors"]) == ["birth_date"]
    assert "YYYY-MM-DD" in body["errors"]["birth_date"][0]


def test_a_badly_written_date_in_a_query_is_422_saying_the_format(case_officer, problem):
    body = problem(case_officer.get("/api/v1/decisions", query_string={"active_on": "30.03.2027"}), 422)
    assert list(body["errors"]) == ["active_on"]
    assert "YYYY-MM-DD" in body["errors"]["active_on"][0]


def test_the_date_format_is_said_in_bokmal_too(case_officer, synthetic_id, problem, nothing_stored):
    response = case_officer.post(PERSONS, json={"name": "Kari", "national_id": synthetic_id(),
                                                "birth_date": "30.03.2027"}, headers={"Accept-Language": "nb"})
    message = problem(response, 422)["errors"]["birth_date"][0]
    assert "MM-DD" in message and not message.startswith("Not a valid date")

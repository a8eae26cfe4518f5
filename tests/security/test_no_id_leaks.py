"""A national id never appears in a URL, a log line or an error body."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest

ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
ID_LIKE_NAME = re.compile(r"national|fnr|f(o|ø)dsels|personn|ssn|nin\b|pid\b|birth_number|d_number",
                          re.IGNORECASE)
PERSONS = "/api/v1/persons"


def test_no_url_in_the_openapi_document_carries_a_national_id(env):
    spec = env.anonymous().get("/api/v1/openapi.json").get_json()
    assert spec["paths"], "the OpenAPI document lists no paths"
    offenders = []
    for path, item in spec["paths"].items():
        if ELEVEN_DIGITS.search(path) or ID_LIKE_NAME.search(path):
            offenders.append(path)
        params = list(item.get("parameters", []))
        for method, operation in item.items():
            if isinstance(operation, dict):
                params += [(method, p) for p in operation.get("parameters", [])]
        for entry in params:
            method, param = entry if isinstance(entry, tuple) else ("*", entry)
            if param.get("in") in ("path", "query") and ID_LIKE_NAME.search(param.get("name", "")):
                offenders.append(f"{method.upper()} {path} ?{param['name']}")
    assert offenders == [], f"national ids would travel in URLs: {offenders}"


def test_the_search_body_is_where_the_national_id_goes(env):
    spec = env.anonymous().get("/api/v1/openapi.json").get_json()
    search = spec["paths"]["/api/v1/persons/search"]
    assert set(search) - {"parameters"} == {"post"}
    assert "requestBody" in search["post"]


@pytest.fixture
def debug_logs(caplog):
    """Capture everything at DEBUG, including SQL statements, from before the test's connection opens."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    return caplog


def test_a_realistic_flow_logs_no_national_id(debug_logs, env, town, synthetic_id, problem):
    officer = env.caller("case_officer", town)
    housing = env.caller("housing_officer", town)
    used = [synthetic_id(dt.date(1979, 12, 24)), synthetic_id(dt.date(2001, 1, 1))]
    invalid = "24127912345"
    first = officer.post(PERSONS, json={"name": "Logg Testesen", "national_id": used[0]})
    assert first.status_code == 201
    officer.post(PERSONS, json={"name": "Logg To", "national_id": used[1]})
    officer.post(f"{PERSONS}/search", json={"national_id": used[0]})
    housing.post(f"{PERSONS}/search", json={"national_id": used[1]})
    problem(officer.post(PERSONS, json={"name": "Ugyldig", "national_id": invalid}), 422)
    problem(officer.post(f"{PERSONS}/search", json={"national_id": invalid}), 422)
    problem(officer.post(PERSONS, json={"name": "Duplikat", "national_id": used[0]}), 409)
    officer.patch(f"{PERSONS}/{first.get_json()['id']}", json={"national_id": used[1]},
                  headers={"If-Match": '"v1"'})
    officer.get(f"{PERSONS}/{first.get_json()['id']}/overview")
    # A careless log call elsewhere in the code is redacted too.
    logging.getLogger("service.somewhere").warning("looked up %s", used[0])

    text = debug_logs.text
    assert debug_logs.records, "nothing was captured; the test would prove nothing"
    assert "[redacted-id]" in text
    assert "INSERT INTO persons" in text, "SQL statements were not captured"
    for number in used + [invalid]:
        assert number not in text
    assert not ELEVEN_DIGITS.search(text), ELEVEN_DIGITS.search(text)


def test_no_error_body_contains_the_national_id(env, town, make_person, synthetic_id, problem):
    officer = env.caller("case_officer", town)
    person = make_person(officer)
    number = person["national_id"]
    responses = [
        problem(officer.post(PERSONS, json={"name": "Dup", "national_id": number}), 409),
        problem(officer.post(PERSONS, json={"name": "Ukjent felt", "national_id": number, "x": number}), 422),
        problem(officer.post(PERSONS, json={"name": "Feil dato", "national_id": number,
                                            "birth_date": "2000-01-01"}), 422),
        problem(officer.post(PERSONS, json={"name": "Sjekksiffer", "national_id": number[:10] + "0"
                                            if number[-1] != "0" else number[:10] + "1"}), 422),
        problem(officer.post(PERSONS, json={"name": "Ugyldig", "national_id": "not" + number}), 422),
        problem(officer.post(PERSONS, json={"name": "Liste", "national_id": [number]}), 422),
        problem(officer.post(f"{PERSONS}/search", json={"national_id": number + "9"}), 422),
        problem(officer.patch(f"{PERSONS}/{person['id']}", json={"national_id": number}), 428),
        problem(env.caller("planner", town).post(f"{PERSONS}/search", json={"national_id": number}), 403),
        problem(env.anonymous().post(f"{PERSONS}/search", json={"national_id": number}), 401),
    ]
    for body in responses:
        text = str(body)
        assert number not in text, body
        assert number[:6] not in text and number[-5:] not in text, body

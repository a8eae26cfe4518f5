"""Finding 1 of issue 18: a deeply nested JSON body ([[[…]]], 1,000 levels, 2 KB) answered 500 on
every POST/PATCH route and wrote a RecursionError traceback to the log per request. It is refused
before anything parses it: 400 problem+json saying how deep a body may go, and no traceback."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

PERSONS = "/api/v1/persons"
DEEP = "[" * 1000 + "]" * 1000
MAX_JSON_DEPTH = 32  # service.common.http.MAX_JSON_DEPTH: far beyond any schema (three levels at most)


def test_the_documented_limit_is_the_one_applied():
    from service.common.http import MAX_JSON_DEPTH as applied

    assert applied == MAX_JSON_DEPTH


def _send(caller, method: str, url: str, data: str, **headers):
    return caller.client.open(url, method=method, data=data, headers={
        "Authorization": f"Bearer {caller.token}", "Content-Type": "application/json",
        "Accept-Language": "en", **headers})


def _no_trace(caplog) -> None:
    assert "RecursionError" not in caplog.text and "Traceback" not in caplog.text
    assert not [record for record in caplog.records if record.exc_info or record.levelname == "ERROR"]


def _body_routes(app):
    """(method, url) of every API operation that takes a body, with random ids in the path."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and not rule.rule.startswith("/api/v1/docs"):
            url = re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>",
                         lambda m: str(uuid.uuid4()) if m.group(1) == "uuid" else "x", rule.rule)
            for method in sorted(rule.methods & {"POST", "PATCH", "PUT"}):
                yield method, url


def test_a_thousand_levels_are_400_on_every_route_that_takes_a_body(app, case_officer, problem, caplog):
    routes = sorted(set(_body_routes(app)))
    assert len(routes) > 40, routes  # the issue counted 52 POST/PATCH routes
    for method, url in routes:
        body = problem(_send(case_officer, method, url, DEEP, **{"If-Match": '"v1"'}), 400)
        assert body["type"] == "urn:tjenestespor:problem:bad_request"
        assert body["detail"] == f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels."
    _no_trace(caplog)


def test_deep_nesting_inside_a_field_is_refused_and_nothing_is_stored(case_officer, problem, caplog, total):
    data = '{"name": "Kari", "national_id": "x", "district": ' + DEEP + "}"
    problem(_send(case_officer, "POST", PERSONS, data), 400)
    # Unbalanced (invalid JSON that a parser would still recurse into) is refused the same way.
    problem(_send(case_officer, "POST", PERSONS, '{"name": ' + "[" * 5000), 400)
    _no_trace(caplog)
    assert total(case_officer.get(PERSONS)) == 0


def test_the_limit_is_exact_and_brackets_in_strings_do_not_count(case_officer, synthetic_id, problem):
    at_limit = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)  # inside the body's own object
    response = _send(case_officer, "POST", PERSONS, '{"name": "Kari", "district": ' + at_limit + "}")
    assert problem(response, 422)["errors"].keys() >= {"district"}  # judged by the schema, as any bad value
    over = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    problem(_send(case_officer, "POST", PERSONS, '{"name": "Kari", "district": ' + over + "}"), 400)
    # Brackets and escaped quotes inside strings are text, not nesting.
    name = 'Kari [[[{{{ \\" [[[ ' + "[" * 150
    body = json.dumps({"name": "x", "national_id": synthetic_id(), "district": "y"})
    body = body.replace('"x"', '"' + name + '"', 1)
    response = _send(case_officer, "POST", PERSONS, body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == json.loads('"' + name + '"')


def test_a_deep_body_is_refused_before_authentication_too(env, problem, caplog):
    response = env.client.post(PERSONS, data=DEEP, headers={"Content-Type": "application/json"})
    problem(response, 400)
    _no_trace(caplog)


@pytest.mark.parametrize("body", ['"' + "a" * 200_000, '"' + '\\"' * 100_000])
def test_an_unterminated_string_is_scanned_in_linear_time(case_officer, problem, body):
    """The scan must not go quadratic on a string that never ends (a 256 KB body)."""
    import time

    started = time.perf_counter()
    response = _send(case_officer, "POST", PERSONS, body)
    assert response.status_code == 400
    assert time.perf_counter() - started < 2


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


_TEXT = st.text(alphabet=st.sampled_from('[]{}"\\ab, :\n\u00e6'), max_size=12)
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | _TEXT,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                     max_leaves=40)


@given(value=_JSON, limit=st.integers(min_value=0, max_value=6), ascii_only=st.booleans())
def test_the_scan_counts_nesting_as_a_parser_does(value, limit, ascii_only):
    """Brackets, quotes and backslashes inside strings (and keys) never count; nesting always does."""
    from service.common.http import json_nesting_exceeds

    data = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert json_nesting_exceeds(data, limit) is (_depth(value) > limit)

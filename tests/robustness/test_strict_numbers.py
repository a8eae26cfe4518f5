"""Finding 7 of issue 18: lax coercion. ``care_pathway: 1.5`` was stored as 1, ``capacity: 1.5`` as
1 and ``hours_per_week: 168.0001`` accepted as 168.00: a number the caller did not send was stored
without a word. A whole-number field now refuses a fraction, and a decimal field a value with more
decimal places than its column holds (hours are NUMERIC(6, 2)); both 422 naming the field."""

from __future__ import annotations

import marshmallow as ma
import pytest

from service.common import fields as common_fields

WHOLE = "Not a whole number."


def test_a_fractional_care_pathway_is_422(new_referral, case_officer, person, problem, total):
    body = {"person_id": person["id"], "received_on": "2026-02-10", "source": "gp", "channel": "electronic_message",
            "requested_services": ["psykisk-helse-oppfolging"]}
    for value in (1.5, 2.000001, "1.5"):
        response = case_officer.post("/api/v1/referrals", json={**body, "care_pathway": value})
        assert problem(response, 422)["errors"] == {"care_pathway": [WHOLE]}, value
    assert total(case_officer.get("/api/v1/referrals")) == 0
    # A whole number, however written, is that number.
    assert new_referral(care_pathway=2)["care_pathway"] == 2
    assert new_referral(care_pathway=3.0)["care_pathway"] == 3


def test_a_fractional_capacity_is_422(housing_officer, problem):
    body = {"label": "Sikker 1", "unit_type": "staffed_complex", "features": ["smoke_detector"]}
    response = housing_officer.post("/api/v1/housing/units", json={**body, "capacity": 1.5})
    assert problem(response, 422)["errors"] == {"capacity": [WHOLE]}
    created = housing_officer.post("/api/v1/housing/units", json={**body, "capacity": 4})
    assert created.status_code == 201 and created.get_json()["capacity"] == 4


def test_a_fractional_query_number_is_422(case_officer, problem):
    response = case_officer.get("/api/v1/decisions", query_string={"expiring_within": "30.5"})
    assert list(problem(response, 422)["errors"]) == ["expiring_within"]
    assert case_officer.get("/api/v1/decisions", query_string={"expiring_within": "30"}).status_code == 200


@pytest.mark.parametrize("hours", [168.0001, 2.001, 0.001, "2.125"])
def test_hours_with_more_than_two_decimals_are_422(hours, case_officer, person, env, town, problem, total):
    env.provider_unit(town, "Psykisk helseteam")
    response = case_officer.post("/api/v1/decisions", json={
        "person_id": person["id"], "service_code": "psykisk-helse-oppfolging", "hours_per_week": hours,
        "valid_from": "2026-01-01", "valid_to": "2026-12-31", "provider_unit": "Psykisk helseteam",
        "decided_on": "2025-12-15"})
    assert problem(response, 422)["errors"] == {"hours_per_week": ["must have at most 2 decimal places"]}
    assert total(case_officer.get("/api/v1/decisions")) == 0


@pytest.mark.parametrize("hours, stored", [(2.25, 2.25), (168, 168), (7.5, 7.5), ("1.10", 1.1), (3.0, 3)])
def test_hours_that_fit_are_stored_as_sent(hours, stored, new_decision):
    assert new_decision(hours_per_week=hours)["hours_per_week"] == stored


def _argument_schemas(app):
    """Every schema an API operation loads (its body and query), as flask-smorest records them."""
    for view in app.view_functions.values():
        view_class = getattr(view, "view_class", None)
        handlers = [getattr(view_class, m, None) for m in ("get", "post", "patch", "put", "delete")] \
            if view_class is not None else [view]
        for handler in handlers:
            for parameter in getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", []):
                schema = parameter["schema"]
                yield schema() if isinstance(schema, type) else schema


def _loaded_fields(schema, seen):
    if type(schema) in seen:
        return
    seen.add(type(schema))
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        todo = [field]
        while todo:
            current = todo.pop()
            yield f"{type(schema).__name__}.{name}", current
            if isinstance(current, ma.fields.Nested):
                yield from _loaded_fields(current.schema, seen)
            todo += [f for f in (getattr(current, "inner", None), getattr(current, "value_field", None)) if f]


def test_every_number_the_api_takes_is_strict(app):
    """One rule: every whole number an operation loads is service.common.fields.Integer, every
    decimal service.common.fields.Decimal (marshmallow's own truncate 1.5 to 1 and round 2.001)."""
    seen = set()
    numbers = [(where, field) for schema in _argument_schemas(app) for where, field in _loaded_fields(schema, seen)
               if isinstance(field, ma.fields.Number)]
    assert len(seen) > 50 and len(numbers) >= 8, (len(seen), numbers)
    lax = sorted({where for where, field in numbers
                  if not isinstance(field, (common_fields.Integer, common_fields.Decimal))})
    assert lax == [], f"numbers without the strict rule (use service.common.fields): {lax}"

"""Housing test helpers: a housing officer, units of each class, needs."""

from __future__ import annotations

import pytest

from service.common import clock

GREEN = ["smoke_detector", "fire_extinguisher"]
YELLOW = GREEN + ["enhanced_fire_safety", "water_leak_protection", "stove_guard", "systematic_supervision"]
RED = YELLOW + ["direct_fire_alarm", "robust_materials", "reinforced_windows_doors", "concealed_installations",
                "external_technical_room"]

U = "/api/v1/housing/units"
N = "/api/v1/housing/needs"
O = "/api/v1/housing/offers"
T = "/api/v1/housing/tenancies"


@pytest.fixture
def today(app):
    """``today()``: the frozen clock's date (ISO) when called. Dates with legal effect are
    always sent; the helpers below send this one unless a test gives its own."""
    def read() -> str:
        with app.app_context():
            return clock.today().isoformat()

    return read


@pytest.fixture
def make_unit(housing_officer):
    counter = iter(range(1, 10_000))

    def make(caller=None, **fields):
        body = {"label": f"Unit {next(counter)}", "unit_type": "ordinary_rental", "features": GREEN}
        body.update(fields)
        response = (caller or housing_officer).post(U, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def make_need(housing_officer, make_person, today):
    def make(person=None, caller=None, **fields):
        person = person or make_person()
        body = {"person_id": person["id"], "category": "ordinary", "housing_situation": "housed_insecure",
                "registered_on": today()}
        body.update(fields)
        response = (caller or housing_officer).post(N, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def offer(housing_officer, today):
    def make(unit, need, respond_by="2026-03-17", expect=201, **fields):
        body = {"unit_id": unit["id"], "need_id": need["id"], "respond_by": respond_by, "offered_on": today()}
        body.update(fields)
        response = housing_officer.post(O, json=body)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def check_misses_once(monkeypatch):
    """``check_misses_once(module, name)``: the duplicate check ``module.name`` sees nothing the
    first time, as when a concurrent request inserts the row right after the check (on SQLite
    writers are serial, so only this way does the unique index itself catch the duplicate)."""
    def patch(module, name):
        real, calls = getattr(module, name), []

        def check(*args):
            calls.append(args)
            return None if len(calls) == 1 else real(*args)

        monkeypatch.setattr(module, name, check)
        return calls

    return patch

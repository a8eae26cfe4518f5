"""Dated history (service/common/history.py): a unit's and a need's status on a past day.

The reports count statuses on a period's last day (T8, T9); these tests pin the mechanism they
rely on: a history row per insert and per change of a tracked field, on the day it was
registered, and ``as_of`` giving the row in force on any day.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from service.common.history import as_of
from service.common.tenancy import tenant_scope
from service.extensions import db
from service.housing.models import HousingNeedHistory, HousingUnit, HousingUnitHistory
from tests.helpers import at
from tests.housing.conftest import U


def _status_on(app, municipality_id, history, column, subject_id, day: str):
    with app.app_context(), tenant_scope(municipality_id):
        row = as_of(history, column, dt.date.fromisoformat(day))
        return db.session.execute(sa.select(row.c.status).where(getattr(row.c, column) == uuid.UUID(subject_id))
                                  ).scalar_one_or_none()


def _municipality_of(app, unit_id):
    with app.app_context():
        return db.session.execute(sa.select(HousingUnit.municipality_id).where(
            HousingUnit.id == uuid.UUID(unit_id)).execution_options(skip_tenant_scope=True)).scalar_one()


def test_a_units_status_on_each_day_follows_its_changes(app, frozen_clock, make_unit, housing_officer):
    frozen_clock.set(at("2026-01-10"))
    unit = make_unit()
    frozen_clock.set(at("2026-02-03"))
    assert housing_officer.post(f"{U}/{unit['id']}/unavailable", json={"reason": "renovation"}).status_code == 200
    frozen_clock.set(at("2026-02-20"))
    assert housing_officer.post(f"{U}/{unit['id']}/available", json={}).status_code == 200
    municipality_id = _municipality_of(app, unit["id"])
    on = lambda day: _status_on(app, municipality_id, HousingUnitHistory, "unit_id", unit["id"], day)  # noqa: E731
    assert on("2026-01-09") is None  # not registered yet
    assert on("2026-01-31") == "available"
    assert on("2026-02-03") == "unavailable"
    assert on("2026-02-19") == "unavailable"
    assert on("2026-02-28") == "available"


def test_a_change_to_an_untracked_field_writes_no_history_row(app, frozen_clock, make_unit, housing_officer):
    unit = make_unit()
    municipality_id = _municipality_of(app, unit["id"])
    response = housing_officer.patch(f"{U}/{unit['id']}", json={"address": "Storgata 1"},
                                     headers={"If-Match": f'"v{unit["version"]}"'})
    assert response.status_code == 200, response.get_json()
    with app.app_context(), tenant_scope(municipality_id):
        rows = db.session.scalars(sa.select(HousingUnitHistory.status).where(
            HousingUnitHistory.unit_id == uuid.UUID(unit["id"]))).all()
    assert rows == ["available"]


def test_a_need_housed_in_november_was_waiting_on_31_october(app, frozen_clock, make_unit, make_need, offer,
                                                             housing_officer):
    frozen_clock.set(at("2025-10-06"))
    unit, need = make_unit(), make_need(registered_on="2025-10-06")
    frozen_clock.set(at("2025-11-04"))
    made = offer(unit, need, respond_by="2025-11-18", offered_on="2025-11-04")
    assert housing_officer.post(f"/api/v1/housing/offers/{made['id']}/accept",
                                json={"start_on": "2025-11-10"}).status_code == 200
    municipality_id = _municipality_of(app, unit["id"])
    need_on = lambda day: _status_on(app, municipality_id, HousingNeedHistory, "need_id", need["id"], day)  # noqa: E731
    unit_on = lambda day: _status_on(app, municipality_id, HousingUnitHistory, "unit_id", unit["id"], day)  # noqa: E731
    assert (need_on("2025-10-31"), unit_on("2025-10-31")) == ("waiting", "available")
    assert need_on("2025-11-30") == "housed" and unit_on("2025-11-30") == "occupied"

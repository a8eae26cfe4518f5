"""Fixtures for the worklist tests: the town's flags, the jobs run for the town on a given day."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from service.auth.services import get_municipality_by_number
from service.common.tenancy import tenant_scope
from service.extensions import db
from service.jobs import tasks
from service.worklist.models import Flag
from tests.helpers import at

GREEN = ["smoke_detector", "fire_extinguisher"]
YELLOW = GREEN + ["enhanced_fire_safety", "water_leak_protection", "stove_guard", "systematic_supervision"]
RED = YELLOW + ["direct_fire_alarm", "robust_materials", "reinforced_windows_doors", "concealed_installations",
                "external_technical_room"]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Board:
    """The town's flags and jobs, read and run the way the scheduler would (system, no user)."""

    def __init__(self, app, town: str, clock):
        self.app, self.town, self.clock = app, town, clock
        with app.app_context():
            self.municipality_id = get_municipality_by_number(town).id

    def deadlines(self, on: str) -> dict:
        """The deadlines job for the town as on ``on``; its counts for the town."""
        with self.app.app_context():
            return tasks.run_deadlines(day(on), [self.municipality_id])[self.town]

    def offers(self, on: str) -> dict:
        with self.app.app_context():
            return tasks.run_offers(day(on), [self.municipality_id])[self.town]

    def flags(self, kind: str | None = None, **where) -> list[Flag]:
        with self.app.app_context(), tenant_scope(self.municipality_id):
            stmt = sa.select(Flag).order_by(Flag.due_on, Flag.kind, Flag.id)
            if kind is not None:
                stmt = stmt.where(Flag.kind == kind)
            for column, value in where.items():
                stmt = stmt.where(getattr(Flag, column) == value)
            flags = list(db.session.scalars(stmt))
            db.session.expunge_all()
            return flags

    def open(self, kind: str | None = None) -> list[Flag]:
        return [f for f in self.flags(kind) if f.status != "resolved"]

    def update(self, model, row_id, **values) -> None:
        """Change a row behind the services' back (a cause that goes away without an action that
        resolves its flags: only the job's safety net will)."""
        table = model.__table__
        with self.app.app_context():
            db.session.execute(sa.update(table).where(table.c.id == uuid.UUID(str(row_id))).values(**values))
            db.session.commit()

    def today(self, on: str) -> None:
        self.clock.set(at(on))


@pytest.fixture
def board(app, town, frozen_clock, db_connection) -> Board:
    return Board(app, town, frozen_clock)


API = "/api/v1"


def every_kind(env, town: str, make_person) -> dict:
    """Rows in ``town`` that give one flag of every kind on 03.03.2026 (the offers job expires the
    offer); the callers who made them. Built through the API, as the offices would."""
    from tests.helpers import ok

    officer = env.caller("case_officer", town)
    coordinator = env.caller("coordinator", town)
    housing = env.caller("housing_officer", town)
    env.provider_unit(town, "Psykisk helseteam")

    def person(name):
        return make_person(officer, name=name)

    def post(caller, url, body, status=(200, 201)):
        return ok(caller.post(f"{API}{url}", json=body), status)

    a, b, c, d, e, f, g = (person(n) for n in ("Anna A", "Bjørn B", "Cecilie C", "Dag D", "Eva E", "Finn F", "Gro G"))
    post(officer, "/referrals", {"person_id": a["id"], "received_on": "2026-02-10", "source": "gp",
                                 "channel": "letter", "requested_services": ["psykisk-helse-oppfolging"]})
    late = post(officer, "/referrals", {"person_id": a["id"], "received_on": "2026-01-20", "source": "nav",
                                        "channel": "letter", "requested_services": ["rus-oppfolging"]})
    post(officer, f"/referrals/{late['id']}/preliminary-reply", {"sent_on": "2026-02-15", "reason": "Venter",
                                                                  "expected_by": "2026-03-01"})
    post(officer, "/decisions", {"person_id": b["id"], "service_code": "psykisk-helse-oppfolging",
                                 "hours_per_week": 2, "valid_from": "2026-01-01", "valid_to": "2026-04-15",
                                 "evaluate_by": "2026-03-10", "provider_unit": "Psykisk helseteam",
                                 "decided_on": "2025-12-20"})
    untimed = post(officer, "/decisions", {"person_id": c["id"], "service_code": "psykisk-helse-oppfolging",
                                           "hours_per_week": 1, "valid_from": "2026-01-10", "decided_on": "2026-01-05"})
    post(officer, f"/decisions/{untimed['id']}/notify", {"notified_on": "2026-01-06"})
    post(officer, f"/decisions/{untimed['id']}/appeals", {"received_on": "2026-01-20"})
    plan = post(officer, "/plans", {"person_id": d["id"], "requested_on": "2026-01-05"})
    post(officer, f"/plans/{plan['id']}/appoint-coordinator", {"user_id": str(coordinator.user_id),
                                                               "appointed_on": "2026-01-06"})
    post(coordinator, f"/plans/{plan['id']}/consent", {"given_on": "2026-01-07", "scope": "Individuell plan"})
    post(coordinator, f"/plans/{plan['id']}/activate", {"activated_on": "2026-01-08",
                                                        "next_evaluation_on": "2026-03-12"})
    waiting = post(officer, "/plans", {"person_id": e["id"], "requested_on": "2026-02-01"})
    post(officer, f"/plans/{waiting['id']}/consent", {"given_on": "2026-02-10", "scope": "Individuell plan"})
    flat = post(housing, "/housing/units", {"label": "Treningsleilighet 1", "unit_type": "training_flat",
                                            "features": GREEN, "substance_free": True, "max_stay_months": 3,
                                            "next_inspection_on": "2026-03-25"})
    need = post(housing, "/housing/needs", {"person_id": f["id"], "category": "training_flat",
                                            "housing_situation": "institution_release", "registered_on": "2026-01-02"})
    offer = post(housing, "/housing/offers", {"unit_id": flat["id"], "need_id": need["id"], "offered_on": "2026-01-03",
                                              "respond_by": "2026-01-10"})
    post(housing, f"/housing/offers/{offer['id']}/accept", {"start_on": "2026-01-05", "responded_on": "2026-01-04"})
    staffed = post(housing, "/housing/units", {"label": "Tangen 1", "unit_type": "staffed_complex", "features": YELLOW,
                                               "staffing": "round_the_clock"})
    red_need = post(housing, "/housing/needs", {"person_id": g["id"], "category": "robust_supervised",
                                                "housing_situation": "sleeping_rough", "active_substance_use": True,
                                                "registered_on": "2026-02-01"})
    mismatch = post(housing, "/housing/offers", {"unit_id": staffed["id"], "need_id": red_need["id"],
                                                 "offered_on": "2026-02-02", "respond_by": "2026-02-09",
                                                 "class_mismatch_reason": "Akutt"})
    post(housing, f"/housing/offers/{mismatch['id']}/accept", {"start_on": "2026-02-03", "responded_on": "2026-02-02"})
    free = post(housing, "/housing/units", {"label": "Storgata 9", "unit_type": "ordinary_rental", "features": GREEN})
    other_need = post(housing, "/housing/needs", {"person_id": a["id"], "category": "ordinary",
                                                  "housing_situation": "with_friends_family",
                                                  "registered_on": "2026-02-01"})
    post(housing, "/housing/offers", {"unit_id": free["id"], "need_id": other_need["id"], "offered_on": "2026-02-20",
                                      "respond_by": "2026-02-27"})
    return {"officer": officer, "coordinator": coordinator, "housing": housing}

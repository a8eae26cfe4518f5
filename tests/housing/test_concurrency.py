"""No sequence or concurrency of requests puts more tenants in a unit than it holds.

These tests commit for real, in a municipality of their own, and fire offers
from 20 threads released together by a barrier. They run on SQLite (every
transaction BEGIN IMMEDIATE, so writers queue) and on PostgreSQL (row lock on
the unit, then the capacity triggers as backstop).
"""

from __future__ import annotations

import contextlib
import threading
import uuid

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.housing import capacity, offers
from tests.housing.conftest import GREEN, N, O, T, U

RACERS = 20


def _setup(env, synthetic_id, capacity_places=1):
    town = env.municipality()
    officer = env.caller("housing_officer", town)
    unit = officer.post(U, json={"label": "Race", "unit_type": "ordinary_rental", "features": GREEN,
                                 "capacity": capacity_places}).get_json()
    needs = []
    for _ in range(RACERS):
        person = officer.post("/api/v1/persons", json={"name": "Racer", "national_id": synthetic_id()}).get_json()
        needs.append(officer.post(N, json={"registered_on": "2026-03-03", "person_id": person["id"], "category": "ordinary",
                                           "housing_situation": "sleeping_rough"}).get_json())
    return officer, unit, needs


def _race(app, officer, unit, needs) -> list[int]:
    barrier = threading.Barrier(len(needs))
    statuses: list[int] = [0] * len(needs)

    def fire(index, need):
        client = app.test_client()
        barrier.wait()
        response = client.post(O, json={"offered_on": "2026-03-03", "unit_id": unit["id"], "need_id": need["id"], "respond_by": "2026-03-17"},
                               headers={"Authorization": f"Bearer {officer.token}"})
        statuses[index] = response.status_code

    threads = [threading.Thread(target=fire, args=(i, need)) for i, need in enumerate(needs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses



def _count_rows(app, unit_id) -> int:
    from service.housing.models import HousingOffer, Tenancy

    with app.app_context(), db.engine.connect() as conn:
        pending = conn.scalar(sa.select(sa.func.count()).select_from(HousingOffer.__table__).where(
            HousingOffer.__table__.c.unit_id == unit_id, HousingOffer.__table__.c.status == "pending"))
        active = conn.scalar(sa.select(sa.func.count()).select_from(Tenancy.__table__).where(
            Tenancy.__table__.c.unit_id == unit_id, Tenancy.__table__.c.ended_on.is_(None)))
    return pending + active


@contextlib.contextmanager
def _capacity_triggers_removed(app):
    """Take the database backstop away for the duration (to prove the race test can fail)."""
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE housing_offers DISABLE TRIGGER housing_offers_capacity")
            saved = None
        else:
            saved = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'housing_offers_capacity%'"
            ).all()
            for name, _ in saved:
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with app.app_context(), db.engine.begin() as conn:
            if saved is None:
                conn.exec_driver_sql("ALTER TABLE housing_offers ENABLE TRIGGER housing_offers_capacity")
            else:
                for _, sql in saved:
                    conn.exec_driver_sql(sql)


def _no_code_guard(monkeypatch):
    """Replace the lock-and-count guard and the status bookkeeping by nothing."""
    monkeypatch.setattr(capacity, "claim_slot", lambda unit_id: db.session.get(offers.HousingUnit, unit_id))
    monkeypatch.setattr(capacity, "refresh_status", lambda unit: None)


@pytest.mark.committed
def test_twenty_concurrent_offers_for_one_unit_exactly_one_wins(app, committed_env, synthetic_id, dialect):
    officer, unit, needs = _setup(committed_env, synthetic_id)
    statuses = _race(app, officer, unit, needs)
    print(f"{dialect}: {sorted(statuses)}")
    assert statuses.count(201) == 1
    assert statuses.count(409) == RACERS - 1
    assert _count_rows(app, uuid.UUID(unit["id"])) == 1
    assert officer.get(f"{U}/{unit['id']}").get_json()["status"] == "reserved"
    waiting = officer.get(f"{N}?status=waiting").get_json()
    assert len(waiting) == RACERS - 1


@pytest.mark.committed
def test_shared_unit_takes_exactly_its_capacity_under_concurrency(app, committed_env, synthetic_id):
    officer, unit, needs = _setup(committed_env, synthetic_id, capacity_places=3)
    statuses = _race(app, officer, unit, needs)
    assert statuses.count(201) == 3 and statuses.count(409) == RACERS - 3
    assert _count_rows(app, uuid.UUID(unit["id"])) == 3


@pytest.mark.committed
def test_the_database_alone_refuses_overbooking(app, committed_env, synthetic_id, monkeypatch):
    """With the code guard removed, the capacity triggers still let exactly one offer through."""
    officer, unit, needs = _setup(committed_env, synthetic_id)
    _no_code_guard(monkeypatch)
    statuses = _race(app, officer, unit, needs)
    assert statuses.count(201) == 1
    assert statuses.count(409) == RACERS - 1
    assert _count_rows(app, uuid.UUID(unit["id"])) == 1


@pytest.mark.committed
def test_race_overbooks_when_every_guard_is_removed(app, committed_env, synthetic_id, monkeypatch):
    """Proof that the race above is real: without the guards it books the unit many times."""
    officer, unit, needs = _setup(committed_env, synthetic_id)
    _no_code_guard(monkeypatch)
    with _capacity_triggers_removed(app):
        statuses = _race(app, officer, unit, needs)
    assert statuses.count(201) > 1
    assert _count_rows(app, uuid.UUID(unit["id"])) > 1


@pytest.mark.committed
def test_raw_sql_cannot_overbook_a_unit(app, committed_env, synthetic_id):
    """The triggers stand even for writes that bypass the services."""
    officer, unit, needs = _setup(committed_env, synthetic_id)
    first = officer.post(O, json={"offered_on": "2026-03-03", "unit_id": unit["id"], "need_id": needs[0]["id"], "respond_by": "2026-03-17"})
    assert first.status_code == 201
    from service.housing.models import HousingOffer

    table = HousingOffer.__table__
    with app.app_context():
        with db.engine.connect() as conn:
            row = dict(conn.execute(sa.select(table).where(table.c.id == uuid.UUID(first.get_json()["id"])))
                       .mappings().one())
        row.update(id=uuid.uuid4(), need_id=uuid.UUID(needs[1]["id"]))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(table.insert().values(**row))
    accepted = officer.post(f"{O}/{first.get_json()['id']}/accept", json={"start_on": "2026-03-03"}).get_json()
    tenancy = officer.get(f"{T}/{accepted['tenancy_id']}").get_json()
    assert tenancy["active"] is True
    with app.app_context():
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(table.insert().values(**row))

"""Idempotency-Key on creates: replay, reuse with another body, concurrent duplicates."""

import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from service.common import clock
from service.common.idempotency import IdempotencyKey
from service.extensions import db
from tests.conftest import Caller
from tests.helpers import assert_problem as problem


def _person_body(synthetic_id, name="Idem Potent"):
    return {"name": name, "national_id": synthetic_id(), "has_minor_children": "no"}


def test_retry_with_same_key_and_body_returns_the_first_answer(case_officer, synthetic_id):
    body = _person_body(synthetic_id)
    first = case_officer.post("/api/v1/persons", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    second = case_officer.post("/api/v1/persons", json=body, headers={"Idempotency-Key": "k-1"})
    assert second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Idempotent-Replayed"] == "true"
    listed = case_officer.get("/api/v1/persons?name=Idem").get_json()
    assert len(listed) == 1


def test_same_key_with_another_body_is_422(case_officer, synthetic_id):
    case_officer.post("/api/v1/persons", json=_person_body(synthetic_id), headers={"Idempotency-Key": "k-2"})
    error = problem(case_officer.post("/api/v1/persons", json=_person_body(synthetic_id, "Annen"),
                                      headers={"Idempotency-Key": "k-2"}), 422)
    assert "Idempotency-Key" in error["errors"]
    assert case_officer.get("/api/v1/persons?name=Annen").get_json() == []


def test_keys_are_per_user_and_failed_requests_store_nothing(env, town, case_officer, person, synthetic_id):
    bad = {"person_id": person["id"], "received_on": "2026-03-09", "source": "gp", "channel": "letter"}
    problem(case_officer.post("/api/v1/referrals", json=bad, headers={"Idempotency-Key": "r-1"}), 422)
    good = dict(bad, received_on="2026-03-02")
    first = case_officer.post("/api/v1/referrals", json=good, headers={"Idempotency-Key": "r-1"})
    assert first.status_code == 201  # the failed attempt did not burn the key
    colleague = env.caller("case_officer", town)
    other = colleague.post("/api/v1/referrals", json=good, headers={"Idempotency-Key": "r-1"})
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]


def test_decision_and_appeal_creates_are_idempotent(case_officer, new_decision, person):
    body = {"person_id": person["id"], "service_code": "kpr-6", "valid_from": "2026-03-01", "decided_on": "2026-03-01"}
    a = case_officer.post("/api/v1/decisions", json=body, headers={"Idempotency-Key": "d-1"})
    b = case_officer.post("/api/v1/decisions", json=body, headers={"Idempotency-Key": "d-1"})
    assert a.get_json()["id"] == b.get_json()["id"]
    url = f"/api/v1/decisions/{a.get_json()['id']}/appeals"
    x = case_officer.post(url, json={"received_on": "2026-03-02"}, headers={"Idempotency-Key": "a-1"})
    y = case_officer.post(url, json={"received_on": "2026-03-02"}, headers={"Idempotency-Key": "a-1"})
    assert x.get_json()["id"] == y.get_json()["id"]
    assert len(case_officer.get(url).get_json()) == 1


def test_expired_key_may_be_reused(case_officer, synthetic_id, frozen_clock):
    import datetime as dt

    first = case_officer.post("/api/v1/persons", json=_person_body(synthetic_id, "Første"),
                              headers={"Idempotency-Key": "k-ttl"})
    frozen_clock.set(dt.datetime(2026, 3, 4, 9, 1, tzinfo=dt.timezone.utc))
    second = case_officer.post("/api/v1/persons", json=_person_body(synthetic_id, "Andre"),
                               headers={"Idempotency-Key": "k-ttl"})
    assert second.status_code == 201 and second.get_json()["id"] != first.get_json()["id"]


def test_invalid_key_is_422(case_officer, synthetic_id):
    problem(case_officer.post("/api/v1/persons", json=_person_body(synthetic_id),
                              headers={"Idempotency-Key": "x" * 201}), 422)


@pytest.mark.committed
def test_duplicate_while_the_first_is_running_is_409(app, committed_env, synthetic_id):
    town = committed_env.municipality()
    officer = committed_env.caller("case_officer", town)
    key = f"race-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        municipality_id = db.session.get(__import__("service.auth.models", fromlist=["User"]).User,
                                         officer.user_id).municipality_id
        db.session.remove()
        connection = db.engine.connect()
        transaction = connection.begin()
        # The "first request": it has claimed the key and not yet finished.
        connection.execute(IdempotencyKey.__table__.insert().values(
            id=uuid.uuid4(), municipality_id=municipality_id, user_id=officer.user_id, key=key,
            request_hash="0" * 64, created_at=clock.now()))
    results = {}

    def second_request():
        caller = Caller(app.test_client(), officer.token)
        results["response"] = caller.post("/api/v1/persons", json=_person_body(synthetic_id, "Samtidig"),
                                          headers={"Idempotency-Key": key})

    thread = threading.Thread(target=second_request)
    thread.start()
    time.sleep(0.5)  # the second request now waits for the first one's transaction
    with app.app_context():
        transaction.commit()
        connection.close()
    thread.join(timeout=60)
    response = results["response"]
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["type"].endswith("idempotency_in_progress")
    listed = officer.get("/api/v1/persons?name=Samtidig").get_json()
    assert listed == []


@pytest.mark.committed
def test_concurrent_retries_create_exactly_one(app, committed_env, synthetic_id):
    town = committed_env.municipality()
    officer = committed_env.caller("case_officer", town)
    body = _person_body(synthetic_id, f"Parallell {uuid.uuid4().hex[:6]}")
    responses = []
    barrier = threading.Barrier(5)

    def post():
        caller = Caller(app.test_client(), officer.token)
        barrier.wait()
        responses.append(caller.post("/api/v1/persons", json=body, headers={"Idempotency-Key": "same"}))

    threads = [threading.Thread(target=post) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, statuses
    created_ids = {r.get_json()["id"] for r in responses if r.status_code == 201}
    assert len(created_ids) == 1
    assert len(officer.get(f"/api/v1/persons?name={body['name']}").get_json()) == 1
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)
                                  .where(IdempotencyKey.user_id == officer.user_id))
        db.session.remove()
    assert count == 1


def test_replay_is_in_the_persons_access_log(env, town, case_officer, person):
    body = {"person_id": person["id"], "received_on": "2026-03-02", "source": "gp", "channel": "letter"}
    case_officer.post("/api/v1/referrals", json=body, headers={"Idempotency-Key": "log-1"})
    case_officer.post("/api/v1/referrals", json=body, headers={"Idempotency-Key": "log-1"})
    auditor = env.caller("auditor", town)
    log = auditor.get(f"/api/v1/persons/{person['id']}/access-log").get_json()
    assert [e["object_type"] for e in log].count("idempotent_replay") == 1

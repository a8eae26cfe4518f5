"""One open plan per person is the database's rule, not only the code's."""

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy.exc import IntegrityError

from service.common.tenancy import tenant_scope
from service.extensions import db
from service.persons.models import Person
from service.persons.national_id import generate_synthetic_national_id
from service.plans.models import IndividualPlan
from tests.helpers import ok

API = "/api/v1/plans"


def _raw_plan(person_id, municipality_id, **fields) -> IndividualPlan:
    values = dict(id=uuid.uuid4(), municipality_id=municipality_id, person_id=person_id, status="requested",
                  requested_on=dt.date(2026, 1, 1), consent_information_sharing=False, coordinator_only=False)
    values.update(fields)
    return IndividualPlan(**values)


def test_the_partial_unique_index_refuses_a_second_open_plan(app, make_person):
    """Straight to the database, past every check in the service."""
    person = make_person()
    with app.app_context():
        stored = db.session.get(Person, uuid.UUID(person["id"]))
        with tenant_scope(stored.municipality_id):
            kw = dict(person_id=stored.id, municipality_id=stored.municipality_id)
            # Closed plans and plans declined outright do not count ...
            db.session.add(_raw_plan(**kw, status="closed", closed_on=dt.date(2026, 1, 2), close_reason="ferdig"))
            db.session.add(_raw_plan(**kw, status="declined", declined_on=dt.date(2026, 1, 3)))
            db.session.add(_raw_plan(**kw, status="active", consent_given_on=dt.date(2026, 1, 4),
                                     coordinator_name="Kari", activated_on=dt.date(2026, 1, 5)))
            db.session.flush()
            # ... but a coordinator-only declined plan does.
            with pytest.raises(IntegrityError), db.session.begin_nested():
                db.session.add(_raw_plan(**kw, status="declined", coordinator_only=True,
                                         declined_on=dt.date(2026, 1, 6)))
                db.session.flush()
            with pytest.raises(IntegrityError), db.session.begin_nested():
                db.session.add(_raw_plan(**kw))
                db.session.flush()


@pytest.mark.committed
def test_two_concurrent_requests_for_the_same_person_exactly_one_wins(app, committed_env, dialect):
    town = committed_env.municipality()
    officer = committed_env.caller("case_officer", town)
    person = ok(officer.post("/api/v1/persons", json={
        "name": "Samtidig Søker", "national_id": generate_synthetic_national_id(dt.date(1990, 5, 17), 7)}), 201)

    attempts = 2
    barrier = threading.Barrier(attempts)
    results: list = [None] * attempts

    def attempt(index: int) -> None:
        caller = type(officer)(app.test_client(), officer.token)  # its own client
        barrier.wait()
        response = caller.post(API, json={"person_id": person["id"], "requested_on": "2026-02-01"})
        results[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in results)
    print(f"{dialect}: concurrent plan requests answered {statuses}")
    assert statuses == [201, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["type"].endswith("plan_exists")
    plans = ok(officer.get(API, query_string={"person_id": person["id"]}))
    assert len(plans) == 1 and plans[0]["status"] == "requested"


def test_losing_the_race_at_the_index_is_a_clean_409(request_plan, case_officer, make_person, monkeypatch):
    """As when a concurrent request commits between our check and our insert: the
    check sees nothing, the index refuses, the caller gets the same 409 as always."""
    from service.plans import services

    person = make_person()
    first = request_plan(person)
    real = services._open_plan_of
    calls = []

    def blind_first_time(person_id):
        calls.append(person_id)
        return None if len(calls) == 1 else real(person_id)

    monkeypatch.setattr(services, "_open_plan_of", blind_first_time)
    response = case_officer.post(API, json={"person_id": person["id"], "requested_on": "2026-02-01"})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["existing_id"] == first["id"]
    assert len(calls) == 2
    # The request's transaction is intact: the person still has exactly the one plan.
    assert [p["id"] for p in ok(case_officer.get(API, query_string={"person_id": person["id"]}))] == [first["id"]]

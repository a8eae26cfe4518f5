"""Every read and write of a person is in their access log; the trail cannot be rewritten."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from service.extensions import db

PERSONS = "/api/v1/persons"
UTC = dt.timezone.utc


def access_log(auditor, person_id, **params):
    response = auditor.get(f"{PERSONS}/{person_id}/access-log", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_reading_a_person_shows_up_in_their_access_log(case_officer, auditor, make_person, frozen_clock):
    person = make_person()
    frozen_clock.set(dt.datetime(2026, 3, 4, 13, 37, 5, tzinfo=UTC))
    read = case_officer.get(f"{PERSONS}/{person['id']}", headers={"X-Request-Id": "read-req-000001"})
    assert read.status_code == 200

    newest = access_log(auditor, person["id"])[0]
    assert newest["actor_id"] == str(case_officer.user_id)
    assert newest["role"] == "case_officer"
    assert newest["action"] == "read"
    assert newest["object_type"] == "person"
    assert newest["object_id"] == person["id"]
    assert newest["person_id"] == person["id"]
    # The server's own request id (the one it answered with), never what the client sent.
    assert newest["request_id"] == read.headers["X-Request-Id"] != "read-req-000001"
    assert newest["outcome"] == "ok"
    assert dt.datetime.fromisoformat(newest["at"]) == dt.datetime(2026, 3, 4, 13, 37, 5, tzinfo=UTC)


def test_the_access_log_holds_create_update_and_reads_newest_first(case_officer, auditor, make_person, env, town):
    person = make_person()
    url = f"{PERSONS}/{person['id']}"
    case_officer.patch(url, json={"name": "Nytt Navn", "district": "Helle"}, headers={"If-Match": '"v1"'})
    housing = env.caller("housing_officer", town)
    housing.get(f"{url}/overview")

    log = access_log(auditor, person["id"])
    summary = [(e["action"], e["object_type"], e["role"]) for e in log]
    assert summary == [
        ("read", "person", "housing_officer"),
        ("update", "person", "case_officer"),
        ("create", "person", "case_officer"),
    ]
    assert log[1]["detail"] == "fields: district,name"
    seqs = [e["seq"] for e in log]
    assert seqs == sorted(seqs, reverse=True)


def test_reading_the_access_log_is_itself_recorded(auditor, make_person, frozen_clock):
    person = make_person()
    access_log(auditor, person["id"])
    log = access_log(auditor, person["id"])
    assert (log[0]["action"], log[0]["object_type"], log[0]["role"]) == ("read", "access_log", "auditor")


def test_a_list_read_makes_one_event_per_person_returned(case_officer, auditor, make_person):
    people = [make_person(name=name) for name in ("Anne A", "Berit B", "Cato C")]
    response = case_officer.get(f"{PERSONS}?page_size=2")
    returned = [p["id"] for p in response.get_json()]
    assert returned == [people[0]["id"], people[1]["id"]]

    for person in people:
        reads = [e for e in access_log(auditor, person["id"]) if e["action"] == "read"
                 and e["object_type"] == "person" and e["detail"] == "list"]
        if person["id"] in returned:
            assert len(reads) == 1
            assert reads[0]["actor_id"] == str(case_officer.user_id)
        else:
            assert reads == []


def test_a_search_hit_is_a_read_and_a_miss_is_recorded_without_a_person(case_officer, auditor, make_person,
                                                                       synthetic_id):
    person = make_person()
    case_officer.post(f"{PERSONS}/search", json={"national_id": person["national_id"]})
    hit = access_log(auditor, person["id"])[0]
    assert (hit["action"], hit["detail"]) == ("read", "search")
    case_officer.post(f"{PERSONS}/search", json={"national_id": synthetic_id()})
    misses = auditor.get("/api/v1/audit?object_type=person_search").get_json()
    assert len(misses) == 1 and misses[0]["outcome"] == "no_match" and misses[0]["person_id"] is None


def test_failed_writes_leave_no_audit_event(case_officer, auditor, make_person, problem):
    person = make_person()
    problem(case_officer.patch(f"{PERSONS}/{person['id']}", json={"name": "X"}, headers={"If-Match": '"v9"'}), 412)
    problem(case_officer.post(PERSONS, json={"name": "Dup", "national_id": person["national_id"]}), 409)
    actions = [e["action"] for e in access_log(auditor, person["id"])]
    assert actions == ["create"]


def test_the_audit_listing_filters_and_is_for_the_auditor(case_officer, auditor, make_person):
    person = make_person()
    case_officer.get(f"{PERSONS}/{person['id']}")
    creates = auditor.get(f"/api/v1/audit?action=create&actor_id={case_officer.user_id}").get_json()
    assert [(e["action"], e["person_id"]) for e in creates] == [("create", person["id"])]
    assert auditor.get("/api/v1/audit?action=teleport").status_code == 422


# --- who did it, by name -------------------------------------------------------------

def test_the_access_log_names_each_actor(env, town, auditor, make_person):
    """An officer reads the log without looking user ids up: display name, else username."""
    named = env.caller("case_officer", town, display_name="Kari Saksbehandler")
    unnamed = env.caller("housing_officer", town)
    person = make_person(named)
    unnamed.get(f"{PERSONS}/{person['id']}")

    log = access_log(auditor, person["id"])
    assert [(e["actor_id"], e["actor_name"], e["action"]) for e in log] == [
        (str(unnamed.user_id), unnamed.username, "read"),
        (str(named.user_id), "Kari Saksbehandler", "create"),
    ]


def test_the_audit_listing_names_actors_and_system_actions_have_no_name(app, env, town, auditor, make_person):
    from service.audit.services import record
    from service.auth.services import get_municipality_by_number
    from service.common.tenancy import tenant_scope

    officer = env.caller("case_officer", town, display_name="Kari Saksbehandler")
    person = make_person(officer)
    with app.app_context():  # a job or CLI command: no user behind it
        with tenant_scope(get_municipality_by_number(town).id):
            record("update", "person", object_id=person["id"], person_id=uuid.UUID(person["id"]),
                   detail="nightly job")
        db.session.commit()

    events = auditor.get(f"/api/v1/audit?person_id={person['id']}").get_json()
    assert [(e["role"], e["actor_id"], e["actor_name"]) for e in events] == [
        ("system", None, None),
        ("case_officer", str(officer.user_id), "Kari Saksbehandler"),
    ]
    # The auditor's own reading of the trail is named too.
    newest = auditor.get("/api/v1/audit?page_size=1").get_json()[0]
    assert (newest["object_type"], newest["actor_name"]) == ("audit_log", auditor.username)


def test_actor_names_cost_no_query_per_row(env, town, auditor, make_person, db_connection):
    """The names come from a join in the listing's own query, not one lookup per event."""
    person = make_person()
    for n in range(6):
        env.caller("case_officer", town, display_name=f"Leser {n}").get(f"{PERSONS}/{person['id']}")

    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db_connection, "before_cursor_execute", count)

    def statements_for(url):
        statements.clear()
        response = auditor.get(url)
        assert response.status_code == 200
        assert all(e["actor_name"] for e in response.get_json())
        assert any("FROM audit_events LEFT OUTER JOIN users" in s for s in statements)
        return len(statements), len(response.get_json())

    try:
        one = statements_for(f"{PERSONS}/{person['id']}/access-log?page_size=1")
        many = statements_for(f"{PERSONS}/{person['id']}/access-log?page_size=50")
        assert one[1] == 1 and many[1] >= 7
        assert many[0] == one[0]
        assert statements_for("/api/v1/audit?page_size=1")[0] == statements_for("/api/v1/audit?page_size=50")[0]
    finally:
        sa.event.remove(db_connection, "before_cursor_execute", count)


# --- the database refuses to change history ----------------------------------------

def by_id(sql: str) -> sa.TextClause:
    return sa.text(sql).bindparams(sa.bindparam("id", type_=sa.Uuid))


def some_event_id(app) -> uuid.UUID:
    from service.audit.models import AuditEvent

    with app.app_context():
        return db.session.scalar(sa.select(AuditEvent.id).order_by(AuditEvent.seq.desc()).limit(1))


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET detail = 'rewritten' WHERE id = :id",
    "UPDATE audit_events SET actor_id = NULL WHERE id = :id",
    "DELETE FROM audit_events WHERE id = :id",
])
def test_audit_rows_cannot_be_updated_or_deleted(statement, app, db_connection, make_person):
    make_person()
    event_id = some_event_id(app)
    assert event_id is not None
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db_connection.begin_nested():
            db_connection.execute(by_id(statement), {"id": event_id})
    assert db_connection.scalar(by_id("SELECT count(*) FROM audit_events WHERE id = :id"),
                                {"id": event_id}) == 1

"""The database goes away in the middle of a write (PostgreSQL): 503, nothing half written, and the
very next request works again without restarting the service.

test_database_faults.py fakes the driver's error; here PostgreSQL itself ends the connections:
``pg_terminate_backend`` on exactly the backends of this test's own app, found in
``pg_stat_activity`` by the ``application_name`` the app's engine connects with, at the moment
the request sends its INSERT. No other connection of the server is touched.
"""

from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa

from service.extensions import db
from tests.conftest import Env

PERSONS = "/api/v1/persons"
UNAVAILABLE = "urn:tjenestespor:problem:service_unavailable"
pytestmark = pytest.mark.committed


@pytest.fixture
def own_app(app, dialect, fresh_app):
    """An app of its own on the suite's (migrated) database whose connections carry a name of their own."""
    if dialect != "postgresql":
        pytest.skip("PostgreSQL only: ends the app's server connections with pg_terminate_backend "
                    "(set TEST_DATABASE_URL to a PostgreSQL database of your own)")
    name = f"tjenestespor-test-{uuid.uuid4().hex[:12]}"
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    options["connect_args"] = {**options.get("connect_args", {}), "application_name": name}
    own = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                "SQLALCHEMY_ENGINE_OPTIONS": options})
    observer = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    yield own, name, observer
    with own.app_context():
        db.engine.dispose()
    observer.dispose()


def _backends(observer, name: str) -> list[int]:
    with observer.connect() as conn:
        return list(conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                                 {"name": name}).scalars())


def _terminate(observer, name: str) -> list[int]:
    """End every backend of the app's connections and wait until the server has let them go."""
    pids = _backends(observer, name)
    with observer.connect() as conn:
        for pid in pids:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    deadline = time.monotonic() + 10
    while set(pids) & set(_backends(observer, name)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids


def _persons_named(observer, name: str) -> int:
    with observer.connect() as conn:  # the owner's connection: row-level security does not filter it
        return conn.execute(sa.text("SELECT count(*) FROM persons WHERE name = :name"), {"name": name}).scalar_one()


def test_the_database_gone_mid_write_is_503_nothing_is_written_and_the_next_request_works(
        own_app, synthetic_id, problem):
    app, name, observer = own_app
    env = Env(app)
    officer = env.caller("case_officer", env.municipality())
    assert officer.get(PERSONS).status_code == 200
    assert _backends(observer, name), "the app's connections carry its application_name"

    terminated = []

    def terminate_at_the_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO PERSONS") and not terminated:
            terminated.extend(_terminate(observer, name))

    person = {"name": f"Brutt Forbindelse {uuid.uuid4().hex[:6]}", "national_id": synthetic_id()}
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", terminate_at_the_insert)
    try:
        response = officer.post(PERSONS, json=person)
    finally:
        sa.event.remove(engine, "before_cursor_execute", terminate_at_the_insert)

    assert terminated, "the request sent no INSERT INTO persons"
    body = problem(response, 503)
    assert body["type"] == UNAVAILABLE
    assert int(response.headers["Retry-After"]) > 0
    for leak in ("INSERT", "terminating", "psycopg", "Traceback"):
        assert leak not in response.get_data(as_text=True), leak
    assert _persons_named(observer, person["name"]) == 0, "nothing of the failed request was written"

    # The same service, not restarted: the pool replaces its ended connections.
    again = officer.post(PERSONS, json=person)
    assert again.status_code == 201, again.get_json()
    assert _persons_named(observer, person["name"]) == 1
    assert officer.get(f"{PERSONS}/{again.get_json()['id']}").get_json()["name"] == person["name"]

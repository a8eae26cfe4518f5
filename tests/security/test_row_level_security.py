"""PostgreSQL's row-level security, the second line of tenancy (migration 0013 and
service/common/tenancy.py's ``install_database_scope``).

What it must show: a raw query that forgets the municipality, run as a role that does not bypass
the policies (as the application connects in production), sees nothing of another municipality;
the application itself, run entirely as such a role, still works — its requests, a write, the
deadline job across two municipalities and a CLI command — because it names the municipality of
every transaction; and every tenant table of the models has the policy, so a table added later
cannot be forgotten.

PostgreSQL only: SQLite has no row-level security (each test says so when it skips).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from service.common.models import TenantMixin
from service.extensions import db
from tests.helpers import UNIT, CaseRows, restricted_role

pytestmark = pytest.mark.usefixtures("db_connection")


@pytest.fixture(autouse=True)
def _postgresql_only(dialect):
    if dialect != "postgresql":
        pytest.skip("row-level security exists on PostgreSQL only (SQLite has no policies)")


@pytest.fixture
def app_role(db_connection):
    """A role like the application's in production (not the tables' owner, no BYPASSRLS), made in
    the test's transaction (rolled back with it), and a function that makes the connection use it."""
    name = restricted_role(db_connection)

    def become() -> None:
        db_connection.exec_driver_sql(f"SET LOCAL ROLE {name}")

    return become


@pytest.fixture
def two_towns(env, db_connection):
    """Two municipalities with a case each (made as the owner, before any test takes the role)."""
    towns = {}
    for name in ("Aby", "Bby"):
        town = env.municipality(name=name)
        env.provider_unit(town, UNIT)
        callers = {role: env.caller(role, town) for role in ("case_officer", "housing_officer", "coordinator")}
        rows = CaseRows(env, town, callers)
        case = rows.case(rows.person(f"Person i {name}"), coordinator=callers["coordinator"])
        towns[name] = {"town": town, "callers": callers, "case": case, "rows": rows,
                       "id": _municipality_of(db_connection, case.person["id"])}
    return towns


def _count(connection, table: str) -> int:
    return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


def _scope(connection, municipality_id) -> None:
    connection.exec_driver_sql("SELECT set_config('app.municipality_id', %s, true)",
                               (str(municipality_id) if municipality_id else "",))


def _municipality_of(connection, person_id: str):
    return connection.exec_driver_sql("SELECT municipality_id FROM persons WHERE id = %s",
                                      (uuid.UUID(person_id),)).scalar_one()


def test_a_raw_query_that_forgets_the_municipality_sees_only_the_one_named_or_none(db_connection, two_towns,
                                                                                  app_role):
    a = _municipality_of(db_connection, two_towns["Aby"]["case"].person["id"])
    b = _municipality_of(db_connection, two_towns["Bby"]["case"].person["id"])
    assert _count(db_connection, "persons") >= 2, "the owner (migrations, backups) sees every row"
    app_role()
    _scope(db_connection, None)
    assert [_count(db_connection, table) for table in ("persons", "decisions", "audit_events")] == [0, 0, 0]
    _scope(db_connection, a)
    names = db_connection.exec_driver_sql("SELECT name FROM persons").scalars().all()
    assert names == ["Person i Aby"]
    assert db_connection.exec_driver_sql("SELECT count(*) FROM decisions WHERE municipality_id = %s",
                                         (b,)).scalar_one() == 0
    # Nor can a row be written into another municipality, or moved there.
    savepoint = db_connection.begin_nested()
    with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
        db_connection.exec_driver_sql("UPDATE persons SET municipality_id = %s", (b,))
    savepoint.rollback()


def test_the_application_works_as_a_role_bound_by_the_policies(db_connection, two_towns, app_role, cli):
    """Everything below runs as the restricted role: had any statement reached the database
    without its municipality, it would have found no rows (or been refused) and this would fail."""
    app_role()
    aby, bby = two_towns["Aby"], two_towns["Bby"]
    officer = aby["callers"]["case_officer"]
    person = aby["case"].person
    assert officer.get(f"/api/v1/persons/{person['id']}").status_code == 200
    assert officer.get(f"/api/v1/persons/{person['id']}/overview").status_code == 200
    listed = officer.get("/api/v1/persons").get_json()
    assert [p["name"] for p in listed] == ["Person i Aby"]
    assert officer.get(f"/api/v1/persons/{bby['case'].person['id']}").status_code == 404
    created = aby["rows"].person("Ny Person", born=dt.date(1979, 5, 6))
    assert created["name"] == "Ny Person"
    decisions = aby["callers"]["case_officer"].get(f"/api/v1/decisions?person_id={person['id']}")
    assert decisions.status_code == 200 and len(decisions.get_json()) == 1
    # The deadline job works through both municipalities, each in its own scope.
    result = cli("jobs", "run", "deadlines", "--as-of", "2026-12-15")
    assert result.exit_code == 0, result.output
    flags = {}
    for name, town in two_towns.items():
        _scope(db_connection, town["id"])
        flags[name] = _count(db_connection, "flags")
    assert flags["Aby"] > 0 and flags["Bby"] > 0, flags
    report = cli("reports", "build", "--period", "2026-02", "--municipality", aby["town"])
    assert report.exit_code == 0, report.output


def test_a_provider_bound_by_the_policies_still_has_its_unit(db_connection, two_towns, env, app_role):
    """The user is read before its municipality is known (authentication): a tenant table joined
    to it then is hidden by the policies, and the provider's unit read as none all request."""
    provider = env.caller("provider", two_towns["Aby"]["town"], provider_unit=UNIT)
    app_role()
    me = provider.get("/api/v1/me").get_json()
    assert (me["role"], me["provider_unit"]) == ("provider", UNIT)


def test_every_tenant_table_has_the_policy(db_connection):
    tenant_tables = sorted({mapper.local_table.name for mapper in db.Model.registry.mappers
                            if issubclass(mapper.class_, TenantMixin)})
    protected = db_connection.exec_driver_sql(
        "SELECT c.relname FROM pg_class c JOIN pg_policies p ON p.tablename = c.relname "
        "WHERE c.relrowsecurity AND p.policyname = 'tenant_scope' AND p.schemaname = 'public'").scalars().all()
    assert sorted(protected) == tenant_tables


def test_audit_events_committed_after_their_scope_are_written_in_their_municipality(app, db_connection,
                                                                                    two_towns, app_role):
    """A job or command records in a municipality's scope and may commit after it; the trail's
    commit-time writer names each event's municipality to the database (service/audit/chain.py)."""
    from service.audit.services import record
    from service.common.tenancy import tenant_scope

    app_role()
    with app.app_context():
        with tenant_scope(two_towns["Aby"]["id"]):
            record("read", "person", detail="row-level security: after the scope")
        db.session.commit()
    _scope(db_connection, two_towns["Aby"]["id"])
    stored = db_connection.exec_driver_sql("SELECT count(*) FROM audit_events WHERE detail = %s",
                                           ("row-level security: after the scope",)).scalar_one()
    assert stored == 1

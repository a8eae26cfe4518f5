"""``demo generate --scale tiny``: bulk synthetic data, deterministic, audited per table, readable by the API."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa

from service import create_app
from service.audit.models import AuditEvent
from service.auth.models import Municipality
from service.common.tenancy import tenant_scope
from service.decisions.loading import select_with_state
from service.decisions.models import Appeal, Decision
from service.demo import bulk
from service.demo.proportions import SCALES
from service.demo.rows import TABLES, RowBuilder
from service.extensions import db
from service.housing.models import HousingNeed, HousingOffer, HousingUnit, Tenancy
from service.persons.models import Person
from service.persons.national_id import parse_national_id
from service.plans.models import IndividualPlan
from service.referrals.models import Referral

TINY = SCALES["tiny"]


def generate(cli, number: str, seed: int = 7):
    result = cli("demo", "generate", "--scale", "tiny", "--municipality", number, "--seed", str(seed),
                 "--no-progress")
    assert result.exit_code == 0, result.output
    return result


def municipality_id(number: str):
    return db.session.scalar(sa.select(Municipality.id).where(Municipality.number == number))


def counts(app, number: str) -> dict[str, int]:
    with app.app_context():
        with tenant_scope(municipality_id(number)):
            return {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                    for model, _ in TABLES}


def test_every_table_gets_rows_in_the_expected_ratios_and_a_summary(app, cli):
    result = generate(cli, "7101")
    rows = counts(app, "7101")
    assert all(count > 0 for count in rows.values()), rows
    assert rows["persons"] == TINY.persons and rows["housing_units"] == TINY.units
    assert rows["housing_needs"] == TINY.needs
    # every service user has at least one decision; renewals make chains of them
    assert TINY.service_users <= rows["decisions"] <= 4 * TINY.decisions
    assert rows["referrals"] >= TINY.service_users
    assert rows["appeals"] < rows["decisions"] / 5
    assert rows["individual_plans"] <= TINY.service_users
    assert rows["housing_tenancies"] <= rows["housing_offers"] <= rows["housing_needs"]
    assert "rows/s" in result.output and "decisions" in result.output


def test_decision_states_spread_over_the_generation_date(app, cli):
    generate(cli, "7102")
    with app.app_context(), tenant_scope(municipality_id("7102")):
        decisions = db.session.scalars(select_with_state()).all()
        users = db.session.scalar(sa.select(sa.func.count(sa.distinct(Decision.person_id))))
    states = [d.state for d in decisions]
    for state in ("active", "expiring", "expired", "superseded"):
        assert states.count(state) >= 1, state
    untimed = [d for d in decisions if d.state in ("active", "expiring") and d.valid_to is None]
    assert untimed
    assert users == TINY.service_users


def test_same_seed_gives_the_same_rows_and_ids(app, cli):
    generate(cli, "7103", seed=11)
    generate(cli, "7104", seed=11)
    assert counts(app, "7103") == counts(app, "7104")
    with app.app_context():
        people = {}
        for number in ("7103", "7104"):
            with tenant_scope(municipality_id(number)):
                people[number] = db.session.execute(
                    sa.select(Person.national_id, Person.name, Person.birth_date).order_by(Person.national_id)).all()
        assert people["7103"] == people["7104"]
        # the ids: rebuilding the rows for the same seed and municipality gives the stored ids
        mid = municipality_id("7103")
        with tenant_scope(mid):
            stored = set(db.session.scalars(sa.select(Decision.id)))
            rebuilt = RowBuilder(TINY, mid, 11, "7103").build()
        assert {row["id"] for row in rebuilt["decisions"]} == stored
        db.session.rollback()


def test_national_ids_are_synthetic(app, cli):
    generate(cli, "7105")
    with app.app_context(), tenant_scope(municipality_id("7105")):
        numbers = db.session.scalars(sa.select(Person.national_id)).all()
    assert len(set(numbers)) == TINY.persons
    assert all(parse_national_id(n, allow_synthetic=True).is_synthetic for n in numbers)


def test_one_bulk_audit_event_per_table(app, cli):
    generate(cli, "7106")
    with app.app_context():
        events = db.session.execute(
            sa.select(AuditEvent.object_type, AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.municipality_id == municipality_id("7106"), AuditEvent.detail.like("generated %"))
        ).all()
    assert sorted(e.object_type for e in events) == sorted(object_type for _, object_type in TABLES)
    assert {e.action for e in events} == {"create"}
    rows = counts(app, "7106")
    assert {e.detail for e in events if e.object_type == "decision"} == {
        f"generated {rows['decisions']} rows (demo generate)"}


def test_the_api_reads_a_generated_person_and_overview(app, cli, env):
    generate(cli, "7107")
    officer = env.caller("case_officer", "7107")
    with app.app_context(), tenant_scope(municipality_id("7107")):
        housed = db.session.scalar(sa.select(Tenancy.person_id).limit(1))
        with_appeal = db.session.scalar(sa.select(Appeal.person_id).limit(1))
        with_plan = db.session.scalar(sa.select(IndividualPlan.person_id).limit(1))
        with_referral = db.session.scalar(sa.select(Referral.person_id).limit(1))
    for person_id in {housed, with_appeal, with_plan, with_referral} - {None}:
        person = officer.get(f"/api/v1/persons/{person_id}")
        assert person.status_code == 200, person.get_json()
        overview = officer.get(f"/api/v1/persons/{person_id}/overview")
        assert overview.status_code == 200, overview.get_json()
    units = officer.get("/api/v1/decisions?page_size=5")
    assert units.status_code == 200, units.get_json()


def test_housing_stock_and_waiting_list(app, cli):
    generate(cli, "7108")
    with app.app_context(), tenant_scope(municipality_id("7108")):
        complexes = set(db.session.scalars(sa.select(HousingUnit.complex).where(HousingUnit.complex.is_not(None))))
        red = db.session.scalar(sa.select(sa.func.count()).where(HousingUnit.risk_class == "red"))
        categories = set(db.session.scalars(sa.select(HousingNeed.category)))
        occupied = db.session.scalar(sa.select(sa.func.count()).where(HousingUnit.status == "occupied"))
        tenancies = db.session.scalar(sa.select(sa.func.count()).select_from(Tenancy))
        pending = db.session.scalar(sa.select(sa.func.count()).where(HousingOffer.status == "pending"))
        reserved = db.session.scalar(sa.select(sa.func.count()).where(HousingUnit.status == "reserved"))
    assert len(complexes) == 2
    assert 1 <= red < TINY.units / 4
    assert len(categories) >= 3
    assert occupied == tenancies and reserved == pending


def test_refuses_a_second_generate_into_the_same_municipality(app, cli):
    generate(cli, "7109")
    before = counts(app, "7109")
    again = cli("demo", "generate", "--scale", "tiny", "--municipality", "7109", "--no-progress")
    assert again.exit_code != 0
    assert "already holds persons" in again.output
    assert counts(app, "7109") == before


def test_report_json_holds_rows_rates_and_open_deadline_conditions(app, cli, tmp_path):
    report = tmp_path / "report.json"
    result = cli("demo", "generate", "--scale", "tiny", "--municipality", "7110", "--no-progress",
                 "--report-json", str(report))
    assert result.exit_code == 0, result.output
    figures = json.loads(report.read_text())
    rows = counts(app, "7110")
    # and one history row per unit, need and plan (their statuses for the reports, as they are now)
    rows |= {"housing_unit_history": rows["housing_units"], "housing_need_history": rows["housing_needs"],
             "individual_plan_history": rows["individual_plans"]}
    assert {name: table["rows"] for name, table in figures["tables"].items()} == rows
    assert figures["rows"] == sum(rows.values()) and figures["rows_per_second"] > 0
    assert figures["method"] in ("COPY", "executemany")
    conditions = figures["open_deadline_conditions"]
    assert "open deadline conditions on 03.03.2026" in result.output
    with app.app_context(), tenant_scope(municipality_id("7110")):
        decisions = db.session.scalars(select_with_state()).all()
    # the SQL counts agree with the decisions' own state, computed in Python
    assert conditions["decision_expiring"] == sum(d.state == "expiring" for d in decisions) > 0
    assert conditions["decision_untimed"] == sum(
        d.state == "active" and d.valid_to is None and d.outcome != "refused" for d in decisions) > 0


def test_large_holds_fifty_thousand_open_deadline_conditions_by_construction(app, cli, tmp_path):
    """The proportions, not luck, give the scheduler's benchmark its work: measured on
    ``municipal`` and scaled by persons (``large`` itself takes minutes), with a margin."""
    report = tmp_path / "report.json"
    result = cli("demo", "generate", "--scale", "municipal", "--municipality", "7111", "--no-progress",
                 "--report-json", str(report))
    assert result.exit_code == 0, result.output
    conditions = json.loads(report.read_text())["open_deadline_conditions"]
    scale_up = SCALES["large"].persons / SCALES["municipal"].persons
    assert sum(conditions.values()) * scale_up >= 1.2 * 50_000, conditions
    for kind in ("referral_reply_due", "decision_expiring", "decision_evaluation_due", "decision_untimed",
                 "plan_evaluation_due", "plan_coordinator_missing", "unit_inspection_due"):
        assert conditions[kind] > 0, kind


@pytest.fixture
def empty_postgres_app(database_url, dialect):
    """A migrated database of its own: the suite's tables hold rows other tests committed."""
    if dialect != "postgresql":
        pytest.skip("constraints are dropped and recreated around COPY on PostgreSQL only; "
                    "SQLite loads with executemany")
    url = sa.engine.make_url(database_url)
    name = f"{url.database}_bulk_{os.getpid()}"
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url.set(database=name)
                                     .render_as_string(hide_password=False)})
    try:
        with scratch.app_context():
            flask_migrate.upgrade()
        yield scratch
    finally:
        with scratch.app_context():
            db.engine.dispose()
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        server.dispose()


def test_a_bulk_load_into_empty_tables_restores_every_constraint_and_index(empty_postgres_app):
    # Constraints by definition; indexes by table, columns, uniqueness and whether partial
    # (PostgreSQL prints a recreated partial index's predicate in a different but equal form).
    catalogue = sa.text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
        "UNION ALL SELECT indexrelid::regclass::text, concat_ws(' ', indrelid::regclass, indkey, indisunique, "
        "indpred IS NOT NULL) FROM pg_index WHERE indrelid::regclass::text NOT LIKE 'pg_%' ORDER BY 1, 2")
    tables = [model.__table__ for model, _ in TABLES]
    with empty_postgres_app.app_context(), db.engine.connect() as connection:
        before = connection.execute(catalogue).all()
        with bulk.constraints_after_load(connection, tables) as dropped:
            assert dropped
            assert len(connection.execute(catalogue).all()) < len(before)
        assert connection.execute(catalogue).all() == before
        connection.rollback()
        # a row that breaks a foreign key fails the load when the keys come back, and the
        # rollback leaves every constraint in place
        now = dt.datetime.now(dt.timezone.utc)
        with pytest.raises(sa.exc.IntegrityError, match="fk_referrals"):
            with bulk.constraints_after_load(connection, tables):
                connection.execute(sa.insert(Referral.__table__), [dict(
                    id=uuid.uuid4(), municipality_id=uuid.uuid4(), person_id=uuid.uuid4(),
                    received_on=dt.date(2026, 3, 1), source="gp", channel="form", requested_services=[],
                    urgency="routine", status="received", answer_due_on=dt.date(2026, 4, 1),
                    created_at=now, updated_at=now, version=1)])
        connection.rollback()
        assert connection.execute(catalogue).all() == before
        assert connection.execute(sa.text("SELECT count(*) FROM referrals")).scalar() == 0


def test_a_load_into_tables_that_hold_rows_keeps_the_constraints(app, cli):
    generate(cli, "7112")
    with app.app_context():
        with bulk.constraints_after_load(db.session.connection(), [m.__table__ for m, _ in TABLES]) as dropped:
            assert not dropped

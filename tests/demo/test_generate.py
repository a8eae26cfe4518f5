"""``demo generate --scale tiny``: bulk synthetic data, deterministic, audited per table, readable by the API."""

from __future__ import annotations

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.auth.models import Municipality
from service.common.tenancy import tenant_scope
from service.decisions.loading import select_with_state
from service.decisions.models import Appeal, Decision
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

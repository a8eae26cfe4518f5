"""Revision 0006 on a database with data: every name in use becomes a unit of its municipality's
register, decisions and users point at it, and rows that other tables reference survive the
table rebuilds SQLite needs (SQLite only: it builds a throw-away database of its own)."""

from __future__ import annotations

import uuid

import flask_migrate
import pytest
import sqlalchemy as sa

from service.extensions import db
from tests.helpers import database_at

NOW = "2026-03-01 09:00:00"


def _id() -> str:
    return uuid.uuid4().hex


def _insert(table: str, **row) -> str:
    row = {"id": _id(), "created_at": NOW, "updated_at": NOW, "version": 1, **row}
    columns = ", ".join(row)
    db.session.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in row)})"), row)
    return row["id"]


def _municipality(number: str) -> str:
    municipality = _insert("municipalities", number=number, name=f"Kommune {number}")
    _insert("legal_bases", municipality_id=municipality, code="pbrl-2-1a", name_nb="Rett", law_reference="pbrl",
            appeal_period_days=28, appeal_rule="pbrl § 7-5", appeal_body="Statsforvalteren", active=True)
    _insert("service_types", municipality_id=municipality, code="kpr-6", name_nb="Trygghetsalarm",
            hour_based=False, report_group="home_based", active=True)
    return municipality


def _person(municipality: str) -> str:
    return _insert("persons", municipality_id=municipality, name="Migrert Person", birth_date="1980-01-01",
                   national_id_missing_reason="test", has_minor_children="no")


def _decision(municipality: str, person: str, unit: str | None) -> str:
    return _insert("decisions", municipality_id=municipality, person_id=person, service_code="kpr-6",
                   legal_basis="pbrl-2-1a", outcome="granted", valid_from="2026-01-01", decided_on="2025-12-20",
                   provider_unit=unit)


def _units(municipality: str) -> dict[str, str]:
    rows = db.session.execute(sa.text("SELECT name, id FROM provider_units WHERE municipality_id = :m"),
                              {"m": municipality}).all()
    return {name: unit_id for name, unit_id in rows}


def _column(table: str, column: str, row_id: str):
    return db.session.execute(sa.text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()


@pytest.fixture
def old_database(fresh_app, tmp_path, dialect):  # noqa: F811
    if dialect != "sqlite":
        pytest.skip("builds a database of its own: SQLite only")
    with database_at(fresh_app, tmp_path / "old.sqlite3", "0005_deadlines") as app:
        yield app


def test_names_become_units_of_their_municipality_and_rows_point_at_them(old_database):
    app = old_database
    with app.app_context():
        north, south = _municipality("7001"), _municipality("7002")
        person, other = _person(north), _person(south)
        team = _decision(north, person, "Psykisk helseteam")
        spaced = _decision(north, person, " Psykisk helseteam ")  # the typo that used to hide it
        rus = _decision(north, person, "Rusteam")
        none, empty = _decision(north, person, None), _decision(north, person, "")
        theirs = _decision(south, other, "Psykisk helseteam")
        appeal = _insert("appeals", municipality_id=north, decision_id=team, person_id=person,
                         received_on="2026-01-05", status="received", deadline_met=True, appeal_period_days=28)
        provider = _insert("users", municipality_id=north, username="gammel.utforer", role="provider",
                           provider_unit="Psykisk helseteam ")
        _insert("api_tokens", user_id=provider, token_hash="0" * 64, hint="tsp_old", expires_at="2027-01-01")
        officer = _insert("users", municipality_id=south, username="gammel.saksbehandler", role="case_officer")
        db.session.commit()

        flask_migrate.upgrade()

        north_units, south_units = _units(north), _units(south)
        assert sorted(north_units) == ["Psykisk helseteam", "Rusteam"]
        assert sorted(south_units) == ["Psykisk helseteam"]
        assert south_units["Psykisk helseteam"] != north_units["Psykisk helseteam"]
        for decision in (team, spaced):
            assert _column("decisions", "provider_unit_id", decision) == north_units["Psykisk helseteam"]
        assert _column("decisions", "provider_unit_id", rus) == north_units["Rusteam"]
        assert _column("decisions", "provider_unit_id", none) is None
        assert _column("decisions", "provider_unit_id", empty) is None
        assert _column("decisions", "provider_unit_id", theirs) == south_units["Psykisk helseteam"]
        assert _column("users", "provider_unit_id", provider) == north_units["Psykisk helseteam"]
        assert _column("users", "provider_unit_id", officer) is None
        # Rows that point at the rebuilt tables are intact, and so is every foreign key.
        assert _column("appeals", "decision_id", appeal) == team
        assert db.session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1  # on again after migrating
        db.session.commit()
        assert "provider_unit" not in {c["name"] for c in sa.inspect(db.engine).get_columns("decisions")}

        flask_migrate.downgrade(revision="0005_deadlines")
        assert _column("decisions", "provider_unit", spaced) == "Psykisk helseteam"
        assert _column("users", "provider_unit", provider) == "Psykisk helseteam"
        db.session.commit()
        assert not sa.inspect(db.engine).has_table("provider_units")

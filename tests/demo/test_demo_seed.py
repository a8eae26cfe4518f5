"""``flask demo seed`` builds the demo municipality once, with synthetic persons only."""

from __future__ import annotations

import re

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.auth.models import ApiToken, Municipality, User
from service.auth.roles import ALL_ROLES
from service.demo.seed import DEMO_NUMBER, DEMO_PROVIDER_UNIT, PERSON_COUNT, SECOND_ACCOUNTS
from service.extensions import db
from service.persons.models import Person
from service.persons.national_id import parse_national_id
from tests.helpers import pagination_total

# Each line: role, username, the API token, and the web password.
TOKEN_LINE = re.compile(r"^\s+(?P<role>\w+)\s+(?P<username>[\w.-]+)\s+(?P<token>tsp_\S+)\s+password\s+"
                        r"(?P<password>\S{16})$")


def counts(app) -> dict:
    with app.app_context():
        return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                for model in (Municipality, User, ApiToken, Person, AuditEvent)}


def test_demo_seed_builds_once_and_then_changes_nothing(app, db_connection, env):
    with app.app_context():
        assert db.session.scalar(sa.select(Municipality).where(Municipality.number == DEMO_NUMBER)) is None, \
            "the test database already has the demo municipality"
    before = counts(app)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output

    lines = [m for m in map(TOKEN_LINE.match, first.output.splitlines()) if m]
    by_username = {m["username"]: (m["role"], m["token"]) for m in lines}
    assert len(by_username) == len(ALL_ROLES) + len(SECOND_ACCOUNTS)
    assert sorted({role for role, _ in by_username.values()}) == sorted(ALL_ROLES)
    for role, token in by_username.values():
        response = env.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, role
        assert response.get_json()["role"] == role
        assert response.get_json()["municipality_number"] == DEMO_NUMBER
    tokens = {role: token for username, (role, token) in by_username.items() if username.startswith("demo-")
              and username not in {account[0] for account in SECOND_ACCOUNTS}}
    # The administrator sees no health data; its second account (a case officer) works cases.
    admin_person_list = env.client.get("/api/v1/persons", headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert admin_person_list.status_code == 403
    second_role, second_token = by_username["demo-admin-case-officer"]
    assert second_role == "case_officer"
    assert env.client.get("/api/v1/persons?page_size=1",
                          headers={"Authorization": f"Bearer {second_token}"}).status_code == 200

    after = counts(app)
    assert after["Municipality"] == before["Municipality"] + 1
    assert after["User"] == before["User"] + len(ALL_ROLES) + len(SECOND_ACCOUNTS)
    assert after["ApiToken"] == before["ApiToken"] + len(ALL_ROLES) + len(SECOND_ACCOUNTS)
    assert after["Person"] == before["Person"] + PERSON_COUNT == before["Person"] + 140

    listing = env.client.get("/api/v1/persons?page_size=10",
                             headers={"Authorization": f"Bearer {tokens['case_officer']}"})
    assert pagination_total(listing) == 140
    with app.app_context():
        demo = db.session.scalar(sa.select(Municipality.id).where(Municipality.number == DEMO_NUMBER))
        numbers = db.session.scalars(sa.select(Person.national_id).where(Person.municipality_id == demo)).all()
        provider = db.session.scalar(sa.select(User).where(User.municipality_id == demo, User.role == "provider"))
        provider_unit = provider.provider_unit.name  # loaded when first used (service/auth/models.py)
    assert len(set(numbers)) == 140
    assert all(parse_national_id(n, allow_synthetic=True).is_synthetic for n in numbers)
    assert provider_unit == DEMO_PROVIDER_UNIT

    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert "already exists" in second.output
    assert "tsp_" not in second.output
    assert counts(app) == counts_after_listing(after)


def counts_after_listing(after: dict) -> dict:
    """The listing above read 10 persons (10 audit events); the second seed added nothing."""
    return {**after, "AuditEvent": after["AuditEvent"] + 10}

"""``demo seed``: the one place that builds a realistic small municipality.

Shaped like Kragerø (about 10 000 inhabitants, ~140 users of mental-health and
substance-use services). Every national id is synthetic (month + 80), so demo
data can never be a real person's. Later features add their part of the demo
here, always through the same service functions the API uses.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

import sqlalchemy as sa

from service.auth import services as auth
from service.auth.login import set_password
from service.auth.models import Municipality
from service.auth.roles import ADMIN, ALL_ROLES, CASE_OFFICER, PROVIDER
from service.common import clock
from service.common.tenancy import tenant_scope
from service.extensions import db
from service.housing.demo import seed_housing
from service.persons import services as persons
from service.persons.national_id import generate_synthetic_national_id

DEMO_NUMBER = "4014"
DEMO_NAME = "Kragerø (demo)"
DEMO_PROVIDER_UNIT = "Psykisk helse- og rustjenesten"
DISTRICTS = ("Kragerø sentrum", "Sannidal", "Helle", "Skåtøy", "Levangsheia", "Farsjø")
GIVEN = ("Anne", "Ola", "Kari", "Per", "Ingrid", "Lars", "Marte", "Jonas", "Sofie", "Emil",
         "Hanne", "Tor", "Silje", "Knut", "Maja", "Even", "Nora", "Sander", "Ida", "Henrik")
FAMILY = ("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
          "Kristiansen", "Jensen", "Karlsen", "Berg", "Haugen", "Dahl", "Lie", "Moen")
PERSON_COUNT = 140
# The administrator is a technical role that sees no health data (docs/security.md, "The
# access matrix"); a municipality that wants its administrator to work cases too gives that
# person a second account with the case-officer role, as the demo does for its administrator.
SECOND_ACCOUNTS = (("demo-admin-case-officer", CASE_OFFICER, f"Demo {ADMIN} (second account: {CASE_OFFICER})"),)


def demo_exists() -> bool:
    return db.session.scalar(sa.select(Municipality.id).where(Municipality.number == DEMO_NUMBER)) is not None


def seed_demo(rng_seed: int = 4014) -> list[tuple[str, str, str, str]]:
    """Create the demo municipality; returns ``(username, role, token, password)`` per role, then the
    second accounts. The passwords are for the web application (random: a demo may face a network);
    each user enrols the second factor at the first login."""
    rng = random.Random(rng_seed)
    municipality = auth.create_municipality(DEMO_NUMBER, DEMO_NAME)
    with tenant_scope(municipality.id):
        _seed_provider_units()
    credentials = []
    accounts = [(f"demo-{role.replace('_', '-')}", role, f"Demo {role}") for role in ALL_ROLES]
    for username, role, display_name in accounts + list(SECOND_ACCOUNTS):
        auth.create_user(DEMO_NUMBER, username, role, display_name=display_name,
                         provider_unit=DEMO_PROVIDER_UNIT if role == PROVIDER else None)
        _, token = auth.issue_token(username)
        password = secrets.token_urlsafe(12)
        set_password(username, password, temporary=False)  # published for the demo: not to be changed
        credentials.append((username, role, token, password))
    with tenant_scope(municipality.id):
        _seed_persons(rng)
        # cases: referrals, decisions (spread over the report groups) and one appeal
        from service.decisions.demo import seed_cases

        seed_cases(rng, DEMO_PROVIDER_UNIT)
        _seed_plans()
        seed_housing(random.Random(rng_seed + 5), DISTRICTS)
    return credentials


def _seed_provider_units() -> None:
    """The register first: decisions and the provider user name these units."""
    from service.decisions.demo import HOME_UNIT, HOUSING_UNIT
    from service.provider_units.services import create_unit

    for name in (DEMO_PROVIDER_UNIT, HOME_UNIT, HOUSING_UNIT):
        create_unit({"name": name})


def _seed_plans() -> None:
    from service.plans.demo import seed_plans

    seed_plans(random.Random(40144))


def _seed_persons(rng: random.Random) -> None:
    today = clock.today()
    for serial in range(PERSON_COUNT):
        age = rng.choice([rng.randint(16, 24), rng.randint(25, 49), rng.randint(25, 66), rng.randint(50, 80)])
        birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        persons.create_person({
            "national_id": generate_synthetic_national_id(birth, serial),
            "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "sex": rng.choice(("female", "male")),
            "district": rng.choice(DISTRICTS),
            "has_minor_children": rng.choice(("yes", "no", "no", "unknown")),
        })

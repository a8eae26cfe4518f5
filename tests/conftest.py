"""Test fixtures: one migrated database per run, one rolled-back transaction per test.

The database is SQLite unless ``TEST_DATABASE_URL`` names another (CI runs the
suite twice: SQLite and PostgreSQL). The schema is built by running the Alembic
migrations from empty, so every run also proves the migrations. Each test runs
inside a transaction that is rolled back; requests commit into savepoints of it.
Tests marked ``committed`` need real commits (concurrency) and instead work in a
municipality of their own. A module that seeds its rows once for all its tests uses
``module_connection`` instead, and ``pristine`` for a savepoint per test.

Helpers that are not fixtures live in tests/helpers.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa
from flask_limiter import Limiter
from hypothesis import HealthCheck, settings

import service
from service import create_app
from service.auth import services as auth
from service.common.clock import set_clock
from service.extensions import ProblemApi, _rate_limit_key, db
from tests.helpers import (
    MUNICIPALITY_NUMBERS,
    assert_problem,
    pagination_total,
    restricted_role,
    session_in_outer_transaction,
)

# Property tests talk to a real database: no per-example deadline, and in CI the
# same examples every run (a failure is reproducible, main never flickers red).
settings.register_profile("tjenestespor", deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("ci", parent=settings.get_profile("tjenestespor"), derandomize=True,
                          database=None)
settings.load_profile("ci" if os.environ.get("CI") else "tjenestespor")

DEFAULT_NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.timezone.utc)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory)
    if url.startswith("postgresql"):
        _reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


@pytest.fixture
def cached(app):
    """What workers remember between requests (``TOKEN_CACHE_SECONDS``, service/common/cache.py)
    on, at 5 s, for one test: live tokens and users' blocks, empty before and after."""
    from service.persons.access import BLOCKS_CACHE

    names = (auth.TOKEN_CACHE, BLOCKS_CACHE)
    app.config["TOKEN_CACHE_SECONDS"] = 5
    for name in names:
        app.extensions.pop(name, None)
    yield
    app.config["TOKEN_CACHE_SECONDS"] = 0
    for name in names:
        app.extensions.pop(name, None)


@pytest.fixture(autouse=True)
def frozen_clock(app):
    """Time is frozen for every test; ``frozen_clock.set(...)`` moves it."""

    class Clock:
        def set(self, when: dt.datetime) -> None:
            set_clock(app, when)

    clock = Clock()
    clock.set(DEFAULT_NOW)
    yield clock
    set_clock(app, DEFAULT_NOW)


@pytest.fixture
def db_connection(app, request):
    """Every session of the test joins one outer transaction that is rolled back."""
    if request.node.get_closest_marker("committed"):
        yield None
        return
    with session_in_outer_transaction(app) as connection:
        yield connection


@pytest.fixture(scope="module")
def module_connection(app):
    """One outer transaction for a whole module (seeded once), rolled back at the end.

    The same arrangement as ``db_connection``, module-wide: requests commit into
    savepoints of it. Use it with ``pristine`` (``pytestmark = pytest.mark.usefixtures("pristine")``).
    """
    with session_in_outer_transaction(app) as connection:
        yield connection


@pytest.fixture
def pristine(module_connection):
    """Each test meets the module's rows as seeded: what the previous one changed is rolled back."""
    savepoint = module_connection.begin_nested()
    yield
    savepoint.rollback()


@pytest.fixture(scope="module")
def application_login(module_connection, dialect) -> str | None:
    """On PostgreSQL, a role like the one the application logs in as in production (bound by
    row-level security), for a module's transaction; SQLite has no such policies and no roles."""
    return restricted_role(module_connection) if dialect == "postgresql" else None


@pytest.fixture
def as_the_application(world, pristine, module_connection, application_login):
    """The test's requests reach the database as the application's production login: a
    statement sent without its municipality finds nothing or is refused, as it would there.
    For a module seeded once (``world`` is seeded as the owner first); the role ends with the
    test's savepoint (``pristine``)."""
    if application_login is not None:
        module_connection.exec_driver_sql(f"SET LOCAL ROLE {application_login}")


@pytest.fixture
def cli(app, db_connection):
    """``cli(*args)``: run a ``flask`` command inside the test's transaction."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture
def problem():
    """``problem(response, status)``: assert an RFC 9457 problem, return its body."""
    return assert_problem


@pytest.fixture
def total():
    """``total(response)``: the total count from a list response's X-Pagination header."""
    return pagination_total


class Caller:
    """A test client that sends a user's bearer token and JSON."""

    def __init__(self, client, token: str | None, user_id=None, role=None, username=None):
        self.client, self.token = client, token
        self.user_id, self.role, self.username = user_id, role, username

    def _headers(self, headers):
        # Tests read the English texts (the message ids) unless they ask for a language:
        # tests/common/test_language.py checks that no header gives bokmål.
        merged = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        merged["Accept-Language"] = "en"
        merged.update(headers or {})
        return {k: v for k, v in merged.items() if v is not None}

    def get(self, url, headers=None, **kw):
        return self.client.get(url, headers=self._headers(headers), **kw)

    def post(self, url, json=None, headers=None, **kw):
        return self.client.post(url, json=json, headers=self._headers(headers), **kw)

    def patch(self, url, json=None, headers=None, **kw):
        return self.client.patch(url, json=json, headers=self._headers(headers), **kw)

    def put(self, url, json=None, headers=None, **kw):
        return self.client.put(url, json=json, headers=self._headers(headers), **kw)

    def delete(self, url, headers=None, **kw):
        return self.client.delete(url, headers=self._headers(headers), **kw)


class Env:
    """Builds municipalities and callers for a test."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def municipality(self, number: str | None = None, name: str = "Testkommune"):
        number = number or f"{next(MUNICIPALITY_NUMBERS):04d}"
        with self.app.app_context():
            municipality = auth.create_municipality(number, f"{name} {number}")
            db.session.commit()
            return municipality.number

    def provider_unit(self, municipality: str, name: str) -> str:
        """The id of the municipality's provider unit ``name``, added to its register when missing."""
        from service.common.tenancy import tenant_scope
        from service.provider_units import services as provider_units

        with self.app.app_context():
            municipality_id = auth.get_municipality_by_number(municipality).id
            with tenant_scope(municipality_id):
                known = {unit.name: unit for unit in provider_units.list_units({})}
                unit = known.get(name) or provider_units.create_unit({"name": name})
                db.session.commit()
                return str(unit.id)

    def caller(self, role: str, municipality: str, *, provider_unit: str | None = None,
               username: str | None = None, display_name: str | None = None) -> Caller:
        """A user with a token. A provider works in ``provider_unit`` (default "Psykisk helseteam"),
        which is added to the municipality's register when missing."""
        username = username or f"{role.replace('_', '-')}-{uuid.uuid4().hex[:8]}"
        if role == "provider" and provider_unit is None:
            provider_unit = "Psykisk helseteam"
        if provider_unit is not None:
            self.provider_unit(municipality, provider_unit)
        with self.app.app_context():
            user = auth.create_user(municipality, username, role, provider_unit=provider_unit,
                                    display_name=display_name)
            _, token = auth.issue_token(username)
            db.session.commit()
            return Caller(self.client, token, user.id, role, username)

    def anonymous(self) -> Caller:
        return Caller(self.client, None)


@pytest.fixture
def env(app, db_connection) -> Env:
    return Env(app)


@pytest.fixture
def committed_env(app, request) -> Env:
    """For tests marked ``committed``: requests really commit (use your own municipality)."""
    assert request.node.get_closest_marker("committed"), "mark the test @pytest.mark.committed"
    return Env(app)


@pytest.fixture
def town(env) -> str:
    """The municipality most tests work in (like every new one, without provider units:
    ``env.provider_unit`` adds one, ``env.caller("provider", …)`` adds the provider's)."""
    return env.municipality()


@pytest.fixture
def case_officer(env, town) -> Caller:
    return env.caller("case_officer", town)


@pytest.fixture
def housing_officer(env, town) -> Caller:
    return env.caller("housing_officer", town)


@pytest.fixture
def synthetic_id():
    """Fresh synthetic national ids (month + 80), never a real person's."""
    from service.persons.national_id import generate_synthetic_national_id

    serials = itertools.count(1)

    def make(birth_date: dt.date = dt.date(1985, 6, 15)) -> str:
        return generate_synthetic_national_id(birth_date, next(serials))

    return make


@pytest.fixture
def make_person(case_officer, synthetic_id):
    def make(caller: Caller | None = None, **fields) -> dict:
        body = {"name": "Kari Testesen", "national_id": synthetic_id(), "sex": "female",
                "has_minor_children": "no"}
        body.update(fields)
        response = (caller or case_officer).post("/api/v1/persons", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


# --- the allocation office's rows (referrals, decisions, and what builds on them) ---

@pytest.fixture
def person(make_person):
    return make_person(name="Per Saksen")


@pytest.fixture
def new_referral(case_officer, person):
    def make(caller=None, **fields):
        body = {"person_id": person["id"], "received_on": "2026-02-10", "source": "gp",
                "channel": "electronic_message", "requested_services": ["psykisk-helse-oppfolging"]}
        body.update(fields)
        response = (caller or case_officer).post("/api/v1/referrals", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def new_decision(env, town, case_officer, person):
    """``new_decision(caller=None, **fields)``: a decision in ``town``, by default decided and
    delivered by "Psykisk helseteam"; the unit named is added to town's register first."""
    def make(caller=None, **fields):
        body = {"person_id": person["id"], "service_code": "psykisk-helse-oppfolging",
                "hours_per_week": 2, "valid_from": "2026-01-01", "valid_to": "2026-12-31",
                "provider_unit": "Psykisk helseteam", "decided_on": "2025-12-15"}
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        if "provider_unit" in body:
            env.provider_unit(town, body["provider_unit"])
        response = (caller or case_officer).post("/api/v1/decisions", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def fresh_app(monkeypatch):
    """Build another app in this process without disturbing the session's app.

    flask-smorest's ``Api`` and flask-limiter's ``Limiter`` keep per-app state on
    the module-level singletons, so each throw-away app gets its own instances.
    """

    def build(config_name: str = "testing", overrides: dict | None = None):
        monkeypatch.setattr(service, "api", ProblemApi())
        monkeypatch.setattr(service, "limiter", Limiter(key_func=_rate_limit_key))
        return service.create_app(config_name, overrides)

    return build

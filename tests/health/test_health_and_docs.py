"""Health (no token), the OpenAPI document, the docs UI from local files, production config."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from config import ConfigError, normalise_database_url
from service.extensions import db
from service.jobs.scheduler import beat

HEALTH = "/api/v1/health"
UTC = dt.timezone.utc
DEFAULT_NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


# --- health ------------------------------------------------------------------------

@pytest.fixture
def no_heartbeat(db_connection):
    """No scheduler has ever beaten in this test's view of the database."""
    db_connection.execute(sa.text("DELETE FROM scheduler_heartbeats"))


def test_health_reports_database_migrations_and_a_scheduler_never_started(env, no_heartbeat):
    response = env.anonymous().get(HEALTH)
    assert response.status_code == 200
    report = response.get_json()
    assert report["status"] == "ok"
    assert report["database"] == {"reachable": True}
    assert report["migrations"]["at_head"] is True
    assert report["migrations"]["current"] == report["migrations"]["head"]
    assert len(report["migrations"]["head"]) == 1
    assert report["scheduler"] == {"state": "never_started"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_follows_the_scheduler_heartbeat(app, env, no_heartbeat, frozen_clock):
    started = DEFAULT_NOW - dt.timedelta(minutes=5)
    with app.app_context():
        beat(started)
    scheduler = env.anonymous().get(HEALTH).get_json()["scheduler"]
    assert scheduler["state"] == "running"
    assert dt.datetime.fromisoformat(scheduler["last_heartbeat_at"]) == DEFAULT_NOW
    assert dt.datetime.fromisoformat(scheduler["started_at"]) == started

    stale = dt.timedelta(seconds=app.config["SCHEDULER_STALE_AFTER_SECONDS"])
    frozen_clock.set(DEFAULT_NOW + stale)
    assert env.anonymous().get(HEALTH).get_json()["scheduler"]["state"] == "running"
    frozen_clock.set(DEFAULT_NOW + stale + dt.timedelta(seconds=1))
    response = env.anonymous().get(HEALTH)
    assert response.status_code == 200  # a stopped scheduler is reported, not an outage
    assert response.get_json()["scheduler"]["state"] == "stopped"

    with app.app_context():
        beat(started)
    assert env.anonymous().get(HEALTH).get_json()["scheduler"]["state"] == "running"


def test_health_is_503_when_the_schema_is_behind(env, db_connection):
    db_connection.execute(sa.text("UPDATE alembic_version SET version_num = '0000_older'"))
    response = env.anonymous().get(HEALTH)
    assert response.status_code == 503
    report = response.get_json()
    assert report["status"] == "degraded"
    assert report["migrations"]["at_head"] is False
    assert report["migrations"]["current"] == ["0000_older"]


def test_health_needs_no_token_and_ignores_a_bad_one(env):
    response = env.client.get(HEALTH, headers={"Authorization": "Bearer tsp_garbage"})
    assert response.status_code == 200


# --- OpenAPI and docs ----------------------------------------------------------------

def test_openapi_document_is_openapi_3_with_bearer_auth(env):
    response = env.anonymous().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "tjenestespor"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert spec["security"] == [{"bearerAuth": []}]
    for path in ("/api/v1/persons", "/api/v1/persons/search", "/api/v1/persons/{person_id}",
                 "/api/v1/persons/{person_id}/access-log", "/api/v1/audit", "/api/v1/health"):
        assert path in spec["paths"], path


def test_docs_ui_is_served_from_local_files(env):
    client = env.anonymous()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert not re.search(r"https?://", html), "the docs page refers to an outside URL"
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/api/v1/docs/static/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.get_data()) > 1000, asset
    assert "/api/v1/openapi.json" in html


def test_docs_static_files_cannot_escape_their_folder(env):
    assert env.anonymous().get("/api/v1/docs/static/../../../config/__init__.py").status_code == 404
    assert env.anonymous().get("/api/v1/docs/static/%2e%2e/%2e%2e/etc/passwd").status_code == 404


# --- configuration -----------------------------------------------------------------------

@pytest.fixture
def production_env(monkeypatch):
    """A complete, safe production environment; each test breaks one thing."""
    for name in ("FLASK_DEBUG", "FLASK_ALLOW_SYNTHETIC_IDS", "FLASK_DOCS_UI_ENABLED", "FLASK_SECRET_KEY",
                 "FLASK_SQLALCHEMY_DATABASE_URI", "FLASK_AUDIT_HMAC_KEYS", "FLASK_AUDIT_HMAC_KEY_ID",
                 "FLASK_AUDIT_HMAC_KEY_FILE", "FLASK_TOTP_ENCRYPTION_KEYS", "FLASK_TOTP_ENCRYPTION_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("FLASK_AUDIT_HMAC_KEYS", '{"prod-2026": "a-long-random-production-audit-key-0123456789"}')
    monkeypatch.setenv("FLASK_AUDIT_HMAC_KEY_ID", "prod-2026")
    monkeypatch.setenv("FLASK_TOTP_ENCRYPTION_KEYS", '["cHJvZHVjdGlvbi1saWtlLXRvdHAta2V5LWZvci10ZXM="]')
    return monkeypatch


def test_production_starts_with_a_safe_configuration_and_no_docs_ui(production_env, fresh_app):
    app = fresh_app("production")
    assert app.config["DEBUG"] is False and app.config["ALLOW_SYNTHETIC_IDS"] is False
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    client = app.test_client()
    assert client.get("/api/v1/docs").status_code == 404
    assert client.get("/api/v1/docs/static/swagger-ui-bundle.js").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_production_docs_ui_can_be_switched_on(production_env, fresh_app):
    production_env.setenv("FLASK_DOCS_UI_ENABLED", "true")
    app = fresh_app("production")
    assert app.test_client().get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("breakage, complaint", [
    (lambda env: env.delenv("FLASK_SECRET_KEY"), "SECRET_KEY"),
    (lambda env: env.setenv("FLASK_SECRET_KEY", ""), "SECRET_KEY"),
    (lambda env: env.setenv("FLASK_DEBUG", "true"), "DEBUG"),
    (lambda env: env.setenv("FLASK_ALLOW_SYNTHETIC_IDS", "true"), "ALLOW_SYNTHETIC_IDS"),
    (lambda env: env.delenv("DATABASE_URL"), "DATABASE_URL"),
    # The audit chain's key (docs/security.md): there, secret, and not the published ones.
    (lambda env: env.delenv("FLASK_AUDIT_HMAC_KEY_ID"), "AUDIT_HMAC_KEY_ID is not set"),
    (lambda env: env.delenv("FLASK_AUDIT_HMAC_KEYS"), "audit key 'prod-2026'.*has no secret"),
    (lambda env: env.setenv("FLASK_AUDIT_HMAC_KEY_ID", "prod-2027"), "audit key 'prod-2027'.*has no secret"),
    (lambda env: env.setenv("FLASK_AUDIT_HMAC_KEYS", '{"prod-2026": "too-short"}'), "shorter than 32"),
    (lambda env: env.setenv("FLASK_AUDIT_HMAC_KEYS", '{"prod-2026": "testing-only-audit-key-not-secret"}'),
     "published development/testing key"),
    # The TOTP secrets' key (docs/security.md): there, a Fernet key, and not the published ones.
    (lambda env: env.delenv("FLASK_TOTP_ENCRYPTION_KEYS"), "TOTP_ENCRYPTION_KEYS is not set"),
    (lambda env: env.setenv("FLASK_TOTP_ENCRYPTION_KEYS", '["not-a-fernet-key"]'), "key 1 is not a Fernet key"),
    (lambda env: env.setenv("FLASK_TOTP_ENCRYPTION_KEYS", '["cHJvZHVjdGlvbi1saWtlLXRvdHAta2V5LWZvci10ZXM=", "short"]'), "key 2 is not a Fernet key"),
    (lambda env: env.setenv("FLASK_TOTP_ENCRYPTION_KEYS", '["dGVzdGluZy1vbmx5LXRvdHAta2V5LTAwMDAwMDAwMDA="]'),
     "TOTP encryption key is the published development/testing key"),
    # The deadlines job's connections at once (docs/architecture.md, "Scheduler").
    (lambda env: env.setenv("FLASK_JOBS_DEADLINES_LANES", "0"), "JOBS_DEADLINES_LANES"),
    (lambda env: env.setenv("FLASK_JOBS_DEADLINES_LANES", "two"), "JOBS_DEADLINES_LANES"),
])
def test_production_refuses_to_start_when_unsafe(breakage, complaint, production_env, fresh_app):
    breakage(production_env)
    with pytest.raises(ConfigError, match=complaint):
        fresh_app("production")


def test_flask_prefixed_environment_overrides_configuration(monkeypatch, fresh_app):
    monkeypatch.setenv("FLASK_TOKEN_TTL_DAYS", "7")
    monkeypatch.setenv("FLASK_HOUSING_CANDIDATES_LIMIT", "25")
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["TOKEN_TTL_DAYS"] == 7 and app.config["HOUSING_CANDIDATES_LIMIT"] == 25


def test_an_unknown_configuration_name_is_refused(fresh_app):
    with pytest.raises(ConfigError, match="unknown configuration"):
        fresh_app("staging")


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@db:5432/tsp", "postgresql+psycopg://u:p@db:5432/tsp"),
    ("postgresql://u@db/tsp", "postgresql+psycopg://u@db/tsp"),
    ("postgresql+psycopg://u@db/tsp", "postgresql+psycopg://u@db/tsp"),
    ("sqlite:////var/lib/tsp.sqlite3", "sqlite:////var/lib/tsp.sqlite3"),
])
def test_database_urls_are_normalised_to_the_psycopg_driver(given, expected):
    assert normalise_database_url(given) == expected


def test_the_session_app_still_works_after_building_other_apps(env, fresh_app, case_officer):
    """Throw-away apps must not take over the session app's API spec or limiter."""
    fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": True,
                          "RATELIMIT_DEFAULT": "1 per minute"})
    for _ in range(3):
        assert case_officer.get("/api/v1/me").status_code == 200
    assert "/api/v1/persons" in env.anonymous().get("/api/v1/openapi.json").get_json()["paths"]
    with env.app.app_context():
        assert db.session.execute(sa.text("SELECT 1")).scalar() == 1

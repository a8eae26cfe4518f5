"""tjenestespor: case tracking for municipal mental-health and substance-use services."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, request, send_from_directory

import config as config_module
from service import (
    audit,
    auth,
    backup,
    catalogue,
    decisions,
    demo,
    health,
    home,
    housing,
    jobs,
    labels,
    overview,
    persons,
    plans,
    provider_units,
    referrals,
    reports,
    web,
    worklist,
)
from service.common import contributions, history, tenancy
from service.common import sqlite as sqlite_events
from service.common.errors import register_error_handlers
from service.common.http import init_http
from service.common.i18n import init_i18n
from service.common.logging import configure_logging
from service.extensions import api, db, limiter, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# Every feature package, initialised in this order by create_app: its init_app adds the
# feature's contributions (person scopes, municipality initialisers, …) to the app's
# registry and connects its signal receivers. Nothing is registered at import.
FEATURES = (auth, persons, audit, catalogue, provider_units, referrals, decisions, plans, housing,
            worklist, reports, overview, labels, health, home, jobs, demo, backup, web)

API_SPEC_OPTIONS = {
    "info": {"description": "Case tracking for Norwegian municipal mental-health and "
                            "substance-use services and the housing that goes with them."},
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
}


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, CLI."""
    # No static folder: an API has none, and Flask's default /static route would
    # otherwise be a route outside the policy table.
    app = Flask(__name__, instance_path=str(config_module.INSTANCE_DIR), static_folder=None)
    config_class = config_module.config_class(config_name)
    app.config.from_object(config_class)
    app.config.from_prefixed_env()
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(os.environ["DATABASE_URL"])
    app.config.update(overrides or {})
    if hasattr(config_class, "validate"):
        config_class.validate(app.config)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.config["API_SPEC_OPTIONS"] = API_SPEC_OPTIONS
    app.json.sort_keys = False
    _configure_docs(app)
    _prepare_sqlite_file(app)
    configure_logging(app.config["LOG_LEVEL"])

    # Database behaviour every session relies on: SQLite's locking and foreign keys, and the
    # municipality scope of every ORM statement (service/common/tenancy.py).
    sqlite_events.install()
    tenancy.install()
    history.install()
    db.init_app(app)
    with app.app_context():
        tenancy.install_database_scope(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    init_i18n(app)
    init_http(app)
    limiter.init_app(app)
    _init_auth(app)
    _init_features(app)
    api.init_app(app)
    register_error_handlers(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_security_headers(app)
    return app


def _configure_docs(app: Flask) -> None:
    """Swagger UI from the swagger-ui-bundle package's files: no CDN."""
    if not app.config["DOCS_UI_ENABLED"]:
        return
    app.config["OPENAPI_SWAGGER_UI_PATH"] = "docs"
    app.config["OPENAPI_SWAGGER_UI_URL"] = "/api/v1/docs/static/"


def _prepare_sqlite_file(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"] or ""
    if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if uri.startswith("sqlite"):
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _init_auth(app: Flask) -> None:
    from service.auth.middleware import init_auth

    init_auth(app)


def _init_features(app: Flask) -> None:
    contributions.for_app(app)
    for feature in FEATURES:
        feature.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from service.audit.routes import blp as audit_blp
    from service.auth.routes import blp as auth_blp
    from service.catalogue.routes import blp as catalogue_blp
    from service.decisions.routes import blp as decisions_blp
    from service.health.routes import blp as health_blp
    from service.home.routes import blp as home_blp
    from service.housing.routes import blp as housing_blp
    from service.jobs.routes import blp as jobs_blp
    from service.labels.routes import blp as labels_blp
    from service.overview.routes import blp as overview_blp
    from service.persons.routes import blocks_blp as person_blocks_blp
    from service.persons.routes import blp as persons_blp
    from service.plans.routes import blp as plans_blp
    from service.provider_units.routes import blp as provider_units_blp
    from service.referrals.routes import blp as referrals_blp
    from service.reports.routes import blp as reports_blp
    from service.worklist.routes import blp as worklist_blp

    for blueprint in (health_blp, auth_blp, persons_blp, person_blocks_blp, overview_blp, audit_blp, catalogue_blp,
                      provider_units_blp, referrals_blp, decisions_blp, plans_blp, housing_blp,
                      labels_blp, worklist_blp, jobs_blp, reports_blp):
        api.register_blueprint(blueprint)
    # The index (/, /api/v1) is a plain Flask blueprint: public and not in the OpenAPI document.
    app.register_blueprint(home_blp)
    _register_web(app)

    if app.config["DOCS_UI_ENABLED"]:
        import swagger_ui_bundle

        static_dir = swagger_ui_bundle.swagger_ui_path

        @app.route("/api/v1/docs/static/<path:filename>", endpoint="docs_static")
        def docs_static(filename):
            return send_from_directory(static_dir, filename)

        limiter.exempt(docs_static)


def _register_web(app: Flask) -> None:
    """The officer web application (service/web): plain Flask blueprints under /app, one per area
    (``service/web/<area>/routes.py``, its ``blp``), outside the OpenAPI document; its routes are in
    the same policy table as the API's."""
    from importlib import import_module

    web_blueprints = tuple(import_module(f"service.web.{area}.routes").blp for area in WEB_AREAS)
    for blueprint in web_blueprints:
        app.register_blueprint(blueprint)
    # Their pages post HTML forms (service/common/http.py accepts those for these blueprints only).
    app.extensions["form_blueprints"] = frozenset(blueprint.name for blueprint in web_blueprints)


# The web application's areas, in the order their blueprints are registered.
WEB_AREAS = ("home", "auth", "persons", "referrals", "cases", "housing", "plans", "worklist", "reports", "audit",
             "admin")


def _register_cli(app: Flask) -> None:
    from service.audit.cli import audit_cli
    from service.auth.cli import municipality_cli, token_cli, user_cli
    from service.catalogue.cli import catalogue_cli
    from service.demo.cli import demo_cli
    from service.jobs.cli import jobs_cli, scheduler_cli, serve_command
    from service.provider_units.cli import provider_unit_cli
    from service.reports.cli import reports_cli

    for command in (municipality_cli, user_cli, token_cli, audit_cli, catalogue_cli, provider_unit_cli, demo_cli,
                    scheduler_cli, jobs_cli, reports_cli, serve_command):
        app.cli.add_command(command)
    # `db backup` and `db restore` beside Flask-Migrate's `db upgrade` (its group, added by migrate.init_app).
    from service.backup.cli import backup_command, restore_command

    for command in (backup_command, restore_command):
        app.cli.commands["db"].add_command(command)


def _register_security_headers(app: Flask) -> None:
    """CSP, framing, referrer, caching and Retry-After of the API and its docs (service/common/headers.py)."""
    from service.common.headers import add_security_headers

    def _headers(response):
        return add_security_headers(response, request.path)

    # Flask runs after_request hooks last-registered first: first in the list, this runs after every
    # other, so it sees the rate limiter's headers and the problem a failed commit answers instead.
    app.after_request_funcs.setdefault(None, []).insert(0, _headers)

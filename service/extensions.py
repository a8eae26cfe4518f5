"""Flask extensions, created once and bound to the app in ``create_app``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import flask_sqlalchemy.session
from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from limits.storage import Storage, storage_from_string
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints make Alembic migrations reproducible and SQLite batch
# mode able to find what it has to rebuild.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AppSession(flask_sqlalchemy.session.Session):
    """Honour an explicit ``bind`` (tests join an outer transaction through it).

    Flask-SQLAlchemy's session always picks the engine by bind key and ignores a
    connection passed as ``bind``; with one database that is all we need to change.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _rate_limit_key() -> str:
    """Per user once the request names one (a valid token, a live session), per client address
    before: the limiter's check runs before the authentication hook, so it asks who is calling
    itself (``request_user`` works that out once and the hook reuses the answer). A key read from
    ``g.current_user`` here would always be the address: two colleagues behind one municipal NAT
    would share one budget, and one user could spread over many addresses."""
    from service.auth.middleware import request_user

    user = request_user()
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def counter_storage(config) -> Storage:
    """The store of every counter the service keeps outside the database: the API's rate limits
    (flask-limiter builds its own from the same two settings) and the login throttle
    (service/auth/login.py). One setting, ``RATELIMIT_STORAGE_URI``, so that both are shared by
    every process or neither is: memory:// for one process, Redis when several serve the service."""
    return storage_from_string(config.get("RATELIMIT_STORAGE_URI") or "memory://",
                               **(config.get("RATELIMIT_STORAGE_OPTIONS") or {}))


db = SQLAlchemy(model_class=Base, session_options={"class_": AppSession})
migrate = Migrate()
limiter = Limiter(key_func=_rate_limit_key)


class ProblemApi(Api):
    """flask-smorest ``Api`` whose errors are RFC 9457 problem documents.

    Every blueprint it registers refuses query parameters its operations do not
    declare (``service.common.http.refuse_unknown_query_parameters``; docs/architecture.md).
    """

    def register_blueprint(self, blp, **options):
        from service.common.http import refuse_unknown_query_parameters

        if refuse_unknown_query_parameters not in blp.before_request_funcs.get(None, []):
            blp.before_request(refuse_unknown_query_parameters)
        return super().register_blueprint(blp, **options)

    def handle_http_exception(self, error):
        from service.common.errors import problem_response_for_http_exception

        return problem_response_for_http_exception(error)


api = ProblemApi()


T = TypeVar("T")


def per_app(name: str, make: Callable[..., T], app: Flask | None = None) -> T:
    """What ``app`` (default: the current one) keeps as ``name`` in its ``extensions``, made from
    its configuration by ``make(config)`` at first use: keys and counters that every request
    needs and that each app, and so each test's app, must have its own of."""
    app = app if app is not None else current_app._get_current_object()
    value = app.extensions.get(name)
    if value is None:
        value = app.extensions[name] = make(app.config)
    return value

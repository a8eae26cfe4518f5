"""Flask extensions, created once and bound to the app in ``create_app``."""

from __future__ import annotations

import flask_sqlalchemy.session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
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
    from flask import g

    user = getattr(g, "current_user", None)
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


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

"""What an operator or load balancer needs to know: database, schema, scheduler."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from service.extensions import db
from service.jobs.scheduler import scheduler_state


@functools.lru_cache(maxsize=4)
def _script_heads(directory: str) -> frozenset[str]:
    config = current_app.extensions["migrate"].migrate.get_config(directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def health() -> tuple[dict, bool]:
    report: dict = {"database": {"reachable": False}, "migrations": {}, "scheduler": {}}
    try:
        # The request's own connection: a second one would queue behind this
        # process's open SQLite transaction (BEGIN IMMEDIATE) instead of answering.
        conn = db.session.connection()
        conn.execute(sa.text("SELECT 1"))
        current = frozenset(MigrationContext.configure(conn).get_current_heads())
        report["database"]["reachable"] = True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        report["database"]["error"] = "database not reachable"
        return {**report, "status": "unavailable"}, False
    heads = _script_heads(current_app.extensions["migrate"].directory)
    report["migrations"] = {"at_head": current == heads, "current": sorted(current), "head": sorted(heads)}
    try:
        report["scheduler"] = scheduler_state()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        report["scheduler"] = {"state": "unknown"}
    ok = report["migrations"]["at_head"]
    return {**report, "status": "ok" if ok else "degraded"}, ok

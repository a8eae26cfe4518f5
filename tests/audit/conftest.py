"""Fixtures and helpers for the audit tests."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db

PERSONS = "/api/v1/persons"
TEST_KEY = b"testing-only-audit-key-not-secret"  # config.TestingConfig, key id "test"


@pytest.fixture
def auditor(env, town):
    return env.caller("auditor", town)


@contextlib.contextmanager
def triggers_bypassed(connection, dialect):
    with connection.begin_nested():
        if dialect == "postgresql":
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            yield
            connection.execute(sa.text("SET LOCAL session_replication_role = origin"))
        else:
            triggers = connection.execute(sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")).all()
            assert triggers, "the append-only triggers are missing"
            for name, _ in triggers:
                connection.execute(sa.text(f'DROP TRIGGER "{name}"'))
            yield
            for _, sql in triggers:
                connection.execute(sa.text(sql))


def events_of(app, number) -> list[AuditEvent]:
    from service.auth.models import Municipality

    with app.app_context():
        municipality_id = db.session.scalar(sa.select(Municipality.id).where(Municipality.number == number))
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.municipality_id == municipality_id)
                                    .order_by(AuditEvent.seq)).all()
        db.session.expunge_all()
        return list(events)


def verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])

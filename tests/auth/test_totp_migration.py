"""Revision 0017 (room for an encrypted TOTP secret) on a database with users: the secrets
stored before stay as they were, and going back refuses while any secret is stored encrypted,
since the old column cannot hold one (SQLite only: it builds a throw-away database of its own)."""

from __future__ import annotations

import uuid

import flask_migrate
import pytest
import sqlalchemy as sa

from service.extensions import db
from tests.helpers import database_at

NOW = "2026-03-01 09:00:00"
PLAIN = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _insert(table: str, **row) -> str:
    row = {"id": uuid.uuid4().hex, "created_at": NOW, "updated_at": NOW, "version": 1, **row}
    db.session.execute(sa.text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})"),
                       row)
    return row["id"]


def _secret(user_id: str) -> str | None:
    return db.session.execute(sa.text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user_id}).scalar()


@pytest.fixture
def before_0017(fresh_app, tmp_path, dialect):
    if dialect != "sqlite":
        pytest.skip("builds a database of its own: SQLite only")
    with database_at(fresh_app, tmp_path / "old.sqlite3", "0016_decisions_tenant_index") as app:
        yield app


def test_secrets_stored_before_stay_and_going_back_refuses_over_an_encrypted_one(before_0017, caplog):
    from service.auth import totp_keys

    app = before_0017
    with app.app_context():
        town = _insert("municipalities", number="7101", name="Kommune 7101")
        old = _insert("users", municipality_id=town, username="gammel", role="case_officer", totp_secret=PLAIN,
                      session_generation=0)
        db.session.commit()
        flask_migrate.upgrade()
        assert _secret(old) == PLAIN, "kept as it was: encrypted at its next use or by rotate-totp-keys"
        sealed = totp_keys.seal(PLAIN)
        db.session.execute(sa.text("UPDATE users SET totp_secret = :s WHERE id = :id"), {"s": sealed, "id": old})
        db.session.commit()
        with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's error and exits 1
            flask_migrate.downgrade(revision="0016_decisions_tenant_index")
        assert "1 user(s) have an encrypted TOTP secret, which the old column cannot hold" in caplog.text
        assert _secret(old) == sealed, "nothing cut"
        db.session.execute(sa.text("UPDATE users SET totp_secret = NULL WHERE id = :id"), {"id": old})
        db.session.commit()
        flask_migrate.downgrade(revision="0016_decisions_tenant_index")

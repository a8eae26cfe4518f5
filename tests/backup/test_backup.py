"""``db backup`` and ``db restore`` give back every row of every table, and the audit trail verifies.

Each test works on databases of its own (never the suite's): a source filled through the CLI as an
operator would (two generated municipalities, a deadline run, a report snapshot), backed up; a
target that first holds rows of its own, so a restore is first refused and then, with ``--force``,
must replace them (not merge into them). Every table is compared by its row count and a checksum
of its rows in primary-key order. PostgreSQL runs only when ``TEST_DATABASE_URL`` names one: the
databases ``<its name>_backup_source`` and ``_backup_target`` are made and dropped by the test.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from service.extensions import db

# Tables the seeding below must fill: a comparison of empty tables would prove nothing.
MUST_HOLD_ROWS = ("municipalities", "users", "api_tokens", "persons", "referrals", "decisions", "housing_units",
                  "housing_needs", "audit_events", "audit_chain_heads", "flags", "job_runs", "report_snapshots")


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def ok(app, *args: str) -> str:
    result = cli(app, *args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def refused(app, *args: str) -> str:
    result = cli(app, *args)
    assert result.exit_code == 1, (args, result.output, result.exception)
    assert "Traceback" not in result.output
    return result.output


def fingerprint(app) -> dict[str, tuple[int, str]]:
    """Every table of the database (the schema version's too): its row count and a SHA-256 of its
    rows in primary-key order."""
    with app.app_context(), db.engine.connect() as conn:
        metadata = sa.MetaData()
        metadata.reflect(conn)
        prints = {}
        for name, table in sorted(metadata.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            digest, count = hashlib.sha256(), 0
            for row in conn.execute(sa.select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                count += 1
            prints[name] = (count, digest.hexdigest())
        return prints


def build(fresh_app, url: str, *, migrate: bool = True):
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    if migrate:
        with app.app_context():
            flask_migrate.upgrade()
    return app


def seed(app) -> None:
    for number, seed_value in (("4401", "1"), ("4402", "2")):
        ok(app, "demo", "generate", "--scale", "tiny", "--municipality", number, "--seed", seed_value,
           "--no-progress")
    ok(app, "user", "create", "--municipality", "4401", "--username", "backup-officer", "--role", "case_officer")
    ok(app, "token", "issue", "--username", "backup-officer")
    ok(app, "jobs", "run", "deadlines")
    ok(app, "reports", "build", "--period", "2026-01")


def round_trip(fresh_app, source_url: str, target_url: str, path: Path) -> None:
    source = build(fresh_app, source_url)
    seed(source)
    before = fingerprint(source)
    empty = [table for table in MUST_HOLD_ROWS if before[table][0] == 0]
    assert empty == [], f"the seeding left these tables empty: {empty}"

    output = ok(source, "db", "backup", str(path))
    assert path.is_file() and str(path) in output
    assert fingerprint(source) == before, "a backup changes nothing"
    # A second backup to the same file is refused unless --force: an old backup is not lost by a typo.
    assert "--force" in refused(source, "db", "backup", str(path))
    ok(source, "db", "backup", str(path), "--force")

    target = build(fresh_app, target_url)
    ok(target, "municipality", "create", "--number", "4999", "--name", "Annen kommune")
    own = fingerprint(target)
    answer = refused(target, "db", "restore", str(path))
    assert "--force" in answer and "municipalities" in answer
    assert fingerprint(target) == own, "a refused restore changes nothing"

    output = ok(target, "db", "restore", str(path), "--force")
    assert str(path) in output
    after = fingerprint(target)
    differ = sorted(table for table in set(before) | set(after) if before.get(table) != after.get(table))
    assert differ == [], f"tables that differ after the restore (count, checksum): " \
                         f"{[(t, before.get(t), after.get(t)) for t in differ]}"

    verified = ok(target, "audit", "verify")
    checked = int(re.search(r"ok: (\d+) audit row", verified).group(1))
    assert checked == before["audit_events"][0] > 0


def test_a_sqlite_backup_restores_every_row_and_the_audit_trail_verifies(fresh_app, tmp_path):
    round_trip(fresh_app, f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}",
               tmp_path / "backup.sqlite3")


def test_a_backup_restores_into_a_database_never_migrated(fresh_app, tmp_path):
    """Restoring onto a fresh server: the target file does not exist yet; the schema comes with the backup."""
    source = build(fresh_app, f"sqlite:///{tmp_path / 'source.sqlite3'}")
    ok(source, "municipality", "create", "--number", "4401", "--name", "Kilde")
    ok(source, "db", "backup", str(tmp_path / "backup.sqlite3"))
    target = build(fresh_app, f"sqlite:///{tmp_path / 'new.sqlite3'}", migrate=False)
    ok(target, "db", "restore", str(tmp_path / "backup.sqlite3"))
    assert fingerprint(target) == fingerprint(source)
    ok(target, "audit", "verify")


def test_a_missing_file_or_one_that_is_not_a_backup_is_refused_and_nothing_changes(fresh_app, tmp_path):
    app = build(fresh_app, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    before = fingerprint(app)
    missing = tmp_path / "no-such-backup.sqlite3"
    assert str(missing) in refused(app, "db", "restore", str(missing))
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    pg_archive = tmp_path / "postgres.dump"
    pg_archive.write_bytes(b"PGDMP" + bytes(200))
    foreign = tmp_path / "other.sqlite3"  # a SQLite database, but not this service's (no schema version)
    with sa.create_engine(f"sqlite:///{foreign}").begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    for wrong in (text, pg_archive, foreign):
        answer = refused(app, "db", "restore", str(wrong), "--force")
        assert str(wrong) in answer and "SQLite" in answer
    assert fingerprint(app) == before


def test_a_backup_into_a_missing_directory_is_refused(fresh_app, tmp_path):
    app = build(fresh_app, f"sqlite:///{tmp_path / 'db.sqlite3'}", migrate=False)
    target = tmp_path / "missing" / "backup.sqlite3"
    assert str(target) in refused(app, "db", "backup", str(target))
    assert not target.parent.exists()


def _postgres_url() -> sa.URL:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (pg_dump/pg_restore): TEST_DATABASE_URL names no PostgreSQL database")
    return sa.make_url(url)


@pytest.fixture
def postgres_databases():
    """Two scratch databases beside the suite's, made for this test and dropped after it."""
    url = _postgres_url()
    names = [f"{url.database}_backup_source", f"{url.database}_backup_target"]
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield [url.set(database=name).render_as_string(hide_password=False) for name in names]
    # WITH (FORCE): the throw-away apps' pools still hold connections to them.
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_postgresql_backup_restores_every_row_and_the_audit_trail_verifies(fresh_app, tmp_path,
                                                                             postgres_databases):
    source_url, target_url = postgres_databases
    round_trip(fresh_app, source_url, target_url, tmp_path / "backup.dump")
    assert (tmp_path / "backup.dump").read_bytes().startswith(b"PGDMP")


def test_the_postgresql_password_travels_in_the_environment_never_on_the_command_line():
    from service.backup.services import libpq_connection

    url, password = libpq_connection(sa.make_url(
        "postgresql+psycopg://svc:s3cr%40t@db.example:5433/tjenestespor?sslmode=require"))
    assert (url, password) == ("postgresql://svc@db.example:5433/tjenestespor?sslmode=require", "s3cr@t")
    url, password = libpq_connection(sa.make_url("postgresql+psycopg://svc@/tjenestespor?host=/run/pg&password=x"))
    assert "x" not in url.split("?")[1] and password == "x"

"""Backup and restore of the whole database: every row of every table, the audit chains included.

A backup is one consistent moment of the database, taken while the service runs. SQLite's
online backup API copies the file page by page and starts over when a writer changes it
meanwhile: a plain file copy can catch half a transaction. ``pg_dump`` reads everything in one
repeatable-read transaction; its custom format lets ``pg_restore --clean --if-exists`` drop and
recreate exactly the archive's objects, and ``--single-transaction`` makes a failed restore
leave the database as it was.

A restore replaces what the database holds, so it is refused, before anything is touched, when
the file is not a backup of this kind of database or when the database holds any row (the schema
version aside) and the operator did not say ``--force``: restoring over live data must not be
one keystroke away. Restore with the service stopped: its open connections would see the tables
change under them (SQLite) or hold locks the restore waits for (PostgreSQL).

The PostgreSQL tools get the configured database as a libpq URL without the password, which
travels in ``PGPASSWORD``: a command line is visible to every user of the host (``ps``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from service.common.i18n import _
from service.extensions import db

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"  # the first bytes of a pg_dump archive in custom format
SCHEMA_VERSION_TABLE = "alembic_version"
_KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL (pg_dump --format=custom)"}


class BackupError(Exception):
    """A backup or restore was refused or failed; the message (translated) says why. A refused
    restore has changed nothing."""


@dataclasses.dataclass(frozen=True)
class Outcome:
    path: Path
    dialect: str
    revision: str | None  # the schema version (Alembic revision) the backup holds
    at_head: bool  # whether that is this code's newest schema


def backup(path: Path, *, force: bool = False) -> Outcome:
    """Write the whole database to ``path``: first to a hidden file beside it, renamed into
    place when complete, so ``path`` is never a half-written backup."""
    path = Path(path)
    if path.is_dir() or not path.parent.is_dir():
        raise BackupError(_("Cannot write a backup to %(path)s: name a file in an existing directory.",
                            path=str(path)))
    if path.exists() and not force:
        raise BackupError(_("%(path)s exists already; add --force to overwrite it.", path=str(path)))
    dialect = _dialect()
    revision = current_revision()
    partial = path.with_name(f".{path.name}.partial")
    try:
        if dialect == "sqlite":
            _sqlite_backup(partial)
        else:
            _run("pg_dump", "--format=custom", "--no-password", f"--file={partial}")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    log.info("database backup written to %s (schema %s)", path, revision)
    return Outcome(path, dialect, revision, _at_head(revision))


def restore(path: Path, *, force: bool = False) -> Outcome:
    """Replace the database's content with the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("There is no backup file at %(path)s.", path=str(path)))
    dialect = _dialect()
    _check_backup(path, dialect)
    holding = tables_with_rows()
    if holding and not force:
        raise BackupError(_("The database is not empty (%(count)s tables hold rows, among them %(tables)s); "
                            "a restore would replace them. Add --force to replace them.",
                            count=len(holding), tables=", ".join(holding[:3])))
    # Nothing of this process may hold a connection or a lock while the content is replaced.
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        _sqlite_restore(path)
    else:
        _run("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
             "--no-password", str(path))
    db.engine.dispose()
    revision = current_revision()
    log.warning("database restored from %s (schema %s, %s tables had rows before)", path, revision, len(holding))
    return Outcome(path, dialect, revision, _at_head(revision))


def tables_with_rows() -> list[str]:
    """The tables that hold at least one row, the schema version's aside (a database that has
    only been migrated is empty)."""
    with db.engine.connect() as conn:
        names = sorted(name for name in sa.inspect(conn).get_table_names() if name != SCHEMA_VERSION_TABLE)
        return [name for name in names
                if conn.execute(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first()]


def current_revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _at_head(revision: str | None) -> bool:
    config = current_app.extensions["migrate"].migrate.get_config(current_app.extensions["migrate"].directory)
    return revision in ScriptDirectory.from_config(config).get_heads()


def _dialect() -> str:
    dialect = db.engine.dialect.name
    if dialect not in _KINDS:
        raise BackupError(_("Backup and restore support SQLite and PostgreSQL, not %(dialect)s.", dialect=dialect))
    return dialect


def _check_backup(path: Path, dialect: str) -> None:
    """Refuse a file that is not a backup of this service's database of this kind: the wrong
    file is found out before anything is replaced."""
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    refused = BackupError(_("%(path)s is not a %(kind)s backup of this service's database.",
                            path=str(path), kind=_KINDS[dialect]))
    if dialect == "sqlite":
        if not head.startswith(SQLITE_MAGIC) or _sqlite_revision(path) is None:
            raise refused
        return
    if not head.startswith(PG_CUSTOM_MAGIC):
        raise refused
    listing = _run("pg_restore", "--list", str(path), database=False)
    if f" TABLE public {SCHEMA_VERSION_TABLE} " not in listing:
        raise refused


def _sqlite_revision(path: Path) -> str | None:
    try:
        source = sqlite3.connect(_read_only(path), uri=True)
        try:
            row = source.execute(f"SELECT version_num FROM {SCHEMA_VERSION_TABLE}").fetchone()
        finally:
            source.close()
    except sqlite3.DatabaseError:  # not a database, or not one of ours (no schema version)
        return None
    return row[0] if row else None


def _read_only(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _sqlite_backup(target: Path) -> None:
    raw = db.engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)
        finally:
            copy.close()
    finally:
        raw.close()


def _sqlite_restore(path: Path) -> None:
    source = sqlite3.connect(_read_only(path), uri=True)
    try:
        raw = db.engine.raw_connection()
        try:
            source.backup(raw.driver_connection)
        finally:
            raw.close()
    finally:
        source.close()


def libpq_connection(url: sa.URL) -> tuple[str, str | None]:
    """The SQLAlchemy URL as libpq takes it (no driver name), without the password; and the password."""
    password = url.password or url.query.get("password")
    query = {key: value for key, value in url.query.items() if key != "password"}
    plain = sa.URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                          database=url.database, query=query)
    return plain.render_as_string(hide_password=False), (str(password) if password else None)


def _run(program: str, *args: str, database: bool = True) -> str:
    """Run a PostgreSQL client tool against the configured database; its output, or BackupError
    with the last lines it wrote to stderr (they name no password: none is on the command line)."""
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(_("%(program)s was not found: install the PostgreSQL client tools of the server's "
                            "version or newer (package postgresql-client).", program=program))
    env = dict(os.environ)
    command = [binary, *args]
    if database:
        url, password = libpq_connection(db.engine.url)
        command.insert(1, f"--dbname={url}")
        if password:
            env["PGPASSWORD"] = password
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        error = " ".join(result.stderr.strip().splitlines()[-3:]) or f"exit status {result.returncode}"
        raise BackupError(_("%(program)s failed: %(error)s", program=program, error=error))
    return result.stdout

"""Make SQLite behave like the embedded production-grade store we rely on.

* foreign keys on (off by default in SQLite);
* every transaction is ``BEGIN IMMEDIATE``: writers queue for the database lock
  up front instead of failing halfway, so read-check-write sequences (capacity,
  one plan per person, the audit chain) are serial on SQLite as row locks make
  them on PostgreSQL. pysqlite's own implicit BEGIN is switched off so that
  SQLAlchemy's "begin" event is the only one (SQLAlchemy docs, "Serializable
  isolation / Savepoints / Transactional DDL").
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


def install() -> None:
    """Listen on every engine (called by ``create_app``; once per process, importing does nothing)."""
    for name, listener in (("connect", _sqlite_on_connect), ("begin", _sqlite_begin_immediate)):
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)


def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")

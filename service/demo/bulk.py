"""Writing generated rows in bulk: ``COPY`` on PostgreSQL, executemany elsewhere.

Measured on the ``large`` set (docs/performance.md): inserting a million decisions row by
row through executemany ran at about 7,600 rows/s, and a plain ``COPY`` into the tables as
the migrations leave them at about 10,500 rows/s, because PostgreSQL then checks every
foreign key of every row with a trigger and updates seven indexes per row. A bulk load into
empty tables is therefore done the way ``pg_restore`` does it: inside the transaction, the
tables' foreign keys and secondary indexes (those of tables without row triggers) are
dropped, the rows are copied, and the very same definitions (read back from the catalogue
with ``pg_get_constraintdef`` and ``pg_get_indexdef``, not re-declared here) are created
again, which checks every foreign key and unique index over the whole table in one pass.
Primary keys, unique and check constraints and triggers stay in place throughout, and if
anything fails the transaction rolls the tables back as they were. Tables that already hold
rows (a second municipality in the same database) keep their constraints, and the load is
slower.

Values are converted by each column type's own SQLAlchemy bind processor, so ``COPY``
stores exactly what an ``insert()`` would, and sent in PostgreSQL's binary format (half
the cost of text for the client and the server alike, measured on a million decisions);
the rows stream through psycopg's queued writer, so that encoding them (this process)
and storing them (the server) run on two cores at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

EXECUTEMANY_BATCH = 5_000  # rows per executemany; also the progress bar's step


def method(connection: sa.Connection) -> str:
    return "COPY" if connection.dialect.name == "postgresql" else "executemany"


def insert(connection: sa.Connection, table: sa.Table, rows: list[dict], advance: Callable[[int], object]) -> None:
    """Write ``rows`` (dicts of column keys, all with the same keys) into ``table``."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy(connection, table, rows, advance)
        return
    for start in range(0, len(rows), EXECUTEMANY_BATCH):
        chunk = rows[start:start + EXECUTEMANY_BATCH]
        connection.execute(sa.insert(table), chunk)
        advance(len(chunk))


def _copy(connection: sa.Connection, table: sa.Table, rows: list[dict], advance: Callable[[int], object]) -> None:
    from psycopg.copy import QueuedLibpqWriter
    from psycopg.types.json import Json

    columns = [column for column in table.columns if column.key in rows[0]]
    keys = [column.key for column in columns]
    # Binary COPY (half the cost of text on both sides, measured) needs each column's type,
    # read from the catalogue rather than re-declared.
    oids = dict(connection.execute(sa.text(
        "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = CAST(:table AS regclass) AND attnum > 0"),
        {"table": table.name}).all())
    # psycopg adapts a list as an array; a JSON column takes it as JSON, as the driver's
    # insert does with the same wrapper. Other conversions (UTCDateTime) are the column
    # type's bind processor, remembered per value: most rows share their timestamps.
    converters = []
    for index, column in enumerate(columns):
        if isinstance(column.type, sa.JSON):
            converters.append((index, Json, None))
        elif isinstance(column.type, sa.Numeric):
            continue  # the rows hold Decimal, which binary numeric takes as it is (not as float)
        elif (process := column.type.bind_processor(connection.dialect)) is not None:
            converters.append((index, process, {}))
    quote = connection.dialect.identifier_preparer.quote
    statement = (f"COPY {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
                 "FROM STDIN (FORMAT BINARY)")
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
        copy.set_types([oids[column.name] for column in columns])
        for number, row in enumerate(rows, 1):
            values = [row[key] for key in keys]
            for index, convert, memo in converters:
                value = values[index]
                if value is None:
                    continue
                if memo is None:
                    values[index] = convert(value)
                elif (converted := memo.get(value)) is not None:
                    values[index] = converted
                else:
                    values[index] = memo[value] = convert(value)
            copy.write_row(values)
            if number % EXECUTEMANY_BATCH == 0:
                advance(EXECUTEMANY_BATCH)
    advance(len(rows) % EXECUTEMANY_BATCH)


@contextmanager
def constraints_after_load(connection: sa.Connection, tables: list[sa.Table]) -> Iterator[bool]:
    """Drop and recreate foreign keys and secondary indexes around a load into empty tables.

    Yields whether it did (PostgreSQL and every table empty); otherwise it changes nothing.
    """
    names = [table.name for table in tables]
    if connection.dialect.name != "postgresql" or any(
            connection.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {name})").scalar() for name in names):
        yield False
        return
    foreign_keys = connection.execute(sa.text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[])) ORDER BY conrelid, conname"),
        {"tables": names}).all()
    # Indexes that back no constraint (the primary key and unique constraints stay), on tables
    # without row triggers: a trigger's queries need the indexes (the housing capacity trigger
    # counts a unit's pending offers and tenancies for every row; without them, a full scan
    # each, 1.1 s for 3,600 rows on ``large``). ``tgtype & 1``: FOR EACH ROW; a statement
    # trigger (the flag source log) runs once per COPY and reads nothing.
    indexes = connection.execute(sa.text(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(CAST(:tables AS regclass[])) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint WHERE conindid = pg_index.indexrelid) AND NOT EXISTS "
        "(SELECT 1 FROM pg_trigger WHERE tgrelid = pg_index.indrelid AND NOT tgisinternal AND tgtype & 1 = 1) "
        "ORDER BY indexrelid"),
        {"tables": names}).all()
    for table, name, _ in foreign_keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    yield True
    for _, definition in indexes:
        connection.exec_driver_sql(definition)
    for table, name, definition in foreign_keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def analyze(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """Fresh planner statistics on PostgreSQL: after a bulk load they still say the tables
    are empty, and the first queries over a million rows would plan nested loops."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE " + ", ".join(table.name for table in tables))

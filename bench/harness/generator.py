"""The generator's insert rate against PostgreSQL ``COPY`` of the same rows.

After ``demo generate`` has run, every table it reports is copied out
(``COPY … TO STDOUT (FORMAT binary)``) into a temporary file, and empty clones of those
tables are made in a schema ``bench_copy`` (``LIKE … INCLUDING ALL``). The baseline loads
the same rows the way the generator's bulk path does (service/demo/bulk.py, as
``pg_restore`` does): the clones' secondary indexes and foreign keys are not there during
the load (primary keys, unique and check constraints are, and the secondary indexes of the
tables the bulk path keeps them on: those with row triggers), every table is filled with
``COPY … FROM STDIN (FORMAT binary)`` through psycopg in the generator's order, then the
very same index and foreign-key definitions (the foreign keys pointing at the clones, or at
``public`` for tables not generated) are created, the clones analysed, and the whole
committed. Several rounds; between rounds the clones are emptied and their indexes and
foreign keys dropped again, untimed. The generated tables themselves are never changed.
The generator runs once per harness run; its figures come from its ``--report-json``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.harness.scratch import BenchError, Dataset, ScratchDatabase

SCHEMA = "bench_copy"
CHUNK = 1 << 20
AFTER_LOAD = "after the load: indexes, foreign keys, ANALYZE"


def _export(conn, table: str, path: Path) -> int:
    with path.open("wb") as out, conn.cursor().copy(f'COPY public."{table}" TO STDOUT (FORMAT binary)') as copy:
        for data in copy:
            out.write(data)
    return conn.execute(f'SELECT count(*) FROM public."{table}"').fetchone()[0]


def _clone(conn, tables: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Empty clones; their secondary indexes (name, definition) and the originals' foreign keys."""
    conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    conn.execute(f"CREATE SCHEMA {SCHEMA}")
    for table in tables:
        conn.execute(f'CREATE TABLE {SCHEMA}."{table}" (LIKE public."{table}" INCLUDING ALL)')
    conn.execute("SET LOCAL search_path = public")  # definitions come back schema-qualified
    # The clones have no triggers (LIKE copies none); the bulk path keeps the secondary indexes
    # of a table with row triggers in place, so the clones of those tables keep theirs too.
    triggered = {name for (name,) in conn.execute(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND NOT t.tgisinternal "
        "AND t.tgtype & 1 = 1")}
    clones = [f'{SCHEMA}."{table}"' for table in tables if table not in triggered]
    indexes = conn.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(CAST(%s AS regclass[])) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint WHERE conindid = pg_index.indexrelid) ORDER BY indexrelid",
        (clones,)).fetchall()
    foreign_keys = conn.execute(
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace s ON s.oid = c.relnamespace "
        "WHERE k.contype = 'f' AND s.nspname = 'public' AND c.relname = ANY(%s) ORDER BY c.relname, k.conname",
        (tables,)).fetchall()
    _drop_indexes_and_keys(conn, indexes, [])
    return indexes, foreign_keys


def _drop_indexes_and_keys(conn, indexes, foreign_keys) -> None:
    for table, name, _ in foreign_keys:
        conn.execute(f'ALTER TABLE {SCHEMA}."{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")


def _load(conn, tables: list[str], files: dict[str, Path], indexes, foreign_keys) -> dict[str, float]:
    """One timed load: seconds per table, and for the indexes, foreign keys, ANALYZE and commit."""
    seconds = {}
    for table in tables:
        started = time.perf_counter()
        with files[table].open("rb") as source, \
                conn.cursor().copy(f'COPY {SCHEMA}."{table}" FROM STDIN (FORMAT binary)') as copy:
            while chunk := source.read(CHUNK):
                copy.write(chunk)
        seconds[table] = time.perf_counter() - started
    started = time.perf_counter()
    for _, definition in indexes:
        conn.execute(definition)
    # Unqualified REFERENCES resolve to a clone where there is one, else to public.
    conn.execute(f"SET LOCAL search_path = {SCHEMA}, public")
    for table, name, definition in foreign_keys:
        conn.execute(f'ALTER TABLE {SCHEMA}."{table}" ADD CONSTRAINT "{name}" {definition}')
    conn.execute("ANALYZE " + ", ".join(f'{SCHEMA}."{t}"' for t in tables))
    conn.commit()
    seconds[AFTER_LOAD] = time.perf_counter() - started
    return seconds


def run(database: ScratchDatabase, dataset: Dataset, *, rounds: int, log=print) -> dict:
    tables = list(dataset.report["tables"])
    if not tables:
        raise BenchError("the generator's report names no tables")
    rows: dict[str, int] = {}
    copy_runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-copy-") as tmp, database.connect() as conn:
        files = {table: Path(tmp) / f"{table}.bin" for table in tables}
        for table in tables:
            rows[table] = _export(conn, table, files[table])
        conn.commit()
        indexes, foreign_keys = _clone(conn, tables)
        conn.commit()
        try:
            for round_number in range(rounds):
                if round_number:
                    _drop_indexes_and_keys(conn, indexes, foreign_keys)
                    conn.execute("TRUNCATE " + ", ".join(f'{SCHEMA}."{t}"' for t in tables))
                    conn.commit()
                database.checkpoint()  # as before the generator's run (scratch.ScratchDatabase.checkpoint)
                copy_runs.append(_load(conn, tables, files, indexes, foreign_keys))
                log(f"  COPY round {round_number + 1}/{rounds}: {sum(rows.values()):,} rows in "
                    f"{sum(copy_runs[-1].values()):.2f} s")
        finally:
            conn.rollback()
            conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            conn.commit()
    return {"tables": tables, "rows": rows, "copy_runs": copy_runs, "indexes": len(indexes),
            "foreign_keys": len(foreign_keys)}

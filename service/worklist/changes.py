"""Which flag kinds the ``deadlines`` job must evaluate again: those whose inputs can have changed.

The flags a kind raises and resolves on a day are a function of its condition (the SQL, with the
day and the configured windows in it) and of the rows of the tables that condition reads. So the
job evaluates a kind in a municipality only when

* the condition's **fingerprint** (a hash of its compiled SQL and parameters) differs from the
  one it last evaluated there in full (``FlagEvaluation``): another day, other settings, other
  code; or
* a table the condition reads has been **written since** (``FlagSourceChange``, inserted by
  database triggers on those tables, migration 0014, so no write path can bypass it: the
  application, a job, an operator's SQL).

Otherwise the kind's flags are exactly what the last evaluation left, and evaluating it again
would only learn that (on ``large``: two seconds for a second run of the day, in which every
condition was evaluated twice to raise and resolve nothing).

The tables a condition reads are found in the statement itself (``sources``), not listed by
hand; ``tests/worklist/test_flag_sources.py`` proves each carries the trigger. ``users`` is left
out: a user's state decides only who a *new* flag goes to (``flags.assignee``), never whether a
flag exists, and the open flags of a disabled user are moved by ``flags.reroute_disabled`` on
every run.

The change rows of a municipality are read when the job starts and exactly those rows are deleted
in the job's transaction: a write committed meanwhile leaves its row for the next run, which then
evaluates again (at worst once too often, never once too few). A row about no municipality (a
write outside any scope, on PostgreSQL) counts for every municipality: the job that reads it
hands each other municipality a copy before deleting it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import visitors

from service.auth.models import Municipality
from service.common import clock
from service.common.contributions import FlagKind
from service.extensions import db
from service.worklist.models import FlagEvaluation, FlagSourceChange

# Read by conditions, but never deciding whether a flag exists (see the module's docstring).
NOT_SOURCES = frozenset({"users"})
_DELETE_CHUNK = 5_000  # ids per DELETE (SQLite caps the parameters of a statement)


@dataclasses.dataclass(frozen=True)
class Pending:
    """The change rows a run read when it started: their ids, the tables written, and the tables
    written outside any municipality (counted here, and handed to the others)."""

    ids: tuple[int, ...]
    sources: frozenset[str]
    unscoped_sources: frozenset[str]


def sources(rows: sa.Select | sa.CompoundSelect) -> frozenset[str]:
    """The tables a kind's condition (``kind.rows(scope)``) reads, aliases and subqueries
    included, less ``NOT_SOURCES``."""
    return frozenset(element.name for element in visitors.iterate(rows)
                     if isinstance(element, sa.Table)) - NOT_SOURCES


def fingerprint(rows: sa.Select | sa.CompoundSelect) -> str:
    """A hash of a kind's condition as the database would run it: SQL text and parameter values."""
    compiled = rows.compile(dialect=db.session.get_bind().dialect)
    params = sorted((name, repr(value)) for name, value in compiled.params.items())
    return hashlib.sha256(f"{compiled}\n{params!r}".encode()).hexdigest()


def pending(municipality_id: uuid.UUID) -> Pending:
    """The change rows for the municipality, and those for none."""
    rows = db.session.execute(
        sa.select(FlagSourceChange.id, FlagSourceChange.municipality_id, FlagSourceChange.source)
        .where(sa.or_(FlagSourceChange.municipality_id == municipality_id,
                      FlagSourceChange.municipality_id.is_(None)))).all()
    return Pending(ids=tuple(row.id for row in rows), sources=frozenset(row.source for row in rows),
                   unscoped_sources=frozenset(row.source for row in rows if row.municipality_id is None))


@dataclasses.dataclass(frozen=True)
class Evaluated:
    """A kind's last full evaluation in a municipality: what it evaluated, and how long it took."""

    fingerprint: str
    duration_ms: int | None


def last_evaluated(municipality_id: uuid.UUID) -> dict[str, Evaluated]:
    """{kind: its last full evaluation} in the municipality."""
    rows = db.session.execute(sa.select(FlagEvaluation.kind, FlagEvaluation.fingerprint, FlagEvaluation.duration_ms)
                              .where(FlagEvaluation.municipality_id == municipality_id)).all()
    return {row.kind: Evaluated(row.fingerprint, row.duration_ms) for row in rows}


def is_current(kind: FlagKind, rows: sa.Select | sa.CompoundSelect, digest: str,
               evaluated: dict[str, Evaluated], written: Pending) -> bool:
    """Whether the kind's flags are what a full evaluation would give: its condition ``rows``
    (fingerprint ``digest``) is the one last evaluated in full, and no table it reads was written since."""
    last = evaluated.get(kind.kind)
    return last is not None and last.fingerprint == digest and not sources(rows) & written.sources


def remember(municipality_id: uuid.UUID, kind: FlagKind, digest: str, duration_ms: int) -> None:
    """Record that the kind has just been evaluated in full, with this fingerprint, in ``duration_ms``."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(FlagEvaluation)
    now = clock.now()
    db.session.connection().execute(
        insert.values(municipality_id=municipality_id, kind=kind.kind, fingerprint=digest, evaluated_at=now,
                      duration_ms=duration_ms)
        .on_conflict_do_update(index_elements=["municipality_id", "kind"],
                               set_={"fingerprint": digest, "evaluated_at": now, "duration_ms": duration_ms}))


def consume(municipality_id: uuid.UUID, written: Pending) -> None:
    """Delete the change rows the run read (only those); copy each one about no municipality to
    every other municipality first, so that their runs evaluate what it may have changed."""
    connection = db.session.connection()
    if written.unscoped_sources:
        others = sa.select(Municipality.id).where(Municipality.id != municipality_id).subquery()
        for source in sorted(written.unscoped_sources):
            connection.execute(sa.insert(FlagSourceChange).from_select(
                ["municipality_id", "source"], sa.select(others.c.id, sa.literal(source, sa.String()))))
    for start in range(0, len(written.ids), _DELETE_CHUNK):
        chunk = list(written.ids[start:start + _DELETE_CHUNK])
        connection.execute(sa.delete(FlagSourceChange).where(FlagSourceChange.id.in_(chunk)))


"""Raising and resolving flags: one set-based statement per flag kind (docs/worklist.md).

Each kind's condition is a SELECT its feature contributes (``contributions.FlagKind.rows``).
From it this module builds, per municipality and day:

* the raise: ``INSERT INTO flags … SELECT … FROM (condition) ON CONFLICT DO NOTHING`` (SQLite
  and PostgreSQL have the same upsert clause), so a second run of a day inserts nothing;
* the resolution: one ``UPDATE flags … WHERE NOT EXISTS (the condition for that subject and
  due date)``, for the open and acknowledged flags raised on or before the day (a replay of an
  earlier day never resolves what a later day raised).

No Python loop over decisions, plans or units: the database evaluates every condition. Every
statement names the municipality explicitly (not only through the ORM's tenancy hook, which
does not see inside ``INSERT … SELECT``), and the jobs run them inside that municipality's
``tenant_scope``, so they keep working when the database enforces tenancy itself.

Actions resolve the flags whose cause they remove at once, in their own transaction
(``resolve_for``); a referral assigned to another officer or a plan given another coordinator
takes its open flags along (``reassign_subject``). Features import this module; it imports no
feature (the kinds reach it through the contributions).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from service.auth.models import User
from service.common import clock, contributions
from service.common.contributions import FlagKind, FlagScope
from service.common.lanes import run_in_lanes
from service.common.models import UTCDateTime
from service.common.sqldates import plus_days
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.worklist import changes
from service.worklist.models import OPEN, PENDING, RESOLVED, Flag

_UNIQUE = ("municipality_id", "kind", "subject_type", "subject_id", "due_on")


def assignee(user_id_column) -> sa.ScalarSelect:
    """The user in ``user_id_column`` if that user may act (exists, not disabled), else null: the office.

    For a kind's condition: ``assignee(Referral.assigned_to).label("assigned_to")``.
    """
    return (sa.select(User.id).where(User.id == user_id_column, User.disabled_at.is_(None))
            .correlate_except(User).scalar_subquery())


def in_sentence(name: str) -> str:
    """A catalogue name inside a sentence: its first capital lowered unless it starts an
    abbreviation ("Praktisk bistand" → "praktisk bistand", "DPS-samarbeid" stays)."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def kinds() -> dict[str, FlagKind]:
    return contributions.current().flag_kinds


def kind_of(name: str) -> FlagKind:
    return kinds()[name]


def _new_id(dialect: str):
    """A random UUID made by the database (stored as 32 hex digits on SQLite)."""
    if dialect == "postgresql":
        return sa.func.gen_random_uuid()
    hex_ = sa.func.hex
    blob = sa.func.randomblob
    return sa.func.lower(  # version 4, variant 10xx: as uuid.uuid4() would make it
        hex_(blob(6)) + sa.literal("4") + sa.func.substr(hex_(blob(2)), 2)
        + sa.func.substr(sa.literal("89ab"), 1 + sa.func.abs(sa.func.random()) % 4, 1)
        + sa.func.substr(hex_(blob(2)), 2) + hex_(blob(6)))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _insert(dialect: str):
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Flag)


def _condition(kind: FlagKind, scope: FlagScope, subject_ids: list[uuid.UUID] | None,
               rows: sa.Subquery | None = None) -> sa.Subquery:
    rows = rows if rows is not None else condition(kind, scope)
    if subject_ids is None:
        return rows
    return sa.select(rows).where(rows.c.subject_id.in_(subject_ids)).subquery(f"subject_{kind.kind}")


def condition(kind: FlagKind, scope: FlagScope) -> sa.Subquery:
    """The kind's condition in the municipality on the day, as a subquery (built once per run and kind)."""
    return kind.rows(scope).subquery(f"condition_{kind.kind}")


def _execute(stmt) -> int:
    """Run a flag statement as Core SQL on the session's connection (in its transaction); its rowcount.

    Every flag statement names its municipality itself, so the ORM's per-statement work (the
    tenancy hook, bulk-update bookkeeping) adds nothing but time."""
    return db.session.connection().execute(stmt).rowcount or 0


def _raise_stmt(kind: FlagKind, scope: FlagScope, rows, dialect: str):
    """``INSERT INTO flags … SELECT … FROM (condition) ON CONFLICT DO NOTHING``."""
    now = clock.now()
    columns = {
        "id": _new_id(dialect),
        "municipality_id": sa.literal(scope.municipality_id, sa.Uuid()),
        "kind": sa.literal(kind.kind, sa.String()),
        "subject_type": sa.literal(kind.subject_type, sa.String()),
        "subject_id": rows.c.subject_id,
        "person_id": rows.c.person_id,
        "due_on": rows.c.due_on,
        "status": sa.literal(OPEN, sa.String()),
        "raised_on": sa.literal(scope.on, sa.Date()),
        "assigned_to": rows.c.assigned_to,
        "office": sa.literal(kind.office, sa.String()),
        "cause": rows.c.cause,
        "created_at": sa.literal(now, UTCDateTime()),
        "updated_at": sa.literal(now, UTCDateTime()),
        "version": sa.literal(1, sa.Integer()),
    }
    # SQLite's upsert needs a WHERE in the SELECT to tell its ON CONFLICT from a join's ON.
    select = sa.select(*columns.values()).select_from(rows).where(rows.c.due_on.is_not(None))
    return _insert(dialect).from_select(list(columns), select).on_conflict_do_nothing(index_elements=list(_UNIQUE))


def _resolve_stmt(kind: FlagKind, scope: FlagScope, rows, subject_ids: list[uuid.UUID] | None, resolution: str):
    """``UPDATE flags … WHERE NOT EXISTS (the condition for that subject and due date)``.

    The due date is compared through ``plus_days(…, 0)`` (the same date) so that the database
    finds each flag's subject by its primary key: compared plainly, PostgreSQL probes the
    condition's date index instead (both look like one row to it: the derived state is a CASE it
    cannot see through) and reads every decision ending that day, which cost 1.5 s for 15,000
    expiring decisions among a million (docs/performance.md)."""
    still_holds = sa.exists().where(rows.c.subject_id == Flag.subject_id, plus_days(rows.c.due_on, 0) == Flag.due_on)
    where = [Flag.municipality_id == scope.municipality_id, Flag.kind == kind.kind,
             Flag.subject_type == kind.subject_type, Flag.status.in_(PENDING), Flag.raised_on <= scope.on,
             ~still_holds]
    if subject_ids is not None:
        where.append(Flag.subject_id.in_(subject_ids))
    return (sa.update(Flag).where(*where)
            .values(status=RESOLVED, resolved_on=scope.on, resolution=resolution, updated_at=clock.now(),
                    version=Flag.version + 1))


def raise_kind(kind: FlagKind, scope: FlagScope, subject_ids: list[uuid.UUID] | None = None,
               rows: sa.Subquery | None = None) -> int:
    """Insert a flag for every row of the kind's condition that has none yet; the number inserted."""
    stmt = _raise_stmt(kind, scope, _condition(kind, scope, subject_ids, rows), _dialect())
    return _execute(stmt.execution_options(preserve_rowcount=True))  # an INSERT's rowcount only on request


def resolve_kind(kind: FlagKind, scope: FlagScope, subject_ids: list[uuid.UUID] | None = None, *,
                 resolution: str = "job", rows: sa.Subquery | None = None) -> int:
    """Resolve every open or acknowledged flag of the kind (raised on or before ``scope.on``)
    whose subject and due date the condition no longer gives; the number resolved."""
    return _execute(_resolve_stmt(kind, scope, _condition(kind, scope, subject_ids, rows), subject_ids, resolution))


def settle_kind(kind: FlagKind, scope: FlagScope, *, raise_flags: bool = True) -> tuple[int, int]:
    """A job's pass over one kind in one municipality: (resolved, raised), the condition built once.

    The resolution's ``NOT EXISTS`` is correlated by subject, so the database checks each open
    flag against its own subject's row (an index probe), whatever it estimates the condition
    gives; the raise evaluates the condition once and lets the unique index refuse what exists.
    """
    rows = condition(kind, scope)
    resolved = resolve_kind(kind, scope, rows=rows)
    return resolved, (raise_kind(kind, scope, rows=rows) if raise_flags else 0)


def reroute_disabled(municipality_id: uuid.UUID) -> int:
    """Open flags of a user who has been disabled go to the office; the number moved."""
    disabled = sa.select(User.id).where(User.municipality_id == municipality_id, User.disabled_at.is_not(None))
    if db.session.connection().execute(disabled.limit(1)).first() is None:
        return 0  # nobody disabled: no need to read the flags
    stmt = (sa.update(Flag)
            .where(Flag.municipality_id == municipality_id, Flag.status.in_(PENDING),
                   Flag.assigned_to.in_(disabled))
            .values(assigned_to=None, updated_at=clock.now(), version=Flag.version + 1))
    return _execute(stmt)


# --- what the actions call ------------------------------------------------------------------

def _ids(subject_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    return sorted({subject_id for subject_id in subject_ids if subject_id is not None})


def resolve_for(subject_type: str, subject_ids: Iterable[uuid.UUID], on: dt.date | None = None) -> int:
    """An action changed these subjects: resolve, in the action's transaction, their flags whose
    cause is gone (every kind about that subject type). Raising is the jobs' (``deadlines``)."""
    ids = _ids(subject_ids)
    municipality_id = current_municipality_id()
    if not ids or municipality_id is None:
        return 0
    scope = FlagScope(on=on or clock.today(), municipality_id=municipality_id)
    return sum(resolve_kind(kind, scope, ids, resolution="action")
               for kind in contributions.current().flag_kinds_of(subject_type))


def reassign_subject(subject_type: str, subject_id: uuid.UUID, user_id: uuid.UUID | None) -> int:
    """The subject's open flags go to ``user_id`` (None: the office), e.g. a referral assigned to
    another officer, a plan given another coordinator; the number moved."""
    stmt = (sa.update(Flag)
            .where(Flag.municipality_id == current_municipality_id(), Flag.subject_type == subject_type,
                   Flag.subject_id == subject_id, Flag.status.in_(PENDING),
                   sa.or_(Flag.assigned_to.is_(None), Flag.assigned_to != user_id) if user_id is not None
                   else Flag.assigned_to.is_not(None))
            .values(assigned_to=user_id, updated_at=clock.now(), version=Flag.version + 1))
    return _execute(stmt)


# --- what the jobs call, once per municipality -------------------------------------------------

def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {kind: n for kind, n in sorted(counts.items()) if n}


def _last_duration(evaluated: dict[str, changes.Evaluated], kind: str) -> float:
    last = evaluated.get(kind)
    return float("inf") if last is None or last.duration_ms is None else last.duration_ms


def run_deadlines_for(municipality_id: uuid.UUID, on: dt.date, *, lanes: int = 1) -> dict:
    """The ``deadlines`` job in one municipality: resolve every open flag whose cause is gone
    (every kind), raise every flag of the kinds it raises whose condition holds on ``on``, and
    give the office the open flags of users who have been disabled.

    A kind whose condition is the one last evaluated in full here and whose tables nobody has
    written since is left as it is (``changes``: its flags are already what evaluating it would
    give); ``unchanged`` counts those kinds. The kinds to evaluate are settled on up to ``lanes``
    connections at once, each kind then in a transaction of its own (``common.lanes``: a kind's
    pass touches only its own flags and is idempotent); what spans the kinds (the change log,
    the disabled users' flags) stays in the caller's transaction and follows them."""
    scope = FlagScope(on=on, municipality_id=municipality_id)
    written, evaluated = changes.pending(municipality_id), changes.last_evaluated(municipality_id)
    due: list[tuple[FlagKind, str]] = []  # the kinds to evaluate, with their condition's fingerprint
    unchanged = 0
    for kind in kinds().values():
        rows = kind.rows(scope)  # built once here: the fingerprint and the sources read the same statement
        digest = changes.fingerprint(rows)
        if changes.is_current(kind, rows, digest, evaluated, written):
            unchanged += 1
        else:
            due.append((kind, digest))
    # The longest first, so that the largest kind is not the last to start on its lane; a kind never
    # evaluated here first of all (its size unknown), and otherwise in the order the features give.
    due.sort(key=lambda item: -_last_duration(evaluated, item[0].kind))

    def settle(kind: FlagKind, digest: str) -> Callable[[], tuple[int, int]]:
        def piece() -> tuple[int, int]:
            started = time.perf_counter()
            settled = settle_kind(kind, scope, raise_flags=kind.raised_by == "deadlines")
            changes.remember(municipality_id, kind, digest, round((time.perf_counter() - started) * 1000))
            return settled
        return piece

    settled = dict(zip((kind.kind for kind, _digest in due),
                       run_in_lanes([settle(kind, digest) for kind, digest in due], lanes), strict=True))
    resolved = {name: n for name, (n, _raised) in settled.items()}
    raised = {name: n for name, (_resolved, n) in settled.items()}
    changes.consume(municipality_id, written)
    return {"raised": _nonzero(raised), "resolved": _nonzero(resolved),
            "rerouted": reroute_disabled(municipality_id), "unchanged": unchanged}


def run_offer_flags_for(municipality_id: uuid.UUID, on: dt.date) -> dict:
    """The flags of the ``offers`` job in one municipality (after it expired the overdue offers)."""
    scope = FlagScope(on=on, municipality_id=municipality_id)
    resolved, raised = {}, {}
    for kind in kinds().values():
        if kind.raised_by == "offers":
            resolved[kind.kind], raised[kind.kind] = settle_kind(kind, scope)
    return {"raised": _nonzero(raised), "resolved": _nonzero(resolved)}

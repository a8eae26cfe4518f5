"""Running jobs through the ledger (``JobRun``): exactly once per period, caught up after downtime.

* **Scheduled and catch-up runs** (``run_due``, called by the scheduler each time a job fires
  and once when it starts): every period from the catch-up start to now that has no running or
  succeeded run is run, oldest first; the one the firing is for is ``scheduled``, older ones
  ``catch_up``. A second run of a period is a no-op. A run that fails stays ``failed`` and is
  retried, as a further attempt, at the next firing or start; later periods wait for it (order).
* **Manual runs** (``run_manual``: ``jobs run``, ``POST /jobs/{name}/run``) always run and are
  recorded as further attempts: they are how an operator replays a day.
* **One process.** The scheduler runs in one process; within it a job never runs twice at once
  (a lock per job). On PostgreSQL a second scheduler started by mistake does not run a job the
  first is running (``pg_try_advisory_lock`` per job), and the ledger's partial unique index is
  the last line of defence. A ``running`` scheduled run met while holding the job's lock was left
  by a process that died: it is marked failed and retried.
* **Catch-up start**: ``JOBS_CATCH_UP_FROM``, else the install date (the first run the database
  records; a fresh install catches nothing up), and never more than ``JOBS_CATCH_UP_MAX_DAYS``
  back, so a restored backup does not replay months.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import threading
import uuid
from collections.abc import Iterator

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from sqlalchemy.exc import IntegrityError

from service.common import clock
from service.common.errors import NotFound
from service.common.i18n import _
from service.extensions import db
from service.jobs.models import CATCH_UP, FAILED, MANUAL, RUNNING, SCHEDULED, SUCCEEDED, JobRun
from service.jobs.registry import JOBS, JobSpec, Period

log = logging.getLogger("service.jobs")
_PROCESS_LOCKS: dict[str, threading.Lock] = {}
_PROCESS_LOCKS_GUARD = threading.Lock()
ABANDONED = "abandoned: the process running it stopped before it finished"


def spec_of(name: str) -> JobSpec:
    spec = JOBS.get(name)
    if spec is None:
        raise NotFound(_("No such job: %(name)s.", name=name))
    return spec


# --- locks --------------------------------------------------------------------------------------

def _process_lock(name: str) -> threading.Lock:
    with _PROCESS_LOCKS_GUARD:
        return _PROCESS_LOCKS.setdefault(name, threading.Lock())


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key per job for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(f"tjenestespor.job.{name}".encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Hold the job's lock for the block: True when held, False when another holder has it.

    In this process the lock is waited for (a firing queues behind the start-up catch-up); on
    PostgreSQL another process's advisory lock is not: that process runs the job.
    """
    with _process_lock(name):
        if db.engine.dialect.name != "postgresql":
            yield True
            return
        connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            held = bool(connection.scalar(sa.select(sa.func.pg_try_advisory_lock(advisory_key(name)))))
            try:
                yield held
            finally:
                if held:
                    connection.scalar(sa.select(sa.func.pg_advisory_unlock(advisory_key(name))))
        finally:
            connection.close()


@contextlib.contextmanager
def as_system() -> Iterator[None]:
    """Run a job as the system, not as the user whose request started it: the jobs see every row
    of the municipalities they run for (the audit records the system as the actor)."""
    if not has_request_context() or "current_user" not in g:
        yield
        return
    user = g.pop("current_user")
    try:
        yield
    finally:
        g.current_user = user


# --- the ledger ---------------------------------------------------------------------------------

def _next_attempt(name: str, key: str) -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(JobRun.attempt), 0))
                                 .where(JobRun.job == name, JobRun.period_key == key)) or 0) + 1


def _claim(spec: JobSpec, period: Period, trigger: str, municipality_id: uuid.UUID | None,
           triggered_by: uuid.UUID | None) -> JobRun | None:
    """Record the run as ``running`` and commit, so any other process sees the claim; None when a
    scheduled or catch-up run of the period is running or succeeded already."""
    for _attempt in range(5):
        run = JobRun(id=uuid.uuid4(), job=spec.name, period_key=period.key, trigger=trigger,
                     attempt=_next_attempt(spec.name, period.key), as_of=period.as_of,
                     municipality_id=municipality_id, triggered_by=triggered_by, started_at=clock.now(),
                     status=RUNNING, counts={})
        try:
            with db.session.begin_nested():
                db.session.add(run)
            db.session.commit()
            return run
        except IntegrityError:
            if trigger != MANUAL and _done(spec.name, period.key):
                db.session.rollback()
                return None
    raise RuntimeError(f"could not record a run of {spec.name} {period.key}")


def _done(name: str, key: str) -> bool:
    """A scheduled or catch-up run of the period is running or has succeeded."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(JobRun).where(
        JobRun.job == name, JobRun.period_key == key, JobRun.trigger != MANUAL,
        JobRun.municipality_id.is_(None), JobRun.status.in_((RUNNING, SUCCEEDED)))) > 0


def _finish(run_id: uuid.UUID, status: str, counts: dict | None = None, error: str | None = None) -> JobRun:
    run = db.session.get(JobRun, run_id, populate_existing=True)
    run.status, run.finished_at = status, clock.now()
    run.counts = counts or {}
    run.error = error
    db.session.commit()
    return run


def run_period(spec: JobSpec, period: Period, trigger: str, *, municipality_ids: list[uuid.UUID] | None = None,
               municipality_id: uuid.UUID | None = None, triggered_by: uuid.UUID | None = None,
               reraise: bool = True) -> JobRun | None:
    """Run one period of a job under the ledger; None when the ledger says it is done already.

    The run's row is committed first; the job commits municipality by municipality; the row is
    then marked succeeded with the counts, or failed with the error (and, with ``reraise``, the
    exception raised again).
    """
    run = _claim(spec, period, trigger, municipality_id, triggered_by)
    if run is None:
        return None
    run_id = run.id
    try:
        with as_system():
            counts = spec.run(period.as_of, municipality_ids)
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s %s (%s, attempt %s) failed", spec.name, period.key, trigger, run.attempt)
        failed = _finish(run_id, FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        if reraise:
            raise
        return failed
    return _finish(run_id, SUCCEEDED, counts)


def run_manual(name: str, as_of: dt.date | None = None, *, municipality_ids: list[uuid.UUID] | None = None,
               municipality_id: uuid.UUID | None = None, triggered_by: uuid.UUID | None = None,
               reraise: bool = True) -> JobRun:
    """Replay a job for a day (default today): always runs, recorded as a further attempt."""
    spec = spec_of(name)
    period = spec.manual_period(as_of or clock.today())
    return run_period(spec, period, MANUAL, municipality_ids=municipality_ids, municipality_id=municipality_id,
                      triggered_by=triggered_by, reraise=reraise)


# --- scheduled and catch-up runs -------------------------------------------------------------------

def catch_up_start(now: dt.datetime | None = None) -> dt.datetime:
    """The first instant catch-up considers (see the module's docstring)."""
    now = now or clock.now()
    zone = clock.local_timezone()
    today = now.astimezone(zone).date()
    configured = current_app.config.get("JOBS_CATCH_UP_FROM")
    if configured:
        start = configured if isinstance(configured, dt.date) else dt.date.fromisoformat(str(configured))
    else:
        first = db.session.scalar(sa.select(sa.func.min(JobRun.started_at)))
        start = first.astimezone(zone).date() if first is not None else today
    start = max(start, today - dt.timedelta(days=int(current_app.config["JOBS_CATCH_UP_MAX_DAYS"])))
    return dt.datetime.combine(start, dt.time(0), tzinfo=zone)


def _abandon_running(name: str) -> int:
    """Scheduled runs left ``running`` by a process that died (called holding the job's lock)."""
    runs = db.session.scalars(sa.select(JobRun).where(
        JobRun.job == name, JobRun.trigger != MANUAL, JobRun.municipality_id.is_(None),
        JobRun.status == RUNNING)).all()
    for run in runs:
        run.status, run.finished_at, run.error = FAILED, clock.now(), ABANDONED
    db.session.commit()
    return len(runs)


def pending_periods(spec: JobSpec, now: dt.datetime | None = None) -> list[Period]:
    """The periods due by ``now`` since the catch-up start that have no running or succeeded run."""
    now = now or clock.now()
    start = catch_up_start(now)
    due = spec.due_periods(start, now)
    if not due:
        return []
    done = set(db.session.scalars(sa.select(JobRun.period_key).where(
        JobRun.job == spec.name, JobRun.trigger != MANUAL, JobRun.municipality_id.is_(None),
        JobRun.status.in_((RUNNING, SUCCEEDED)), JobRun.as_of >= due[0].as_of - dt.timedelta(days=31))))
    return [period for period in due if period.key not in done]


def run_due(name: str, *, fired: bool, spec: JobSpec | None = None) -> list[JobRun]:
    """Run every pending period of the job, oldest first, until none is left (a period that
    falls due meanwhile is run too); stop at the first failure (it is retried next time).
    ``fired``: called because the job's schedule fired (its latest period is ``scheduled``),
    not at start-up (every period is ``catch_up``)."""
    spec = spec or spec_of(name)
    done: list[JobRun] = []
    with job_lock(spec.name) as held:
        if not held:
            log.info("job %s runs in another process; not run here", spec.name)
            return done
        abandoned = _abandon_running(spec.name)
        if abandoned:
            log.warning("job %s: %s run(s) left running by a stopped process marked failed", spec.name, abandoned)
        scheduled_key = None
        while True:
            pending = pending_periods(spec)
            if not pending:
                return done
            if fired and scheduled_key is None:
                scheduled_key = pending[-1].key
            period = pending[0]
            trigger = SCHEDULED if period.key == scheduled_key else CATCH_UP
            try:
                run = run_period(spec, period, trigger)
            except Exception:  # recorded as failed by run_period; the next firing retries it
                return done
            if run is None:
                return done
            done.append(run)


# --- what the API and the CLI show -----------------------------------------------------------------

def next_run_at(spec: JobSpec, now: dt.datetime | None = None) -> dt.datetime | None:
    fire = spec.trigger().get_next_fire_time(None, (now or clock.now()).astimezone(clock.UTC))
    return fire.astimezone(clock.UTC) if fire is not None else None


def last_runs(name: str, limit: int = 5, municipality_id: uuid.UUID | None = None) -> list[JobRun]:
    """The job's latest runs, newest first: the deployment's, and (given) those for one municipality."""
    stmt = sa.select(JobRun).where(JobRun.job == name)
    if municipality_id is not None:
        stmt = stmt.where(sa.or_(JobRun.municipality_id.is_(None), JobRun.municipality_id == municipality_id))
    return list(db.session.scalars(stmt.order_by(JobRun.started_at.desc(), JobRun.attempt.desc()).limit(limit)))


def totals(counts: dict) -> dict:
    """A run's counts summed over its municipalities: raised and resolved per kind, and the rest."""
    summed: dict = {}
    for part in counts.values():
        if not isinstance(part, dict):
            continue
        for key, value in part.items():
            if isinstance(value, dict):
                bucket = summed.setdefault(key, {})
                for kind, n in value.items():
                    if isinstance(n, int):
                        bucket[kind] = bucket.get(kind, 0) + n
            elif isinstance(value, int):
                summed[key] = summed.get(key, 0) + value
    return summed

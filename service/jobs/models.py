"""Scheduler bookkeeping: the heartbeat tells web processes whether jobs run; the ledger of job runs."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.common.models import EntityMixin, UTCDateTime, sql_in
from service.extensions import db

SCHEDULED, CATCH_UP, MANUAL = "scheduled", "catch_up", "manual"
TRIGGERS = (SCHEDULED, CATCH_UP, MANUAL)
RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"
RUN_STATUSES = (RUNNING, SUCCEEDED, FAILED)
# One scheduled or catch-up run of a period that is running or succeeded, deployment-wide
# (a failed one may be retried; manual runs are never gated).
ONE_RUN_PER_PERIOD = "trigger <> 'manual' AND status <> 'failed' AND municipality_id IS NULL"


class SchedulerHeartbeat(db.Model):
    """One row per scheduler process name, refreshed while it runs.

    The scheduler lives in exactly one process (``scheduler run`` or the embedded
    dev server); gunicorn workers learn its state only through this row.
    """

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    beat_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    host: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    pid: Mapped[int] = mapped_column(sa.Integer, nullable=False)


class JobRun(EntityMixin, db.Model):
    """One run of a job for one period (``deadlines`` 2027-03-28, ``monthly_snapshot`` 2027-02, …).

    The ledger gates scheduled and catch-up runs: at most one of a period is running or
    succeeded (``uq_job_runs_one_per_period``), so a second scheduled run of a period is a
    no-op, and a failed one is retried as a further ``attempt``. Manual runs (the CLI, the API)
    always run and are recorded as further attempts. ``municipality_id`` is null for a run over
    every municipality (the scheduler, the CLI), else the one municipality an API run was for.
    Not tenant-scoped: jobs belong to the deployment.
    """

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    period_key: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    trigger: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    attempt: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    as_of: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    municipality_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("municipalities.id"))
    triggered_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    # {municipality number: {"raised": {kind: n}, "resolved": {kind: n}, …}} or a note.
    counts: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.UniqueConstraint("job", "period_key", "attempt"),
        sa.CheckConstraint(sql_in("trigger", TRIGGERS), name="trigger_known"),
        sa.CheckConstraint(sql_in("status", RUN_STATUSES), name="status_known"),
        sa.CheckConstraint("attempt >= 1", name="attempt_positive"),
        sa.CheckConstraint("status = 'running' OR finished_at IS NOT NULL", name="finished_has_time"),
        sa.Index("uq_job_runs_one_per_period", "job", "period_key", unique=True,
                 postgresql_where=sa.text(ONE_RUN_PER_PERIOD), sqlite_where=sa.text(ONE_RUN_PER_PERIOD)),
        sa.Index("ix_job_runs_job_started_at", "job", "started_at"),
    )

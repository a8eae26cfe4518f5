"""APScheduler in exactly one process, with a heartbeat the health check reads, and the jobs.

Each job (``registry.JOBS``) fires on its cron schedule in ``TIMEZONE``; a firing runs every
pending period through the ledger (``runs.run_due``), and when the scheduler starts it catches
up every period missed while it was down, oldest first. The choices (docs/architecture.md,
"Scheduler"):

* ``misfire_grace_time=None``: a firing that comes late (the process was suspended, the
  machine slept) still runs, however late: the ledger knows which period it is for, so a late
  run is a right run, and skipping it would leave a day without its flags until the next firing.
* ``coalesce=True``: several missed firings run once; that run covers every pending period.
* ``max_instances=1``: a job never overlaps itself in this process (a lock per job makes
  sure also against the start-up catch-up; an advisory lock per job against another process on
  PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app

from service.common import clock
from service.extensions import db
from service.jobs.models import SchedulerHeartbeat
from service.jobs.registry import JOBS
from service.jobs.runs import run_due

log = logging.getLogger("service.scheduler")
SCHEDULER_NAME = "main"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def beat(started_at: dt.datetime) -> None:
    """Record that the scheduler is alive (insert or refresh its row)."""
    row = db.session.get(SchedulerHeartbeat, SCHEDULER_NAME)
    if row is None:
        row = SchedulerHeartbeat(name=SCHEDULER_NAME, started_at=started_at, beat_at=clock.now(),
                                 host=socket.gethostname()[:120], pid=os.getpid())
        db.session.add(row)
    row.started_at, row.beat_at = started_at, clock.now()
    row.host, row.pid = socket.gethostname()[:120], os.getpid()
    db.session.commit()


def scheduler_state() -> dict:
    row = db.session.get(SchedulerHeartbeat, SCHEDULER_NAME)
    if row is None:
        return {"state": "never_started"}
    stale_after = dt.timedelta(seconds=current_app.config["SCHEDULER_STALE_AFTER_SECONDS"])
    state = "running" if clock.now() - row.beat_at <= stale_after else "stopped"
    return {"state": state, "last_heartbeat_at": row.beat_at.isoformat(),
            "started_at": row.started_at.isoformat()}


def fire(app: Flask, name: str, fired: bool = True) -> None:
    """What the scheduler runs: the job's pending periods, inside the app context."""
    with app.app_context():
        try:
            runs = run_due(name, fired=fired)
            for run in runs:
                log.info("job %s %s (%s, attempt %s): %s", run.job, run.period_key, run.trigger, run.attempt,
                         run.status)
        except Exception:
            log.exception("job %s could not run", name)
            db.session.rollback()
        finally:
            db.session.remove()


def catch_up(app: Flask) -> None:
    """At start: every job's missed periods, oldest first."""
    for name in JOBS:
        fire(app, name, fired=False)


def build_scheduler(app: Flask, *, blocking: bool) -> BackgroundScheduler | BlockingScheduler:
    """A scheduler whose jobs run inside the app context: the heartbeat, a catch-up at start, the jobs."""
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=app.config["TIMEZONE"], job_defaults=dict(JOB_DEFAULTS))
    started_at = clock.now()

    def heartbeat() -> None:
        with app.app_context():
            try:
                beat(started_at)
            except sa.exc.SQLAlchemyError:
                log.exception("scheduler heartbeat failed")
                db.session.rollback()

    now = dt.datetime.now(dt.timezone.utc)
    scheduler.add_job(heartbeat, "interval", id="heartbeat",
                      seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"], next_run_time=now)
    scheduler.add_job(catch_up, "date", args=[app], id="catch_up", run_date=now)
    with app.app_context():
        for name, spec in JOBS.items():
            scheduler.add_job(fire, spec.trigger(), args=[app, name], id=name, name=spec.summary)
    return scheduler

"""APScheduler in exactly one process, with a heartbeat the health check reads."""

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

log = logging.getLogger("service.scheduler")
SCHEDULER_NAME = "main"


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


def build_scheduler(app: Flask, *, blocking: bool) -> BackgroundScheduler | BlockingScheduler:
    """A scheduler whose jobs run inside the app context; later issues add jobs here."""
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=app.config["TIMEZONE"], job_defaults={"coalesce": True, "max_instances": 1})
    started_at = clock.now()

    def heartbeat() -> None:
        with app.app_context():
            try:
                beat(started_at)
            except sa.exc.SQLAlchemyError:
                log.exception("scheduler heartbeat failed")
                db.session.rollback()

    scheduler.add_job(heartbeat, "interval", id="heartbeat",
                      seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"],
                      next_run_time=dt.datetime.now(dt.timezone.utc))
    return scheduler

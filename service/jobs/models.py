"""Scheduler bookkeeping: the heartbeat tells web processes whether jobs run."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.common.models import UTCDateTime
from service.extensions import db


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
